// Placeholder until the checks_hygiene part of the linter lands.
#include "lint/check.h"
