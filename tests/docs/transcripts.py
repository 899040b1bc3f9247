#!/usr/bin/env python3
"""Checks every ```console transcript of README.md and docs/*.md against the real CLI.

In a block, a line "$ COMMAND" runs COMMAND from the repository root: `scripts/sgcheck ARGS` and
`sgcheck ARGS` run the binary under test, `echo $?` prints the status of the command before. The
lines up to the next "$ " are its output, standard error and standard output as they interleave; a
line that is only "…" stands for any number of lines. Any other command fails the test, so a
transcript that cannot be checked must not be written as `console`.
Usage: transcripts.py SGCHECK ROOT
"""
import glob
import os
import re
import shlex
import subprocess
import sys

ELLIPSIS = "…"


def blocks(path):
    """Yields (first line number, lines) of each ```console block."""
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            indent = len(lines[i]) - len(lines[i].lstrip())  # a block inside a list item
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][indent:])
                i += 1
            yield start + 1, body
        i += 1


def steps(body):
    """Splits a block into (command, expected output lines)."""
    out = []
    for line in body:
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        else:
            raise ValueError(f"output before the first command: {line!r}")
    return out


def matches(expected, actual):
    """True when `actual` equals `expected`, each "…" line standing for zero or more lines."""
    if not expected:
        return not actual
    if expected[0] == ELLIPSIS:
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def run(sgcheck, root, command, last_status):
    if command.strip() == "echo $?":
        return [str(last_status)], 0
    args = shlex.split(command)
    if args and args[0] in ("scripts/sgcheck", "sgcheck"):
        env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
        proc = subprocess.run([sgcheck] + args[1:], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env, timeout=120)
        return proc.stdout.splitlines(), proc.returncode
    raise ValueError(f"cannot check the command {command!r}")


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    checked = failed = 0
    for path in files:
        name = os.path.relpath(path, root)
        for line, body in blocks(path):
            status = 0
            try:
                for command, expected in steps(body):
                    actual, status = run(sgcheck, root, command, status)
                    checked += 1
                    if not matches(expected, actual):
                        failed += 1
                        print(f"{name}:{line}: `{command}` printed:\n" + "\n".join(actual) +
                              "\n--- where the transcript says:\n" + "\n".join(expected) + "\n")
            except ValueError as e:
                failed += 1
                print(f"{name}:{line}: {e}")
    print(f"{checked} commands checked, {failed} differ")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
