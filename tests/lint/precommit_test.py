#!/usr/bin/env python3
"""The pre-commit hook as a user meets it: a scratch git repository, a bad file staged, `git commit`.
sgcheck's output must equal the transcript in docs/lint.md; files that hold no security-group input
(package.json, .pre-commit-config.yaml) never fail a commit; malformed JSON does, shown at its place.

pre-commit itself is usually not installable offline, so the repository's .git/hooks/pre-commit does
what pre-commit does for a `language: system` hook: take the staged file names, keep those matching
the hook's `files` pattern, and run the hook's `entry` with the names appended. `entry` and `files`
are read from .pre-commit-hooks.yaml, so a wrong hook definition fails this test. The commit with a
bad file must fail (exit 1) with a readable message; the commit of a clean file must pass.
Usage: precommit_test.py SGCHECK SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def read_hook(path):
    """The single hook of .pre-commit-hooks.yaml as a dict (PyYAML when present, else a line reader
    that understands the flat `- key: value` list this file is)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        import yaml  # noqa: PLC0415
        hooks = yaml.safe_load(text)
    except ImportError:
        hooks, hook = [], None
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("- "):
                hook = {}
                hooks.append(hook)
                line = line[2:]
            key, _, value = line.strip().partition(":")
            hook[key.strip()] = value.strip()
    [hook] = [h for h in hooks if h["id"] == "sgcheck"]
    return hook


HOOK_SCRIPT = """#!/usr/bin/env python3
# What pre-commit runs for a language: system hook: entry + args + the staged files matching `files`.
import re, shlex, subprocess, sys
staged = subprocess.run(["git", "diff", "--cached", "--name-only", "--diff-filter=ACMR"],
                        capture_output=True, text=True, check=True).stdout.split()
files = [f for f in staged if re.search({files!r}, f)]
if not files:
    sys.exit(0)
sys.exit(subprocess.run(shlex.split({entry!r}) + files).returncode)
"""


def documented_output(path):
    """sgcheck's part of the pre-commit transcript in docs/lint.md: the lines after pre-commit's
    header (which ends with an empty line) up to the end of the block."""
    text = open(path, encoding="utf-8").read()
    block = text[text.index("$ git commit -m bastion\n"):]
    block = block[:block.index("```")]
    return block[block.index("\n\n") + 2:]


def git(repo, *args, env=None, check=True):
    return subprocess.run(["git", "-C", repo] + list(args), capture_output=True, text=True, env=env,
                          check=check)


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    hook = read_hook(os.path.join(root, ".pre-commit-hooks.yaml"))
    assert hook["language"] == "system", hook
    assert hook["entry"].split()[:2] == ["sgcheck", "lint"], hook
    if shutil.which("git") is None:
        print("git is not installed: skipped")
        return 77

    bin_dir = tempfile.mkdtemp(prefix="sgcheck-bin-")
    repo = tempfile.mkdtemp(prefix="sgcheck-precommit-")
    try:
        os.symlink(sgcheck, os.path.join(bin_dir, "sgcheck"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                   NO_COLOR="1", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        git(repo, "init", "-q")
        hook_path = os.path.join(repo, ".git", "hooks", "pre-commit")
        with open(hook_path, "w", encoding="utf-8") as f:
            f.write(HOOK_SCRIPT.format(files=hook["files"], entry=hook["entry"]))
        os.chmod(hook_path, 0o755)
        os.makedirs(os.path.join(repo, "aws"))
        shutil.copy(os.path.join(root, "examples", "lint", "duplicates.json"),
                    os.path.join(repo, "aws", "bastion.json"))
        shutil.copy(os.path.join(root, "examples", "repo", ".pre-commit-config.yaml"), repo)
        shutil.copy(os.path.join(root, "examples", "repo", "package.json"), repo)
        with open(os.path.join(repo, "README.txt"), "w", encoding="utf-8") as f:
            f.write("not matched by `files`\n")

        # A failing commit: sgcheck's output is the transcript of docs/lint.md, verbatim; the
        # staged package.json and .pre-commit-config.yaml are skipped, never an error.
        git(repo, "add", "aws/bastion.json", "package.json", ".pre-commit-config.yaml", "README.txt")
        bad = git(repo, "commit", "-q", "-m", "bastion", env=env, check=False)
        output = bad.stdout + bad.stderr
        print(output)
        assert bad.returncode != 0, "the commit with a duplicate rule went through"
        expected = documented_output(os.path.join(root, "docs", "lint.md"))
        assert output == expected, f"docs/lint.md shows:\n{expected}\nthe hook printed:\n{output}"
        # The exit status pre-commit sees is the linter's: 1 for findings.
        direct = subprocess.run(["sgcheck", "lint", "aws/bastion.json"], cwd=repo, env=env,
                                capture_output=True, text=True)
        assert direct.returncode == 1, direct

        # A passing commit: the clean file, with a changed package.json beside it.
        git(repo, "reset", "-q")
        shutil.copy(os.path.join(root, "examples", "lint", "clean.json"),
                    os.path.join(repo, "aws", "web.json"))
        git(repo, "add", "aws/web.json", "package.json")
        good = git(repo, "commit", "-q", "-m", "web", env=env, check=False)
        print(good.stdout + good.stderr)
        assert good.returncode == 0, good
        assert "no findings in 2 groups and 4 rules from 1 file (1 skipped: not security-group " \
               "input)" in good.stdout + good.stderr, good

        # Malformed JSON fails the commit with the error at its place, the source line and a caret.
        with open(os.path.join(repo, "aws", "broken.json"), "w", encoding="utf-8") as f:
            f.write('{"SecurityGroups": [\n  {"GroupId": "sg-0a" "VpcId": "vpc-0b"}\n]}\n')
        git(repo, "add", "aws/broken.json")
        broken = git(repo, "commit", "-q", "-m", "broken", env=env, check=False)
        output = broken.stdout + broken.stderr
        print(output)
        assert broken.returncode != 0, "the commit of malformed JSON went through"
        assert "aws/broken.json:2:23: error: invalid JSON: expected ',' or '}' after an object " \
               "member, found '\"'\n" \
               '    {"GroupId": "sg-0a" "VpcId": "vpc-0b"}\n' \
               "                        ^\n" in output, output
        return 0
    finally:
        shutil.rmtree(repo, ignore_errors=True)
        shutil.rmtree(bin_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
