#!/usr/bin/env python3
"""`query --batch` writes its JSON Lines through the compact path of the JSON writer
(src/report/query_report.cc), for speed; every line must be the bytes that `query INPUT FLOW
--format json` prints for the same flow. The
inventory here is built to need escaping everywhere the lines quote the input: group names with '"',
'\\', control characters and UTF-8, long enough that the 16-byte escape scan meets them at several
offsets and in its tail, in a directory whose name needs escaping too (every rule's location).
Guards the batch writer's string escaping, whose scan reads 16 bytes a step.
Usage: batch_json_test.py SGCHECK
"""
import json
import os
import subprocess
import sys
import tempfile

NAMES = [
    "a backslash first, past the first block: \\ then a quote \"",
    "a tab first, past the first block:\t then a newline\n, bell \x07, DEL \x7f",
    'a quote " first, then a backslash \\ and unit separator \x1f in the second block',
    "x" * 40 + "\x01 a control character first, in the third block",
    "UTF-8 only, caf\u00e9 \u2192 \u00fcber, no byte to escape in two 16-byte blocks",
    "plain",
]
GROUPS = ["sg-0f00000000000000%d" % i for i in range(1, len(NAMES) + 1)]


def permission(port, peer):
    p = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [], "Ipv6Ranges": [],
         "PrefixListIds": [], "UserIdGroupPairs": []}
    if peer.startswith("sg-"):
        p["UserIdGroupPairs"].append({"GroupId": peer, "UserId": "111122223333"})
    else:
        p["IpRanges"].append({"CidrIp": peer, "Description": 'range "%s"\\' % peer})
    return p


def write_inventory(directory):
    groups = []
    for i, (gid, name) in enumerate(zip(GROUPS, NAMES)):
        groups.append({
            "GroupId": gid, "GroupName": name, "Description": name, "OwnerId": "111122223333",
            "VpcId": "vpc-0f000000000000001",
            "IpPermissions": [permission(22, "10.0.0.0/16"), permission(443, GROUPS[(i + 1) % len(GROUPS)])],
            "IpPermissionsEgress": [permission(443, "0.0.0.0/0"), permission(5432, GROUPS[i])],
        })
    interfaces = []
    for i, gid in enumerate(GROUPS):
        interfaces.append({
            "NetworkInterfaceId": "eni-0f00000000000000%d" % (i + 1), "InterfaceType": "interface",
            "Status": "in-use", "VpcId": "vpc-0f000000000000001",
            "Groups": [{"GroupId": gid, "GroupName": NAMES[i]}, {"GroupId": GROUPS[-1], "GroupName": "plain"}],
            "PrivateIpAddress": "10.0.1.%d" % (i + 10),
            "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": "10.0.1.%d" % (i + 10)}],
        })
    with open(os.path.join(directory, "security-groups.json"), "w", encoding="utf-8") as f:
        json.dump({"SecurityGroups": groups}, f, indent=2, ensure_ascii=False)
    with open(os.path.join(directory, "network-interfaces.json"), "w", encoding="utf-8") as f:
        json.dump({"NetworkInterfaces": interfaces}, f, indent=2, ensure_ascii=False)


def flows():
    """Allowed, denied (with a nearest rule of either kind) and one-sided flows."""
    out = []
    enis = ["eni-0f00000000000000%d" % (i + 1) for i in range(len(GROUPS))]
    for a in enis:
        for b in enis:
            for service in ("tcp/443", "tcp/5432", "tcp/22", "udp/53"):
                out.append("%s from %s to %s" % (service, a, b))
        out.append("tcp/22 from 10.0.7.7 to %s" % a)
        out.append("tcp/443 from %s to 198.51.100.7" % a)
        out.append("tcp/80 from 192.0.2.1 to %s" % a)
    return out


def main():
    sgcheck = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="sgcheck-batch-json-") as tmp:
        inventory = os.path.join(tmp, 'inv \\ "quoted" dir')
        os.mkdir(inventory)
        write_inventory(inventory)
        batch = os.path.join(tmp, "flows.txt")
        with open(batch, "w", encoding="utf-8") as f:
            f.write("\n".join(flows()) + "\n")
        proc = subprocess.run([sgcheck, "query", "--batch", batch, inventory], capture_output=True, timeout=60)
        if proc.returncode not in (0, 1):
            print("FAIL: query --batch exited %d: %s" % (proc.returncode, proc.stderr.decode()))
            return 1
        lines = proc.stdout.decode("utf-8").splitlines()
        failures = 0
        escapes = 0
        for flow, line in zip(flows(), lines):
            single = subprocess.run([sgcheck, "query", inventory, flow, "--format", "json"],
                                    capture_output=True, timeout=60)
            expected = single.stdout.decode("utf-8").rstrip("\n")
            escapes += line.count("\\")
            if line != expected:
                failures += 1
                print("FAIL: %s\n  batch:  %s\n  single: %s" % (flow, line, expected))
        if len(lines) != len(flows()):
            failures += 1
            print("FAIL: %d lines for %d flows" % (len(lines), len(flows())))
        if escapes == 0:  # the test is only worth something if the lines escape
            failures += 1
            print("FAIL: no escaped character in the batch output")
        print("%d flows, %d escapes, %d failures" % (len(lines), escapes, failures))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
