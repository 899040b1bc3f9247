// The printer of diagnostics (gcc style) and of the source excerpt under them and under lint
// findings: the quoted line and a caret under its column. Entry points: format_diagnostic(),
// append_excerpt().
#include "sgcheck/inventory.h"

#include <algorithm>

#include "atoms/excerpt.h"
#include "report/excerpt.h"

namespace sgcheck {

namespace detail {

void append_excerpt(std::string& out, std::string_view text, std::uint32_t column,
                    const char* caret_color) {
  out += "  ";
  out += valid_utf8(text);
  out += "\n  ";
  if (caret_color != nullptr) out += caret_color;
  const std::size_t before = column == 0 ? 0 : column - 1;  // bytes of `text` before the caret
  for (std::size_t i = 0; i < before;) {
    if (i >= text.size()) {  // past the end of the line (an error at its end)
      out += ' ';
      ++i;
      continue;
    }
    out += text[i] == '\t' ? '\t' : ' ';
    i += std::max<std::size_t>(1, utf8_character_length(text, i));
  }
  out += '^';
  if (caret_color != nullptr) out += "\033[0m";
  out += '\n';
}

}  // namespace detail

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.location.to_string();
  out += ": ";
  out += severity_name(d.severity);
  out += ": ";
  out += valid_utf8(d.message);
  out += '\n';
  // The line was quoted when the diagnostic was made: a long one is already a window.
  if (!d.source_line.empty() && d.location.line != 0)
    detail::append_excerpt(out, d.source_line,
                           d.source_column != 0 ? d.source_column : d.location.column);
  return out;
}

}  // namespace sgcheck
