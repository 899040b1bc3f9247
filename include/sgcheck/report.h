// Rendering for people and programs (product.md §4): the inventory (`dump`), query answers (one
// flow, or a batch as JSON Lines), exposures, matrices, the checks of `rules`, the lint reports.
// Each takes the values the library computed (include/sgcheck/engine.h, lint.h) and gives text,
// JSON, JSON Lines, CSV or SARIF; a library user may render the same values its own way. Output
// depends on the inputs' content, not on their order. Reports that grow with the inventory or the
// flows are streamed, a block at a time (the write_* functions), never built whole in memory first;
// JSON is byte for byte what nlohmann/json's dump() would print.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "sgcheck/diff.h"
#include "sgcheck/engine.h"
#include "sgcheck/graph.h"
#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"
#include "sgcheck/ranges.h"

namespace sgcheck {

// The version of sgcheck ("0.1.0"): `--version`, and the tool version in SARIF.
const char* version();

// ---- The inventory (`dump`) ------------------------------------------------------------------

// One line per group, atomic rule, interface, prefix list, VPC and peering, canonical values.
std::string dump_text(const Inventory& inventory);
// The normalised inventory as JSON, exactly the shape of product.md §4 (`dump --format json`).
std::string dump_json(const Inventory& inventory);
// Counts, bytes read and time per stage (`dump --stats`).
std::string dump_stats(const Inventory& inventory, const LoadStats& stats);

// ---- Query answers -----------------------------------------------------------------------------

// The line that ends the text of query (once after a batch), exposure and matrix: what security
// groups alone do not decide. Ends with "\n".
std::string not_evaluated_line();

// One flow's answer as text: "FLOW: allowed by security groups" (or denied…), each side's verdict
// with its interfaces and groups and the rules that allow, a set question's parts, the reasons.
std::string query_text(const Inventory& inventory, const Flow& flow, const Decision& decision);

// One flow's answer as one line of JSON (ends with "\n"): {"flow", "verdict", "egress" and
// "ingress" ({"verdict", "rules": [{"group", "rule", "location"}]}), "reasons"}, and for a set
// question "allowed", "denied" and "unknown".
std::string query_json(const Inventory& inventory, const Flow& flow, const Decision& decision);

// `--format count`: "flows N", then "allow N", "deny N", "unknown N" and "partial N", a line each.
std::string verdict_counts_text(const VerdictCounts& counts, std::size_t flows);

// The JSON Lines of query --batch: for each decision the line query_json() writes (a point flow's
// decision holds no interfaces or groups, which the JSON does not show), with every rule's JSON
// prepared once. The inventory must outlive it.
class QueryJsonLines {
 public:
  explicit QueryJsonLines(const Inventory& inventory);
  ~QueryJsonLines();
  QueryJsonLines(const QueryJsonLines&) = delete;
  QueryJsonLines& operator=(const QueryJsonLines&) = delete;

  // Appends the lines of decisions[0..count) to `out`; a BatchRender for decide_batch(), called
  // from several threads at once.
  void append(const BatchDecision* decisions, std::size_t count, std::string& out) const;

 private:
  struct Impl;  // the rules' JSON
  std::unique_ptr<Impl> impl_;
};

// ---- Exposure ----------------------------------------------------------------------------------

// Per exposure its label (and an interface's groups), the inbound and outbound lines with the
// internet marked, and its notes; then not_evaluated_line().
void write_exposure_text(std::ostream& out, const std::vector<Exposure>& exposures);
// {"exposure": [{"target", "kind" ("group" or "interface"), "groups", "inbound" and "outbound"
// ([{"services", "peers", "internet", "rules"}]), "notes"}]} on one line.
void write_exposure_json(std::ostream& out, const Inventory& inventory,
                         const std::vector<Exposure>& exposures);

// ---- Matrix ------------------------------------------------------------------------------------

struct MatrixReportOptions {
  bool cells = false;  // also every ordered pair of classes (MatrixView::for_each_cell)
  bool pairs = false;  // also every ordered pair of interfaces (MatrixView::for_each_pair)
};
// Each class (VPC, groups, members) with its inbound and outbound grants, the cells and pairs not
// denied, then not_evaluated_line(). `inventory` is the one the view's engine was compiled from.
void write_matrix_text(std::ostream& out, const MatrixView& view, const Inventory& inventory,
                       const Service& service, const MatrixReportOptions& options);
// {"service", "family", "classes": [{"class", "vpc", "groups", "interfaces", "inbound",
// "outbound" ({"cidrs", "internet", "groups", "unknown"}), "unaddressed"}], "cells": [{"from",
// "to", "verdict"}], "pairs": [{"from", "to", "verdict"}]} on one line.
void write_matrix_json(std::ostream& out, const MatrixView& view, const Inventory& inventory,
                       const Service& service, const MatrixReportOptions& options);
// One CSV table: with `pairs` every pair of interfaces, else with `cells` every pair of classes,
// else the classes' grants (an inbound and an outbound row per class).
void write_matrix_csv(std::ostream& out, const MatrixView& view, const Inventory& inventory,
                      const MatrixReportOptions& options);

// ---- Checks (`rules`) --------------------------------------------------------------------------

// One line per check: id, severity and title in columns, then the equivalent checks in brackets.
std::string check_list_text(const std::vector<CheckInfo>& checks);
// {"rules": [{"id", "title", "severity", "refs", "help"}]}, indented by two.
std::string check_list_json(const std::vector<CheckInfo>& checks);
// `rules check` for a valid file: "FILE: ok, 2 rules (ACME-1, ACME-2)".
std::string policy_file_ok_line(const std::string& file, const std::vector<CheckInfo>& rules);

// ---- AWS's IP ranges (`ranges`) -----------------------------------------------------------------

// The snapshot's date and token, where it comes from (`source`: "built into sgcheck" or the
// file), then one line per service (code, title, Regions, prefixes) and the Regions it knows.
std::string ranges_summary_text(const AwsRanges& ranges, const std::string& source);
// The prefixes of one name, one per line: with @REGION the prefixes alone (IPv4 first), without
// it "REGION PREFIX" for every Region of the service.
std::string ranges_prefixes_text(const AwsRanges& ranges, const AwsRangeName& name);
// The same as JSON: {"create_date", "sync_token", "source", "services": [{"service", "title",
// "regions", "prefixes"}], "regions"} and {"service", "region", "prefixes": [{"prefix",
// "region"}]}, indented by two.
std::string ranges_summary_json(const AwsRanges& ranges, const std::string& source);
std::string ranges_prefixes_json(const AwsRanges& ranges, const AwsRangeName& name);

// ---- Lint reports ------------------------------------------------------------------------------
// gcc-style text with the source line and a caret, the JSON report, SARIF 2.1.0 for code
// scanning, and the baseline file that --write-baseline writes. write_lint_text/json/sarif()
// stream the same bytes as lint_text/json/sarif() to a stream.

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

// ---- Diff (`sgcheck diff`) ------------------------------------------------------------------
// Exposure first in every format: the new and fixed findings, by severity, then each group and
// interface that changed, with the access it gained and lost and the rules responsible.

struct DiffReportOptions {
  bool color = false;    // text: ANSI colours
  bool verbose = false;  // also the rules added and removed in text, for every changed subject
};

// New and fixed findings (gcc style with their excerpts), each changed group and interface, then
// one summary line.
void write_diff_text(std::ostream& out, const DiffResult& result, const DiffReportOptions& options);
// {"new_findings", "fixed_findings" (as lint's JSON findings), "groups" and "interfaces"
// ([{"kind", "label", "old", "new", "old_location", "new_location", "access", "ingress" and
// "egress" ({"added", "removed": [{"services", "family", "peers", "internet", "rules"}]}),
// "rules_added", "rules_removed", "open_added", "open_removed", "groups_attached",
// "groups_detached"}]), "summary"}, indented by two.
void write_diff_json(std::ostream& out, const DiffResult& result);
// For a pull-request comment: a summary table, the findings as tables, then details per group and
// interface.
void write_diff_markdown(std::ostream& out, const DiffResult& result,
                         const DiffReportOptions& options);
// The new findings only, at their new locations, as write_lint_sarif() writes findings.
void write_diff_sarif(std::ostream& out, const DiffResult& result,
                      const std::string& tool_version, const std::string& root = {});

// ---- The group graph (`graph`) -----------------------------------------------------------------
// Ingress edges are solid, egress edges dashed, references that match nothing dotted; an edge and
// a group's border take the colour of their most severe finding.

// When build_graph() cut the graph to --max-nodes: one sentence saying what is shown and how to
// narrow it; empty otherwise.
std::string graph_cut_note(const Graph& graph);
// The graph in Graphviz's DOT: VPCs as clusters, groups as boxes, peers as ellipses.
std::string graph_dot(const Graph& graph);

// GitHub renders Mermaid with the library's defaults: at most 500 edges (maxEdges) and 50,000
// characters (maxTextSize); beyond them it shows an error instead of the diagram.
struct MermaidLimits {
  std::size_t max_edges = 500;
  std::size_t max_text_size = 50000;
};
struct MermaidGraph {
  std::string text;         // a `flowchart LR`, within the limits
  std::string cut_message;  // empty, or what was left out (also a %% comment in the text)
};
// The graph as a Mermaid flowchart: when it exceeds the limits, the first edges (in the graph's
// order) that fit, and the nodes they join.
MermaidGraph graph_mermaid(const Graph& graph, const MermaidLimits& limits = {});

// {"nodes": [{"id", "kind", "name", and for groups "vpc", "groups", "interfaces", "severity"; for
// CIDR nodes "cidrs"}], "edges": [{"from", "to", "direction", "services", "maybe", "matches",
// "severity", "findings", "rules" (locations)}], "summary": {"groups", "selected", "nodes",
// "edges", "cut"}}, indented by two.
std::string graph_json(const Graph& graph, const Inventory& inventory);

// The graph laid out by Graphviz's library (dot), as SVG; Graphviz's own layout and SVG renderer
// are linked in, so the output does not depend on the machine's fonts or plugins. Graphviz lives
// in a module of its own, libsgcheck-graphviz.so, opened on the first call (beside the running
// executable, in ../libexec/sgcheck/ from it, or where the build put it), so that a program that
// draws nothing never loads it; the layout runs in a child process.
struct GraphSvg {
  std::string svg;
  std::string error;  // non-empty when Graphviz failed or its module could not be opened
};
GraphSvg graph_svg(const Graph& graph);

// ---- The HTML report (`report`) ----------------------------------------------------------------

// What one report shows; everything must outlive the call.
struct HtmlReportInput {
  const Inventory& inventory;
  const LintResult& lint;                  // findings and summary, as lint --format json has them
  const std::vector<Exposure>& exposures;  // all of them, or the first (compute_exposure_first())
  const MatrixView& matrix;                // of `service`, compiled from `inventory`
  const Service& service;
  std::uint32_t matrix_classes = 40;  // the heat map's first classes
  const Graph& graph;
  const GraphSvg& graph_svg;  // graph_svg(graph)
};
// One self-contained HTML document: inline stylesheet, script and SVG, and a Content Security
// Policy (default-src 'none') so that it fetches nothing, wherever it is opened. It holds the lint
// summary, every finding (severity, check, title, location, group, message, the source excerpt;
// sortable, filterable by severity and check), the graph, the exposure table and the matrix of
// the service as a heat map of classes. Written a block at a time.
void write_html_report(std::ostream& out, const HtmlReportInput& input);

}  // namespace sgcheck
