#!/usr/bin/env python3
"""AWS CLI output as people save it gives the inventory of the canonical describe output.

Each file of tests/golden/inputs/cli-shapes/ (derived from examples/three-tier) is one way the CLI's
output is saved: a bare --query list, pages appended with >>, JSON Lines, --output yaml and
yaml-stream, raw get-managed-prefix-list-entries named after its list. Its `sgcheck dump`, locations
left out, must equal the dump of the canonical file it came from. Inputs that are pipes (standard
input, /dev/stdin, a FIFO, process substitution) must equal the file they carry; a directory walk
reports an unreadable subdirectory by name and still reads the rest, and follows symbolic links to
directories once, with a note for a link it does not follow.
Usage: cli_shapes_test.py SGCHECK SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

SHAPES = "tests/golden/inputs/cli-shapes/"
CANON = "examples/three-tier/"
# shape file -> the canonical file(s) whose dump it must equal
EQUIVALENT = {
    "groups-list.json": CANON + "security-groups.json",
    "groups-pages.json": CANON + "security-groups.json",
    "groups-pages.jsonl": CANON + "security-groups.json",
    "groups.yaml": CANON + "security-groups.json",
    "groups-list.yaml": CANON + "security-groups.json",
    "groups-pages-stream.yaml": CANON + "security-groups.json",
    "rules-list.json": SHAPES + "rules.json",
    "rules.yaml": SHAPES + "rules.json",
    "interfaces-list.json": CANON + "network-interfaces.json",
    "interfaces.yaml": CANON + "network-interfaces.json",
    "prefix-lists-list.json": CANON + "prefix-lists.json",
    "vpcs-list.json": CANON + "vpcs.json",
    "vpcs.yaml": CANON + "vpcs.json",
    "pl-0a1b2c3d4e5f60001.json": CANON + "prefix-list-entries.json",
}
LOCATION = re.compile(r" at \S+:\d+:\d+$")


def run(sgcheck, root, *args, stdin=None, shell=False, expect=0):
    command = " ".join([sgcheck, *args]) if shell else [sgcheck, *args]
    proc = subprocess.run(command, cwd=root, input=stdin, capture_output=True, text=True,
                          timeout=60, shell=shell, executable="/bin/bash" if shell else None)
    if proc.returncode != expect:
        raise AssertionError(f"sgcheck {' '.join(args)}: exit {proc.returncode}, expected "
                             f"{expect}\n{proc.stdout}{proc.stderr}")
    return proc


def without_locations(dump):
    return [LOCATION.sub("", line) for line in dump.splitlines()]


def dump_of(sgcheck, root, *inputs, **kwargs):
    return without_locations(run(sgcheck, root, "dump", *inputs, **kwargs).stdout)


def check_shapes(sgcheck, root, failures):
    listed = set(os.listdir(os.path.join(root, SHAPES)))
    for shape, canonical in EQUIVALENT.items():
        expected = dump_of(sgcheck, root, canonical)
        got = dump_of(sgcheck, root, SHAPES + shape)
        if not expected:
            failures.append(f"{canonical}: empty dump")
        elif got != expected:
            failures.append(f"{shape}: dump differs from {canonical}:\n  got      {got}\n"
                            f"  expected {expected}")
        listed.discard(shape)
    # Every shape is compared; the rest are the canonical rules view and the golden cases' inputs.
    listed -= {"rules.json", "groups-one-page.json", "entries-unnamed.json"}
    if listed:
        failures.append(f"shapes without a canonical file: {sorted(listed)}")


def check_pipes(sgcheck, root, failures):
    source = SHAPES + "groups.yaml"  # YAML, so that a pipe (no file name) is told by its content
    expected = dump_of(sgcheck, root, CANON + "security-groups.json")
    with open(os.path.join(root, source), encoding="utf-8") as f:
        text = f.read()
    cases = {
        "-": lambda: dump_of(sgcheck, root, "-", stdin=text),
        "/dev/stdin": lambda: dump_of(sgcheck, root, "/dev/stdin", stdin=text),
        "<(cat …)": lambda: dump_of(sgcheck, root, f"<(cat {source})", shell=True),
    }
    for name, dump in cases.items():
        if dump() != expected:
            failures.append(f"{name}: dump differs from the file it carries")
    with tempfile.TemporaryDirectory() as scratch:
        fifo = os.path.join(scratch, "groups.fifo")
        os.mkfifo(fifo)

        def write():
            with open(fifo, "w", encoding="utf-8") as f:
                f.write(text)

        writer = threading.Thread(target=write)
        writer.start()
        got = dump_of(sgcheck, root, fifo)
        writer.join()
        if got != expected:
            failures.append("a FIFO: dump differs from the file it carries")


def check_unreadable_directory(sgcheck, root, failures):
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o755)
        tree = os.path.join(scratch, "tree")
        locked = os.path.join(tree, "locked")
        os.makedirs(locked)
        shutil.copy(os.path.join(root, CANON, "vpcs.json"), tree)
        shutil.copy(os.path.join(root, CANON, "security-groups.json"), locked)
        os.chmod(locked, 0)
        command = [sgcheck, "dump", "tree"]
        if os.geteuid() == 0:
            # root reads a mode 000 directory: run as nobody where setpriv can drop to it.
            if shutil.which("setpriv") is None:
                print("SKIP unreadable directory: running as root without setpriv")
                return
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        proc = subprocess.run(command, cwd=scratch, capture_output=True, text=True, timeout=60)
        os.chmod(locked, 0o755)
        if proc.returncode != 2:
            failures.append(f"unreadable directory: exit {proc.returncode}, expected 2\n"
                            f"{proc.stderr}")
        if "tree/locked:1:1: error: cannot read directory: Permission denied" not in proc.stderr:
            failures.append(f"unreadable directory: not named in the error:\n{proc.stderr}")
        if not proc.stdout.startswith("vpc vpc-0a1b2c3d4e5f60718"):
            failures.append(f"unreadable directory: the rest is not read:\n{proc.stdout}")


def check_symbolic_links(sgcheck, root, failures):
    with tempfile.TemporaryDirectory() as scratch:
        tree = os.path.join(scratch, "tree")
        shutil.copytree(os.path.join(root, CANON), os.path.join(tree, "real"))
        os.makedirs(os.path.join(tree, "other"))
        os.symlink("../real", os.path.join(tree, "other", "second-way"))  # read already
        os.symlink("..", os.path.join(tree, "real", "loop"))  # back up the tree
        outside = os.path.join(scratch, "outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "vpcs.json"), "w", encoding="utf-8") as f:
            f.write('{"Vpcs": [{"VpcId": "vpc-0e1e1e1e1e1e1e1e1", "CidrBlock": "10.9.0.0/16"}]}\n')
        os.symlink(outside, os.path.join(tree, "linked"))  # followed: read once
        got = run(sgcheck, scratch, "dump", "tree").stdout.splitlines()
    notes = [line for line in got if line.startswith("diagnostic ")]
    want_notes = [
        "diagnostic tree/other/second-way:1:1 note symbolic link to a directory read already "
        "(tree/real): not followed",
        "diagnostic tree/real/loop:1:1 note symbolic link to a directory read already (tree): "
        "not followed",
    ]
    if notes != want_notes:
        failures.append(f"symbolic links: notes {notes}, expected {want_notes}")
    if not any(" at tree/linked/vpcs.json:" in line for line in got):
        failures.append("symbolic links: the linked directory outside the tree is not read")
    twice = [line for line in got if "/second-way/" in line or "/loop/" in line]
    if twice:
        failures.append("symbolic links: a directory read twice:\n" + "\n".join(twice))
    if not any(" at tree/real/security-groups.json:" in line for line in got):
        failures.append("symbolic links: the real directory is not read")


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = []
    for check in (check_shapes, check_pipes, check_unreadable_directory, check_symbolic_links):
        try:
            check(sgcheck, root, failures)
        except AssertionError as e:
            failures.append(f"{check.__name__}: {e}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
