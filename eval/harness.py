"""Evaluation runs: extract every gold-annotated report, score it, store the run.

A run directory holds ``run.json`` (settings, versions, timing, LLM usage),
``reports/NAME.json`` (one extracted Report per gold), ``texts/NAME.txt`` (the
normalized text it was extracted from), ``metrics.json`` and ``metrics.md``.
It is written into a hidden temp folder and renamed into place, so an
interrupted run leaves nothing half-written.

Extraction results are cached (the ``eval`` store of :mod:`extract.cache`) under
a key of everything that can change them: the input's hash, engine, model and
LLM settings, the prompts' hash, the schema hash and the engine version (the
package version plus a hash of the pipeline's code). The metrics of a set of
results are cached too, under the results' keys, the gold's hash and a hash of
the evaluation code, so an unchanged re-run does neither extraction nor scoring.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import diskcache
from pydantic import ValidationError

import extract
from eval.metrics import Ratio, evaluate, grounding_of, metrics_markdown, score_report
from extract.api import extract_bytes, read_input
from extract.cache import cache_key
from extract.engines import Engine, EngineOptions
from extract.errors import InputError
from extract.normalize import normalize_bytes
from extract.output import write_atomic
from prompts import load_prompts
from schemas import Report, schema_hash
from schemas.jsonschema import committed_schema

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_REPORT_DIRS: tuple[Path, ...] = (
    REPO_ROOT / "tests" / "fixtures" / "seeds",
    REPO_ROOT / "tests" / "fixtures" / "reports",
)
"""Where the reports named by the bundled gold files live (``--reports`` replaces it)."""
DEFAULT_RUNS_DIR = Path("eval") / "runs"

RESULT_FORMAT = "eval-result-v2"
METRICS_FORMAT = "eval-metrics-v1"
ABORTING_KINDS = ("config", "endpoint")
"""InputError kinds that make every further extraction fail too: the run stops."""
CODE_FILES = {"extract": "**/*.py", "schemas": "*.py", "eval": "*.py"}
"""The files whose content versions each package (the CLI is left out: it changes no result)."""
_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


# ---------------------------------------------------------------- gold


@dataclass(frozen=True)
class GoldCase:
    """One gold annotation and the report file it annotates."""

    name: str
    gold: Report
    file: Path
    digest: str = ""
    """SHA-256 of the gold file (empty: hash the gold's JSON when needed)."""


def load_gold_file(path: Path) -> Report:
    """A gold file as a Report, or an InputError naming the file and the first schema error."""
    return _read_gold(path)[0]


def _read_gold(path: Path) -> tuple[Report, str]:
    try:
        data = path.read_bytes()
        return Report.model_validate_json(data), hashlib.sha256(data).hexdigest()
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = f"{path}: not a valid gold report ({where}: {first['msg']})"
        raise InputError("unreadable", message) from err
    except OSError as err:
        raise InputError("unreadable", f"{path}: {err.strerror}") from err


def locate_report(file_name: str, report_dirs: Sequence[Path]) -> Path:
    """The report file called ``file_name`` in the first of ``report_dirs`` that has it."""
    for folder in report_dirs:
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in report_dirs)
    raise InputError("missing", f"report {file_name!r} named by the gold is not in {searched}")


def _gold_files(gold_dir: Path) -> list[Path]:
    if not gold_dir.is_dir():
        raise InputError("missing", f"{gold_dir}: no such gold folder")
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise InputError("missing", f"{gold_dir}: no gold files (*.json)")
    return files


def load_gold_dir(gold_dir: Path) -> dict[str, Report]:
    """Every ``*.json`` gold in ``gold_dir``, by file stem."""
    return {path.stem: load_gold_file(path) for path in _gold_files(gold_dir)}


def gold_cases(gold_dir: Path, report_dirs: Sequence[Path]) -> list[GoldCase]:
    """Every gold in ``gold_dir`` with the report file it annotates."""
    cases = []
    for path in _gold_files(gold_dir):
        gold, digest = _read_gold(path)
        cases.append(
            GoldCase(path.stem, gold, locate_report(gold.source.file, report_dirs), digest)
        )
    return cases


def gold_hash(cases: Iterable[GoldCase]) -> str:
    """Content hash of the gold annotations (compare warns when two runs used different gold)."""
    digests = [
        (c.name, c.digest or hashlib.sha256(c.gold.model_dump_json().encode()).hexdigest())
        for c in cases
    ]
    return cache_key(sorted(digests))[:12]


# ---------------------------------------------------------------- cache keys


@cache
def code_hash(package: str) -> str:
    """Content hash of a package's code (see CODE_FILES)."""
    spec = find_spec(package)
    locations = spec.submodule_search_locations if spec else None
    if not locations:
        raise ValueError(f"{package} is not a package")
    root = Path(locations[0])
    digest = hashlib.sha256()
    for path in sorted(root.glob(CODE_FILES[package])):
        if path.is_file() and not {"__pycache__", "cli"} & set(path.relative_to(root).parts):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def prompts_hash() -> str:
    """The prompt version (the content hash the LLM engine records as ``prompt_hash``)."""
    return load_prompts().hash


def engine_version() -> str:
    """The package version plus a hash of the pipeline code, so an edited engine misses the cache."""
    return f"{extract.__version__}+{code_hash('extract')}.{code_hash('schemas')}"


@cache
def _schema_key() -> str:
    """The committed schema's hash: :func:`schemas.schema_hash` whenever the schema is current,
    without rendering it (a stale schema file still changes the key through the schemas code)."""
    return hashlib.sha256(committed_schema().encode()).hexdigest()[:12]


def host_of(base_url: str | None) -> str | None:
    return urlparse(base_url).hostname if base_url else None


def engine_settings(engine: str, options: EngineOptions) -> dict[str, Any]:
    """The settings of an engine that can change its output."""
    if engine == "rules":
        return {"engine": engine}
    return {
        "engine": engine,
        "model": options.model,
        "base_url": options.base_url,
        "mode": options.mode,
        "temperature": options.temperature,
        "max_retries": options.max_retries,
        "extra": dict(sorted(options.extra.items())),
    }


def result_key(sha256: str, settings: dict[str, Any]) -> str:
    """The eval-cache key of one extraction result."""
    return cache_key(
        RESULT_FORMAT, sha256, settings, prompts_hash(), _schema_key(), engine_version()
    )


# ---------------------------------------------------------------- extracting


def report_json(report: Report) -> str:
    """A report as stored in a run directory."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class CaseResult:
    """One gold case's extraction in a run; the Report is parsed only when asked for."""

    name: str
    file: Path
    sha256: str
    report_json: str | None
    """The extracted Report as JSON, None when the extraction failed."""
    text: str
    cached: bool = False
    seconds: float = 0.0
    error: str | None = None
    key: str = ""
    grounding: Ratio | None = None
    """The report's grounded figures, computed with the extraction and cached with it."""
    engine: dict[str, Any] | None = None
    """The report's EngineInfo (model, LLM usage), kept apart to read it without parsing."""

    @cached_property
    def report(self) -> Report | None:
        return None if self.report_json is None else Report.model_validate_json(self.report_json)


def extract_case(
    case: GoldCase, engine: Engine, options: EngineOptions, key: str, sha256: str, data: bytes
) -> CaseResult:
    """Extract one case (no cache). A failure is recorded, unless it would fail every case."""
    started = time.perf_counter()
    text = normalize_bytes(data).text
    try:
        report = extract_bytes(data, case.file.name, engine, options)
    except InputError as err:
        if err.kind in ABORTING_KINDS:
            raise
        error = f"{err.kind}: {err}"
    except Exception as err:  # one broken report must not sink the run: it is scored as empty
        error = f"{type(err).__name__}: {err}"
    else:
        return CaseResult(
            name=case.name,
            file=case.file,
            sha256=sha256,
            report_json=report_json(report),
            text=text,
            seconds=time.perf_counter() - started,
            key=key,
            grounding=grounding_of(report, text),
            engine=report.engine.model_dump() if report.engine else None,
        )
    return CaseResult(
        name=case.name,
        file=case.file,
        sha256=sha256,
        report_json=None,
        text=text,
        error=error,
        key=key,
        seconds=time.perf_counter() - started,
    )


def _entry(result: CaseResult) -> dict[str, Any]:
    grounding = result.grounding or Ratio()
    return {
        "report": result.report_json,
        "text": result.text,
        "engine": result.engine,
        "grounding": [grounding.hits, grounding.total],
    }


def run_case(
    case: GoldCase, engine: Engine, options: EngineOptions,
    store: diskcache.Cache | None, read_cache: bool = True,
) -> CaseResult:  # fmt: skip
    """One case's result, from the cache when it has it; fresh results are stored."""
    started = time.perf_counter()
    data = read_input(case.file)
    sha256 = hashlib.sha256(data).hexdigest()
    key = result_key(sha256, engine_settings(engine.name, options))
    hit = store.get(key) if store is not None and read_cache else None
    if hit is not None:
        return CaseResult(
            name=case.name,
            file=case.file,
            sha256=sha256,
            report_json=hit["report"],
            text=hit["text"],
            cached=True,
            seconds=time.perf_counter() - started,
            key=key,
            grounding=Ratio(*hit["grounding"]),
            engine=hit["engine"],
        )
    result = extract_case(case, engine, options, key, sha256, data)
    if store is not None and result.error is None:
        store.set(key, _entry(result))
    return result


def run_cases(
    cases: Sequence[GoldCase], engine: Engine, options: EngineOptions,
    store: diskcache.Cache | None, read_cache: bool = True,
    on_done: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:  # fmt: skip
    """Every case's result in order; ``on_done`` is called after each (progress)."""
    results = []
    for case in cases:
        results.append(run_case(case, engine, options, store, read_cache))
        if on_done is not None:
            on_done(results[-1])
    return results


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class RunMetrics:
    """The metrics document of a run, serialized, and whether it came from the cache."""

    json_text: str
    markdown_body: str
    cached: bool

    @cached_property
    def metrics(self) -> dict[str, Any]:
        """The metrics document (parsed on first use: a cached run need not read it)."""
        data: dict[str, Any] = json.loads(self.json_text)
        return data


def metrics_key(results: Sequence[CaseResult], cases: Sequence[GoldCase]) -> str | None:
    """The cache key of the metrics of these results against this gold (None: not cacheable)."""
    if any(not r.key or r.error for r in results):
        return None
    return cache_key(
        METRICS_FORMAT,
        [(r.name, r.key) for r in results],
        gold_hash(cases),
        code_hash("eval"),
        code_hash("extract"),
    )


def score_run(
    results: Sequence[CaseResult], cases: Sequence[GoldCase],
    store: diskcache.Cache | None = None, read_cache: bool = True,
) -> RunMetrics:  # fmt: skip
    """Score every result against its gold (from the cache when nothing changed)."""
    key = metrics_key(results, cases) if store is not None else None
    hit = store.get(key) if store is not None and key and read_cache else None
    if hit is not None:
        return RunMetrics(hit["json"], hit["markdown"], cached=True)
    scores = [
        score_report(r.name, c.gold, r.report, r.text, r.error, r.grounding)
        for r, c in zip(results, cases, strict=True)
    ]
    metrics = evaluate(scores)
    scored = RunMetrics(_json(metrics), metrics_markdown(metrics), cached=False)
    if store is not None and key:
        store.set(key, {"json": scored.json_text, "markdown": scored.markdown_body})
    return scored


# ---------------------------------------------------------------- a whole run


def default_run_name(engine: str, model: str | None, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return "-".join(safe_name(p) for p in (engine, model, stamp) if p)


def safe_name(name: str) -> str:
    """A file-name-safe form of a run or model name."""
    return _NAME_RE.sub("_", name).strip("._") or "run"


def run_record(
    name: str, engine: str, options: EngineOptions, results: Sequence[CaseResult],
    cases: Sequence[GoldCase], gold_dir: Path, started: datetime, wall_s: float,
    metrics_cached: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """The metadata of a run (``run.json``).

    Usage (LLM calls, tokens, LLM-cache hits) is summed from the reports' engine
    records: the cost of producing these results, whether or not this run
    re-extracted them; ``served_from_cache`` says how many it did not.
    ``wall_s`` is the time to extract and score, not to write the run folder.
    """
    infos = [r.engine for r in results if r.engine]
    first = infos[0] if infos else {}
    llm = engine != "rules"

    def total(attr: str) -> int:
        return sum(int(info.get(attr) or 0) for info in infos)

    return {
        "name": name,
        "engine": engine,
        "model": first.get("model") or (options.model if llm else None),
        "base_url_host": first.get("base_url_host") or (host_of(options.base_url) if llm else None),
        "prompt_hash": first.get("prompt_hash") or (prompts_hash() if llm else None),
        "schema_hash": schema_hash(),
        "version": extract.__version__,
        "engine_version": engine_version(),
        "started": started.astimezone(UTC).isoformat(timespec="seconds"),
        "wall_s": round(wall_s, 4),
        "llm_calls": total("llm_calls"),
        "prompt_tokens": total("prompt_tokens"),
        "completion_tokens": total("completion_tokens"),
        "cache_hits": total("cache_hits"),
        "served_from_cache": sum(r.cached for r in results),
        "extracted": sum(not r.cached for r in results),
        "metrics_from_cache": metrics_cached,
        "errors": sum(r.error is not None for r in results),
        "gold_dir": str(gold_dir.resolve()),
        "gold_hash": gold_hash(cases),
        "reports": [
            {
                "name": r.name,
                "file": str(r.file),
                "sha256": r.sha256,
                "cached": r.cached,
                "seconds": round(r.seconds, 4),
                "error": r.error,
            }
            for r in results
        ],
    }


@dataclass(frozen=True)
class RunOutcome:
    """A finished, stored run."""

    folder: Path
    record: dict[str, Any]
    results: list[CaseResult]
    metrics: RunMetrics = field(repr=False)


def run_eval(
    cases: Sequence[GoldCase], engine: Engine, options: EngineOptions, *, name: str,
    runs_dir: Path, gold_dir: Path, store: diskcache.Cache | None, read_cache: bool = True,
    on_done: Callable[[CaseResult], None] | None = None,
) -> RunOutcome:  # fmt: skip
    """Extract and score every case, then store the run under ``runs_dir / name``."""
    started_at, started = datetime.now(), time.perf_counter()
    results = run_cases(cases, engine, options, store, read_cache, on_done)
    scored = score_run(results, cases, store, read_cache)
    wall = time.perf_counter() - started
    record = run_record(
        name, engine.name, options, results, cases, gold_dir, started_at, wall, scored.cached
    )
    folder = write_run(
        runs_dir / name,
        record,
        results,
        scored.json_text,
        f"## Evaluation: {name}\n\n{scored.markdown_body}",
    )
    return RunOutcome(folder, record, results, scored)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """A hidden temp folder beside ``final``, renamed to it on success, removed on failure.

    An existing ``final`` is replaced only once the new folder is complete.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        tmp.chmod(0o755)
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            os.replace(final, old / final.name)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_run(
    folder: Path, record: dict[str, Any], results: Sequence[CaseResult],
    metrics_json: str, metrics_md: str,
) -> Path:  # fmt: skip
    """Store a run under ``folder`` atomically (see the module docstring)."""
    with staged_dir(folder) as tmp:
        for result in results:
            if result.report_json is not None:
                write_atomic(tmp / "reports" / f"{result.name}.json", result.report_json)
            write_atomic(tmp / "texts" / f"{result.name}.txt", result.text)
        write_atomic(tmp / "metrics.json", metrics_json)
        write_atomic(tmp / "metrics.md", metrics_md)
        write_atomic(tmp / "run.json", _json(record))
    return folder


# ---------------------------------------------------------------- reading runs back


@dataclass(frozen=True)
class StoredRun:
    """A run directory read back: record, reports and texts by gold name, metrics."""

    path: Path
    record: dict[str, Any]
    reports: dict[str, Report]
    texts: dict[str, str]
    metrics: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.record.get("name") or self.path.name)


def resolve_run(ref: str | Path, runs_dir: Path = DEFAULT_RUNS_DIR) -> Path:
    """A run directory from a path or a run name under ``runs_dir``."""
    for candidate in (Path(ref), runs_dir / str(ref)):
        if (candidate / "run.json").is_file():
            return candidate
    raise InputError("missing", f"{ref}: not a run directory (no run.json here or in {runs_dir})")


def load_run(folder: Path) -> StoredRun:
    """Read a run directory written by :func:`write_run`."""
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        reports = {
            p.stem: Report.model_validate_json(p.read_bytes())
            for p in sorted((folder / "reports").glob("*.json"))
        }
        texts = {
            p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "texts").glob("*.txt"))
        }
    except (OSError, ValueError) as err:
        raise InputError("unreadable", f"{folder}: broken run directory ({err})") from err
    return StoredRun(folder, record, reports, texts, metrics)
