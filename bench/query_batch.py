#!/usr/bin/env python3
"""`query --batch` throughput: N random flows over a generated inventory (100,000 flows on a few
thousand interfaces should finish in seconds). Not a timed test; prints one line.

Usage: bench/query_batch.py [BUILD_DIR] [--flows N] [--interfaces M] [--groups G] [--seed S]
"""
import argparse
import json
import os
import random
import subprocess
import tempfile
import time


def make_flows(inventory_dir, count, seed):
    rng = random.Random(seed)
    with open(os.path.join(inventory_dir, "network-interfaces.json"), encoding="utf-8") as f:
        enis = json.load(f)["NetworkInterfaces"]
    ips = [n["PrivateIpAddress"] for n in enis if n.get("PrivateIpAddress")]
    ids = [n["NetworkInterfaceId"] for n in enis]
    services = ["tcp/22", "tcp/443", "tcp/80", "tcp/5432", "udp/53", "tcp/8080", "icmp/8:0", "tcp/3306"]
    outside = ["203.0.113.%d" % i for i in range(1, 255)]
    return "".join("%s from %s to %s\n" % (rng.choice(services), rng.choice(ips + ids + outside),
                                            rng.choice(ips + ids)) for _ in range(count))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--interfaces", type=int, default=3000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sgcheck = os.path.join(args.build, "sgcheck")
    with tempfile.TemporaryDirectory() as tmp:
        inventory = os.path.join(tmp, "inventory")
        subprocess.run([sgcheck, "gen", "--out", inventory, "--groups", str(args.groups),
                        "--interfaces", str(args.interfaces), "--seed", str(args.seed), "--quiet"],
                       check=True)
        flows = os.path.join(tmp, "flows.txt")
        with open(flows, "w", encoding="utf-8") as f:
            f.write(make_flows(inventory, args.flows, args.seed))
        start = time.perf_counter()
        out = subprocess.run([sgcheck, "query", "--batch", flows, inventory], capture_output=True)
        seconds = time.perf_counter() - start
        lines = out.stdout.count(b"\n")
        if out.returncode not in (0, 1) or lines != args.flows:
            raise SystemExit("query --batch failed: exit %d, %d lines\n%s" %
                             (out.returncode, lines, out.stderr.decode()))
    print("query --batch: %d flows, %d interfaces, %d groups: %.2f s (%.0f flows/s, load included)" %
          (args.flows, args.interfaces, args.groups, seconds, args.flows / seconds))


if __name__ == "__main__":
    main()
