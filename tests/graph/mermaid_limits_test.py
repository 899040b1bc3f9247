#!/usr/bin/env python3
"""Mermaid output of a graph larger than GitHub renders (500 edges, 50,000 characters): cut to fit,
with the message on standard error and as a %% comment; a graph within the limits is not cut.
Usage: mermaid_limits_test.py SGCHECK
"""
import os
import subprocess
import sys
import tempfile

SGCHECK = os.path.abspath(sys.argv[1])


def graph(*args):
    return subprocess.run([SGCHECK, "graph", "--format", "mermaid", *args], capture_output=True,
                          text=True)


def main():
    with tempfile.TemporaryDirectory() as inventory:
        subprocess.run([SGCHECK, "gen", "--groups", "300", "--interfaces", "600", "--seed", "5",
                        "--out", inventory], check=True, capture_output=True)
        big = graph("--max-nodes", "0", inventory)
        small = graph("--max-nodes", "3", inventory)
    failures = []
    edges = sum(1 for line in big.stdout.splitlines() if "-->" in line or "-.->" in line)
    if big.returncode != 0:
        failures.append(f"exit {big.returncode}: {big.stderr}")
    if len(big.stdout) > 50000 or edges > 500:
        failures.append(f"not cut: {len(big.stdout)} characters, {edges} edges")
    if "to fit GitHub's Mermaid limits (500 edges, 50000 characters)" not in big.stderr:
        failures.append("no message on stderr: " + big.stderr)
    if "  %% cut to " not in big.stdout:
        failures.append("no %% comment in the text")
    if edges < 100:
        failures.append(f"cut too far: {edges} edges")
    if "Mermaid limits" in small.stderr or "%% cut to" in small.stdout:
        failures.append("a small graph was cut: " + small.stderr)
    for f in failures:
        print(f)
    print(f"{len(big.stdout)} characters, {edges} edges")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
