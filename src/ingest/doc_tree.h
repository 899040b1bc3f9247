// A small positioned document tree shared by the infrastructure-as-code readers: CloudFormation
// templates come as JSON or YAML and need random access (Ref, Fn::GetAtt), Terraform plans need
// their `configuration` next to their values. Entry points: json_tree() (simdjson on-demand),
// yaml_tree() (yaml-cpp, short-form tags turned into their long forms), TreeNode::find().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/json_reader.h"

namespace sgcheck::detail {

struct TreeNode {
  // User-provided (not `= default`): with clang and libstdc++ 12, an implicit default constructor
  // makes std::pair<std::string, TreeNode> check itself while still incomplete (a compile error).
  TreeNode() noexcept {}
  enum class Kind : std::uint8_t { null, boolean, number, string, sequence, mapping };
  Kind kind = Kind::null;
  // Which file of the document the node comes from, when a document spans several (a Terraform
  // module's `.tf` files: an Inventory::files index, see IacSink); 0 otherwise.
  std::uint32_t file = 0;
  // Scalars: the string (unescaped), the number as written, "true"/"false". YAML scalars are all
  // strings (CloudFormation converts them), except an empty or `null`/`~` plain scalar.
  std::string text;
  std::uint32_t line = 0;  // 1-based
  std::uint32_t column = 0;
  std::vector<TreeNode> items;                            // sequence
  std::vector<std::pair<std::string, TreeNode>> members;  // mapping, in input order

  const TreeNode* find(std::string_view key) const;  // a mapping's member, or nullptr
  bool is_scalar() const { return kind != Kind::sequence && kind != Kind::mapping; }
  bool is_null() const { return kind == Kind::null; }
  // "a string", "a number", "a list", "a mapping", "null", "a boolean": for messages.
  const char* kind_name() const;
};

// A problem that makes the document unusable, at a position (line 0: the whole file).
struct TreeError {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
  std::uint32_t file = 0;  // TreeNode::file of the node it is at
};

struct TreeLimits {
  std::uint32_t max_depth = 64;
  std::uint64_t max_nodes = 0;  // YAML aliases can multiply a small file: a bound on the copy
};

// The whole JSON document as a tree (the caller has checked the nesting depth). Throws
// JsonFailure when simdjson refuses it.
TreeNode json_tree(JsonReader& reader, od::document& document);

// A YAML document as a tree. `!Ref X` becomes {"Ref": X}, `!Condition X` {"Condition": X}, every
// other local tag `!Name v` {"Fn::Name": v}; the mapping keeps the tagged node's position.
// Throws TreeError for invalid YAML (yaml-cpp's message and mark, or where yaml-cpp's parser stops
// making progress), a stream that is not one document, nesting deeper than the limit, or more
// nodes than the limit.
TreeNode yaml_tree(std::string_view text, const TreeLimits& limits);

// Every document of a YAML stream ("---" between them) as a tree, positions counted from the start
// of the stream; the limits hold for the stream as a whole. Throws TreeError as yaml_tree() does,
// and for a stream without a document.
std::vector<TreeNode> yaml_documents(std::string_view text, const TreeLimits& limits);

// The text of 1-based line `line` of `text`, without its newline (empty when out of range).
std::string text_line(std::string_view text, std::uint32_t line);

}  // namespace sgcheck::detail
