"""Real HTTP servers on 127.0.0.1 for the LLM tests: nothing in the client is patched.

* :class:`ScriptedServer`: an OpenAI-compatible ``/v1/chat/completions`` that answers
  from a script and records every request. Each request is answered by the next
  step scripted for its response model (the ``json_schema`` name, or the tool name
  in tools mode), or for ``"*"``. Steps: :class:`Reply` (a completion),
  :class:`Status` (an HTTP error, e.g. 429 with Retry-After), :class:`Delay` (answer
  late, to make the client time out).
* :class:`CountingProxy`: forwards every request to a real server (the local
  llama.cpp one) and counts them, to prove a cached run sends none.

Standard library only: ``http.server`` in a daemon thread.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

MODEL = "scripted-model"


@dataclass(frozen=True)
class Reply:
    """A chat completion whose message content (or tool arguments) is ``content``."""

    content: str | dict[str, Any]
    prompt_tokens: int = 100
    completion_tokens: int = 20
    finish_reason: str = "stop"

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return json.dumps(self.content, ensure_ascii=False)


@dataclass(frozen=True)
class Status:
    """An HTTP error answer."""

    code: int
    body: dict[str, Any] = field(default_factory=lambda: {"error": {"message": "scripted"}})
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds``, then answer with ``then``."""

    seconds: float
    then: Reply | Status


Step = Reply | Status | Delay


@dataclass(frozen=True)
class Recorded:
    """One request the server saw."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    body: dict[str, Any] | None
    at: float

    @property
    def key(self) -> str:
        """What the request asks for: the json_schema name, the tool name, or "*"."""
        body = self.body or {}
        schema = (body.get("response_format") or {}).get("json_schema") or {}
        if schema.get("name"):
            return str(schema["name"])
        tools = body.get("tools") or []
        if tools:
            return str(tools[0]["function"]["name"])
        return "*"

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))


def completion(request: Recorded, reply: Reply, number: int) -> dict[str, Any]:
    """The chat.completion JSON of ``reply`` to ``request``."""
    body = request.body or {}
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    finish = reply.finish_reason
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        call = {"id": f"call_{number}", "type": "function",
                "function": {"name": name, "arguments": reply.text}}  # fmt: skip
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish = "tool_calls" if finish == "stop" else finish
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", MODEL),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a Delay step may still sleep when the test ends
    allow_reuse_address = True


class _HTTPService:
    """An HTTP server on a free 127.0.0.1 port, in a thread, as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def _record(self, handler: BaseHTTPRequestHandler) -> Recorded:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        request = Recorded(
            handler.command,
            handler.path,
            {name.lower(): value for name, value in handler.headers.items()},
            body,
            time.monotonic(),
        )
        with self._lock:
            self.requests.append(request)
        return request

    def start(self) -> _HTTPService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                service.handle(service._record(self), self)

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        self.stop()


def send_json(handler: BaseHTTPRequestHandler, code: int, payload: Any,
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
    """Write one JSON response; a client that already hung up is ignored."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    try:
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


class ScriptedServer(_HTTPService):
    """An OpenAI-compatible server answering from a script, recording every request."""

    def __init__(self, script: dict[str, Iterable[Step]] | None = None) -> None:
        super().__init__()
        self._script: dict[str, deque[Step]] = defaultdict(deque)
        for key, steps in (script or {}).items():
            self.add(key, *steps)

    def add(self, key: str, *steps: Step) -> None:
        """Append steps for requests whose response model is ``key`` (or ``"*"``)."""
        with self._lock:
            self._script[key].extend(steps)

    def chat(self, key: str | None = None) -> list[Recorded]:
        """The chat-completion requests seen (for one response model if ``key``)."""
        with self._lock:
            seen = [r for r in self.requests if r.path.endswith("/chat/completions")]
        return [r for r in seen if key is None or r.key == key]

    def _next(self, request: Recorded) -> Step | None:
        with self._lock:
            for key in (request.key, "*"):
                if self._script[key]:
                    return self._script[key].popleft()
        return None

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        if request.method == "GET" and request.path.endswith("/models"):
            send_json(handler, 200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
            return
        step = self._next(request)
        if step is None:
            message = f"scripted server: no step left for {request.key}"
            send_json(handler, 400, {"error": {"message": message, "type": "invalid_request"}})
            return
        if isinstance(step, Delay):
            time.sleep(step.seconds)
            step = step.then
        if isinstance(step, Status):
            send_json(handler, step.code, step.body, step.headers)
        else:
            send_json(handler, 200, completion(request, step, len(self.requests)))


class CountingProxy(_HTTPService):
    """Forwards every request to ``target`` (a root URL) and records it."""

    def __init__(self, target: str, timeout: float = 600.0) -> None:
        super().__init__()
        self.target = target.rstrip("/")
        self.timeout = timeout

    def handle(self, request: Recorded, handler: BaseHTTPRequestHandler) -> None:
        data = json.dumps(request.body).encode() if request.body is not None else None
        forward = urllib.request.Request(
            self.target + request.path, data=data, method=request.method,
            headers={"Content-Type": "application/json",
                     "Authorization": request.headers.get("authorization", "")},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(forward, timeout=self.timeout) as answer:
                send_json(handler, answer.status, json.loads(answer.read() or b"null"))
        except urllib.error.HTTPError as err:
            send_json(handler, err.code, json.loads(err.read() or b"null"))
