// The one JSON string escaper of sgcheck's hand-written JSON, and the pieces the writers share.
// Hand-written JSON is kept for output that grows with the flows or the inventory (query --batch,
// exposure, matrix) or is generated (gen), where building and dumping a tree per element costs
// time and memory; it gives the bytes nlohmann's dump() gives (compact, ensure_ascii off).
// Entry points: append_json_string(), append_json_string_array(), BlockWriter.
#pragma once

#include <charconv>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sgcheck {

// `text` as a JSON string, quoted: '"', '\\' and control characters escaped (\b \f \n \r \t, else
// \u00xx in lower case), every other byte as it is.
void append_json_string(std::string& out, std::string_view text);

// ["a","b"]: each string as append_json_string() writes it.
void append_json_string_array(std::string& out, const std::vector<std::string>& items);

// Output appended to a string and written to a stream a block at a time: a document that grows with
// the inventory (or its square) is never held whole.
class BlockWriter {
 public:
  explicit BlockWriter(std::ostream& out) : out_(out) {}
  ~BlockWriter() { flush(); }
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // The buffer to append to; call done() after each piece so that full blocks are written.
  std::string& text() { return buffer_; }
  BlockWriter& operator<<(std::string_view piece) {
    buffer_ += piece;
    done();
    return *this;
  }
  BlockWriter& operator<<(std::uint64_t n) {
    char digits[24];
    buffer_.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    done();
    return *this;
  }
  void done() {
    if (buffer_.size() >= kBlock) flush();
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::ostream& out_;
  std::string buffer_;
};

}  // namespace sgcheck
