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
std::string why_wrong_peer(const CompiledInventory& c, RuleRef ref, Family family,
                           const Remote& remote) {
  const Group& g = c.inventory->groups[ref.group];
  const Rule& r = g.rules[ref.rule];
  if (r.peer.kind == PeerKind::group && remote.translated) {
    return "but the path goes through a public address, where group references never match";
  }
  if (r.peer.kind == PeerKind::group && !reference_usable(c, g, r)) {
    return "but the reference crosses VPCs with no active peering, so it matches nothing";
  }
  if ((r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6) &&
      r.peer.cidr.family != family) {
    return family == Family::ipv4 ? "but its range is IPv6 and the packet IPv4"
                                  : "but its range is IPv4 and the packet IPv6";
  }
  return "wrong peer";
}

// The rules of the interface's defined groups in one direction, in the interface's order of groups
// (indexes resolved at compile time).
template <typename F>
void for_each_rule(const CompiledInventory& c, std::uint32_t iface, Direction d, F&& f) {
  const Inventory& inv = *c.inventory;
  for (const std::int32_t index : c.interfaces[iface].group_indices) {
    if (index < 0) continue;
    const auto gi = static_cast<std::uint32_t>(index);
    const Group& g = inv.groups[gi];
    for (std::uint32_t ri = 0; ri < g.rules.size(); ++ri) {
      if (g.rules[ri].direction == d && g.rules[ri].valid) f(g, RuleRef{gi, ri});
    }
  }
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

Tri peer_matches(const CompiledInventory& c, const Group& group, const Rule& rule, Family family,
                 const Remote& remote) {
  const Peer& peer = rule.peer;
  switch (peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return peer.cidr.contains(Address{family, remote.bits}) ? Tri::allow : Tri::deny;
    case PeerKind::prefix_list: {
      const PrefixList* pl = c.inventory->find_prefix_list(peer.id);
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
      const std::int32_t token = c.rule_info(group, rule).reference;
      if (remote.translated || token == kUnusableReference) return Tri::deny;
      if (remote.iface >= 0) {
        return token >= 0 && c.interfaces[static_cast<std::size_t>(remote.iface)].carries(
                                 static_cast<GroupToken>(token))
                   ? Tri::allow
                   : Tri::deny;
      }
      const bool complete =
          token >= 0 && c.groups[static_cast<std::size_t>(token)].members_complete;
      return complete ? Tri::deny : Tri::unknown;
    }
  }
  return Tri::deny;
}

Tri rule_matches(const CompiledInventory& c, const Group& group, const Rule& rule,
                 const Packet& packet, const Remote& remote) {
  const RuleInfo& info = c.rule_info(group, rule);
  if (info.service_unresolved) {
    // It might allow the packet: unknown wherever its peer might match.
    if (!info.service.matches(packet)) return Tri::deny;
    return peer_matches(c, group, rule, packet.family, remote) == Tri::deny ? Tri::deny
                                                                            : Tri::unknown;
  }
  if (!info.has_service || !info.service.matches(packet)) return Tri::deny;
  return peer_matches(c, group, rule, packet.family, remote);
}

u128 seen_address(const CompiledInventory& c, const Atom& atom, Family family, bool translated) {
  if (atom.iface < 0 || !translated || atom.is_public) return atom.lo;
  for (const Address& a :
       c.inventory->interfaces[static_cast<std::size_t>(atom.iface)].public_ips) {
    if (a.family == family) return a.bits;
  }
  return atom.lo;
}

void collect_allowing(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                      const Packet& packet, const Remote& remote, std::vector<RuleRef>& out) {
  for_each_rule(c, iface, direction, [&](const Group& g, RuleRef ref) {
    if (rule_matches(c, g, g.rules[ref.rule], packet, remote) == Tri::allow) out.push_back(ref);
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
  for_each_rule(c, iface, direction, [&](const Group& g, RuleRef ref) {
    const Rule& r = g.rules[ref.rule];
    if (rule_matches(c, g, r, packet, remote) != Tri::unknown) return;
    const std::string where = " (" + g.id + ", " + inv.location(r.location).to_string() + ")";
    if (c.rule_info(ref).service_unresolved) {
      const SourcePos at = r.unresolved.location.line != 0 ? r.unresolved.location : r.location;
      out.push_back("the rule " + describe_rule(inv, ref) + " might allow it: its " +
                    unresolved_service_text(r) + " is not known before deployment (" + g.id + ", " +
                    inv.location(at).to_string() + ")");
      if (peer_matches(c, g, r, packet.family, remote) == Tri::allow) return;
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
  std::string groups;
  const std::vector<std::int32_t>& indices = c.interfaces[iface].group_indices;
  for (std::size_t i = 0; i < x.groups.size(); ++i) {
    // group_label() without its lookup: the index was resolved at compile time.
    const Group* g = indices[i] >= 0 ? &inv.groups[static_cast<std::size_t>(indices[i])] : nullptr;
    if (!groups.empty()) groups += ", ";
    groups += x.groups[i];
    if (g != nullptr && !g->name.empty()) {
      groups += " (";
      groups += g->name;
      groups += ')';
    }
  }
  out.push_back(std::string(direction_name(direction)) + " of " + x.id + ": no rule of " +
                (groups.empty() ? std::string("its groups (none)") : groups) + " allows " + what);
  std::optional<RuleRef> right_peer, right_port;
  for_each_rule(c, iface, direction, [&](const Group& g, RuleRef ref) {
    const Rule& r = g.rules[ref.rule];
    const RuleInfo& info = c.rule_info(ref);
    if (!info.has_service) return;
    const bool service_ok = info.service.matches(packet);
    const Tri peer_ok = peer_matches(c, g, r, packet.family, remote);
    if (!service_ok && peer_ok == Tri::allow && !right_peer) right_peer = ref;
    if (service_ok && peer_ok == Tri::deny && !right_port) right_port = ref;
  });
  if (right_peer) {
    out.push_back("nearest: " + rule_label(inv, *right_peer) + ": right peer, wrong port");
  } else if (right_port) {
    out.push_back("nearest: " + rule_label(inv, *right_port) + ": right port, " +
                  why_wrong_peer(c, *right_port, packet.family, remote));
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
