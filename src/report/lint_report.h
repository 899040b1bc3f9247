// Rendering lint results (product.md §4): gcc-style text with the source line and a caret, the JSON
// report, SARIF 2.1.0 for code scanning, and the baseline file that --write-baseline writes.
// Entry points: lint_text(), lint_summary_line(), lint_json(), lint_sarif(), lint_baseline(), and
// write_lint_text/json/sarif(), which stream the same bytes to a stream (the CLI uses those).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sgcheck/lint.h"

namespace sgcheck {

struct TextReportOptions {
  bool color = false;        // ANSI colours (the CLI decides: a terminal, no --no-color/NO_COLOR)
  bool source_lines = true;  // the line of each finding and a caret under its column
};

// One block per finding — `file:line:col: severity: ID message`, then the source line (read from
// the file; skipped for stdin or an unreadable file) and a caret — then the summary line.
std::string lint_text(const LintResult& result, const TextReportOptions& options);
// The same bytes written to `out` a block at a time (the CLI's way: no copy of the whole report).
void write_lint_text(std::ostream& out, const LintResult& result, const TextReportOptions& options);

// "3 findings (1 high, 2 low), 1 suppressed, in 5 groups and 14 rules from 2 files"; ends with
// "\n".
std::string lint_summary_line(const LintResult& result);

// {"findings": [...], "summary": {files, groups, rules, findings, suppressed}}, one document.
std::string lint_json(const LintResult& result);
// The same bytes written to `out`, one finding at a time (no tree of the whole document).
void write_lint_json(std::ostream& out, const LintResult& result);

// A SARIF 2.1.0 log with one run: the checks that found something as rules (id, name, help,
// default level, refs as tags), one result per finding, the summary in the run's properties.
// Artifact URIs are relative to `root` (the repository root, absolute; empty: the current
// directory), as GitHub code scanning resolves them. No timestamps: the output depends only on
// the inputs and the root.
std::string lint_sarif(const LintResult& result, const std::string& tool_version,
                       const std::string& root = {});
// The same bytes written to `out`, one result at a time.
void write_lint_sarif(std::ostream& out, const LintResult& result, const std::string& tool_version,
                      const std::string& root = {});

// The baseline file: {"version": 2, "findings": [{id, fingerprint, group, message}]}, a policy
// finding's entry also with its "violation" (part texts) and contributing "rules" (contents),
// sorted, so that it diffs well under version control.
std::string lint_baseline(const std::vector<Finding>& findings);

}  // namespace sgcheck
