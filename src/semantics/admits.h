// Whether a rule admits a packet: the pieces every form of the question shares (a rule's answer
// from its service's and its peer's, a prefix list's answer, a group reference's answer), which the
// engine's compiled rules read too, and the question asked of the model itself, for a rule, one
// interface's side, or a point flow between two interfaces, by callers that do not compile the
// inventory (lint's SG304). Entry points: rule_admits(), side_admits(), point_allows().
#pragma once

#include <cstdint>

#include "semantics/semantics.h"
#include "semantics/service.h"

namespace sgcheck::detail {

enum class Tri : std::uint8_t { allow, deny, unknown };

// The far end of a packet as one side sees it.
struct Remote {
  u128 bits = 0;            // the address the side's rules are matched against
  std::int32_t iface = -1;  // the interface of the inventory it is, or -1 (outside)
  bool translated = false;  // reached over a public address: group references match nothing
};

// A rule's answer from its service and its peer: a settled rule allows where its service matches
// and its peer does; an uncertain one (rule_uncertain()) might allow: unknown where its possible
// service matches and its peer might, never allow. `peer()` (a Tri) is asked only when the
// service matches.
template <typename PeerAnswer>
Tri rule_answer(RuleServiceKind kind, const ServiceMatch& service, const Packet& packet,
                PeerAnswer&& peer) {
  if (kind == RuleServiceKind::none || !service.matches(packet)) return Tri::deny;
  const Tri answer = peer();
  if (kind == RuleServiceKind::uncertain) return answer == Tri::deny ? Tri::deny : Tri::unknown;
  return answer;
}

// A prefix-list peer (`list` null when the inventory lacks it): by its entries when they are known;
// else unknown, unless the list's family rules the packet out.
Tri prefix_list_answer(const PrefixList* list, Family family, u128 bits);

// A group-reference peer: it matches nothing over a translated path or when it cannot match
// (reference_can_match()); else the remote interface matches when it carries the target
// (`carries(iface)`), and a remote outside the inventory is unknown unless the target's members
// are all known (`members_complete()`), when it is not one of them.
template <typename Carries, typename Complete>
Tri reference_answer(bool can_match, const Remote& remote, Carries&& carries,
                     Complete&& members_complete) {
  if (remote.translated || !can_match) return Tri::deny;
  if (remote.iface >= 0) {
    return carries(static_cast<std::uint32_t>(remote.iface)) ? Tri::allow : Tri::deny;
  }
  return members_complete() ? Tri::deny : Tri::unknown;
}

// ---- The question asked of the model, with the engine's answers (tests/engine/model_point_test.cc
// compares them with Engine::verdict()).

// Whether the peer of `rule` (a rule of `owner`, one of the inventory's groups) matches the remote,
// its service aside.
Tri peer_admits(const Semantics& s, const Group& owner, const Rule& rule, Family family,
                const Remote& remote);
// Whether `rule` allows the packet from or to the remote: allow, deny (no match) or unknown.
Tri rule_admits(const Semantics& s, const Group& owner, const Rule& rule, const Packet& packet,
                const Remote& remote);
// The decision of interface `iface`'s rules in one direction: allow when some rule of its groups
// allows, else unknown when a group is undefined or some rule might allow, else deny.
Tri side_admits(const Semantics& s, std::uint32_t iface, Direction direction, const Packet& packet,
                const Remote& remote);
// Whether Engine::verdict() answers allow for the point flow of `packet` from interface `src` to
// interface `dst` (indexes into Inventory::interfaces, each named by its id in the flow, which the
// inventory's unique ids make the same interface), judged from the model's rules directly: for
// callers that ask a handful of such questions and must not compile the inventory for them. The
// packet's family is the flow's: IPv6 for icmpv6, else IPv4.
bool point_allows(const Semantics& s, std::uint32_t src, std::uint32_t dst, const Packet& packet);

}  // namespace sgcheck::detail
