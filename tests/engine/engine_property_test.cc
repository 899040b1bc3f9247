// RapidCheck properties of the engine on random inventories and flows (generators.h): it agrees
// with the reference evaluator on point flows; set questions agree with the reference on every
// sampled point; adding a rule never turns an allow into a deny; rule, group and interface order
// change nothing. RC_PARAMS="max_success=…" scales the effort.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>

#include "generators.h"
#include "reference.h"
#include "sgcheck/engine.h"
#include "sgcheck/report.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;

RC_GTEST_PROP(EngineProperty, AgreesWithReferenceOnPointFlows, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  const Engine engine(inv);
  for (int i = 0; i < 20; ++i) {
    const Flow flow = *gen_point_flow();
    RC_ASSERT(flow.is_point());
    const Verdict expected = reference_verdict(inv, flow);
    RC_ASSERT(engine.verdict(flow) == expected);
    RC_ASSERT(engine.decide(flow).verdict == expected);
  }
}

// Some interfaces get a delegated prefix around a pool address (a /28, or a /124 in IPv6): it
// holds other interfaces' own addresses and addresses of none, so both lookups are exercised.
void delegate_prefixes(Inventory& inv) {
  for (Interface& x : inv.interfaces) {
    if (*rc::gen::inRange(0, 3) != 0) continue;
    const Family f = *rc::gen::element(Family::ipv4, Family::ipv6);
    const Address a = *gen_address(f);
    const std::uint8_t prefix = f == Family::ipv4 ? 28 : 124;
    const u128 host = (u128{1} << ((f == Family::ipv4 ? 32 : 128) - prefix)) - 1;
    x.delegated_prefixes.push_back(Cidr{a.bits & ~host, f, prefix});
  }
}

// Regression: an address in an interface's delegated prefix was outside the inventory, so a
// reference to the interface's group did not admit it.
RC_GTEST_PROP(EngineProperty, AgreesWithReferenceWithDelegatedPrefixes, ()) {
  Inventory inv = *gen_inventory(/*open_services=*/true);
  delegate_prefixes(inv);
  const Engine engine(inv);
  for (int i = 0; i < 20; ++i) {
    const Flow flow = *gen_point_flow();
    const Verdict expected = reference_verdict(inv, flow);
    RC_ASSERT(engine.verdict(flow) == expected);
    RC_ASSERT(engine.decide(flow).verdict == expected);
  }
}

// A point of a set flow, chosen at random inside it, as a point flow.
Flow sample_point(const Inventory& inv, const Flow& set, std::mt19937& rng) {
  Flow p = set;
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Service& s = p.service;
  if (s.protocol == kAllProtocols) {
    const int choices[] = {6, 17, 47, 50, 1, 58, 0, 200};
    s = Service{};
    s.protocol = choices[pick(0, 7)];
  }
  if (s.protocol == kTcp || s.protocol == kUdp) {
    const auto port = static_cast<std::uint16_t>(pick(s.ports.from, s.ports.to));
    s.ports = PortRange{port, port};
  }
  if (s.protocol == kIcmp || s.protocol == kIcmpv6) {
    if (s.icmp.type == -1) s.icmp.type = pick(0, 1) ? 8 : pick(0, 255);
    if (s.icmp.code == -1) s.icmp.code = pick(0, 1) ? 0 : pick(0, 255);
  }
  const Family family = [&] {
    for (const Endpoint* e : {&set.source, &set.destination}) {
      if (e->kind == EndpointKind::address || e->kind == EndpointKind::cidr) return e->cidr.family;
    }
    return set.service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
  }();
  if ((s.protocol == kIcmp && family == Family::ipv6) ||
      (s.protocol == kIcmpv6 && family == Family::ipv4)) {
    s.protocol = kTcp;
    s.ports = PortRange{22, 22};
  }
  for (Endpoint* e : {&p.source, &p.destination}) {
    if (e->kind == EndpointKind::cidr) {
      // Half the time an address of the inventory inside the block, else a random one.
      std::vector<Address> inside;
      for (const Interface& x : inv.interfaces) {
        for (const Address& a : x.private_ips)
          if (e->cidr.contains(a)) inside.push_back(a);
        for (const Address& a : x.public_ips)
          if (e->cidr.contains(a)) inside.push_back(a);
      }
      Address a{e->cidr.family, e->cidr.first()};
      if (!inside.empty() && pick(0, 1)) {
        a = inside[static_cast<std::size_t>(pick(0, static_cast<int>(inside.size()) - 1))];
      } else {
        const u128 span = e->cidr.last() - e->cidr.first();
        u128 r = (static_cast<u128>(rng()) << 96) ^ (static_cast<u128>(rng()) << 64) ^
                 (static_cast<u128>(rng()) << 32) ^ rng();
        a.bits = e->cidr.first() + (span == ~u128{0} ? r : r % (span + 1));
      }
      e->kind = EndpointKind::address;
      e->cidr =
          Cidr{a.bits, a.family, static_cast<std::uint8_t>(a.family == Family::ipv4 ? 32 : 128)};
    } else if (e->kind == EndpointKind::internet) {
      // Public addresses outside the generators' pools: never an interface's.
      const char* v4[] = {"8.8.8.8", "1.2.3.4"};
      const char* v6[] = {"2a00::1", "2600::99"};
      const Address a = family == Family::ipv4 ? addr(v4[pick(0, 1)]) : addr(v6[pick(0, 1)]);
      e->kind = EndpointKind::address;
      e->cidr =
          Cidr{a.bits, a.family, static_cast<std::uint8_t>(a.family == Family::ipv4 ? 32 : 128)};
    } else if (e->kind == EndpointKind::group) {
      std::vector<std::string> members;
      for (const Interface& x : inv.interfaces) {
        const bool has_family = std::any_of(x.private_ips.begin(), x.private_ips.end(),
                                            [&](const Address& a) { return a.family == family; });
        if (has_family && std::find(x.groups.begin(), x.groups.end(), e->id) != x.groups.end()) {
          members.push_back(x.id.str());
        }
      }
      if (members.empty()) return Flow{};  // no point to sample
      e->kind = EndpointKind::interface;
      e->id = members[static_cast<std::size_t>(pick(0, static_cast<int>(members.size()) - 1))];
    }
  }
  return p;
}

RC_GTEST_PROP(EngineProperty, SetAnswersAgreeWithReferenceOnSampledPoints, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  const Engine engine(inv);
  const Flow set = *gen_set_flow();
  const Decision d = engine.decide(set);
  RC_ASSERT(engine.verdict(set) == d.verdict);
  if (d.verdict == Verdict::partial) {
    RC_ASSERT(!d.allowed.empty());
    RC_ASSERT(!d.denied.empty() || !d.unknown.empty());
  }
  const bool too_large =
      d.reasons.size() == 1 && d.reasons[0].find("distinct cases") != std::string::npos;
  if (d.verdict == Verdict::partial || too_large) {
    return;
  }
  std::mt19937 rng(static_cast<unsigned>(*rc::gen::inRange(0, 1 << 30)));
  for (int i = 0; i < 10; ++i) {
    const Flow point = sample_point(inv, set, rng);
    if (point.service.protocol == kAllProtocols) continue;  // no member to sample
    RC_ASSERT(point.is_point());
    const Verdict ref = reference_verdict(inv, point);
    RC_LOG() << "set " << set.to_string() << " = " << verdict_name(d.verdict) << "; point "
             << point.to_string() << " = " << verdict_name(ref) << "\n"
             << dump_text(inv);
    if (d.verdict == Verdict::unknown && d.set_question) {
      RC_ASSERT(ref == Verdict::unknown || ref == Verdict::deny);  // deny and unknown parts mixed
    } else {
      RC_ASSERT(ref == d.verdict);
    }
  }
}

RC_GTEST_PROP(EngineProperty, AddingARuleNeverTakesAnAllowAway, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  RC_PRE(!inv.groups.empty());
  Inventory more = inv;
  const auto g = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, more.groups.size()));
  more.groups[g].rules.push_back(*gen_rule());
  const Engine before(inv), after(more);
  for (int i = 0; i < 20; ++i) {
    const Flow flow = *rc::gen::oneOf(gen_point_flow(), gen_set_flow());
    const Verdict v = before.verdict(flow);
    if (v == Verdict::allow) RC_ASSERT(after.verdict(flow) == Verdict::allow);
  }
}

RC_GTEST_PROP(EngineProperty, OrderChangesNothing, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  Inventory shuffled = inv;
  std::mt19937 rng(static_cast<unsigned>(*rc::gen::inRange(0, 1 << 30)));
  for (Group& g : shuffled.groups) std::shuffle(g.rules.begin(), g.rules.end(), rng);
  for (Interface& x : shuffled.interfaces) std::shuffle(x.groups.begin(), x.groups.end(), rng);
  for (PrefixList& pl : shuffled.prefix_lists)
    std::shuffle(pl.entries.begin(), pl.entries.end(), rng);
  const Engine a(inv), b(shuffled);
  for (int i = 0; i < 20; ++i) {
    const Flow flow = *rc::gen::oneOf(gen_point_flow(), gen_set_flow());
    const Decision da = a.decide(flow), db = b.decide(flow);
    RC_ASSERT(da.verdict == db.verdict);
    RC_ASSERT(da.egress.verdict == db.egress.verdict);
    RC_ASSERT(da.ingress.verdict == db.ingress.verdict);
    RC_ASSERT(da.allowed == db.allowed);
    RC_ASSERT(da.denied == db.denied);
  }
}

// A CIDR of one address is the same question as the address.
RC_GTEST_PROP(EngineProperty, HostBlockAnswersLikeTheAddress, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  const Engine engine(inv);
  Flow flow = *gen_point_flow();
  if (flow.source.kind != EndpointKind::address) {
    const Family f = flow.destination.kind == EndpointKind::address ? flow.destination.cidr.family
                     : flow.service.protocol == kIcmpv6             ? Family::ipv6
                                                                    : Family::ipv4;
    const Address a = *gen_address(f);
    flow.source.kind = EndpointKind::address;
    flow.source.cidr =
        Cidr{a.bits, a.family, static_cast<std::uint8_t>(f == Family::ipv4 ? 32 : 128)};
  }
  Flow as_block = flow;
  as_block.source.kind = EndpointKind::cidr;
  RC_ASSERT(engine.decide(as_block).verdict == engine.verdict(flow));
}

}  // namespace
}  // namespace sgcheck
