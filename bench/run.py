#!/usr/bin/env python3
"""Benchmark harness (product.md §8, issue 8): generates the S and L inventories with
`sgcheck gen --preset …` into a temporary directory (never the repository), runs every measurement
of MEASUREMENTS on each several times, and prints one table: median, min and max wall time, peak
memory (max RSS of the measured process) and the input size.

    bench/run.py [--sgcheck build/sgcheck] [--runs 3] [--presets S,L] [--seed 1] [--keep DIR]

To add a measurement, append a Measurement to MEASUREMENTS: a name and a function that receives
the inventory directory and returns the argv to time (the process must exit 0, or with one of
`ok_status`).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Measurement:
    name: str
    argv: Callable[[str, str], List[str]]  # (sgcheck, inventory dir) -> command line
    ok_status: Sequence[int] = (0,)
    presets: Optional[Sequence[str]] = None  # None: every preset


MEASUREMENTS = [
    Measurement("ingest (dump --stats)", lambda sg, inv: [sg, "dump", "--stats", inv]),
    # Extend here: lint, query --batch, matrix, the bare simdjson baseline, …
]


@dataclass
class Result:
    preset: str
    name: str
    seconds: List[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    input_mb: float = 0.0
    note: str = ""


def timed_run(argv: List[str], ok_status: Sequence[int]):
    """Runs argv with output discarded; returns (wall seconds, max RSS in MB, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in ok_status:
        sys.exit(f"bench: {' '.join(argv)} exited {process.returncode}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024.0, process.returncode


def directory_mb(path: str) -> float:
    total = 0
    for base, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(base, f)) for f in files)
    return total / 1e6


def generate(sgcheck: str, preset: str, seed: int, out: str) -> Result:
    result = Result(preset, "gen --preset " + preset)
    seconds, rss, _ = timed_run(
        [sgcheck, "gen", "--preset", preset, "--seed", str(seed), "--out", out, "--quiet"], (0,))
    result.seconds.append(seconds)
    result.peak_rss_mb = rss
    result.input_mb = directory_mb(out)
    result.note = "1 run"
    return result


def measure(sgcheck: str, preset: str, inventory: str, m: Measurement, runs: int) -> Result:
    result = Result(preset, m.name, input_mb=directory_mb(inventory))
    argv = m.argv(sgcheck, inventory)
    for _ in range(runs):
        seconds, rss, _ = timed_run(argv, m.ok_status)
        result.seconds.append(seconds)
        result.peak_rss_mb = max(result.peak_rss_mb, rss)
    result.note = f"{runs} runs"
    return result


def print_table(results: List[Result]) -> None:
    header = ["inventory", "measure", "median s", "min s", "max s", "peak RSS MB", "input MB",
              "runs"]
    rows = [[r.preset, r.name, f"{statistics.median(r.seconds):.3f}", f"{min(r.seconds):.3f}",
             f"{max(r.seconds):.3f}", f"{r.peak_rss_mb:.0f}", f"{r.input_mb:.1f}", r.note]
            for r in results]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sgcheck", default=os.path.join(ROOT, "build", "sgcheck"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presets", default="S,L")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="generate into this directory and keep it")
    args = parser.parse_args()
    if not os.access(args.sgcheck, os.X_OK):
        sys.exit(f"bench: {args.sgcheck} is not built (ninja -C build)")

    work = args.keep or tempfile.mkdtemp(prefix="sgcheck-bench-")
    results: List[Result] = []
    try:
        for preset in args.presets.split(","):
            inventory = os.path.join(work, preset)
            shutil.rmtree(inventory, ignore_errors=True)
            results.append(generate(args.sgcheck, preset, args.seed, inventory))
            for m in MEASUREMENTS:
                if m.presets is None or preset in m.presets:
                    results.append(measure(args.sgcheck, preset, inventory, m, args.runs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"sgcheck bench: {os.cpu_count()} CPUs, seed {args.seed}, {args.runs} runs each")
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
