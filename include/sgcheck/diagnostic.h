// The one diagnostic type of sgcheck. Every parser (values, JSON, YAML, flows, policies) and the
// linter report problems as Diagnostic values; format_diagnostic() is the one printer. Its source
// excerpt (the quoted line and a caret) is printed as the lint report prints one under each
// finding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sgcheck {

enum class Severity : std::uint8_t { error, warning, note };

// "error", "warning", "note".
const char* severity_name(Severity severity);

// A position in an input, of a diagnostic or a lint finding: the file as the user named it, 1-based
// line and column. The column counts bytes (UTF-8 code units), in text, JSON and SARIF alike; the
// caret under a quoted line counts characters, so that it sits under the character at the column
// after non-ASCII text. line == 0 means the position is unknown (then only the file is printed).
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  // "file:line:col", or "file" when the line is unknown.
  std::string to_string() const;
  // to_string() appended to `out`, without temporaries (checks naming many places).
  void append_to(std::string& out) const;
};

struct Diagnostic {
  Severity severity = Severity::error;
  // The catalogue id this diagnostic maps to when the linter reports it ("SG403"), or empty.
  std::string check;
  std::string message;
  Location location;
  // The text of the line at location.line, without its newline; empty when not known. A long line
  // (minified JSON, a Terraform plan on one line) holds only a window around the column, its cut
  // ends marked "...": see quote_source_line().
  std::string source_line;
  // The caret's byte column in source_line when it holds a window; 0: location.column.
  std::uint32_t source_column = 0;
};

// Sets d.source_line to `line`, or, when the line is longer than 240 characters, to a window of
// 200 characters around d.location.column (each diagnostic would otherwise copy the whole line).
// The window holds whole UTF-8 characters only.
void quote_source_line(Diagnostic& d, std::string_view line);

// gcc style: "file:line:col: error: message", then, when the source line is known, the line and a
// caret under the column: one space per character before it (a tab stays a tab), so that the caret
// sits under the character at the byte column whatever precedes it. Ends with a newline. Always
// valid UTF-8 (see valid_utf8()).
std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD: what a report
// quotes from an input (a source line, a name) is valid text whatever the input held. The caret
// under a quoted line counts such a byte as the one character it is shown as.
std::string valid_utf8(std::string_view text);

// `text` as a message quotes it: at most `max_chars` characters (whole UTF-8 characters), ending in
// "…" when cut, so that a 10,000-character name does not fill the terminal.
std::string cut_for_message(std::string_view text, std::size_t max_chars = 100);

// The source line around byte offset `offset` of `text` (without the newline).
std::string line_at(std::string_view text, std::size_t offset);

using Diagnostics = std::vector<Diagnostic>;

}  // namespace sgcheck
