// The reports of `sgcheck diff` (sgcheck/report.h): text, JSON, Markdown for a pull-request
// comment, and SARIF of the new findings. Exposure first in each: the findings new and fixed,
// then the groups and interfaces whose access changed. Entry points: write_diff_text(),
// write_diff_json(), write_diff_markdown(), write_diff_sarif().
#include <array>
#include <memory>
#include <ostream>
#include <sstream>

#include "report/finding_blocks.h"
#include "report/finding_sources.h"
#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

// " (1 high, 1 low)", or "" for no findings.
std::string severities(const std::vector<Finding>& findings) {
  std::array<std::size_t, 5> by{};
  for (const Finding& f : findings) ++by[static_cast<std::size_t>(f.severity)];
  std::string parts;
  for (std::size_t i = 0; i < by.size(); ++i) {
    if (by[i] == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(by[i]) + " " + finding_severity_name(static_cast<FindingSeverity>(i));
  }
  return parts.empty() ? parts : " (" + parts + ")";
}

// "2 (1 high, 1 low)", "0".
std::string count_by_severity(const std::vector<Finding>& findings) {
  return std::to_string(findings.size()) + severities(findings);
}

std::string peers_text(const AccessPiece& piece) {
  if (!piece.symbolic.empty()) return piece.symbolic;
  std::string out;
  for (const Cidr& c : piece.cidrs) {
    if (!out.empty()) out += ", ";
    out += to_string(c);
  }
  return out;
}

// "tcp/22 from 0.0.0.0/0 (internet)".
std::string piece_text(const AccessPiece& piece, Direction direction) {
  std::string out = piece.services + (direction == Direction::ingress ? " from " : " to ");
  out += peers_text(piece);
  if (piece.internet) out += " (internet)";
  return out;
}

// What the subject's access did: "access changed", "admits exactly what it did before", ...
std::string status_text(const SubjectDiff& d) {
  if (d.kind != DiffKind::changed) return diff_kind_name(d.kind);
  if (d.access_changed()) return "access changed";
  if (!d.groups_attached.empty() || !d.groups_detached.empty() || !d.rules_added.empty() ||
      !d.rules_removed.empty())
    return "changed, admits exactly what it did before";
  return "changed";
}

// "access", "same", or "none" (added or removed subjects are "access" when they admit anything).
const char* access_word(const SubjectDiff& d) {
  return d.access_changed() ? "changed" : "same";
}

struct DirectionLists {
  Direction direction;
  const std::vector<AccessPiece>* added;
  const std::vector<AccessPiece>* removed;
};
std::array<DirectionLists, 2> directions(const SubjectDiff& d) {
  return {DirectionLists{Direction::ingress, &d.ingress_added, &d.ingress_removed},
          DirectionLists{Direction::egress, &d.egress_added, &d.egress_removed}};
}

// ---- Text

void append_findings(std::string& out, const char* title, const std::vector<Finding>& findings,
                     bool color) {
  if (findings.empty()) return;
  out += std::string(title) + " (" + std::to_string(findings.size()) + "):\n";
  // Sorted by severity first: a file is read once per run of its findings.
  detail::FindingSources sources;
  for (const Finding& f : findings) detail::append_finding(out, f, sources.line_of(f), color);
  out += "\n";
}

void append_subject(std::string& out, const char* kind, const SubjectDiff& d, bool verbose) {
  out += std::string(kind) + " " + d.label + ": " + status_text(d) + "\n";
  for (const std::string& g : d.groups_attached) out += "  group attached: " + g + "\n";
  for (const std::string& g : d.groups_detached) out += "  group detached: " + g + "\n";
  for (const DirectionLists& l : directions(d)) {
    const char* name = direction_name(l.direction);
    for (const auto& [word, list] :
         {std::pair{"newly admitted", l.added}, std::pair{"no longer admitted", l.removed}}) {
      for (const AccessPiece& piece : *list) {
        out += "  " + std::string(name) + " " + word + ": " + piece_text(piece, l.direction) + "\n";
        for (const ContributingRule& r : piece.rules)
          out += "    by " + r.location.to_string() + ": " + r.content + "\n";
      }
    }
  }
  for (const std::string& r : d.open_added) out += "  rule left open added: " + r + "\n";
  for (const std::string& r : d.open_removed) out += "  rule left open removed: " + r + "\n";
  if (verbose) {  // the textual changes: --verbose only
    for (const std::string& r : d.rules_added) out += "  rule added: " + r + "\n";
    for (const std::string& r : d.rules_removed) out += "  rule removed: " + r + "\n";
  }
}

std::string summary_line(const DiffResult& r) {
  const DiffSummary& s = r.summary;
  std::string out = "diff: " + std::to_string(r.new_findings.size()) + " new " +
                    (r.new_findings.size() == 1 ? "finding" : "findings") +
                    severities(r.new_findings) + ", " + std::to_string(r.fixed_findings.size()) +
                    " fixed; groups: " + std::to_string(s.groups_access_changed) +
                    " access changed, " + std::to_string(s.groups_same_access) + " same access, " +
                    std::to_string(s.groups_added) + " added, " + std::to_string(s.groups_removed) +
                    " removed";
  if (s.interfaces_compared) {
    out += "; interfaces: " + std::to_string(s.interfaces_changed) + " changed, " +
           std::to_string(s.interfaces_added) + " added, " + std::to_string(s.interfaces_removed) +
           " removed";
  }
  out += "; " + std::string(r.admits_new() ? "new traffic admitted" : "no new traffic admitted");
  return out + "\n";
}

// ---- JSON

void write_piece(JsonWriter& json, const AccessPiece& piece) {
  json.begin_object();
  json.field("services", piece.services);
  if (piece.symbolic.empty()) {
    json.field("family", piece.family == Family::ipv4 ? "ipv4" : "ipv6");
    std::vector<std::string> peers;
    for (const Cidr& c : piece.cidrs) peers.push_back(to_string(c));
    json.field("peers", peers);
  } else {
    json.key("family");
    json.null();
    json.field("peers", std::vector<std::string>{piece.symbolic});
  }
  json.field("internet", piece.internet);
  json.key("rules");
  json.begin_array();
  for (const ContributingRule& r : piece.rules) {
    json.begin_object();
    json.field_or_null("group", r.group);
    json.field_or_null("rule", r.id);
    json.field("location", r.location.to_string());
    json.field("content", r.content);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_pieces(JsonWriter& json, std::string_view name, const std::vector<AccessPiece>& pieces) {
  json.key(name);
  json.begin_array();
  for (const AccessPiece& p : pieces) write_piece(json, p);
  json.end_array();
}

void write_subject(JsonWriter& json, const SubjectDiff& d) {
  json.begin_object();
  json.field("kind", diff_kind_name(d.kind));
  json.field("label", d.label);
  json.field_or_null("old", d.old_id);
  json.field_or_null("new", d.new_id);
  json.field_or_null("old_location", d.old_id.empty() ? "" : d.old_location.to_string());
  json.field_or_null("new_location", d.new_id.empty() ? "" : d.new_location.to_string());
  json.field("access", access_word(d));
  for (const DirectionLists& l : directions(d)) {
    json.key(direction_name(l.direction));
    json.begin_object();
    write_pieces(json, "added", *l.added);
    write_pieces(json, "removed", *l.removed);
    json.end_object();
  }
  json.field("rules_added", d.rules_added);
  json.field("rules_removed", d.rules_removed);
  json.field("open_added", d.open_added);
  json.field("open_removed", d.open_removed);
  json.field("groups_attached", d.groups_attached);
  json.field("groups_detached", d.groups_detached);
  json.end_object();
}

void write_findings(JsonWriter& json, std::string_view name, const std::vector<Finding>& findings) {
  json.key(name);
  json.begin_array();
  for (const Finding& f : findings) detail::write_finding(json, f);
  json.end_array();
}

// ---- Markdown

// Text in a table cell or inline code: pipes escaped, newlines as spaces.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string code(std::string_view text) {
  std::string out = "`";
  out += cell(text);
  out += '`';
  return out;
}

void markdown_findings(std::ostream& out, const char* title, const std::vector<Finding>& findings) {
  if (findings.empty()) return;
  out << "\n### " << title << "\n\n| severity | check | where | message |\n|---|---|---|---|\n";
  for (const Finding& f : findings)
    out << "| " << finding_severity_name(f.severity) << " | " << f.id << " | "
        << code(f.location.to_string()) << " | " << cell(f.message) << " |\n";
}

void markdown_subject(std::ostream& out_stream, const char* kind, const SubjectDiff& d,
                      bool verbose) {
  out_stream << "\n#### " << kind << " " << code(d.label) << ": " << status_text(d) << "\n";
  std::ostringstream out;  // the list under the heading, when there is one
  for (const std::string& g : d.groups_attached) out << "- group attached: " << code(g) << "\n";
  for (const std::string& g : d.groups_detached) out << "- group detached: " << code(g) << "\n";
  for (const DirectionLists& l : directions(d)) {
    for (const auto& [word, list] :
         {std::pair{"newly admitted", l.added}, std::pair{"no longer admitted", l.removed}}) {
      for (const AccessPiece& piece : *list) {
        out << "- " << direction_name(l.direction) << " " << word << ": "
            << code(piece_text(piece, l.direction)) << "\n";
        for (const ContributingRule& r : piece.rules)
          out << "  - by " << code(r.location.to_string()) << " " << code(r.content) << "\n";
      }
    }
  }
  for (const std::string& r : d.open_added) out << "- rule left open added: " << code(r) << "\n";
  for (const std::string& r : d.open_removed)
    out << "- rule left open removed: " << code(r) << "\n";
  if (verbose) {  // the textual changes: --verbose only
    for (const std::string& r : d.rules_added) out << "- rule added: " << code(r) << "\n";
    for (const std::string& r : d.rules_removed) out << "- rule removed: " << code(r) << "\n";
  }
  if (const std::string list = std::move(out).str(); !list.empty()) out_stream << "\n" << list;
}

std::size_t count_if_new(const std::vector<SubjectDiff>& list, bool added) {
  std::size_t n = 0;
  for (const SubjectDiff& d : list) {
    const bool has =
        added ? d.admits_new() : (!d.ingress_removed.empty() || !d.egress_removed.empty());
    n += has ? 1 : 0;
  }
  return n;
}

}  // namespace

void write_diff_text(std::ostream& out, const DiffResult& result,
                     const DiffReportOptions& options) {
  std::string text;
  append_findings(text, "New findings", result.new_findings, options.color);
  append_findings(text, "Fixed findings", result.fixed_findings, options.color);
  for (const SubjectDiff& d : result.groups) append_subject(text, "group", d, options.verbose);
  for (const SubjectDiff& d : result.interfaces)
    append_subject(text, "interface", d, options.verbose);
  if (result.groups.empty() && result.interfaces.empty()) text += "no group or interface changed\n";
  text += summary_line(result);
  out << text;
}

void write_diff_json(std::ostream& out, const DiffResult& result) {
  std::string text;
  JsonWriter json(text);
  json.begin_object();
  write_findings(json, "new_findings", result.new_findings);
  write_findings(json, "fixed_findings", result.fixed_findings);
  json.key("groups");
  json.begin_array();
  for (const SubjectDiff& d : result.groups) write_subject(json, d);
  json.end_array();
  json.key("interfaces");
  json.begin_array();
  for (const SubjectDiff& d : result.interfaces) write_subject(json, d);
  json.end_array();
  const DiffSummary& s = result.summary;
  json.key("summary");
  json.begin_object();
  json.field("new_findings", result.new_findings.size());
  json.field("fixed_findings", result.fixed_findings.size());
  json.field("new_access", result.admits_new());
  json.field("old_files", s.old_files);
  json.field("new_files", s.new_files);
  json.field("old_groups", s.old_groups);
  json.field("new_groups", s.new_groups);
  json.field("groups_access_changed", s.groups_access_changed);
  json.field("groups_same_access", s.groups_same_access);
  json.field("groups_added", s.groups_added);
  json.field("groups_removed", s.groups_removed);
  json.field("interfaces_compared", s.interfaces_compared);
  json.field("interfaces_changed", s.interfaces_changed);
  json.field("interfaces_added", s.interfaces_added);
  json.field("interfaces_removed", s.interfaces_removed);
  json.end_object();
  json.end_object();
  json.finish();
  out << text;
}

void write_diff_markdown(std::ostream& out, const DiffResult& result,
                         const DiffReportOptions& options) {
  const DiffSummary& s = result.summary;
  out << "## sgcheck diff\n\n| | |\n|---|---|\n";
  out << "| new findings | " << count_by_severity(result.new_findings) << " |\n";
  out << "| fixed findings | " << count_by_severity(result.fixed_findings) << " |\n";
  out << "| groups admitting new traffic | " << count_if_new(result.groups, true) << " |\n";
  out << "| groups no longer admitting traffic | " << count_if_new(result.groups, false) << " |\n";
  out << "| groups changed, same access | " << s.groups_same_access << " |\n";
  out << "| groups added / removed | " << s.groups_added << " / " << s.groups_removed << " |\n";
  if (s.interfaces_compared) {
    out << "| interfaces admitting new traffic | " << count_if_new(result.interfaces, true)
        << " |\n";
    out << "| interfaces changed / added / removed | " << s.interfaces_changed << " / "
        << s.interfaces_added << " / " << s.interfaces_removed << " |\n";
  }
  markdown_findings(out, "New findings", result.new_findings);
  markdown_findings(out, "Fixed findings", result.fixed_findings);
  if (!result.groups.empty()) out << "\n### Groups\n";
  for (const SubjectDiff& d : result.groups) markdown_subject(out, "group", d, options.verbose);
  if (!result.interfaces.empty()) out << "\n### Interfaces\n";
  for (const SubjectDiff& d : result.interfaces)
    markdown_subject(out, "interface", d, options.verbose);
  if (result.groups.empty() && result.interfaces.empty())
    out << "\nNo group or interface changed.\n";
}

void write_diff_sarif(std::ostream& out, const DiffResult& result, const std::string& tool_version,
                      const std::string& root) {
  LintResult lint;
  lint.findings = result.new_findings;
  lint.summary.files = result.summary.new_files;
  lint.summary.groups = result.summary.new_groups;
  lint.summary.findings = result.new_findings.size();
  write_lint_sarif(out, lint, tool_version, root);
}

}  // namespace sgcheck
