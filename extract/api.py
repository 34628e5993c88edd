"""The Python API: one report from bytes, text or a file to a checked :class:`Report`.

>>> from extract import extract_file
>>> report = extract_file("examples/004_20fa491b52b245f1.txt")
>>> report.proactive.total.value
120148
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extract.checks import run_checks
from extract.engines import Document, Engine, EngineOptions, create_engine
from extract.errors import InputError
from extract.normalize import NormalizedText, normalize_bytes
from extract.segment import segment
from schemas import Check, Report, Source

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def read_input(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a report file, or an :class:`InputError` saying why not."""
    if not path.exists():
        raise InputError("missing", f"{path}: no such file")
    if path.is_dir():
        raise InputError("unreadable", f"{path}: is a directory")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                "too_large",
                f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit "
                "(raise it with --max-size)",
            )
        data = path.read_bytes()
    except PermissionError as err:
        raise InputError("unreadable", f"{path}: permission denied") from err
    except OSError as err:
        raise InputError("unreadable", f"{path}: {err.strerror}") from err
    if data.startswith(b"%PDF"):
        raise InputError("pdf", f"{path}: PDF is not supported, convert it to text first")
    return data


def merge_checks(computed: list[Check], from_engine: list[Check]) -> list[Check]:
    """The computed checks, with the engine's own verdicts folded in (a fail wins)."""
    merged = {check.id: check for check in computed}
    for check in from_engine:
        mine = merged.get(check.id)
        if mine is None or mine.status != "fail":
            merged[check.id] = check
        elif check.status == "fail":
            fields = list(dict.fromkeys([*mine.fields, *check.fields]))
            message = f"{mine.message}; {check.message}"
            merged[check.id] = Check(id=check.id, status="fail", message=message, fields=fields)
    return list(merged.values())


def extract_normalized(
    text: NormalizedText, source: Source, engine: Engine | str = "rules",
    options: EngineOptions | None = None,
) -> Report:  # fmt: skip
    """Segment, extract with ``engine`` and attach the cross-checks."""
    if isinstance(engine, str):
        engine = create_engine(engine, options)
    report = engine.extract(Document(source=source, text=text, segments=segment(text)))
    report.checks = merge_checks(run_checks(report, text.text), report.checks)
    return report


def extract_bytes(
    data: bytes, name: str = "<bytes>", engine: Engine | str = "rules",
    options: EngineOptions | None = None,
) -> Report:  # fmt: skip
    """Extract a report from raw bytes (any supported encoding, text or HTML)."""
    text = normalize_bytes(data)
    source = Source(
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=text.encoding,
        size_bytes=len(data),
    )
    return extract_normalized(text, source, engine, options)


def extract_text(
    text: str, name: str = "<text>", engine: Engine | str = "rules",
    options: EngineOptions | None = None,
) -> Report:  # fmt: skip
    """Extract a report from a Python string."""
    return extract_bytes(text.encode("utf-8"), name, engine, options)


def extract_file(
    path: str | Path, engine: Engine | str = "rules", options: EngineOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:  # fmt: skip
    """Extract a report from a file."""
    path = Path(path)
    return extract_bytes(read_input(path, max_bytes), path.name, engine, options)
