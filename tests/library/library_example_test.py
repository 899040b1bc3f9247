#!/usr/bin/env python3
"""examples/library/reachable.cc, built against include/ alone, answers as the CLI does: its JSON is
`sgcheck query --format json`'s, its first line is that verdict, the rules it lists are the
allowing rules of both sides, and its exit status is 0 only for allow.

Usage: library_example_test.py REACHABLE SGCHECK ROOT
"""
import json
import os
import subprocess
import sys

CASES = [  # (flow, inputs)
    ("tcp/443 from 198.51.100.9 to sg-0a1b2c3d4e5f60001", ["examples/three-tier"]),
    ("tcp/8080 from eni-0a1b2c3d4e5f60101 to i-0a1b2c3d4e5f60102", ["examples/three-tier"]),
    ("tcp/22 from 198.51.100.0/25 to sg-0a1b2c3d4e5f60004", ["examples/three-tier"]),
    ("tcp/5432 from internet to WebSG", ["examples/iac/three-tier.cfn.yaml"]),
]


def main():
    reachable, sgcheck, root = (os.path.abspath(a) for a in sys.argv[1:4])
    failed = 0
    for flow, inputs in CASES:
        mine = subprocess.run([reachable, flow] + inputs, cwd=root, capture_output=True, text=True)
        cli = subprocess.run([sgcheck, "query", "--format", "json", flow] + inputs, cwd=root,
                             capture_output=True, text=True)
        lines = mine.stdout.splitlines(keepends=True)
        answer = json.loads(cli.stdout)
        rules = [line.strip() for line in lines[1:-1]]
        expected_rules = [r["rule"] if isinstance(r, dict) and "rule" in r else r
                          for side in ("egress", "ingress") for r in answer[side]["rules"]]
        checks = {
            "json": lines[-1:] == [cli.stdout] if lines else False,
            "verdict": lines[:1] == [answer["verdict"] + "\n"],
            "rules": len(rules) == len(expected_rules),
            "exit": (mine.returncode == 0) == (answer["verdict"] == "allow"),
        }
        bad = [name for name, ok in checks.items() if not ok]
        print(("ok" if not bad else "WRONG (" + ", ".join(bad) + ")") + f": {flow}")
        if bad:
            failed += 1
            print(mine.stdout + mine.stderr + "--- sgcheck query:\n" + cli.stdout + cli.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
