// Explanations, computed after the verdict and only when asked for: which rules allow a packet (a
// direct scan of the interface's rules, not the compiled tables), why a side is unknown, and for a
// deny the groups consulted and the nearest rule. Also describe_rule(), the one-line rule text.
// Entry points: collect_allowing(), collect_unknown_reasons(), collect_deny_reasons(),
// describe_rule().
#include <algorithm>

#include "engine/compiled.h"

namespace sgcheck {
namespace detail {
namespace {

std::string icmp_rule_text(const char* name, int type, int code) {
  std::string out = name;
  if (type == -1) return out;
  append_number(out, '/', type);
  if (code != -1) append_number(out, ':', code);
  return out;
}

std::string rule_service_text(const Rule& rule) {
  if (service_unresolved(rule)) return unresolved_service_notation(rule);
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (rule.protocol == kAllProtocols) return "all";
  if (!ports) return "proto/" + std::to_string(rule.protocol);
  const auto [from, to] = *ports;
  if (rule.protocol == kIcmp) return icmp_rule_text("icmp", from, to);
  if (rule.protocol == kIcmpv6) return icmp_rule_text("icmpv6", from, to);
  std::string out = protocol_name(rule.protocol) + "/" + std::to_string(from);
  if (to != from) append_number(out, '-', to);
  return out;
}

std::string peer_text(const Inventory& inv, const Peer& peer) {
  switch (peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return to_string(peer.cidr);
    case PeerKind::prefix_list:
      return peer.id;
    case PeerKind::group:
      return group_label(inv, peer.id);
  }
  return peer.id;
}

std::string rule_label(const Inventory& inv, RuleRef ref) {
  const Group& g = inv.groups[ref.group];
  const Rule& r = g.rules[ref.rule];
  std::string out = g.id;
  if (!r.id.empty()) out += " rule " + r.id;
  out += " allows " + describe_rule(inv, ref) + " (" + inv.location(r.location).to_string() + ")";
  return out;
}

// Why a rule whose service matches does not match the peer, in the words a user checks first.
std::string why_wrong_peer(const RuleInfo& info, Family family, const Remote& remote) {
  if (info.peer_kind == PeerKind::group && remote.translated) {
    return "but the path goes through a public address, where group references never match";
  }
  // A rule with a service had its reference's usability settled at compile time.
  if (info.peer_kind == PeerKind::group && info.reference == kUnusableReference) {
    return "but the reference crosses VPCs with no active peering, so it matches nothing";
  }
  if ((info.peer_kind == PeerKind::cidr4 || info.peer_kind == PeerKind::cidr6) &&
      info.cidr.family != family) {
    return family == Family::ipv4 ? "but its range is IPv6 and the packet IPv4"
                                  : "but its range is IPv4 and the packet IPv6";
  }
  return "wrong peer";
}

// The valid rules of the interface's defined groups in one direction, in the interface's order of
// groups (indexes resolved at compile time), as their ExplainRule: one small contiguous array per
// group and direction instead of the model's rules.
template <typename F>
void for_each_rule(const CompiledInventory& c, std::uint32_t iface, Direction d, F&& f) {
  for (const std::int32_t index : c.interfaces[iface].group_indices) {
    if (index < 0) continue;
    const auto gi = static_cast<std::uint32_t>(index);
    const std::size_t at = 2 * gi + static_cast<std::size_t>(d);
    for (std::uint32_t k = c.explain_of[at]; k < c.explain_of[at + 1]; ++k) {
      const ExplainRule& e = c.explain_rules[k];
      f(e, RuleRef{gi, e.rule});
    }
  }
}

bool cidr_contains(const RuleInfo& info, Family family, u128 bits) {
  return info.cidr.contains(Address{family, bits});
}
bool cidr_contains(const ExplainRule& e, Family family, u128 bits) {
  return e.cidr_family == family && (bits & ~e.host_mask) == e.base;
}

// peer_matches() and rule_matches() on a RuleInfo or an ExplainRule (the same fields).
template <typename Info>
Tri peer_matches_of(const CompiledInventory& c, const Info& info, Family family,
                    const Remote& remote) {
  switch (info.peer_kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return cidr_contains(info, family, remote.bits) ? Tri::allow : Tri::deny;
    case PeerKind::prefix_list: {
      const PrefixList* pl = info.prefix_list;
      if (pl == nullptr || !pl->entries_known) {
        return (pl != nullptr && pl->family && *pl->family != family) ? Tri::deny : Tri::unknown;
      }
      const bool hit = std::any_of(pl->entries.begin(), pl->entries.end(), [&](const Cidr& e) {
        return e.contains(Address{family, remote.bits});
      });
      return hit ? Tri::allow : Tri::deny;
    }
    case PeerKind::group: {
      // Usability and the target's token were settled at compile time.
      const std::int32_t token = info.reference;
      if (remote.translated || token == kUnusableReference) return Tri::deny;
      if (remote.iface >= 0) {
        return token >= 0 && c.point_carries(static_cast<std::uint32_t>(remote.iface),
                                             static_cast<GroupToken>(token))
                   ? Tri::allow
                   : Tri::deny;
      }
      const bool complete = token >= 0 && c.complete[static_cast<std::size_t>(token)] != 0;
      return complete ? Tri::deny : Tri::unknown;
    }
  }
  return Tri::deny;
}

template <typename Info>
Tri rule_matches_of(const CompiledInventory& c, const Info& info, const Packet& packet,
                    const Remote& remote) {
  if (info.service_unresolved) {
    // It might allow the packet: unknown wherever its peer might match.
    if (!info.service.matches(packet)) return Tri::deny;
    return peer_matches_of(c, info, packet.family, remote) == Tri::deny ? Tri::deny : Tri::unknown;
  }
  if (!info.has_service || !info.service.matches(packet)) return Tri::deny;
  return peer_matches_of(c, info, packet.family, remote);
}

}  // namespace

std::string group_label(const Inventory& inventory, std::string_view id) {
  const Group* g = inventory.find_group(id);
  if (g == nullptr || g->name.empty()) return std::string(id);
  return std::string(id) + " (" + g->name + ")";
}

std::string packet_text(const Packet& p) {
  switch (p.protocol) {
    case kTcp:
      return "tcp/" + std::to_string(p.key);
    case kUdp:
      return "udp/" + std::to_string(p.key);
    case kIcmp:
      return "icmp/" + std::to_string(p.key / 256) + ":" + std::to_string(p.key % 256);
    case kIcmpv6:
      return "icmpv6/" + std::to_string(p.key / 256) + ":" + std::to_string(p.key % 256);
    default:
      return "proto/" + std::to_string(p.protocol);
  }
}

Tri peer_matches(const CompiledInventory& c, const RuleInfo& info, Family family,
                 const Remote& remote) {
  return peer_matches_of(c, info, family, remote);
}

Tri peer_matches(const CompiledInventory& c, const Group& group, const Rule& rule, Family family,
                 const Remote& remote) {
  return peer_matches_of(c, c.rule_info(group, rule), family, remote);
}

Tri rule_matches(const CompiledInventory& c, const RuleInfo& info, const Packet& packet,
                 const Remote& remote) {
  return rule_matches_of(c, info, packet, remote);
}

Tri rule_matches(const CompiledInventory& c, const Group& group, const Rule& rule,
                 const Packet& packet, const Remote& remote) {
  return rule_matches_of(c, c.rule_info(group, rule), packet, remote);
}

u128 seen_address(const CompiledInventory& c, const Atom& atom, Family family, bool translated) {
  if (atom.iface < 0 || !translated || atom.is_public) return atom.lo;
  // The interface's first public address of the family, kept in its decision record.
  const PointInterface& p = c.points[static_cast<std::size_t>(atom.iface)];
  if (family == Family::ipv4) return (p.flags & kHasPublic4) ? u128{p.public4} : atom.lo;
  return (p.flags & kHasPublic6) ? p.public6 : atom.lo;
}

void collect_allowing(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                      const Packet& packet, const Remote& remote, std::vector<RuleRef>& out) {
  for_each_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (rule_matches_of(c, info, packet, remote) == Tri::allow) out.push_back(ref);
  });
}

void collect_unknown_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                             const Packet& packet, const Remote& remote,
                             std::vector<std::string>& out) {
  const Inventory& inv = *c.inventory;
  const Interface& x = inv.interfaces[iface];
  for (const std::string& gid : x.groups) {
    if (inv.find_group(gid) == nullptr) {
      out.push_back(x.id + " carries " + gid + ", whose rules are not in the inventory");
    }
  }
  for_each_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (rule_matches_of(c, info, packet, remote) != Tri::unknown) return;
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    const std::string where = " (" + g.id + ", " + inv.location(r.location).to_string() + ")";
    if (info.service_unresolved) {
      const SourcePos at = r.unresolved.location.line != 0 ? r.unresolved.location : r.location;
      out.push_back("the rule " + describe_rule(inv, ref) + " might allow it: its " +
                    unresolved_service_text(r) + " is not known before deployment (" + g.id + ", " +
                    inv.location(at).to_string() + ")");
      if (peer_matches_of(c, info, packet.family, remote) == Tri::allow) return;
    }
    if (r.peer.kind == PeerKind::prefix_list) {
      out.push_back("the entries of prefix list " + r.peer.id + " are not in the inventory" +
                    where);
    } else if (inv.find_group(r.peer.id) == nullptr) {
      out.push_back("group " + r.peer.id + " is not in the inventory, so its members are unknown" +
                    where);
    } else if (inv.interfaces.empty()) {
      out.push_back("the inventory has no interfaces, so the members of " + r.peer.id +
                    " are unknown" + where);
    } else {
      out.push_back("some members of " + r.peer.id + " have no known addresses" + where);
    }
  });
}

void collect_deny_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                          const Packet& packet, const Remote& remote, const std::string& what,
                          std::vector<std::string>& out) {
  const Inventory& inv = *c.inventory;
  const Interface& x = inv.interfaces[iface];
  // The groups' text was composed at compile time (group_text).
  const std::string_view groups(c.group_text.data() + c.group_text_of[iface],
                                c.group_text_of[iface + 1] - c.group_text_of[iface]);
  std::string reason = direction_name(direction);
  reason += " of ";
  reason += x.id;
  reason += ": no rule of ";
  reason += groups.empty() ? std::string_view("its groups (none)") : groups;
  reason += " allows ";
  reason += what;
  out.push_back(std::move(reason));
  std::optional<RuleRef> right_peer, right_port;
  for_each_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (!info.has_service || (right_peer && right_port)) return;
    const bool service_ok = info.service.matches(packet);
    const Tri peer_ok = peer_matches_of(c, info, packet.family, remote);
    if (!service_ok && peer_ok == Tri::allow && !right_peer) right_peer = ref;
    if (service_ok && peer_ok == Tri::deny && !right_port) right_port = ref;
  });
  if (right_peer) {
    out.push_back("nearest: " + rule_label(inv, *right_peer) + ": right peer, wrong port");
  } else if (right_port) {
    out.push_back("nearest: " + rule_label(inv, *right_port) + ": right port, " +
                  why_wrong_peer(c.rule_info(*right_port), packet.family, remote));
  }
}

}  // namespace detail

std::string describe_rule(const Inventory& inventory, RuleRef ref) {
  const Group& g = inventory.groups[ref.group];
  const Rule& r = g.rules[ref.rule];
  return detail::rule_service_text(r) + (r.direction == Direction::ingress ? " from " : " to ") +
         detail::peer_text(inventory, r.peer);
}

}  // namespace sgcheck
