"""The LLM engine's prompts as files: a system prompt, one template per section group
and a few short synthetic worked examples per group.

The files are read with :mod:`importlib.resources` (or from a folder given by the
caller); their content hash is the prompt version that goes into every run's
metadata and every cache key, so editing any file here invalidates cached answers.

Files:

* ``system.md``: rules shared by every call (verbatim evidence, null and zero rules).
* ``section_<group>.md``: the user message of one group; ``$fields`` is replaced by
  the fields rendered from the response model, ``$text`` by the report's sections.
* ``examples/<group>.json``: ``[{"text": ..., "answer": {...}}]``, worked examples
  written for this package (never taken from a report being extracted).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template
from typing import Any

SYSTEM_FILE = "system.md"
SECTION_PREFIX = "section_"
EXAMPLES_DIR = "examples"
HASH_LENGTH = 12


@dataclass(frozen=True)
class Example:
    """One worked example: a short report passage and the answer it should give."""

    text: str
    answer: dict[str, Any]


@dataclass(frozen=True)
class PromptSet:
    """All prompt files of one version, by group name."""

    system: str
    sections: Mapping[str, Template]
    examples: Mapping[str, tuple[Example, ...]]
    hash: str
    """Short content hash of every file: the prompt version."""

    def user_message(self, group: str, fields: str, text: str) -> str:
        """The user message of ``group`` with its fields and report text filled in."""
        return self.sections[group].substitute(fields=fields, text=text)


def _files(root: Traversable) -> list[tuple[str, str]]:
    """(relative name, content) of every prompt file below ``root``, sorted by name."""
    found: list[tuple[str, str]] = []
    for entry in root.iterdir():
        if entry.is_file() and entry.name.endswith((".md", ".json")):
            found.append((entry.name, entry.read_text(encoding="utf-8")))
        elif entry.is_dir() and entry.name == EXAMPLES_DIR:
            found.extend((f"{EXAMPLES_DIR}/{name}", text) for name, text in _files(entry))
    return sorted(found)


def content_hash(files: list[tuple[str, str]]) -> str:
    """The prompt version: a hash over every file's name and content."""
    digest = hashlib.sha256()
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:HASH_LENGTH]


def load_prompts(folder: Path | None = None) -> PromptSet:
    """The prompt files of this package, or of ``folder`` (same layout) when given."""
    root: Traversable = folder if folder is not None else resources.files(__name__)
    files = _files(root)
    by_name = dict(files)
    if SYSTEM_FILE not in by_name:
        raise FileNotFoundError(f"{SYSTEM_FILE} is missing from the prompt folder {root}")
    sections = {
        name.removeprefix(SECTION_PREFIX).removesuffix(".md"): Template(text)
        for name, text in files
        if name.startswith(SECTION_PREFIX) and name.endswith(".md")
    }
    examples = {
        name.removeprefix(f"{EXAMPLES_DIR}/").removesuffix(".json"): tuple(
            Example(text=item["text"], answer=item["answer"]) for item in json.loads(text)
        )
        for name, text in files
        if name.startswith(f"{EXAMPLES_DIR}/") and name.endswith(".json")
    }
    return PromptSet(
        system=by_name[SYSTEM_FILE].strip(),
        sections=sections,
        examples=examples,
        hash=content_hash(files),
    )
