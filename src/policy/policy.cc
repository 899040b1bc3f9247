// Placeholder until the policy language lands.
#include "policy/policy.h"
