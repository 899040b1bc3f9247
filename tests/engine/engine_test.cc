// The engine's semantics, one behaviour per test, on inventories built in code (aws-semantics.md
// §1.2–§2.5, product.md §3, §5): protocols and ports, ICMP, families, references (private paths
// only, self, cross-VPC), prefix lists, three-valued answers, egress from the data, set questions,
// and the explanations. Every verdict is also checked against the reference evaluator.
#include <gtest/gtest.h>

#include <map>

#include "builders.h"
#include "reference.h"
#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;
constexpr Direction kIn = Direction::ingress;
constexpr Direction kOut = Direction::egress;

// A two-interface VPC: web (sg-0a, 10.0.0.10, public 198.51.100.10) and db (sg-0b, 10.0.1.20).
// Egress of both is open; web admits tcp/443 from anywhere, db admits tcp/5432 from sg-0a.
Inventory two_tier() {
  Inventory inv;
  inv.groups.push_back(
      group("sg-0a", "vpc-1",
            {cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0", "sgr-0a1"),
             cidr_rule(kOut, -1, std::nullopt, std::nullopt, "0.0.0.0/0", "sgr-0a2")},
            "web"));
  inv.groups.push_back(
      group("sg-0b", "vpc-1",
            {ref_rule(kIn, 6, 5432, 5432, "sg-0a", "sgr-0b1"),
             cidr_rule(kOut, -1, std::nullopt, std::nullopt, "0.0.0.0/0", "sgr-0b2")},
            "db"));
  inv.interfaces.push_back(
      iface("eni-0a", "vpc-1", {"sg-0a"}, {"10.0.0.10"}, {"198.51.100.10"}, "i-0a"));
  inv.interfaces.push_back(iface("eni-0b", "vpc-1", {"sg-0b"}, {"10.0.1.20"}));
  return finish(std::move(inv));
}

Flow flow(const std::string& text) {
  FlowParseResult r = parse_flow(text);
  EXPECT_TRUE(r) << text << ": " << format_diagnostic(r.error);
  return r ? *r.flow : Flow{};
}

// The engine's verdict, after checking that decide(), verdict() and (for points) the reference
// agree.
Verdict check(const Inventory& inv, const std::string& text) {
  const Engine engine(inv);
  const Flow f = flow(text);
  const Decision d = engine.decide(f);
  EXPECT_EQ(engine.verdict(f), d.verdict) << text;
  if (f.is_point()) {
    EXPECT_EQ(reference_verdict(inv, f), d.verdict) << text;
  }
  return d.verdict;
}

TEST(Engine, IngressFromAnywhere) {
  const Inventory inv = two_tier();
  EXPECT_EQ(check(inv, "tcp/443 from 203.0.113.9 to eni-0a"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from 203.0.113.9 to 10.0.0.10"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from 203.0.113.9 to i-0a"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/22 from 203.0.113.9 to eni-0a"), Verdict::deny);
  EXPECT_EQ(check(inv, "udp/443 from 203.0.113.9 to eni-0a"), Verdict::deny);
}

TEST(Engine, SidesAndRules) {
  const Inventory inv = two_tier();
  const Decision d = Engine(inv).decide(flow("tcp/443 from 203.0.113.9 to eni-0a"));
  EXPECT_EQ(d.egress.verdict, Verdict::not_applicable);
  EXPECT_EQ(d.ingress.verdict, Verdict::allow);
  ASSERT_EQ(d.ingress.rules.size(), 1u);
  EXPECT_EQ(inv.groups[d.ingress.rules[0].group].rules[d.ingress.rules[0].rule].id, "sgr-0a1");
  EXPECT_EQ(describe_rule(inv, d.ingress.rules[0]), "tcp/443 from 0.0.0.0/0");
  EXPECT_TRUE(d.reasons.empty());
}

TEST(Engine, GroupReferenceMatchesMembersPrivateAddressesOnly) {
  const Inventory inv = two_tier();
  EXPECT_EQ(check(inv, "tcp/5432 from eni-0a to eni-0b"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/5432 from 10.0.0.10 to 10.0.1.20"), Verdict::allow);
  // web's public address: a translated path, the reference does not match.
  EXPECT_EQ(check(inv, "tcp/5432 from 198.51.100.10 to eni-0b"), Verdict::deny);
  // Anyone else: not a member.
  EXPECT_EQ(check(inv, "tcp/5432 from 10.0.0.99 to eni-0b"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/5432 from eni-0b to eni-0b"), Verdict::deny);
}

TEST(Engine, PublicAddressOfDestinationIsTranslated) {
  Inventory inv = two_tier();
  inv.groups[0].rules.push_back(ref_rule(kIn, 6, 22, 22, "sg-0b"));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/22 from eni-0b to eni-0a"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/22 from eni-0b to 198.51.100.10"), Verdict::deny);
}

TEST(Engine, EgressIsWhatTheDataSays) {
  Inventory inv = two_tier();
  inv.groups[1].rules.pop_back();  // db: no egress rule at all
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/443 from eni-0b to eni-0a"), Verdict::deny);
  const Decision d = Engine(inv).decide(flow("tcp/443 from eni-0b to eni-0a"));
  EXPECT_EQ(d.egress.verdict, Verdict::deny);
  EXPECT_EQ(d.ingress.verdict, Verdict::allow);
}

TEST(Engine, ProtocolAllAndOtherNumbersIgnorePorts) {
  Inventory inv;
  inv.groups.push_back(group(
      "sg-01", "vpc-1",
      {cidr_rule(kIn, -1, 80, 80, "10.0.0.0/8"), cidr_rule(kIn, 50, 500, 500, "192.0.2.0/24")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.9.9.9"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/22 from 10.1.1.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "proto/47 from 10.1.1.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "proto/50 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "proto/51 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/500 from 192.0.2.1 to eni-01"), Verdict::deny);
}

TEST(Engine, IcmpTypeAndCodeWithWildcards) {
  Inventory inv;
  inv.groups.push_back(
      group("sg-01", "vpc-1",
            {cidr_rule(kIn, 1, 8, -1, "0.0.0.0/0"), cidr_rule(kIn, 1, 3, 4, "0.0.0.0/0"),
             cidr_rule(kIn, 58, -1, -1, "::/0")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1", "2001:db8::1"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "icmp/8:0 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmp/8:5 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmp/3:4 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmp/3:3 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "icmp/0:0 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "icmpv6/128:0 from 2001:db8::9 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmpv6/1:0 from 2001:db8::9 to 2001:db8::1"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmp/8 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "icmp/3 from 192.0.2.1 to eni-01"), Verdict::partial);
}

TEST(Engine, FamiliesNeverCross) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1",
                             {cidr_rule(kIn, 1, -1, -1, "::/0"),        // icmp + IPv6: nothing
                              cidr_rule(kIn, 58, -1, -1, "0.0.0.0/0"),  // icmpv6 + IPv4: nothing
                              cidr_rule(kIn, 6, 22, 22, "::/0")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1", "2001:db8::1"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "icmp/8:0 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "icmpv6/128:0 from 2001:db8::9 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/22 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/22 from 2001:db8::9 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/22 from 2001:db8::9 to 2001:db8::1"), Verdict::allow);
}

TEST(Engine, SelfReference) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1",
                             {ref_rule(kIn, -1, std::nullopt, std::nullopt, "sg-01"),
                              ref_rule(kOut, -1, std::nullopt, std::nullopt, "sg-01")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1", "2001:db8::1"}));
  inv.interfaces.push_back(iface("eni-02", "vpc-1", {"sg-01"}, {"10.0.0.2", "2001:db8::2"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "udp/53 from eni-01 to eni-02"), Verdict::allow);
  EXPECT_EQ(check(inv, "udp/53 from 2001:db8::1 to 2001:db8::2"), Verdict::allow);
  EXPECT_EQ(check(inv, "udp/53 from eni-01 to 10.0.0.3"), Verdict::deny);
}

TEST(Engine, CrossVpcReferenceNeedsActivePeering) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1", {ref_rule(kIn, 6, 22, 22, "sg-02")}));
  inv.groups.push_back(group("sg-02", "vpc-2", {cidr_rule(kOut, 6, 22, 22, "10.0.0.0/8")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1"}));
  inv.interfaces.push_back(iface("eni-02", "vpc-2", {"sg-02"}, {"10.1.0.1"}));
  const Inventory unpeered = finish(inv);
  EXPECT_EQ(check(unpeered, "tcp/22 from 10.1.0.1 to eni-01"), Verdict::deny);

  Inventory peered = inv;
  peered.peerings.push_back(Peering{Name("pcx-1"), Name("vpc-2"), Name("vpc-1"), Name("active"), {}});
  peered = finish(std::move(peered));
  EXPECT_EQ(check(peered, "tcp/22 from 10.1.0.1 to eni-01"), Verdict::allow);

  Inventory deleted = inv;
  deleted.peerings.push_back(Peering{Name("pcx-1"), Name("vpc-2"), Name("vpc-1"), Name("deleted"), {}});
  deleted = finish(std::move(deleted));
  EXPECT_EQ(check(deleted, "tcp/22 from 10.1.0.1 to eni-01"), Verdict::deny);

  Inventory stated = inv;
  stated.groups[0].rules[0].peer.edit_reference().peering_status = "active";
  stated = finish(std::move(stated));
  EXPECT_EQ(check(stated, "tcp/22 from 10.1.0.1 to eni-01"), Verdict::allow);
}

TEST(Engine, UnresolvedReferenceIsUnknownUnlessAnotherRuleAllows) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1", {ref_rule(kIn, 6, 22, 22, "sg-99")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1"}));
  inv.interfaces.push_back(iface("eni-02", "vpc-1", {}, {"10.0.0.2"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/22 from 10.5.0.1 to eni-01"), Verdict::unknown);
  // A known interface that does not carry sg-99 is not a member, whatever sg-99 is.
  EXPECT_EQ(check(inv, "tcp/22 from eni-02 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/80 from 10.5.0.1 to eni-01"), Verdict::deny);
  const Decision d = Engine(inv).decide(flow("tcp/22 from 10.5.0.1 to eni-01"));
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_NE(d.reasons[0].find("sg-99 is not in the inventory"), std::string::npos);

  Inventory also = inv;
  also.groups[0].rules.push_back(cidr_rule(kIn, 6, 22, 22, "10.5.0.0/16"));
  also = finish(std::move(also));
  EXPECT_EQ(check(also, "tcp/22 from 10.5.0.1 to eni-01"), Verdict::allow);
}

TEST(Engine, ReferenceWithoutInterfacesIsUnknown) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1", {ref_rule(kIn, 6, 22, 22, "sg-01")}));
  inv = finish(std::move(inv));
  // No interfaces: the destination is outside, and so is every side.
  EXPECT_EQ(check(inv, "tcp/22 from 10.0.0.1 to 10.0.0.2"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/22 from 10.0.0.1 to sg-01"), Verdict::unknown);
}

TEST(Engine, InterfaceCarryingUndefinedGroupIsUnknown) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1", {cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01", "sg-77"}, {"10.0.0.1"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/443 from 192.0.2.1 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/22 from 192.0.2.1 to eni-01"), Verdict::unknown);
}

TEST(Engine, MemberWithUnknownAddressesMakesReferencesUnknown) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1", {ref_rule(kIn, 6, 22, 22, "sg-02")}));
  inv.groups.push_back(group("sg-02", "vpc-1", {}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1"}));
  inv.interfaces.push_back(iface("eni-02", "vpc-1", {"sg-02"}, {}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/22 from 10.0.0.7 to eni-01"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/22 from eni-02 to eni-01"), Verdict::unknown);  // no address to use
}

TEST(Engine, PrefixLists) {
  Inventory inv;
  inv.groups.push_back(group("sg-01", "vpc-1",
                             {pl_rule(kIn, 6, 443, 443, "pl-01"), pl_rule(kIn, 6, 22, 22, "pl-02"),
                              pl_rule(kIn, 6, 80, 80, "pl-03"), pl_rule(kIn, 6, 25, 25, "pl-04")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1", "2001:db8::1"}));
  inv.prefix_lists.push_back(
      prefix_list("pl-01", std::vector<std::string>{"192.0.2.0/24", "2001:db8:f::/48"}));
  inv.prefix_lists.push_back(prefix_list("pl-02", std::nullopt));
  inv.prefix_lists.push_back(prefix_list("pl-04", std::nullopt, Family::ipv6));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/443 from 192.0.2.9 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from 2001:db8:f::9 to eni-01"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from 198.51.100.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/22 from 198.51.100.1 to eni-01"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/80 from 198.51.100.1 to eni-01"), Verdict::unknown);  // not supplied
  EXPECT_EQ(check(inv, "tcp/25 from 198.51.100.1 to eni-01"), Verdict::deny);     // IPv6 list
  EXPECT_EQ(check(inv, "tcp/25 from 2001:db8::5 to eni-01"), Verdict::unknown);
}

TEST(Engine, InvalidRulesTakeNoPart) {
  Inventory inv;
  Rule r = cidr_rule(kIn, 6, 22, 22, "0.0.0.0/0");
  r.valid = false;
  inv.groups.push_back(group("sg-01", "vpc-1", {r, cidr_rule(kIn, 6, 30, 20, "0.0.0.0/0")}));
  inv.interfaces.push_back(iface("eni-01", "vpc-1", {"sg-01"}, {"10.0.0.1"}));
  inv = finish(std::move(inv));
  EXPECT_EQ(check(inv, "tcp/22 from 192.0.2.1 to eni-01"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/25 from 192.0.2.1 to eni-01"), Verdict::deny);
}

TEST(Engine, UnknownEndpoints) {
  const Inventory inv = two_tier();
  EXPECT_EQ(check(inv, "tcp/443 from 10.0.0.1 to eni-0ff"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/443 from 10.0.0.1 to i-0ff"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/443 from 2001:db8::1 to eni-0a"), Verdict::unknown);  // no IPv6
  EXPECT_EQ(check(inv, "tcp/443 from 10.0.0.1 to 10.0.0.2"), Verdict::unknown);   // both outside
}

// Rules whose protocol or ports a template leaves open (Rule::unresolved, docs/iac.md): compiled
// as unknown entries with the rule's own peer, so a matching flow is unknown (with the open value
// in the reason), a flow the peer or the known part rules out is denied, and a resolved rule
// still allows.
Inventory open_service_inventory() {
  Inventory inv;
  Rule open_from = cidr_rule(kIn, 6, std::nullopt, 443, "203.0.113.0/24");
  open_from.edit_unresolved().from_port = "Ref FromPortParam";
  Rule open_protocol = ref_rule(kIn, -1, 53, 53, "sg-0b");
  open_protocol.edit_unresolved().protocol = "If DnsOverUdp";
  Rule open_ignored = cidr_rule(kIn, 50, std::nullopt, std::nullopt, "10.9.0.0/16");
  open_ignored.edit_unresolved().from_port = "Ref Unused";  // proto/50 has no ports: resolved
  inv.groups.push_back(group(
      "sg-0a", "vpc-1",
      {open_from, open_protocol, open_ignored, cidr_rule(kIn, 6, 80, 80, "0.0.0.0/0")}, "web"));
  inv.groups.push_back(group(
      "sg-0b", "vpc-1", {cidr_rule(kOut, -1, std::nullopt, std::nullopt, "0.0.0.0/0")}, "client"));
  inv.interfaces.push_back(iface("eni-0a", "vpc-1", {"sg-0a"}, {"10.0.0.10"}));
  inv.interfaces.push_back(iface("eni-0b", "vpc-1", {"sg-0b"}, {"10.0.1.20"}));
  inv.interfaces.push_back(iface("eni-0c", "vpc-1", {}, {"10.0.2.30"}));
  return finish(std::move(inv));
}

TEST(Engine, UnresolvedServiceIsUnknownWhereItMightMatch) {
  const Inventory inv = open_service_inventory();
  // From port open, to port 443: tcp/0-443 from 203.0.113.0/24 might be allowed.
  EXPECT_EQ(check(inv, "tcp/443 from 203.0.113.9 to eni-0a"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/22 from 203.0.113.9 to eni-0a"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/444 from 203.0.113.9 to eni-0a"), Verdict::deny);   // above ToPort
  EXPECT_EQ(check(inv, "udp/443 from 203.0.113.9 to eni-0a"), Verdict::deny);   // tcp is known
  EXPECT_EQ(check(inv, "tcp/443 from 198.51.100.9 to eni-0a"), Verdict::deny);  // wrong peer
  // A resolved rule allows whatever the open one might do.
  EXPECT_EQ(check(inv, "tcp/80 from 203.0.113.9 to eni-0a"), Verdict::allow);
  // Protocol open: any packet from a member of sg-0b, nothing from others.
  EXPECT_EQ(check(inv, "udp/53 from eni-0b to eni-0a"), Verdict::unknown);
  EXPECT_EQ(check(inv, "icmp/8:0 from eni-0b to eni-0a"), Verdict::unknown);
  EXPECT_EQ(check(inv, "udp/53 from eni-0c to eni-0a"), Verdict::deny);
  // An open port of a protocol without ports changes nothing: the rule is resolved and allows.
  EXPECT_EQ(check(inv, "proto/50 from 10.9.1.1 to eni-0a"), Verdict::allow);
}

TEST(Engine, UnresolvedServiceReasonsNameTheOpenValue) {
  const Inventory inv = open_service_inventory();
  const Decision d = Engine(inv).decide(flow("tcp/443 from 203.0.113.9 to eni-0a"));
  EXPECT_EQ(d.verdict, Verdict::unknown);
  EXPECT_TRUE(d.ingress.rules.empty());  // an open rule never allows
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0],
            "the rule tcp/unresolved(Ref FromPortParam)-443 from 203.0.113.0/24 might allow it: "
            "its from port unresolved(Ref FromPortParam) is not known before deployment (sg-0a, "
            "test.json)");
  // A set question: the part the open rule covers is unknown, the rest denied.
  const Decision set = Engine(inv).decide(flow("tcp/443-445 from 203.0.113.9 to eni-0a"));
  EXPECT_EQ(set.verdict, Verdict::unknown);
  ASSERT_EQ(set.unknown.size(), 1u);
  EXPECT_EQ(set.unknown[0], "tcp/443 from 203.0.113.9 to eni-0a (10.0.0.10)");
  ASSERT_EQ(set.denied.size(), 1u);
  EXPECT_EQ(set.denied[0], "tcp/444-445 from 203.0.113.9 to eni-0a (10.0.0.10)");
}

TEST(Exposure, UnresolvedServiceLinesAreMarkedUnknown) {
  const Inventory inv = open_service_inventory();
  const std::vector<Exposure> all = compute_exposure(inv, "sg-0a");
  ASSERT_EQ(all.size(), 1u);
  std::string text;
  for (const ExposureLine& l : all[0].inbound) {
    text += l.services + " from";
    for (const std::string& p : l.peers) text += " " + p;
    text += "\n";
  }
  EXPECT_NE(text.find("tcp/0-79, tcp/81-443 from 203.0.113.0/24 (unknown: from port "
                      "unresolved(Ref FromPortParam))"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sg-0b (client) (unknown: protocol unresolved(If DnsOverUdp))"),
            std::string::npos)
      << text;
  // A part that is only possibly allowed counts for no internet exposure.
  for (const ExposureLine& l : all[0].inbound) {
    bool only_unknown = true;
    for (const std::string& p : l.peers) only_unknown &= p.find("(unknown: ") != std::string::npos;
    if (only_unknown) {
      EXPECT_EQ(l.internet, InternetExposure::none) << text;
    }
  }
}

TEST(Engine, DenyExplainsConsultedGroupsAndNearestRule) {
  const Inventory inv = two_tier();
  const Decision d = Engine(inv).decide(flow("tcp/5433 from eni-0a to eni-0b"));
  EXPECT_EQ(d.verdict, Verdict::deny);
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.reasons[0],
            "ingress of eni-0b: no rule of sg-0b (db) allows tcp/5433 from 10.0.0.10 to 10.0.1.20");
  EXPECT_EQ(d.reasons[1],
            "nearest: sg-0b rule sgr-0b1 allows tcp/5432 from sg-0a (web) (test.json): right peer, "
            "wrong port");
  const Decision peer = Engine(inv).decide(flow("tcp/5432 from 10.0.0.99 to eni-0b"));
  ASSERT_EQ(peer.reasons.size(), 2u);
  EXPECT_NE(peer.reasons[1].find("right port, wrong peer"), std::string::npos);
}

// The interface's part of a deny's reason is composed at compile time (its id, then its groups in
// its order, named when defined and named; "its groups (none)" without any): decide() and the
// batch's decisions (decide_batch()) give the same text.
TEST(Engine, DenyReasonNamesTheInterfacesGroupsOrNone) {
  Inventory inv = two_tier();
  inv.groups.push_back(group("sg-0c", "vpc-1", {}));  // defined, without a name
  inv.interfaces.push_back(iface("eni-0c", "vpc-1", {}, {"10.0.1.30"}));
  inv.interfaces.push_back(iface("eni-0d", "vpc-1", {"sg-0b", "sg-0c", "sg-0a"}, {"10.0.1.40"}));
  inv = finish(std::move(inv));
  const Engine engine(inv);
  const std::vector<Flow> flows = {flow("udp/53 from 10.0.0.10 to eni-0c"),
                                   flow("udp/53 from 10.0.0.10 to eni-0d")};
  const std::string expected[] = {
      "ingress of eni-0c: no rule of its groups (none) allows udp/53 from 10.0.0.10 to 10.0.1.30",
      "ingress of eni-0d: no rule of sg-0b (db), sg-0c, sg-0a (web) allows udp/53 from 10.0.0.10 "
      "to 10.0.1.40"};
  std::vector<std::vector<std::string>> batch;  // each flow's reasons, as the batch gives them
  decide_batch(
      engine, flows, 1,
      [&](const BatchDecision* decisions, std::size_t count, std::string&) {
        for (std::size_t k = 0; k < count; ++k) {
          std::vector<std::string>& reasons = batch.emplace_back();
          for (std::size_t r = 0; r < decisions[k].reason_count(); ++r)
            reasons.emplace_back(decisions[k].reason(r));
        }
      },
      [](std::string_view) {});
  ASSERT_EQ(batch.size(), flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const Decision d = engine.decide(flows[i]);
    ASSERT_FALSE(d.reasons.empty());
    EXPECT_EQ(d.reasons[0], expected[i]);
    ASSERT_FALSE(batch[i].empty());
    EXPECT_EQ(batch[i][0], expected[i]);
  }
}

TEST(Engine, SetQuestionsSayWhichPartIsAllowed) {
  const Inventory inv = two_tier();
  const Decision d = Engine(inv).decide(flow("tcp/440-450 from 203.0.113.9 to eni-0a"));
  EXPECT_TRUE(d.set_question);
  EXPECT_EQ(d.verdict, Verdict::partial);
  EXPECT_EQ(d.allowed, std::vector<std::string>{"tcp/443 from 203.0.113.9 to eni-0a (10.0.0.10)"});
  EXPECT_EQ(d.denied, std::vector<std::string>{
                          "tcp/440-442, tcp/444-450 from 203.0.113.9 to eni-0a (10.0.0.10)"});

  const Decision all = Engine(inv).decide(flow("tcp/5432 from 10.0.0.0/16 to eni-0b"));
  EXPECT_EQ(all.verdict, Verdict::partial);
  EXPECT_EQ(all.allowed,
            std::vector<std::string>{"tcp/5432 from eni-0a (10.0.0.10) to eni-0b (10.0.1.20)"});
  EXPECT_EQ(all.denied, std::vector<std::string>{
                            "tcp/5432 from 10.0.0.0/16 except 10.0.0.10 to eni-0b (10.0.1.20)"});

  EXPECT_EQ(check(inv, "tcp/443 from internet to eni-0a"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from internet to sg-0a"), Verdict::allow);
  EXPECT_EQ(check(inv, "tcp/443 from 10.0.0.10/32 to eni-0b"), Verdict::deny);
  EXPECT_EQ(check(inv, "all from sg-0a to sg-0b"), Verdict::partial);
}

TEST(Exposure, GroupsAndInterfacesAsServicePeerLines) {
  Inventory inv = two_tier();
  inv.groups[0].rules.push_back(cidr_rule(kIn, 6, 80, 80, "0.0.0.0/0"));
  inv.groups[0].rules.push_back(cidr_rule(kIn, 6, 22, 22, "198.51.100.0/24"));
  inv.groups[0].rules.push_back(cidr_rule(kIn, 1, -1, -1, "::/0"));  // matches nothing
  inv = finish(std::move(inv));
  const std::vector<Exposure> all = compute_exposure(inv);
  ASSERT_EQ(all.size(), 4u);  // two groups, two interfaces
  const Exposure& web = all[0];
  EXPECT_EQ(web.target, "sg-0a");
  ASSERT_EQ(web.inbound.size(), 2u);
  EXPECT_EQ(web.inbound[0].services, "tcp/22");
  EXPECT_EQ(web.inbound[0].peers, std::vector<std::string>{"198.51.100.0/24"});
  EXPECT_EQ(web.inbound[0].internet, InternetExposure::part);
  EXPECT_EQ(web.inbound[1].services, "tcp/80, tcp/443");
  EXPECT_EQ(web.inbound[1].internet, InternetExposure::all);
  EXPECT_EQ(web.inbound[1].rules.size(), 2u);
  ASSERT_EQ(web.outbound.size(), 1u);
  EXPECT_EQ(web.outbound[0].services, "all");
  ASSERT_EQ(web.notes.size(), 1u);
  EXPECT_NE(web.notes[0].find("icmp with an IPv6 range matches nothing"), std::string::npos);

  const std::vector<Exposure> db = compute_exposure(inv, "eni-0b");
  ASSERT_EQ(db.size(), 1u);
  ASSERT_EQ(db[0].inbound.size(), 1u);
  EXPECT_EQ(db[0].inbound[0].services, "tcp/5432");
  EXPECT_EQ(db[0].inbound[0].peers, std::vector<std::string>{"sg-0a (web)"});
  EXPECT_EQ(db[0].inbound[0].internet, InternetExposure::none);
  EXPECT_TRUE(compute_exposure(inv, "sg-0ff").empty());
}

TEST(Matrix, ClassesAndPairs) {
  Inventory inv = two_tier();
  inv.interfaces.push_back(iface("eni-0c", "vpc-1", {"sg-0a"}, {"10.0.0.11"}));
  inv = finish(std::move(inv));
  const Engine engine(inv);
  const Service pg = flow("tcp/5432 from 10.0.0.1 to 10.0.0.2").service;
  const Matrix m = compute_matrix(engine, pg, true);
  ASSERT_EQ(m.classes.size(), 2u);  // {eni-0a, eni-0c} with sg-0a, {eni-0b} with sg-0b
  EXPECT_EQ(m.classes[0].interfaces, (std::vector<std::string>{"eni-0a", "eni-0c"}));
  std::map<std::pair<std::uint32_t, std::uint32_t>, Verdict> cells;
  for (const MatrixCell& c : m.cells) cells[{c.from, c.to}] = c.verdict;
  EXPECT_EQ(cells.at({0, 1}), Verdict::allow);
  EXPECT_EQ(cells.at({1, 0}), Verdict::deny);
  EXPECT_EQ(cells.at({0, 0}), Verdict::deny);
  EXPECT_FALSE(cells.count({1, 1}));  // one member: no pair
  EXPECT_EQ(m.pairs.size(), 6u);
  for (const MatrixPair& p : m.pairs) {
    EXPECT_EQ(p.verdict, reference_verdict(inv, flow("tcp/5432 from " + p.from + " to " + p.to)));
  }
}

}  // namespace
}  // namespace sgcheck
