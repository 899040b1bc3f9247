#!/usr/bin/env python3
"""The picture of examples/three-tier in the README is what the command printed beside it makes:
runs `sgcheck graph --format svg examples/three-tier` and compares it byte for byte with
docs/three-tier-graph.svg (Graphviz's layout is deterministic for one build: its layout and SVG
renderer are linked in, no fonts are asked for). UPDATE_GOLDEN=1 rewrites the picture.
Usage: readme_picture_test.py SGCHECK SOURCE_ROOT
"""
import os
import subprocess
import sys

SGCHECK, ROOT = (os.path.abspath(p) for p in sys.argv[1:3])
PICTURE = os.path.join(ROOT, "docs", "three-tier-graph.svg")
COMMAND = "graph --format svg examples/three-tier"


def main():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    if f"scripts/sgcheck {COMMAND} > docs/three-tier-graph.svg" not in readme:
        print("README.md does not print the command that makes docs/three-tier-graph.svg")
        return 1
    proc = subprocess.run([SGCHECK, *COMMAND.split()], cwd=ROOT, capture_output=True)
    if proc.returncode != 0:
        print(proc.stderr.decode())
        return 1
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(PICTURE, "wb") as f:
            f.write(proc.stdout)
        return 0
    with open(PICTURE, "rb") as f:
        if f.read() != proc.stdout:
            print(f"{PICTURE} is not what `sgcheck {COMMAND}` makes now; regenerate it with the "
                  "README's command (or UPDATE_GOLDEN=1) and look at it")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
