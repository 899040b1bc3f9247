#!/usr/bin/env python3
"""Golden test of the sgcheck CLI: runs one case and compares stdout, stderr and the exit status verbatim.

A case NAME in tests/golden/cases/ is NAME.args (the arguments, shell-quoted, one line; paths relative
to the repository root, where the command runs), NAME.stdout, and optionally NAME.stderr (absent: not
compared) and NAME.exit (absent: 0). NAME.stdin, when present, is fed to standard input. Where output varies
(timings), NAME.stdout-pattern replaces NAME.stdout: one regular expression per output line.
With UPDATE_GOLDEN=1 the expected files are rewritten from the actual output instead.
"""
import difflib
import os
import re
import shlex
import subprocess
import sys


def read(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    # The binary may be given relative to the build directory (meson runs tests there).
    sgcheck, root, case = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    base = os.path.join(root, "tests", "golden", "cases", case)
    args = shlex.split(read(base + ".args").strip())
    stdin = read(base + ".stdin", "")
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    proc = subprocess.run([sgcheck] + args, cwd=root, input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)
    if os.environ.get("UPDATE_GOLDEN") == "1" and not os.path.exists(base + ".stdout-pattern"):
        with open(base + ".stdout", "w", encoding="utf-8") as f:
            f.write(proc.stdout)
        if proc.stderr or os.path.exists(base + ".stderr"):
            with open(base + ".stderr", "w", encoding="utf-8") as f:
                f.write(proc.stderr)
        if proc.returncode != 0:
            with open(base + ".exit", "w", encoding="utf-8") as f:
                f.write(f"{proc.returncode}\n")
        print(f"updated {case}")
        return 0

    ok = True
    pattern = read(base + ".stdout-pattern")
    if pattern is not None:
        lines, regexes = proc.stdout.splitlines(), pattern.splitlines()
        if len(lines) != len(regexes) or not all(re.fullmatch(r, l) for r, l in zip(regexes, lines)):
            ok = False
            print(f"--- {case}.stdout does not match {case}.stdout-pattern:\n{proc.stdout}")
    for stream, actual in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        if stream == "stdout" and pattern is not None:
            continue
        expected = read(f"{base}.{stream}")
        if expected is None and stream == "stderr":
            continue
        if expected != actual:
            ok = False
            print(f"--- {case}.{stream} differs:")
            sys.stdout.writelines(difflib.unified_diff(
                (expected or "").splitlines(True), actual.splitlines(True), "expected", "actual"))
    expected_exit = int(read(base + ".exit", "0").strip())
    if proc.returncode != expected_exit:
        ok = False
        print(f"--- {case}: exit status {proc.returncode}, expected {expected_exit}")
        print(proc.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
