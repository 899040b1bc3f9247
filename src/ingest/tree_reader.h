// Typed access to a TreeNode document with the members of JsonReader (Value, object(), string(),
// integer(), for_each_field(), …), so that the AWS CLI readers of aws_cli.cc read `--output yaml`
// through the same code as JSON. Positions are byte offsets into the YAML text, as in JSON, so
// warnings and errors come out the same way. Entry point: TreeReader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/doc_tree.h"
#include "ingest/json_reader.h"

namespace sgcheck::detail {

class TreeReader {
 public:
  using Value = const TreeNode;
  using Object = const TreeNode*;  // a mapping
  using Array = const TreeNode*;   // a sequence

  // `base` reads nothing itself: it turns offsets into positions and holds the diagnostics.
  TreeReader(JsonReader& base, std::string_view text);

  std::string_view text() const { return base_.text(); }
  std::string_view name() const { return base_.name(); }

  std::size_t offset(Value& value) const;  // from the node's line and column
  SourcePos pos(std::size_t offset) { return base_.pos(offset); }
  // Past the opening quote of a quoted scalar; a plain scalar starts with its first character.
  std::size_t string_char(std::size_t at, std::size_t i) const;

  // As JsonReader's: null is "absent", a list or mapping where a scalar belongs (or the reverse)
  // throws InputError. Scalars are text in YAML, so an integer or a boolean is read from it.
  bool object(Value& value, What what, Object& out);
  bool array(Value& value, What what, Array& out);
  std::optional<std::string_view> string(Value& value, What what);
  std::optional<std::int64_t> integer(Value& value, What what);
  std::optional<bool> boolean(Value& value, What what);
  bool is_null(Value& value) const { return value.is_null(); }
  bool is_object(Value& value) const { return value.kind == TreeNode::Kind::mapping; }
  std::string copy_string(Value& value, What what);
  // The same, interned (absent: the empty Name).
  Name name(Value& value, What what);

  void warn(const char* check, std::size_t offset, std::string message) {
    base_.warn(check, offset, std::move(message));
  }
  [[noreturn]] void fail(std::size_t offset, std::string message) const {
    base_.fail(offset, std::move(message));
  }

  template <typename F>
  void for_each_field(Object& object, F&& f) {
    for (const auto& [key, value] : object->members) f(std::string_view(key), value);
  }
  template <typename F>
  void for_each_field_while(Object& object, F&& f) {
    for (const auto& [key, value] : object->members)
      if (!f(std::string_view(key), value)) return;
  }
  template <typename F>
  void for_each_element(Array& array, F&& f) {
    for (const TreeNode& item : array->items) f(item);
  }

 private:
  [[noreturn]] void type_error(Value& value, const char* expected, What what) const;

  JsonReader& base_;
  std::vector<std::size_t> line_starts_;  // the offset of each line's first byte
};

}  // namespace sgcheck::detail
