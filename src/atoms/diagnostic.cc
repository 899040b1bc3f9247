// Diagnostic values (include/sgcheck/inventory.h) as every stage makes them: positions as text,
// the quoted source line (cut as atoms/excerpt.h says), and the UTF-8 helpers that quoting needs.
// Printing them is report's (report/diagnostic.cc). Entry points: Location::to_string(),
// quote_source_line(), valid_utf8(), cut_for_message(), line_at().
#include <charconv>
#include <string_view>

#include "atoms/excerpt.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
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

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = detail::utf8_character_length(text, i);
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

void quote_source_line(Diagnostic& d, std::string_view line) {
  std::string window;
  const detail::Excerpt excerpt =
      detail::cut_excerpt(line, d.location.column, detail::kDiagnosticExcerpt, window);
  if (!excerpt.cut) {
    d.source_line.assign(line);
    d.source_column = 0;
    return;
  }
  d.source_line = std::move(window);
  d.source_column = excerpt.column;
}

namespace {

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

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
