// A rule's service as every consumer matches it: the packet kind (protocol, one 16-bit key,
// family), the (protocol, key range, families) a rule matches, and how a rule's protocol and ports
// become that match, for settled rules and for those a template leaves open.
// Entry points: service_of(), rule_service(), possible_service(), ServiceMatch::matches().
#pragma once

#include <cstdint>

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

inline constexpr std::uint16_t kKeyMax = 65535;

// Family masks: bit 0 IPv4, bit 1 IPv6.
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

// The (protocol, key range, families) a rule matches. protocol -1 matches every protocol.
struct ServiceMatch {
  std::int16_t protocol = -1;
  std::uint16_t lo = 0;
  std::uint16_t hi = kKeyMax;
  std::uint8_t families = kFamily4 | kFamily6;

  // The protocol and key, whatever the family.
  bool matches_key(int packet_protocol, std::uint32_t key) const {
    return (protocol == -1 || protocol == packet_protocol) && lo <= key && key <= hi;
  }
  bool matches(const Packet& p) const {
    return matches_key(p.protocol, p.key) && (families & family_bit(p.family)) != 0;
  }
};

// What a valid rule allows by its service: nothing (its ports match nothing), a settled service
// (rule_service()), or what a rule the inputs do not settle (rule_uncertain()) might allow
// (possible_service()), which never allows for sure.
enum class RuleServiceKind : std::uint8_t { none, settled, uncertain };
RuleServiceKind service_of(const Rule& rule, ServiceMatch& out);

// The service-key range of an atomic rule (ports, ICMP type/code, or all), or false when the rule's
// ports make it match nothing (ToPort < FromPort, out of range) or the rule is uncertain
// (rule_uncertain(): its service is unresolved, or it is conditional): what it allows for sure.
bool rule_service(const Rule& rule, ServiceMatch& out);
// For an uncertain rule (rule_uncertain()): every packet kind it might allow, the known part kept
// (tcp with open ports: [FromPort or 0, ToPort or 65535]; icmp with an open type: every type; an
// open protocol: everything; a conditional rule with a known service: that service). False for a
// settled rule or one that can match nothing.
bool possible_service(const Rule& rule, ServiceMatch& out);

}  // namespace sgcheck::detail
