// A streaming JSON writer that appends to a string in the layout of the AWS CLI (4-space indent,
// "key": value, empty containers as [] and {}), fast enough for the large benchmark presets; strings
// go through the one JSON escaper (report/json_writer.h).
// Entry point: JsonWriter; callers nest begin_*/end_* and put key() before each member.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/json_writer.h"

namespace sgcheck::gen {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    separate();
    append_string(name);
    out_ += ": ";
    after_key_ = true;
  }
  void string(std::string_view text) {
    separate();
    append_string(text);
  }
  void number(std::int64_t value) {
    separate();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, static_cast<std::size_t>(result.ptr - buffer));
  }
  void boolean(bool value) {
    separate();
    out_ += value ? "true" : "false";
  }

  // "key": value in one call.
  void field(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void field(std::string_view name, const char* text) { field(name, std::string_view(text)); }
  void field(std::string_view name, std::int64_t value) {
    key(name);
    number(value);
  }
  void field(std::string_view name, int value) { field(name, std::int64_t{value}); }
  void field(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }
  // "key": [] (the CLI prints empty lists).
  void empty_array(std::string_view name) {
    key(name);
    begin_array();
    end_array();
  }

  // Ends the document with a newline, as the CLI does.
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
    out_.append(level * 4, ' ');
  }
  void append_string(std::string_view text) { append_json_string(out_, text); }

  std::string& out_;
  std::vector<std::uint32_t> depth_;  // members written so far at each open level
  bool after_key_ = false;
};

}  // namespace sgcheck::gen
