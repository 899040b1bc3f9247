// The source lines under lint findings, for the text report and the HTML report alike: one reader
// per run of findings in a file. Entry points: FindingSources::line_of(), finding_excerpt().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sgcheck/lint.h"

namespace sgcheck::detail {

class SourceLines;

class FindingSources {
 public:
  FindingSources();
  ~FindingSources();
  FindingSources(const FindingSources&) = delete;
  FindingSources& operator=(const FindingSources&) = delete;
  // The line at the finding's location, or nullptr (no line, stdin, an unreadable file).
  const std::string* line_of(const Finding& f);

 private:
  std::unique_ptr<SourceLines> reader_;
  const Name* reader_file_ = nullptr;
  std::uint32_t last_line_ = 0;
};

// The line quoted as the text report quotes it under a finding: "  TEXT\n  CARET\n", a long line
// cut to a window around the column.
std::string finding_excerpt(const Finding& f, const std::string& line);

}  // namespace sgcheck::detail
