// The one printer of source excerpts, under a diagnostic (format_diagnostic()) and under a lint
// finding (the text report): the quoted line and a caret under its column. What is quoted of a long
// line is cut before (atoms/excerpt.h). Entry point: append_excerpt().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sgcheck::detail {

// Appends "  TEXT\n  CARET\n": `text` as valid UTF-8 (valid_utf8()), then one space per character
// of `text` before byte column `column` (1-based; 0: none), a tab kept as a tab and an invalid byte
// counted as the one U+FFFD it is shown as, so that the caret sits under the character at that
// column whatever precedes it; past the end of `text`, one space per missing byte. The caret is
// drawn in `caret_color` (an ANSI sequence, then a reset) unless it is nullptr.
void append_excerpt(std::string& out, std::string_view text, std::uint32_t column,
                    const char* caret_color = nullptr);

}  // namespace sgcheck::detail
