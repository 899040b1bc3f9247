#!/usr/bin/env python3
# `sgcheck gen` from the command line: exit statuses, the summary line, --preset with explicit
# overrides, --out created with parents, same seed -> same bytes, a non-empty --out refused unless
# --force, which removes gen's own files only. Usage: run_gen_cli.py SGCHECK.
import filecmp
import json
import os
import subprocess
import sys
import tempfile

SGCHECK = sys.argv[1]
failures = []


def run(*args):
    return subprocess.run([SGCHECK, "gen", *args], capture_output=True, text=True)


def check(condition, what):
    if not condition:
        failures.append(what)


def groups_in(out):
    with open(os.path.join(out, "security-groups.json")) as f:
        return len(json.load(f)["SecurityGroups"])


with tempfile.TemporaryDirectory() as tmp:
    a = os.path.join(tmp, "nested", "a")
    b = os.path.join(tmp, "b")
    r = run("--groups", "20", "--interfaces", "30", "--seed", "3", "--out", a, "--quiet")
    check(r.returncode == 0 and r.stdout == "", f"quiet run: {r.returncode} {r.stdout!r} {r.stderr!r}")
    r = run("--groups", "20", "--interfaces", "30", "--seed", "3", "--out", b)
    check(r.returncode == 0 and r.stdout.startswith("wrote ") and "20 groups" in r.stdout,
          f"summary line: {r.stdout!r}")
    cmp = filecmp.dircmp(a, b)
    check(not cmp.diff_files and not cmp.left_only and not cmp.right_only and
          not filecmp.dircmp(os.path.join(a, "prefix-list-entries"),
                             os.path.join(b, "prefix-list-entries")).diff_files,
          "same seed, different bytes")
    check(groups_in(a) == 20, "group count")

    c = os.path.join(tmp, "c")
    r = run("--preset", "S", "--groups", "50", "--out", c)
    check(r.returncode == 0 and "50 groups" in r.stdout and "500 interfaces" in r.stdout,
          f"preset with override: {r.stdout!r} {r.stderr!r}")

    bad = [
        ["--groups", "0", "--out", c],
        ["--preset", "M", "--out", c],
        ["--groups", "10"],                     # no --out
        ["--ipv6-share", "2", "--out", c],
        ["--groups", "many", "--out", c],
        ["--vpcs", "5", "--groups", "3", "--out", c],
    ]
    for args in bad:
        r = run(*args)
        check(r.returncode == 2 and r.stderr.strip() != "", f"{args}: exit {r.returncode}, {r.stderr!r}")
    r = run("--groups", "0", "--out", c)
    check("sgcheck gen: error: --groups" in r.stderr, f"message: {r.stderr!r}")

    # gen-refuses-non-empty-directory: a second run into a used directory is refused, and writes
    # nothing (it used to leave the first run's files to merge with the new ones).
    before = sorted(os.listdir(a))
    r = run("--groups", "10", "--interfaces", "10", "--seed", "4", "--out", a)
    check(r.returncode == 2 and r.stdout == "" and
          r.stderr.startswith(a + ": error: the directory is not empty") and "--force" in r.stderr,
          f"non-empty --out: {r.returncode} {r.stdout!r} {r.stderr!r}")
    check(sorted(os.listdir(a)) == before and groups_in(a) == 20, "a refused run wrote files")

    # gen-force-removes-only-its-own-files: the first run's files go, the user's stay.
    with open(os.path.join(a, "notes.txt"), "w") as f:
        f.write("mine")
    r = run("--groups", "10", "--interfaces", "10", "--seed", "4", "--out", a, "--force", "--quiet")
    check(r.returncode == 0 and r.stdout == "", f"--force: {r.returncode} {r.stdout!r} {r.stderr!r}")
    fresh = os.path.join(tmp, "fresh")
    run("--groups", "10", "--interfaces", "10", "--seed", "4", "--out", fresh, "--quiet")
    cmp = filecmp.dircmp(a, fresh)
    check(cmp.left_only == ["notes.txt"] and not cmp.right_only and not cmp.diff_files,
          f"--force left {cmp.left_only}, lacks {cmp.right_only}, differs {cmp.diff_files}")
    check(sorted(os.listdir(os.path.join(a, "prefix-list-entries"))) ==
          sorted(os.listdir(os.path.join(fresh, "prefix-list-entries"))),
          "--force kept the first run's prefix-list entries")

for failure in failures:
    print("FAIL:", failure)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
