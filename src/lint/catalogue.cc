// Placeholder until the catalogue part of the linter lands.
#include "lint/check.h"
