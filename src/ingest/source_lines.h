// The lines of an input file read again after loading, forward only, for the text report's source
// quotes: reading inputs is ingest's job, and the report reaches the file through this reader only.
// Entry point: SourceLines::line().
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "ingest/mapped_file.h"

namespace sgcheck::detail {

// The lines of one file, read forward only (a report's findings are sorted by file and line, so
// each file is read once, and only up to its last finding; no copy of the file is held). A regular
// file is mapped, and the pages behind are given back as it is read; anything else is read in
// blocks. "-" and unreadable files give no lines.
class SourceLines {
 public:
  explicit SourceLines(const std::string& file);
  ~SourceLines();
  SourceLines(const SourceLines&) = delete;
  SourceLines& operator=(const SourceLines&) = delete;

  // Line `number` (1-based, not before the last one asked) without its '\n' and a final '\r',
  // or nullptr past the end of the file: what std::getline gave, line by line.
  const std::string* line(std::uint32_t number);

 private:
  bool refill();
  void give_back_read_pages();
  bool next_line(bool keep);

  std::FILE* in_ = nullptr;
  MappedFile mapped_;
  std::vector<char> buffer_;  // blocks of a file that is not mapped (none for a mapped file)
  const char* block_ = nullptr;  // mapped_ or buffer_
  std::size_t size_ = 0, at_ = 0, given_back_ = 0;
  std::uint32_t current_number_ = 0;
  std::string current_;
  bool have_current_ = false;
};

}  // namespace sgcheck::detail
