// STUB — being replaced by the ingest work.
#include "sgcheck/inventory.h"
namespace sgcheck {
LoadResult load_inventory(const std::vector<std::string>&, const LoadLimits&) { return {}; }
LoadResult load_inventory_from_buffers(const std::vector<NamedBuffer>&, const LoadLimits&) { return {}; }
}  // namespace sgcheck
