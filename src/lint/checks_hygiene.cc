// Placeholder until the hygiene checks land: no findings yet.
#include "lint/check.h"

namespace sgcheck::detail {

void run_hygiene_checks(const CheckContext&, std::vector<Finding>&) {}

}  // namespace sgcheck::detail
