// The model's lookups and the normalisation every consumer shares (ports as AWS reads them).
// Entry points: Inventory::find_*(), normalised_ports().
#include <algorithm>
#include <memory>

#include "sgcheck/inventory.h"

namespace sgcheck {

const GroupReference& Peer::reference_or_empty() const {
  static const GroupReference none;
  return reference ? *reference : none;
}

GroupReference& Peer::edit_reference() {
  auto copy = std::make_shared<GroupReference>(reference_or_empty());
  GroupReference& editable = *copy;
  reference = std::move(copy);
  return editable;
}

const UnresolvedService& Rule::unresolved() const {
  static const UnresolvedService none;
  return open_values ? *open_values : none;
}

UnresolvedService& Rule::edit_unresolved() {
  auto copy = std::make_shared<UnresolvedService>(unresolved());
  UnresolvedService& editable = *copy;
  open_values = std::move(copy);
  return editable;
}

const char* direction_name(Direction direction) {
  return direction == Direction::ingress ? "ingress" : "egress";
}

const char* peer_kind_name(PeerKind kind) {
  switch (kind) {
    case PeerKind::cidr4:
      return "cidr4";
    case PeerKind::cidr6:
      return "cidr6";
    case PeerKind::prefix_list:
      return "prefix-list";
    case PeerKind::group:
      return "group";
  }
  return "cidr4";
}

std::optional<std::pair<int, int>> normalised_ports(const Rule& rule) {
  if (!protocol_has_ports(rule.protocol)) return std::nullopt;
  if (rule.protocol == kIcmp || rule.protocol == kIcmpv6) {
    // An absent type or code means all (-1), as for icmpv6 with no ports.
    return std::pair<int, int>{rule.from_port.value_or(-1), rule.to_port.value_or(-1)};
  }
  return std::pair<int, int>{rule.from_port.value_or(0), rule.to_port.value_or(65535)};
}

bool service_unresolved(const Rule& rule) {
  const UnresolvedService& open = rule.unresolved();
  if (!open.protocol.empty()) return true;
  if (!protocol_has_ports(rule.protocol)) return false;
  return !open.from_port.empty() || !open.to_port.empty();
}

std::string unresolved_service_text(const Rule& rule) {
  if (!service_unresolved(rule)) return {};
  std::string out;
  const auto add = [&out](const char* field, const std::string& expression) {
    if (expression.empty()) return;
    if (!out.empty()) out += ", ";
    out += field;
    out += " unresolved(";
    out += expression;
    out += ')';
  };
  const UnresolvedService& open = rule.unresolved();
  add("protocol", open.protocol);
  add("from port", open.from_port);
  add("to port", open.to_port);
  return out;
}

std::string rule_condition_text(const Rule& rule) {
  if (!rule_conditional(rule)) return {};
  return "only when condition " + rule.unresolved().condition +
         " holds, which the inputs do not decide";
}

std::string unresolved_service_notation(const Rule& rule) {
  const UnresolvedService& values = rule.unresolved();
  const auto open = [](const std::string& e) { return "unresolved(" + e + ")"; };
  const bool icmp = rule.protocol == kIcmp || rule.protocol == kIcmpv6;
  const auto field = [&](const std::string& e, const std::optional<std::int32_t>& v, int absent) {
    return e.empty() ? std::to_string(v.value_or(absent)) : open(e);
  };
  if (!values.protocol.empty()) {
    std::string out = open(values.protocol);
    const bool has_from = rule.from_port || !values.from_port.empty();
    const bool has_to = rule.to_port || !values.to_port.empty();
    if (!has_from && !has_to) return out;
    const std::string from = field(values.from_port, rule.from_port, 0);
    const std::string to = field(values.to_port, rule.to_port, 65535);
    return out + "/" + from + (from == to ? "" : "-" + to);
  }
  return protocol_name(rule.protocol) + "/" +
         field(values.from_port, rule.from_port, icmp ? -1 : 0) + (icmp ? ":" : "-") +
         field(values.to_port, rule.to_port, icmp ? -1 : 65535);
}

std::string service_notation(const Rule& rule) {
  if (service_unresolved(rule)) return unresolved_service_notation(rule);
  if (rule.protocol == kAllProtocols) return "all";
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (!ports) return "proto/" + std::to_string(rule.protocol);
  const auto [from, to] = *ports;
  std::string out = protocol_name(rule.protocol);
  if (rule.protocol == kIcmp || rule.protocol == kIcmpv6) {
    if (from == -1) return out;
    out += '/' + std::to_string(from);
    if (to != -1) out += ':' + std::to_string(to);
    return out;
  }
  out += '/' + std::to_string(from);
  if (to != from) out += '-' + std::to_string(to);
  return out;
}

// The vectors are sorted by id (load_inventory guarantees it), so lookups are binary searches.
template <typename T>
static const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::lower_bound(items.begin(), items.end(), id,
                             [](const T& item, std::string_view key) { return item.id < key; });
  return (it != items.end() && it->id == id) ? &*it : nullptr;
}

const Group* Inventory::find_group(std::string_view id) const {
  return find_by_id(groups, id);
}
const Interface* Inventory::find_interface(std::string_view id) const {
  return find_by_id(interfaces, id);
}
const PrefixList* Inventory::find_prefix_list(std::string_view id) const {
  return find_by_id(prefix_lists, id);
}
const Vpc* Inventory::find_vpc(std::string_view id) const {
  return find_by_id(vpcs, id);
}

Location Inventory::location(const SourcePos& pos) const {
  Location loc;
  if (pos.file < files.size()) loc.file = files[pos.file];
  loc.line = pos.line;
  loc.column = pos.column;
  return loc;
}

std::size_t Inventory::rule_count() const {
  std::size_t n = 0;
  for (const Group& g : groups) n += g.rules.size();
  return n;
}

bool names_template_group(const Inventory& inventory, const Group& group, std::string_view name) {
  if (group.template_name.empty()) return false;
  if (name == group.template_name) return true;
  const std::size_t hash = name.rfind('#');
  if (hash == std::string_view::npos || name.substr(hash + 1) != group.template_name) return false;
  const std::uint32_t file = group.location.file;
  return file < inventory.files.size() && name.substr(0, hash) == inventory.files[file];
}

}  // namespace sgcheck
