#!/usr/bin/env python3
"""Golden DOT, Mermaid and JSON of `sgcheck graph` on the real AWS output in ../shared/fixtures/aws
(each folder, except batfish-unit, whose two security-group files define one group differently:
each of them with the folder's other files), compared verbatim with
tests/graph/golden/CASE.{dot,mmd,json}; skipped with a message when the fixtures are absent.
UPDATE_GOLDEN=1 rewrites the expected files.
Usage: fixtures_golden_test.py SGCHECK SOURCE_ROOT FIXTURES_DIR
"""
import difflib
import os
import subprocess
import sys

SGCHECK, ROOT, FIXTURES = (os.path.abspath(p) for p in sys.argv[1:4])
GOLDEN = os.path.join(ROOT, "tests", "graph", "golden")
FORMATS = {"dot": "dot", "mermaid": "mmd", "json": "json"}
SKIP = 77  # meson: skipped
UNIT = ["aws/batfish-unit/InstanceTest.json", "aws/batfish-unit/NetworkInterfaceTest.json",
        "aws/batfish-unit/PrefixListTest.json"]
CASES = {
    "batfish-unit": ["aws/batfish-unit/SecurityGroupTest.json"] + UNIT,
    "batfish-unit-deser": ["aws/batfish-unit/SecurityGroupTestDeser.json"] + UNIT,
    "batfish-vpc-peering": ["aws/batfish-vpc-peering"],
    "cloudmapper-demo": ["aws/cloudmapper-demo"],
}


def main():
    if not os.path.isdir(FIXTURES):
        print(f"skipped: {FIXTURES} is absent (the shared fixtures are not part of the repository)")
        return SKIP
    failures = 0
    for folder, inputs in CASES.items():
        for fmt, ext in FORMATS.items():
            # Run from the fixtures' parent so that locations read aws/FOLDER/…, wherever it is.
            proc = subprocess.run([SGCHECK, "graph", "--format", fmt, *inputs],
                                  cwd=os.path.dirname(FIXTURES), capture_output=True, text=True,
                                  env=dict(os.environ, LC_ALL="C"))
            expected_path = os.path.join(GOLDEN, f"{folder}.{ext}")
            if proc.returncode != 0:
                print(f"{folder} {fmt}: exit {proc.returncode}\n{proc.stderr}")
                failures += 1
                continue
            if os.environ.get("UPDATE_GOLDEN") == "1":
                with open(expected_path, "w", encoding="utf-8") as f:
                    f.write(proc.stdout)
                continue
            with open(expected_path, encoding="utf-8") as f:
                expected = f.read()
            if proc.stdout != expected:
                failures += 1
                print(f"{folder} {fmt}: differs from {expected_path}")
                sys.stdout.writelines(difflib.unified_diff(
                    expected.splitlines(True), proc.stdout.splitlines(True), "expected", "actual"))
    print(f"{len(CASES)} fixture cases, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
