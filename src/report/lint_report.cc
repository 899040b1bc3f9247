// The lint reports: text for people (gcc style, source line and caret, summary), JSON and SARIF for
// programs, and the baseline file. Entry points: see the lint reports of sgcheck/report.h.
#include "sgcheck/report.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>

#include "atoms/excerpt.h"
#include "ingest/source_lines.h"
#include "report/excerpt.h"
#include "report/finding_blocks.h"
#include "report/finding_sources.h"
#include "report/json_writer.h"

namespace sgcheck {

namespace {

// ---- Text

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";

const char* severity_color(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::critical:
      return "\033[1;31m";
    case FindingSeverity::high:
      return "\033[31m";
    case FindingSeverity::medium:
      return "\033[33m";
    case FindingSeverity::low:
      return "\033[36m";
    case FindingSeverity::info:
      return "\033[34m";
  }
  return "";
}

void append_number(std::string& out, std::uint32_t n) {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

}  // namespace

// Appended in place, without a temporary per part: this runs once per finding.
void detail::append_finding(std::string& out, const Finding& f, const std::string* source,
                            bool color) {
  if (color) out += kBold;
  out += f.location.file;  // Location::to_string(), then ":"
  if (f.location.line != 0) {
    out += ':';
    append_number(out, f.location.line);
    out += ':';
    append_number(out, f.location.column);
  }
  out += ':';
  if (color) {
    out += kReset;
    out += ' ';
    out += severity_color(f.severity);
  } else {
    out += ' ';
  }
  out += finding_severity_name(f.severity);
  out += ':';
  if (color) out += kReset;
  out += ' ';
  if (color) out += kBold;
  out += f.id;
  if (color) out += kReset;
  out += ' ';
  out += f.message;
  out += '\n';
  if (source == nullptr) return;
  std::string window;
  const detail::Excerpt excerpt =
      detail::cut_excerpt(*source, f.location.column, detail::kFindingExcerpt, window);
  detail::append_excerpt(out, excerpt.text, excerpt.column, color ? "\033[1;32m" : nullptr);
}

namespace {

using detail::append_finding;

std::string plural(std::size_t n, const char* word) {
  std::string out = std::to_string(n) + " " + word;
  if (n != 1) out += 's';
  return out;
}

// ---- SARIF

// "error" for what must be fixed, "warning" for what should be, "note" for information.
const char* sarif_level(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::critical:
    case FindingSeverity::high:
      return "error";
    case FindingSeverity::medium:
    case FindingSeverity::low:
      return "warning";
    case FindingSeverity::info:
      return "note";
  }
  return "note";
}

// GitHub code scanning ranks security results by this score (CVSS-like bands).
const char* security_severity(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::critical:
      return "9.5";
    case FindingSeverity::high:
      return "8.0";
    case FindingSeverity::medium:
      return "5.5";
    case FindingSeverity::low:
      return "3.0";
    case FindingSeverity::info:
      return "0.0";
  }
  return "0.0";
}

// "Duplicate rule" -> "DuplicateRule": SARIF's rule name is an identifier-like word.
std::string rule_name(const std::string& title) {
  std::string out;
  bool upper = true;
  for (const char c : title) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u)) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(u)) : c;
    upper = false;
  }
  return out;
}

// A path as a URI reference: unreserved characters and '/' kept, the rest percent-encoded.
std::string uri_of(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// The URI GitHub code scanning resolves against the repository: the file (named relative to the
// current directory, or absolute) relative to `root` (absolute; empty: the current directory),
// normalised ("./a/../b.json" is "b.json"). A file outside the root keeps its absolute path, as a
// file:// URI; standard input ("-") stays "-".
std::string artifact_uri(std::string_view file, const std::string& root) {
  namespace fs = std::filesystem;
  const fs::path path(file);
  std::error_code ec;
  const fs::path here = fs::current_path(ec);
  if (file == "-" || ec) return uri_of(path.lexically_normal().generic_string());
  const fs::path absolute = (path.is_absolute() ? path : here / path).lexically_normal();
  const fs::path base = root.empty() ? here : fs::path(root).lexically_normal();
  const fs::path relative = absolute.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..")
    return "file://" + uri_of(absolute.generic_string());
  return uri_of(relative.generic_string());
}

void write_physical_location(JsonWriter& json, const Location& location, const std::string& root) {
  json.begin_object();
  json.key("artifactLocation");
  json.begin_object();
  json.field("uri", artifact_uri(location.file, root));
  json.end_object();
  if (location.line != 0) {
    json.key("region");
    json.begin_object();
    json.field("startLine", location.line);
    if (location.column != 0) json.field("startColumn", location.column);
    json.end_object();
  }
  json.end_object();
}

// {"text": "..."}: how SARIF holds a message or description.
void write_text_object(JsonWriter& json, std::string_view name, std::string_view text) {
  json.key(name);
  json.begin_object();
  json.field("text", text);
  json.end_object();
}

void write_sarif_rule(JsonWriter& json, const CheckInfo& info) {
  const std::string& help = info.help.empty() ? info.title : info.help;
  json.begin_object();
  json.field("id", info.id);
  json.field("name", rule_name(info.title));
  write_text_object(json, "shortDescription", info.title);
  write_text_object(json, "fullDescription", help);
  write_text_object(json, "help", help);
  json.key("defaultConfiguration");
  json.begin_object();
  json.field("level", sarif_level(info.severity));
  json.end_object();
  json.key("properties");
  json.begin_object();
  json.key("tags");
  json.begin_array();
  json.string("security");
  for (const std::string& ref : info.refs) json.string(ref);
  json.end_array();
  json.field("security-severity", security_severity(info.severity));
  json.field("severity", finding_severity_name(info.severity));
  json.end_object();
  json.end_object();
}

// The checks the findings come from, each once, sorted: the catalogue's metadata, or for ids only
// the findings know (user policies) what the finding carries. Only these, so that the log stays
// small and does not change when checks that found nothing are added to the catalogue.
std::vector<CheckInfo> sarif_checks(const std::vector<Finding>& findings) {
  std::map<std::string, CheckInfo> by_id;
  std::map<std::string, CheckInfo> catalogue;
  for (CheckInfo& c : check_catalogue()) catalogue.emplace(c.id, std::move(c));
  for (const Finding& f : findings) {
    if (by_id.count(f.id.str()) != 0) continue;
    const auto known = catalogue.find(f.id.str());
    by_id.emplace(f.id, known != catalogue.end()
                            ? known->second
                            : CheckInfo{f.id.str(), f.title(), f.severity, f.title(), f.refs()});
  }
  std::vector<CheckInfo> checks;
  for (auto& [id, info] : by_id) checks.push_back(std::move(info));
  return checks;
}

// A related location's text: the contributing rule it is ("contributing rule sg-0a1 ingress
// tcp/22 from ::/0"), or "related rule".
std::string related_text(const Finding& f, const Location& at) {
  if (f.violation) {
    for (const ContributingRule& r : f.violation->rules)
      if (r.location.file == at.file && r.location.line == at.line &&
          r.location.column == at.column)
        return "contributing rule " + r.content;
  }
  return "related rule";
}

void write_sarif_result(JsonWriter& json, const Finding& f, std::size_t rule_index,
                        const std::string& root) {
  json.begin_object();
  json.field("ruleId", f.id);
  json.field("ruleIndex", rule_index);
  json.field("level", sarif_level(f.severity));
  write_text_object(json, "message", f.message);
  if (!f.location.file.empty()) {
    json.key("locations");
    json.begin_array();
    json.begin_object();
    json.key("physicalLocation");
    write_physical_location(json, f.location, root);
    json.end_object();
    json.end_array();
  }
  if (!f.related.empty()) {
    json.key("relatedLocations");
    json.begin_array();
    for (std::size_t i = 0; i < f.related.size(); ++i) {
      json.begin_object();
      json.field("id", i + 1);
      json.key("physicalLocation");
      write_physical_location(json, f.related[i], root);
      write_text_object(json, "message", related_text(f, f.related[i]));
      json.end_object();
    }
    json.end_array();
  }
  // A finding a baseline recorded with a smaller violation is one that changed.
  if (f.violation && !f.violation->new_since_baseline.empty())
    json.field("baselineState", "updated");
  json.key("partialFingerprints");
  json.begin_object();
  json.field("sgcheckFingerprint/v1", f.fingerprint);
  json.end_object();
  json.key("properties");
  json.begin_object();
  json.field("severity", finding_severity_name(f.severity));
  if (!f.group.empty()) json.field("group", f.group);
  if (!f.rule.empty()) json.field("rule", f.rule);
  if (!f.interface.empty()) json.field("interface", f.interface);
  json.end_object();
  json.end_object();
}

// {"driver": {"name", "version", "rules"}}: the rules are those of the findings' checks, and
// `rule_index` gets each one's index among them, by which a result names its rule.
void write_sarif_tool(JsonWriter& json, const std::vector<Finding>& findings,
                      const std::string& tool_version,
                      std::map<std::string, std::size_t>& rule_index) {
  json.begin_object();
  json.key("driver");
  json.begin_object();
  json.field("name", "sgcheck");
  json.field("version", tool_version);
  json.key("rules");
  json.begin_array();
  for (const CheckInfo& info : sarif_checks(findings)) {
    rule_index.emplace(info.id, rule_index.size());
    write_sarif_rule(json, info);
  }
  json.end_array();
  json.end_object();
  json.end_object();
}

// ---- JSON

void write_witness(JsonWriter& json, const Witness& w) {
  json.begin_object();
  json.field("protocol", w.protocol);
  if (w.port) json.field("port", *w.port);
  if (w.type) json.field("type", *w.type);
  if (w.code) json.field("code", *w.code);
  json.field(w.direction == Direction::ingress ? "source" : "destination", w.peer);
  json.end_object();
}

void write_location(JsonWriter& json, const Location& at) {
  json.begin_object();
  json.field("file", at.file);
  json.field("line", at.line);
  json.field("column", at.column);
  json.end_object();
}

std::vector<std::string> part_texts(const Violation& v) {
  std::vector<std::string> out;
  for (const ViolationPart& p : v.parts) out.push_back(violation_part_text(p));
  return out;
}

// A policy finding's whole violation: its parts, every contributing rule, a witness per family,
// and (when a baseline recorded a smaller one) what is new since.
void write_violation_members(JsonWriter& json, const Violation& v) {
  json.field("violation", part_texts(v));
  json.key("rules");
  json.begin_array();
  for (const ContributingRule& r : v.rules) {
    json.begin_object();
    json.field_or_null("group", r.group);
    json.field_or_null("rule", r.id);
    json.key("location");
    write_location(json, r.location);
    json.end_object();
  }
  json.end_array();
  json.key("witnesses");
  json.begin_array();
  for (const Witness& w : v.witnesses) write_witness(json, w);
  json.end_array();
  if (!v.new_since_baseline.empty()) {
    json.key("baseline");
    json.begin_object();
    json.field("status", "changed");
    json.field("new", v.new_since_baseline);
    json.end_object();
  }
}

}  // namespace

void detail::write_finding(JsonWriter& json, const Finding& f) {
  json.begin_object();
  json.field("id", f.id);
  json.field("severity", finding_severity_name(f.severity));
  json.field("title", f.title());
  json.field("message", f.message);
  json.key("location");
  write_location(json, f.location);
  json.field_or_null("group", f.group);
  json.field_or_null("rule", f.rule);
  json.key("witness");
  if (f.witness) {
    write_witness(json, *f.witness);
  } else {
    json.null();
  }
  json.field("refs", f.refs());
  if (f.violation) write_violation_members(json, *f.violation);
  json.end_object();
}

namespace {

using detail::write_finding;

void write_summary(JsonWriter& json, const LintSummary& s) {
  json.begin_object();
  json.field("files", s.files);
  json.field("groups", s.groups);
  json.field("rules", s.rules);
  json.field("findings", s.findings);
  json.field("suppressed", s.suppressed);
  json.key("suppressed_by");
  json.begin_object();
  json.field("disable", s.suppressed_by_disable);
  json.field("config", s.suppressed_by_config);
  json.field("tag", s.suppressed_by_tag);
  json.field("baseline", s.suppressed_by_baseline);
  json.end_object();
  json.field("skipped", s.skipped);
  json.field("input_errors", s.input_errors);
  json.field_or_null("config", s.config);
  json.end_object();
}

}  // namespace

namespace {

// "2 by baseline, 1 by tag": the reasons findings were suppressed for, in a fixed order.
std::string suppression_reasons(const LintSummary& s) {
  std::string out;
  for (const auto& [count, reason] :
       {std::pair{s.suppressed_by_disable, "--disable"},
        std::pair{s.suppressed_by_config, "config"}, std::pair{s.suppressed_by_tag, "tag"},
        std::pair{s.suppressed_by_baseline, "baseline"}}) {
    if (count == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(count) + " by " + reason;
  }
  return out;
}

}  // namespace

std::string lint_summary_line(const LintResult& result) {
  const LintSummary& s = result.summary;
  std::string out;
  if (s.findings == 0) {
    out = "no findings";
  } else {
    out = plural(s.findings, "finding") + " (";
    std::array<std::size_t, 5> by_severity{};
    for (const Finding& f : result.findings) ++by_severity[static_cast<std::size_t>(f.severity)];
    bool first = true;
    for (std::size_t i = 0; i < by_severity.size(); ++i) {
      if (by_severity[i] == 0) continue;
      if (!first) out += ", ";
      out += std::to_string(by_severity[i]) + " " +
             finding_severity_name(static_cast<FindingSeverity>(i));
      first = false;
    }
    out += ")";
  }
  if (s.suppressed != 0) {
    const std::string reasons = suppression_reasons(s);
    out += ", " + std::to_string(s.suppressed) + " suppressed";
    out += reasons.empty() ? "," : " (" + reasons + "),";
  }
  out += " in " + plural(s.groups, "group") + " and " + plural(s.rules, "rule") + " from " +
         plural(s.files, "file");
  if (s.skipped != 0)
    out += " (" + std::to_string(s.skipped) + " skipped: not security-group input)";
  if (s.input_errors != 0) out += "; " + plural(s.input_errors, "input error");
  if (!s.config.empty()) out += "; config " + s.config;
  out += "\n";
  return out;
}

std::string lint_text(const LintResult& result, const TextReportOptions& options) {
  std::ostringstream out;
  write_lint_text(out, result, options);
  return std::move(out).str();
}

void write_lint_text(std::ostream& out, const LintResult& result,
                     const TextReportOptions& options) {
  BlockWriter block(out);
  detail::FindingSources sources;
  for (const Finding& f : result.findings) {
    const std::string* source = options.source_lines ? sources.line_of(f) : nullptr;
    append_finding(block.text(), f, source, options.color);
    block.done();
  }
  block << lint_summary_line(result);
}

namespace detail {

// Findings are sorted by file and line: one reader per run of a file, moving forward. Should a
// file come back after another (findings not sorted), it is read again from the start.
const std::string* FindingSources::line_of(const Finding& f) {
  if (f.location.line == 0 || f.location.file == "-") return nullptr;
  if (reader_file_ == nullptr || *reader_file_ != f.location.file || f.location.line < last_line_) {
    reader_ = std::make_unique<SourceLines>(f.location.file.str());
    reader_file_ = &f.location.file;
  }
  last_line_ = f.location.line;
  return reader_->line(f.location.line);
}

FindingSources::FindingSources() = default;
FindingSources::~FindingSources() = default;

std::string finding_excerpt(const Finding& f, const std::string& line) {
  std::string out, window;
  const Excerpt excerpt = cut_excerpt(line, f.location.column, kFindingExcerpt, window);
  append_excerpt(out, excerpt.text, excerpt.column);
  return out;
}

}  // namespace detail

std::string lint_json(const LintResult& result) {
  std::ostringstream out;
  write_lint_json(out, result);
  return std::move(out).str();
}

void write_lint_json(std::ostream& out, const LintResult& result) {
  BlockWriter block(out);
  JsonWriter json(block.text());
  json.begin_object();
  json.key("findings");
  json.begin_array();
  for (const Finding& f : result.findings) {
    write_finding(json, f);
    block.done();
  }
  json.end_array();
  json.key("summary");
  write_summary(json, result.summary);
  json.end_object();
  json.finish();
}

std::string lint_sarif(const LintResult& result, const std::string& tool_version,
                       const std::string& root) {
  std::ostringstream out;
  write_lint_sarif(out, result, tool_version, root);
  return std::move(out).str();
}

void write_lint_sarif(std::ostream& out, const LintResult& result, const std::string& tool_version,
                      const std::string& root) {
  BlockWriter block(out);
  JsonWriter json(block.text());
  json.begin_object();
  json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  json.field("version", "2.1.0");
  json.key("runs");
  json.begin_array();
  json.begin_object();
  json.key("tool");
  std::map<std::string, std::size_t> rule_index;
  write_sarif_tool(json, result.findings, tool_version, rule_index);
  // The run's summary (counts, suppressions by reason, the config in force) as in the JSON report.
  json.key("properties");
  json.begin_object();
  json.key("summary");
  write_summary(json, result.summary);
  json.end_object();
  json.key("results");
  json.begin_array();
  for (const Finding& f : result.findings) {
    write_sarif_result(json, f, rule_index.at(f.id.str()), root);
    block.done();
  }
  json.end_array();
  json.end_object();
  json.end_array();
  json.end_object();
  json.finish();
}

std::string lint_baseline(const std::vector<Finding>& findings) {
  std::vector<const Finding*> sorted;
  for (const Finding& f : findings) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const Finding* a, const Finding* b) {
    return std::tie(a->id, a->fingerprint) < std::tie(b->id, b->fingerprint);
  });
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.field("version", 2);
  json.key("findings");
  json.begin_array();
  std::set<std::string> seen;
  for (const Finding* f : sorted) {
    if (!seen.insert(f->fingerprint).second) continue;
    json.begin_object();
    json.field("id", f->id);
    json.field("fingerprint", f->fingerprint);
    json.field_or_null("group", f->group);
    json.field("message", f->message);
    // What the violation consists of, by content: a grown one is reported again.
    if (f->violation) {
      json.field("violation", part_texts(*f->violation));
      std::vector<std::string> rules;
      for (const ContributingRule& r : f->violation->rules) rules.push_back(r.content);
      std::sort(rules.begin(), rules.end());
      rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
      json.field("rules", rules);
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
  json.finish();
  return out;
}

}  // namespace sgcheck
