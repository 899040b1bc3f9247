#!/usr/bin/env python3
"""`sgcheck lint --format sarif` is valid SARIF 2.1.0 (the OASIS schema, copied into this directory so
the test runs from a clean clone) and says what GitHub code scanning needs: the rules that found
something, with help text, default levels and refs as tags; results with a rule, a mapped level, a physical location and a
fingerprint. Skipped (77) when Python's jsonschema is not installed (scripts/bootstrap installs it).
Usage: sarif_test.py SGCHECK SOURCE_ROOT
"""
import json
import os
import subprocess
import sys

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning", "info": "note"}


def main():
    try:
        import jsonschema  # noqa: PLC0415
    except ImportError:
        print("python3 jsonschema is not installed: skipped")
        return 77
    sgcheck, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(os.path.join(root, "tests", "lint", "sarif-schema-2.1.0.json"), encoding="utf-8") as f:
        schema = json.load(f)
    inputs = ["examples/lint/duplicates.json", "examples/lint/invalid-values.json",
              "examples/lint/names.json", "examples/lint/quotas"]
    proc = subprocess.run([sgcheck, "lint", "--format", "sarif"] + inputs, cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    log = json.loads(proc.stdout)
    jsonschema.validate(log, schema)

    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
    for want in ["SG401", "SG402", "SG403", "SG404", "SG405", "SG406"]:
        assert want in ids, want
    for rule in rules:
        assert rule["help"]["text"] and rule["shortDescription"]["text"], rule
        assert rule["defaultConfiguration"]["level"] == LEVELS[rule["properties"]["severity"]], rule
        assert "security" in rule["properties"]["tags"], rule
    results = run["results"]
    assert len(results) >= 10, len(results)
    seen = set()
    for result in results:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"], result
        assert result["level"] == LEVELS[result["properties"]["severity"]], result
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("examples/lint/"), location
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        fingerprint = result["partialFingerprints"]["sgcheckFingerprint/v1"]
        assert len(fingerprint) == 16, fingerprint
        seen.add(result["ruleId"])
    assert seen == set(ids), (seen, ids)  # exactly the checks that found something
    # A duplicate names its first copy as a related location.
    duplicate = next(r for r in results if r["ruleId"] == "SG401")
    assert duplicate["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 12
    print(f"valid SARIF: {len(rules)} rules, {len(results)} results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
