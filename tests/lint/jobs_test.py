#!/usr/bin/env python3
"""`--jobs` changes how many threads work, never the output: on an inventory generated here
(`sgcheck gen --groups 300 --interfaces 1500 --seed 7`, in a temporary directory), `lint` in text and
JSON and `query --batch` (JSON Lines and --format count) print the same bytes, stderr and exit
status with --jobs 1, 2 and 3. The inventory has findings of the policy, hygiene and graph families and
interface classes, so every split path runs (gen writes no invalid values: SG4 stays quiet).
Usage: jobs_test.py SGCHECK
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def run(argv):
    proc = subprocess.run(argv, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def write_flows(inventory, path, count=8193):
    """Point flows between the interfaces (by address and id) and outside addresses. 8193 flows: with
    --jobs 2 (blocks of 4096) the last block holds one flow, fewer than the threads."""
    rng = random.Random(7)
    with open(os.path.join(inventory, "network-interfaces.json"), encoding="utf-8") as f:
        enis = json.load(f)["NetworkInterfaces"]
    ips = [n["PrivateIpAddress"] for n in enis if n.get("PrivateIpAddress")]
    ids = [n["NetworkInterfaceId"] for n in enis]
    services = ["tcp/22", "tcp/443", "udp/53", "tcp/5432", "icmp/8:0", "tcp/1024-2048"]
    outside = ["203.0.113.%d" % i for i in range(1, 255)]
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(count):
            f.write("%s from %s to %s\n" % (rng.choice(services), rng.choice(ips + ids + outside),
                                            rng.choice(ips + ids)))


def main():
    sgcheck = os.path.abspath(sys.argv[1])
    failures = 0
    with tempfile.TemporaryDirectory(prefix="sgcheck-jobs-") as tmp:
        inventory = os.path.join(tmp, "inventory")
        code, _, err = run([sgcheck, "gen", "--groups", "300", "--interfaces", "1500", "--seed", "7",
                            "--out", inventory, "--quiet"])
        assert code == 0, err
        flows = os.path.join(tmp, "flows.txt")
        write_flows(inventory, flows)
        commands = {
            "lint text": [sgcheck, "lint", "--no-color", inventory],
            "lint json": [sgcheck, "lint", "--format", "json", inventory],
            "query --batch": [sgcheck, "query", "--batch", flows, inventory],
            "query --batch count": [sgcheck, "query", "--batch", flows, "--format", "count",
                                    inventory],
        }
        for name, argv in commands.items():
            reference = run(argv + ["--jobs", "1"])
            if name == "lint json":
                # Not a vacuous comparison: every family found something here.
                ids = {f["id"][:3] for f in json.loads(reference[1])["findings"]}
                assert {"SG1", "SG2", "SG3"} <= ids, ids
            assert len(reference[1]) > 50, (name, reference)
            if name == "query --batch":
                # Regression, batch_last_block_shorter_than_threads: a last block with fewer flows
                # than threads wrote the previous block's answers again. One line per flow.
                for jobs in ("1", "2", "3"):
                    lines = run(argv + ["--jobs", jobs])[1].count(b"\n")
                    if lines != 8193:
                        failures += 1
                        print("FAIL batch_last_block_shorter_than_threads: --jobs %s printed %d "
                              "lines for 8193 flows" % (jobs, lines))
            for jobs in ("2", "3"):
                got = run(argv + ["--jobs", jobs])
                if got != reference:
                    failures += 1
                    print("FAIL %s: --jobs %s differs from --jobs 1 (exit %d/%d, %d/%d bytes)"
                          % (name, jobs, got[0], reference[0], len(got[1]), len(reference[1])))
                else:
                    print("ok %s --jobs %s: %d bytes, exit %d" % (name, jobs, len(got[1]), got[0]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
