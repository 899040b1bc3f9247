// The one printer of diagnostics (gcc style, with the source line and a caret), shared by every parser
// and the linter. Entry point: format_diagnostic().
#include "sgcheck/diagnostic.h"

#include <string_view>

namespace sgcheck {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

std::string Location::to_string() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// The caret sits under the column; tabs in the source line are kept so that it lines up.
static std::string caret_line(std::string_view source, std::uint32_t column) {
  std::string caret;
  for (std::uint32_t i = 1; i < column; ++i) {
    caret += (i - 1 < source.size() && source[i - 1] == '\t') ? '\t' : ' ';
  }
  return caret + '^';
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.location.to_string();
  out += ": ";
  out += severity_name(d.severity);
  out += ": ";
  out += d.message;
  out += '\n';
  if (!d.source_line.empty() && d.location.line != 0) {
    out += "  ";
    out += d.source_line;
    out += "\n  ";
    out += caret_line(d.source_line, d.location.column);
    out += '\n';
  }
  return out;
}

std::string line_at(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  const std::size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const std::size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
  std::size_t end = text.find('\n', offset);
  if (end == std::string_view::npos) end = text.size();
  std::string line(text.substr(begin, end - begin));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace sgcheck
