// The services of a set of atomic rules as one compact text ("tcp/22, 443, 8080-8090, udp/53"),
// and whether a rule may allow a packet of a given service: what the group graph labels and
// filters its edges by. Entry points: rules_services_text(), rule_may_allow().
#include <map>

#include "engine/compiled.h"

namespace sgcheck {
namespace detail {
namespace {

// "tcp/22, tcp/443, udp/53" -> "tcp/22, 443, udp/53": a protocol is named once, before its first
// ports or ICMP types.
std::string name_protocols_once(const std::string& text) {
  std::string out, previous;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(", ", start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const std::size_t slash = item.find('/');
    const std::string protocol = slash == std::string::npos ? item : item.substr(0, slash);
    if (!out.empty()) out += ", ";
    out += slash != std::string::npos && protocol == previous ? item.substr(slash + 1) : item;
    previous = protocol;
    start = end + 2;
  }
  return out;
}

// Every packet kind the rules allow (or might allow), as pieces of one protocol each.
std::vector<Piece> rules_pieces(const Inventory& inventory, const std::vector<RuleRef>& rules) {
  std::map<int, std::vector<Ipv6Set::Interval>> keys;
  bool every_protocol = false;
  for (const RuleRef& ref : rules) {
    ServiceMatch s;
    const Rule& rule = inventory.groups[ref.group].rules[ref.rule];
    if (!rule.valid || service_of(rule, s) == RuleServiceKind::none) continue;
    if (s.protocol < 0) {
      every_protocol = true;
      continue;
    }
    keys[s.protocol].push_back({s.lo, s.hi});
  }
  std::vector<Piece> out;
  if (every_protocol) {
    for (int p = 0; p < 256; ++p) out.push_back({p, p, 0, protocol_has_ports(p) ? kKeyMax : 0u});
    return out;
  }
  for (const auto& [p, intervals] : keys) {
    const std::uint32_t max = protocol_has_ports(p) ? kKeyMax : 0;
    const Ipv6Set set = Ipv6Set::from_unsorted(intervals);
    for (const auto& iv : set.intervals()) {
      out.push_back({p, p, static_cast<std::uint32_t>(iv.lo),
                     static_cast<std::uint32_t>(std::min<u128>(iv.hi, max))});
    }
  }
  return out;
}

}  // namespace
}  // namespace detail

std::string rules_services_text(const Inventory& inventory, const std::vector<RuleRef>& rules) {
  const std::vector<detail::Piece> pieces = detail::rules_pieces(inventory, rules);
  if (pieces.empty()) return {};
  return detail::name_protocols_once(detail::pieces_text(pieces));
}

bool rule_may_allow(const Rule& rule, const Service& service) {
  detail::ServiceMatch s;
  if (!rule.valid || detail::service_of(rule, s) == detail::RuleServiceKind::none) return false;
  if (service.protocol == kAllProtocols || s.protocol < 0) return true;
  if (s.protocol != service.protocol) return false;
  const auto [lo, hi] = detail::service_keys(service);
  return s.lo <= hi && lo <= s.hi;
}

}  // namespace sgcheck
