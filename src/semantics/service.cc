// A rule's protocol and ports as a ServiceMatch (service.h): the written values read as AWS reads
// them (normalised_ports()), ICMP type/code as one key, and for a rule a template leaves open the
// widest match it might have. Entry points: service_of(), rule_service(), possible_service().
#include "semantics/service.h"

namespace sgcheck::detail {
namespace {

// ICMP rules match only their own family's packets (icmp + an IPv6 range matches nothing).
std::uint8_t protocol_families(int protocol) {
  if (protocol == kIcmp) return kFamily4;
  if (protocol == kIcmpv6) return kFamily6;
  return kFamily4 | kFamily6;
}

// rule_service() of the rule's written protocol and ports, whether or not the rule is conditional.
bool known_service(const Rule& rule, ServiceMatch& out) {
  out = ServiceMatch{};
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

}  // namespace

RuleServiceKind service_of(const Rule& rule, ServiceMatch& out) {
  if (!rule_uncertain(rule)) {
    return known_service(rule, out) ? RuleServiceKind::settled : RuleServiceKind::none;
  }
  return possible_service(rule, out) ? RuleServiceKind::uncertain : RuleServiceKind::none;
}

bool rule_service(const Rule& rule, ServiceMatch& out) {
  if (rule_uncertain(rule)) {
    out = ServiceMatch{};
    return false;
  }
  return known_service(rule, out);
}

bool possible_service(const Rule& rule, ServiceMatch& out) {
  out = ServiceMatch{};
  if (!service_unresolved(rule)) return rule_conditional(rule) && known_service(rule, out);
  if (!rule.unresolved().protocol.empty()) return true;  // any protocol, any key
  // The known part as a resolved rule: open ports are absent, which normalised_ports() reads as
  // 0 / 65535 for tcp and udp and as -1 (all) for icmp; an open ICMP type means every type.
  Rule known;
  known.protocol = rule.protocol;
  known.from_port = rule.from_port;
  known.to_port = rule.to_port;
  const bool icmp = rule.protocol == kIcmp || rule.protocol == kIcmpv6;
  if (icmp && !rule.unresolved().from_port.empty()) known.to_port.reset();
  return known_service(known, out);
}

}  // namespace sgcheck::detail
