"""Throughput benchmark of ``govreport extract`` on a corpus built from the seed reports.

    .venv/bin/python bench/throughput.py                 # 1,000 reports, --jobs 1 and 2
    .venv/bin/python bench/throughput.py --reports 200 --jobs 1 2 4 --engine rules
    .venv/bin/python bench/throughput.py --profile        # pyinstrument, one process

Builds N distinct reports from tests/fixtures/seeds (digits shifted, a serial
line added, one in five encoded GB18030), then prints for each ``--jobs``:
reports/s, MB/s, the peak RSS of the largest process and of the whole process
tree, and the ratio of the pipeline's time to the floor: reading the same
files, decoding them and converting them with OpenCC alone, measured in this
run. Pipeline times are of the real command (``govreport extract DIR --jsonl
OUT -j N -q``), start-up included; the start-up alone is printed beside them.
Everything runs ``--runs`` times in rounds and each figure is the fastest, as
shared machines are noisy. The commands run with Python's bytecode cache on (in a
scratch folder, filled by a warm-up run), as an installed tool runs, whatever
PYTHONDONTWRITEBYTECODE says here. A benchmark, not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SHIFT = str.maketrans("0123456789", "1234567890")


def build_corpus(folder: Path, count: int, seed: int = 2024) -> int:
    """Write ``count`` distinct reports into ``folder``; returns their total size in bytes."""
    sources = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(seed)
    total = 0
    for i in range(count):
        text = sources[i % len(sources)]
        for _ in range(rng.randrange(3)):
            text = text.translate(SHIFT)
        text += f"\n\n(批次编号 {i:05d})\n"
        encoding = "gb18030" if rng.random() < 0.2 else "utf-8"
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        (folder / f"{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def floor_seconds(folder: Path) -> float:
    """Read, decode and OpenCC-convert every file: the least any pipeline must do."""
    import opencc

    converter = opencc.OpenCC("t2s")
    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        converter.convert(text)
    return time.perf_counter() - started


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        stack.extend(int(child) for child in children)
    return total


def cached_bytecode_env(folder: Path) -> dict[str, str]:
    """This environment with Python's bytecode cache on, kept in ``folder``."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(folder)}


def timed_command(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``args``: wall and CPU seconds, exit code, peak RSS (largest process, tree) in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,  # the command and its waited-for workers
        "exit": os.waitstatus_to_exitcode(status),
        "largest": usage.ru_maxrss / 1024,
        "tree": peak_tree / 1024,
    }


def fastest(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest of several runs of one command, with the highest peak RSS seen in any."""
    best = min(runs, key=lambda run: run["wall"])
    return {
        **best,
        "largest": max(r["largest"] for r in runs),
        "tree": max(r["tree"] for r in runs),
    }


def govreport(*args: str) -> list[str]:
    return [sys.executable, "-c", "from extract.cli import main; main()", *args]


def extract_command(folder: Path, out: Path, engine: str, jobs: int) -> list[str]:
    """``govreport -q extract FOLDER --jsonl OUT --engine ENGINE --jobs JOBS``."""
    return govreport("-q", "extract", str(folder), "--jsonl", str(out), "--engine", engine,
                     "--jobs", str(jobs))  # fmt: skip


def profile(folder: Path, engine: str) -> None:
    """Profile the pipeline in this process with pyinstrument (pip install pyinstrument)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("--profile needs pyinstrument: .venv/bin/pip install pyinstrument")
    from extract.batch import BatchSettings, discover, extract_job

    settings = BatchSettings(engine=engine)
    jobs = discover([str(folder)])
    extract_job(jobs[0], settings)  # engine and converters built outside the profile
    profiler = Profiler(interval=0.0005)
    with profiler:
        for job in jobs:
            extract_job(job, settings)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000, help="corpus size (1000)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts")
    parser.add_argument("--engine", default="rules")
    parser.add_argument("--runs", type=int, default=3, help="rounds; each time the fastest (3)")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    parser.add_argument("--profile", action="store_true", help="pyinstrument, jobs 1")
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as scratch:
        folder = opts.keep or Path(scratch) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        size = build_corpus(folder, opts.reports)
        mb = size / 1e6
        print(
            f"corpus: {opts.reports} reports, {mb:.1f} MB, {size / opts.reports / 1e3:.1f} KB each"
        )
        if opts.profile:
            profile(folder, opts.engine)
            return
        outs = {jobs: Path(scratch) / f"run-{jobs}.jsonl" for jobs in opts.jobs}
        commands = {
            jobs: extract_command(folder, out, opts.engine, jobs) for jobs, out in outs.items()
        }
        env = cached_bytecode_env(Path(scratch) / "pycache")
        warm_up = extract_command(
            folder / "00000.txt", Path(scratch) / "warm-up.jsonl", opts.engine, 1
        )
        timed_command(warm_up, env)  # fills the bytecode cache
        floors: list[float] = []
        startups: list[float] = []
        runs: dict[int, list[dict[str, float]]] = {jobs: [] for jobs in opts.jobs}
        for _ in range(opts.runs):  # rounds of everything: a slow spell slows all alike
            floors.append(floor_seconds(folder))
            startup = timed_command([sys.executable, "-c", "import extract.cli"], env)
            startups.append(startup["wall"])
            for jobs, command in commands.items():
                runs[jobs].append(timed_command(command, env))
        floor, startup = min(floors), min(startups)
        print(
            f"floor (read + decode + OpenCC t2s): {floor:.2f} s, {mb / floor:.1f} MB/s"
            f" (slowest round {max(floors):.2f} s)"
        )
        print(f"start-up (imports): {startup:.2f} s")
        walls: dict[int, float] = {}
        for jobs in opts.jobs:
            run = fastest(runs[jobs])
            walls[jobs] = run["wall"]
            records = len(outs[jobs].read_bytes().splitlines()) if outs[jobs].exists() else 0
            print(
                f"--jobs {jobs}: {run['wall']:.2f} s wall (slowest round "
                f"{max(r['wall'] for r in runs[jobs]):.2f} s), {run['cpu']:.2f} s CPU "
                f"(exit {run['exit']:.0f}, {records} records); "
                f"{opts.reports / run['wall']:.0f} reports/s, {mb / run['wall']:.2f} MB/s, "
                f"{opts.reports / run['cpu']:.0f} reports per CPU-second; peak RSS "
                f"{run['largest']:.0f} MiB largest process, {run['tree']:.0f} MiB all processes"
            )
        first = min(walls)
        for jobs, wall in walls.items():
            if jobs != first:
                print(f"speed-up --jobs {jobs} vs --jobs {first}: {walls[first] / wall:.2f}x")
        ratio = walls[first] / floor
        net = (walls[first] - startup) / floor
        print(f"pipeline/floor (--jobs {first}): {ratio:.1f}, {net:.1f} without start-up")


if __name__ == "__main__":
    main()
