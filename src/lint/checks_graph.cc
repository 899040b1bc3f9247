// Placeholder until the checks_graph part of the linter lands.
#include "lint/check.h"
