// Placeholder until the graph checks land: no findings yet.
#include "lint/check.h"

namespace sgcheck::detail {

void run_graph_checks(const CheckContext&, std::vector<Finding>&) {}

}  // namespace sgcheck::detail
