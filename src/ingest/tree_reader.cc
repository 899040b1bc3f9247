// TreeReader: JsonReader's typed access over a TreeNode document (YAML output of the AWS CLI).
// Entry point: TreeReader.
#include "ingest/tree_reader.h"

#include <algorithm>
#include <charconv>

namespace sgcheck::detail {

TreeReader::TreeReader(JsonReader& base, std::string_view text) : base_(base) {
  line_starts_.push_back(0);
  for (std::size_t at = text.find('\n'); at != std::string_view::npos;
       at = text.find('\n', at + 1)) {
    line_starts_.push_back(at + 1);
  }
}

std::size_t TreeReader::offset(Value& value) const {
  if (value.line == 0 || value.line > line_starts_.size()) return 0;
  const std::size_t at = line_starts_[value.line - 1] + (value.column == 0 ? 0 : value.column - 1);
  return std::min(at, base_.text().size());
}

std::size_t TreeReader::string_char(std::size_t at, std::size_t i) const {
  const std::string_view text = base_.text();
  const bool quoted = at < text.size() && (text[at] == '"' || text[at] == '\'');
  return at + (quoted ? 1 : 0) + i;
}

void TreeReader::type_error(Value& value, const char* expected, What what) const {
  std::string message = std::string("expected ") + expected + " for ";
  if (what.element) message += "an element of ";
  message += '"';
  message += what.key;
  message += "\", found ";
  message += value.kind_name();
  if (value.is_scalar() && !value.is_null()) {
    message += " \"";
    message += value.text.substr(0, 40);
    message += '"';
  }
  fail(offset(value), std::move(message));
}

bool TreeReader::object(Value& value, What what, Object& out) {
  if (value.is_null()) return false;
  if (value.kind != TreeNode::Kind::mapping) type_error(value, "a mapping", what);
  out = &value;
  return true;
}

bool TreeReader::array(Value& value, What what, Array& out) {
  if (value.is_null()) return false;
  if (value.kind != TreeNode::Kind::sequence) type_error(value, "a list", what);
  out = &value;
  return true;
}

std::optional<std::string_view> TreeReader::string(Value& value, What what) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_scalar()) type_error(value, "a string", what);
  return std::string_view(value.text);
}

std::string TreeReader::copy_string(Value& value, What what) {
  const auto text = string(value, what);
  return text ? std::string(*text) : std::string();
}

Name TreeReader::name(Value& value, What what) {
  const auto text = string(value, what);
  return text ? Name(*text) : Name();
}

std::optional<std::int64_t> TreeReader::integer(Value& value, What what) {
  if (value.is_null()) return std::nullopt;
  std::int64_t out = 0;
  const std::string& text = value.text;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;  // YAML allows +22
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
  if (!value.is_scalar() || value.kind == TreeNode::Kind::boolean || ec != std::errc() ||
      end != text.data() + text.size() || begin == text.data() + text.size()) {
    type_error(value, "an integer", what);
  }
  return out;
}

std::optional<bool> TreeReader::boolean(Value& value, What what) {
  if (value.is_null()) return std::nullopt;
  const std::string& t = value.text;
  if (value.is_scalar()) {
    if (t == "true" || t == "True" || t == "TRUE") return true;
    if (t == "false" || t == "False" || t == "FALSE") return false;
  }
  type_error(value, "a boolean", what);
}

}  // namespace sgcheck::detail
