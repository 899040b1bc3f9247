// Whether rules admit a packet, asked of the model (admits.h): a rule's service and peer read from
// the Rule itself, an interface's side over its groups' rules, a point flow as its two sides.
// Entry points: prefix_list_answer(), rule_admits(), side_admits(), point_allows().
#include "semantics/admits.h"

#include <algorithm>

namespace sgcheck::detail {

Tri prefix_list_answer(const PrefixList* list, Family family, u128 bits) {
  if (list == nullptr || !list->entries_known) {
    return (list != nullptr && list->family && *list->family != family) ? Tri::deny : Tri::unknown;
  }
  const bool hit = std::any_of(list->entries.begin(), list->entries.end(), [&](const Cidr& e) {
    return e.contains(Address{family, bits});
  });
  return hit ? Tri::allow : Tri::deny;
}

namespace {

bool carries(const Interface& x, std::string_view group) {
  return std::find(x.groups.begin(), x.groups.end(), group) != x.groups.end();
}

// The group is defined, the inventory has interfaces, and every interface carrying the group has
// its addresses. Reads every interface: asked only of remotes outside the inventory.
bool members_complete(const Semantics& s, std::string_view group) {
  const Inventory& inv = s.inventory();
  if (s.find_group(group) == nullptr || inv.interfaces.empty()) return false;
  return std::none_of(inv.interfaces.begin(), inv.interfaces.end(), [&](const Interface& x) {
    return x.private_ips.empty() && carries(x, group);
  });
}

// The group of that id whose rules the engine compiles: the last of equal ids (compile_groups()
// gives the id's token each one's tables in turn).
const Group* compiled_group(const Semantics& s, std::string_view id) {
  const Group* g = s.find_group(id);
  if (g == nullptr) return nullptr;
  const Inventory& inv = s.inventory();
  const Group* end = inv.groups.data() + inv.groups.size();
  while (g + 1 != end && g[1].id == id) ++g;
  return g;
}

// The interface's first private address of the family (its address in a flow naming it by id).
bool primary_address(const Interface& x, Family family, u128& bits) {
  for (const Address& a : x.private_ips) {
    if (a.family == family) {
      bits = a.bits;
      return true;
    }
  }
  return false;
}

}  // namespace

Tri peer_admits(const Semantics& s, const Group& owner, const Rule& rule, Family family,
                const Remote& remote) {
  const Inventory& inv = s.inventory();
  switch (rule.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return rule.peer.cidr.contains(Address{family, remote.bits}) ? Tri::allow : Tri::deny;
    case PeerKind::prefix_list:
      return prefix_list_answer(s.find_prefix_list(rule.peer.id), family, remote.bits);
    case PeerKind::group:
      return reference_answer(
          s.can_match(owner, rule), remote,
          [&](std::uint32_t iface) { return carries(inv.interfaces[iface], rule.peer.id); },
          [&] { return members_complete(s, rule.peer.id); });
  }
  return Tri::deny;
}

Tri rule_admits(const Semantics& s, const Group& owner, const Rule& rule, const Packet& packet,
                const Remote& remote) {
  if (!rule.valid) return Tri::deny;  // the engine compiles valid rules only
  ServiceMatch service;
  const RuleServiceKind kind = service_of(rule, service);
  return rule_answer(kind, service, packet,
                     [&] { return peer_admits(s, owner, rule, packet.family, remote); });
}

Tri side_admits(const Semantics& s, std::uint32_t iface, Direction direction, const Packet& packet,
                const Remote& remote) {
  bool unknown = false;
  for (const Name& id : s.inventory().interfaces[iface].groups) {
    const Group* g = compiled_group(s, id);
    if (g == nullptr) {
      unknown = true;  // its rules are not in the inventory
      continue;
    }
    for (const Rule& rule : g->rules) {
      if (rule.direction != direction) continue;
      const Tri answer = rule_admits(s, *g, rule, packet, remote);
      if (answer == Tri::allow) return Tri::allow;
      if (answer == Tri::unknown) unknown = true;
    }
  }
  return unknown ? Tri::unknown : Tri::deny;
}

bool point_allows(const Semantics& s, std::uint32_t src, std::uint32_t dst, const Packet& packet) {
  const Inventory& inv = s.inventory();
  u128 src_bits = 0;
  u128 dst_bits = 0;
  if (!primary_address(inv.interfaces[src], packet.family, src_bits) ||
      !primary_address(inv.interfaces[dst], packet.family, dst_bits)) {
    return false;  // the engine cannot place the flow: unknown
  }
  const Remote to_destination{dst_bits, static_cast<std::int32_t>(dst), false};
  const Remote to_source{src_bits, static_cast<std::int32_t>(src), false};
  return side_admits(s, src, Direction::egress, packet, to_destination) == Tri::allow &&
         side_admits(s, dst, Direction::ingress, packet, to_source) == Tri::allow;
}

}  // namespace sgcheck::detail
