// The built-in reference and graph checks SG301–SG306 (product.md §7): undefined, unreachable and
// unused groups, one-sided pairs, prefix lists without entries, interfaces carrying another VPC's
// group. The inventory is indexed once (ids to node numbers, members, co-carried groups, addresses,
// the rules each check reads); references are classified and VPCs numbered by the inventory's
// Semantics, and SG304's cross-check asks point_allows() (semantics/admits.h), so lint never
// compiles the engine. Entry point: run_graph_checks().
#include "lint/check_support.h"
#include "semantics/admits.h"
#include "semantics/labels.h"

namespace sgcheck::detail {
namespace {

// What to do about a template value left to deployment (SG301, SG305).
constexpr const char* kOpenValueAdvice =
    "give the value a default, or lint the deployed groups' describe output";

// One group id as the interfaces and rules see it (defined or not), numbered by GraphIndex::ids.
struct Node {
  std::int32_t group = -1;                    // index into Inventory::groups; -1 when not defined
  std::vector<std::uint32_t> members;         // interfaces carrying it
  std::vector<std::uint32_t> carried;         // nodes of every group one of its members carries
  std::vector<std::uint32_t> carried_groups;  // their indexes into Inventory::groups
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
  std::uint32_t target = 0;          // the node of a group peer
  const PrefixList* list = nullptr;  // a prefix-list peer, when the inventory defines it
  // rule_uncertain(): `service` is what the rule might send (an open service, an undecided
  // template condition), so where it would send, it only may.
  bool uncertain = false;
};

// Built once: a node per group id, every reference classified, egress rules compiled per group.
// Ids are resolved to node numbers once, here; the checks compare numbers.
struct GraphIndex {
  const Semantics* sem = nullptr;
  IdIndex ids;  // group id → node
  std::vector<Node> nodes;
  std::vector<std::uint32_t> group_node;         // [group]
  std::vector<std::uint32_t> rule_base;          // [group]: its rules' first slot in the two below
  std::vector<RefState> ref_state;               // [rule_base[group] + rule]
  std::vector<std::uint32_t> peer_node;          // [rule_base[group] + rule]: a group peer's node
  std::vector<std::vector<EgressEntry>> egress;  // [group]
  std::vector<std::uint32_t> interface_nodes;    // each interface's groups' nodes, in order
  // VPCs as Semantics numbers them, so that SG303 and SG306 compare numbers instead of reading
  // each group's vpc_id string (a cache miss per interface and group).
  std::vector<std::uint32_t> interface_vpc;  // [interface]
  std::vector<bool> vpc_has_interfaces;      // [VPC number]
  // The rules each check reports on or judges, as slots in group and rule order, found in the one
  // pass over the rules here so that the checks do not read every rule again: valid references
  // to an undefined or unpeered target (SG301, SG302), valid usable ingress references with a
  // service (SG304), valid prefix-list peers without known entries (SG305).
  std::vector<std::uint32_t> bad_references;
  std::vector<std::uint32_t> one_sided_candidates;
  std::vector<std::uint32_t> open_prefix_lists;

  // A VPC number is one of the VPCs Semantics numbers (not kNoVpc, not kOtherVpc).
  bool numbered(std::uint32_t vpc) const { return vpc < vpc_has_interfaces.size(); }
  std::uint32_t node_of(std::string_view id) {
    bool inserted = false;
    const std::uint32_t n = ids.insert(id, static_cast<std::uint32_t>(nodes.size()), inserted);
    if (inserted) nodes.emplace_back();
    return n;
  }
  std::size_t slot(const Inventory& inv, const Group& g, const Rule& r) const {
    return rule_base[static_cast<std::size_t>(&g - inv.groups.data())] +
           static_cast<std::size_t>(&r - g.rules.data());
  }
  RefState state(const Inventory& inv, const Group& g, const Rule& r) const {
    return ref_state[slot(inv, g, r)];
  }
  // The rules of group `g` in one of the lists above, by index into its rules.
  template <typename F>
  void each_rule(const std::vector<std::uint32_t>& list, const Inventory& inv, const Group& g,
                 F&& f) const {
    const auto gi = static_cast<std::size_t>(&g - inv.groups.data());
    const std::uint32_t base = rule_base[gi];
    const auto end = static_cast<std::uint32_t>(base + g.rules.size());
    for (auto it = std::lower_bound(list.begin(), list.end(), base); it != list.end() && *it < end;
         ++it) {
      f(g.rules[*it - base]);
    }
  }
};

GraphIndex build_index(const Inventory& inv, const Semantics& sem) {
  GraphIndex x;
  x.sem = &sem;
  x.vpc_has_interfaces.assign(sem.vpc_count(), false);
  x.ids.reserve(inv.groups.size());
  x.nodes.reserve(inv.groups.size());
  x.group_node.resize(inv.groups.size());
  x.rule_base.resize(inv.groups.size());
  x.egress.resize(inv.groups.size());
  std::size_t rules = 0;
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    x.rule_base[gi] = static_cast<std::uint32_t>(rules);
    rules += inv.groups[gi].rules.size();
  }
  x.ref_state.assign(rules, RefState::usable);
  x.peer_node.assign(rules, 0);
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    const Group& g = inv.groups[gi];
    const std::uint32_t own = x.node_of(g.id);
    x.group_node[gi] = own;
    x.nodes[own].group = static_cast<std::int32_t>(gi);  // the last of equal ids
  }
  for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
    const Group& g = inv.groups[gi];
    for (std::size_t ri = 0; ri < g.rules.size(); ++ri) {
      const Rule& r = g.rules[ri];
      const std::size_t at = x.rule_base[gi] + ri;
      const auto slot = static_cast<std::uint32_t>(at);
      if (r.peer.kind == PeerKind::group) {
        x.ref_state[at] = sem.classify(g, r);
        x.peer_node[at] = x.node_of(r.peer.id);
        if (x.peer_node[at] != x.group_node[gi]) x.nodes[x.peer_node[at]].referenced = true;
      }
      if (!r.valid) continue;
      const PrefixList* list =
          r.peer.kind == PeerKind::prefix_list ? sem.find_prefix_list(r.peer.id) : nullptr;
      ServiceMatch s;
      const RuleServiceKind kind = service_of(r, s);
      if (r.direction == Direction::egress && kind != RuleServiceKind::none) {
        x.egress[gi].push_back(
            {s, &r, x.ref_state[at], x.peer_node[at], list, kind == RuleServiceKind::uncertain});
      }
      if (r.peer.kind == PeerKind::group) {
        const RefState state = x.ref_state[at];
        if (state == RefState::undefined || state == RefState::unpeered) {
          x.bad_references.push_back(slot);
        }
        if (r.direction == Direction::ingress && state == RefState::usable &&
            kind == RuleServiceKind::settled) {
          x.one_sided_candidates.push_back(slot);
        }
      } else if (r.peer.kind == PeerKind::prefix_list) {
        if (list == nullptr || !list->entries_known) x.open_prefix_lists.push_back(slot);
      }
    }
  }
  x.interface_vpc.reserve(inv.interfaces.size());
  for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& e = inv.interfaces[i];
    x.interface_vpc.push_back(sem.vpc_number(e.vpc_id));
    if (x.numbered(x.interface_vpc.back())) x.vpc_has_interfaces[x.interface_vpc.back()] = true;
    const std::size_t first = x.interface_nodes.size();
    for (const Name& g : e.groups) x.interface_nodes.push_back(x.node_of(g));
    const std::size_t last = x.interface_nodes.size();
    for (std::size_t k = first; k < last; ++k) {
      Node& n = x.nodes[x.interface_nodes[k]];
      n.members.push_back(i);
      n.carried.insert(n.carried.end(),
                       x.interface_nodes.begin() + static_cast<std::ptrdiff_t>(first),
                       x.interface_nodes.begin() + static_cast<std::ptrdiff_t>(last));
      for (const Address& a : e.private_ips) {
        n.addresses[family_index(a.family)].push_back(a.bits);
        n.families |= family_bit(a.family);
      }
    }
  }
  for (Node& n : x.nodes) {
    std::sort(n.carried.begin(), n.carried.end());
    n.carried.erase(std::unique(n.carried.begin(), n.carried.end()), n.carried.end());
    for (auto& list : n.addresses) std::sort(list.begin(), list.end());
  }
  // Resolved once per node rather than once per rule that references the group (SG304).
  for (Node& n : x.nodes) {
    for (const std::uint32_t k : n.carried) {
      const std::int32_t group = x.nodes[k].group;
      if (group < 0)
        n.carries_undefined = true;
      else
        n.carried_groups.push_back(static_cast<std::uint32_t>(group));
    }
  }
  return x;
}

// ---- SG301, SG302 ------------------------------------------------------------------------------

// A peer a template leaves to the deployment (ingest names it "unresolved(Ref X)", docs/iac.md).
bool is_unresolved(std::string_view id) {
  return id.rfind("unresolved(", 0) == 0;
}

// One finding per reference at most: stale links are SG205's (checks_hygiene.cc), a reference
// across VPCs with no peering is SG302 even when the target is also undefined (the engine then
// matches nothing, so the answer is not unknown), and an undefined target otherwise is SG301.
void check_references(const Inventory& inv, const GraphIndex& x, const Group& g,
                      std::vector<Finding>& out) {
  x.each_rule(x.bad_references, inv, g, [&](const Rule& r) {
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
      f.witness = std::make_shared<const Witness>(rule_witness(r));
      out.push_back(std::move(f));
    } else if (state == RefState::unpeered) {
      const Group* target = inv.find_group(r.peer.id);
      const Name target_vpc = target != nullptr ? target->vpc_id : r.peer.vpc_id();
      Finding f =
          rule_finding(inv, "SG302",
                       rule_text(r) + " references a group of " + target_vpc + " from " + g.vpc_id +
                           ", but no active peering of the two VPCs is in the inventory, "
                           "so it matches nothing; add the peering's describe output, or "
                           "use CIDRs",
                       g, r);
      if (target != nullptr) f.related.push_back(inv.location(target->location));
      f.witness = std::make_shared<const Witness>(rule_witness(r));
      out.push_back(std::move(f));
    }
  });
}

// Interfaces that carry a group the inventory does not define: answers about them are unknown.
void check_interface_groups(const Inventory& inv, const GraphIndex& x, std::vector<Finding>& out) {
  std::size_t at = 0;  // the interface's first node in x.interface_nodes
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& e = inv.interfaces[i];
    for (const Name& gid : e.groups) {
      const Node& n = x.nodes[x.interface_nodes[at++]];
      const Group* g = n.group >= 0 ? &inv.groups[static_cast<std::size_t>(n.group)] : nullptr;
      const std::uint32_t group_vpc =
          g != nullptr ? x.sem->group_vpc(static_cast<std::size_t>(n.group)) : Semantics::kNoVpc;
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
      } else if (group_vpc != Semantics::kNoVpc && x.interface_vpc[i] != Semantics::kNoVpc &&
                 group_vpc != x.interface_vpc[i]) {
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
  const auto gi = static_cast<std::size_t>(&g - inv.groups.data());
  const std::uint32_t vpc = x.sem->group_vpc(gi);
  if (vpc != Semantics::kNoVpc && !x.vpc_has_interfaces[vpc]) return;
  const Node& n = x.nodes[x.group_node[gi]];
  if (!n.members.empty() || n.referenced) return;
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
  std::uint32_t group_node = 0;  // H's node
  bool known_members = false;
  const Node* node = nullptr;  // with interfaces
  const Vpc* vpc = nullptr;    // without
  bool carries(std::uint32_t group) const {
    return node != nullptr && std::binary_search(node->carried.begin(), node->carried.end(), group);
  }
};

// Whether egress rule `e` (of a group carried by a member of G) lets `service` go to some member
// of H. With interfaces: against H's members' addresses and the groups they carry. Without: the
// addresses H's members may have (its VPC's blocks, or any) and only a reference to H itself is
// sure; a reference to another group might match (H's members could carry it) and counts as yes.
// An uncertain rule's yes is unknown (see egress_sends()).
Send settled_egress_sends(const EgressEntry& entry, const ServiceMatch& service,
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
      const PrefixList* pl = entry.list;
      if (pl == nullptr || !pl->entries_known) return Send::unknown;
      for (const Cidr& c : pl->entries)
        if (hits(c)) return Send::yes;
      return Send::no;
    }
    case PeerKind::group: {
      const RefState state = entry.state;
      if (state == RefState::unpeered || is_stale(state)) return Send::no;
      if (state == RefState::undefined) return Send::unknown;
      if (entry.target == to.group_node || !to.known_members) return Send::yes;
      return to.carries(entry.target) ? Send::yes : Send::no;
    }
  }
  return Send::unknown;
}

Send egress_sends(const EgressEntry& entry, const ServiceMatch& service, const Receiver& to) {
  const Send s = settled_egress_sends(entry, service, to);
  return entry.uncertain && s == Send::yes ? Send::unknown : s;
}

// One packet of the rule's service (its lowest port or ICMP type:code; tcp for `all`) from one
// interface to another, as the point flow a caller of the engine would ask about.
Packet pair_packet(const ServiceMatch& s) {
  Packet p;
  p.protocol = s.protocol == kAllProtocols ? kTcp : s.protocol;
  const bool keyed =
      p.protocol == kTcp || p.protocol == kUdp || p.protocol == kIcmp || p.protocol == kIcmpv6;
  p.key = keyed ? s.lo : 0;
  p.family = p.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
  return p;
}

// The engine's word on a few member pairs: none of them may be allowed. (The index above decides;
// this keeps the check honest at the cost of a handful of point decisions: a marked_stale
// reference may still match for the engine.) point_allows() answers as Engine::verdict() would,
// from the rules of the pair's groups, so the inventory is not compiled.
bool engine_denies_samples(const Semantics& sem, const ServiceMatch& s, const Node& g,
                           const Node& h) {
  constexpr std::size_t kSamples = 3;
  const Packet packet = pair_packet(s);
  for (std::size_t i = 0; i < g.members.size() && i < kSamples; ++i) {
    for (std::size_t j = 0; j < h.members.size() && j < kSamples; ++j) {
      if (g.members[i] == h.members[j]) continue;
      if (point_allows(sem, g.members[i], h.members[j], packet)) return false;
    }
  }
  return true;
}

// An ingress rule of H admits group G on service S; G's members must be able to send S to H's
// members. With interfaces, every group a member of G carries counts, and the engine must deny a
// sample of member pairs (a whole set question per rule costs far too much at scale). Without
// interfaces, G's own egress rules are judged and the finding is marked unknown (members may
// carry other groups).
void check_one_sided(const Inventory& inv, const GraphIndex& x, const Group& h,
                     std::vector<Finding>& out) {
  const bool known_members = !inv.interfaces.empty();
  x.each_rule(x.one_sided_candidates, inv, h, [&](const Rule& r) {
    ServiceMatch service;
    rule_service(r, service);  // a candidate has one
    const Node* gn = &x.nodes[x.peer_node[x.slot(inv, h, r)]];
    if (gn->group < 0) return;
    const Group* g = &inv.groups[static_cast<std::size_t>(gn->group)];
    Receiver to;
    to.group_node = x.group_node[static_cast<std::size_t>(&h - inv.groups.data())];
    to.known_members = known_members;
    // The groups whose egress rules may send: every group a member of G carries, or G's own.
    const std::uint32_t own = static_cast<std::uint32_t>(gn->group);
    const std::uint32_t* senders = &own;
    std::size_t sender_count = 1;
    if (known_members) {
      to.node = &x.nodes[to.group_node];
      // Dormant rules (G has no members, or H none to receive) are not one-sided.
      if (gn->members.empty() || to.node->members.empty()) return;
      if (gn->carries_undefined) return;  // a member's rules are unknown
      senders = gn->carried_groups.data();
      sender_count = gn->carried_groups.size();
      // Only the families both sides have addresses in can carry the service at all (icmpv6
      // between IPv4-only members is dormant, not one-sided).
      service.families &= gn->families & to.node->families;
      if (service.families == 0) return;
    } else {
      to.vpc = inv.find_vpc(h.vpc_id);
    }
    Send verdict = Send::no;
    for (std::size_t i = 0; i < sender_count; ++i) {
      for (const EgressEntry& e : x.egress[senders[i]]) {
        const Send s = egress_sends(e, service, to);
        if (s != Send::no) verdict = s;
        if (verdict == Send::yes) break;
      }
      if (verdict == Send::yes) break;
    }
    if (verdict != Send::no) return;
    if (known_members && !engine_denies_samples(*x.sem, service, *gn, *to.node)) return;
    const std::string service_name = service_notation(r);
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
    f.witness = std::make_shared<const Witness>(rule_witness(r));
    f.related.push_back(inv.location(g->location));
    out.push_back(std::move(f));
  });
}

// ---- SG305 -------------------------------------------------------------------------------------

void check_prefix_lists(const Inventory& inv, const GraphIndex& x, const Group& g,
                        std::vector<Finding>& out) {
  x.each_rule(x.open_prefix_lists, inv, g, [&](const Rule& r) {
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
    f.witness = std::make_shared<const Witness>(rule_witness(r));
    out.push_back(std::move(f));
  });
}

}  // namespace

void run_graph_checks(const CheckContext& context, std::vector<Finding>& out) {
  const Inventory& inv = context.inventory;
  const GraphIndex index = build_index(inv, context.semantics.get());
  for (const Group& g : inv.groups) {
    check_references(inv, index, g, out);
    check_unused(inv, index, g, out);
    check_one_sided(inv, index, g, out);
    check_prefix_lists(inv, index, g, out);
  }
  check_interface_groups(inv, index, out);
}

}  // namespace sgcheck::detail
