#!/usr/bin/env python3
"""The layering rules of docs/architecture.md. Every `#include "dir/…"` of a file in src/FOLDER must
name a folder that the table of docs/architecture.md lets FOLDER include. Two rules are also build
errors, checked with each target's real compiler flags (from `meson introspect`): a CLI source
cannot include a private header (the sgcheck executable sees include/ and src/cli/ only), and no
source outside src/engine/ can include the engine's compiled tables (engine/compiled.h stops with
#error unless the engine's own target compiles it). Each rule is also shown to let the allowed
include through, so the test can fail.

Usage: layering_test.py MESON BUILD_DIR SOURCE_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def target_flags(meson, build, name):
    """(compiler, flags) of the first C++ source group of the target called `name`."""
    targets = json.loads(subprocess.run([meson, "introspect", "--targets", build], check=True,
                                        capture_output=True, text=True).stdout)
    for target in targets:
        if target["name"] != name:
            continue
        for group in target["target_sources"]:
            if group.get("language") == "cpp" and group.get("compiler"):
                return group["compiler"], group["parameters"]
    sys.exit(f"layering_test: no C++ target {name} in {build}")


def compiles(compiler, flags, include):
    """(ok, stderr) of compiling a source that includes `include`, syntax only."""
    with tempfile.NamedTemporaryFile("w", suffix=".cc", delete=False) as source:
        source.write(f'#include "{include}"\nint main() {{ return 0; }}\n')
    try:
        done = subprocess.run(compiler + [f for f in flags if f != "-fdiagnostics-color=always"]
                              + ["-fsyntax-only", source.name], capture_output=True, text=True)
        return done.returncode == 0, done.stderr
    finally:
        os.unlink(source.name)


def allowed_includes(root):
    """{folder: set of folders it may include} from the table of docs/architecture.md."""
    rules = {}
    with open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8") as f:
        for line in f:
            row = re.match(r"\| `src/(\w+)` \|.*\| ([^|]*) \|$", line.strip())
            if row:
                rules[row.group(1)] = set(re.findall(r"`(\w+)`", row.group(2)))
    return rules


def include_violations(root):
    """Lines `file: #include "x/…"` where a folder includes one the table does not allow."""
    rules = allowed_includes(root)
    src = os.path.join(root, "src")
    wrong = []
    for folder in sorted(os.listdir(src)):
        if not os.path.isdir(os.path.join(src, folder)):
            continue
        if folder not in rules:
            wrong.append(f"src/{folder}: not in the table of docs/architecture.md")
            continue
        for name in sorted(os.listdir(os.path.join(src, folder))):
            if not name.endswith((".h", ".cc", ".inc")):
                continue
            path = os.path.join(src, folder, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    inc = re.match(r'#include "(\w+)/', line)
                    if inc and inc.group(1) not in rules[folder] | {folder, "sgcheck"}:
                        wrong.append(f"src/{folder}/{name}:{number}: {line.strip()}")
    return rules, wrong


def main():
    meson, build, root = sys.argv[1], sys.argv[2], sys.argv[3]
    rules, wrong = include_violations(root)
    print(f"{len(rules)} folders in the table of docs/architecture.md")
    for line in wrong:
        print("WRONG: " + line)
    cases = [
        # (target, header, must compile, text the error must contain)
        ("sgcheck", "sgcheck/report.h", True, ""),
        ("sgcheck", "engine/compiled.h", False, "No such file"),
        ("sgcheck", "lint/check.h", False, "No such file"),
        ("sgcheck", "sgcheck_version.h", False, "No such file"),
        ("sgcheck_engine", "engine/compiled.h", True, ""),
        ("sgcheck_lint", "engine/compiled.h", False, "private to src/engine"),
        ("sgcheck_policy", "engine/compiled.h", False, "private to src/engine"),
        ("sgcheck_lint", "semantics/semantics.h", True, ""),
    ]
    failed = len(wrong) + (0 if len(rules) >= 10 else 1)
    for target, header, allowed, error in cases:
        compiler, flags = target_flags(meson, build, target)
        ok, stderr = compiles(compiler, flags, header)
        right = ok if allowed else (not ok and error in stderr)
        verdict = "ok" if right else "WRONG"
        print(f"{verdict}: {target} {'may' if allowed else 'may not'} include {header}")
        if not right:
            failed += 1
            print(stderr[-2000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
