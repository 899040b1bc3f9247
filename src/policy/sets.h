// The sets policies reason about (product.md §6). A PacketSet is a set of remote ends of packets:
// packets from outside the inventory's interfaces by address (o4, o6), packets from member
// interfaces by address (m4, m6), and, when the inventory has no interfaces, the members of groups
// as opaque tokens (g). A CIDR holds both kinds of packets with its addresses; `internet` only the
// outside ones; a group reference only members. Bounds pair a lower and an upper set, so that what
// the inventory lacks (prefix-list entries, undefined groups) gives unknown answers, never silent
// ones. ServiceSet is a SERVICES expression as points: per protocol, the set of keys (ports,
// type*256+code, or 0). Entry points: the types, and the operations below.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/values.h"

namespace sgcheck::policy {

// A set of group tokens, possibly co-finite (every group but these).
struct TokenSet {
  bool cofinite = false;
  std::vector<std::string> ids;  // sorted, unique: the members, or (cofinite) the non-members

  static TokenSet all() { return TokenSet{true, {}}; }
  static TokenSet of(std::string id) { return TokenSet{false, {std::move(id)}}; }
  bool empty() const { return !cofinite && ids.empty(); }
  TokenSet unite(const TokenSet& o) const;
  TokenSet intersect(const TokenSet& o) const;
  TokenSet subtract(const TokenSet& o) const;
  bool contains(const TokenSet& o) const { return o.subtract(*this).empty(); }
  // A member, for witnesses: the first id (or "" for a co-finite set).
  std::string first() const { return cofinite ? std::string() : ids.front(); }
};

struct PacketSet {
  Ipv4Set o4, m4;
  Ipv6Set o6, m6;
  TokenSet g;

  static PacketSet everything();
  static PacketSet addresses4(const Ipv4Set& s) { return PacketSet{s, s, {}, {}, {}}; }
  static PacketSet addresses6(const Ipv6Set& s) { return PacketSet{{}, {}, s, s, {}}; }
  static PacketSet members(const Ipv4Set& a4, const Ipv6Set& a6) {
    return PacketSet{{}, a4, {}, a6, {}};
  }
  PacketSet unite(const PacketSet& o) const;
  PacketSet intersect(const PacketSet& o) const;
  PacketSet subtract(const PacketSet& o) const;
  // Only the given family's parts (tokens are in both).
  PacketSet family(Family f) const;
  bool empty() const;
  // o ⊆ this, and this ∩ o ≠ ∅, without building the difference or the intersection.
  bool contains(const PacketSet& o) const;
  bool overlaps(const PacketSet& o) const;
  // family(f).contains(o) and family(f).overlaps(o), without copying the family's parts.
  bool family_contains(Family f, const PacketSet& o) const;
  bool family_overlaps(Family f, const PacketSet& o) const;
  // The number of distinct addresses of one family (outside or member), saturating.
  u128 address_count(Family f) const;
};

// What is known of a set: every member of `lo` is in it, nothing outside `hi` is. lo == hi when
// it is known exactly; `why` says what is missing otherwise.
struct Bounds {
  PacketSet lo;
  PacketSet hi;
  std::vector<std::string> why;

  static Bounds exact(PacketSet s) { return Bounds{s, std::move(s), {}}; }
  bool exact_known() const { return why.empty(); }
  Bounds unite(const Bounds& o) const;
  Bounds subtract(const Bounds& o) const;
};

// Named address sets of product.md §6.
Ipv4Set internet4();
Ipv6Set internet6();
Ipv4Set private4();
Ipv6Set private6();

// SERVICES as points: keys(p) is the set of keys of protocol p (0..255). A key is the destination
// port (tcp, udp), type*256+code (icmp, icmpv6) or 0 (other protocols, which have no ports). Only
// the four protocols with ports hold a port set of their own; any other protocol points at {0} or
// at the empty set, so that `all` costs no allocation per protocol, and keys() one load.
struct ServiceSet {
  ServiceSet();
  const PortSet& keys(int protocol) const {
    return sets_[slot_[static_cast<std::uint8_t>(protocol)]];
  }
  // The protocols whose keys are not empty, ascending.
  std::vector<int> protocols() const;
  // Adds a service's keys (every protocol's for kAllProtocols).
  void add(const Service& service);
  // Removes the keys of o.
  void remove(const ServiceSet& o);
  bool empty() const;

 private:
  // sets_[slot_[p]] is keys(p): tcp, udp, icmp and icmpv6 have slots of their own.
  enum Slot : std::uint8_t { kTcpSlot, kUdpSlot, kIcmpSlot, kIcmpv6Slot, kZeroSlot, kEmptySlot };
  std::array<PortSet, 6> sets_;
  std::array<std::uint8_t, 256> slot_;
};

// The keys a protocol has at all: [0, 65535] for tcp, udp, icmp, icmpv6; {0} otherwise.
const PortSet& protocol_keys(int protocol);
// The families packets of a protocol can have: icmp is IPv4 only, icmpv6 IPv6 only.
bool protocol_in_family(int protocol, Family family);
// "tcp/22", "icmp/8:0", "proto/50", "udp/1000-2000" for one protocol and a key range.
std::string point_text(int protocol, std::uint16_t lo, std::uint16_t hi);

}  // namespace sgcheck::policy
