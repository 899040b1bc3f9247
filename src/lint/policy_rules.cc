// The checks as the public API names them: the built-in policy pack's rules, the rules of policy
// files, every check id of a run, and which diagnostics the linter reports as findings.
// Entry points: builtin_policy_rules(), read_policy_rules(), known_check_ids(),
// reported_as_finding().
#include "lint/check.h"
#include "policy/policy.h"
#include "sgcheck/lint.h"

namespace sgcheck {

std::vector<CheckInfo> builtin_policy_rules() {
  return detail::builtin_policy_checks();
}

Diagnostics read_policy_rules(const std::vector<std::string>& paths,
                              std::vector<CheckInfo>& rules) {
  return detail::check_policy_files(paths, rules);
}

std::vector<std::string> known_check_ids(const std::vector<std::string>& policy_files) {
  std::vector<std::string> ids;
  for (const CheckInfo& info : check_catalogue()) ids.push_back(info.id);
  std::vector<CheckInfo> user;
  detail::check_policy_files(policy_files, user);
  for (const CheckInfo& info : user) ids.push_back(info.id);
  return ids;
}

bool reported_as_finding(const Diagnostic& diagnostic) {
  return !diagnostic.check.empty() && detail::find_builtin_check(diagnostic.check) != nullptr;
}

}  // namespace sgcheck
