// White-box tests of the reference and graph checks SG301–SG306 (src/lint/checks_graph.cc): a
// positive and a negative for each, one finding per broken reference, and SG304 both with
// interfaces (members' groups, confirmed by the engine) and without (the group's own egress).
// Entry point: run_graph_checks via checks_fixture.h's lint().
#include <gtest/gtest.h>

#include "checks_fixture.h"

namespace sgcheck::test {
namespace {

constexpr const char* kAll = "0.0.0.0/0";

std::string peering(const std::string& a, const std::string& b, const std::string& status) {
  return R"({"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "RequesterVpcInfo": {"VpcId": ")" +
         a + R"("}, "AccepterVpcInfo": {"VpcId": ")" + b + R"("}, "Status": {"Code": ")" + status +
         "\"}}]}";
}

// ---- SG301 ----

TEST(Sg301, ReferenceToAGroupNotInTheInventory) {
  SgSpec g{"sg-1"}, t{"sg-2"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-missing")),
               perm("tcp", ports(80, 80), group_ref("sg-2"))};
  const Linted l = lint_groups({g, t});
  const auto f = l.of("SG301");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].message.rfind("tcp/22 from sg-missing: sg-missing is not in the inventory", 0), 0u)
      << f[0].message;
  EXPECT_TRUE(f[0].unknown);
  EXPECT_EQ(f[0].group, "sg-1");
}

TEST(Sg301, InterfaceCarryingAnUndefinedGroup) {
  SgSpec g{"sg-1"};
  const Linted l = lint_groups({g}, {{"eni-1", "vpc-a", {"sg-1", "sg-gone"}, "10.0.0.5"}});
  const auto f = l.of("SG301");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].interface, "eni-1");
  EXPECT_EQ(f[0].group, "sg-gone");
}

// ---- SG302 ----

TEST(Sg302, ReferenceAcrossVpcsWithoutActivePeering) {
  SgSpec g{"sg-1"}, t{"sg-2", "vpc-b"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2"))};
  const Linted none = lint_groups({g, t});
  const auto f = none.of("SG302");
  ASSERT_EQ(f.size(), 1u) << none.dump();
  EXPECT_NE(f[0].message.find("references a group of vpc-b from vpc-a, but no active peering"),
            std::string::npos)
      << f[0].message;
  EXPECT_EQ(f[0].related.size(), 1u);
  EXPECT_TRUE(none.of("SG205").empty());
  // Pending is not active either, but not stale.
  EXPECT_EQ(lint_groups({g, t}, {}, {{"pcx.json", peering("vpc-b", "vpc-a", "pending-acceptance")}})
                .of("SG302")
                .size(),
            1u);
}

TEST(Sg302, ActivePeeringInTheInventoryOrOnTheReference) {
  SgSpec g{"sg-1"}, t{"sg-2", "vpc-b"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2"))};
  EXPECT_TRUE(lint_groups({g, t}, {}, {{"pcx.json", peering("vpc-b", "vpc-a", "active")}})
                  .of("SG302")
                  .empty());
  g.ingress = {perm("tcp", ports(22, 22),
                    group_ref("sg-2", R"("VpcId": "vpc-b", "PeeringStatus": "active")"))};
  EXPECT_TRUE(lint_groups({g, t}).of("SG302").empty());
}

TEST(Sg302, UndefinedTargetInAnotherVpcIsSg302NotSg301) {
  SgSpec g{"sg-1"};
  g.ingress = {perm("tcp", ports(22, 22), group_ref("sg-9", R"("VpcId": "vpc-z")"))};
  const Linted l = lint_groups({g});
  EXPECT_EQ(l.of("SG302").size(), 1u) << l.dump();
  EXPECT_TRUE(l.of("SG301").empty());
}

// ---- SG303 ----

TEST(Sg303, UnusedGroupOnlyWhenInterfacesAreKnown) {
  SgSpec used{"sg-1"}, referenced{"sg-2"}, unused{"sg-3", "vpc-a", "old"},
      dflt{"sg-0", "vpc-a", "default"}, elsewhere{"sg-4", "vpc-other"};
  used.ingress = {perm("tcp", ports(22, 22), group_ref("sg-2"))};
  unused.ingress = {
      perm("tcp", ports(22, 22), group_ref("sg-3"))};  // a self-reference keeps nothing alive
  const std::vector<SgSpec> groups{used, referenced, unused, dflt, elsewhere};
  const Linted l = lint_groups(groups, {{"eni-1", "vpc-a", {"sg-1"}, "10.0.0.5"}});
  const auto f = l.of("SG303");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].group, "sg-3");
  EXPECT_NE(f[0].message.find("sg-3 (old) is attached to no interface"), std::string::npos);
  EXPECT_TRUE(lint_groups(groups).of("SG303").empty());
}

// ---- SG304 ----

TEST(Sg304, MembersOfTheAdmittedGroupCannotSendTheService) {
  SgSpec db{"sg-db", "vpc-a", "db"}, app{"sg-app", "vpc-a", "app"};
  db.ingress = {perm("tcp", ports(5432, 5432), group_ref("sg-app"))};
  app.egress = {perm("tcp", ports(443, 443), cidr(kAll))};
  const std::vector<EniSpec> enis{{"eni-1", "vpc-a", {"sg-app"}, "10.0.1.5"},
                                  {"eni-2", "vpc-a", {"sg-db"}, "10.0.2.5"}};
  const Linted l = lint_groups({db, app}, enis);
  const auto f = l.of("SG304");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].message,
            "ingress tcp/5432 from sg-app is one-sided: no member of sg-app (app) may send "
            "tcp/5432 to sg-db (db); add that egress rule to sg-app, or remove this rule");
  EXPECT_FALSE(f[0].unknown);
  EXPECT_EQ(f[0].witness->port, 5432);
  EXPECT_EQ(f[0].witness->peer, "sg-app");
}

TEST(Sg304, AnyWayOfSendingIsEnough) {
  SgSpec db{"sg-db", "vpc-a", "db"}, app{"sg-app", "vpc-a", "app"}, extra{"sg-x", "vpc-a", "x"};
  db.ingress = {perm("tcp", ports(5432, 5432), group_ref("sg-app"))};
  const std::vector<EniSpec> enis{{"eni-1", "vpc-a", {"sg-app", "sg-x"}, "10.0.1.5"},
                                  {"eni-2", "vpc-a", {"sg-db"}, "10.0.2.5"}};
  // A reference to the receiving group, a CIDR holding a member's address, or another group the
  // sender carries: each lets the pair work.
  for (const std::string& egress :
       {perm("tcp", ports(5432, 5432), group_ref("sg-db")), perm("-1", "", cidr("10.0.2.0/24")),
        perm("tcp", ports(0, 65535), cidr(kAll))}) {
    app.egress = {egress};
    const Linted l = lint_groups({db, app, extra}, enis);
    EXPECT_TRUE(l.of("SG304").empty()) << egress << "\n" << l.dump();
    app.egress = {};
    extra.egress = {egress};
    EXPECT_TRUE(lint_groups({db, app, extra}, enis).of("SG304").empty()) << egress;
    extra.egress = {};
  }
  // A CIDR that holds no member's address does not.
  app.egress = {perm("-1", "", cidr("10.9.0.0/16"))};
  EXPECT_EQ(lint_groups({db, app, extra}, enis).of("SG304").size(), 1u);
}

TEST(Sg304, WithoutInterfacesTheGroupsOwnEgressIsJudgedAndTheFindingIsUnknown) {
  SgSpec db{"sg-db", "vpc-a", "db"}, app{"sg-app", "vpc-a", "app"};
  db.ingress = {perm("tcp", ports(5432, 5432), group_ref("sg-app"))};
  const Linted l = lint_groups({db, app});
  const auto f = l.of("SG304");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_TRUE(f[0].unknown);
  EXPECT_NE(
      f[0].message.find("the egress rules of sg-app (app) do not allow tcp/5432 to sg-db (db)"),
      std::string::npos)
      << f[0].message;
  app.egress = {perm("-1", "", cidr(kAll))};
  EXPECT_TRUE(lint_groups({db, app}).of("SG304").empty());
  // The VPC's blocks bound where members' addresses can be.
  app.egress = {perm("tcp", ports(5432, 5432), cidr("192.168.0.0/16"))};
  const std::string vpcs = R"({"Vpcs": [{"VpcId": "vpc-a", "CidrBlock": "10.0.0.0/16"}]})";
  EXPECT_EQ(lint_groups({db, app}, {}, {{"vpcs.json", vpcs}}).of("SG304").size(), 1u);
  EXPECT_TRUE(lint_groups({db, app}).of("SG304").empty());
}

TEST(Sg304, AgreesWithTheEnginesAnswerForTheWholeGroups) {
  // For each egress variant, SG304 fires exactly when the engine denies every part of
  // "tcp/5432 from sg-0aa to sg-0db" (the set question over all member pairs).
  SgSpec db{"sg-0db", "vpc-a", "db"}, app{"sg-0aa", "vpc-a", "app"}, extra{"sg-0ee", "vpc-a", "x"};
  db.ingress = {perm("tcp", ports(5432, 5432), group_ref("sg-0aa"))};
  const std::vector<EniSpec> enis{{"eni-1", "vpc-a", {"sg-0aa"}, "10.0.1.5"},
                                  {"eni-2", "vpc-a", {"sg-0aa", "sg-0ee"}, "10.0.1.6"},
                                  {"eni-3", "vpc-a", {"sg-0db"}, "10.0.2.5"},
                                  {"eni-4", "vpc-a", {"sg-0db"}, "10.0.9.5"}};
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> variants = {
      {{}, {}},
      {{perm("tcp", ports(5432, 5432), group_ref("sg-0db"))}, {}},
      {{perm("tcp", ports(5000, 6000), cidr("10.0.9.0/24"))}, {}},
      {{perm("tcp", ports(5000, 6000), cidr("10.0.3.0/24"))}, {}},
      {{perm("udp", ports(5432, 5432), cidr(kAll))}, {}},
      {{}, {perm("-1", "", cidr("10.0.2.5/32"))}},
      {{}, {perm("tcp", ports(5432, 5432), group_ref("sg-0aa"))}},
      {{perm("icmp", ports(-1, -1), cidr(kAll))}, {perm("tcp", ports(1, 100), cidr(kAll))}},
  };
  int fired = 0;
  for (const auto& [app_egress, x_egress] : variants) {
    app.egress = app_egress;
    extra.egress = x_egress;
    const Linted l = lint_groups({db, app, extra}, enis);
    const Engine engine(l.load.inventory);
    const auto flow = parse_flow("tcp/5432 from sg-0aa to sg-0db");
    ASSERT_TRUE(flow);
    const bool denied = engine.decide(*flow.flow).verdict == Verdict::deny;
    EXPECT_EQ(!l.of("SG304").empty(), denied) << l.dump();
    fired += denied ? 1 : 0;
  }
  EXPECT_EQ(fired,
            5);  // the variants that send nothing: none, 10.0.3/24, udp, to self, icmp/low ports
}

// ---- SG305 ----

TEST(Sg305, PrefixListWithoutEntries) {
  SgSpec g{"sg-1"};
  g.egress = {perm("tcp", ports(443, 443), pl("pl-1")), perm("tcp", ports(443, 443), pl("pl-2"))};
  const std::string entries = R"({"PrefixListId": "pl-2", "Entries": [{"Cidr": "192.0.2.0/24"}]})";
  const auto f = lint_groups({g}, {}, {{"entries.json", entries}}).of("SG305");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("tcp/443 to pl-1: the entries of pl-1 were not supplied"),
            std::string::npos)
      << f[0].message;
  EXPECT_TRUE(f[0].unknown);
}

// ---- SG306 ----

TEST(Sg306, InterfaceCarryingAGroupOfAnotherVpc) {
  SgSpec a{"sg-1"}, b{"sg-2", "vpc-b"};
  const Linted l = lint_groups({a, b}, {{"eni-1", "vpc-a", {"sg-1", "sg-2"}, "10.0.0.5"}});
  const auto f = l.of("SG306");
  ASSERT_EQ(f.size(), 1u) << l.dump();
  EXPECT_EQ(f[0].interface, "eni-1");
  EXPECT_EQ(f[0].group, "sg-2");
  EXPECT_EQ(f[0].location.file, "enis.json");
}

// ---- Scale: indexes, not scans ----

TEST(GraphScale, ManyGroupsAndInterfacesLintQuickly) {
  std::vector<SgSpec> groups;
  std::vector<EniSpec> enis;
  for (int i = 0; i < 2000; ++i) {
    SgSpec g{"sg-" + std::to_string(10000 + i)};
    g.ingress = {
        perm("tcp", ports(443, 443), group_ref("sg-" + std::to_string(10000 + (i + 1) % 2000))),
        perm("tcp", ports(22, 22), cidr("10.0.0.0/8"))};
    g.egress = {perm("-1", "", cidr(kAll))};
    groups.push_back(g);
    enis.push_back({"eni-" + std::to_string(10000 + i),
                    "vpc-a",
                    {g.id},
                    "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)});
  }
  const Linted l = lint_groups(groups, enis);
  EXPECT_TRUE(l.of("SG304").empty());
  EXPECT_TRUE(l.of("SG303").empty());
  EXPECT_TRUE(l.of("SG301").empty());
}

}  // namespace
}  // namespace sgcheck::test
