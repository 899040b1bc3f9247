// Placeholder until the validity checks land: no findings yet.
#include "lint/check.h"

namespace sgcheck::detail {

void run_validity_checks(const CheckContext&, std::vector<Finding>&) {}

}  // namespace sgcheck::detail
