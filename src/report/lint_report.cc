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
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "atoms/excerpt.h"
#include "ingest/source_lines.h"
#include "report/excerpt.h"

namespace sgcheck {

namespace {

using Json = nlohmann::ordered_json;

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

// Appended in place, without a temporary per part: this runs once per finding.
void append_finding(std::string& out, const Finding& f, const std::string* source, bool color) {
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
std::string artifact_uri(const std::string& file, const std::string& root) {
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

Json physical_location(const Location& location, const std::string& root) {
  Json physical{{"artifactLocation", {{"uri", artifact_uri(location.file, root)}}}};
  if (location.line != 0) {
    Json region{{"startLine", location.line}};
    if (location.column != 0) region["startColumn"] = location.column;
    physical["region"] = std::move(region);
  }
  return physical;
}

Json sarif_rule(const CheckInfo& info) {
  Json tags = Json::array();
  tags.push_back("security");
  for (const std::string& ref : info.refs) tags.push_back(ref);
  const std::string help = info.help.empty() ? info.title : info.help;
  return Json{{"id", info.id},
              {"name", rule_name(info.title)},
              {"shortDescription", {{"text", info.title}}},
              {"fullDescription", {{"text", help}}},
              {"help", {{"text", help}}},
              {"defaultConfiguration", {{"level", sarif_level(info.severity)}}},
              {"properties",
               {{"tags", std::move(tags)},
                {"security-severity", security_severity(info.severity)},
                {"severity", finding_severity_name(info.severity)}}}};
}

// The checks the findings come from, each once, sorted: the catalogue's metadata, or for ids only
// the findings know (user policies) what the finding carries. Only these, so that the log stays
// small and does not change when checks that found nothing are added to the catalogue.
std::vector<CheckInfo> sarif_checks(const std::vector<Finding>& findings) {
  std::map<std::string, CheckInfo> by_id;
  std::map<std::string, CheckInfo> catalogue;
  for (CheckInfo& c : check_catalogue()) catalogue.emplace(c.id, std::move(c));
  for (const Finding& f : findings) {
    if (by_id.count(f.id) != 0) continue;
    const auto known = catalogue.find(f.id);
    by_id.emplace(f.id, known != catalogue.end()
                            ? known->second
                            : CheckInfo{f.id, f.title(), f.severity, f.title(), f.refs()});
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

Json sarif_result(const Finding& f, std::size_t rule_index, const std::string& root) {
  Json result{{"ruleId", f.id},
              {"ruleIndex", rule_index},
              {"level", sarif_level(f.severity)},
              {"message", {{"text", f.message}}}};
  if (!f.location.file.empty())
    result["locations"] =
        Json::array({{{"physicalLocation", physical_location(f.location, root)}}});
  if (!f.related.empty()) {
    Json related = Json::array();
    for (std::size_t i = 0; i < f.related.size(); ++i) {
      related.push_back({{"id", i + 1},
                         {"physicalLocation", physical_location(f.related[i], root)},
                         {"message", {{"text", related_text(f, f.related[i])}}}});
    }
    result["relatedLocations"] = std::move(related);
  }
  // A finding a baseline recorded with a smaller violation is one that changed.
  if (f.violation && !f.violation->new_since_baseline.empty()) result["baselineState"] = "updated";
  result["partialFingerprints"] = {{"sgcheckFingerprint/v1", f.fingerprint}};
  Json properties{{"severity", finding_severity_name(f.severity)}};
  if (!f.group.empty()) properties["group"] = f.group;
  if (!f.rule.empty()) properties["rule"] = f.rule;
  if (!f.interface.empty()) properties["interface"] = f.interface;
  result["properties"] = std::move(properties);
  return result;
}

// ---- JSON

// Names and descriptions are user text: invalid UTF-8 is replaced, never a throw.
std::string dump(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json json_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json witness_json(const Witness& w) {
  Json out{{"protocol", w.protocol}};
  if (w.port) out["port"] = *w.port;
  if (w.type) out["type"] = *w.type;
  if (w.code) out["code"] = *w.code;
  out[w.direction == Direction::ingress ? "source" : "destination"] = w.peer;
  return out;
}

Json location_json(const Location& at) {
  return Json{{"file", at.file}, {"line", at.line}, {"column", at.column}};
}

std::vector<std::string> part_texts(const Violation& v) {
  std::vector<std::string> out;
  for (const ViolationPart& p : v.parts) out.push_back(violation_part_text(p));
  return out;
}

// A policy finding's whole violation: its parts, every contributing rule, a witness per family,
// and (when a baseline recorded a smaller one) what is new since.
void add_violation_json(Json& out, const Violation& v) {
  out["violation"] = part_texts(v);
  Json rules = Json::array();
  for (const ContributingRule& r : v.rules)
    rules.push_back({{"group", json_or_null(r.group)},
                     {"rule", json_or_null(r.id)},
                     {"location", location_json(r.location)}});
  out["rules"] = std::move(rules);
  Json witnesses = Json::array();
  for (const Witness& w : v.witnesses) witnesses.push_back(witness_json(w));
  out["witnesses"] = std::move(witnesses);
  if (!v.new_since_baseline.empty())
    out["baseline"] = {{"status", "changed"}, {"new", v.new_since_baseline}};
}

Json finding_json(const Finding& f) {
  Json out{{"id", f.id},
           {"severity", finding_severity_name(f.severity)},
           {"title", f.title()},
           {"message", f.message},
           {"location", location_json(f.location)},
           {"group", json_or_null(f.group)},
           {"rule", json_or_null(f.rule)},
           {"witness", f.witness ? witness_json(*f.witness) : Json(nullptr)},
           {"refs", f.refs()}};
  if (f.violation) add_violation_json(out, *f.violation);
  return out;
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

namespace {

// Output is written in blocks of about this size: a large report is never held whole.
constexpr std::size_t kBlock = 1 << 20;

// The text report, handed to `flush` block by block.
template <class Flush>
void render_text(const LintResult& result, const TextReportOptions& options, Flush&& flush) {
  std::string out;
  // Findings are sorted by file and line: one reader per run of a file, moving forward. Should
  // a file come back after another (findings not sorted), it is read again from the start.
  std::unique_ptr<detail::SourceLines> reader;
  const std::string* reader_file = nullptr;
  std::uint32_t last_line = 0;
  for (const Finding& f : result.findings) {
    const std::string* source = nullptr;
    if (options.source_lines && f.location.line != 0 && f.location.file != "-") {
      if (reader_file == nullptr || *reader_file != f.location.file ||
          f.location.line < last_line) {
        reader = std::make_unique<detail::SourceLines>(f.location.file);
        reader_file = &f.location.file;
      }
      last_line = f.location.line;
      source = reader->line(f.location.line);
    }
    append_finding(out, f, source, options.color);
    if (out.size() >= kBlock) {
      flush(out);
      out.clear();
    }
  }
  out += lint_summary_line(result);
  flush(out);
}

// `text` with every line but empty ones indented by `indent` more spaces.
void append_indented(std::string& out, std::string_view text, std::size_t indent) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!line.empty()) out.append(indent, ' ');
    out += line;
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
}

// A document whose array at `marker` (`"key": []`, once in `skeleton`) holds one element per
// finding: each element is dumped alone and indented to its depth, which gives exactly the bytes
// of dumping the whole tree, without building it (a tree takes many times the memory of its text).
template <class Element>
void write_with_array(std::ostream& out, const std::string& skeleton, std::string_view marker,
                      std::size_t depth, const std::vector<Finding>& findings, Element&& element) {
  const std::size_t at = skeleton.find(marker);
  if (findings.empty() || at == std::string::npos) {
    out << skeleton;
    return;
  }
  const std::size_t open = at + marker.size() - 1;  // the ']' of "[]"
  out.write(skeleton.data(), static_cast<std::streamsize>(open));
  std::string block = "\n";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string item =
        element(findings[i], i).dump(2, ' ', false, Json::error_handler_t::replace);
    append_indented(block, item, depth);
    block += i + 1 < findings.size() ? ",\n" : "\n";
    if (block.size() >= kBlock) {
      out << block;
      block.clear();
    }
  }
  block.append(depth - 2, ' ');
  out << block;
  out.write(skeleton.data() + open, static_cast<std::streamsize>(skeleton.size() - open));
}

Json json_summary(const LintSummary& s) {
  return Json{{"files", s.files},
              {"groups", s.groups},
              {"rules", s.rules},
              {"findings", s.findings},
              {"suppressed", s.suppressed},
              {"suppressed_by", Json{{"disable", s.suppressed_by_disable},
                                     {"config", s.suppressed_by_config},
                                     {"tag", s.suppressed_by_tag},
                                     {"baseline", s.suppressed_by_baseline}}},
              {"skipped", s.skipped},
              {"input_errors", s.input_errors},
              {"config", json_or_null(s.config)}};
}

}  // namespace

std::string lint_text(const LintResult& result, const TextReportOptions& options) {
  std::string out;
  render_text(result, options, [&](const std::string& block) { out += block; });
  return out;
}

void write_lint_text(std::ostream& out, const LintResult& result,
                     const TextReportOptions& options) {
  render_text(result, options, [&](const std::string& block) { out << block; });
}

std::string lint_json(const LintResult& result) {
  std::ostringstream out;
  write_lint_json(out, result);
  return std::move(out).str();
}

void write_lint_json(std::ostream& out, const LintResult& result) {
  const Json skeleton{{"findings", Json::array()}, {"summary", json_summary(result.summary)}};
  write_with_array(out, dump(skeleton), "\n  \"findings\": []", 4, result.findings,
                   [](const Finding& f, std::size_t) { return finding_json(f); });
}

namespace {

// The SARIF log with `results` as given (the whole array, or empty to be streamed).
Json sarif_log(const std::vector<Json>& rules_in, Json results, const std::string& tool_version,
               const LintSummary& summary) {
  Json rules = Json::array();
  for (const Json& rule : rules_in) rules.push_back(rule);
  Json driver{{"name", "sgcheck"}, {"version", tool_version}, {"rules", std::move(rules)}};
  // The run's summary (counts, suppressions by reason, the config in force) as in the JSON report.
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", std::move(driver)}}},
                                     {"properties", {{"summary", json_summary(summary)}}},
                                     {"results", std::move(results)}}})}};
}

// The rules of the findings' checks and each id's index among them.
std::vector<Json> sarif_rules(const LintResult& result, std::map<std::string, std::size_t>& index) {
  std::vector<Json> rules;
  for (const CheckInfo& info : sarif_checks(result.findings)) {
    index[info.id] = rules.size();
    rules.push_back(sarif_rule(info));
  }
  return rules;
}

}  // namespace

std::string lint_sarif(const LintResult& result, const std::string& tool_version,
                       const std::string& root) {
  std::ostringstream out;
  write_lint_sarif(out, result, tool_version, root);
  return std::move(out).str();
}

void write_lint_sarif(std::ostream& out, const LintResult& result, const std::string& tool_version,
                      const std::string& root) {
  std::map<std::string, std::size_t> index;
  const std::vector<Json> rules = sarif_rules(result, index);
  const std::string skeleton = dump(sarif_log(rules, Json::array(), tool_version, result.summary));
  write_with_array(
      out, skeleton, "\n      \"results\": []", 8, result.findings,
      [&](const Finding& f, std::size_t) { return sarif_result(f, index[f.id], root); });
}

std::string lint_baseline(const std::vector<Finding>& findings) {
  std::vector<const Finding*> sorted;
  for (const Finding& f : findings) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const Finding* a, const Finding* b) {
    return std::tie(a->id, a->fingerprint) < std::tie(b->id, b->fingerprint);
  });
  Json entries = Json::array();
  std::set<std::string> seen;
  for (const Finding* f : sorted) {
    if (!seen.insert(f->fingerprint).second) continue;
    Json entry{{"id", f->id},
               {"fingerprint", f->fingerprint},
               {"group", json_or_null(f->group)},
               {"message", f->message}};
    // What the violation consists of, by content: a grown one is reported again.
    if (f->violation) {
      entry["violation"] = part_texts(*f->violation);
      std::vector<std::string> rules;
      for (const ContributingRule& r : f->violation->rules) rules.push_back(r.content);
      std::sort(rules.begin(), rules.end());
      rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
      entry["rules"] = std::move(rules);
    }
    entries.push_back(std::move(entry));
  }
  const Json out{{"version", 2}, {"findings", std::move(entries)}};
  return dump(out);
}

}  // namespace sgcheck
