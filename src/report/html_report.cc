// `sgcheck report`: one self-contained HTML file (inline CSS, script and SVG; a Content Security
// Policy that allows no fetch at all): the lint summary and findings with their source excerpts,
// the exposure table, the matrix of one service as a heat map of classes, and the group graph.
// The stylesheet and the script are src/report/html/, embedded at build time. Entry point:
// write_html_report().
#include <map>
#include <ostream>

#include "report/finding_sources.h"
#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

struct Asset {
  const char* name;
  const char* text;
};
constexpr Asset kAssets[] = {
#include "report_assets.inc"
};

std::string_view asset(std::string_view name) {
  for (const Asset& a : kAssets)
    if (name == a.name) return a.text;
  return {};
}

// Text as HTML element content or a quoted attribute value.
void append_html(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}
std::string html(std::string_view text) {
  std::string out;
  append_html(out, valid_utf8(text));
  return out;
}

constexpr FindingSeverity kSeverities[] = {FindingSeverity::critical, FindingSeverity::high,
                                           FindingSeverity::medium, FindingSeverity::low,
                                           FindingSeverity::info};

std::string severity_badge(FindingSeverity s) {
  const std::string name = finding_severity_name(s);
  return "<span class=\"sev sev-" + name + "\">" + name + "</span>";
}

void write_head(BlockWriter& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>sgcheck report</title>\n<style>\n"
      << asset("html/report.css") << "</style>\n</head>\n<body>\n";
}

void write_header(BlockWriter& out, const HtmlReportInput& in) {
  out << "<header>\n<h1>sgcheck report</h1>\n<p class=\"summary\">"
      << html(lint_summary_line(in.lint)) << "</p>\n<p class=\"muted\">"
      << html(std::to_string(in.inventory.groups.size()) + " groups, " +
              std::to_string(in.inventory.rule_count()) + " rules, " +
              std::to_string(in.inventory.interfaces.size()) + " interfaces; sgcheck " + version())
      << "</p>\n<nav><a href=\"#findings\">Findings</a><a href=\"#graph\">Graph</a>"
         "<a href=\"#exposure\">Exposure</a><a href=\"#matrix\">Matrix</a></nav>\n</header>\n";
}

void write_summary_cards(BlockWriter& out, const LintResult& lint) {
  std::map<FindingSeverity, std::size_t> counts;
  for (const Finding& f : lint.findings) ++counts[f.severity];
  out << "<section id=\"summary\">\n<div class=\"cards\">\n";
  for (const FindingSeverity s : kSeverities) {
    out << "<div class=\"card\"><span class=\"count\">" << counts[s] << "</span>"
        << severity_badge(s) << "</div>\n";
  }
  out << "<div class=\"card\"><span class=\"count\">" << lint.summary.suppressed
      << "</span>suppressed</div>\n</div>\n</section>\n";
}

void write_finding_row(std::string& out, const Finding& f, const std::string* line) {
  const std::string severity = finding_severity_name(f.severity);
  out += "<tr data-severity=\"" + severity + "\" data-check=\"" + html(f.id) + "\">";
  out += "<td data-sort-value=\"" + std::to_string(static_cast<int>(f.severity)) + "\">" +
         severity_badge(f.severity) + "</td>";
  out += "<td class=\"mono\">" + html(f.id) + "</td><td>" + html(f.title()) + "</td>";
  const Location& at = f.location;
  char sort_key[64];
  std::snprintf(sort_key, sizeof sort_key, "%010u:%010u", at.line, at.column);
  out += "<td class=\"location\" data-sort-value=\"" + html(at.file) + ":" + sort_key + "\">" +
         html(at.to_string()) + "</td>";
  out += "<td class=\"mono\">" + html(f.group.empty() ? f.interface : f.group) + "</td>";
  out += "<td>" + html(f.message);
  if (line != nullptr)
    out += "<pre class=\"excerpt\">" + html(detail::finding_excerpt(f, *line)) + "</pre>";
  out += "</td></tr>\n";
}

void write_findings(BlockWriter& out, const LintResult& lint) {
  std::map<std::string, std::size_t> checks;
  for (const Finding& f : lint.findings) ++checks[f.id.str()];
  out << "<section id=\"findings\">\n<h2>Findings</h2>\n<div class=\"controls\">"
         "<label>Severity <select id=\"severity-filter\"><option value=\"\">all</option>";
  for (const FindingSeverity s : kSeverities) {
    const std::string name = finding_severity_name(s);
    out << "<option value=\"" << name << "\">" << name << "</option>";
  }
  out << "</select></label><label>Check <select id=\"check-filter\"><option "
         "value=\"\">all</option>";
  for (const auto& [id, count] : checks) {
    out << "<option value=\"" << html(id) << "\">" << html(id) << " (" << count << ")</option>";
  }
  out << "</select></label><span id=\"findings-shown\" class=\"muted\"></span></div>\n"
         "<table id=\"findings-table\">\n<thead><tr><th>Severity</th><th>Check</th><th>Title</th>"
         "<th>Location</th><th>Group</th><th>Message</th></tr></thead>\n<tbody>\n";
  detail::FindingSources sources;
  for (const Finding& f : lint.findings) {
    write_finding_row(out.text(), f, sources.line_of(f));
    out.done();
  }
  out << "</tbody>\n</table>\n</section>\n";
}

// The SVG as it goes inside HTML: from its <svg> element on (no XML prolog or doctype), without
// namespace declarations, which HTML does not need.
std::string inline_svg(const std::string& svg) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return {};
  std::string out = svg.substr(start);
  for (const char* attribute :
       {" xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:xlink=\"http://www.w3.org/1999/xlink\""}) {
    const std::size_t at = out.find(attribute);
    if (at != std::string::npos) out.erase(at, std::string_view(attribute).size());
  }
  return out;
}

void write_graph(BlockWriter& out, const HtmlReportInput& in) {
  out << "<section id=\"graph\">\n<h2>Graph</h2>\n<p class=\"legend\">"
         "<span><i style=\"border-top-style:solid\"></i>ingress (the target admits)</span>"
         "<span><i style=\"border-top-style:dashed\"></i>egress (the source sends)</span>";
  for (const FindingSeverity s : kSeverities) out << "<span>" << severity_badge(s) << "</span>";
  out << "</p>\n";
  const std::string note = graph_cut_note(in.graph);
  if (!note.empty()) out << "<p class=\"note\">" << html(note) << "</p>\n";
  if (!in.graph_svg.error.empty()) {
    out << "<p class=\"note\">" << html(in.graph_svg.error) << "</p>\n";
  } else {
    out << "<div class=\"graph\">\n" << inline_svg(in.graph_svg.svg) << "</div>\n";
  }
  out << "</section>\n";
}

const char* internet_class(InternetExposure e) {
  switch (e) {
    case InternetExposure::all:
      return "internet-all";
    case InternetExposure::part:
      return "internet-part";
    case InternetExposure::none:
      break;
  }
  return "";
}

void write_exposure_lines(std::string& out, const Exposure& e, const char* direction,
                          const std::vector<ExposureLine>& lines) {
  for (const ExposureLine& l : lines) {
    std::string peers;
    for (const std::string& p : l.peers) peers += (peers.empty() ? "" : ", ") + p;
    out += "<tr><td class=\"mono\">" + html(e.label) + "</td><td>" + direction +
           "</td><td class=\"mono\">" + html(l.services) + "</td><td class=\"mono\">" +
           html(peers) + "</td><td class=\"" + internet_class(l.internet) + "\">" +
           (l.internet == InternetExposure::none ? "" : internet_exposure_name(l.internet)) +
           "</td></tr>\n";
  }
}

void write_exposure(BlockWriter& out, const HtmlReportInput& in) {
  out << "<section id=\"exposure\">\n<h2>Exposure</h2>\n<p class=\"muted\">What each group, and "
         "each interface over the union of its groups, admits inbound and sends outbound.</p>\n";
  const std::size_t total = in.inventory.groups.size() + in.inventory.interfaces.size();
  if (in.exposures.size() < total) {
    out << "<p class=\"note\">" << in.exposures.size() << " of " << total
        << " groups and interfaces shown (groups first); raise --max-exposures (0: all) for "
           "more</p>\n";
  }
  out << "<div class=\"controls\"><label>Filter <input id=\"exposure-filter\" type=\"search\">"
         "</label></div>\n<table id=\"exposure-table\">\n<thead><tr><th>Target</th><th>Direction"
         "</th><th>Services</th><th>Peers</th><th>Internet</th></tr></thead>\n<tbody>\n";
  for (const Exposure& e : in.exposures) {
    write_exposure_lines(out.text(), e, "inbound", e.inbound);
    write_exposure_lines(out.text(), e, "outbound", e.outbound);
    out.done();
  }
  out << "</tbody>\n</table>\n</section>\n";
}

void write_matrix(BlockWriter& out, const HtmlReportInput& in) {
  const std::vector<MatrixClass>& classes = in.matrix.classes();
  const auto shown =
      static_cast<std::uint32_t>(std::min<std::size_t>(classes.size(), in.matrix_classes));
  std::vector<std::vector<std::string>> cells(shown, std::vector<std::string>(shown, "none"));
  in.matrix.for_each_cell(
      shown, [&](const MatrixCell& c) { cells[c.from][c.to] = verdict_name(c.verdict); });
  out << "<section id=\"matrix\">\n<h2>Matrix of " << html(in.service.to_string()) << "</h2>\n"
      << "<p class=\"muted\">Which classes of interfaces (same VPC and groups) can open "
      << html(in.service.to_string())
      << " to which: rows are sources, columns destinations.</p>\n<p class=\"legend\">";
  for (const char* v : {"allow", "partial", "unknown", "deny"})
    out << "<span><span class=\"swatch v-" << v << "\"></span>" << v << "</span>";
  out << "<span><span class=\"swatch v-none\"></span>no pair</span></p>\n";
  if (shown < classes.size()) {
    out << "<p class=\"note\">the first " << shown << " of " << classes.size()
        << " classes; raise --matrix-classes for more</p>\n";
  }
  out << "<table class=\"heat\" id=\"matrix-table\">\n<tr><th></th>";
  for (std::uint32_t b = 0; b < shown; ++b) out << "<th>" << std::uint64_t{b + 1} << "</th>";
  out << "</tr>\n";
  for (std::uint32_t a = 0; a < shown; ++a) {
    out << "<tr><th>" << std::uint64_t{a + 1} << "</th>";
    for (std::uint32_t b = 0; b < shown; ++b) {
      out << "<td class=\"v-" << cells[a][b] << "\" title=\"class " << std::uint64_t{a + 1}
          << " to class " << std::uint64_t{b + 1} << ": " << cells[a][b] << "\"></td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n<table id=\"matrix-classes\">\n<thead><tr><th>Class</th><th>VPC</th>"
         "<th>Groups</th><th>Interfaces</th></tr></thead>\n<tbody>\n";
  for (std::uint32_t a = 0; a < shown; ++a) {
    const MatrixClass& c = classes[a];
    std::string groups, interfaces;
    for (const std::string& g : c.groups) groups += (groups.empty() ? "" : ", ") + g;
    for (const std::string& x : c.interfaces) interfaces += (interfaces.empty() ? "" : ", ") + x;
    out << "<tr><td>" << std::uint64_t{a + 1} << "</td><td class=\"mono\">" << html(c.vpc)
        << "</td><td class=\"mono\">" << html(groups) << "</td><td class=\"mono\">"
        << html(interfaces) << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace

void write_html_report(std::ostream& stream, const HtmlReportInput& in) {
  BlockWriter out(stream);
  write_head(out);
  write_header(out, in);
  write_summary_cards(out, in.lint);
  write_findings(out, in.lint);
  write_graph(out, in);
  write_exposure(out, in);
  write_matrix(out, in);
  out << "<footer>" << html(not_evaluated_line()) << "</footer>\n<script>\n"
      << asset("html/report.js") << "</script>\n</body>\n</html>\n";
}

}  // namespace sgcheck
