// The catalogue of the built-in checks (SG2xx hygiene, SG3xx references, SG4xx validity) and how a
// check makes a finding with its metadata, so that a check only says what it found and where.
// Entry points: builtin_check_list(), find_builtin_check(), make_finding().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/lint.h"

namespace sgcheck::detail {

// Every built-in check (SG2xx–SG4xx), in id order.
std::vector<CheckInfo> builtin_check_list();

// The metadata of a built-in check (SG2xx–SG4xx); nullptr for an unknown id.
const CheckInfo* find_builtin_check(std::string_view id);

// A finding of check `id` (which must be in the catalogue) at `location`, with the catalogue's
// title, severity and refs. The caller adds group, rule, witness, related and fingerprint.
// `fingerprint` is optional: a check may put there a key of its own for what the finding is about
// (never a file, line or column); run_lint() hashes it with the id and group/interface. Without
// one, run_lint() uses the rule at the finding's location, the witness, else the message.
Finding make_finding(std::string_view id, std::string message, Location location);

}  // namespace sgcheck::detail
