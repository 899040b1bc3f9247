// The built-in reference and graph checks SG301–SG306 (product.md §7): references to groups the
// inventory lacks or cannot reach, unused groups, one-sided pairs, prefix lists without entries and
// interfaces carrying another VPC's group. The inventory is indexed once (members and co-carried
// groups per group, member addresses), so each check costs in proportion to the rules it reads.
// Entry point: run_graph_checks().
#include <unordered_map>
#include <unordered_set>

#include "engine/compiled.h"
#include "lint/check_support.h"

namespace sgcheck::detail {
namespace {

// What to do about a template value left to deployment (SG301, SG305).
constexpr const char* kOpenValueAdvice =
    "give the value a default, or lint the deployed groups' describe output";

// One group id as the interfaces and rules see it (defined or not).
struct Node {
  std::int32_t group = -1;                    // index into Inventory::groups; -1 when not defined
  std::vector<std::uint32_t> members;         // interfaces carrying it
  std::vector<std::string_view> carried;      // every group one of its members carries, sorted
  std::vector<std::uint32_t> carried_groups;  // their indexes into Inventory::groups, in order
  bool carries_undefined = false;             // some of them are not defined
  std::vector<u128> addresses[2];             // its members' private addresses, sorted, per family
  std::uint8_t families = 0;                  // kFamily4 | kFamily6 of those addresses
  bool referenced = false;                    // by a rule of another group
};

// A valid egress rule with its service, ready for SG304.
struct EgressEntry {
  ServiceMatch service;
  const Rule* rule = nullptr;
  RefState state = RefState::usable;
};

// Built once: a node per group id, every reference classified, egress rules compiled per group.
struct GraphIndex {
  std::unordered_map<std::string_view, Node> nodes;
  std::vector<std::vector<RefState>> ref_state;  // [group][rule]
  std::vector<std::vector<EgressEntry>> egress;  // [group]
  std::unordered_set<std::string_view> vpcs_with_interfaces;

  const Node* node(std::string_view id) const {
    auto it = nodes.find(id);
    return it == nodes.end() ? nullptr : &it->second;
  }
  RefState state(const Inventory& inv, const Group& g, const Rule& r) const {
    return ref_state[static_cast<std::size_t>(&g - inv.groups.data())]
                    [static_cast<std::size_t>(&r - g.rules.data())];
  }
};

GraphIndex build_index(const Inventory& inv, const ReferenceIndex& refs) {
  GraphIndex x;
  x.ref_state.resize(inv.groups.size());
  x.egress.resize(inv.groups.size());
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    const Group& g = inv.groups[gi];
    x.nodes[g.id].group = static_cast<std::int32_t>(gi);
    x.ref_state[gi].resize(g.rules.size(), RefState::usable);
    for (std::size_t ri = 0; ri < g.rules.size(); ++ri) {
      const Rule& r = g.rules[ri];
      if (r.peer.kind == PeerKind::group) {
        x.ref_state[gi][ri] = refs.classify(g, r);
        if (r.peer.id != g.id) x.nodes[r.peer.id].referenced = true;
      }
      ServiceMatch s;
      if (r.valid && r.direction == Direction::egress && rule_service(r, s)) {
        x.egress[gi].push_back({s, &r, x.ref_state[gi][ri]});
      }
    }
  }
  for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& e = inv.interfaces[i];
    if (!e.vpc_id.empty()) x.vpcs_with_interfaces.insert(e.vpc_id);
    for (const std::string& g : e.groups) {
      Node& n = x.nodes[g];
      n.members.push_back(i);
      for (const std::string& other : e.groups) n.carried.push_back(other);
      for (const Address& a : e.private_ips) {
        n.addresses[family_index(a.family)].push_back(a.bits);
        n.families |= family_bit(a.family);
      }
    }
  }
  for (auto& [id, n] : x.nodes) {
    std::sort(n.carried.begin(), n.carried.end());
    n.carried.erase(std::unique(n.carried.begin(), n.carried.end()), n.carried.end());
    for (auto& list : n.addresses) std::sort(list.begin(), list.end());
  }
  // Resolved once per node rather than once per rule that references the group (SG304).
  for (auto& [id, n] : x.nodes) {
    for (const std::string_view k : n.carried) {
      const Node* kn = x.node(k);
      if (kn == nullptr || kn->group < 0)
        n.carries_undefined = true;
      else
        n.carried_groups.push_back(static_cast<std::uint32_t>(kn->group));
    }
  }
  return x;
}

// ---- SG301, SG302 ------------------------------------------------------------------------------

// A peer a template leaves to the deployment (ingest names it "unresolved(Ref X)", docs/iac.md).
bool is_unresolved(const std::string& id) {
  return id.rfind("unresolved(", 0) == 0;
}

// One finding per reference at most: stale links are SG205's (checks_hygiene.cc), a reference
// across VPCs with no peering is SG302 even when the target is also undefined (the engine then
// matches nothing, so the answer is not unknown), and an undefined target otherwise is SG301.
void check_references(const Inventory& inv, const GraphIndex& x, const Group& g,
                      std::vector<Finding>& out) {
  for (const Rule& r : g.rules) {
    if (!r.valid || r.peer.kind != PeerKind::group) continue;
    const RefState state = x.state(inv, g, r);
    if (state == RefState::undefined) {
      // A template value the deployment decides (unresolved(Ref DbSourceSG)) is no missing
      // describe output: say what decides it.
      const bool open = is_unresolved(r.peer.id);
      Finding f = rule_finding(
          inv, "SG301",
          open ? rule_text(r) + ": the referenced group is " + r.peer.id +
                     ", decided only at deployment, so answers that depend on its members are "
                     "unknown; " +
                     kOpenValueAdvice
               : rule_text(r) + ": " + r.peer.id +
                     " is not in the inventory, so answers that depend on its members are "
                     "unknown; add its describe output, or remove the rule if the group is gone",
          g, r);
      f.unknown = true;
      f.witness = rule_witness(r);
      out.push_back(std::move(f));
    } else if (state == RefState::unpeered) {
      const Group* target = inv.find_group(r.peer.id);
      const std::string target_vpc = target != nullptr ? target->vpc_id : r.peer.vpc_id;
      Finding f =
          rule_finding(inv, "SG302",
                       rule_text(r) + " references a group of " + target_vpc + " from " + g.vpc_id +
                           ", but no active peering of the two VPCs is in the inventory, "
                           "so it matches nothing; add the peering's describe output, or "
                           "use CIDRs",
                       g, r);
      if (target != nullptr) f.related.push_back(inv.location(target->location));
      f.witness = rule_witness(r);
      out.push_back(std::move(f));
    }
  }
}

// Interfaces that carry a group the inventory does not define: answers about them are unknown.
void check_interface_groups(const Inventory& inv, const GraphIndex& x, std::vector<Finding>& out) {
  for (const Interface& e : inv.interfaces) {
    for (const std::string& gid : e.groups) {
      const Node* n = x.node(gid);
      const Group* g =
          n != nullptr && n->group >= 0 ? &inv.groups[static_cast<std::size_t>(n->group)] : nullptr;
      if (g == nullptr) {
        if (inv.groups.empty()) continue;  // interfaces alone: nothing was meant to be checked
        Finding f = make_finding("SG301",
                                 "interface " + e.id + " carries " + gid +
                                     ", which the inventory does not define, so answers about "
                                     "this interface are unknown; add the group's describe output",
                                 inv.location(e.location));
        f.interface = e.id;
        f.group = gid;
        f.unknown = true;
        f.fingerprint = fingerprint("SG301", e.id, gid);
        out.push_back(std::move(f));
      } else if (!g->vpc_id.empty() && !e.vpc_id.empty() && g->vpc_id != e.vpc_id) {
        // SG306
        Finding f = make_finding("SG306",
                                 "interface " + e.id + " in " + e.vpc_id + " carries " + gid +
                                     " of " + g->vpc_id +
                                     "; a group applies only in its own VPC (or one it is "
                                     "associated with, which the inventory does not show)",
                                 inv.location(e.location));
        f.interface = e.id;
        f.group = gid;
        f.related.push_back(inv.location(g->location));
        f.fingerprint = fingerprint("SG306", e.id, gid);
        out.push_back(std::move(f));
      }
    }
  }
}

// ---- SG303 -------------------------------------------------------------------------------------

// Only groups read from AWS (a template's group is not deployed yet), never a VPC's default group
// (it cannot be deleted), and only where the inventory has interfaces of the group's VPC (an
// inventory of one VPC's interfaces says nothing about another's).
void check_unused(const Inventory& inv, const GraphIndex& x, const Group& g,
                  std::vector<Finding>& out) {
  if (inv.interfaces.empty() || g.origin != GroupOrigin::aws_api || g.name == "default") return;
  if (!g.vpc_id.empty() && !x.vpcs_with_interfaces.count(g.vpc_id)) return;
  const Node* n = x.node(g.id);
  if (n != nullptr && (!n->members.empty() || n->referenced)) return;
  Finding f = make_finding("SG303",
                           "group " + g.id + (g.name.empty() ? "" : " (" + g.name + ")") +
                               " is attached to no interface and referenced by no other group; "
                               "delete it, or attach it where it is meant to apply",
                           inv.location(g.location));
  f.group = g.id;
  f.fingerprint = fingerprint("SG303", g.id, "unused");
  out.push_back(std::move(f));
}

// ---- SG304 -------------------------------------------------------------------------------------

bool services_overlap(const ServiceMatch& a, const ServiceMatch& b) {
  return (a.protocol == kAllProtocols || b.protocol == kAllProtocols || a.protocol == b.protocol) &&
         a.lo <= b.hi && b.lo <= a.hi && (a.families & b.families) != 0;
}

bool any_in(const std::vector<u128>& sorted, u128 lo, u128 hi) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), lo);
  return it != sorted.end() && *it <= hi;
}

enum class Send : std::uint8_t { no, yes, unknown };

// Where the service must arrive: H's members, looked up once per ingress rule.
struct Receiver {
  const Group* group = nullptr;
  bool known_members = false;
  const Node* node = nullptr;  // with interfaces
  const Vpc* vpc = nullptr;    // without
  bool carries(std::string_view id) const {
    return node != nullptr && std::binary_search(node->carried.begin(), node->carried.end(), id);
  }
};

// Whether egress rule `e` (of a group carried by a member of G) lets `service` go to some member
// of H. With interfaces: against H's members' addresses and the groups they carry. Without: the
// addresses H's members may have (its VPC's blocks, or any) and only a reference to H itself is
// sure; a reference to another group might match (H's members could carry it) and counts as yes.
Send egress_sends(const Inventory& inv, const EgressEntry& entry, const ServiceMatch& service,
                  const Receiver& to) {
  if (!services_overlap(entry.service, service)) return Send::no;
  const Rule& e = *entry.rule;
  const std::uint8_t fams = entry.service.families & service.families;
  auto hits = [&](const Cidr& c) {
    if ((fams & family_bit(c.family)) == 0) return false;
    if (to.known_members) {
      return to.node != nullptr &&
             any_in(to.node->addresses[family_index(c.family)], c.first(), c.last());
    }
    if (to.vpc == nullptr) return true;
    for (const Cidr& block : to.vpc->cidrs) {
      if (block.family == c.family && block.first() <= c.last() && c.first() <= block.last())
        return true;
    }
    return false;
  };
  switch (e.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return hits(e.peer.cidr) ? Send::yes : Send::no;
    case PeerKind::prefix_list: {
      const PrefixList* pl = inv.find_prefix_list(e.peer.id);
      if (pl == nullptr || !pl->entries_known) return Send::unknown;
      for (const Cidr& c : pl->entries)
        if (hits(c)) return Send::yes;
      return Send::no;
    }
    case PeerKind::group: {
      const RefState state = entry.state;
      if (state == RefState::stale || state == RefState::unpeered) return Send::no;
      if (state == RefState::undefined) return Send::unknown;
      if (e.peer.id == to.group->id || !to.known_members) return Send::yes;
      return to.carries(e.peer.id) ? Send::yes : Send::no;
    }
  }
  return Send::unknown;
}

// One packet of the rule's service (its lowest port or ICMP type:code; tcp for `all`) from one
// interface to another, as a point flow: the engine answers it without allocating.
Flow pair_flow(const ServiceMatch& s, const Interface& from, const Interface& to) {
  Flow flow;
  flow.service.protocol = s.protocol == kAllProtocols ? kTcp : s.protocol;
  if (flow.service.protocol == kTcp || flow.service.protocol == kUdp) {
    flow.service.ports = {s.lo, s.lo};
  } else if (flow.service.protocol == kIcmp || flow.service.protocol == kIcmpv6) {
    flow.service.icmp = {s.lo / 256, s.lo % 256};
  }
  flow.source.kind = EndpointKind::interface;
  flow.source.id = from.id;
  flow.destination.kind = EndpointKind::interface;
  flow.destination.id = to.id;
  return flow;
}

// The engine's word on a few member pairs: none of them may be allowed. (The index above decides;
// this keeps the check honest against the engine at the cost of a handful of point decisions.)
bool engine_denies_samples(const CheckContext& context, const GraphIndex& x, const ServiceMatch& s,
                           const Group& g, const Group& h) {
  constexpr std::size_t kSamples = 3;
  const Inventory& inv = context.inventory;
  const std::vector<std::uint32_t>& senders = x.node(g.id)->members;
  const std::vector<std::uint32_t>& receivers = x.node(h.id)->members;
  for (std::size_t i = 0; i < senders.size() && i < kSamples; ++i) {
    for (std::size_t j = 0; j < receivers.size() && j < kSamples; ++j) {
      if (senders[i] == receivers[j]) continue;
      const Flow flow = pair_flow(s, inv.interfaces[senders[i]], inv.interfaces[receivers[j]]);
      if (context.engine.verdict(flow) == Verdict::allow) return false;
    }
  }
  return true;
}

// An ingress rule of H admits group G on service S; G's members must be able to send S to H's
// members. With interfaces, every group a member of G carries counts, and the engine must deny a
// sample of member pairs (a whole set question per rule costs far too much at scale). Without
// interfaces, G's own egress rules are judged and the finding is marked unknown (members may
// carry other groups).
void check_one_sided(const CheckContext& context, const GraphIndex& x, const Group& h,
                     std::vector<Finding>& out) {
  const Inventory& inv = context.inventory;
  const bool known_members = !inv.interfaces.empty();
  for (const Rule& r : h.rules) {
    ServiceMatch service;
    if (!r.valid || r.direction != Direction::ingress || r.peer.kind != PeerKind::group ||
        x.state(inv, h, r) != RefState::usable || !rule_service(r, service)) {
      continue;
    }
    const Node* gn = x.node(r.peer.id);
    if (gn == nullptr || gn->group < 0) continue;
    const Group* g = &inv.groups[static_cast<std::size_t>(gn->group)];
    Receiver to;
    to.group = &h;
    to.known_members = known_members;
    std::vector<std::size_t> senders;
    if (known_members) {
      to.node = x.node(h.id);
      // Dormant rules (G has no members, or H none to receive) are not one-sided.
      if (gn->members.empty() || to.node == nullptr || to.node->members.empty()) continue;
      if (gn->carries_undefined) continue;  // a member's rules are unknown
      senders.assign(gn->carried_groups.begin(), gn->carried_groups.end());
      // Only the families both sides have addresses in can carry the service at all (icmpv6
      // between IPv4-only members is dormant, not one-sided).
      service.families &= gn->families & to.node->families;
      if (service.families == 0) continue;
    } else {
      to.vpc = inv.find_vpc(h.vpc_id);
      senders.push_back(static_cast<std::size_t>(gn->group));
    }
    Send verdict = Send::no;
    for (const std::size_t k : senders) {
      for (const EgressEntry& e : x.egress[k]) {
        const Send s = egress_sends(inv, e, service, to);
        if (s != Send::no) verdict = s;
        if (verdict == Send::yes) break;
      }
      if (verdict == Send::yes) break;
    }
    if (verdict != Send::no) continue;
    if (known_members && !engine_denies_samples(context, x, service, *g, h)) continue;
    const std::string service_name = service_text(r);
    std::string message = "ingress " + rule_text(r) + " is one-sided: ";
    message += known_members
                   ? "no member of " + group_label(inv, g->id) + " may send " + service_name +
                         " to " + group_label(inv, h.id)
                   : "the egress rules of " + group_label(inv, g->id) + " do not allow " +
                         service_name + " to " + group_label(inv, h.id) +
                         " (the inventory has no interfaces, so other groups on its members are "
                         "not known)";
    message += "; add that egress rule to " + g->id + ", or remove this rule";
    Finding f = rule_finding(inv, "SG304", std::move(message), h, r);
    f.unknown = !known_members;
    f.witness = rule_witness(r);
    f.related.push_back(inv.location(g->location));
    out.push_back(std::move(f));
  }
}

// ---- SG305 -------------------------------------------------------------------------------------

void check_prefix_lists(const Inventory& inv, const Group& g, std::vector<Finding>& out) {
  for (const Rule& r : g.rules) {
    if (!r.valid || r.peer.kind != PeerKind::prefix_list) continue;
    const PrefixList* pl = inv.find_prefix_list(r.peer.id);
    if (pl != nullptr && pl->entries_known) continue;
    const bool open = is_unresolved(r.peer.id);
    Finding f = rule_finding(
        inv, "SG305",
        open ? rule_text(r) + ": the addresses of this rule are " + r.peer.id +
                   ", decided only at deployment, so answers that depend on them are unknown; " +
                   kOpenValueAdvice
             : rule_text(r) + ": the entries of " + r.peer.id +
                   " were not supplied, so answers that depend on it are unknown; add `aws ec2 "
                   "get-managed-prefix-list-entries --prefix-list-id " +
                   r.peer.id + "` output",
        g, r);
    f.unknown = true;
    f.witness = rule_witness(r);
    out.push_back(std::move(f));
  }
}

}  // namespace

void run_graph_checks(const CheckContext& context, std::vector<Finding>& out) {
  const Inventory& inv = context.inventory;
  const ReferenceIndex refs(inv);
  const GraphIndex index = build_index(inv, refs);
  for (const Group& g : inv.groups) {
    check_references(inv, index, g, out);
    check_unused(inv, index, g, out);
    check_one_sided(context, index, g, out);
    check_prefix_lists(inv, g, out);
  }
  check_interface_groups(inv, index, out);
}

}  // namespace sgcheck::detail
