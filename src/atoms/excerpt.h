// Quoting a source line under a message: the line, or a window of it around the column when it is
// long, and where the caret goes in what is shown. One rule for diagnostics (cut when they are
// made, quote_source_line()) and lint findings (cut when the report is printed); report/excerpt.h
// prints the result. Columns count bytes (Location); windows count characters and never cut one.
// Entry points: cut_excerpt(), utf8_character_length().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sgcheck::detail {

// How long lines are cut, in characters (code points; a byte that is not well-formed UTF-8 is one
// character, as valid_utf8() shows it).
struct ExcerptWidth {
  std::size_t whole;            // a line of at most this many characters is shown whole
  std::size_t before;           // characters a window keeps before the column's
  std::size_t shown;            // characters a window shows when it starts with the line
  std::size_t shown_after_cut;  // the same when it starts later, after its "..."
};

// A diagnostic is printed on its own: a wide window that rarely cuts. A lint report quotes a line
// under every finding: windows that keep each quote within 120 characters.
inline constexpr ExcerptWidth kDiagnosticExcerpt{240, 100, 200, 200};
inline constexpr ExcerptWidth kFindingExcerpt{120, 60, 120, 117};

// What is shown of a line: the line itself, or a window of it whose cut ends are marked "...".
// `column` is the caret's byte column in `text` (1-based; 0: none, the caret goes first).
struct Excerpt {
  std::string_view text;
  std::uint32_t column = 0;
  bool cut = false;  // `text` is a window
};

// `line` (without its newline) quoted for byte column `column` (1-based, 0 when unknown): the line
// when it has at most width.whole characters, else a window of whole characters around the column,
// written to `window` (which the result then views).
Excerpt cut_excerpt(std::string_view line, std::uint32_t column, const ExcerptWidth& width,
                    std::string& window);

// The length of the well-formed UTF-8 character (RFC 3629) at text[i], or 0 for a byte that does
// not start one.
std::size_t utf8_character_length(std::string_view text, std::size_t i);

}  // namespace sgcheck::detail
