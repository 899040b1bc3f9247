// STUB — being replaced by the atoms work (X3 grammars).
#include "sgcheck/values.h"
namespace sgcheck {}
