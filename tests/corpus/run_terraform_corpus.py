#!/usr/bin/env python3
"""Corpus test: sgcheck lint over the public Terraform source of tests/corpus/terraform.

Usage: run_terraform_corpus.py SGCHECK ROOT (ROOT is the repository root; the commands run there).
Asserts, and prints every violation on failure:
  1. one `sgcheck lint --format json` over the whole tree exits 0 or 1 (never 2), prints lint JSON,
     writes no error, and reads a corpus' worth of groups and rules (not a vacuous pass);
  2. the tree run gives the same output with --jobs 1 and --jobs 3 (directories parsed and root
     modules evaluated side by side);
  3. `sgcheck lint` on each directory of `.tf` files on its own (a module) exits 0 or 1.
"""
import json
import os
import subprocess
import sys

TREE = "tests/corpus/terraform"


def module_directories(root):
    found = []
    for d, _, names in os.walk(os.path.join(root, TREE)):
        if any(n.endswith(".tf") for n in names):
            found.append(os.path.relpath(d, root))
    return sorted(found)


def lint(sgcheck, root, inputs, jobs=None):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    extra = ["--jobs", str(jobs)] if jobs else []
    return subprocess.run([sgcheck, "lint", "--format", "json", "--no-color"] + extra + inputs,
                          cwd=root, capture_output=True, text=True, env=env, timeout=120)


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    modules = module_directories(root)
    problems = []
    if len(modules) < 100:
        problems.append(f"only {len(modules)} module directories found under {TREE}")
    tree = lint(sgcheck, root, [TREE])
    if tree.returncode not in (0, 1):
        problems.append(f"lint {TREE}: exit status {tree.returncode}, expected 0 or 1; stderr:\n"
                        f"{tree.stderr[:4000]}")
    if " error: " in tree.stderr:
        problems.append(f"lint {TREE}: errors on standard error:\n{tree.stderr[:4000]}")
    try:
        report = json.loads(tree.stdout)
        summary = report["summary"]
    except (ValueError, KeyError, TypeError) as e:
        report, summary = {"findings": []}, {}
        problems.append(f"lint {TREE}: standard output is not lint JSON ({e})")
    if summary.get("groups", 0) < 100 or summary.get("rules", 0) < 300:
        problems.append(f"lint {TREE}: too little read: {summary}")
    serial, parallel = lint(sgcheck, root, [TREE], 1), lint(sgcheck, root, [TREE], 3)
    if (serial.stdout, serial.stderr) != (parallel.stdout, parallel.stderr):
        problems.append(f"lint {TREE}: --jobs 1 and --jobs 3 differ")
    for module in modules:
        one = lint(sgcheck, root, [module])
        if one.returncode not in (0, 1):
            problems.append(f"lint {module}: exit status {one.returncode}, expected 0 or 1; "
                            f"stderr:\n{one.stderr[:2000]}")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{len(modules)} module directories: tree run exit {tree.returncode}, "
          f"{len(report['findings'])} findings in {summary.get('groups')} groups and "
          f"{summary.get('rules')} rules; every module on its own exits 0 or 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
