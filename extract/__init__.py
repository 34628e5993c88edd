"""govreport's pipeline: normalize, segment, extract, check.

The API (``extract_file``, ``extract_bytes``, ``extract_text``, ``read_input``)
is loaded on first use so that light commands start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = ("extract_bytes", "extract_file", "extract_text", "read_input")
__all__ = ["InputError", "__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module("extract.api"), name)
    if name == "InputError":
        return import_module("extract.errors").InputError
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
