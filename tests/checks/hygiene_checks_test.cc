// White-box tests of the hygiene checks SG201–SG208 (src/lint/checks_hygiene.cc): for each check a
// positive and a negative, the evasions string-matching linters miss, and the redundancy cases of
// SG202 (covered by two rules together, split ranges, duplicates, equal sets, prefix lists).
// Entry point: run_hygiene_checks via checks_fixture.h's lint().
#include <gtest/gtest.h>

#include "checks_fixture.h"

namespace sgcheck::test {
namespace {

constexpr const char* kAll = "0.0.0.0/0";

// ---- SG201 ----

TEST(Sg201, GroupAndRuleWithoutDescriptionOrWithPlaceholder) {
  SgSpec g{"sg-1"};
  g.description = "Managed by Terraform";
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8", "")),
               perm("tcp", ports(443, 443), cidr("10.0.0.0/8", "managed by terraform"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG201");
  ASSERT_EQ(f.size(), 3u) << l.dump();
  EXPECT_NE(f[0].message.find("placeholder description \"Managed by Terraform\""),
            std::string::npos);
  EXPECT_EQ(f[0].rule, "");
  EXPECT_NE(f[1].message.find("tcp/22 from 10.0.0.0/8 has no description"), std::string::npos);
  EXPECT_EQ(f[1].group, "sg-1");
  EXPECT_FALSE(f[1].fingerprint.empty());
  EXPECT_NE(f[1].fingerprint, f[2].fingerprint);
}

TEST(Sg201, DescribedGroupAndDefaultGroupRulesAreQuiet) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8", "bastion"))};
  SgSpec d{"sg-0", "vpc-a", "default", "default VPC security group"};
  d.ingress = {
      perm("-1", "", R"("UserIdGroupPairs": [{"GroupId": "sg-0", "UserId": "111122223333"}])")};
  d.egress = {perm("-1", "", R"("IpRanges": [{"CidrIp": "0.0.0.0/0"}])")};
  // The allow-all egress AWS gives every new group is AWS's, not the author's.
  g.egress = {perm("-1", "", R"("IpRanges": [{"CidrIp": "0.0.0.0/0"}])")};
  const Linted l = lint_groups({g, d});
  EXPECT_TRUE(l.of("SG201").empty()) << l.dump();
  g.egress = {perm("tcp", ports(443, 443), R"("IpRanges": [{"CidrIp": "0.0.0.0/0"}])")};
  EXPECT_EQ(lint_groups({g, d}).of("SG201").size(), 1u);
}

// ---- SG202 ----

TEST(Sg202, RuleInsideAWiderRuleIsRedundantWithTheCoveringRuleRelated) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8")),
               perm("tcp", ports(0, 1023), cidr("10.0.0.0/8"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG202");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(
      f[0].message.rfind(
          "tcp/22 from 10.0.0.0/8 is already allowed by tcp/0-1023 from 10.0.0.0/8 (sgs.json:", 0),
      0u)
      << f[0].message;
  ASSERT_EQ(f[0].related.size(), 1u);
  EXPECT_EQ(f[0].location.line + 1, f[0].related[0].line);
}

TEST(Sg202, RuleCoveredByTwoOthersTogether) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8")),
               perm("tcp", ports(0, 100), cidr("10.0.0.0/9")),
               perm("tcp", ports(22, 80), cidr("10.128.0.0/9"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG202");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_NE(
      f[0].message.find("tcp/22 from 10.0.0.0/8 is already allowed by tcp/0-100 from 10.0.0.0/9"),
      std::string::npos);
  EXPECT_EQ(f[0].related.size(), 2u);
}

TEST(Sg202, SplitPortRangesDoNotMakeEachOtherRedundantButCoverAThird) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(0, 32767), cidr(kAll)),
               perm("tcp", ports(32768, 65535), cidr(kAll))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
  g.ingress.push_back(perm("tcp", ports(30000, 40000), cidr("198.51.100.0/24")));
  const auto f = lint_groups({g}).of("SG202");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("tcp/30000-40000 from 198.51.100.0/24"), std::string::npos);
}

TEST(Sg202, PartialOverlapIsNotRedundant) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(20, 30), cidr("10.0.0.0/8")),
               perm("tcp", ports(25, 40), cidr("10.0.0.0/8")),
               perm("udp", ports(20, 40), cidr("10.0.0.0/8"))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
}

TEST(Sg202, ExactDuplicatesAreLeftToSg401) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8")),
               perm("tcp", ports(22, 22), cidr("10.0.0.0/8"))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
}

TEST(Sg202, EqualSetsWrittenDifferentlyReportOnlyOneDeterministically) {
  // The prefix list holds exactly 10.0.0.0/8: each rule covers the other; only the later one is
  // reported, so removing what is reported keeps what the group allows.
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8")),
               perm("tcp", ports(22, 22), pl("pl-1"))};
  const std::string lists =
      R"({"PrefixLists": [{"PrefixListId": "pl-1", "AddressFamily": "IPv4", "MaxEntries": 5}]})";
  const std::string entries = R"({"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/8"}]})";
  const Linted l = lint_groups({g}, {}, {{"pl.json", lists}, {"entries.json", entries}});
  const auto f = l.of("SG202");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].message.rfind("tcp/22 from pl-1 is already allowed by tcp/22 from 10.0.0.0/8", 0),
            0u);
}

TEST(Sg202, PrefixListWithTheWholeInternetCoversACidrRule) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("203.0.113.9/32")),
               perm("tcp", ports(0, 65535), pl("pl-1"))};
  const std::string entries =
      R"({"PrefixListId": "pl-1", "Entries": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "0.0.0.0/0"}]})";
  const auto f = lint_groups({g}, {}, {{"entries.json", entries}}).of("SG202");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(
      f[0].message.find("tcp/22 from 203.0.113.9/32 is already allowed by tcp/0-65535 from pl-1"),
      std::string::npos);
}

TEST(Sg202, PrefixListWithoutEntriesIsCoveredOnlyByTheSameList) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), pl("pl-9")), perm("-1", "", cidr(kAll))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
  g.ingress.push_back(perm("tcp", ports(0, 1000), pl("pl-9")));
  EXPECT_EQ(lint_groups({g}).of("SG202").size(), 1u);
}

TEST(Sg202, GroupReferenceIsCoveredOnlyByTheSameReference) {
  SgSpec g{"sg-1"}, other{"sg-2"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2")), perm("-1", "", cidr(kAll)),
               perm("-1", "", cidr6("::/0"))};
  EXPECT_TRUE(lint_groups({g, other}).of("SG202").empty());
  g.ingress.push_back(perm("tcp", ports(0, 1023), group_ref("sg-2")));
  const auto f = lint_groups({g, other}).of("SG202");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("tcp/22 from sg-2 is already allowed by tcp/0-1023 from sg-2"),
            std::string::npos);
}

TEST(Sg202, AllProtocolsIsCoveredOnlyByAllProtocols) {
  SgSpec g{"sg-1"};
  g.egress = {perm("-1", "", cidr("10.0.0.0/8")), perm("tcp", ports(0, 65535), cidr(kAll)),
              perm("udp", ports(0, 65535), cidr(kAll))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
  g.egress.push_back(perm("-1", "", cidr(kAll)));
  const auto f = lint_groups({g}).of("SG202");
  // all to 10/8, tcp and udp to the internet are inside all to 0.0.0.0/0.
  EXPECT_EQ(f.size(), 3u);
}

TEST(Sg202, PortsGivenForAllProtocolsDoNotNarrowIt) {
  // -1 with ports 20-200 is all traffic, so it covers tcp/443 although 443 is outside 20-200.
  SgSpec g{"sg-1"};
  g.egress = {perm("-1", ports(20, 200), cidr(kAll)), perm("tcp", ports(443, 443), cidr(kAll))};
  const auto f = lint_groups({g}).of("SG202");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message.rfind("tcp/443 to 0.0.0.0/0 is already allowed by all to 0.0.0.0/0", 0),
            0u);
}

TEST(Sg202, DirectionsAndIcmpFamiliesAreSeparate) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("10.0.0.0/8"))};
  g.egress = {perm("tcp", ports(0, 65535), cidr(kAll))};
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
  SgSpec h{"sg-2"};
  h.ingress = {perm("icmpv6", "", cidr6("::/0")), perm("icmp", ports(-1, -1), cidr(kAll)),
               perm("icmp", ports(8, 0), cidr("10.0.0.0/8"))};
  const auto f = lint_groups({h}).of("SG202");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("icmp/8:0 from 10.0.0.0/8"), std::string::npos);
}

// Regression: the pair loop compared every copy of a rule with every other copy (a group holding
// one rule pasted 40,000 times took 100 s). Copies never cover each other, but each is still
// judged against the other rules: here all of them are inside the wide rule.
TEST(Sg202, RulePastedManyTimesIsJudgedAgainstTheOtherRulesOnly) {
  constexpr std::size_t kCopies = 40000;
  SgSpec g{"sg-1"};
  g.ingress.assign(kCopies, perm("tcp", ports(22, 22), cidr("10.0.0.0/24")));
  g.ingress.push_back(perm("tcp", ports(0, 1023), cidr("10.0.0.0/8")));
  const Linted l = lint_groups({g});
  const auto f = l.of("SG202");
  ASSERT_EQ(f.size(), kCopies);
  for (const Finding& finding : f) {
    ASSERT_EQ(finding.related.size(), 1u);
    EXPECT_EQ(finding.related[0].line, f.back().related[0].line);
  }
  g.ingress.pop_back();
  EXPECT_TRUE(lint_groups({g}).of("SG202").empty());
}

// ---- SG203, SG204 ----

TEST(Sg203, WidePortRangeFromAnotherSource) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(1, 1001), cidr("10.0.0.0/8")),
               perm("udp", ports(1, 1000), cidr("10.0.0.0/8")),
               perm("tcp", ports(0, 65535), group_ref("sg-1"))};
  const auto f = lint_groups({g}).of("SG203");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message,
            "tcp/1-1001 from 10.0.0.0/8 opens 1001 ports; open only the ports the service uses");
  ASSERT_TRUE(f[0].witness);
  EXPECT_EQ(f[0].witness->port, 1);
  EXPECT_EQ(f[0].witness->peer, "10.0.0.0/8");
}

TEST(Sg204, AllProtocolsFromAnotherSourceButNotFromItself) {
  SgSpec g{"sg-1"}, other{"sg-2"};
  g.ingress = {perm("-1", "", group_ref("sg-1")), perm("-1", "", group_ref("sg-2"))};
  g.egress = {perm("-1", "", cidr(kAll))};
  const auto f = lint_groups({g, other}).of("SG204");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("from sg-2"), std::string::npos);
  EXPECT_EQ(f[0].witness->protocol, "all");
}

// ---- SG205 ----

TEST(Sg205, IcmpFamilyMismatchAndIpv4MappedRangesNeverMatch) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("icmp", ports(8, -1), cidr6("::/0")), perm("icmpv6", "", cidr("10.0.0.0/8")),
               perm("tcp", ports(22, 22), cidr6("::ffff:10.0.0.0/104")),
               perm("icmp", ports(8, -1), cidr(kAll)), perm("tcp", ports(22, 22), cidr6("::/0"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG205");
  ASSERT_EQ(f.size(), 3u) << l.dump();
  EXPECT_NE(f[0].message.find("icmp with the IPv6 range ::/0 never matches"), std::string::npos);
  EXPECT_NE(f[1].message.find("icmpv6 with the IPv4 range 10.0.0.0/8"), std::string::npos);
  EXPECT_NE(f[2].message.find("IPv4-mapped IPv6 range ::ffff:"), std::string::npos) << f[2].message;
  // A rule that matches nothing is not "redundant" either.
  EXPECT_TRUE(l.of("SG202").empty());
}

TEST(Sg205, StaleReferenceIsReportedOnceAsSg205) {
  SgSpec g{"sg-1"};
  g.ingress = {perm(
      "tcp", ports(5432, 5432),
      group_ref(
          "sg-9",
          R"("VpcId": "vpc-b", "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "deleted")"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG205");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_NE(f[0].message.find("stale (its peering pcx-1 is deleted)"), std::string::npos);
  EXPECT_TRUE(l.of("SG301").empty());
  EXPECT_TRUE(l.of("SG302").empty());
}

TEST(Sg205, InactivePeeringInTheInventoryMakesTheReferenceStale) {
  SgSpec g{"sg-1"}, t{"sg-2", "vpc-b"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2"))};
  const std::string peering =
      R"({"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "RequesterVpcInfo": {"VpcId": "vpc-a"},
          "AccepterVpcInfo": {"VpcId": "vpc-b"}, "Status": {"Code": "deleted"}}]})";
  const Linted l = lint_groups({g, t}, {}, {{"pcx.json", peering}});
  EXPECT_EQ(l.of("SG205").size(), 1u) << l.dump();
  EXPECT_TRUE(l.of("SG302").empty());
}

TEST(Sg205, PairWithoutOwnerInDescribeOutputIsADeletedGroup) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2")),
               perm("tcp", ports(80, 80),
                    R"("UserIdGroupPairs": [{"GroupId": "sg-dead", "Description": "d"}])")};
  const Linted l = lint_groups({g});
  const auto stale = l.of("SG205");
  ASSERT_EQ(stale.size(), 1u) << l.dump();
  EXPECT_NE(stale[0].message.find("sg-dead"), std::string::npos);
  const auto missing = l.of("SG301");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].message.find("sg-2"), std::string::npos);
}

// ---- SG206 ----

TEST(Sg206, PortsOnAllProtocolsAreIgnoredByAws) {
  SgSpec g{"sg-1"};
  g.egress = {
      perm("-1", ports(20, 200), cidr(kAll)), perm("50", ports(500, 500), cidr("10.0.0.0/8")),
      perm("-1", ports(0, 0), cidr("10.1.0.0/16")), perm("-1", ports(-1, -1), cidr("10.2.0.0/16")),
      perm("tcp", ports(20, 200), cidr("10.3.0.0/16"))};
  const Linted l = lint_groups({g});
  const auto f = l.of("SG206");
  ASSERT_EQ(f.size(), 2u) << l.dump();
  EXPECT_EQ(
      f[0].message,
      "protocol -1 with ports 20-200 allows every protocol and port to 0.0.0.0/0: AWS ignores "
      "the ports; remove them, or use tcp/udp to limit the ports");
  ASSERT_TRUE(f[0].witness);
  EXPECT_EQ(f[0].witness->protocol, "tcp");
  EXPECT_EQ(f[0].witness->port, 201);
  EXPECT_EQ(f[0].witness->direction, Direction::egress);
  EXPECT_NE(
      f[1].message.find("protocol 50 with ports 500 allows all protocol-50 traffic to 10.0.0.0/8"),
      std::string::npos);
}

// ---- SG207, SG208 ----

TEST(Sg207, HostBitsAreReportedWithTheCanonicalBlock) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), cidr("1.2.3.4/0")),
               perm("tcp", ports(80, 80), cidr("10.0.0.0/8"))};
  const auto f = lint_groups({g}).of("SG207");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("AWS stores it as 0.0.0.0/0 (4294967296 addresses)"),
            std::string::npos);
}

TEST(Sg208, LaunchWizardGroups) {
  SgSpec g{"sg-1", "vpc-a", "launch-wizard-3"}, h{"sg-2", "vpc-a", "wizardry"};
  const auto f = lint_groups({g, h}).of("SG208");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].group, "sg-1");
}

}  // namespace
}  // namespace sgcheck::test
