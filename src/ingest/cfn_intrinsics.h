// What a CloudFormation template's values are before deployment (docs/iac.md): Parameters with
// their Defaults, Mappings, Conditions evaluated to true, false or undecided, and the intrinsic
// functions folded where their arguments are literal (Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
// Fn::Select, Fn::Split, Fn::FindInMap, Fn::Cidr, Fn::If, AWS::NoValue). Used by the reader in
// cloudformation.cc. Entry point: CfnTemplate (resolve(), truth(), alternatives()).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/doc_tree.h"
#include "ingest/iac_rules.h"

namespace sgcheck::detail {

// A problem with one resource or rule entry of a template: it is reported (SG408) and the reader
// goes on with the rest of the file.
struct CfnProblem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
};
[[noreturn]] void reject(const TreeNode& at, std::string message);

// A template value after folding: known text, a group of this template, absent (AWS::NoValue), or a
// value the deployment decides.
struct CfnValue {
  bool known = true;
  bool absent = false;     // AWS::NoValue: the property is left out
  std::string text;        // known: the scalar
  std::string group;       // known: a reference to this template group (its logical id)
  std::string expression;  // !known: what decides it, e.g. "Ref DbSourceSG"
  std::string reason;      // !known: why it is open, for the note
  std::string parameter;   // known through this parameter's Default
};

CfnValue unknown_value(std::string expression, std::string reason = {});

// A list value (Fn::Split, Fn::Cidr, a CommaDelimitedList Default, a literal list): its items when
// every one is known.
struct CfnList {
  bool known = true;
  std::vector<std::string> items;
  std::string expression;  // !known: what decides it
  std::string parameter;   // known through this parameter's Default
};

enum class Truth { no, yes, undecided };

// One way a node may turn out once Fn::If is decided: the node chosen and the undecided conditions
// it needs ("IsProd and not UseV6"; empty: always), with where the innermost of them is applied.
struct Alternative {
  const TreeNode* node = nullptr;
  std::string condition;
  const TreeNode* condition_at = nullptr;
};

// "A and B", either side possibly empty.
std::string both_conditions(const std::string& a, const std::string& b);

// Whether the conditions `conditions` ("A and not B") already settle `name`: true when they
// include it, false when they include "not NAME", nullopt otherwise.
std::optional<bool> assumed(const std::string& conditions, const std::string& name);

// True for {"Ref": "AWS::NoValue"}.
bool is_no_value(const TreeNode& node);

// {"Fn::If": [name, then, else]} split into its parts; nullopt when the node is not an Fn::If, a
// CfnProblem when its argument has another shape.
struct IfParts {
  std::string condition;
  const TreeNode* then_node = nullptr;
  const TreeNode* else_node = nullptr;
};
std::optional<IfParts> if_parts(const TreeNode& node);

class CfnTemplate {
 public:
  // Reads Parameters, Mappings and Conditions of `root` (each must be a mapping when present).
  CfnTemplate(const TreeNode& root, IacSink& sink);

  void declare_resource(const std::string& id, const std::string& type) { types_[id] = type; }
  const std::string* resource_type(std::string_view id) const;

  // The value of `node` for the property `field` (for messages). Wrong shapes are a CfnProblem.
  CfnValue resolve(const TreeNode& node, std::string_view field);
  CfnList resolve_list(const TreeNode& node, std::string_view field);

  // A condition of the Conditions section, evaluated once (an undeclared name is undecided, after
  // an SG403 warning at `at`).
  Truth truth(const std::string& name, const TreeNode& at);

  // The alternatives of `node` under the conditions `condition` (applied at `condition_at`): one
  // for a plain node, the chosen branch of a decided Fn::If, both branches of an undecided one,
  // none for AWS::NoValue.
  void alternatives(const TreeNode& node, const std::string& condition,
                    const TreeNode* condition_at, std::vector<Alternative>& out, int depth = 0);

 private:
  CfnValue intrinsic(const std::string& fn, const TreeNode& arg, const TreeNode& at);
  CfnValue ref(const TreeNode& arg, const TreeNode& at);
  CfnValue get_att(const TreeNode& arg);
  CfnValue sub(const TreeNode& arg);
  CfnValue join(const TreeNode& arg);
  CfnValue select(const TreeNode& arg);
  CfnValue find_in_map(const TreeNode& arg);
  const TreeNode* map_entry(const TreeNode& arg, std::string& expression);
  CfnList split(const TreeNode& arg);
  CfnList cidr(const TreeNode& arg);
  const TreeNode* parameter_default(std::string_view name) const;
  Truth evaluate(const TreeNode& condition, std::string& parameter, int depth);
  std::string scalar_arg(const TreeNode& arg, std::string_view fn) const;

  IacSink& sink_;
  std::map<std::string, const TreeNode*, std::less<>> parameters_;
  std::map<std::string, const TreeNode*, std::less<>> conditions_;
  std::map<std::string, Truth, std::less<>> truths_;  // evaluated conditions
  std::map<std::string, bool, std::less<>> evaluating_;  // to stop at a cycle
  std::map<std::string, std::string, std::less<>> types_;  // logical id -> resource type
  const TreeNode* mappings_ = nullptr;
};

}  // namespace sgcheck::detail
