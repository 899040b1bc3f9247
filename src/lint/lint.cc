// Placeholder until the lint part of the linter lands.
#include "lint/check.h"
