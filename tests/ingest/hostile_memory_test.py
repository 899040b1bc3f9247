#!/usr/bin/env python3
"""Hostile inputs within the memory bound (product.md section 8).

Each input is generated into a temporary directory (tens of MB, never committed), `sgcheck dump`
runs on it, and the test asserts exit status 2, the error text, and the child's peak resident
memory (measured with wait4, so it also holds under AddressSanitizer, which reserves huge virtual
memory): at most 2x the input plus 100 MB. Without the limits each case took gigabytes.

usage: hostile_memory_test.py SGCHECK
"""
import os
import subprocess
import sys
import tempfile

MB = 1 << 20


def deep_json(path):
    # Each '[' is a token of simdjson's index (4 bytes): the depth check must come before it.
    with open(path, "w") as f:
        f.write("[" * (48 * MB))


def dense_json(path):
    with open(path, "w") as f:
        f.write('{"SecurityGroups": [' + "1," * (24 * MB) + "1]}")


def many_cheap_rules(path):
    # 23 bytes per atomic rule: 2.2 M rules, each about 30x its bytes once read.
    with open(path, "w") as f:
        f.write('{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", '
                '"IpRanges": [')
        f.write(",".join(['{"CidrIp":"10.0.0.0/8"}'] * 2_200_000))
        f.write("]}]}]}\n")


def yaml_aliases_of_properties(path):
    # 2.4 MB: 1,000 rules under an anchor, repeated by 40,000 aliases (40 M rules expanded).
    rules = "".join("      - {IpProtocol: tcp, FromPort: %d, ToPort: %d, CidrIp: 10.0.0.0/8}\n"
                    % (i + 1, i + 1) for i in range(1000))
    with open(path, "w") as f:
        f.write("Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties: &p\n"
                "      GroupDescription: g\n      SecurityGroupIngress:\n" + rules)
        for i in range(40000):
            f.write("  G%d: {Type: AWS::EC2::SecurityGroup, Properties: *p}\n" % i)


def yaml_deep_flow(path):
    with open(path, "w") as f:
        f.write("Resources: " + "[" * (8 * MB) + "\n")


def yaml_deep_block(path):
    with open(path, "w") as f:
        f.write("Resources:\n" + "".join(" " * (2 * i + 2) + "k%d:\n" % i for i in range(100)))


def large_plain_yaml(path):
    # 12 MB of AWS CLI YAML output: yaml-cpp alone would take 800 MB.
    with open(path, "w") as f:
        f.write("SecurityGroups:\n")
        f.writelines("- GroupId: sg-%d\n  IpPermissions: []\n" % i for i in range(300000))


CASES = [
    ("deep.json", deep_json, "deep.json:1:65: error: nesting deeper than 64 levels"),
    ("dense.json", dense_json, "JSON tokens (values, brackets, ',' and ':') in"),
    ("cheap-rules.json", many_cheap_rules, "atomic rules (the rule limit for"),
    ("aliases.yaml", yaml_aliases_of_properties, "YAML values"),
    ("deep-flow.yaml", yaml_deep_flow, "deep-flow.yaml:1:76: error: nesting deeper than 64 levels"),
    ("deep-block.yaml", yaml_deep_block, "error: nesting deeper than 64 levels"),
    ("plain.yaml", large_plain_yaml, "YAML values"),
]


# Run from a small fresh process: a child forked from this one would count this process's memory
# (the inputs were built here) in its peak before it runs sgcheck.
MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
sys.stderr.buffer.write(err)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
"""


def peak_rss_of(args):
    # meson test sets MALLOC_PERTURB_, which makes malloc write every block it hands out: simdjson's
    # index, allocated at 4 bytes per input byte and filled only as far as the document needs, would
    # then be resident whole. The bound is on sgcheck as users run it.
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}
    run = subprocess.run([sys.executable, "-c", MEASURE] + args, capture_output=True, env=env)
    code, peak = run.stdout.split()
    return int(code), run.stderr.decode("utf-8", "replace"), int(peak)


def main():
    sgcheck = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, expected in CASES:
            path = os.path.join(tmp, name)
            make(path)
            size = os.path.getsize(path)
            code, stderr, peak = peak_rss_of([sgcheck, "dump", path])
            os.remove(path)
            bound = 2 * size + 100 * MB
            problems = []
            if code != 2:
                problems.append("exit status %d, expected 2" % code)
            if expected not in stderr:
                problems.append("expected %r in the error" % expected)
            if peak > bound:
                problems.append("peak memory %d MB over the bound %d MB" % (peak // MB, bound // MB))
            status = "FAIL" if problems else "ok"
            print("%s %s: %d MB in, peak %d MB (bound %d MB)" % (status, name, size // MB,
                                                                   peak // MB, bound // MB))
            for p in problems:
                print("  " + p)
            if problems:
                print("  stderr: " + stderr[:400])
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
