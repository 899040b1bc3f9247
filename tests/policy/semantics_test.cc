// The semantics of product.md §6 on inventories built in code: the evasions a linter must see
// through (split CIDRs, host bits with /0, the internet split across two groups of one interface,
// port ranges across rules, protocol -1 with ports, a prefix list holding 0.0.0.0/0, 127.0.0.1/32
// egress), sources as packets (references never admit the internet), unknown verdicts for what the
// inventory lacks, require, every, more than /N, targets, and the witness and locations of
// findings.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/context.h"
#include "policy/ast.h"
#include "policy/evaluate.h"
#include "policy/policy.h"

namespace sgcheck::policy {
namespace {

constexpr const char* kVpc = "vpc-0aaa";

struct Peers {
  std::vector<std::string> v4, v6, lists, groups;
};

std::string quoted_list(const std::vector<std::string>& items, const char* key) {
  std::string out;
  for (const std::string& i : items) {
    if (!out.empty()) out += ',';
    out += "{\"";
    out += key;
    out += "\":\"";
    out += i;
    out += "\"}";
  }
  return "[" + out + "]";
}

// One IpPermission of describe-security-groups.
std::string perm(const std::string& proto, int from, int to, const Peers& peers) {
  std::string out = "{\"IpProtocol\":\"" + proto + "\"";
  if (from != -2)
    out += ",\"FromPort\":" + std::to_string(from) + ",\"ToPort\":" + std::to_string(to);
  out += ",\"IpRanges\":" + quoted_list(peers.v4, "CidrIp");
  out += ",\"Ipv6Ranges\":" + quoted_list(peers.v6, "CidrIpv6");
  out += ",\"PrefixListIds\":" + quoted_list(peers.lists, "PrefixListId");
  out += ",\"UserIdGroupPairs\":" + quoted_list(peers.groups, "GroupId") + "}";
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

std::string group(const std::string& id, const std::string& name,
                  const std::vector<std::string>& ingress,
                  const std::vector<std::string>& egress = {}) {
  return "{\"GroupId\":\"" + id + "\",\"GroupName\":\"" + name + "\",\"VpcId\":\"" + kVpc +
         "\",\"Description\":\"d\",\"IpPermissions\":[" + join(ingress) +
         "],\"IpPermissionsEgress\":[" + join(egress) + "]}";
}

std::string eni(const std::string& id, const std::string& ip,
                const std::vector<std::string>& groups) {
  std::string gs;
  for (const std::string& g : groups) {
    if (!gs.empty()) gs += ',';
    gs += "{\"GroupId\":\"";
    gs += g;
    gs += "\"}";
  }
  return "{\"NetworkInterfaceId\":\"" + id + "\",\"VpcId\":\"" + kVpc + "\",\"Groups\":[" + gs +
         "],\"PrivateIpAddresses\":[{\"Primary\":true,\"PrivateIpAddress\":\"" + ip + "\"}]}";
}

struct World {
  std::vector<std::string> groups;
  std::vector<std::string> interfaces;
  std::vector<NamedBuffer> extra;
};

Inventory load(const World& w) {
  std::vector<NamedBuffer> buffers = {
      {"sgs.json", "{\"SecurityGroups\":[" + join(w.groups) + "]}"}};
  if (!w.interfaces.empty())
    buffers.push_back({"enis.json", "{\"NetworkInterfaces\":[" + join(w.interfaces) + "]}"});
  buffers.insert(buffers.end(), w.extra.begin(), w.extra.end());
  LoadResult r = load_inventory_from_buffers(buffers);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : format_diagnostic(r.errors.front()));
  return std::move(r.inventory);
}

// The built-in pack on the inventory, only the findings of `id`.
std::vector<Finding> builtin(const Inventory& inv, const std::string& id) {
  const Engine engine(inv);
  const LintOptions options;
  const detail::CheckContext context{inv, engine, options};
  std::vector<Finding> out;
  Diagnostics errors;
  detail::run_policy_checks(context, out, errors);
  EXPECT_TRUE(errors.empty()) << format_diagnostic(errors.front());
  std::erase_if(out, [&](const Finding& f) { return f.id != id; });
  return out;
}

// A user policy (one rule, severity and title filled in) on the inventory.
std::vector<Finding> user(const Inventory& inv, const std::string& body,
                          Diagnostics* errors_out = nullptr) {
  const std::string text = "rule U-1 {\n  title \"t\"\n  severity high\n" + body + "\n}\n";
  const ParseResult parsed = parse_policy(text, "u.sgp");
  EXPECT_TRUE(parsed.ok()) << format_diagnostic(parsed.errors.front());
  std::vector<Finding> out;
  Diagnostics errors;
  evaluate_rules(compile_rules(parsed.file), inv, out, errors);
  if (errors_out) {
    *errors_out = errors;
  } else {
    EXPECT_TRUE(errors.empty()) << format_diagnostic(errors.front());
  }
  return out;
}

const std::string kWorld = "0.0.0.0/0";

TEST(PolicyEvasions, SplitHalvesCoverTheInternet) {
  const Inventory inv =
      load({{group("sg-01", "ssh", {perm("tcp", 22, 22, {{"0.0.0.0/1", "128.0.0.0/1"}})})}});
  const std::vector<Finding> f = builtin(inv, "SG102");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].group, "sg-01");
  EXPECT_FALSE(f[0].unknown);
  ASSERT_TRUE(f[0].witness);
  EXPECT_EQ(f[0].witness->protocol, "tcp");
  EXPECT_EQ(f[0].witness->port, 22);
  EXPECT_EQ(f[0].witness->peer, "0.0.0.0/1");
  EXPECT_EQ(f[0].related.size(), 1u);  // the other half is responsible too
  EXPECT_NE(f[0].location.to_string(), f[0].related[0].to_string());
  // Neither half alone covers the internet: SG105 (a wide range short of all) sees the union.
  EXPECT_TRUE(builtin(inv, "SG105").empty());
}

TEST(PolicyEvasions, HostBitsWithSlashZeroIsTheWholeInternet) {
  const Inventory inv = load({{group("sg-01", "rdp", {perm("tcp", 3389, 3389, {{"1.2.3.4/0"}})})}});
  EXPECT_EQ(builtin(inv, "SG102").size(), 1u);
}

TEST(PolicyEvasions, InternetSplitAcrossTwoGroupsOfOneInterface) {
  const Inventory inv =
      load({{group("sg-0a", "low", {perm("tcp", 22, 22, {{"0.0.0.0/1"}})}),
             group("sg-0b", "high", {perm("tcp", 22, 22, {{"128.0.0.0/1"}})})},
            {eni("eni-01", "10.0.0.5", {"sg-0a", "sg-0b"}), eni("eni-02", "10.0.0.6", {"sg-0a"})}});
  const std::vector<Finding> f = builtin(inv, "SG102");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].interface, "eni-01");
  EXPECT_EQ(f[0].group, "");
  EXPECT_EQ(f[0].related.size(), 1u);
  EXPECT_EQ(f[0].location.file, "sgs.json");  // the rule that gives the witness
  EXPECT_NE(f[0].message.find("eni-01, over the union of its groups sg-0a, sg-0b"),
            std::string::npos);
}

TEST(PolicyEvasions, InterfaceNotReportedWhenAGroupAlreadyIs) {
  const Inventory inv = load({{group("sg-0a", "open", {perm("tcp", 22, 22, {{kWorld}})}),
                               group("sg-0b", "other", {perm("tcp", 80, 80, {{kWorld}})})},
                              {eni("eni-01", "10.0.0.5", {"sg-0a", "sg-0b"})}});
  const std::vector<Finding> f = builtin(inv, "SG102");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].group, "sg-0a");
  EXPECT_EQ(f[0].interface, "");
}

TEST(PolicyEvasions, TcpHalvesAcrossRulesAreAllTcp) {
  const std::string halves_and_udp =
      group("sg-01", "wide",
            {perm("tcp", 0, 32767, {{kWorld}}), perm("tcp", 32768, 65535, {{kWorld}}),
             perm("udp", 0, 65535, {{kWorld}})});
  const std::vector<Finding> f = builtin(load({{halves_and_udp}}), "SG101");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].related.size(), 2u);
  // Without UDP it is not "all TCP and UDP".
  const std::string tcp_only = group(
      "sg-01", "wide", {perm("tcp", 0, 32767, {{kWorld}}), perm("tcp", 32768, 65535, {{kWorld}})});
  EXPECT_TRUE(builtin(load({{tcp_only}}), "SG101").empty());
  // A gap of one port is not all either.
  const std::string gap =
      group("sg-01", "wide",
            {perm("tcp", 0, 32766, {{kWorld}}), perm("tcp", 32768, 65535, {{kWorld}}),
             perm("udp", 0, 65535, {{kWorld}})});
  EXPECT_TRUE(builtin(load({{gap}}), "SG101").empty());
}

TEST(PolicyEvasions, ProtocolMinusOneWithPortsIsAllTraffic) {
  const Inventory inv = load({{group("sg-01", "x", {perm("-1", 20, 200, {{kWorld}})})}});
  EXPECT_EQ(builtin(inv, "SG101").size(), 1u);
  const std::vector<Finding> sg104 = builtin(inv, "SG104");
  ASSERT_EQ(sg104.size(), 1u);
}

TEST(PolicyEvasions, PrefixListHoldingTheWorld) {
  World w{{group("sg-01", "db", {perm("tcp", 5432, 5432, {{}, {}, {"pl-01"}})})}, {}, {}};
  w.extra.push_back(
      {"pl.json",
       R"({"PrefixListId":"pl-01","Entries":[{"Cidr":"198.51.100.0/24"},{"Cidr":"0.0.0.0/0"}]})"});
  const std::vector<Finding> f = builtin(load(w), "SG103");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].unknown);
  EXPECT_EQ(f[0].witness->peer, "pl-01");
}

TEST(PolicyEvasions, LoopbackEgressIsNotTheInternet) {
  const std::string deny_all = group("sg-01", "x", {}, {perm("-1", -2, 0, {{"127.0.0.1/32"}})});
  EXPECT_TRUE(builtin(load({{deny_all}}), "SG106").empty());
  const std::string all = group("sg-01", "x", {}, {perm("-1", -2, 0, {{kWorld}})});
  const std::vector<Finding> f = builtin(load({{all}}), "SG106");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].witness->direction, Direction::egress);
  // Egress of HTTPS only is not "every" service.
  const std::string https = group("sg-01", "x", {}, {perm("tcp", 443, 443, {{kWorld}})});
  EXPECT_TRUE(builtin(load({{https}}), "SG106").empty());
}

TEST(PolicySemantics, ServicesAreJudgedEachOnTheirOwn) {
  // tcp/22 open to one half of the internet and tcp/3389 to the other is not "covering".
  const Inventory inv = load({{group(
      "sg-01", "x",
      {perm("tcp", 22, 22, {{"0.0.0.0/1"}}), perm("tcp", 3389, 3389, {{"128.0.0.0/1"}})})}});
  EXPECT_TRUE(builtin(inv, "SG102").empty());
}

TEST(PolicySemantics, CoveringIsJudgedPerFamily) {
  const Inventory inv = load({{group("sg-01", "x", {perm("tcp", 22, 22, {{}, {"::/0"}})})}});
  const std::vector<Finding> f = builtin(inv, "SG102");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].witness->peer, "::/0");
  EXPECT_NE(f[0].message.find("IPv6"), std::string::npos);
}

TEST(PolicySemantics, EveryNeedsAllServices) {
  const Inventory one = load({{group("sg-01", "x", {perm("tcp", 22, 22, {{kWorld}})})}});
  EXPECT_TRUE(user(one, "forbid ingress every tcp/22, tcp/23 from covering internet").empty());
  EXPECT_EQ(user(one, "forbid ingress tcp/22, tcp/23 from covering internet").size(), 1u);
  const Inventory both = load({{group("sg-01", "x", {perm("tcp", 22, 23, {{kWorld}})})}});
  EXPECT_EQ(user(both, "forbid ingress every tcp/22, tcp/23 from covering internet").size(), 1u);
}

TEST(PolicySemantics, MoreThanButNotAll) {
  const std::string body = "forbid ingress all from more than /24 but not all of internet4";
  EXPECT_EQ(
      user(load({{group("sg-01", "x", {perm("tcp", 443, 443, {{"52.0.0.0/8"}})})}}), body).size(),
      1u);
  EXPECT_TRUE(
      user(load({{group("sg-01", "x", {perm("tcp", 443, 443, {{"198.51.100.0/24"}})})}}), body)
          .empty());
  EXPECT_TRUE(
      user(load({{group("sg-01", "x", {perm("tcp", 443, 443, {{kWorld}})})}}), body).empty());
  // Private ranges are not internet4.
  EXPECT_TRUE(
      user(load({{group("sg-01", "x", {perm("tcp", 443, 443, {{"10.0.0.0/8"}})})}}), body).empty());
}

TEST(PolicySemantics, GroupReferencesNeverAdmitTheInternet) {
  const Inventory inv = load({{group("sg-01", "x", {perm("tcp", 22, 22, {{}, {}, {}, {"sg-02"}})}),
                               group("sg-02", "y", {})}});
  EXPECT_TRUE(user(inv, "forbid ingress tcp/22 from internet").empty());
  EXPECT_TRUE(builtin(inv, "SG102").empty());
}

// product.md §6: "from any except group app" is met by a rule admitting 10.9.0.0/16, not by a
// reference to app; groups are symbolic sets when the inventory has no interfaces.
TEST(PolicySemantics, AnyExceptGroupWithoutInterfaces) {
  const std::string rule =
      "on group \"db-*\"\nforbid ingress tcp/5432 from any except group app, 10.8.0.0/16";
  const auto db = [](const std::vector<std::string>& perms) {
    return load(
        {{group("sg-0d", "db-main", perms), group("sg-0a", "app", {}), group("sg-0b", "web", {})}});
  };
  EXPECT_TRUE(
      user(db({perm("tcp", 5432, 5432, {{"10.8.0.0/16"}, {}, {}, {"sg-0a"}})}), rule).empty());
  const std::vector<Finding> wide = user(db({perm("tcp", 5432, 5432, {{"10.9.0.0/16"}})}), rule);
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0].witness->peer, "10.9.0.0/16");
  EXPECT_EQ(wide[0].group, "sg-0d");
  const std::vector<Finding> web =
      user(db({perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0b"}})}), rule);
  ASSERT_EQ(web.size(), 1u);
  EXPECT_EQ(web[0].witness->peer, "sg-0b");
}

TEST(PolicySemantics, AnyExceptGroupWithInterfaces) {
  const std::string rule = "forbid ingress tcp/5432 from any except group app";
  const Inventory inv =
      load({{group("sg-0d", "db", {perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0a"}})}),
             group("sg-0a", "app", {})},
            {eni("eni-01", "10.0.1.5", {"sg-0a"}), eni("eni-02", "10.0.2.5", {"sg-0d"})}});
  EXPECT_TRUE(user(inv, "on group db\n" + rule).empty());
  // A host rule for the app member's own address is still only the app's packets... and those of
  // anyone else with that address outside the VPC: a CIDR holds packets from anywhere.
  const Inventory host = load({{group("sg-0d", "db", {perm("tcp", 5432, 5432, {{"10.0.1.5/32"}})}),
                                group("sg-0a", "app", {})},
                               {eni("eni-01", "10.0.1.5", {"sg-0a"})}});
  EXPECT_EQ(user(host, "on group db\n" + rule).size(), 1u);
}

// Regression: the policy model judged a reference across VPCs usable only when the rule itself said
// PeeringStatus "active", ignoring the inventory's peering connections that the engine consults, so
// a peered member's addresses were missing from the sources and a forbid passed silently.
TEST(PolicySemantics, ReferenceAcrossAnActivePeeringAdmitsThePeeredMembers) {
  const auto inventory = [](const std::string& peering_status) {
    const std::string groups =
        R"({"SecurityGroups":[{"GroupId":"sg-0d","GroupName":"db","VpcId":"vpc-0aaa",
 "Description":"d","IpPermissions":[{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,
 "UserIdGroupPairs":[{"GroupId":"sg-0b","VpcId":"vpc-0bbb"}]}],"IpPermissionsEgress":[]},
 {"GroupId":"sg-0b","GroupName":"app","VpcId":"vpc-0bbb","Description":"d","IpPermissions":[],
 "IpPermissionsEgress":[]}]})";
    const std::string interfaces =
        R"({"NetworkInterfaces":[{"NetworkInterfaceId":"eni-01","VpcId":"vpc-0bbb",
 "Groups":[{"GroupId":"sg-0b"}],"PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.1.0.5"}]}]})";
    const std::string peerings =
        R"({"VpcPeeringConnections":[{"VpcPeeringConnectionId":"pcx-01",
 "RequesterVpcInfo":{"VpcId":"vpc-0aaa"},"AccepterVpcInfo":{"VpcId":"vpc-0bbb"},
 "Status":{"Code":")" + peering_status + R"("}}]})";
    LoadResult r = load_inventory_from_buffers(
        {{"sgs.json", groups}, {"enis.json", interfaces}, {"pcx.json", peerings}});
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : format_diagnostic(r.errors.front()));
    return std::move(r.inventory);
  };
  const std::string rule = "on group db\nforbid ingress tcp/5432 from 10.1.0.0/16";
  const std::vector<Finding> peered = user(inventory("active"), rule);
  ASSERT_EQ(peered.size(), 1u);
  EXPECT_EQ(peered[0].witness->peer, "10.1.0.5/32");  // the peered member
  // Without an active peering the reference is stale: it admits nothing.
  EXPECT_TRUE(user(inventory("deleted"), rule).empty());
}

TEST(PolicyUnknown, UnresolvableSetsGiveUnknownNeverSilence) {
  // A prefix list without entries.
  const Inventory pl = load({{group("sg-01", "x", {perm("tcp", 22, 22, {{}, {}, {"pl-09"}})})}});
  const std::vector<Finding> f = builtin(pl, "SG102");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].unknown);
  EXPECT_NE(f[0].message.find("prefix list pl-09 has no entries in the inventory"),
            std::string::npos);
  // A group the policy names that the inventory lacks.
  const Inventory cidr = load({{group("sg-01", "x", {perm("tcp", 5432, 5432, {{"10.0.0.0/8"}})})}});
  const std::vector<Finding> g = user(cidr, "forbid ingress tcp/5432 from group nosuch");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].unknown);
  EXPECT_NE(g[0].message.find("no group of the inventory is named nosuch"), std::string::npos);
  // A reference to a group the inventory does not define.
  const Inventory ref =
      load({{group("sg-01", "x", {perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0ff"}})})}});
  const std::vector<Finding> r = user(ref, "forbid ingress tcp/5432 from 10.0.0.0/8");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].unknown);
  EXPECT_NE(r[0].message.find("sg-0ff is not in the inventory"), std::string::npos);
  // ... which still never admits the internet.
  EXPECT_TRUE(user(ref, "forbid ingress tcp/5432 from internet").empty());
}

TEST(PolicyRequire, ReportsTheMissingPart) {
  const Inventory inv =
      load({{group("sg-01", "bastion", {perm("tcp", 22, 22, {{"198.51.100.0/25"}})})}});
  const std::vector<Finding> f =
      user(inv, "on group bastion\nrequire ingress tcp/22 from 198.51.100.0/24");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].witness->peer, "198.51.100.128/25");
  EXPECT_NE(f[0].message.find("is denied by security groups"), std::string::npos);
  EXPECT_EQ(f[0].related.size(), 1u);  // the rule that allows part of it
  const Inventory ok =
      load({{group("sg-01", "bastion", {perm("tcp", 22, 22, {{"198.51.100.0/24"}})})}});
  EXPECT_TRUE(user(ok, "on group bastion\nrequire ingress tcp/22 from 198.51.100.0/24").empty());
}

TEST(PolicyTargets, OnClauses) {
  World w{{group("sg-01", "default", {}, {perm("-1", -2, 0, {{kWorld}})}),
           group("sg-02", "web", {}, {perm("-1", -2, 0, {{kWorld}})})},
          {},
          {}};
  const Inventory inv = load(w);
  const std::vector<Finding> sg107 = builtin(inv, "SG107");
  ASSERT_EQ(sg107.size(), 1u);
  EXPECT_EQ(sg107[0].group, "sg-01");
  EXPECT_EQ(builtin(inv, "SG106").size(), 2u);
  EXPECT_EQ(user(inv, "on group web\nforbid egress all to any").size(), 1u);
  EXPECT_EQ(user(inv, "on group sg-0*\nforbid egress all to any").size(), 2u);
  // An empty default group is compliant.
  EXPECT_TRUE(builtin(load({{group("sg-01", "default", {})}}), "SG107").empty());
  // A name no group has is an error at the target, not a silent pass.
  Diagnostics errors;
  user(inv, "on group bastion\nforbid egress all to any", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(
      format_diagnostic(errors[0]),
      "u.sgp:4:1: error: rule U-1: no group of the inventory is named bastion or has that id\n"
      "  on group bastion\n"
      "  ^\n");
}

TEST(PolicyFindings, FingerprintsHaveNoPositions) {
  const std::string g = group("sg-01", "ssh", {perm("tcp", 22, 22, {{kWorld}})});
  const Inventory a = load({{g}});
  const Inventory b = load({{"\n\n  " + g}});
  const std::vector<Finding> fa = builtin(a, "SG102"), fb = builtin(b, "SG102");
  ASSERT_EQ(fa.size(), 1u);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_NE(fa[0].location.to_string(), fb[0].location.to_string());
  EXPECT_EQ(fa[0].fingerprint, fb[0].fingerprint);
  EXPECT_EQ(fa[0].refs().size(), 9u);
  EXPECT_EQ(fa[0].severity, FindingSeverity::high);
}

// A protocol no rule names shares the segment of the generic (protocol -1) rules: its points are
// judged on those rules alone, alongside a protocol that has rules of its own.
TEST(PolicySemantics, ProtocolsWithoutRulesOfTheirOwnAreJudgedOnTheGenericRules) {
  const Inventory inv =
      load({{group("sg-01", "x",
                   {perm("-1", -2, 0, {{"0.0.0.0/1"}}), perm("tcp", 22, 22, {{"128.0.0.0/1"}})})}});
  const std::vector<Finding> tcp = user(inv, "forbid ingress tcp/22 from covering internet");
  ASSERT_EQ(tcp.size(), 1u);
  EXPECT_EQ(tcp[0].witness->protocol, "tcp");
  EXPECT_TRUE(user(inv, "forbid ingress udp/53, icmp/8:0 from covering internet").empty());
  const std::vector<Finding> udp = user(inv, "forbid ingress udp/53, icmp/8:0 from 1.2.3.4");
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(udp[0].witness->protocol, "udp");
  EXPECT_EQ(udp[0].witness->port, 53);
}

// A(s) is built without its member parts for addresses that have none (internet): a reference
// still counts where the clause's addresses hold members, and never as the internet.
TEST(PolicySemantics, MemberPartsCountOnlyForAddressesWithMembers) {
  const Inventory inv =
      load({{group("sg-0d", "db", {perm("tcp", 22, 22, {{}, {}, {}, {"sg-0a"}})}),
             group("sg-0a", "app", {})},
            {eni("eni-01", "10.0.1.5", {"sg-0a"}), eni("eni-02", "10.0.2.5", {"sg-0d"})}});
  EXPECT_TRUE(user(inv, "on group db\nforbid ingress tcp/22 from internet").empty());
  EXPECT_TRUE(user(inv, "on group db\nforbid ingress all from more than /24 of internet4").empty());
  const std::vector<Finding> f = user(inv, "on group db\nforbid ingress tcp/22 from 10.0.1.0/24");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].witness->peer, "10.0.1.5/32");  // the member's address, not the reference
}

// Regression: with interfaces in the inventory, a reference to a group none of them carries
// admitted nothing, so `any` and `group X` conditions passed; alone, the same rule fired. A
// reference admits the members of X now and later (product.md §6), whatever the membership.
TEST(PolicySemantics, AnyAndGroupConditionsSeeAReferenceOverAnEmptyMembership) {
  const std::vector<std::string> groups = {
      group("sg-0d", "db", {perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0a"}})}),
      group("sg-0a", "app", {})};
  const Inventory alone = load({groups});
  const Inventory empty_membership = load({groups, {eni("eni-02", "10.0.2.5", {"sg-0d"})}});
  for (const Inventory* inv : {&alone, &empty_membership}) {
    const std::vector<Finding> any = user(*inv, "on group db\nforbid ingress tcp/5432 from any");
    ASSERT_EQ(any.size(), 1u);
    EXPECT_FALSE(any[0].unknown);
    EXPECT_EQ(any[0].witness->peer, "sg-0a");
    EXPECT_EQ(user(*inv, "on group db\nforbid ingress tcp/5432 from group app").size(), 1u);
    EXPECT_TRUE(
        user(*inv, "on group db\nforbid ingress tcp/5432 from any except group app").empty());
    // Address conditions see the current members' addresses: there are none.
    EXPECT_TRUE(user(*inv, "on group db\nforbid ingress tcp/5432 from 10.0.0.0/8").empty());
    EXPECT_TRUE(user(*inv, "on group db\nforbid ingress tcp/5432 from private").empty());
  }
}

// Regression: SG107 (CIS 5.4: the default group allows no traffic) fired on a default group whose
// only rule is its self-reference when linted alone, and not once interfaces were added that do
// not carry the default group.
TEST(PolicySemantics, DefaultGroupSelfReferenceIsSG107WhateverTheMembership) {
  const std::vector<std::string> groups = {
      group("sg-0f", "default", {perm("-1", -2, -2, {{}, {}, {}, {"sg-0f"}})}),
      group("sg-0a", "app", {})};
  const Inventory alone = load({groups});
  const Inventory elsewhere = load({groups, {eni("eni-01", "10.0.1.5", {"sg-0a"})}});
  const Inventory carried = load({groups, {eni("eni-01", "10.0.1.5", {"sg-0f"})}});
  for (const Inventory* inv : {&alone, &elsewhere, &carried}) {
    const std::vector<Finding> f = builtin(*inv, "SG107");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].group, "sg-0f");
    EXPECT_FALSE(f[0].unknown);
  }
}

// A reference to a group the inventory does not define admits at least that group's members:
// `any` holds for certain, not maybe.
TEST(PolicySemantics, ReferenceToAnUndefinedGroupCertainlyMeetsAny) {
  const Inventory inv =
      load({{group("sg-0d", "db", {perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0zz"}})})}});
  const std::vector<Finding> f = user(inv, "forbid ingress tcp/5432 from any");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].unknown);
  // Its members' addresses are not known: an address condition may or may not hold.
  const std::vector<Finding> cidr = user(inv, "forbid ingress tcp/5432 from 10.0.0.0/8");
  ASSERT_EQ(cidr.size(), 1u);
  EXPECT_TRUE(cidr[0].unknown);
}

// aws-semantics.md §2.3: delegated prefixes are part of reference membership, so they are member
// addresses for address conditions.
TEST(PolicySemantics, DelegatedPrefixesAreMemberAddresses) {
  const std::string prefixed =
      R"({"NetworkInterfaceId":"eni-01","VpcId":"vpc-0aaa","Groups":[{"GroupId":"sg-0a"}],
 "PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.1.5"}],
 "Ipv4Prefixes":[{"Ipv4Prefix":"10.0.9.32/28"}]})";
  const Inventory inv =
      load({{group("sg-0d", "db", {perm("tcp", 5432, 5432, {{}, {}, {}, {"sg-0a"}})}),
             group("sg-0a", "app", {})},
            {prefixed}});
  const std::vector<Finding> f = user(inv, "on group db\nforbid ingress tcp/5432 from 10.0.9.0/24");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].witness->peer, "10.0.9.32/28");
  EXPECT_TRUE(user(inv, "on group db\nforbid ingress tcp/5432 from 10.0.8.0/24").empty());
}

}  // namespace
}  // namespace sgcheck::policy
