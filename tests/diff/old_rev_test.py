#!/usr/bin/env python3
"""`sgcheck diff --old-rev` on a scratch git repository: the old side is read as the revision held
the paths (a file changed, a file added since), and the errors (not in a repository, an unknown
revision, Terraform source at the revision) exit 2 with a clear message.
Usage: old_rev_test.py SGCHECK SOURCE_ROOT."""
import os
import shutil
import subprocess
import sys
import tempfile

sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
example = os.path.join(root, "examples", "diff", "ssh-pr")
failures = []


def run(args, cwd):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def expect(name, condition, proc):
    if not condition:
        failures.append(f"{name}: exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")


with tempfile.TemporaryDirectory() as tmp:
    repo = os.path.join(tmp, "repo")
    aws = os.path.join(repo, "aws")
    os.makedirs(aws)
    for name in ("security-groups.json", "network-interfaces.json"):
        shutil.copy(os.path.join(example, "old", name), os.path.join(aws, name))
    for args in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "old"]):
        run(args, repo).check_returncode()
    for name in ("security-groups.json", "network-interfaces.json"):
        shutil.copy(os.path.join(example, "new", name), os.path.join(aws, name))
    shutil.copy(os.path.join(root, "examples", "diff", "drift", "web.yaml"), os.path.join(aws, "web.yaml"))

    # The working tree against HEAD: the second group, SSH from the internet, and the new template.
    p = run([sgcheck, "diff", "--old-rev", "HEAD", "aws/"], repo)
    expect("old-rev HEAD", p.returncode == 1 and "SG102" in p.stdout
           and "group sg-0d1f2e3a4b5c60103 (admin): added" in p.stdout
           and "group WebSG: added" in p.stdout
           and "interface eni-0d1f2e3a4b5c60201: access changed" in p.stdout, p)
    # The same, compared with two directories: the same report but for the old side's file names.
    old_copy = os.path.join(tmp, "old")
    shutil.copytree(os.path.join(example, "old"), old_copy)
    q = run([sgcheck, "diff", old_copy, "aws"], repo)
    expect("same as two directories", q.stdout.replace(old_copy, "aws") == p.stdout, q)
    # From a subdirectory, a single file named relative to it.
    p = run([sgcheck, "diff", "--old-rev", "HEAD", "security-groups.json"], aws)
    expect("old-rev from a subdirectory", p.returncode == 1
           and "security-groups.json:86:25: high: SG102" in p.stdout, p)
    # Nothing changed since the revision the tree was committed at.
    run(["git", "add", "."], repo).check_returncode()
    run(["git", "commit", "-qm", "new"], repo).check_returncode()
    p = run([sgcheck, "diff", "--old-rev", "HEAD", "aws"], repo)
    expect("old-rev unchanged", p.returncode == 0 and p.stdout.startswith("no group or interface changed"), p)
    p = run([sgcheck, "diff", "--old-rev", "HEAD~1", "--format", "markdown", "aws"], repo)
    expect("old-rev HEAD~1 markdown", p.returncode == 1 and "| SG102 |" in p.stdout, p)
    # Errors: an unknown revision, not a repository.
    p = run([sgcheck, "diff", "--old-rev", "no-such-branch", "aws"], repo)
    expect("unknown revision", p.returncode == 2 and p.stdout == ""
           and p.stderr == "--old-rev: error: unknown revision 'no-such-branch'\n", p)
    outside = os.path.join(tmp, "outside")
    shutil.copytree(aws, outside)
    p = run([sgcheck, "diff", "--old-rev", "HEAD", "."], outside)
    expect("not a repository", p.returncode == 2
           and p.stderr.startswith("--old-rev: error: not in a git repository: "), p)
    p = run([sgcheck, "diff", "--old-rev", "HEAD"], repo)
    expect("no paths", p.returncode == 2 and "needs the paths" in p.stderr, p)
    # Terraform source at the revision is an error, not a side left without its groups.
    tf = os.path.join(repo, "tf")
    shutil.copytree(os.path.join(root, "tests", "golden", "inputs", "diff-terraform", "old"), tf)
    run(["git", "add", "."], repo).check_returncode()
    run(["git", "commit", "-qm", "tf"], repo).check_returncode()
    p = run([sgcheck, "diff", "--old-rev", "HEAD", "tf"], repo)
    expect("terraform source at a revision", p.returncode == 2 and p.stdout == ""
           and p.stderr == "--old-rev: error: tf/main.tf at HEAD: Terraform source is not read from "
           "a revision; compare two checkouts with `sgcheck diff OLD NEW`, or plans with --old-rev\n", p)

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("ok")
