// HCL native syntax (Terraform's `.tf` and `.tfvars`) parsed into a tree of HclNode, each node
// with its kind, its text and its line:col, through the PEGTL grammar of hcl_grammar.h. A syntax
// error is one Diagnostic at its line:col with the source line (a caret under the column). Entry
// points: parse_hcl(), parse_heredoc().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// The nodes the evaluator reads (every other grammar rule is folded into its parent).
enum class HclKind : std::uint8_t {
  other,
  body,
  attribute,
  attr_key,
  block,
  block_type,
  block_label,
  number,
  true_literal,
  false_literal,
  null_literal,
  quoted_template,
  template_literal,
  interpolation,
  directive,
  heredoc,
  tuple,
  object,
  object_item,
  bare_key,
  for_tuple,
  for_object,
  for_intro,
  for_key,
  for_value,
  for_cond,
  for_group,
  function_call,
  function_name,
  ellipsis,
  variable,
  term,
  get_attr,
  attr_name,
  attr_splat,
  full_splat,
  index,
  unary_op,
  negate,
  logical_not,
  op,           // a binary operator
  question,     // the `?` of a conditional
  conditional,  // an expression with operators: operands and operators, then `?` and the branches
};

struct HclNode : tao::pegtl::parse_tree::basic_node<HclNode> {
  HclKind kind = HclKind::other;

  // Nodes come from a pool of same-sized blocks: the parse tree makes (and, on backtracking,
  // drops) millions of them on a large tree of files, and malloc/free took half of the parse.
  // Blocks freed go back to the pool, which keeps its memory until the process ends.
  static void* operator new(std::size_t size);
  static void operator delete(void* block, std::size_t size) noexcept;

  template <typename Rule, typename Input, typename... States>
  void start(const Input& in, States&&... st) {
    basic_node<HclNode>::start<Rule>(in, st...);
    kind = kind_of<Rule>();
  }
  template <typename Rule>
  static HclKind kind_of();

  std::uint32_t line() const { return static_cast<std::uint32_t>(m_begin.line); }
  std::uint32_t column() const { return static_cast<std::uint32_t>(m_begin.column); }
  std::string_view text() const { return has_content() ? string_view() : std::string_view(); }
  const HclNode& child(std::size_t i) const { return *children[i]; }
};

// One parsed file; `text` must outlive `root` (nodes point into it).
struct HclTree {
  std::unique_ptr<HclNode> root;  // kind body's parent (the root node), children: the body
};

// Parses `text` (a whole file named `name`). A syntax error is an error diagnostic at its place
// (with the source line); the items before the broken one are kept, and reading goes on at the
// next line that starts an item (a letter at its first column), so one typo leaves out one block.
// Nesting too deep for the parser's stack is a syntax error. `root` is null when nothing parsed.
HclTree parse_hcl(std::string_view text, const std::string& name, Diagnostics& errors);

// The lines of a heredoc (`<<EOF` … `EOF`, `<<-EOF`) as a template: a root whose children are
// template_literal, interpolation and directive nodes, positioned in the file. nullptr when its
// interpolations do not parse. `indented` is set for `<<-` (the caller strips the common leading
// spaces of the result, as Terraform does).
std::unique_ptr<HclNode> parse_heredoc(const HclNode& heredoc, bool& indented);

}  // namespace sgcheck::detail
