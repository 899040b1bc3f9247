// Placeholder until the policy language lands: no built-in pack, no findings yet.
#include "policy/policy.h"

namespace sgcheck::detail {

std::vector<CheckInfo> builtin_policy_checks() { return {}; }

void run_policy_checks(const CheckContext&, std::vector<Finding>&, Diagnostics&) {}

}  // namespace sgcheck::detail
