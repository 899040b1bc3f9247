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

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.location.to_string();
  out += ": ";
  out += severity_name(d.severity);
  out += ": ";
  out += valid_utf8(d.message);
  out += '\n';
  if (!d.source_line.empty() && d.location.line != 0) {
    out += "  ";
    out += valid_utf8(d.source_line);
    out += "\n  ";
    append_caret(out, d.source_line, d.source_column != 0 ? d.source_column : d.location.column);
    out += '\n';
  }
  return out;
}

namespace {

// The length of the well-formed UTF-8 character (RFC 3629) at text[i], or 0 for a byte that does
// not start one.
std::size_t character_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  const std::size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  // Overlong forms, surrogates and code points above U+10FFFF.
  const unsigned char next = byte(i + 1);
  if ((n == 2 && c < 0xC2) || (n == 3 && c == 0xE0 && next < 0xA0) ||
      (n == 3 && c == 0xED && next >= 0xA0) || (n == 4 && c == 0xF0 && next < 0x90) ||
      (n == 4 && (c > 0xF4 || (c == 0xF4 && next >= 0x90))))
    return 0;
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = character_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, one per invalid byte
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

void append_caret(std::string& out, std::string_view source, std::uint32_t column) {
  const std::size_t before = column == 0 ? 0 : column - 1;  // bytes of `source` before the caret
  for (std::size_t i = 0; i < before;) {
    if (i >= source.size()) {  // past the end of the line (an error at its end)
      out += ' ';
      ++i;
      continue;
    }
    out += source[i] == '\t' ? '\t' : ' ';
    // One column per character: an invalid byte is shown as one U+FFFD.
    i += std::max<std::size_t>(1, character_length(source, i));
  }
  out += '^';
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

std::string cut_for_message(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (continuation_byte(text[i])) continue;
    if (chars == max_chars) return std::string(text.substr(0, i)) + "…";
    ++chars;
  }
  return std::string(text);
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
