"""Settings of the LLM engine: command-line flags, then environment, then a config file.

Precedence per setting: a flag (an :class:`EngineOptions` field set away from its
default) > the environment (``OPENAI_BASE_URL``, ``GOVREPORT_MODEL``,
``OPENAI_API_KEY``) > the ``[llm]`` table of ``govreport.toml`` in the working
folder, or ``[tool.govreport.llm]`` of its ``pyproject.toml`` > the default.
``EngineOptions.extra`` carries the settings that have no flag (string values).

Example ``govreport.toml``::

    [llm]
    base_url = "http://127.0.0.1:8080/v1"
    model = "qwen2.5-7b-instruct"
    mode = "json_schema"
    max_tokens = 2048

    [llm.prices."gpt-4o-mini"]   # USD per million tokens
    prompt = 0.15
    completion = 0.60
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from extract.engines.base import EngineOptions
from extract.errors import InputError

OPENAI_URL = "https://api.openai.com/v1"
MODES = ("json_schema", "tools", "json", "md_json")
LOCAL_KEY = "no-key-needed"
"""Sent to loopback servers (llama.cpp, Ollama, vLLM on this machine) when no key is set."""
CONFIG_FILE = "govreport.toml"
ENV = {"base_url": "OPENAI_BASE_URL", "model": "GOVREPORT_MODEL", "api_key": "OPENAI_API_KEY"}


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    prompt: float
    completion: float


@dataclass(frozen=True)
class LLMConfig:
    """Everything the LLM engine needs to know, resolved and checked."""

    base_url: str
    model: str
    api_key: str = field(repr=False)
    mode: str = "json_schema"
    max_retries: int = 2
    """Validation re-asks per call (instructor); transport retries are separate."""
    concurrency: int = 4
    temperature: float = 0.0
    timeout_s: float = 120.0
    max_tokens: int = 2048
    """Per call; 0 sends none (for models that refuse the parameter)."""
    seed: int | None = 0
    transport_attempts: int = 4
    """Tries per request for connection errors, timeouts, 429 and 5xx (tenacity)."""
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    cache_dir: Path | None = None
    use_cache: bool = True
    groups: tuple[str, ...] | None = None
    """Section groups to ask for (all when None)."""
    prompts_dir: Path | None = None
    """A prompt folder replacing the packaged prompts (same layout)."""
    prices: Mapping[str, Price] = field(default_factory=dict)

    @property
    def host(self) -> str:
        """The endpoint's host (and port), for run metadata: no path, no credentials."""
        return urlsplit(self.base_url).netloc.rsplit("@", 1)[-1]

    def price(self) -> Price | None:
        return self.prices.get(self.model)


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_config_file(folder: Path) -> dict[str, Any]:
    """The ``[llm]`` settings of ``govreport.toml`` or ``pyproject.toml`` in ``folder``."""
    for name, keys in ((CONFIG_FILE, ("llm",)), ("pyproject.toml", ("tool", "govreport", "llm"))):
        path = folder / name
        if not path.is_file():
            continue
        try:
            table: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError("config", f"{path}: cannot read it: {err}") from err
        for key in keys:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        if table:
            if not isinstance(table, dict):
                raise InputError("config", f"{path}: [{'.'.join(keys)}] must be a table")
            return table
    return {}


def _flags(options: EngineOptions) -> dict[str, Any]:
    """The options set away from their defaults, plus ``extra``."""
    default = EngineOptions()
    names = {f.name for f in fields(EngineOptions)} - {"extra"}
    found = {n: getattr(options, n) for n in names if getattr(options, n) != getattr(default, n)}
    return {**options.extra, **found}


def _typed(name: str, value: Any) -> Any:
    """A setting from a file, the environment or ``extra`` as the type LLMConfig wants."""
    kind = {f.name: f.type for f in fields(LLMConfig)}.get(name)
    if kind is None:
        raise InputError("config", f"unknown LLM setting {name!r}")
    try:
        if name == "prices":
            return {model: Price(float(p["prompt"]), float(p["completion"]))
                    for model, p in dict(value).items()}  # fmt: skip
        if name == "groups":
            return tuple(str(value).split(",")) if isinstance(value, str) else tuple(value)
        if name in ("cache_dir", "prompts_dir"):
            return Path(value)
        if name == "use_cache":
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if name == "seed" and value in ("", "none", None):
            return None
        for text, cast in (("int", int), ("float", float)):
            if str(kind).startswith(text):
                return cast(value)
        return str(value)
    except (TypeError, ValueError, KeyError) as err:
        raise InputError("config", f"LLM setting {name}: cannot use {value!r} ({err})") from err


def resolve_config(
    options: EngineOptions | None = None, env: Mapping[str, str] | None = None,
    folder: Path | None = None,
) -> LLMConfig:  # fmt: skip
    """The settings in force; InputError("config", ...) when one is missing or wrong."""
    env = os.environ if env is None else env
    settings = dict(read_config_file(folder or Path.cwd()))
    settings.update({name: env[var] for name, var in ENV.items() if env.get(var)})
    settings.update(_flags(options or EngineOptions()))
    values = {name: _typed(name, value) for name, value in settings.items() if value is not None}
    values.setdefault("base_url", OPENAI_URL)
    if not values.get("model"):
        raise InputError(
            "config", "no LLM model: pass --model, set GOVREPORT_MODEL, or model in govreport.toml"
        )
    if not values.get("api_key"):
        if not is_loopback(values["base_url"]):
            raise InputError(
                "config",
                f"no API key for {values['base_url']}: pass --api-key or set OPENAI_API_KEY",
            )
        values["api_key"] = LOCAL_KEY
    if values.get("mode", "json_schema") not in MODES:
        raise InputError("config", f"unknown --mode {values['mode']!r}: one of {', '.join(MODES)}")
    for name in ("max_retries", "transport_attempts", "concurrency", "max_tokens"):
        minimum = 0 if name in ("max_retries", "max_tokens") else 1
        if values.get(name, minimum) < minimum:
            raise InputError("config", f"{name} must be at least {minimum}")
    return LLMConfig(**values)
