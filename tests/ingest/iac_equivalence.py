#!/usr/bin/env python3
"""The three-tier network as a CLI dump, a CloudFormation JSON template, the same in YAML, a
Terraform plan and the Terraform source it was planned from gives the same `sgcheck dump --format
json` rules, modulo ids and locations, and the same `sgcheck lint` finding ids (docs/iac.md). Group
references are compared by the referenced group's name; the VPC's default group, which a template
cannot declare, is left out. The `.tf` module and its plan also give the same groups (resource
address, name, description, VPC, egress default) and no diagnostics.
Usage: iac_equivalence.py SGCHECK SOURCE_ROOT
"""
import json
import os
import subprocess
import sys

INPUTS = ["examples/three-tier/security-groups.json", "examples/iac/three-tier.cfn.json",
          "examples/iac/three-tier.cfn.yaml", "examples/iac/three-tier.tfplan.json",
          "examples/terraform/three-tier"]


def run(sgcheck, root, *args):
    proc = subprocess.run([sgcheck, *args], cwd=root, capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1):
        sys.exit(f"sgcheck {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def rules(dump):
    names = {g["id"]: g.get("name", "") for g in dump["groups"]}
    out = []
    for g in dump["groups"]:
        if g.get("name") in (None, "", "default"):
            continue
        for r in g["rules"]:
            peer = dict(r["peer"])
            if peer["kind"] == "group":
                peer["value"] = "group " + names.get(peer["value"], peer["value"])
            out.append((g["name"], r["direction"], r["protocol"], r.get("from"), r.get("to"),
                        json.dumps(peer, sort_keys=True), r.get("description"), r["valid"]))
    return sorted(out, key=repr)


def findings(report, dump):
    names = {g["id"]: g.get("name", "") for g in dump["groups"]}
    kept = [(f["id"], names.get(f.get("group"), f.get("group"))) for f in report["findings"]]
    return sorted(f for f in kept if f[1] != "default")


def groups(dump):
    return sorted((g["template"], g["name"], g.get("description"), g["vpc"],
                   g["template_without_egress"]) for g in dump["groups"])


def compare_source_with_plan(sgcheck, root):
    plan = run(sgcheck, root, "dump", "--format", "json", "examples/iac/three-tier.tfplan.json")
    source = run(sgcheck, root, "dump", "--format", "json", "examples/terraform/three-tier")
    failures = []
    if groups(plan) != groups(source):
        failures.append(f"terraform/three-tier: groups {groups(source)} differ from the plan's "
                        f"{groups(plan)}")
    if source["diagnostics"] or plan["diagnostics"]:
        failures.append(f"diagnostics: {source['diagnostics']} {plan['diagnostics']}")
    print(f"terraform/three-tier and its plan: {len(groups(source))} groups")
    return failures


def main():
    sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = []
    base_dump = run(sgcheck, root, "dump", "--format", "json", INPUTS[0])
    base_rules = rules(base_dump)
    base_findings = findings(run(sgcheck, root, "lint", "--format", "json", INPUTS[0]), base_dump)
    if len(base_rules) != 12:
        failures.append(f"expected 12 rules in {INPUTS[0]}, found {len(base_rules)}")
    for path in INPUTS[1:]:
        dump = run(sgcheck, root, "dump", "--format", "json", path)
        got = rules(dump)
        if got != base_rules:
            failures.append(f"{path}: rules differ from {INPUTS[0]}:\n  only here: "
                            f"{sorted(set(got) - set(base_rules))}\n  only there: "
                            f"{sorted(set(base_rules) - set(got))}")
        got_findings = findings(run(sgcheck, root, "lint", "--format", "json", path), dump)
        if got_findings != base_findings:
            failures.append(f"{path}: lint findings {got_findings} differ from {base_findings}")
        print(f"{path}: {len(got)} rules, findings {got_findings}")
    failures += compare_source_with_plan(sgcheck, root)
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
