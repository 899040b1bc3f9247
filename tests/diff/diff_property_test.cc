// RapidCheck properties of `sgcheck diff` (diff_inventories()) on random inventories
// (tests/engine/generators.h), on `gen` inventories, and on random mutations of them: an
// inventory against itself differs in nothing; a sampled flow between an outside address and an
// interface is reported newly admitted exactly when the reference evaluator allows it on NEW and
// not on OLD (and no longer admitted the other way round); reordering rules and splitting or
// merging CIDRs changes no access. RC_PARAMS="max_success=…" scales the effort.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "../engine/generators.h"
#include "../engine/reference.h"
#include "sgcheck/diff.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;

DiffResult diff(const Inventory& a, const Inventory& b) {
  return diff_inventories(a, b, DiffOptions{});
}

bool empty_diff(const DiffResult& r) {
  return r.groups.empty() && r.interfaces.empty() && r.new_findings.empty() &&
         r.fixed_findings.empty() && !r.admits_new();
}

// A small `gen` inventory, as the benchmarks' inventories are made.
Inventory generated(std::uint64_t seed) {
  GenOptions options;
  options.seed = seed;
  options.groups = 12;
  options.interfaces = 20;
  options.rules_per_group = 6;
  const GenResult gen = generate_inventory(options);
  return load_inventory_from_buffers(gen.files).inventory;
}

// One random change: a rule added, removed, moved to another group, its CIDR split in two or its
// ports changed; a group attached to or detached from an interface.
void mutate_once(Inventory& inv) {
  if (inv.groups.empty()) return;
  Group& g = inv.groups[*rc::gen::inRange<std::size_t>(0, inv.groups.size())];
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      g.rules.push_back(*gen_rule());
      return;
    case 1:
      if (!g.rules.empty())
        g.rules.erase(g.rules.begin() + *rc::gen::inRange<long>(0, g.rules.size()));
      return;
    case 2: {
      Group& to = inv.groups[*rc::gen::inRange<std::size_t>(0, inv.groups.size())];
      if (g.rules.empty() || &to == &g) return;
      const auto at = g.rules.begin() + *rc::gen::inRange<long>(0, g.rules.size());
      to.rules.push_back(*at);
      g.rules.erase(at);
      return;
    }
    case 3:
      for (Rule& r : g.rules) {
        if (r.peer.kind != PeerKind::cidr4 || r.peer.cidr.prefix < 8) continue;
        r.peer.cidr.prefix = static_cast<std::uint8_t>(r.peer.cidr.prefix - 8);
        r.peer.cidr.base &= ~((u128{1} << (32 - r.peer.cidr.prefix)) - 1);
        return;
      }
      return;
    case 4:
      for (Rule& r : g.rules) {
        if (r.protocol != kTcp || !r.to_port) continue;
        r.to_port = *r.to_port + *rc::gen::inRange(1, 3000);
        if (*r.to_port > 65535) r.to_port = 65535;
        return;
      }
      return;
    default: {
      if (inv.interfaces.empty()) return;
      Interface& x = inv.interfaces[*rc::gen::inRange<std::size_t>(0, inv.interfaces.size())];
      if (!x.groups.empty() && *rc::gen::arbitrary<bool>())
        x.groups.pop_back();
      else
        x.groups.push_back(g.id);
      return;
    }
  }
}

Inventory mutated(Inventory inv) {
  for (int n = *rc::gen::inRange(1, 4); n > 0; --n) mutate_once(inv);
  return inv;
}

// Whether a piece list of the interface holds (protocol, key) from/to `address`.
bool holds(const std::vector<AccessPiece>& pieces, const Address& address, int protocol, int key) {
  for (const AccessPiece& p : pieces) {
    if (!p.symbolic.empty() || p.family != address.family) continue;
    if (std::none_of(p.cidrs.begin(), p.cidrs.end(),
                     [&](const Cidr& c) { return c.contains(address); }))
      continue;
    for (const ViolationPart& part : p.parts)
      if (part.protocol_first <= protocol && protocol <= part.protocol_last && part.lo <= key &&
          key <= part.hi)
        return true;
  }
  return false;
}

const SubjectDiff* interface_diff(const DiffResult& r, const std::string& id) {
  for (const SubjectDiff& d : r.interfaces)
    if (d.label == id) return &d;
  return nullptr;
}

// The key a point service matches on: the port, ICMP type*256+code, or 0.
int service_key(const Service& s) {
  if (s.protocol == kTcp || s.protocol == kUdp) return s.ports.from;
  if (s.protocol == kIcmp || s.protocol == kIcmpv6) return s.icmp.type * 256 + s.icmp.code;
  return 0;
}

// An address no interface of either side has (private, public or delegated): outside both.
bool outside(const Inventory& inv, const Address& a) {
  for (const Interface& x : inv.interfaces) {
    if (std::find(x.private_ips.begin(), x.private_ips.end(), a) != x.private_ips.end())
      return false;
    if (std::find(x.public_ips.begin(), x.public_ips.end(), a) != x.public_ips.end()) return false;
    for (const Cidr& c : x.delegated_prefixes)
      if (c.contains(a)) return false;
  }
  return true;
}

bool has_private(const Inventory& inv, const std::string& id, Family f) {
  const Interface* x = inv.find_interface(id);
  return x != nullptr && std::any_of(x->private_ips.begin(), x->private_ips.end(),
                                     [&](const Address& a) { return a.family == f; });
}

// Samples flows between an outside address and an interface known to both sides and checks the
// report against the reference's verdicts on each side.
void check_sampled_flows(const Inventory& before, const Inventory& after) {
  if (before.interfaces.empty() || after.interfaces.empty()) return;
  const DiffResult r = diff(before, after);
  for (int i = 0; i < 30; ++i) {
    const Family f = *rc::gen::element(Family::ipv4, Family::ipv6);
    const Address a = *gen_address(f);
    const Interface& x = *rc::gen::elementOf(after.interfaces);
    if (!outside(before, a) || !outside(after, a) || before.find_interface(x.id) == nullptr ||
        !has_private(before, x.id.str(), f) || !has_private(after, x.id.str(), f))
      continue;
    const Service s = *gen_point_service(f);
    const bool inbound = *rc::gen::arbitrary<bool>();
    const std::string outer = to_string(a);
    const std::string text = s.to_string() + (inbound ? " from " + outer + " to " + x.id
                                                      : " from " + x.id + " to " + outer);
    const FlowParseResult flow = parse_flow(text);
    RC_ASSERT(flow.flow.has_value());
    const bool was = reference_verdict(before, *flow.flow) == Verdict::allow;
    const bool now = reference_verdict(after, *flow.flow) == Verdict::allow;
    const SubjectDiff* d = interface_diff(r, x.id.str());
    const int key = service_key(s);
    const bool reported_added =
        d != nullptr && holds(inbound ? d->ingress_added : d->egress_added, a, s.protocol, key);
    const bool reported_removed =
        d != nullptr && holds(inbound ? d->ingress_removed : d->egress_removed, a, s.protocol, key);
    RC_LOG() << text << ": was " << was << ", now " << now << "\n";
    RC_ASSERT(reported_added == (now && !was));
    RC_ASSERT(reported_removed == (was && !now));
  }
}

RC_GTEST_PROP(DiffProperty, SameInventoryDiffersInNothing, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  RC_ASSERT(empty_diff(diff(inv, inv)));
}

TEST(DiffProperty, GeneratedInventoryDiffersInNothingFromItself) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Inventory inv = generated(seed);
    ASSERT_FALSE(inv.groups.empty());
    EXPECT_TRUE(empty_diff(diff(inv, inv))) << "seed " << seed;
  }
}

RC_GTEST_PROP(DiffProperty, SampledFlowsAgreeWithReference, ()) {
  const Inventory before = *gen_inventory();
  check_sampled_flows(before, mutated(before));
}

RC_GTEST_PROP(DiffProperty, SampledFlowsAgreeWithReferenceOnGenerated, ()) {
  const Inventory before = generated(*rc::gen::inRange<std::uint64_t>(1, 4));
  check_sampled_flows(before, mutated(before));
}

// Each group's rules shuffled, and (with `split`) some IPv4 CIDR rules split in two halves;
// compared both ways, the halves are merged back: the same packets from the same peers.
Inventory respelled(Inventory inv, bool split) {
  for (Group& g : inv.groups) {
    std::vector<Rule> rules;
    for (const Rule& r : g.rules) {
      if (split && r.peer.kind == PeerKind::cidr4 && r.peer.cidr.prefix < 32 &&
          *rc::gen::arbitrary<bool>()) {
        Rule lo = r, hi = r;
        lo.peer.cidr.prefix = hi.peer.cidr.prefix =
            static_cast<std::uint8_t>(r.peer.cidr.prefix + 1);
        hi.peer.cidr.base = r.peer.cidr.base | (u128{1} << (31 - r.peer.cidr.prefix));
        rules.push_back(lo);
        rules.push_back(hi);
      } else {
        rules.push_back(r);
      }
    }
    // A random permutation: each rule swapped with one at or after it.
    for (std::size_t i = 0; i + 1 < rules.size(); ++i)
      std::swap(rules[i], rules[*rc::gen::inRange<std::size_t>(i, rules.size())]);
    g.rules = std::move(rules);
  }
  return inv;
}

RC_GTEST_PROP(DiffProperty, ReorderingSplittingOrMergingChangesNoAccess, ()) {
  const Inventory a = *gen_inventory();
  const Inventory split = respelled(a, /*split=*/true);
  for (const auto& [before, after] : {std::pair{&a, &split}, std::pair{&split, &a}}) {
    const DiffResult r = diff(*before, *after);
    for (const SubjectDiff& d : r.groups) RC_ASSERT(!d.access_changed());
    RC_ASSERT(r.interfaces.empty());
    RC_ASSERT(!r.admits_new());
  }
}

}  // namespace
}  // namespace sgcheck
