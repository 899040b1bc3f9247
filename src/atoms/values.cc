// STUB — being replaced by the atoms work (canonical text, CIDR helpers).
#include "sgcheck/values.h"
namespace sgcheck {}
