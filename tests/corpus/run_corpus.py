#!/usr/bin/env python3
"""Corpus test: sgcheck lint over the public CloudFormation templates of tests/corpus/cloudformation.

Usage: run_corpus.py SGCHECK ROOT (ROOT is the repository root; the commands run there, so findings
name files as tests/corpus/cloudformation/...). Asserts, and prints every violation on failure:
  1. one `sgcheck lint --format json` over the whole tree exits 0 or 1 (never 2) and prints JSON;
  2. no SG402, SG403, SG404 or SG408 finding is on a file missing from tests/corpus/expected-invalid.txt
     (templates that would not deploy, read by hand; see tests/corpus/README.md);
  3. `sgcheck lint` on each corpus file on its own exits 0 or 1;
and that every path in expected-invalid.txt is a corpus file.
"""
import json
import os
import subprocess
import sys

TREE = "tests/corpus/cloudformation"
INVALID_LIST = "tests/corpus/expected-invalid.txt"
INVALID_CHECKS = {"SG402", "SG403", "SG404", "SG408"}
EXTENSIONS = (".json", ".yaml", ".yml", ".template")


def corpus_files(root):
    found = []
    for d, _, names in os.walk(os.path.join(root, TREE)):
        found += [os.path.relpath(os.path.join(d, n), root) for n in names if n.endswith(EXTENSIONS)]
    return sorted(found)


def expected_invalid(root):
    paths = set()
    with open(os.path.join(root, INVALID_LIST), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                paths.add("tests/corpus/" + line.split()[0])
    return paths


def lint(sgcheck, root, inputs):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    return subprocess.run([sgcheck, "lint", "--format", "json", "--no-color"] + inputs, cwd=root,
                          capture_output=True, text=True, env=env, timeout=120)


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    files = corpus_files(root)
    invalid = expected_invalid(root)
    problems = []

    stale = sorted(invalid - set(files))
    problems += [f"{INVALID_LIST}: {p} is not a corpus file" for p in stale]
    if len(files) < 100:
        problems.append(f"only {len(files)} corpus files found under {TREE}")

    tree = lint(sgcheck, root, [TREE])
    if tree.returncode not in (0, 1):
        problems.append(f"lint {TREE}: exit status {tree.returncode}, expected 0 or 1; stderr:\n{tree.stderr}")
    try:
        findings = json.loads(tree.stdout)["findings"]
    except (ValueError, KeyError, TypeError) as e:
        findings = []
        problems.append(f"lint {TREE}: standard output is not lint JSON ({e}):\n{tree.stdout[:2000]}")
    linted = {f["location"]["file"] for f in findings if f.get("location")}
    for f in findings:
        loc = f.get("location") or {}
        if f["id"] in INVALID_CHECKS and loc.get("file") not in invalid:
            problems.append(f"lint {TREE}: {loc.get('file')}:{loc.get('line')}:{loc.get('column')}: "
                            f"{f['id']} {f['message']} (the file is not in {INVALID_LIST})")

    for path in files:
        one = lint(sgcheck, root, [path])
        if one.returncode not in (0, 1):
            problems.append(f"lint {path}: exit status {one.returncode}, expected 0 or 1; stderr:\n{one.stderr}")

    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problems; {len(files)} corpus files, {len(findings)} findings on "
              f"{len(linted)} files in the tree run")
        return 1
    print(f"{len(files)} corpus files: tree run exit {tree.returncode}, {len(findings)} findings on "
          f"{len(linted)} files, none of {', '.join(sorted(INVALID_CHECKS))} outside {INVALID_LIST}; "
          f"every file on its own exits 0 or 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
