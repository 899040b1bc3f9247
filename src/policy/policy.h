// The policy language seen from the linter: the built-in pack (rules/, compiled into the binary)
// and user policy files run as checks and yield Findings like any other check. Entry points:
// builtin_policy_checks() for the catalogue, run_policy_checks() for lint.
#pragma once

#include <string>
#include <vector>

#include "check/context.h"

namespace sgcheck::detail {

// The rules of the built-in pack (SG101–SG107): id, title, severity, refs.
std::vector<CheckInfo> builtin_policy_checks();

// Evaluates the built-in pack and every file of context.options.policy_files on the inventory.
// Policy files that do not parse add their errors (file:line:col) to `errors`.
void run_policy_checks(const CheckContext& context, std::vector<Finding>& out, Diagnostics& errors);

// `sgcheck rules check FILE...`: parses each policy file and checks its rule ids against the other
// files and the built-in pack. Returns the errors (empty: every file is valid); `rules` receives
// the metadata of every rule of the valid files, in order.
Diagnostics check_policy_files(const std::vector<std::string>& paths,
                               std::vector<CheckInfo>& rules);

}  // namespace sgcheck::detail
