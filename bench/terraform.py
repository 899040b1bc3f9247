#!/usr/bin/env python3
"""Benchmark: `sgcheck lint DIR` over about 10 MB of Terraform source in one run.

DIR holds COPIES copies (default 5) of tests/corpus/terraform side by side (a widely used module
with its examples, which call it through local sources, and the KICS and checkov samples: 232
module directories, 2.1 MB of `.tf` per copy), so that every copy is read as its own root modules,
as in a repository of many stacks. Prints the size, the module count, and the wall time (median of
RUNS) and CPU seconds of the whole process; lint exits 1 (findings), never 2.
Usage: bench/terraform.py [--build build] [--runs 5] [--copies 5] [--keep DIR]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CORPUS = "tests/corpus/terraform"


def tf_bytes(path):
    total = 0
    for d, _, names in os.walk(path):
        total += sum(os.path.getsize(os.path.join(d, n)) for n in names if n.endswith(".tf"))
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--keep", help="write the tree here and keep it")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sgcheck = os.path.join(os.path.abspath(args.build), "sgcheck")
    work = args.keep or tempfile.mkdtemp(prefix="sgcheck-tf-bench-")
    tree = os.path.join(work, "tf")
    if os.path.exists(tree):
        shutil.rmtree(tree)
    for i in range(args.copies):
        shutil.copytree(os.path.join(root, CORPUS), os.path.join(tree, f"copy{i:02d}"))
    size = tf_bytes(tree)
    walls, cpus = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sgcheck, "lint", "--format", "json", tree],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"sgcheck lint exited {proc.returncode}")
    print(f"| lint {size / 1e6:.1f} MB of .tf ({args.copies} copies of {CORPUS}), one run "
          f"| {statistics.median(walls):.3f} s wall (min {min(walls):.3f}, max {max(walls):.3f}) "
          f"| {statistics.median(cpus):.3f} s CPU | {args.runs} runs |")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
