// The JSON layer of the ingest stage: typed access to simdjson on-demand values with exact source
// positions, fatal-error reporting (InputError), and the byte scanners used around simdjson
// (nesting depth check, syntax-error locator). Entry points: JsonReader, find_excess_depth(),
// find_syntax_error().
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

namespace od = simdjson::ondemand;

// A problem that makes one input unusable. Thrown inside the ingest stage only (load.cc catches it
// per file), so that the readers stay straight-line code. offset == npos: no position, just the
// file.
struct InputError {
  std::size_t offset = std::string_view::npos;
  std::string message;
};

// simdjson refused the document: load.cc runs find_syntax_error() to say where and why.
struct JsonFailure {
  simdjson::error_code code = simdjson::SUCCESS;
};

// Byte offset -> 1-based line and column. The readers move forward through the document, so this
// keeps a cursor and counts newlines from it; an offset behind the cursor rescans from the start.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {}
  // {line, column}
  std::pair<std::uint32_t, std::uint32_t> locate(std::size_t offset);

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

// An error at byte `offset` of `text` (a file named `file`): its line:col and the source line, for
// the caret. The one way ingest and config readers turn an offset into a Diagnostic.
Diagnostic error_at_offset(const std::string& file, std::string_view text, std::size_t offset,
                           std::string message);

struct SyntaxProblem {
  std::size_t offset = 0;
  std::string message;  // "expected ',' or '}' after an object member", …
};

// How many top-level values a text may hold: one, or a sequence of objects and arrays (concatenated
// documents and JSON Lines, as `aws … >> file` writes them).
enum class Documents { one, several };

// The first syntax error of `text` (strict RFC 8259 plus the nesting limit), or nullopt when it is
// valid JSON. A bounded, iterative state machine (an explicit stack of at most max_depth entries):
// only run when simdjson failed, to turn its late, positionless error into file:line:col.
std::optional<SyntaxProblem> find_syntax_error(std::string_view text, std::uint32_t max_depth,
                                               Documents documents = Documents::one);

// The offset of the first '{' or '[' nested deeper than max_depth, or nullopt: a pass over the
// bytes, for text simdjson has not indexed (configuration files, documents it refused).
std::optional<std::size_t> find_excess_depth(std::string_view text, std::uint32_t max_depth);

// The same for a document simdjson has just indexed (parser.iterate() succeeded), from its
// structural indexes instead of its bytes: stage 1 already found every bracket outside strings, so
// the check of every input costs a walk over about one token in eight bytes. On-demand skips the
// values we do not read without looking at their depth, hence the check before reading. `begin` is
// the start of the buffer given to iterate(); the offset is counted from it.
std::optional<std::size_t> find_excess_depth(od::document& document, const char* begin,
                                             std::uint32_t max_depth);

// simdjson's structural index takes 4 bytes per token, allocated for the whole document before any
// check of ours: 1 GB of '[' would take 4 GB before the depth check on the index could refuse it.
// A document larger than this is scanned first.
constexpr std::size_t kScanBeforeIndexing = std::size_t{16} << 20;

// The most tokens a document of `bytes` may hold: an index of at most the document's size plus
// 64 MiB (a describe output has about one token per 8 bytes).
constexpr std::uint64_t max_index_tokens(std::size_t bytes) {
  return (std::uint64_t{bytes} + (std::uint64_t{64} << 20)) / 4;
}

// The first '{' or '[' nested deeper than max_depth, or the byte at which the document holds more
// tokens than max_index_tokens(), or nullopt: one pass over the bytes (64 at a time with SSE2) and
// O(1) memory, before parser.iterate(), so that a hostile document is refused early and cheaply.
std::optional<SyntaxProblem> check_before_indexing(std::string_view text, std::uint32_t max_depth);

std::string depth_message(std::uint32_t max_depth);  // "nesting deeper than 64 levels"

// What a value is, for messages: the key it belongs to, or the array whose element it is.
struct What {
  std::string_view key;
  bool element = false;  // true: an element of the array `key`
};

// Typed access to on-demand values of one document. A value of the wrong JSON type is fatal (AWS
// CLI output never has one): InputError `expected an integer for "FromPort", found a string`. JSON
// null is read as "absent" (the CLI prints null for some optional members). Invalid values inside
// well-typed input are not fatal: warn() records them in the inventory's diagnostics.
class JsonReader {
 public:
  // The value types the AWS readers are written against (TreeReader has the same members over
  // TreeNode, so that one reader serves JSON and YAML).
  using Value = od::value;
  using Object = od::object;
  using Array = od::array;

  JsonReader(std::string_view text, std::uint32_t file, std::string_view name,
             Diagnostics& diagnostics)
      : text_(text), lines_(text), file_(file), name_(name), diagnostics_(diagnostics) {}

  std::string_view text() const { return text_; }
  std::uint32_t file() const { return file_; }
  std::string_view name() const { return name_; }

  // Called with an offset well behind the reader whenever it has moved on by a few megabytes: the
  // loader gives back the pages of a mapped file read so far (a later look behind maps them in
  // again), so that two large files parsed side by side do not each stay whole in memory.
  void on_progress(std::function<void(std::size_t)> release_before) {
    release_before_ = std::move(release_before);
    next_release_ = kReleaseStep;
  }

  // Where a value starts in the buffer: its raw token ('{', '[', '"', digit).
  std::size_t offset(od::value& value);
  SourcePos pos(std::size_t offset);
  // The offset of character `i` of the string value at `at` (past its opening quote).
  std::size_t string_char(std::size_t at, std::size_t i) const { return at + 1 + i; }

  // Each returns false / nullopt for JSON null and throws InputError for any other wrong type.
  bool object(od::value& value, What what, od::object& out);
  bool array(od::value& value, What what, od::array& out);
  std::optional<std::string_view> string(od::value& value, What what);
  std::optional<std::int64_t> integer(od::value& value, What what);
  std::optional<bool> boolean(od::value& value, What what);

  bool is_null(od::value& value);
  bool is_object(od::value& value);

  // Shorthands: the string copied (empty when null).
  std::string copy_string(od::value& value, What what);
  // The same, interned without a copy (absent: the empty Name).
  Name name(od::value& value, What what);

  // A value diagnostic (warning, with a catalogue id) at a byte offset.
  void warn(const char* check, std::size_t offset, std::string message);

  [[noreturn]] void fail(std::size_t offset, std::string message) const;
  static void check(simdjson::error_code code) {
    if (code != simdjson::SUCCESS) throw JsonFailure{code};
  }

  // Calls f(key, value) for each member of an object / f(value) for each element of an array.
  template <typename F>
  void for_each_field(od::object& object, F&& f) {
    for (auto member : object) {
      od::field field;
      check(std::move(member).get(field));
      f(key_of(field), field.value());
    }
  }
  // The same, until f(key, value) returns false.
  template <typename F>
  void for_each_field_while(od::object& object, F&& f) {
    for (auto member : object) {
      od::field field;
      check(std::move(member).get(field));
      if (!f(key_of(field), field.value())) return;
    }
  }
  template <typename F>
  void for_each_element(od::array& array, F&& f) {
    for (auto element : array) {
      od::value value;
      check(std::move(element).get(value));
      f(value);
    }
  }

 private:
  [[noreturn]] void type_error(od::value& value, const char* expected, What what);
  // A key without escapes is viewed in place; unescaped_key() would copy it into the parser's
  // string buffer first.
  static std::string_view key_of(od::field& field) {
    const char* const begin = field.key().raw();  // after the opening quote; the key is terminated
    const char* end = begin;
    while (*end != '"' && *end != '\\') ++end;
    if (*end == '"') return {begin, static_cast<std::size_t>(end - begin)};
    std::string_view key;
    check(field.unescaped_key().get(key));
    return key;
  }

  static constexpr std::size_t kReleaseStep = 8 << 20;

  std::string_view text_;
  std::function<void(std::size_t)> release_before_;
  std::size_t next_release_ = static_cast<std::size_t>(-1);  // never, unless on_progress()
  LineIndex lines_;
  std::uint32_t file_;
  std::string_view name_;
  Diagnostics& diagnostics_;
};

}  // namespace sgcheck::detail
