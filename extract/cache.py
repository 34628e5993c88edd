"""The one cache: diskcache stores under one folder, one store per purpose.

The folder is ``--cache-dir``, else ``GOVREPORT_CACHE_DIR``, else the user
cache folder (``~/.cache/govreport`` on Linux). Stores: ``llm`` (validated LLM
answers with their token usage) and ``eval`` (extraction results of eval runs).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    import diskcache

STORES = ("llm", "eval")


def cache_root(explicit: Path | None = None) -> Path:
    """The cache folder in force."""
    if explicit is not None:
        return explicit
    env = os.environ.get("GOVREPORT_CACHE_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("govreport"))


def open_store(store: str, root: Path | None = None) -> diskcache.Cache:
    """The diskcache store ``store`` (one of STORES) under the cache folder."""
    if store not in STORES:
        raise ValueError(f"unknown cache store {store!r}")
    import diskcache  # here: commands that use no cache need not load it

    return diskcache.Cache(str(cache_root(root) / store))


def cache_key(*parts: Any) -> str:
    """A stable key from JSON-serializable parts (order matters)."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()
