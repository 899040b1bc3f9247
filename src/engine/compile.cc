// Compiling an inventory for the engine: group ids interned to tokens (IdIndex), each group's valid
// rules as per-direction tables (CIDR and known prefix-list rules merged per service, references
// with their target token, unresolvable prefix lists), the address and instance indexes and the
// decision tables of compiled.h, each rule read through src/semantics/ (its service, whether its
// reference can match). Entry point: compile_inventory().
#include <algorithm>
#include <map>
#include <tuple>

#include "engine/compiled.h"

namespace sgcheck::detail {
namespace {

GroupToken intern(CompiledInventory& c, std::string_view id) {
  bool inserted = false;
  const GroupToken token =
      c.token_of.insert(id, static_cast<GroupToken>(c.groups.size()), inserted);
  if (inserted) {
    c.groups.emplace_back();
    c.groups.back().id = id;
  }
  return token;
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

// One atomic rule into its side's tables. A rule the inputs do not settle (rule_uncertain(): its
// service is open until deployment, or it exists only under an undecided template condition) goes
// in as an unknown entry with its own peer, over every service it might allow: a flow it might
// match is unknown, never denied on its account and never allowed.
void compile_rule(CompiledInventory& c, const Semantics& semantics, std::uint32_t gi,
                  const Rule& rule, SideTable& table, CidrParts (&parts)[2], RuleInfo& info) {
  info.valid = rule.valid;
  info.direction = rule.direction;
  info.peer_kind = rule.peer.kind;
  info.cidr = rule.peer.cidr;
  if (rule.peer.kind == PeerKind::prefix_list) {
    info.prefix_list = semantics.find_prefix_list(rule.peer.id);
  }
  if (!rule.valid) return;
  ServiceMatch s;
  const RuleServiceKind kind = service_of(rule, s);
  if (kind == RuleServiceKind::none) return;
  const bool open = kind == RuleServiceKind::uncertain;
  info.service = s;
  (open ? info.uncertain : info.has_service) = true;
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
      const PrefixList* pl = info.prefix_list;
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
      if (!semantics.can_match(gi, rule, semantics.group_index(rule.peer.id))) {
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

void compile_groups(CompiledInventory& c, const Semantics& semantics) {
  const Inventory& inv = *c.inventory;
  c.token_of.reserve(inv.groups.size());
  c.rule_base.reserve(inv.groups.size());
  std::size_t rules = 0;
  for (const Group& group : inv.groups) {
    c.rule_base.push_back(static_cast<std::uint32_t>(rules));
    rules += group.rules.size();
  }
  c.rules.resize(rules);  // once: RuleInfo is large, and growing copied it over and over
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
          compile_rule(c, semantics, static_cast<std::uint32_t>(gi), rule, table, parts,
                       c.rules[c.rule_base[gi] + ri]);
        }
      }
      finish_cidrs(table, parts);
      c.groups[token].tables[static_cast<int>(d)] = std::move(table);
    }
  }
}

std::size_t table_size(std::size_t entries) {
  std::size_t slots = 16;
  while (slots < 2 * entries) slots *= 2;
  return slots;
}

std::uint64_t address_hash(u128 bits) {
  return mix64(static_cast<std::uint64_t>(bits) ^
               mix64(static_cast<std::uint64_t>(bits >> 64) + 0x9e3779b97f4a7c15ull));
}

// (instance id, iface) pairs by id, equal ids in interface order (as a stable sort by id leaves
// them). Ids share a long prefix ("i-0"), so each is keyed by the 8 bytes after it, big-endian and
// zero-padded, as the merge does (model/merge.cc): a smaller key is a smaller id, and most
// comparisons are one integer comparison instead of a memcmp call.
void sort_instances(std::vector<std::pair<std::string_view, std::uint32_t>>& instances) {
  if (instances.empty()) return;
  std::size_t shared = instances.front().first.size();
  for (const auto& [id, iface] : instances) {
    const std::string_view first = instances.front().first;
    std::size_t n = 0;
    while (n < shared && n < id.size() && id[n] == first[n]) ++n;
    shared = n;
  }
  struct Keyed {
    std::uint64_t key;
    std::string_view id;
    std::uint32_t iface;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(instances.size());
  for (const auto& [id, iface] : instances) {
    std::uint64_t key = 0;
    for (std::size_t k = 0; k < 8; ++k) {
      const std::size_t at = shared + k;
      key = (key << 8) | (at < id.size() ? static_cast<unsigned char>(id[at]) : 0u);
    }
    keyed.push_back({key, id, iface});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.key != b.key) return a.key < b.key;
    return std::tie(a.id, a.iface) < std::tie(b.id, b.iface);
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) instances[i] = {keyed[i].id, keyed[i].iface};
}

void index_interfaces(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  c.interfaces.resize(inv.interfaces.size());
  c.interface_ids.reserve(inv.interfaces.size());
  std::vector<bool> incomplete(c.groups.size(), false);
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    InterfaceInfo& info = c.interfaces[i];
    for (const Name& g : x.groups) {
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
    c.interface_ids.insert(x.id, idx);  // the first interface with the id wins
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
  sort_instances(c.instances);
}

// Delegated prefixes as disjoint ranges per family, each held by the lowest interface whose prefix
// covers it: a sweep over the prefixes' ends, with the interfaces whose prefixes are open.
void index_delegated(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  for (const Family family : {Family::ipv4, Family::ipv6}) {
    struct Event {
      u128 at;
      bool opens;  // a prefix starts at `at`; else one ended just before it
      std::uint32_t iface;
      std::size_t prefix;
    };
    std::vector<Event> events;
    std::vector<Cidr> prefixes;
    for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
      for (const Cidr& p : inv.interfaces[i].delegated_prefixes) {
        if (p.family != family) continue;
        events.push_back({p.first(), true, i, prefixes.size()});
        if (p.last() != ~u128{0}) events.push_back({p.last() + 1, false, i, prefixes.size()});
        prefixes.push_back(p);
      }
    }
    if (events.empty()) continue;
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return std::tie(a.at, a.opens) < std::tie(b.at, b.opens);  // closings first
    });
    std::vector<DelegatedRange>& out = c.delegated[family_index(family)];
    std::multiset<std::pair<std::uint32_t, std::size_t>> open;  // (iface, prefix)
    for (std::size_t k = 0; k < events.size();) {
      const u128 at = events[k].at;
      for (; k < events.size() && events[k].at == at; ++k) {
        const std::pair<std::uint32_t, std::size_t> key{events[k].iface, events[k].prefix};
        if (events[k].opens) {
          open.insert(key);
        } else {
          open.erase(open.find(key));
        }
      }
      if (open.empty()) continue;
      const u128 end = k < events.size() ? events[k].at - 1 : ~u128{0};
      const auto [iface, prefix] = *open.begin();
      if (!out.empty() && out.back().iface == iface && out.back().hi + 1 == at &&
          out.back().prefix == prefixes[prefix]) {
        out.back().hi = end;
      } else {
        out.push_back({at, end, iface, prefixes[prefix]});
      }
    }
  }
}

// ---- The decision tables ----------------------------------------------------------------------

// Addresses into the two slot tables, in `addresses` order so that the first entry of an address
// (its private interface before a public one, the lowest interface) is the one kept.
void index_addresses(CompiledInventory& c) {
  std::size_t count[2] = {0, 0};
  for (const AddressEntry& a : c.addresses) ++count[family_index(a.family)];
  c.address_slots4.assign(table_size(count[0]), AddressSlot4{0, kEmptySlot});
  c.address_slots6.assign(table_size(count[1]), AddressSlot6{0, kEmptySlot, {}});
  for (const AddressEntry& a : c.addresses) {
    const std::uint32_t value = a.iface | (a.is_public ? kPublicBit : 0);
    if (a.family == Family::ipv4) {
      const std::size_t mask = c.address_slots4.size() - 1;
      const auto bits = static_cast<std::uint32_t>(a.bits);
      for (std::size_t i = address_hash(bits) & mask;; i = (i + 1) & mask) {
        AddressSlot4& slot = c.address_slots4[i];
        if (slot.iface == kEmptySlot) slot = {bits, value};
        if (slot.bits == bits) break;
      }
    } else {
      const std::size_t mask = c.address_slots6.size() - 1;
      for (std::size_t i = address_hash(a.bits) & mask;; i = (i + 1) & mask) {
        AddressSlot6& slot = c.address_slots6[i];
        if (slot.iface == kEmptySlot) slot = {a.bits, value, {}};
        if (slot.bits == a.bits) break;
      }
    }
  }
}

// One record per interface: first private and public address of each family, group tokens.
void build_points(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  c.points.assign(inv.interfaces.size(), PointInterface{});
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    const InterfaceInfo& info = c.interfaces[i];
    PointInterface& p = c.points[i];
    // The first address of each family, and its flag.
    const auto take_first = [&p](const std::vector<Address>& addresses, std::uint32_t& v4,
                                 std::uint8_t has4, u128& v6, std::uint8_t has6) {
      for (const Address& a : addresses) {
        if (a.family == Family::ipv4 && !(p.flags & has4)) {
          v4 = static_cast<std::uint32_t>(a.bits);
          p.flags |= has4;
        } else if (a.family == Family::ipv6 && !(p.flags & has6)) {
          v6 = a.bits;
          p.flags |= has6;
        }
      }
    };
    take_first(x.private_ips, p.primary4, kHasPrimary4, p.primary6, kHasPrimary6);
    take_first(x.public_ips, p.public4, kHasPublic4, p.public6, kHasPublic6);
    if (info.undefined_group) p.flags |= kUndefinedGroup;
    p.group_count = static_cast<std::uint8_t>(std::min<std::size_t>(info.groups.size(), 255));
    if (info.groups.size() <= kInlineGroups) {
      std::copy(info.groups.begin(), info.groups.end(), p.inline_groups);
    }
  }
}

template <typename T>
void append_bytes(std::vector<unsigned char>& out, const T& value) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

void align16(std::vector<unsigned char>& out) {
  out.resize((out.size() + 15) & ~std::size_t{15}, 0);
}

// One group's side table as a block: header, CIDR entries of both families, references, then the
// intervals the CIDR entries point to.
std::uint32_t write_block(std::vector<unsigned char>& out, const SideTable& table) {
  align16(out);
  const std::size_t start = out.size();
  BlockHeader h;
  h.cidr_count[0] = static_cast<std::uint32_t>(table.cidr[0].size());
  h.cidr_count[1] = static_cast<std::uint32_t>(table.cidr[1].size());
  h.ref_count = static_cast<std::uint32_t>(table.refs.size());
  h.unknown_count = static_cast<std::uint32_t>(table.unknowns.size());
  append_bytes(out, h);
  const std::size_t entries = h.cidr_count[0] + h.cidr_count[1] + h.ref_count;
  std::size_t v4 = 0;  // the IPv6 intervals come last: only the IPv4 count places them
  for (const CidrEntry& e : table.cidr[0]) v4 += e.addresses.intervals().size();
  const std::size_t v4_at = sizeof(BlockHeader) + entries * sizeof(BlockEntry);
  const std::size_t v6_at = (v4_at + v4 * 8 + 15) & ~std::size_t{15};
  std::size_t next[2] = {v4_at, v6_at};
  for (int f = 0; f < 2; ++f) {
    for (const CidrEntry& e : table.cidr[f]) {
      const auto n = static_cast<std::uint32_t>(e.addresses.intervals().size());
      append_bytes(out, BlockEntry{e.service, static_cast<std::uint32_t>(next[f]), n});
      next[f] += n * (f == 0 ? 8 : 32);
    }
  }
  for (const RefEntry& e : table.refs) append_bytes(out, BlockEntry{e.service, e.target, 0});
  for (const CidrEntry& e : table.cidr[0]) {
    for (const auto& iv : e.addresses.intervals()) {
      append_bytes(out, static_cast<std::uint32_t>(iv.lo));
      append_bytes(out, static_cast<std::uint32_t>(iv.hi));
    }
  }
  align16(out);
  for (const CidrEntry& e : table.cidr[1]) {
    for (const auto& iv : e.addresses.intervals()) {
      append_bytes(out, iv.lo);
      append_bytes(out, iv.hi);
    }
  }
  return static_cast<std::uint32_t>(start);
}

// The ExplainRule of a valid rule; an IPv6 block or a prefix list goes to c.explain_wide.
ExplainRule explain_rule(CompiledInventory& c, const RuleInfo& info) {
  ExplainRule e;
  e.service = info.service;
  e.peer_kind = info.peer_kind;
  e.prefix = info.cidr.prefix;
  e.flags = static_cast<std::uint8_t>((info.cidr.family == Family::ipv6 ? ExplainRule::kIpv6 : 0) |
                                      (info.has_service ? ExplainRule::kHasService : 0) |
                                      (info.uncertain ? ExplainRule::kUncertain : 0));
  const bool block = info.peer_kind == PeerKind::cidr4 || info.peer_kind == PeerKind::cidr6;
  if (info.peer_kind == PeerKind::group) {
    e.peer = static_cast<std::uint32_t>(info.reference);
  } else if (block && info.cidr.family == Family::ipv4) {
    e.peer = static_cast<std::uint32_t>(info.cidr.base);
  } else {
    e.peer = static_cast<std::uint32_t>(c.explain_wide.size());
    c.explain_wide.push_back({info.cidr.base, info.prefix_list});
  }
  return e;
}

void build_explain_rules(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  c.explain_of.reserve(2 * inv.groups.size() + 1);
  c.explain_rules.reserve(c.rules.size());
  c.explain_rule_of.reserve(c.rules.size());
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    for (const Direction d : {Direction::ingress, Direction::egress}) {
      c.explain_of.push_back(static_cast<std::uint32_t>(c.explain_rules.size()));
      const std::uint32_t base = c.rule_base[gi];
      for (std::uint32_t ri = 0; ri < inv.groups[gi].rules.size(); ++ri) {
        const RuleInfo& info = c.rules[base + ri];
        if (info.direction != d || !info.valid) continue;
        c.explain_rules.push_back(explain_rule(c, info));
        c.explain_rule_of.push_back(ri);
      }
    }
  }
  c.explain_of.push_back(static_cast<std::uint32_t>(c.explain_rules.size()));
}

void build_deny_text(CompiledInventory& c) {
  const Inventory& inv = *c.inventory;
  std::string& text = c.deny_text;
  c.deny_text_of.reserve(inv.interfaces.size() + 1);
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    c.deny_text_of.push_back(static_cast<std::uint32_t>(text.size()));
    const Interface& x = inv.interfaces[i];
    text += x.id;
    text += ": no rule of ";
    if (x.groups.empty()) text += "its groups (none)";
    const std::vector<std::int32_t>& indices = c.interfaces[i].group_indices;
    for (std::size_t k = 0; k < x.groups.size(); ++k) {
      const Group* g =
          indices[k] >= 0 ? &inv.groups[static_cast<std::size_t>(indices[k])] : nullptr;
      if (k > 0) text += ", ";
      text += x.groups[k];
      if (g != nullptr && !g->name.empty()) {
        text += " (";
        text += g->name;
        text += ')';
      }
    }
  }
  c.deny_text_of.push_back(static_cast<std::uint32_t>(text.size()));
}

void build_blocks(CompiledInventory& c) {
  c.block_of.assign(2 * c.groups.size(), 0);
  c.complete.assign(c.groups.size(), 0);
  write_block(c.blocks, SideTable{});  // offset 0: the empty block of undefined groups
  for (GroupToken t = 0; t < c.groups.size(); ++t) {
    const GroupInfo& g = c.groups[t];
    c.complete[t] = g.members_complete ? 1 : 0;
    if (g.index < 0) continue;
    for (int d = 0; d < 2; ++d) c.block_of[2 * t + d] = write_block(c.blocks, g.tables[d]);
  }
  c.blocks.shrink_to_fit();
}

}  // namespace

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

bool InterfaceInfo::carries(GroupToken g) const {
  return std::binary_search(groups.begin(), groups.end(), g);
}

const AddressEntry* CompiledInventory::find_address(Family family, u128 bits) const {
  auto it = std::lower_bound(addresses.begin(), addresses.end(), std::pair{family, bits},
                             [](const AddressEntry& a, const std::pair<Family, u128>& k) {
                               return std::tie(a.family, a.bits) < std::tie(k.first, k.second);
                             });
  return (it != addresses.end() && it->family == family && it->bits == bits) ? &*it : nullptr;
}

namespace {

// The value of `id` in an id table, or -1.
std::int32_t find_id(const IdIndex& table, std::string_view id) {
  const std::uint32_t found = table.find(id);
  return found == IdIndex::kAbsent ? -1 : static_cast<std::int32_t>(found);
}

}  // namespace

std::int32_t CompiledInventory::find_interface(std::string_view id) const {
  return find_id(interface_ids, id);
}

std::int32_t CompiledInventory::find_instance(std::string_view id) const {
  return find_id(instance_ids, id);
}

void CompiledInventory::prefetch_lookup(const Endpoint& e, Family family) const {
  switch (e.kind) {
    case EndpointKind::address:
      if (family == Family::ipv4) {
        const auto b = static_cast<std::uint32_t>(e.cidr.base);
        __builtin_prefetch(&address_slots4[address_hash(b) & (address_slots4.size() - 1)]);
      } else {
        __builtin_prefetch(
            &address_slots6[address_hash(e.cidr.base) & (address_slots6.size() - 1)]);
      }
      return;
    case EndpointKind::interface:
      interface_ids.prefetch(e.id);
      return;
    case EndpointKind::instance:
      instance_ids.prefetch(e.id);
      return;
    default:
      return;
  }
}

std::int32_t CompiledInventory::find_point_address(Family family, u128 bits,
                                                   bool& is_public) const {
  std::uint32_t value = kEmptySlot;
  if (family == Family::ipv4) {
    if (bits > 0xffffffffu) return -1;
    const auto b = static_cast<std::uint32_t>(bits);
    const std::size_t mask = address_slots4.size() - 1;
    for (std::size_t i = address_hash(b) & mask;; i = (i + 1) & mask) {
      const AddressSlot4& slot = address_slots4[i];
      if (slot.iface == kEmptySlot || slot.bits == b) {
        value = slot.iface;
        break;
      }
    }
  } else {
    const std::size_t mask = address_slots6.size() - 1;
    for (std::size_t i = address_hash(bits) & mask;; i = (i + 1) & mask) {
      const AddressSlot6& slot = address_slots6[i];
      if (slot.iface == kEmptySlot || slot.bits == bits) {
        value = slot.iface;
        break;
      }
    }
  }
  if (value == kEmptySlot) {
    // Rare: most inventories delegate no prefixes, and then this is one test.
    if (delegated[family_index(family)].empty()) return -1;
    const DelegatedRange* range = find_delegated(family, bits);
    if (range == nullptr) return -1;
    is_public = false;
    return static_cast<std::int32_t>(range->iface);
  }
  is_public = (value & kPublicBit) != 0;
  return static_cast<std::int32_t>(value & ~kPublicBit);
}

const DelegatedRange* CompiledInventory::find_delegated(Family family, u128 bits) const {
  const std::vector<DelegatedRange>& ranges = delegated[family_index(family)];
  auto it = std::upper_bound(ranges.begin(), ranges.end(), bits,
                             [](u128 b, const DelegatedRange& r) { return b < r.lo; });
  if (it == ranges.begin()) return nullptr;
  --it;
  return bits <= it->hi ? &*it : nullptr;
}

std::int32_t CompiledInventory::find_token(std::string_view id) const {
  return find_id(token_of, id);
}

CompiledInventory compile_inventory(const Inventory& inventory) {
  CompiledInventory c;
  c.inventory = &inventory;
  compile_groups(c, Semantics(inventory));
  index_interfaces(c);
  c.instance_ids.reserve(c.instances.size());
  for (const auto& [id, iface] : c.instances) c.instance_ids.insert(id, iface);
  index_addresses(c);
  index_delegated(c);
  build_points(c);
  build_blocks(c);
  build_explain_rules(c);
  build_deny_text(c);
  return c;
}

}  // namespace sgcheck::detail
