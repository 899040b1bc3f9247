// STUB
#include "sgcheck/report.h"
namespace sgcheck {
std::string dump_text(const Inventory&) { return {}; }
std::string dump_json(const Inventory&) { return {}; }
std::string dump_stats(const Inventory&, const LoadStats&) { return {}; }
}  // namespace sgcheck
