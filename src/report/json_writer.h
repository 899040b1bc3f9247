// How sgcheck writes JSON that grows with the inventory or the flows. Such a document goes through
// this file, because building it as an nlohmann/json tree first costs several times its size in
// memory and time (bench/README.md, 2026-12-07: `dump --format json` on L 807 MB and 3.0 s as a
// tree, 264 MB and 0.6 s streamed; lint JSON 1.23 s as a tree per finding, 0.79 s streamed).
// JsonWriter writes such documents pretty-printed, byte for byte as nlohmann's dump() would (the
// dump, lint, SARIF and baseline reports, and gen's inventories), into a buffer that a BlockWriter
// empties as it fills. The compact reports (query and its --batch JSON Lines, exposure, matrix)
// are hot paths: they append their punctuation themselves around append_json_string() and write
// through BlockWriter. Small documents of fixed size (`rules list`) are nlohmann/json trees; the
// tests check this file's bytes against nlohmann's (tests/report/).
// Entry points: JsonWriter, append_json_string(), append_json_string_array(), BlockWriter.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sgcheck {

// `text` as a JSON string, quoted, escaped as nlohmann's dump() escapes it with ensure_ascii off
// and error_handler_t::replace: '"', '\\' and control characters escaped (\b \f \n \r \t, else
// \u00xx in lower case), every other well-formed UTF-8 character as it is (DEL and '/' too), and
// each ill-formed sequence (the longest prefix of a character that it is, or a lone byte) as
// U+FFFD.
void append_json_string(std::string& out, std::string_view text);

// ["a","b"]: each string as append_json_string() writes it.
void append_json_string_array(std::string& out, const std::vector<std::string>& items);

template <class T>
concept JsonInteger = std::integral<T> && !std::same_as<T, bool>;

// A JSON document appended to a string in the layout of nlohmann's dump(indent) (and of the AWS
// CLI's output with an indent of 4): each member or element on its own line, indented `indent`
// spaces per level, `"key": value`, empty containers as [] and {}. Callers nest begin_*/end_*,
// put key() before each member of an object, and end the document with finish().
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out, std::size_t indent = 2) : out_(out), indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    separate();
    append_json_string(out_, name);
    out_ += ": ";
    after_key_ = true;
  }
  void string(std::string_view text) {
    separate();
    append_json_string(out_, text);
  }
  // An absent name, id or path: null rather than "".
  void string_or_null(std::string_view text) {
    if (text.empty()) {
      null();
    } else {
      string(text);
    }
  }
  template <JsonInteger T>
  void number(T value) {
    separate();
    char digits[24];
    const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out_.append(digits, static_cast<std::size_t>(end - digits));
  }
  void boolean(bool value) {
    separate();
    out_ += value ? "true" : "false";
  }
  void null() {
    separate();
    out_ += "null";
  }
  // Items are std::string or Name.
  template <typename Text>
  void strings(const std::vector<Text>& items) {
    begin_array();
    for (const Text& item : items) string(item);
    end_array();
  }

  // "key": value in one call.
  void field(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void field(std::string_view name, const char* text) { field(name, std::string_view(text)); }
  template <JsonInteger T>
  void field(std::string_view name, T value) {
    key(name);
    number(value);
  }
  void field(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }
  template <typename Text>
  void field(std::string_view name, const std::vector<Text>& items) {
    key(name);
    strings(items);
  }
  void field_or_null(std::string_view name, std::string_view text) {
    key(name);
    string_or_null(text);
  }
  void empty_array(std::string_view name) {
    key(name);
    begin_array();
    end_array();
  }

  // Ends the document with a newline.
  void finish() { out_ += '\n'; }

 private:
  // Before a value or key: a comma after a sibling, then a newline and the indentation, except
  // right after "key": where the value follows on the same line.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_.empty()) return;
    if (depth_.back()++ > 0) out_ += ',';
    newline(depth_.size());
  }
  void open(char bracket) {
    separate();
    out_ += bracket;
    depth_.push_back(0);
  }
  void close(char bracket) {
    const bool had_members = depth_.back() > 0;
    depth_.pop_back();
    if (had_members) newline(depth_.size());
    out_ += bracket;
  }
  void newline(std::size_t level) {
    out_ += '\n';
    out_.append(level * indent_, ' ');
  }

  std::string& out_;
  std::size_t indent_;
  std::vector<std::uint32_t> depth_;  // members written so far at each open level
  bool after_key_ = false;
};

// Output appended to a string and written to a stream a block at a time: a document that grows with
// the inventory (or its square) is never held whole.
class BlockWriter {
 public:
  explicit BlockWriter(std::ostream& out) : out_(out) {}
  ~BlockWriter() { flush(); }
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // The buffer to append to (a JsonWriter's string, say); call done() after each piece so that
  // full blocks are written.
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
