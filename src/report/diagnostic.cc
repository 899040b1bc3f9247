// The one printer of diagnostics (gcc style, with the source line and a caret), shared by every parser
// and the linter. Entry point: format_diagnostic().
#include "sgcheck/diagnostic.h"

#include <algorithm>
#include <charconv>
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
  std::string out;
  append_to(out);
  return out;
}

void Location::append_to(std::string& out) const {
  out += file;
  if (line == 0) return;
  for (const std::uint32_t n : {line, column}) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out += ':';
    out.append(digits, end);
  }
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
    out += caret_line(d.source_line, d.source_column != 0 ? d.source_column : d.location.column);
    out += '\n';
  }
  return out;
}

namespace {

constexpr std::size_t kLongLine = 240;      // longer lines are quoted as a window
constexpr std::size_t kWindowBefore = 100;  // bytes kept before the column
constexpr std::size_t kWindow = 200;

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

void quote_source_line(Diagnostic& d, std::string_view line) {
  d.source_column = 0;
  if (line.size() <= kLongLine) {
    d.source_line.assign(line);
    return;
  }
  const std::size_t column = d.location.column == 0 ? 0 : d.location.column - 1;
  std::size_t begin = column > kWindowBefore ? std::min(column, line.size()) - kWindowBefore : 0;
  std::size_t end = std::min(line.size(), begin + kWindow);
  // Whole UTF-8 characters only: the quote stays valid text.
  while (begin > 0 && begin < line.size() && continuation_byte(line[begin])) --begin;
  while (end < line.size() && continuation_byte(line[end])) ++end;
  d.source_line.clear();
  if (begin > 0) d.source_line = "...";
  const std::size_t prefix = d.source_line.size();
  d.source_line.append(line.substr(begin, end - begin));
  if (end < line.size()) d.source_line += "...";
  if (d.location.column != 0)
    d.source_column = static_cast<std::uint32_t>(column - begin + prefix + 1);
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
