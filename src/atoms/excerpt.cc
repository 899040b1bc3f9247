// The one rule for quoting a long source line: a window of whole characters around the column, its
// cut ends marked "...", and the caret's column in it. Entry point: cut_excerpt().
#include "atoms/excerpt.h"

#include <algorithm>

namespace sgcheck::detail {

std::size_t utf8_character_length(std::string_view text, std::size_t i) {
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

namespace {

// The bytes of the character at text[i] as it is shown: a well-formed one whole, any other byte
// alone.
std::size_t shown_length(std::string_view text, std::size_t i) {
  return std::max<std::size_t>(1, utf8_character_length(text, i));
}

// The byte offset `count` characters after byte `from` (a character start), or the end.
std::size_t skip_characters(std::string_view text, std::size_t from, std::size_t count) {
  for (; count > 0 && from < text.size(); --count) from += shown_length(text, from);
  return from;
}

// The characters that start before byte `end`.
std::size_t characters_before(std::string_view text, std::size_t end) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < end; i += shown_length(text, i)) ++count;
  return count;
}

}  // namespace

Excerpt cut_excerpt(std::string_view line, std::uint32_t column, const ExcerptWidth& width,
                    std::string& window) {
  // A line of few bytes has no more characters; a longer one is counted only up to the limit.
  if (line.size() <= width.whole || skip_characters(line, 0, width.whole) == line.size())
    return {line, column, false};
  const std::size_t at = column == 0 ? 0 : column - 1;  // the column's byte
  const std::size_t before = characters_before(line, std::min(at, line.size()));
  const std::size_t skipped = before > width.before ? before - width.before : 0;
  const std::size_t begin = skip_characters(line, 0, skipped);
  window = skipped > 0 ? "..." : "";
  const std::size_t marker = window.size();
  const std::size_t end =
      skip_characters(line, begin, skipped > 0 ? width.shown_after_cut : width.shown);
  window.append(line.substr(begin, end - begin));
  if (end < line.size()) window += "...";
  const auto caret = column == 0 ? 0 : static_cast<std::uint32_t>(at - begin + marker + 1);
  return {window, caret, true};
}

}  // namespace sgcheck::detail
