// Rendering an inventory for people and programs: `sgcheck dump` in text and JSON (product.md §4).
// Output is deterministic: it depends on the inputs' content, not on their order.
#pragma once

#include <string>

#include "sgcheck/inventory.h"

namespace sgcheck {

// One line per group, atomic rule, interface, prefix list, VPC and peering, canonical values.
std::string dump_text(const Inventory& inventory);
// The normalised inventory as JSON, exactly the shape of product.md §4 (`dump --format json`).
std::string dump_json(const Inventory& inventory);
// Counts, bytes read and time per stage (`dump --stats`).
std::string dump_stats(const Inventory& inventory, const LoadStats& stats);

}  // namespace sgcheck
