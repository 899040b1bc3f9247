// Group labels (labels.h). Entry points: group_label(), append_group_label().
#include "semantics/labels.h"

namespace sgcheck::detail {

void append_group_label(std::string& out, std::string_view id, const Group* group) {
  out += id;
  if (group == nullptr || group->name.empty()) return;
  out += " (";
  out += group->name;
  out += ')';
}

std::string group_label(const Inventory& inventory, std::string_view id) {
  std::string out;
  append_group_label(out, id, inventory.find_group(id));
  return out;
}

}  // namespace sgcheck::detail
