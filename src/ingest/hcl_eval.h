// Evaluating HCL expressions (hcl.h's trees) to values that are known or *unknown*: an unknown
// value names the expression it waits for (`var.office_cidr`, `data.aws_vpc.main.cidr_block`,
// `aws_security_group.web.id`, an unsupported function), so nothing is guessed and nothing is
// fatal. Literals, templates, heredocs, lists, objects, `for` expressions, conditionals, operators,
// splats and the functions security-group code uses (docs/terraform.md). The names an expression
// reads (var., local., module., resources, data.) are resolved by the caller's HclResolver.
// Entry points: HclValue, HclEvaluator::evaluate().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/hcl.h"

namespace sgcheck::detail {

struct HclPos {
  std::uint32_t file = 0;  // the module set's file number (TreeNode::file)
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct HclValue {
  enum class Kind : std::uint8_t { null, boolean, number, string, list, object, unknown, handle };
  Kind kind = Kind::null;
  bool boolean = false;
  // An evaluation error (a missing attribute, an index out of range): unknown, and try() moves on.
  bool error = false;
  double number = 0;
  // string: the text; unknown: the expression it waits for; handle: the resource or module address.
  std::string text;
  // unknown only: the address of the resource whose id this is ("aws_security_group.web"), which
  // names that resource in the inventory.
  std::string ref;
  std::vector<HclValue> items;                            // list (tuples and sets too)
  std::vector<std::pair<std::string, HclValue>> members;  // object (maps too), sorted by key
  std::shared_ptr<const void> handle;                     // a resource or module instance
  HclPos pos;
  // The values it holds, itself included (set by weigh()): what copying it costs, which the
  // evaluator's step budget pays for, so that lists of lists cannot grow without bound.
  std::uint64_t weight = 1;

  bool known() const { return kind != Kind::unknown; }
  static HclValue unknown(std::string expression, HclPos pos, std::string ref = {});
  static HclValue string_value(std::string text, HclPos pos);
  static HclValue number_value(double number, HclPos pos);
  static HclValue bool_value(bool value, HclPos pos);
  const HclValue* member(std::string_view key) const;
};

// Sets value.weight from its elements' weights; returns it.
std::uint64_t weigh(HclValue& value);

// "22", "1.5": how Terraform prints a number.
std::string number_text(double number);
// The value as a string where HCL converts it (numbers, bools); false for null, lists, objects.
bool to_text(const HclValue& value, std::string& out);

// What the module around an expression defines.
class HclResolver {
 public:
  virtual ~HclResolver() = default;
  // The value of a reference that starts with `name` (var, local, module, data, path, a resource
  // type…), reading the traversal steps it needs from term's children from `next` on (advancing
  // `next`). Names the evaluator binds itself (for-expression variables, count, each, dynamic
  // iterators) never come here.
  virtual HclValue reference(std::string_view name, const HclNode& term, std::size_t& next,
                             HclPos pos) = 0;
  // An attribute of a resource or module instance (a handle value).
  virtual HclValue attribute(const HclValue& handle, std::string_view name, HclPos pos) = 0;
};

class HclEvaluator {
 public:
  // `steps` (shared by every evaluator of one module tree) bounds the work: each element a for
  // expression, a list or a function makes takes one; when none are left, results are unknown.
  HclEvaluator(HclResolver& resolver, std::uint32_t file, std::uint64_t& steps)
      : resolver_(resolver), file_(file), steps_(steps) {}

  HclValue evaluate(const HclNode& expression);
  // Binds `name` (count, each, a for variable, a dynamic block's iterator) while `f` runs.
  void bind(std::string name, HclValue value) {
    names_.emplace_back(std::move(name), std::move(value));
  }
  void unbind() { names_.pop_back(); }
  std::uint32_t file() const { return file_; }
  HclPos pos(const HclNode& node) const { return {file_, node.line(), node.column()}; }

 private:
  HclValue term(const HclNode& node);
  HclValue postfix(HclValue value, const HclNode& term, std::size_t from);
  HclValue step(HclValue value, const HclNode& op, const HclNode& at);
  HclValue quoted(const HclNode& node, bool heredoc);
  HclValue heredoc(const HclNode& node);
  HclValue collection_for(const HclNode& node, bool object);
  HclValue object(const HclNode& node);
  HclValue operators(const HclNode& node, std::size_t begin, std::size_t end);
  HclValue unary(const HclNode& node);
  HclValue conditional(const HclNode& node);
  HclValue call(const HclNode& node);
  const HclValue* bound(std::string_view name) const;
  bool spend(std::size_t n);  // false when the step budget is exhausted

  HclResolver& resolver_;
  std::uint32_t file_;
  std::uint64_t& steps_;
  std::vector<std::pair<std::string, HclValue>> names_;
};

// The function named `name` applied to evaluated arguments (a call's `...` already expanded);
// an unknown value naming the call when the function is not supported or an argument is unknown.
HclValue call_function(std::string_view name, std::vector<HclValue>& args, HclPos pos,
                       std::string_view call_text);

// Deep equality of known values (numbers by value, objects by key).
bool values_equal(const HclValue& a, const HclValue& b);

}  // namespace sgcheck::detail
