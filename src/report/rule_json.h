// The JSON of a rule as query answers and exposures list it, shared by their writers
// (query_report.cc, exposure_report.cc). Entry point: append_rule_json().
#pragma once

#include <string>

#include "sgcheck/engine.h"

namespace sgcheck {

// {"group":"sg-…","rule":"sgr-…" or null,"location":"file:line:col"}. `location` is a buffer
// reused from one rule to the next.
void append_rule_json(std::string& out, const Inventory& inventory, RuleRef ref,
                      std::string& location);

}  // namespace sgcheck
