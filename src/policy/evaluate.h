// Compiled policies and their evaluation on an inventory (product.md §6). compile_rules() turns
// each clause's SERVICES into point sets once; evaluate_rules() computes, per target group (and per
// interface over the union of its groups), the allowed sources A(s) for each class of service
// points alike under the target's rules, judges each clause on them with bounds (so that what the
// inventory lacks gives unknown, never a silent pass), and yields Findings with a witness.
// Entry points: compile_rules(), evaluate_rules().
#pragma once

#include <memory>
#include <vector>

#include "policy/ast.h"
#include "policy/sets.h"
#include "semantics/semantics.h"
#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck::policy {

struct CompiledClause {
  const Clause* clause = nullptr;
  ServiceSet services;  // include minus exclude, as points
  // The protocols whose keys in `services` are not empty, ascending: what each target walks,
  // rather than all 256 protocols of `services`.
  std::vector<int> protocols;
};

struct CompiledRule {
  const PolicyRule* rule = nullptr;
  std::vector<CompiledClause> clauses;
  std::shared_ptr<const CheckInfo> check;  // rule->info, shared by the rule's findings
};

// The rules of a parsed file, compiled; the file must outlive the result.
std::vector<CompiledRule> compile_rules(const PolicyFile& file);

// Evaluates compiled rules on the inventory of `semantics`: findings to `out`; `on group NAME`
// targets that name no group of the inventory (and hold no wildcard) to `errors`. `jobs` threads
// share the targets; the findings and their order are the same for any `jobs`.
void evaluate_rules(const std::vector<CompiledRule>& rules, const detail::Semantics& semantics,
                    std::vector<Finding>& out, Diagnostics& errors, unsigned jobs = 1);
// The same, building the inventory's semantics.
void evaluate_rules(const std::vector<CompiledRule>& rules, const Inventory& inventory,
                    std::vector<Finding>& out, Diagnostics& errors, unsigned jobs = 1);

}  // namespace sgcheck::policy
