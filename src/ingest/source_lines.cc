// SourceLines (see source_lines.h): a mapped file scanned with memchr, its pages given back behind
// the reader, or a file read in blocks when it cannot be mapped. Entry point: SourceLines::line().
#include "ingest/source_lines.h"

#include <cstring>

namespace sgcheck::detail {

namespace {

// Pages are given back in steps of this many bytes, a step behind the reader.
constexpr std::size_t kGiveBackStep = 8 << 20;

}  // namespace

SourceLines::SourceLines(const std::string& file) {
  if (file == "-") return;
  mapped_ = MappedFile::map(file, 0, MappedFile::Read::forward);
  if (mapped_.mapped()) {
    block_ = mapped_.bytes().data();
    size_ = mapped_.bytes().size();
    return;
  }
  in_ = std::fopen(file.c_str(), "rb");
  buffer_.resize(1 << 16);
  block_ = buffer_.data();
}

SourceLines::~SourceLines() {
  if (in_ != nullptr) std::fclose(in_);
}

const std::string* SourceLines::line(std::uint32_t number) {
  if (number == current_number_ && have_current_) return &current_;
  while (current_number_ < number) {
    if (!next_line(number == current_number_ + 1)) return nullptr;
  }
  if (!current_.empty() && current_.back() == '\r') current_.pop_back();
  have_current_ = true;
  give_back_read_pages();
  return &current_;
}

// The next block of a file that is read, not mapped; false at its end.
bool SourceLines::refill() {
  if (in_ == nullptr) return false;
  size_ = std::fread(buffer_.data(), 1, buffer_.size(), in_);
  at_ = 0;
  return size_ > 0;
}

// Mapped pages well behind the reader leave this process's memory (they are never read again).
void SourceLines::give_back_read_pages() {
  if (!mapped_.mapped() || at_ < given_back_ + 2 * kGiveBackStep) return;
  given_back_ = at_ - kGiveBackStep;
  mapped_.release_before(given_back_);
}

// Advances to the next line, keeping its text only when `keep`. False at the end of the file
// (a last line without '\n' still counts, as getline reads it).
bool SourceLines::next_line(bool keep) {
  current_.clear();
  have_current_ = false;
  bool any = false;
  for (;;) {
    if (at_ == size_ && !refill()) {
      if (any) ++current_number_;  // the last line, without '\n', ended with the file
      return any;
    }
    any = true;
    const char* start = block_ + at_;
    const void* newline = std::memchr(start, '\n', size_ - at_);
    const std::size_t length =
        newline != nullptr ? static_cast<std::size_t>(static_cast<const char*>(newline) - start)
                           : size_ - at_;
    if (keep) current_.append(start, length);
    at_ += length;
    if (newline != nullptr) {
      ++at_;
      ++current_number_;
      return true;
    }
  }
}

}  // namespace sgcheck::detail
