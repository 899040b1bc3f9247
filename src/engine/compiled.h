// The engine's compiled form of an inventory (private to src/engine/): per group and direction, the
// rules as tables over (protocol, port-or-ICMP key, address), with group ids interned to tokens,
// plus indexes from address to interface and from instance to interface, and the same laid out for
// few cache misses per decision (the decision tables: interface records, group blocks, slot
// tables, ExplainRule arrays). Built by compile_inventory() (compile.cc); read by the decisions
// (decide.cc) and explanations (explain.cc).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/point_decision.h"
#include "sgcheck/engine.h"

namespace sgcheck::detail {

using GroupToken = std::uint32_t;
inline constexpr std::uint16_t kKeyMax = 65535;

// out += sep + number, without a temporary string (the reasons of query --batch write several).
inline void append_number(std::string& out, char sep, long long number) {
  char text[24];  // the separator, a sign and 19 digits
  text[0] = sep;
  const char* end = std::to_chars(text + 1, text + sizeof text, number).ptr;
  out.append(text, static_cast<std::size_t>(end - text));
}

// A 64-bit mix (the murmur3 finaliser's first half): enough for open addressing on the low bits.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// Eight bytes at a time (ids are about 20 bytes): the tables only need the low bits well mixed,
// and a byte-at-a-time FNV showed on the hot path.
inline std::uint64_t id_hash(std::string_view id) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ id.size();
  std::size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, id.data() + i, 8);
    h = mix64(h ^ word) * 0x9e3779b97f4a7c15ull;
  }
  std::uint64_t tail = 0;
  if (i < id.size()) std::memcpy(&tail, id.data() + i, id.size() - i);
  return mix64(h ^ tail);
}

// Ids (any strings: sg-…, CloudFormation logical ids, …) to numbers, by open addressing. A slot
// holds 32 bits of the id's hash and the id itself when it fits (22 bytes: sg- and eni- ids do),
// else a view of the caller's string, which must then outlive the index: a lookup reads one slot
// and no other memory. std::unordered_map<std::string_view, …> cost a bucket, a node and the
// id's heap string (a cache miss each) per lookup on an L inventory.
class IdIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xffffffffu;
  IdIndex() = default;
  void reserve(std::size_t expected) {
    std::size_t n = 16;
    while (n < 2 * expected) n *= 2;
    if (n > slots_.size()) rehash(n);
  }
  // The value of `id`, inserting `value` for it when absent; `inserted` says which.
  std::uint32_t insert(std::string_view id, std::uint32_t value, bool& inserted) {
    if (2 * (count_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
    const std::uint64_t h = id_hash(id);
    const std::uint32_t tag = tag_of(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.tag == 0) {
        slot.set(id, tag, value);
        ++count_;
        inserted = true;
        return value;
      }
      if (slot.tag == tag && slot.holds(id)) {
        inserted = false;
        return slot.value;
      }
    }
  }
  std::uint32_t insert(std::string_view id, std::uint32_t value) {
    bool inserted = false;
    return insert(id, value, inserted);
  }
  // The value of `id`, or kAbsent.
  std::uint32_t find(std::string_view id) const {
    if (slots_.empty()) return kAbsent;
    const std::uint64_t h = id_hash(id);
    const std::uint32_t tag = tag_of(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.tag == 0) return kAbsent;
      if (slot.tag == tag && slot.holds(id)) return slot.value;
    }
  }
  // Starts loading the slot where a lookup of `id` begins (batch lookups prefetch ahead).
  void prefetch(std::string_view id) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[id_hash(id) & (slots_.size() - 1)]);
  }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  static constexpr std::uint8_t kLong = 0xff;  // Slot::size: the id is the view in `text`
  struct Slot {
    char text[22] = {};     // the id, or (kLong) its data pointer and size
    std::uint8_t size = 0;  // of the id in `text`, or kLong
    std::uint32_t tag = 0;  // 0: empty; else the hash's top bits with the top bit set
    std::uint32_t value = 0;

    void set(std::string_view id, std::uint32_t t, std::uint32_t v) {
      if (id.size() <= sizeof(text)) {
        if (!id.empty()) std::memcpy(text, id.data(), id.size());
        size = static_cast<std::uint8_t>(id.size());
      } else {
        const char* data = id.data();
        const std::size_t n = id.size();
        std::memcpy(text, &data, sizeof data);
        std::memcpy(text + sizeof data, &n, sizeof n);
        size = kLong;
      }
      tag = t;
      value = v;
    }
    std::string_view view() const {
      if (size != kLong) return {text, size};
      const char* data;
      std::size_t n;
      std::memcpy(&data, text, sizeof data);
      std::memcpy(&n, text + sizeof data, sizeof n);
      return {data, n};
    }
    bool holds(std::string_view id) const {
      if (size != kLong) {
        return id.size() == size && (size == 0 || std::memcmp(text, id.data(), size) == 0);
      }
      return view() == id;
    }
  };
  static_assert(sizeof(Slot) == 32);
  static std::uint32_t tag_of(std::uint64_t h) {
    return static_cast<std::uint32_t>(h >> 32) | 0x80000000u;
  }
  void rehash(std::size_t n) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n, Slot{});
    const std::size_t mask = n - 1;
    for (const Slot& s : old) {
      if (s.tag == 0) continue;
      for (std::size_t i = id_hash(s.view()) & mask;; i = (i + 1) & mask) {
        if (slots_[i].tag == 0) {
          slots_[i] = s;
          break;
        }
      }
    }
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

// The elements' ids (T::id) to their indexes. The first of equal ids wins, as the inventory's
// find_group() and find_prefix_list() answer on their vectors sorted by id.
template <typename T>
IdIndex index_by_id(const std::vector<T>& items) {
  IdIndex index;
  index.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    index.insert(items[i].id, static_cast<std::uint32_t>(i));
  return index;
}

// Each group's VPC as a number, by index into Inventory::groups (IdIndex::kAbsent for a group
// without one), so that "the same VPC" is an integer compare, not a read of two vpc_id strings;
// `numbers` receives each VPC id's number (0, 1, ... in the order met).
std::vector<std::uint32_t> number_vpcs(const Inventory& inv, IdIndex& numbers);

// Family masks for entries: bit 0 IPv4, bit 1 IPv6.
inline constexpr std::uint8_t kFamily4 = 1;
inline constexpr std::uint8_t kFamily6 = 2;
inline std::uint8_t family_bit(Family f) {
  return f == Family::ipv4 ? kFamily4 : kFamily6;
}
inline int family_index(Family f) {
  return f == Family::ipv4 ? 0 : 1;
}

// What a packet is matched on besides its addresses: the protocol number and one 16-bit key, the
// destination port (tcp, udp), type * 256 + code (icmp, icmpv6), or 0 (other protocols).
struct Packet {
  int protocol = kTcp;
  std::uint16_t key = 0;
  Family family = Family::ipv4;
};

// The far end of a packet as one side sees it.
struct Remote {
  u128 bits = 0;            // the address the side's rules are matched against
  std::int32_t iface = -1;  // the interface of the inventory it is, or -1 (outside)
  bool translated = false;  // reached over a public address: group references match nothing
};

// The (protocol, key range) part of a compiled rule entry. protocol -1 matches every protocol.
struct ServiceMatch {
  std::int16_t protocol = -1;
  std::uint16_t lo = 0;
  std::uint16_t hi = kKeyMax;
  std::uint8_t families = kFamily4 | kFamily6;

  bool matches(const Packet& p) const {
    return (protocol == -1 || protocol == p.protocol) && lo <= p.key && p.key <= hi &&
           (families & family_bit(p.family)) != 0;
  }
};

// CIDR rules and prefix lists with known entries, merged per service: one address set per
// (protocol, key range). Addresses of both families are u128 (IPv4 in the low 32 bits).
struct CidrEntry {
  ServiceMatch service;
  Ipv6Set addresses;
};

struct RefEntry {
  ServiceMatch service;
  GroupToken target = 0;
};

// Rules that might match but whose match the inventory cannot settle: a matching packet whose
// remote the peer matches makes the side unknown (unless a resolved rule allows). Two sources:
// prefix lists without entries (peer `any`: every address might be in the list), and uncertain
// rules (rule_uncertain(): an unresolved protocol or port, or an undecided template condition;
// the service is what the rule might allow, the peer the rule's own, matched as its settled twin
// would be).
struct UnknownEntry {
  enum class PeerMatch : std::uint8_t {
    any,        // every remote
    addresses,  // remotes in `addresses` (of the family `service.families` allows)
    group,      // members of `target`, as RefEntry matches them
  };
  ServiceMatch service;
  PeerMatch peer = PeerMatch::any;
  Ipv6Set addresses;
  GroupToken target = 0;
};

struct SideTable {
  std::vector<CidrEntry> cidr[2];  // by family_index
  std::vector<RefEntry> refs;
  std::vector<UnknownEntry> unknowns;
};

struct GroupInfo {
  std::string_view id;
  std::int32_t index = -1;  // into Inventory::groups; -1 when the inventory does not define it
  // Membership is known exactly: the group is defined, the inventory has interfaces, and every
  // member interface's addresses are known.
  bool members_complete = false;
  SideTable tables[2];  // by Direction
};

struct InterfaceInfo {
  std::vector<GroupToken> groups;  // sorted
  // Inventory::groups index of each of the interface's groups, in the interface's order (-1: not
  // defined), so that explanations walk the rules without looking ids up.
  std::vector<std::int32_t> group_indices;
  bool undefined_group = false;  // carries a group whose rules the inventory lacks
  bool carries(GroupToken g) const;
};

struct AddressEntry {
  Family family = Family::ipv4;
  u128 bits = 0;
  std::uint32_t iface = 0;
  bool is_public = false;
};

// Part of an interface's delegated prefix (Ipv4Prefixes, Ipv6Prefixes): an address in [lo, hi]
// that is no interface's own address is that interface, a member of its groups for references
// (aws-semantics.md §2.3). Where prefixes of several interfaces overlap, the lowest interface
// holds the overlap, as the lowest interface holds a shared address.
struct DelegatedRange {
  u128 lo = 0;
  u128 hi = 0;
  std::uint32_t iface = 0;
  Cidr prefix;  // the interface's prefix the range is part of, as explanations name it
};

// What the explanations need to know of one atomic rule, computed once at compile time instead of
// per rule per flow: its service (`has_service` false when the rule is invalid or its ports match
// nothing) and, for a group reference, the target's token or that the reference is unusable.
inline constexpr std::int32_t kNotReference = -1;
inline constexpr std::int32_t kUnusableReference = -2;
//
// It also carries what the explanations read of the rule itself (direction, validity, peer), so
// that walking an interface's rules per flow reads this compact array instead of the model's Rule
// structs (a cache miss or more each on a large inventory).
struct RuleInfo {
  ServiceMatch service;
  bool has_service = false;
  // rule_uncertain(): the rule's protocol or ports are unresolved or it is conditional. `service`
  // is what it might allow (has_service stays false, the rule never allows), and a match of it is
  // unknown.
  bool uncertain = false;
  bool valid = false;  // Rule::valid
  Direction direction = Direction::ingress;
  PeerKind peer_kind = PeerKind::cidr4;
  std::int32_t reference = kNotReference;   // a GroupToken, or one of the two constants above
  Cidr cidr;                                // cidr4 / cidr6 peers
  const PrefixList* prefix_list = nullptr;  // prefix-list peers the inventory defines
};

// ---- The decision tables (compile.cc builds them, decide.cc reads them) ----------------------
//
// A decision on a large inventory is bound by memory latency, not arithmetic: each flow touches
// two interfaces and their groups at random. So what one decision reads is laid out to cost few
// cache misses: one record per interface (its addresses and group tokens), one contiguous block
// per group and direction (header, entries, address intervals) in a shared byte arena, and
// address and id hash tables whose slots hold the key and the answer.

inline constexpr std::size_t kInlineGroups = 5;
inline constexpr std::uint8_t kHasPrimary4 = 1;  // PointInterface::flags
inline constexpr std::uint8_t kHasPrimary6 = 2;
inline constexpr std::uint8_t kHasPublic4 = 4;
inline constexpr std::uint8_t kHasPublic6 = 8;
inline constexpr std::uint8_t kUndefinedGroup = 16;

// What a point decision reads of one interface, in one cache line.
struct alignas(64) PointInterface {
  u128 primary6 = 0;  // first private IPv6 address (the interface's address in an IPv6 flow)
  u128 public6 = 0;   // first public IPv6 address (seen on a translated path)
  std::uint32_t primary4 = 0;
  std::uint32_t public4 = 0;
  // Sorted distinct group tokens; when there are more than kInlineGroups, they are
  // InterfaceInfo::groups instead.
  GroupToken inline_groups[kInlineGroups] = {};
  std::uint8_t flags = 0;
  std::uint8_t group_count = 0;  // distinct groups (0xff: more than 255, see InterfaceInfo)
};

// The header of a group's block for one direction in CompiledInventory::blocks: counts of the
// entries that follow it (each a BlockEntry), then the IPv4 intervals (8 bytes each), then, at a
// 16-byte boundary, the IPv6 intervals (32 bytes each).
struct BlockHeader {
  std::uint32_t cidr_count[2] = {};  // CIDR entries per family, IPv4's first
  std::uint32_t ref_count = 0;
  std::uint32_t unknown_count = 0;  // the group's SideTable::unknowns (read from there: rare)
};
// A CIDR entry (`first` = byte offset of its intervals from the block start, `count` of them) or a
// reference (`first` = the target token).
struct BlockEntry {
  ServiceMatch service;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};
static_assert(sizeof(BlockHeader) == 16 && sizeof(BlockEntry) == 16);

// Open addressing over the inventory's addresses, one table per family; a slot holds the address
// and its first AddressEntry's interface (the same entry find_address() answers).
struct AddressSlot4 {
  std::uint32_t bits = 0;
  std::uint32_t iface = 0;  // kEmptySlot: empty; top bit: a public address
};
struct AddressSlot6 {
  u128 bits = 0;
  std::uint32_t iface = 0;
  std::uint32_t reserved[3] = {};
};
inline constexpr std::uint32_t kEmptySlot = 0xffffffffu;
inline constexpr std::uint32_t kPublicBit = 0x80000000u;

// A valid rule as the explanations walk it: RuleInfo's fields without the direction, in one array
// per group and direction (CompiledInventory::explain_rules). 16 bytes, four to a cache line: a
// deny's nearest-rule search reads every rule of the interface's groups in the direction, so the
// bytes per rule are the misses per decision. `peer` holds what the peer's kind needs: an IPv4
// block's first address, a reference's token, or for the rarer IPv6 blocks and prefix lists an
// index into CompiledInventory::explain_wide. The rule's index in its group is in the parallel
// array explain_rule_of (read only for the rules an explanation names).
struct ExplainRule {
  static constexpr std::uint8_t kIpv6 = 1;  // flags
  static constexpr std::uint8_t kHasService = 2;
  static constexpr std::uint8_t kUncertain = 4;  // RuleInfo::uncertain

  ServiceMatch service;
  std::uint32_t peer = 0;
  PeerKind peer_kind = PeerKind::cidr4;
  std::uint8_t prefix = 0;  // cidr4 / cidr6
  std::uint8_t flags = 0;

  Family cidr_family() const { return (flags & kIpv6) != 0 ? Family::ipv6 : Family::ipv4; }
  bool has_service() const { return (flags & kHasService) != 0; }
  bool uncertain() const { return (flags & kUncertain) != 0; }
  std::int32_t reference() const {
    return peer_kind == PeerKind::group ? static_cast<std::int32_t>(peer) : kNotReference;
  }
};
static_assert(sizeof(ExplainRule) == 16, "four ExplainRules to a cache line");

// The peer of an ExplainRule that does not fit in its 32 bits.
struct ExplainWidePeer {
  u128 base = 0;                            // cidr6: the block's first address
  const PrefixList* prefix_list = nullptr;  // prefix_list: the list, if the inventory defines it
};

struct CompiledInventory {
  const Inventory* inventory = nullptr;
  // Pairs of VPCs with an active peering, both orders, sorted: references across them are usable.
  std::vector<std::pair<std::string_view, std::string_view>> linked_vpcs;
  // RuleInfo of Inventory::groups[g].rules[r] at rules[rule_base[g] + r].
  std::vector<std::uint32_t> rule_base;
  std::vector<RuleInfo> rules;
  const RuleInfo& rule_info(RuleRef ref) const { return rules[rule_base[ref.group] + ref.rule]; }
  // The same from a group and rule of the inventory (by their addresses in its vectors).
  const RuleInfo& rule_info(const Group& group, const Rule& rule) const {
    return rule_info(RuleRef{static_cast<std::uint32_t>(&group - inventory->groups.data()),
                             static_cast<std::uint32_t>(&rule - group.rules.data())});
  }
  // The valid rules of Inventory::groups[g] in direction d: explain_rules[explain_of[2g + d] ..
  // explain_of[2g + d + 1]).
  std::vector<ExplainRule> explain_rules;
  std::vector<std::uint32_t> explain_rule_of;  // per explain_rules entry: its index in the group
  std::vector<std::uint32_t> explain_of;
  std::vector<ExplainWidePeer> explain_wide;
  // Per interface, the part of a deny's reason that is its own: "eni-1: no rule of sg-0aa (app),
  // sg-0bb" (its groups in its order, a name in parentheses when the group is defined and named;
  // "its groups (none)" when it has none), at deny_text[deny_text_of[i] .. deny_text_of[i + 1]).
  // Composed at compile time so that a denied flow's reason reads one run of bytes, not the
  // interface's record, its id and each group.
  std::string deny_text;
  std::vector<std::uint32_t> deny_text_of;
  std::vector<GroupInfo> groups;  // by token
  IdIndex token_of;
  // Group id → its first index in Inventory::groups (what Inventory::find_group() answers), for
  // the references compile_groups() resolves; empty when the groups are not sorted by id (then
  // find_group() is asked).
  IdIndex group_at;
  std::vector<InterfaceInfo> interfaces;  // parallel to Inventory::interfaces
  // Sorted by (family, bits, is_public, iface): an address resolves to its first entry, so a
  // private address wins over the same address seen as public, and the lowest interface id over the
  // others.
  std::vector<AddressEntry> addresses;
  std::vector<std::pair<std::string_view, std::uint32_t>>
      instances;  // (instance id, iface), sorted
  // Per family (family_index), disjoint and sorted: built at compile time, read only when an
  // address is no interface's own (find_point_address()).
  std::vector<DelegatedRange> delegated[2];
  // eni-… → iface and i-… → its first interface (in `instances` order): IdIndex slots hold the id
  // itself, so a lookup on the hot path costs one cache miss (std::unordered_map took three or four
  // on an L inventory, a binary search about seventeen).
  IdIndex interface_ids;
  IdIndex instance_ids;

  // The decision tables (see above).
  std::vector<PointInterface> points;   // parallel to Inventory::interfaces
  std::vector<unsigned char> blocks;    // the groups' blocks, each at a 16-byte boundary
  std::vector<std::uint32_t> block_of;  // byte offset of token t's block of direction d at 2t + d
  std::vector<std::uint8_t> complete;   // GroupInfo::members_complete by token
  std::vector<AddressSlot4> address_slots4;  // size a power of two, at most half full
  std::vector<AddressSlot6> address_slots6;
  // The interface's sorted distinct group tokens.
  std::pair<const GroupToken*, std::size_t> point_groups(std::uint32_t iface) const {
    const PointInterface& p = points[iface];
    if (p.group_count <= kInlineGroups) return {p.inline_groups, p.group_count};
    return {interfaces[iface].groups.data(), interfaces[iface].groups.size()};
  }
  bool point_carries(std::uint32_t iface, GroupToken g) const {
    const auto [tokens, n] = point_groups(iface);
    for (std::size_t i = 0; i < n; ++i) {
      if (tokens[i] == g) return true;
    }
    return false;
  }
  // The interface with the address, or -1; `is_public` says which kind of address it is. The same
  // answer as find_address(), from one slot; failing that, the interface whose delegated prefix
  // holds the address (find_delegated()).
  std::int32_t find_point_address(Family family, u128 bits, bool& is_public) const;
  // The part of a delegated prefix that holds the address, or nullptr.
  const DelegatedRange* find_delegated(Family family, u128 bits) const;
  // Prefetches the slot a lookup of the single endpoint (address, eni-…, i-…) reads first.
  void prefetch_lookup(const Endpoint& e, Family family) const;

  // The first entry of the address in `addresses` (a binary search; decisions use the slots).
  const AddressEntry* find_address(Family family, u128 bits) const;
  std::int32_t find_interface(std::string_view id) const;
  std::int32_t find_instance(std::string_view id) const;
  std::int32_t find_token(std::string_view id) const;
};

CompiledInventory compile_inventory(const Inventory& inventory);

enum class Tri : std::uint8_t { allow, deny, unknown };

// The decision of one interface's rules in one direction for one packet, from the compiled tables.
// Allocates nothing.
Tri evaluate_side(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                  const Packet& packet, const Remote& remote);

// The service-key range of an atomic rule (ports, ICMP type/code, or all), or false when the rule's
// ports make it match nothing (ToPort < FromPort, out of range) or the rule is uncertain
// (rule_uncertain(): its service is unresolved, or it is conditional): what it allows for sure.
bool rule_service(const Rule& rule, ServiceMatch& out);
// For an uncertain rule (rule_uncertain()): every packet kind it might allow, the known part kept
// (tcp with open ports: [FromPort or 0, ToPort or 65535]; icmp with an open type: every type; an
// open protocol: everything; a conditional rule with a known service: that service). False for a
// settled rule or one that can match nothing.
bool possible_service(const Rule& rule, ServiceMatch& out);
// Whether an unknown entry's peer matches the remote (its service aside).
bool unknown_peer_matches(const CompiledInventory& c, const UnknownEntry& e, const Remote& remote);

// Fills c.linked_vpcs from the inventory's active peerings (c.inventory set).
void link_vpcs(CompiledInventory& c);
// False for a reference across VPCs with no active peering (stale or illegal): it matches nothing.
bool reference_usable(const CompiledInventory& c, const Group& owner, const Rule& rule);
// The same with the target already looked up (Inventory::find_group(rule.peer.id)).
bool reference_usable(const CompiledInventory& c, const Group& owner, const Rule& rule,
                      const Group* target);

// Whether Engine::verdict() answers allow for the point flow of `packet` from interface `src` to
// interface `dst` (indexes into Inventory::interfaces, each named by its id in the flow, which the
// inventory's unique ids make the same interface), judged from the model's rules directly: for
// callers that ask a handful of such questions and must not compile the inventory for them
// (lint's SG304). `links` needs only `inventory` and link_vpcs(). The packet's family is the
// flow's: IPv6 for icmpv6, else IPv4.
bool model_point_allows(const CompiledInventory& links, std::uint32_t src, std::uint32_t dst,
                        const Packet& packet);

// Whether one rule's peer matches `remote` (ignoring its service), and whether the whole rule
// allows the packet, judged directly from the model (for explanations): allow, deny (no match) or
// unknown.
Tri peer_matches(const CompiledInventory& c, const Group& group, const Rule& rule, Family family,
                 const Remote& remote);
Tri rule_matches(const CompiledInventory& c, const Group& group, const Rule& rule,
                 const Packet& packet, const Remote& remote);
// The same from the rule's compiled RuleInfo (no access to the model's Rule).
Tri peer_matches(const CompiledInventory& c, const RuleInfo& info, Family family,
                 const Remote& remote);
Tri rule_matches(const CompiledInventory& c, const RuleInfo& info, const Packet& packet,
                 const Remote& remote);

// ---- Set questions and explanations (decide.cc, explain.cc) -----------------------------------

// One member of an endpoint: an interface of the inventory at one address, or a range of addresses
// outside the inventory.
struct Atom {
  std::int32_t iface = -1;
  u128 lo = 0;
  u128 hi = 0;
  bool is_public = false;  // the interface reached at one of its public addresses
};

// The address `atom` is seen at by the other side: on a translated path an interface shows its
// public address of the family when it has one.
u128 seen_address(const CompiledInventory& c, const Atom& atom, Family family, bool translated);

// A note, when the atom's address is no interface's own but lies in a delegated prefix of its
// interface, that the verdict rests on taking it as that interface (aws-semantics.md §2.3 decides
// so where AWS is silent). Writes nothing, at the cost of one test, when no prefix is delegated.
void note_delegated(const CompiledInventory& c, const Atom& atom, Family family,
                    PointDecision& out);
// Appends to `out` every rule of the interface's groups that allows the packet.
void collect_allowing(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                      const Packet& packet, const Remote& remote, std::vector<RuleRef>& out);
// What makes the side unknown (undefined groups, prefix lists without entries, references whose
// members are not known), as sentences. Both collectors append each reason to out.reason_text /
// reason_ends unless `out` already holds it (Decision::reasons are distinct), allocating nothing
// once the buffers have grown.
void collect_unknown_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                             const Packet& packet, const Remote& remote, PointDecision& out);
// Why the side denies: the groups consulted, and the nearest rule (right peer, wrong port; or right
// port, wrong peer). `what` is the packet's text ("tcp/22 from 10.0.0.5 to 10.0.1.5").
void collect_deny_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                          const Packet& packet, const Remote& remote, std::string_view what,
                          PointDecision& out);
// collect_deny_reasons() in two steps, so that a batch can prefetch the nearest rule's model
// records (prefetch_nearest()) between finding it and writing its text.
struct NearestRule {
  enum Kind : std::uint8_t { none, right_peer, right_port };
  RuleRef rule;
  Kind kind = none;
};
NearestRule find_nearest(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                         const Packet& packet, const Remote& remote);
void prefetch_nearest(const CompiledInventory& c, const NearestRule& nearest);
void write_deny_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                        const Packet& packet, const Remote& remote, std::string_view what,
                        const NearestRule& nearest, PointDecision& out);
// "sg-0aa (app)", or the id alone when the group is unnamed or not in the inventory.
std::string group_label(const Inventory& inventory, std::string_view id);
// "tcp/22", "icmp/8:0", "proto/50" for a packet, appended to `out`.
void append_packet_text(std::string& out, const Packet& packet);

// ---- Service pieces and address text (decide.cc), shared with exposure and matrix ------------

// Protocols [proto_lo, proto_hi] (a range only for protocols without ports) × keys [lo, hi].
struct Piece {
  int proto_lo = 0;
  int proto_hi = 0;
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;
  bool operator<(const Piece& o) const {
    return proto_lo != o.proto_lo ? proto_lo < o.proto_lo : lo < o.lo;
  }
};
// The key range [lo, hi] of a service (ports, ICMP type * 256 + code); {0, 0} without ports.
std::pair<std::uint32_t, std::uint32_t> service_keys(const Service& s);
// Cuts [lo, hi] of `protocol` at `cuts` (keys where some rule's range starts or ends).
void split_keys(int protocol, std::uint32_t lo, std::uint32_t hi,
                const std::set<std::uint32_t>& cuts, std::vector<Piece>& out);
// "tcp/22, tcp/80-90, icmp/8, proto/47", merging adjacent pieces; "all" for everything.
std::string pieces_text(std::vector<Piece> pieces);
// internet4 / internet6 as product.md §6 defines them.
Ipv6Set internet_set(Family family);
// CIDRs of the set (host blocks as addresses), comma-separated.
std::string cidrs_text(const Ipv6Set& set, Family family);

}  // namespace sgcheck::detail

namespace sgcheck {

// What Engine keeps behind its opaque pointer: the compiled inventory.
struct Engine::Impl : detail::CompiledInventory {};

}  // namespace sgcheck
