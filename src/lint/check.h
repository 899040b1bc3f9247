// The private seam between the lint driver (lint.cc) and its families of built-in checks: each
// family appends Findings for an inventory, made with make_finding() (check/catalogue.h).
// Entry points: run_validity_checks (SG401–SG407), run_hygiene_checks (SG201–SG208),
// run_graph_checks (SG301–SG306); the policy language adds SG1xx and user rules (src/policy/).
#pragma once

#include <vector>

#include "check/catalogue.h"
#include "check/context.h"

namespace sgcheck::detail {

void run_validity_checks(const CheckContext& context, std::vector<Finding>& out);  // SG401–SG407
void run_hygiene_checks(const CheckContext& context, std::vector<Finding>& out);   // SG201–SG208
void run_graph_checks(const CheckContext& context, std::vector<Finding>& out);     // SG301–SG306

}  // namespace sgcheck::detail
