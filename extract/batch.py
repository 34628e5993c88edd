"""Many reports at once: find the inputs, extract them on a worker pool, keep input order.

>>> from extract.batch import BatchSettings, discover, run_batch
>>> for record in run_batch(discover(["corpus/"]), BatchSettings(jobs=2)):
...     print(record.name, record.error_kind or "ok")

Every input gives exactly one :class:`Record`, in input order: the report's
JSON, or an error record ``{"source": {"file", "sha256"}, "error": {"kind",
"message"}}``. One bad input never stops the batch; an engine that cannot work
(:data:`FATAL_KINDS`) does. :func:`plan_resume` skips inputs whose report an
earlier JSONL output already holds (by input hash).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO

from extract.api import DEFAULT_MAX_BYTES, extract_bytes, read_input, read_stream
from extract.engines import Engine, EngineOptions, create_engine
from extract.errors import InputError

log = logging.getLogger(__name__)

INPUT_SUFFIXES = frozenset({".txt", ".html", ".htm"})
"""File types taken from directories (a file named on its own is always tried)."""
STDIN = "-"
STDIN_NAME = "<stdin>"
FATAL_KINDS = frozenset({"config", "endpoint"})
"""Errors of the engine, not of one input (bad LLM settings, endpoint down): every other
input would fail the same way, so the batch stops with the :class:`InputError`."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """One input: a file, stdin's bytes, or a problem found while looking for inputs."""

    index: int
    name: str
    """Shown in messages and written as ``source.file``: the path as given or found."""
    path: Path | None = None
    data: bytes | None = None
    error: tuple[str, str] | None = None
    """(kind, message) of a problem found on discovery; the job then fails with it."""


@dataclass(frozen=True)
class Record:
    """The outcome of one input: its JSON line (a report or an error record)."""

    index: int
    name: str
    line: str
    sha256: str | None = None
    error_kind: str | None = None
    error_message: str | None = None
    template: str | None = None
    reused: bool = False
    """Taken from an earlier output by ``--resume``, not extracted again."""
    usage: tuple[int, int, int, int] = (0, 0, 0, 0)
    """LLM calls, prompt tokens, completion tokens and cache hits spent on this input."""

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass(frozen=True)
class BatchSettings:
    """How to extract: engine, its options, worker processes, input size limit."""

    engine: str = "rules"
    options: EngineOptions | None = None
    jobs: int = 1
    max_bytes: int = DEFAULT_MAX_BYTES
    verbose: bool = False


# ---------------------------------------------------------------- discovery


def discover(
    args: Sequence[str], stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    exclude: Path | None = None,
) -> list[Job]:  # fmt: skip
    """The inputs named by ``args``: files, directories (searched recursively), ``-``.

    A directory gives its ``*.txt``, ``*.html`` and ``*.htm`` files in sorted
    order (hidden ones skipped), or a ``no_reports`` job when it has none. A
    file named twice runs once. ``exclude`` (the output file) is never an input.
    """
    jobs: list[Job] = []
    seen: set[Path] = set() if exclude is None else {exclude.resolve()}

    def add(name: str, path: Path | None = None, data: bytes | None = None,
            error: tuple[str, str] | None = None) -> None:  # fmt: skip
        if path is not None:
            resolved = path.resolve()
            if resolved in seen:
                return
            seen.add(resolved)
        jobs.append(Job(len(jobs), name, path, data, error))

    for arg in args:
        if arg == STDIN:
            try:
                add(STDIN_NAME, data=read_stream(stdin or sys.stdin.buffer, STDIN_NAME, max_bytes))
            except InputError as err:
                add(STDIN_NAME, error=(err.kind, err.message))
        elif not Path(arg).is_dir():
            add(arg, path=Path(arg))
        else:
            files, problems = walk_reports(Path(arg))
            for file in files:
                add(str(file), path=file)
            for name, problem in problems:
                add(name, error=("unreadable", problem))
            if not files and not problems:
                suffixes = ", ".join(sorted(INPUT_SUFFIXES))
                add(arg, error=("no_reports", f"no report files ({suffixes}) in this directory"))
    return jobs


def walk_reports(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Report files below ``root``: each folder's files sorted, then its subfolders.

    Also (folder, why) for each folder that could not be read.
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []

    def unreadable(err: OSError) -> None:
        problems.append((str(err.filename), str(err.strerror or err).lower()))

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(
            Path(folder, name)
            for name in sorted(names)
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in INPUT_SUFFIXES
        )
    return files, problems


# ---------------------------------------------------------------- one input


def error_record(job: Job, sha256: str | None, kind: str, message: str) -> Record:
    """The record of an input that could not be extracted."""
    line = json.dumps(
        {
            "source": {"file": job.name, "sha256": sha256},
            "error": {"kind": kind, "message": message},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Record(job.index, job.name, line, sha256, error_kind=kind, error_message=message)


_ENGINES: dict[tuple[str, str], Engine] = {}


def engine_for(settings: BatchSettings) -> Engine:
    """One engine per process and settings (rules compile once, LLM clients open once)."""
    key = (settings.engine, repr(settings.options))
    if key not in _ENGINES:
        _ENGINES[key] = create_engine(settings.engine, settings.options)
    return _ENGINES[key]


def extract_job(job: Job, settings: BatchSettings) -> Record:
    """Extract one input; any failure becomes an error record, never an exception."""
    data = job.data
    try:
        if job.error is not None:
            raise InputError(*job.error)
        if data is None:
            assert job.path is not None
            data = read_input(job.path, settings.max_bytes)
        report = extract_bytes(data, job.name, engine_for(settings), settings.options)
    except InputError as err:
        message = err.message.removeprefix(f"{job.name}: ")
        return error_record(job, _sha256(data), err.kind, message)
    except Exception as err:  # a bug must cost one record, not the batch
        if settings.verbose:
            log.exception("%s: extraction failed", job.name)
        return error_record(job, _sha256(data), "internal", f"{type(err).__name__}: {err}")
    line = report.model_dump_json()
    engine = report.engine
    usage = (
        (engine.llm_calls, engine.prompt_tokens, engine.completion_tokens, engine.cache_hits)
        if engine
        else (0, 0, 0, 0)
    )
    return Record(
        job.index, job.name, line, report.source.sha256, template=report.meta.template, usage=usage
    )


def _sha256(data: bytes | None) -> str | None:
    """The input's hash for an error record; None if it could not be read."""
    return None if data is None else hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- worker pool

_worker_settings = BatchSettings()


def _init_worker(settings: BatchSettings) -> None:
    """Pool worker start: signals are the parent's to handle; keep only engines safe to share."""
    global _worker_settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops workers with SIGTERM
    _worker_settings = settings
    for key in [key for key in _ENGINES if key[0] != "rules"]:
        del _ENGINES[key]  # network clients are not shared across a fork


def _work(item: tuple[int, Job]) -> tuple[int, Record]:
    position, job = item
    return position, extract_job(job, _worker_settings)


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (Linux): workers inherit the loaded pipeline and start at once."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def warm_up(settings: BatchSettings) -> None:
    """Load the pipeline once in this process, so forked workers need not."""
    from extract.normalize import converter

    converter("t2s")
    converter("tw2sp")
    engine_for(settings)


class WorkerPool:
    """``settings.jobs`` worker processes (none for one job); ``map`` keeps input order.

    Enter it before starting threads (a progress bar): workers are forked on entry.
    Leaving it stops the workers, also on Ctrl-C.
    """

    def __init__(self, settings: BatchSettings, inputs: int) -> None:
        self.settings = settings
        self.size = max(1, min(settings.jobs, inputs))
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> WorkerPool:
        if self.size > 1:
            warm_up(self.settings)
            self._pool = _pool_context().Pool(self.size, _init_worker, (self.settings,))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None

    def map(self, jobs: Iterable[Job]) -> Iterator[Record]:
        """One record per job, in the order of ``jobs``; :class:`InputError` for an engine
        error (:data:`FATAL_KINDS`), which stops the batch."""
        if self._pool is None:
            for job in jobs:
                yield _unless_fatal(extract_job(job, self.settings))
            return
        jobs = list(jobs)
        chunk = chunk_size(self.settings, len(jobs), self.size)
        waiting: dict[int, Record] = {}
        position = 0
        for done, record in self._pool.imap_unordered(_work, enumerate(jobs), chunk):
            waiting[done] = _unless_fatal(record)
            while position in waiting:
                yield waiting.pop(position)
                position += 1


def _unless_fatal(record: Record) -> Record:
    if record.error_kind in FATAL_KINDS:
        raise InputError(record.error_kind or "", record.error_message or "")
    return record


def chunk_size(settings: BatchSettings, count: int, workers: int) -> int:
    """Jobs handed to a worker at a time: up to 16 for the quick rules engine, which saves
    the parent most of its per-job cost; one for LLM engines, whose jobs are slow."""
    if settings.engine != "rules":
        return 1
    return max(1, min(16, count // (workers * 8)))


def run_batch(jobs: Sequence[Job], settings: BatchSettings) -> Iterator[Record]:
    """One record per job, in order, extracted on ``settings.jobs`` processes."""
    with WorkerPool(settings, len(jobs)) as pool:
        yield from pool.map(jobs)


# ---------------------------------------------------------------- resume


@dataclass
class ResumePlan:
    """What an earlier JSONL output already holds: reports to reuse, inputs still to run.

    Earlier lines are read from ``earlier`` only when written out, so memory
    stays bounded however large the earlier output; keep it open meanwhile.
    """

    earlier: IO[bytes] | None = None
    """The earlier output; None when there is none yet (every input runs)."""
    to_run: list[Job] = field(default_factory=list)
    reused: dict[int, tuple[Job, str, int]] = field(default_factory=dict)
    """Job index → (job, input sha256, offset of its report line in ``earlier``)."""
    leftovers: list[int] = field(default_factory=list)
    """Offsets of earlier reports of inputs not given this time (kept, not lost)."""

    def reused_record(self, index: int) -> Record:
        job, sha256, offset = self.reused[index]
        assert self.earlier is not None
        line = _renamed(_line_at(self.earlier, offset), job.name)
        return Record(job.index, job.name, line, sha256, reused=True)

    def records(self, jobs: Sequence[Job], computed: Iterator[Record]) -> Iterator[Record]:
        """All records in input order: reused ones in place, computed ones between them."""
        for job in jobs:
            yield self.reused_record(job.index) if job.index in self.reused else next(computed)

    def reused_after(self, index: int) -> Iterator[Record]:
        """Reused records past job ``index``: what an interrupted run must still keep."""
        return (self.reused_record(i) for i in sorted(self.reused) if i > index)

    def leftover_lines(self) -> Iterator[str]:
        earlier = self.earlier
        return (_line_at(earlier, offset) for offset in self.leftovers) if earlier else iter(())


def finished_reports(handle: IO[bytes]) -> dict[str, int]:
    """Offsets of the report lines of an earlier JSONL output, by input sha256.

    Error records and torn lines do not count as finished: those inputs run again.
    """
    offsets: dict[str, int] = {}
    offset = 0
    for raw in handle:
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            record = None
        if isinstance(record, dict) and "error" not in record:
            sha256 = (record.get("source") or {}).get("sha256")
            if isinstance(sha256, str):
                offsets.setdefault(sha256, offset)
        offset += len(raw)
    return offsets


def _line_at(handle: IO[bytes], offset: int) -> str:
    handle.seek(offset)
    return handle.readline().decode("utf-8").rstrip("\n")


def _renamed(line: str, name: str) -> str:
    """An earlier report line, with ``source.file`` set to this run's name of the input."""
    record = json.loads(line)
    if record["source"].get("file") == name:
        return line
    record["source"]["file"] = name
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def plan_resume(jobs: Sequence[Job], earlier: IO[bytes], max_bytes: int) -> ResumePlan:
    """Split ``jobs`` into those whose report ``earlier`` (a JSONL output) holds and the rest."""
    offsets = finished_reports(earlier)
    plan = ResumePlan(earlier)
    for job in jobs:
        sha256 = _input_hash(job, max_bytes)
        if sha256 is not None and sha256 in offsets:
            plan.reused[job.index] = (job, sha256, offsets[sha256])
        else:
            plan.to_run.append(job)
    used = {offset for _, _, offset in plan.reused.values()}
    plan.leftovers = sorted(set(offsets.values()) - used)
    return plan


def _input_hash(job: Job, max_bytes: int) -> str | None:
    """The sha256 of a job's input bytes; None when it cannot be read (it runs, and fails)."""
    if job.error is not None:
        return None
    if job.data is not None:
        return hashlib.sha256(job.data).hexdigest()
    assert job.path is not None
    try:
        return hashlib.sha256(read_input(job.path, max_bytes)).hexdigest()
    except InputError:
        return None


# ---------------------------------------------------------------- summary


@dataclass
class Summary:
    """What a batch did: reports, reused ones, failures by error kind, texts not reports."""

    ok: int = 0
    reused: int = 0
    not_reports: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    usage: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    """LLM calls, prompt tokens, completion tokens, cache hits over the batch."""

    def add(self, record: Record) -> None:
        if not record.ok:
            self.failed[record.error_kind or "internal"] += 1
            return
        self.ok += 1
        self.reused += record.reused
        self.not_reports += record.template == "unknown"
        self.usage = [total + n for total, n in zip(self.usage, record.usage, strict=True)]

    def exit_code(self) -> int:
        """0 when every input was extracted, 1 when some failed."""
        return 1 if self.failed else 0

    def line(self) -> str:
        """``12 inputs: 10 ok, 2 failed (binary 1, missing 1); 1 not a disclosure report``."""
        failed = sum(self.failed.values())
        text = f"{self.ok + failed} inputs: {self.ok} ok"
        if self.reused:
            text += f" ({self.reused} kept from the earlier output)"
        if failed:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.failed.items()))
            text += f", {failed} failed ({kinds})"
        if self.not_reports:
            text += f"; {self.not_reports} not a disclosure report"
        calls, prompt, completion, hits = self.usage
        if calls or hits:
            text += (
                f"; LLM: {calls} calls, {prompt} prompt + {completion} completion tokens"
                f", {hits} from cache"
            )
        return text
