// Explanations, computed after the verdict and only when asked for: which rules allow a packet (a
// direct scan of the interface's rules, not the compiled tables), why a side is unknown, and for a
// deny the groups consulted and the nearest rule; the reasons are written piece by piece into a
// PointDecision's one text buffer. Also describe_rule(), the one-line rule text.
// Entry points: collect_allowing(), collect_unknown_reasons(), find_nearest() then
// write_deny_reasons(), describe_rule().
#include <algorithm>

#include "engine/compiled.h"

namespace sgcheck {
namespace detail {

// The reasons' literal pieces are appended as string_views: their length is known, no strlen().
using namespace std::string_view_literals;

namespace {

void append_icmp_rule_text(std::string& out, std::string_view name, int type, int code) {
  out += name;
  if (type == -1) return;
  append_number(out, '/', type);
  if (code != -1) append_number(out, ':', code);
}

// The rule's service in flow notation ("tcp/443", "udp/1000-2000", "icmp/8:0", "proto/50", "all"),
// appended to `out` without temporaries: the nearest rule of every deny is written this way.
void append_rule_service_text(std::string& out, const Rule& rule) {
  if (service_unresolved(rule)) {
    out += unresolved_service_notation(rule);
    return;
  }
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (rule.protocol == kAllProtocols) {
    out += "all"sv;
  } else if (!ports) {
    out += "proto"sv;
    append_number(out, '/', rule.protocol);
  } else if (rule.protocol == kIcmp || rule.protocol == kIcmpv6) {
    append_icmp_rule_text(out, rule.protocol == kIcmp ? "icmp"sv : "icmpv6"sv, ports->first,
                          ports->second);
  } else {
    out += protocol_name(rule.protocol);
    append_number(out, '/', ports->first);
    if (ports->second != ports->first) append_number(out, '-', ports->second);
  }
}

// The group a rule's reference names: from its token when compiled (no id lookup), else by id.
const Group* referenced_group(const Inventory& inv, const CompiledInventory* c, RuleRef ref,
                              const Peer& peer) {
  if (c != nullptr) {
    const std::int32_t token = c->rule_info(ref).reference;
    if (token >= 0) {
      const std::int32_t index = c->groups[static_cast<std::size_t>(token)].index;
      return index >= 0 ? &inv.groups[static_cast<std::size_t>(index)] : nullptr;
    }
  }
  return inv.find_group(peer.id);
}

// describe_rule() appended to `out`; `c` (optional) spares the lookup of a referenced group.
void append_rule_description(std::string& out, const Inventory& inv, const CompiledInventory* c,
                             RuleRef ref) {
  const Rule& r = inv.groups[ref.group].rules[ref.rule];
  append_rule_service_text(out, r);
  out += r.direction == Direction::ingress ? " from " : " to ";
  switch (r.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      out += to_string(r.peer.cidr);
      return;
    case PeerKind::prefix_list:
      out += r.peer.id;
      return;
    case PeerKind::group:
      append_group_label(out, r.peer.id, referenced_group(inv, c, ref, r.peer));
      return;
  }
  out += r.peer.id;
}

// Location::to_string() of a place in the inventory, appended to `out`.
void append_location(std::string& out, const Inventory& inv, const SourcePos& pos) {
  if (pos.file < inv.files.size()) out += inv.files[pos.file];
  if (pos.line == 0) return;
  append_number(out, ':', pos.line);
  append_number(out, ':', pos.column);
}

// "sg-0aa rule sgr-1 allows tcp/22 from 10.0.0.0/8 (file:line:col)", appended to `out`.
void append_rule_label(std::string& out, const CompiledInventory& c, RuleRef ref) {
  const Inventory& inv = *c.inventory;
  const Group& g = inv.groups[ref.group];
  const Rule& r = g.rules[ref.rule];
  out += g.id;
  if (!r.id.empty()) {
    out += " rule "sv;
    out += r.id;
  }
  out += " allows "sv;
  append_rule_description(out, inv, &c, ref);
  out += " ("sv;
  append_location(out, inv, r.location);
  out += ')';
}

// Ends the reason written at out.reason_text[start..): kept unless `out` holds the same text.
void finish_reason(PointDecision& out, std::size_t start) {
  const std::string_view text = std::string_view(out.reason_text).substr(start);
  for (std::size_t i = 0; i < out.reason_count(); ++i) {
    if (out.reason(i) == text) {
      out.reason_text.resize(start);
      return;
    }
  }
  out.reason_ends.push_back(static_cast<std::uint32_t>(out.reason_text.size()));
}

// Why a rule whose service matches does not match the peer, in the words a user checks first.
const char* why_wrong_peer(const RuleInfo& info, Family family, const Remote& remote) {
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
// group and direction instead of the model's rules. f(rule, ref) is called on each in turn until
// it returns true (found what it looked for).
template <typename F>
void find_rule(const CompiledInventory& c, std::uint32_t iface, Direction d, F&& f) {
  for (const std::int32_t index : c.interfaces[iface].group_indices) {
    if (index < 0) continue;
    const auto gi = static_cast<std::uint32_t>(index);
    const std::size_t at = 2 * gi + static_cast<std::size_t>(d);
    for (std::uint32_t k = c.explain_of[at]; k < c.explain_of[at + 1]; ++k) {
      const ExplainRule& e = c.explain_rules[k];
      if (f(e, RuleRef{gi, c.explain_rule_of[k]})) return;
    }
  }
}

// Every rule: find_rule() that never stops.
template <typename F>
void for_each_rule(const CompiledInventory& c, std::uint32_t iface, Direction d, F&& f) {
  find_rule(c, iface, d, [&f](const ExplainRule& e, RuleRef ref) {
    f(e, ref);
    return false;
  });
}

// Cidr::contains() on an ExplainRule's block: the address agrees with the block's first address
// on the prefix's bits.
bool cidr_contains(const CompiledInventory& c, const ExplainRule& e, Family family, u128 bits) {
  if (e.cidr_family() != family) return false;
  if (e.prefix == 0) return true;
  if (family == Family::ipv4)
    return (static_cast<std::uint32_t>(bits) ^ e.peer) >> (32 - e.prefix) == 0;
  return (bits ^ c.explain_wide[e.peer].base) >> (128 - e.prefix) == 0;
}

// An ExplainRule's peer and the whole rule against a packet, as semantics/admits.h answers them.
//
// A prefix list's peer: out of line, so that the tests of CIDR blocks and references (nearly every
// rule, and every rule a deny's nearest-rule search reads) stay inline in the scans.
[[gnu::noinline]] Tri prefix_list_matches(const CompiledInventory& c, const ExplainRule& e,
                                          Family family, const Remote& remote) {
  return prefix_list_answer(c.explain_wide[e.peer].prefix_list, family, remote.bits);
}

inline Tri peer_matches(const CompiledInventory& c, const ExplainRule& e, Family family,
                        const Remote& remote) {
  switch (e.peer_kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return cidr_contains(c, e, family, remote.bits) ? Tri::allow : Tri::deny;
    case PeerKind::prefix_list:
      return prefix_list_matches(c, e, family, remote);
    case PeerKind::group: {
      // Whether it can match, and the target's token, were settled at compile time.
      const std::int32_t token = e.reference();
      return reference_answer(
          token != kUnusableReference, remote,
          [&](std::uint32_t iface) {
            return token >= 0 && c.point_carries(iface, static_cast<GroupToken>(token));
          },
          [&] { return token >= 0 && c.complete[static_cast<std::size_t>(token)] != 0; });
    }
  }
  return Tri::deny;
}

inline Tri rule_matches(const CompiledInventory& c, const ExplainRule& e, const Packet& packet,
                        const Remote& remote) {
  const RuleServiceKind kind = e.uncertain()     ? RuleServiceKind::uncertain
                               : e.has_service() ? RuleServiceKind::settled
                                                 : RuleServiceKind::none;
  return rule_answer(kind, e.service, packet,
                     [&] { return peer_matches(c, e, packet.family, remote); });
}

}  // namespace

void append_packet_text(std::string& out, const Packet& p) {
  switch (p.protocol) {
    case kTcp:
      out += "tcp"sv;
      append_number(out, '/', p.key);
      return;
    case kUdp:
      out += "udp"sv;
      append_number(out, '/', p.key);
      return;
    case kIcmp:
    case kIcmpv6:
      out += p.protocol == kIcmp ? "icmp"sv : "icmpv6"sv;
      append_number(out, '/', p.key / 256);
      append_number(out, ':', p.key % 256);
      return;
    default:
      out += "proto"sv;
      append_number(out, '/', p.protocol);
  }
}

u128 seen_address(const CompiledInventory& c, const Atom& atom, Family family, bool translated) {
  if (atom.iface < 0 || !translated || atom.is_public) return atom.lo;
  // The interface's first public address of the family, kept in its decision record.
  const PointInterface& p = c.points[static_cast<std::size_t>(atom.iface)];
  if (family == Family::ipv4) return (p.flags & kHasPublic4) ? u128{p.public4} : atom.lo;
  return (p.flags & kHasPublic6) ? p.public6 : atom.lo;
}

void note_delegated(const CompiledInventory& c, const Atom& atom, Family family,
                    PointDecision& out) {
  if (c.delegated[family_index(family)].empty() || atom.iface < 0 || atom.is_public) return;
  if (c.find_address(family, atom.lo) != nullptr) return;  // an interface's own address
  const DelegatedRange* range = c.find_delegated(family, atom.lo);
  if (range == nullptr || static_cast<std::int32_t>(range->iface) != atom.iface) return;
  std::string& text = out.reason_text;
  const std::size_t start = text.size();
  text += to_string(Address{family, atom.lo});
  text += " is in "sv;
  text += c.inventory->interfaces[range->iface].id;
  text += "'s delegated prefix "sv;
  text += to_string(range->prefix);
  text +=
      ", so it is taken as that interface and a member of its groups (AWS does not document "
      "whether group references match delegated prefixes; sgcheck assumes they do)"sv;
  finish_reason(out, start);
}

void collect_allowing(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                      const Packet& packet, const Remote& remote, std::vector<RuleRef>& out) {
  for_each_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (rule_matches(c, info, packet, remote) == Tri::allow) out.push_back(ref);
  });
}

// The reasons are written straight into out.reason_text, piece by piece, and kept by
// finish_reason() unless already there: no string per reason or per piece.
void collect_unknown_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                             const Packet& packet, const Remote& remote, PointDecision& out) {
  const Inventory& inv = *c.inventory;
  const Interface& x = inv.interfaces[iface];
  std::string& text = out.reason_text;
  for (const Name& gid : x.groups) {
    if (inv.find_group(gid) == nullptr) {
      const std::size_t start = text.size();
      text += x.id;
      text += " carries "sv;
      text += gid;
      text += ", whose rules are not in the inventory"sv;
      finish_reason(out, start);
    }
  }
  for_each_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (rule_matches(c, info, packet, remote) != Tri::unknown) return;
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    const auto where = [&] {  // " (sg-…, file:line:col)"
      text += " ("sv;
      text += g.id;
      text += ", "sv;
      append_location(text, inv, r.location);
      text += ')';
    };
    std::size_t start = text.size();
    if (info.uncertain()) {
      // "the rule … might allow it: <why> (sg-…, file:line:col)", once per open value kind.
      const auto might_allow = [&](std::string_view why, const SourcePos& at) {
        start = text.size();
        text += "the rule "sv;
        append_rule_description(text, inv, &c, ref);
        text += " might allow it: "sv;
        text += why;
        text += " ("sv;
        text += g.id;
        text += ", "sv;
        append_location(text, inv, at);
        text += ')';
        finish_reason(out, start);
      };
      if (service_unresolved(r)) {
        const SourcePos at =
            r.unresolved().location.line != 0 ? r.unresolved().location : r.location;
        might_allow("its " + unresolved_service_text(r) + " is not known before deployment", at);
      }
      if (rule_conditional(r)) {
        might_allow("it exists " + rule_condition_text(r), rule_condition_location(r));
      }
      if (peer_matches(c, info, packet.family, remote) == Tri::allow) return;
      start = text.size();
    }
    if (r.peer.kind == PeerKind::prefix_list) {
      text += "the entries of prefix list "sv;
      text += r.peer.id;
      text += " are not in the inventory"sv;
    } else if (inv.find_group(r.peer.id) == nullptr) {
      text += "group "sv;
      text += r.peer.id;
      text += " is not in the inventory, so its members are unknown"sv;
    } else if (inv.interfaces.empty()) {
      text += "the inventory has no interfaces, so the members of "sv;
      text += r.peer.id;
      text += " are unknown"sv;
    } else {
      text += "some members of "sv;
      text += r.peer.id;
      text += " have no known addresses"sv;
    }
    where();
    finish_reason(out, start);
  });
}

NearestRule find_nearest(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                         const Packet& packet, const Remote& remote) {
  // The first rule with the right peer is the answer when there is one (the scan stops there);
  // else the first with the right port.
  NearestRule nearest;
  find_rule(c, iface, direction, [&](const ExplainRule& info, RuleRef ref) {
    if (!info.has_service()) return false;
    const bool service_ok = info.service.matches(packet);
    if (service_ok && nearest.kind == NearestRule::right_port) return false;
    const Tri peer_ok = peer_matches(c, info, packet.family, remote);
    if (!service_ok && peer_ok == Tri::allow) {
      nearest = {ref, NearestRule::right_peer};
      return true;
    }
    if (service_ok && peer_ok == Tri::deny) nearest = {ref, NearestRule::right_port};
    return false;
  });
  return nearest;
}

void prefetch_nearest(const CompiledInventory& c, const NearestRule& nearest) {
  if (nearest.kind == NearestRule::none) return;
  const Group& g = c.inventory->groups[nearest.rule.group];
  __builtin_prefetch(&g.id);
  __builtin_prefetch(&g.rules);
}

void write_deny_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                        const Packet& packet, const Remote& remote, std::string_view what,
                        const NearestRule& nearest, PointDecision& out) {
  std::string& text = out.reason_text;
  std::size_t start = text.size();
  text += direction_name(direction);
  text += " of "sv;
  text.append(c.deny_text.data() + c.deny_text_of[iface],
              c.deny_text_of[iface + 1] - c.deny_text_of[iface]);  // composed at compile time
  text += " allows "sv;
  text += what;
  finish_reason(out, start);
  if (nearest.kind == NearestRule::none) return;
  start = text.size();
  text += "nearest: "sv;
  append_rule_label(text, c, nearest.rule);
  if (nearest.kind == NearestRule::right_peer) {
    text += ": right peer, wrong port"sv;
  } else {
    text += ": right port, "sv;
    text += why_wrong_peer(c.rule_info(nearest.rule), packet.family, remote);
  }
  finish_reason(out, start);
}

}  // namespace detail

std::string describe_rule(const Inventory& inventory, RuleRef ref) {
  std::string out;
  detail::append_rule_description(out, inventory, nullptr, ref);
  return out;
}

}  // namespace sgcheck
