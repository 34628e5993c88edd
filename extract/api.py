"""The Python API: one report from bytes, text or a file to a checked :class:`Report`.

>>> from extract import extract_file
>>> report = extract_file("tests/fixtures/seeds/004_20fa491b52b245f1.txt")
>>> report.proactive.total.value
120148

Input that cannot be used raises :class:`InputError` with a stable ``kind``
(``missing``, ``unreadable``, ``too_large``, ``pdf``, ``empty``, ``binary``).
Many files at once, in parallel: :func:`extract.batch.run_batch`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from extract.checks import run_checks
from extract.engines import Document, Engine, EngineOptions, create_engine
from extract.errors import InputError
from extract.normalize import NormalizedText, normalize_bytes
from extract.segment import segment
from schemas import Check, Report, Source

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Inputs above this size are refused (``too_large``) unless the caller raises it."""


def human_size(size: int) -> str:
    """``10.8 KiB``, ``28.6 MiB``: a byte count for people."""
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def too_large(name: str, size: int | None, max_bytes: int) -> InputError:
    """The error for an input over the size limit."""
    what = f"{human_size(size)} is over" if size is not None else "more than"
    limit = human_size(max_bytes)
    return InputError("too_large", f"{name}: {what} the {limit} limit (raise it with --max-size)")


def check_not_pdf(data: bytes, name: str) -> bytes:
    """``data`` unless it is a PDF, which the pipeline cannot read."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        raise InputError("pdf", f"{name}: PDF is not supported, convert it to text first")
    return data


def read_stream(stream: BinaryIO, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read at most ``max_bytes`` from ``stream`` (stdin, a pipe); ``too_large`` beyond."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(name, None, max_bytes)
    return check_not_pdf(data, name)


def read_input(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a report file, or an :class:`InputError` saying why not.

    Never reads more than ``max_bytes + 1`` bytes, also from pipes and devices.
    """
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise too_large(str(path), info.st_size, max_bytes)
            return read_stream(handle, str(path), max_bytes)
    except FileNotFoundError as err:
        raise InputError("missing", f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise InputError("unreadable", f"{path}: is a directory") from err
    except PermissionError as err:
        raise InputError("unreadable", f"{path}: permission denied") from err
    except OSError as err:
        raise InputError("unreadable", f"{path}: {err.strerror or err}") from err


def merge_checks(computed: list[Check], from_engine: list[Check]) -> list[Check]:
    """The computed checks, with the engine's own verdicts folded in (a fail wins)."""
    merged = {check.id: check for check in computed}
    for found in from_engine:
        mine = merged.get(found.id)
        if mine is None or mine.status != "fail":
            merged[found.id] = found
        elif found.status == "fail":
            fields = list(dict.fromkeys([*mine.fields, *found.fields]))
            message = f"{mine.message}; {found.message}"
            merged[found.id] = Check(id=found.id, status="fail", message=message, fields=fields)
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
    check_not_pdf(data, name)
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
    """Extract a report from a file (``source.file`` is its name)."""
    path = Path(path)
    return extract_bytes(read_input(path, max_bytes), path.name, engine, options)
