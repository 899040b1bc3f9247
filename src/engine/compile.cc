// Compiling an inventory for the engine: group ids interned to tokens, each group's valid rules
// turned into per-direction tables (CIDR and known prefix-list rules merged into one address set
// per service, references with their target token, unresolvable prefix lists), and the address and
// instance indexes. Entry point: compile_inventory().
#include <algorithm>
#include <map>
#include <tuple>

#include "engine/compiled.h"

namespace sgcheck::detail {
namespace {

// "active" in any case, without allocating (it runs once per reference rule).
bool is_active(std::string_view status) {
  constexpr std::string_view kActive = "active";
  if (status.size() != kActive.size()) return false;
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(status[i])) != kActive[i]) return false;
  }
  return true;
}

// ICMP rules match only their own family's packets (icmp + an IPv6 range matches nothing).
std::uint8_t protocol_families(int protocol) {
  if (protocol == kIcmp) return kFamily4;
  if (protocol == kIcmpv6) return kFamily6;
  return kFamily4 | kFamily6;
}

GroupToken intern(CompiledInventory& c, std::string_view id) {
  auto [it, inserted] = c.token_of.try_emplace(id, static_cast<GroupToken>(c.groups.size()));
  if (inserted) {
    c.groups.emplace_back();
    c.groups.back().id = id;
  }
  return it->second;
}

// True when the two VPCs may reference each other's groups: the same VPC, or an active peering.
bool vpcs_linked(const CompiledInventory& c, std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a == b) return true;
  return std::binary_search(c.linked_vpcs.begin(), c.linked_vpcs.end(), std::pair{a, b});
}

void link_vpcs(CompiledInventory& c) {
  for (const Peering& p : c.inventory->peerings) {
    if (!is_active(p.status)) continue;
    c.linked_vpcs.emplace_back(p.requester_vpc, p.accepter_vpc);
    c.linked_vpcs.emplace_back(p.accepter_vpc, p.requester_vpc);
  }
  std::sort(c.linked_vpcs.begin(), c.linked_vpcs.end());
}

using CidrKey = std::tuple<int, int, int, int>;  // protocol, lo, hi, families
using CidrParts = std::map<CidrKey, std::vector<Ipv6Set::Interval>>;

void add_cidr(CidrParts (&parts)[2], const ServiceMatch& s, const Cidr& cidr) {
  if ((s.families & family_bit(cidr.family)) == 0) return;  // e.g. icmp with an IPv6 range
  CidrKey key{s.protocol, s.lo, s.hi, s.families & family_bit(cidr.family)};
  parts[family_index(cidr.family)][key].push_back({cidr.first(), cidr.last()});
}

// One unknown entry per family of the peer's addresses.
void add_unknown_addresses(SideTable& table, const ServiceMatch& s,
                           const std::vector<Cidr>& cidrs) {
  for (const Family f : {Family::ipv4, Family::ipv6}) {
    UnknownEntry e{s, UnknownEntry::PeerMatch::addresses, {}, 0};
    e.service.families &= family_bit(f);
    std::vector<Ipv6Set::Interval> intervals;
    for (const Cidr& cidr : cidrs) {
      if (cidr.family == f) intervals.push_back({cidr.first(), cidr.last()});
    }
    if (e.service.families == 0 || intervals.empty()) continue;
    e.addresses = Ipv6Set::from_unsorted(std::move(intervals));
    table.unknowns.push_back(std::move(e));
  }
}

// One atomic rule into its side's tables. A rule whose service is open until deployment
// (Rule::unresolved) goes in as an unknown entry with its own peer, over every service it might
// allow: a flow it might match is unknown, never denied on its account.
void compile_rule(CompiledInventory& c, const Group& group, const Rule& rule, SideTable& table,
                  CidrParts (&parts)[2], RuleInfo& info) {
  if (!rule.valid) return;
  const bool open = service_unresolved(rule);
  ServiceMatch s;
  if (!(open ? possible_service(rule, s) : rule_service(rule, s))) return;
  info.service = s;
  (open ? info.service_unresolved : info.has_service) = true;
  auto add_addresses = [&](const std::vector<Cidr>& cidrs) {
    if (open) {
      add_unknown_addresses(table, s, cidrs);
    } else {
      for (const Cidr& cidr : cidrs) add_cidr(parts, s, cidr);
    }
  };
  switch (rule.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      add_addresses({rule.peer.cidr});
      return;
    case PeerKind::prefix_list: {
      const PrefixList* pl = c.inventory->find_prefix_list(rule.peer.id);
      if (pl != nullptr && pl->entries_known) {
        add_addresses(pl->entries);
        return;
      }
      UnknownEntry e{s, UnknownEntry::PeerMatch::any, {}, 0};
      if (pl != nullptr && pl->family) e.service.families &= family_bit(*pl->family);
      if (e.service.families != 0) table.unknowns.push_back(std::move(e));
      return;
    }
    case PeerKind::group: {
      if (!reference_usable(c, group, rule)) {
        info.reference = kUnusableReference;
        return;
      }
      const GroupToken target = intern(c, rule.peer.id);
      info.reference = static_cast<std::int32_t>(target);
      if (open) {
        table.unknowns.push_back({s, UnknownEntry::PeerMatch::group, {}, target});
      } else {
        table.refs.push_back({s, target});
      }
      return;
    }
  }
}

void finish_cidrs(SideTable& table, CidrParts (&parts)[2]) {
  for (int f = 0; f < 2; ++f) {
    for (auto& [key, intervals] : parts[f]) {
      ServiceMatch s;
      s.protocol = static_cast<std::int16_t>(std::get<0>(key));
      s.lo = static_cast<std::uint16_t>(std::get<1>(key));
      s.hi = static_cast<std::uint16_t>(std::get<2>(key));
      s.families = static_cast<std::uint8_t>(std::get<3>(key));
      table.cidr[f].push_back({s, Ipv6Set::from_unsorted(std::move(intervals))});
    }
  }
}

void compile_groups(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  c.rule_base.reserve(inv.groups.size());
  for (const Group& group : inv.groups) {
    c.rule_base.push_back(static_cast<std::uint32_t>(c.rules.size()));
    c.rules.resize(c.rules.size() + group.rules.size());
  }
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    const Group& group = inv.groups[gi];
    const GroupToken token = intern(c, group.id);
    c.groups[token].index = static_cast<std::int32_t>(gi);
    for (Direction d : {Direction::ingress, Direction::egress}) {
      SideTable table;  // built aside: interning may grow c.groups
      CidrParts parts[2];
      for (std::size_t ri = 0; ri < group.rules.size(); ++ri) {
        const Rule& rule = group.rules[ri];
        if (rule.direction == d) {
          compile_rule(c, group, rule, table, parts, c.rules[c.rule_base[gi] + ri]);
        }
      }
      finish_cidrs(table, parts);
      c.groups[token].tables[static_cast<int>(d)] = std::move(table);
    }
  }
}

void index_interfaces(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  c.interfaces.resize(inv.interfaces.size());
  std::size_t slots = 16;
  while (slots < 2 * inv.interfaces.size()) slots *= 2;
  c.interface_slots.assign(slots, CompiledInventory::IdSlot{});
  std::vector<bool> incomplete(c.groups.size(), false);
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    InterfaceInfo& info = c.interfaces[i];
    for (const std::string& g : x.groups) {
      const GroupToken t = intern(c, g);
      info.groups.push_back(t);
      info.group_indices.push_back(c.groups[t].index);
      if (c.groups[t].index < 0) info.undefined_group = true;
      if (x.private_ips.empty()) {
        if (incomplete.size() <= t) incomplete.resize(t + 1, false);
        incomplete[t] = true;
      }
    }
    std::sort(info.groups.begin(), info.groups.end());
    info.groups.erase(std::unique(info.groups.begin(), info.groups.end()), info.groups.end());
    const auto idx = static_cast<std::uint32_t>(i);
    for (const Address& a : x.private_ips) c.addresses.push_back({a.family, a.bits, idx, false});
    for (const Address& a : x.public_ips) c.addresses.push_back({a.family, a.bits, idx, true});
    if (!x.instance_id.empty()) c.instances.emplace_back(x.instance_id, idx);
    c.index_interface(x.id, idx);
  }
  incomplete.resize(c.groups.size(), false);
  for (GroupToken t = 0; t < c.groups.size(); ++t) {
    c.groups[t].members_complete =
        c.groups[t].index >= 0 && !inv.interfaces.empty() && !incomplete[t];
  }
  std::sort(c.addresses.begin(), c.addresses.end(),
            [](const AddressEntry& a, const AddressEntry& b) {
              return std::tie(a.family, a.bits, a.is_public, a.iface) <
                     std::tie(b.family, b.bits, b.is_public, b.iface);
            });
  c.address_index.reserve(c.addresses.size());
  for (std::size_t i = 0; i < c.addresses.size(); ++i) {
    c.address_index.try_emplace({c.addresses[i].family, c.addresses[i].bits},
                                static_cast<std::uint32_t>(i));  // the first entry wins
  }
  std::stable_sort(c.instances.begin(), c.instances.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

}  // namespace

bool rule_service(const Rule& rule, ServiceMatch& out) {
  out = ServiceMatch{};
  if (service_unresolved(rule)) return false;
  if (rule.protocol < -1 || rule.protocol > 255) return false;
  out.protocol = static_cast<std::int16_t>(rule.protocol);
  out.families = protocol_families(rule.protocol);
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (!ports) return true;  // ports do not apply: every key
  const auto [from, to] = *ports;
  if (rule.protocol == kTcp || rule.protocol == kUdp) {
    if (from < 0 || to > kKeyMax || from > to) return false;
    out.lo = static_cast<std::uint16_t>(from);
    out.hi = static_cast<std::uint16_t>(to);
    return true;
  }
  // ICMP: type `from`, code `to`; -1 = all. A type of -1 with a code is invalid.
  if (from < -1 || from > 255 || to < -1 || to > 255 || (from == -1 && to != -1)) return false;
  if (from == -1) return true;
  out.lo = static_cast<std::uint16_t>(from * 256 + (to == -1 ? 0 : to));
  out.hi = static_cast<std::uint16_t>(from * 256 + (to == -1 ? 255 : to));
  return true;
}

bool possible_service(const Rule& rule, ServiceMatch& out) {
  out = ServiceMatch{};
  if (!service_unresolved(rule)) return false;
  if (!rule.unresolved.protocol.empty()) return true;  // any protocol, any key
  // The known part as a resolved rule: open ports are absent, which normalised_ports() reads as
  // 0 / 65535 for tcp and udp and as -1 (all) for icmp; an open ICMP type means every type.
  Rule known;
  known.protocol = rule.protocol;
  known.from_port = rule.from_port;
  known.to_port = rule.to_port;
  const bool icmp = rule.protocol == kIcmp || rule.protocol == kIcmpv6;
  if (icmp && !rule.unresolved.from_port.empty()) known.to_port.reset();
  return rule_service(known, out);
}

bool unknown_peer_matches(const CompiledInventory& c, const UnknownEntry& e, const Remote& remote) {
  switch (e.peer) {
    case UnknownEntry::PeerMatch::any:
      return true;
    case UnknownEntry::PeerMatch::addresses:
      return e.addresses.contains(remote.bits);
    case UnknownEntry::PeerMatch::group:
      if (remote.translated) return false;
      if (remote.iface >= 0) {
        return c.interfaces[static_cast<std::size_t>(remote.iface)].carries(e.target);
      }
      return !c.groups[e.target].members_complete;
  }
  return true;
}

bool reference_usable(const CompiledInventory& c, const Group& owner, const Rule& rule) {
  const Inventory& inv = *c.inventory;
  const Group* target = inv.find_group(rule.peer.id);
  const std::string_view target_vpc =
      target ? std::string_view(target->vpc_id) : std::string_view(rule.peer.vpc_id);
  if (vpcs_linked(c, owner.vpc_id, target_vpc)) return true;
  return is_active(rule.peer.peering_status);
}

bool InterfaceInfo::carries(GroupToken g) const {
  return std::binary_search(groups.begin(), groups.end(), g);
}

const AddressEntry* CompiledInventory::find_address(Family family, u128 bits) const {
  auto it = address_index.find(AddressKey{family, bits});
  return it == address_index.end() ? nullptr : &addresses[it->second];
}

namespace {

// FNV-1a: ids are short, and the table only needs the low bits well mixed.
std::uint64_t id_hash(std::string_view id) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char ch : id) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

bool slot_holds(const CompiledInventory& c, const CompiledInventory::IdSlot& slot,
                std::string_view id) {
  if (slot.size == 255) return c.inventory->interfaces[slot.iface].id == id;
  return slot.size == id.size() && std::string_view(slot.text, slot.size) == id;
}

}  // namespace

void CompiledInventory::index_interface(std::string_view id, std::uint32_t iface) {
  const std::size_t mask = interface_slots.size() - 1;
  for (std::size_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
    IdSlot& slot = interface_slots[i];
    if (slot.size == 0) {
      const bool fits = !id.empty() && id.size() <= sizeof(slot.text);
      if (fits) std::copy(id.begin(), id.end(), slot.text);
      slot.size = fits ? static_cast<std::uint8_t>(id.size()) : 255;
      slot.iface = iface;
      return;
    }
    if (slot_holds(*this, slot, id)) return;  // the first interface with the id wins
  }
}

std::int32_t CompiledInventory::find_interface(std::string_view id) const {
  if (interface_slots.empty()) return -1;
  const std::size_t mask = interface_slots.size() - 1;
  for (std::size_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
    const IdSlot& slot = interface_slots[i];
    if (slot.size == 0) return -1;
    if (slot_holds(*this, slot, id)) return static_cast<std::int32_t>(slot.iface);
  }
}

std::int32_t CompiledInventory::find_instance(std::string_view id) const {
  auto it = std::lower_bound(instances.begin(), instances.end(), id,
                             [](const auto& e, std::string_view key) { return e.first < key; });
  return (it != instances.end() && it->first == id) ? static_cast<std::int32_t>(it->second) : -1;
}

std::int32_t CompiledInventory::find_token(std::string_view id) const {
  auto it = token_of.find(id);
  return it == token_of.end() ? -1 : static_cast<std::int32_t>(it->second);
}

CompiledInventory compile_inventory(const Inventory& inventory) {
  CompiledInventory c;
  c.inventory = &inventory;
  link_vpcs(c);
  compile_groups(c);
  index_interfaces(c);
  return c;
}

}  // namespace sgcheck::detail
