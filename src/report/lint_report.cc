// The lint reports: text for people (gcc style, source line and caret, summary), JSON and SARIF for
// programs, and the baseline file. Entry points: see lint_report.h.
#include "report/lint_report.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

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

// The lines the findings point at, read once per file ("-" and unreadable files give none).
using SourceLines = std::map<std::pair<std::string, std::uint32_t>, std::string>;

SourceLines read_source_lines(const std::vector<Finding>& findings) {
  std::map<std::string, std::set<std::uint32_t>> wanted;
  for (const Finding& f : findings)
    if (f.location.line != 0 && f.location.file != "-")
      wanted[f.location.file].insert(f.location.line);
  SourceLines out;
  for (const auto& [file, lines] : wanted) {
    std::ifstream in(file, std::ios::binary);
    std::string text;
    std::uint32_t number = 0;
    auto next = lines.begin();
    while (next != lines.end() && std::getline(in, text)) {
      if (++number != *next) continue;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      out[{file, number}] = text;
      ++next;
    }
  }
  return out;
}

// Tabs in the source line are kept in the caret line so that the caret lines up.
std::string caret_line(std::string_view source, std::uint32_t column) {
  std::string caret;
  for (std::uint32_t i = 1; i < column; ++i)
    caret += (i - 1 < source.size() && source[i - 1] == '\t') ? '\t' : ' ';
  return caret + '^';
}

// A long line (minified JSON) is cut to a window around the column, marked with "...".
std::pair<std::string, std::uint32_t> excerpt_of(const std::string& line, std::uint32_t column) {
  constexpr std::size_t kMaxWidth = 120, kBefore = 60;
  if (line.size() <= kMaxWidth) return {line, column};
  const std::size_t at = column == 0 ? 0 : std::min<std::size_t>(column - 1, line.size());
  const std::size_t begin = at > kBefore ? at - kBefore : 0;
  std::string excerpt = begin > 0 ? "..." : "";
  const std::size_t prefix = excerpt.size();
  excerpt += line.substr(begin, kMaxWidth - prefix);
  if (begin + kMaxWidth - prefix < line.size()) excerpt += "...";
  return {excerpt, static_cast<std::uint32_t>(at - begin + prefix + 1)};
}

void append_finding(std::string& out, const Finding& f, const SourceLines& lines, bool color) {
  const auto paint = [&](const char* code, const std::string& text) {
    return color ? code + text + kReset : text;
  };
  out += paint(kBold, f.location.to_string() + ":");
  out += ' ';
  out += paint(severity_color(f.severity), std::string(finding_severity_name(f.severity)) + ":");
  out += ' ';
  out += paint(kBold, f.id);
  out += ' ';
  out += f.message;
  out += '\n';
  const auto line = lines.find({f.location.file, f.location.line});
  if (line == lines.end()) return;
  const auto [excerpt, column] = excerpt_of(line->second, f.location.column);
  out += "  ";
  out += excerpt;
  out += "\n  ";
  out += paint("\033[1;32m", caret_line(excerpt, column));
  out += '\n';
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

Json physical_location(const Location& location) {
  Json physical{{"artifactLocation", {{"uri", uri_of(location.file)}}}};
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
                            : CheckInfo{f.id, f.title, f.severity, f.title, f.refs});
  }
  std::vector<CheckInfo> checks;
  for (auto& [id, info] : by_id) checks.push_back(std::move(info));
  return checks;
}

Json sarif_result(const Finding& f, std::size_t rule_index) {
  Json result{{"ruleId", f.id},
              {"ruleIndex", rule_index},
              {"level", sarif_level(f.severity)},
              {"message", {{"text", f.message}}}};
  if (!f.location.file.empty())
    result["locations"] = Json::array({{{"physicalLocation", physical_location(f.location)}}});
  if (!f.related.empty()) {
    Json related = Json::array();
    for (std::size_t i = 0; i < f.related.size(); ++i) {
      related.push_back({{"id", i + 1},
                         {"physicalLocation", physical_location(f.related[i])},
                         {"message", {{"text", "related rule"}}}});
    }
    result["relatedLocations"] = std::move(related);
  }
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

Json finding_json(const Finding& f) {
  return Json{
      {"id", f.id},
      {"severity", finding_severity_name(f.severity)},
      {"title", f.title},
      {"message", f.message},
      {"location",
       {{"file", f.location.file}, {"line", f.location.line}, {"column", f.location.column}}},
      {"group", json_or_null(f.group)},
      {"rule", json_or_null(f.rule)},
      {"witness", f.witness ? witness_json(*f.witness) : Json(nullptr)},
      {"refs", f.refs}};
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
  if (s.suppressed != 0) out += ", " + std::to_string(s.suppressed) + " suppressed,";
  out += " in " + plural(s.groups, "group") + " and " + plural(s.rules, "rule") + " from " +
         plural(s.files, "file") + "\n";
  return out;
}

std::string lint_text(const LintResult& result, const TextReportOptions& options) {
  const SourceLines lines =
      options.source_lines ? read_source_lines(result.findings) : SourceLines{};
  std::string out;
  for (const Finding& f : result.findings) append_finding(out, f, lines, options.color);
  out += lint_summary_line(result);
  return out;
}

std::string lint_json(const LintResult& result) {
  Json findings = Json::array();
  for (const Finding& f : result.findings) findings.push_back(finding_json(f));
  const LintSummary& s = result.summary;
  const Json out{{"findings", std::move(findings)},
                 {"summary",
                  {{"files", s.files},
                   {"groups", s.groups},
                   {"rules", s.rules},
                   {"findings", s.findings},
                   {"suppressed", s.suppressed}}}};
  return dump(out);
}

std::string lint_sarif(const LintResult& result, const std::string& tool_version) {
  const std::vector<CheckInfo> checks = sarif_checks(result.findings);
  std::map<std::string, std::size_t> index;
  Json rules = Json::array();
  for (const CheckInfo& info : checks) {
    index[info.id] = rules.size();
    rules.push_back(sarif_rule(info));
  }
  Json results = Json::array();
  for (const Finding& f : result.findings) results.push_back(sarif_result(f, index[f.id]));
  Json driver{{"name", "sgcheck"}, {"version", tool_version}, {"rules", std::move(rules)}};
  const Json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                 {"version", "2.1.0"},
                 {"runs", Json::array({{{"tool", {{"driver", std::move(driver)}}},
                                        {"results", std::move(results)}}})}};
  return dump(log);
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
    entries.push_back({{"id", f->id},
                       {"fingerprint", f->fingerprint},
                       {"group", json_or_null(f->group)},
                       {"message", f->message}});
  }
  const Json out{{"version", 1}, {"findings", std::move(entries)}};
  return dump(out);
}

}  // namespace sgcheck
