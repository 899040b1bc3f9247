// Placeholder until the checks_validity part of the linter lands.
#include "lint/check.h"
