#!/usr/bin/env python3
"""Times `sgcheck graph` and `sgcheck report` with their default filters on an inventory (by
default L: `sgcheck gen --preset L --seed 1`, made in a temporary directory unless --inventory
names one), next to `lint --format json` on the same inventory, the part of both that is lint's.
Prints one table: median wall time, user+system CPU time and peak RSS of --runs runs each, and the
size of what was written.
Usage: bench/graph_report.py [--build build] [--inventory DIR] [--runs 3]
"""
import argparse
import os
import statistics
import subprocess
import tempfile


def measure(command, out_path, scratch):
    """One run under /usr/bin/time: wall seconds, user+system seconds, peak RSS (MB of 10^6
    bytes) and output bytes."""
    times = os.path.join(scratch, "time")
    with open(out_path, "wb") as out:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", times, *command],
                              stdout=out, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit {proc.returncode}\n{proc.stderr.decode()}")
    with open(times, encoding="utf-8") as f:
        wall, user, system, peak_kb = f.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak_kb) * 1024 / 1e6, \
        os.path.getsize(out_path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--inventory")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sgcheck = os.path.abspath(os.path.join(args.build, "sgcheck"))
    with tempfile.TemporaryDirectory() as scratch:
        inventory = args.inventory
        if inventory is None:
            inventory = os.path.join(scratch, "L")
            subprocess.run([sgcheck, "gen", "--preset", "L", "--seed", "1", "--out", inventory],
                           check=True, capture_output=True)
        html = os.path.join(scratch, "report.html")
        rows = [
            ("lint --format json", [sgcheck, "lint", "--format", "json", inventory]),
            ("graph (dot, defaults)", [sgcheck, "graph", inventory]),
            ("graph --format svg", [sgcheck, "graph", "--format", "svg", inventory]),
            ("report --out FILE", [sgcheck, "report", inventory, "--out", html]),
        ]
        print(f"{'measure':24} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'output MB':>10}")
        for name, command in rows:
            out = os.path.join(scratch, "stdout")
            runs = [measure(command, out, scratch) for _ in range(args.runs)]
            size = os.path.getsize(html) if name.startswith("report") else runs[-1][3]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            print(f"{name:24} {wall:8.2f} {cpu:8.2f} {peak:8.0f} {size / 1e6:10.1f}")


if __name__ == "__main__":
    main()
