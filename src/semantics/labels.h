// How messages name a group, in the engine's reasons, exposure and lint's findings alike:
// "sg-0aa (app)", or the id alone when the group is unnamed or not in the inventory.
// Entry points: group_label(), append_group_label().
#pragma once

#include <string>
#include <string_view>

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

std::string group_label(const Inventory& inventory, std::string_view id);
// group_label() appended to `out`, of a group found already (or nullptr), without a temporary.
void append_group_label(std::string& out, std::string_view id, const Group* group);

}  // namespace sgcheck::detail
