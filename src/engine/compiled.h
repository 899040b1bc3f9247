// The engine's compiled form of an inventory (private to src/engine/): per group and direction, the
// rules as tables over (protocol, port-or-ICMP key, address), with group ids interned to tokens,
// plus indexes from address to interface and from instance to interface, and the same laid out for
// few cache misses per decision (the decision tables: interface records, group blocks, slot
// tables, ExplainRule arrays). Built by compile_inventory() (compile.cc); read by the decisions
// (decide.cc) and explanations (explain.cc). What the rules mean is src/semantics/'s; this is only
// its compiled form.
#pragma once

#ifndef SGCHECK_ENGINE_INTERNAL
#error "engine/compiled.h is private to src/engine/; ask src/semantics/"
#endif

#include <charconv>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/point_decision.h"
#include "semantics/admits.h"
#include "semantics/ids.h"
#include "semantics/labels.h"
#include "semantics/service.h"
#include "sgcheck/engine.h"

namespace sgcheck::detail {

using GroupToken = std::uint32_t;

// out += sep + number, without a temporary string (the reasons of query --batch write several).
inline void append_number(std::string& out, char sep, long long number) {
  char text[24];  // the separator, a sign and 19 digits
  text[0] = sep;
  const char* end = std::to_chars(text + 1, text + sizeof text, number).ptr;
  out.append(text, static_cast<std::size_t>(end - text));
}

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
  // itself, so a lookup on the hot path costs one cache miss (a std::unordered_map costs three or
  // four, a binary search many more).
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

// The decision of one interface's rules in one direction for one packet, from the compiled tables.
// Allocates nothing.
Tri evaluate_side(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                  const Packet& packet, const Remote& remote);

// Whether an unknown entry's peer matches the remote (its service aside).
bool unknown_peer_matches(const CompiledInventory& c, const UnknownEntry& e, const Remote& remote);

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
// members are not known), as sentences. It and write_deny_reasons() append each reason to
// out.reason_text / reason_ends unless `out` already holds it (Decision::reasons are distinct),
// allocating nothing once the buffers have grown.
void collect_unknown_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                             const Packet& packet, const Remote& remote, PointDecision& out);
// Why the side denies, in two steps, so that a batch can prefetch the nearest rule's model records
// (prefetch_nearest()) between finding it and writing its text: the groups consulted, and the
// nearest rule (right peer, wrong port; or right port, wrong peer). `what` is the packet's text
// ("tcp/22 from 10.0.0.5 to 10.0.1.5").
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
