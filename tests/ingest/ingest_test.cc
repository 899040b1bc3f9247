// Unit tests of the ingest stage on in-memory documents: every AWS CLI format, flattening,
// positions, value diagnostics, merging (and its conflict errors), verbatim error messages,
// directory walks. Entry point: load_inventory_from_buffers() / load_inventory().
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>

#include <cstring>
#include <fstream>

#include "ingest/json_reader.h"
#include "sgcheck/report.h"
#include "test_util.h"

namespace sgcheck {
namespace {

using test::all_errors;
using test::load_one;
using test::where;

// aws-semantics.md §4.1, laid out one member per line so positions are easy to reason about.
const std::string kGroups = R"({"SecurityGroups": [
  {"GroupId": "sg-0aa0000000000a001", "GroupName": "app", "Description": "app tier",
   "OwnerId": "111122223333", "VpcId": "vpc-0bb0000000000b001",
   "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
     "IpRanges": [{"CidrIp": "10.20.0.0/16", "Description": "corp"}], "Ipv6Ranges": [],
     "PrefixListIds": [{"PrefixListId": "pl-0cc0000000000c001"}],
     "UserIdGroupPairs": [{"GroupId": "sg-0aa0000000000a002", "UserId": "111122223333"},
       {"GroupId": "sg-0dd0000000000d001", "UserId": "444455556666", "VpcId": "vpc-0ee0000000000e001",
        "VpcPeeringConnectionId": "pcx-0ff0000000000f001", "PeeringStatus": "active"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
   "Tags": [{"Key": "team", "Value": "payments"}]}],
 "NextToken": null}
)";

TEST(IngestSecurityGroups, FlattensOneRulePerPeerInListOrder) {
  const LoadResult r = load_one("sgs.json", kGroups);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Inventory& inv = r.inventory;
  ASSERT_EQ(inv.groups.size(), 1u);
  const Group& g = inv.groups[0];
  EXPECT_EQ(g.id, "sg-0aa0000000000a001");
  EXPECT_EQ(g.name, "app");
  EXPECT_EQ(g.description, "app tier");
  EXPECT_EQ(g.owner_id, "111122223333");
  EXPECT_EQ(g.vpc_id, "vpc-0bb0000000000b001");
  ASSERT_EQ(g.tags.size(), 1u);
  EXPECT_EQ(g.tags[0].key, "team");
  EXPECT_EQ(g.tags[0].value, "payments");
  EXPECT_FALSE(g.from_rules_only);
  ASSERT_EQ(g.rules.size(), 5u);  // 1 + 0 + 1 + 2 ingress, 1 egress
  EXPECT_EQ(inv.rule_count(), 5u);
  const PeerKind kinds[] = {PeerKind::cidr4, PeerKind::prefix_list, PeerKind::group,
                            PeerKind::group, PeerKind::cidr4};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(g.rules[i].peer.kind, kinds[i]) << i;
    EXPECT_TRUE(g.rules[i].valid) << i;
  }
  const Rule& cidr = g.rules[0];
  EXPECT_EQ(cidr.direction, Direction::ingress);
  EXPECT_EQ(cidr.protocol, kTcp);
  EXPECT_EQ(normalised_ports(cidr), (std::pair<int, int>{8443, 8443}));
  EXPECT_EQ(to_string(cidr.peer.cidr), "10.20.0.0/16");
  EXPECT_EQ(cidr.description, "corp");
  EXPECT_EQ(g.rules[1].peer.id, "pl-0cc0000000000c001");
  const Peer& cross = g.rules[3].peer;
  EXPECT_EQ(cross.id, "sg-0dd0000000000d001");
  EXPECT_EQ(cross.user_id(), "444455556666");
  EXPECT_EQ(cross.vpc_id(), "vpc-0ee0000000000e001");
  EXPECT_EQ(cross.peering_id(), "pcx-0ff0000000000f001");
  EXPECT_EQ(cross.peering_status(), "active");
  EXPECT_EQ(g.rules[2].peer.user_id(), "111122223333");
  const Rule& egress = g.rules[4];
  EXPECT_EQ(egress.direction, Direction::egress);
  EXPECT_EQ(egress.protocol, kAllProtocols);
  EXPECT_EQ(normalised_ports(egress), std::nullopt);
  // Positions: the group's '{', the peer entry's '{', the IpPermission's '{'.
  EXPECT_EQ(where(inv, g.location), where("sgs.json", kGroups, "{\"GroupId\""));
  EXPECT_EQ(where(inv, cidr.location), where("sgs.json", kGroups, "{\"CidrIp\": \"10.20"));
  EXPECT_EQ(where(inv, cidr.rule_location), where("sgs.json", kGroups, "{\"IpProtocol\": \"tcp\""));
  EXPECT_EQ(where(inv, g.rules[3].location), where("sgs.json", kGroups, "{\"GroupId\": \"sg-0dd"));
  EXPECT_EQ(where(inv, egress.rule_location),
            where("sgs.json", kGroups, "{\"IpProtocol\": \"-1\""));
}

TEST(IngestSecurityGroups, PeerOrderDoesNotDependOnKeyOrder) {
  const std::string doc = R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
    {"UserIdGroupPairs": [{"GroupId": "sg-2"}], "PrefixListIds": [{"PrefixListId": "pl-1"}],
     "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "IpRanges": [{"CidrIp": "10.0.0.0/8"},
     {"CidrIp": "10.1.0.0/16"}], "ToPort": 22, "FromPort": 22, "IpProtocol": "TCP"}]}]})";
  const LoadResult r = load_one("a.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& rules = r.inventory.groups.at(0).rules;
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(to_string(rules[0].peer.cidr), "10.0.0.0/8");
  EXPECT_EQ(to_string(rules[1].peer.cidr), "10.1.0.0/16");
  EXPECT_EQ(rules[2].peer.kind, PeerKind::cidr6);
  EXPECT_EQ(rules[3].peer.kind, PeerKind::prefix_list);
  EXPECT_EQ(rules[4].peer.kind, PeerKind::group);
  for (const Rule& rule : rules) {
    EXPECT_EQ(rule.protocol, kTcp);  // applied after the object ended, ToPort came last
    EXPECT_EQ(normalised_ports(rule), (std::pair<int, int>{22, 22}));
  }
}

TEST(IngestSecurityGroups, GroupNameOnlyPairUsesTheName) {
  const LoadResult r = load_one("a.json", R"({"SecurityGroups": [{"GroupId": "sg-1",
    "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupName": "default"}]}]}]})");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.inventory.groups[0].rules.at(0).peer.id, "default");
  EXPECT_TRUE(r.inventory.groups[0].rules[0].valid);
}

TEST(IngestSecurityGroups, HostBitsAreCanonicalisedAndRemembered) {
  const LoadResult r = load_one("a.json", R"({"SecurityGroups": [{"GroupId": "sg-1",
    "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "100.68.0.18/18"}],
     "Ipv6Ranges": [{"CidrIpv6": "2001:DB8:0:0::1/32"}]}]}]})");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& rules = r.inventory.groups[0].rules;
  EXPECT_EQ(to_string(rules.at(0).peer.cidr), "100.68.0.0/18");
  EXPECT_TRUE(rules[0].peer.cidr.had_host_bits);
  EXPECT_EQ(to_string(rules.at(1).peer.cidr), "2001:db8::/32");
  EXPECT_TRUE(rules[1].peer.cidr.had_host_bits);
  EXPECT_TRUE(r.inventory.diagnostics.empty());
}

// The same group as describe-security-groups and describe-security-group-rules output.
const std::string kRulesView = R"({"SecurityGroupRules": [
 {"SecurityGroupRuleId": "sgr-01", "GroupId": "sg-0aa0000000000a001", "GroupOwnerId": "111122223333",
  "IsEgress": false, "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
  "CidrIpv4": "10.20.0.0/16", "Description": "corp", "Tags": [{"Key": "k", "Value": "v"}]},
 {"SecurityGroupRuleId": "sgr-02", "GroupId": "sg-0aa0000000000a001", "IsEgress": false,
  "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "PrefixListId": "pl-0cc0000000000c001"},
 {"SecurityGroupRuleId": "sgr-03", "GroupId": "sg-0aa0000000000a001", "IsEgress": false,
  "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
  "ReferencedGroupInfo": {"GroupId": "sg-0dd0000000000d001", "UserId": "444455556666",
    "VpcId": "vpc-0ee0000000000e001", "VpcPeeringConnectionId": "pcx-0ff0000000000f001",
    "PeeringStatus": "active"}},
 {"SecurityGroupRuleId": "sgr-04", "GroupId": "sg-0aa0000000000a001", "IsEgress": true,
  "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
 {"SecurityGroupRuleId": "sgr-05", "GroupId": "sg-0aa0000000000a001", "IsEgress": false,
  "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
  "ReferencedGroupInfo": {"GroupId": "sg-0aa0000000000a002", "UserId": "111122223333"}}
]})";

using Key = std::tuple<Direction, int, std::optional<std::pair<int, int>>, PeerKind, std::string>;
std::vector<Key> keys(const Group& g) {
  std::vector<Key> out;
  for (const Rule& r : g.rules) {
    const bool cidr = r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6;
    out.emplace_back(r.direction, r.protocol, normalised_ports(r), r.peer.kind,
                     cidr ? to_string(r.peer.cidr) : r.peer.id.str());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(IngestRulesView, SameAtomicRulesAsTheGroupsView) {
  const LoadResult sg = load_one("sgs.json", kGroups);
  const LoadResult sgr = load_one("rules.json", kRulesView);
  ASSERT_TRUE(sg.ok() && sgr.ok()) << all_errors(sg) << all_errors(sgr);
  ASSERT_EQ(sgr.inventory.groups.size(), 1u);
  const Group& view = sgr.inventory.groups[0];
  EXPECT_TRUE(view.from_rules_only);
  EXPECT_EQ(view.owner_id, "111122223333");
  EXPECT_EQ(where(sgr.inventory, view.location),
            where("rules.json", kRulesView, "{\"SecurityGroupRuleId\""));
  EXPECT_EQ(keys(view), keys(sg.inventory.groups[0]));
  const Rule& first = view.rules[0];
  EXPECT_EQ(first.id, "sgr-01");
  EXPECT_EQ(first.tags.size(), 1u);
  EXPECT_EQ(first.location, first.rule_location);
  EXPECT_EQ(view.rules[2].peer.peering_status(), "active");
}

TEST(IngestRulesView, MergesWithTheGroupsViewInEitherOrder) {
  for (bool swap : {false, true}) {
    std::vector<NamedBuffer> inputs = {{"a-sgs.json", kGroups}, {"b-rules.json", kRulesView}};
    if (swap) std::swap(inputs[0], inputs[1]);
    const LoadResult r = load_inventory_from_buffers(inputs);
    ASSERT_TRUE(r.ok()) << all_errors(r);
    ASSERT_EQ(r.inventory.groups.size(), 1u);
    const Group& g = r.inventory.groups[0];
    EXPECT_FALSE(g.from_rules_only);
    EXPECT_EQ(g.name, "app");
    EXPECT_EQ(r.inventory.files, (std::vector<std::string>{"a-sgs.json", "b-rules.json"}));
    ASSERT_EQ(g.rules.size(), 5u);
    // The groups view's order and positions; the ids, tags from the rules view.
    EXPECT_EQ(g.rules[0].id, "sgr-01");
    EXPECT_EQ(g.rules[0].tags.size(), 1u);
    EXPECT_EQ(g.rules[1].id, "sgr-02");
    EXPECT_EQ(g.rules[2].id, "sgr-05");
    EXPECT_EQ(g.rules[3].id, "sgr-03");
    EXPECT_EQ(g.rules[4].id, "sgr-04");
    EXPECT_EQ(r.inventory.location(g.rules[0].location).file, "a-sgs.json");
  }
}

TEST(IngestRulesView, DifferentRulesAreAConflict) {
  std::string other = kRulesView;
  other.replace(other.find("0.0.0.0/0"), 9, "10.0.0.0/8");
  const LoadResult r = load_inventory_from_buffers({{"a.json", kGroups}, {"b.json", other}});
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].message,
            "group sg-0aa0000000000a001 is defined twice with different rules: "
            "first defined at " +
                where("a.json", kGroups, "{\"GroupId\""));
  EXPECT_EQ(r.errors[0].location.to_string(), where("b.json", other, "{\"SecurityGroupRuleId\""));
}

TEST(IngestRulesView, PagesOfOneGroupUnite) {
  const std::string page1 = R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": false,
    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}]})";
  const std::string page2 = R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": true,
    "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}]})";
  const LoadResult r = load_inventory_from_buffers({{"p2.json", page2}, {"p1.json", page1}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].rules.size(), 2u);
  EXPECT_EQ(r.inventory.groups[0].rules[0].direction, Direction::ingress);  // p1.json first
}

TEST(IngestRulesView, PeerCountMustBeOne) {
  const std::string doc = R"({"SecurityGroupRules": [
 {"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 2},
 {"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 2,
  "CidrIpv4": "10.0.0.0/8", "PrefixListId": "pl-1"}]})";
  const LoadResult r = load_one("r.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& rules = r.inventory.groups.at(0).rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_FALSE(rules[0].valid);
  EXPECT_FALSE(rules[1].valid);
  ASSERT_EQ(r.inventory.diagnostics.size(), 2u);
  const Diagnostic& none = r.inventory.diagnostics[0];
  EXPECT_EQ(none.check, "SG404");
  EXPECT_EQ(
      none.message,
      "rule without a peer: expected one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo");
  EXPECT_EQ(none.location.to_string(), where("r.json", doc, "{\"GroupId\""));
  EXPECT_EQ(r.inventory.diagnostics[1].message,
            "rule with several peers (CidrIpv4, PrefixListId): expected exactly one");
  EXPECT_EQ(r.inventory.diagnostics[1].severity, Severity::warning);
}

// ---- value diagnostics
// -------------------------------------------------------------------------------

struct BadValue {
  const char* permission;  // the members of one IpPermission
  const char* check;
  const char* message;
  const char* at;  // the diagnostic points at the first occurrence of this text (+ offset)
  std::size_t delta;
};

TEST(IngestValues, InvalidValuesGiveDiagnosticsAndInvalidRules) {
  const BadValue cases[] = {
      {R"("IpProtocol": "tcp", "FromPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])", "SG402",
       "tcp rule needs both FromPort and ToPort", "{\"IpProtocol\"", 0},
      {R"("IpProtocol": "udp", "FromPort": 22, "ToPort": 70000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])",
       "SG402", "udp ToPort 70000 is outside 0-65535", "70000", 0},
      {R"("IpProtocol": "tcp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])",
       "SG402", "tcp FromPort -1 is outside 0-65535", "-1", 0},
      {R"("IpProtocol": "tcp", "FromPort": 22, "ToPort": 20, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])",
       "SG402", "tcp ToPort 20 is less than FromPort 22", "20,", 0},
      {R"("IpProtocol": "icmp", "FromPort": -1, "ToPort": 9, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])",
       "SG402", "ICMP type -1 (all types) requires code -1, found code 9", "9,", 0},
      {R"("IpProtocol": "icmpv6", "FromPort": 300, "ToPort": 0, "Ipv6Ranges": [{"CidrIpv6": "::/0"}])",
       "SG402", "ICMPv6 type 300 is outside -1..255", "300", 0},
      {R"("IpProtocol": "icmp", "FromPort": 8, "ToPort": 256, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])",
       "SG402", "ICMP code 256 is outside -1..255", "256", 0},
      {R"("IpRanges": [{"CidrIp": "10.0.0.0/8"}])", "SG402", "rule without IpProtocol",
       "{\"IpRanges\"", 0},
      {R"("IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": "foo"}])", "SG403",
       "invalid prefix list id \"foo\": expected an id starting with \"pl-\"", "\"foo\"", 0},
      {R"("IpProtocol": "-1", "IpRanges": [{"Description": "no cidr"}])", "SG404",
       "entry of \"IpRanges\" without a peer", "{\"Description\"", 0},
      {R"("IpProtocol": "-1", "UserIdGroupPairs": [{"UserId": "1"}])", "SG404",
       "entry of \"UserIdGroupPairs\" without a peer", "{\"UserId\"", 0},
  };
  for (const BadValue& c : cases) {
    const std::string doc =
        std::string(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{)") +
        c.permission + "}]}]}";
    const LoadResult r = load_one("v.json", doc);
    ASSERT_TRUE(r.ok()) << all_errors(r);
    ASSERT_EQ(r.inventory.diagnostics.size(), 1u) << doc;
    const Diagnostic& d = r.inventory.diagnostics[0];
    EXPECT_EQ(d.severity, Severity::warning);
    EXPECT_EQ(d.check, c.check) << doc;
    EXPECT_EQ(d.message, c.message) << doc;
    const std::string_view body(doc);
    const std::size_t at = body.find(c.at, body.find("IpPermissions"));
    EXPECT_EQ(d.location.to_string(),
              where("v.json", body.substr(0), body.substr(at, 1000), 0, c.delta))
        << doc;
    EXPECT_EQ(d.source_line, doc);  // a one-line document
    ASSERT_EQ(r.inventory.groups.at(0).rules.size(), 1u);
    EXPECT_FALSE(r.inventory.groups[0].rules[0].valid) << doc;
  }
}

TEST(IngestValues, ValidProtocolSpellings) {
  const char* spellings[] = {R"("TCP", "FromPort": 0, "ToPort": 65535)",
                             R"("6", "FromPort": 1, "ToPort": 1)",
                             R"("-1")",
                             R"("58")",
                             R"("50", "FromPort": 500, "ToPort": 500)",
                             R"("icmp", "FromPort": 8, "ToPort": -1)",
                             R"("icmpv6")"};
  const int numbers[] = {kTcp, kTcp, kAllProtocols, kIcmpv6, 50, kIcmp, kIcmpv6};
  for (std::size_t i = 0; i < std::size(spellings); ++i) {
    const std::string doc =
        std::string(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [)") +
        R"({"IpProtocol": )" + spellings[i] + R"(, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]})";
    const LoadResult r = load_one("p.json", doc);
    ASSERT_TRUE(r.ok()) << all_errors(r);
    EXPECT_TRUE(r.inventory.diagnostics.empty()) << doc;
    EXPECT_EQ(r.inventory.groups.at(0).rules.at(0).protocol, numbers[i]) << doc;
    EXPECT_TRUE(r.inventory.groups[0].rules[0].valid) << doc;
  }
}

TEST(IngestValues, BadCidrVerbatimAtTheOffendingCharacter) {
  const std::string doc =
      "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\",\n  \"IpPermissions\": [{\"IpProtocol\": "
      "\"tcp\", \"FromPort\": 443, \"ToPort\": 443,\n    \"IpRanges\": [{\"CidrIp\": "
      "\"10.0.0.0/8\"}, {\"CidrIp\": \"10.0.0.300/8\"}]}]}]}\n";
  const LoadResult r = load_one("bad.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.diagnostics.size(), 1u);
  const ValueResult<Cidr> parsed = parse_cidr4("10.0.0.300/8");
  ASSERT_FALSE(parsed);
  const std::string location =
      where("bad.json", doc, "\"10.0.0.300/8\"", 0, 1 + parsed.error.offset);
  const std::string line =
      "    \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}, {\"CidrIp\": \"10.0.0.300/8\"}]}]}]}";
  const std::size_t column = line.find("\"10.0.0.300/8\"") + 1 + parsed.error.offset + 1;
  EXPECT_EQ(format_diagnostic(r.inventory.diagnostics[0]),
            location + ": warning: invalid CIDR \"10.0.0.300/8\": " + parsed.error.message() +
                "\n  " + line + "\n  " + std::string(column - 1, ' ') + "^\n");
  const auto& rules = r.inventory.groups.at(0).rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_TRUE(rules[0].valid);
  EXPECT_FALSE(rules[1].valid);
  EXPECT_EQ(r.inventory.diagnostics[0].check, "SG403");
}

// ---- fatal errors, verbatim
// -------------------------------------------------------------------------

TEST(IngestErrors, SyntaxErrorVerbatim) {
  const std::string doc =
      "{\n  \"SecurityGroups\": [\n    {\n      \"GroupId\": \"sg-1\",\n"
      "      \"GroupName\": \"web\"\n      \"VpcId\": \"vpc-1\"\n    }\n  ]\n}\n";
  const LoadResult r = load_one("syntax.json", doc);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(format_diagnostic(r.errors[0]),
            "syntax.json:6:7: error: invalid JSON: expected ',' or '}' after an object member, "
            "found '\"'\n"
            "        \"VpcId\": \"vpc-1\"\n"
            "        ^\n");
}

TEST(IngestErrors, WrongTypeVerbatim) {
  const std::string doc =
      "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": [\n"
      "  {\"IpProtocol\": \"tcp\", \"FromPort\": \"22\", \"ToPort\": 22}]}]}";
  const LoadResult r = load_one("type.json", doc);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].location.to_string(), "type.json:2:37");
  EXPECT_EQ(r.errors[0].message, "expected an integer for \"FromPort\", found a string");
  EXPECT_TRUE(r.inventory.groups.empty());  // the file's readings are dropped
}

TEST(IngestErrors, WrongContainerTypes) {
  const struct {
    const char* doc;
    const char* message;
  } cases[] = {
      {R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": {}}]})",
       R"(expected an array for "IpPermissions", found an object)"},
      {R"({"SecurityGroups": {}})", R"(expected an array for "SecurityGroups", found an object)"},
      {R"({"SecurityGroups": ["sg-1"]})",
       R"(expected an object for an element of "SecurityGroups", found a string)"},
      {R"({"SecurityGroups": [{"GroupId": 5}]})",
       R"(expected a string for "GroupId", found a number)"},
      {R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": "no"}]})",
       R"(expected a boolean for "IsEgress", found a string)"},
      {R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 1.5}]}]})",
       R"(expected an integer for "FromPort", found the number 1.5)"},
      {R"({"SecurityGroups": [{"IpPermissions": []}]})", "security group without GroupId"},
      {R"({"Entries": [{"Cidr": "10.0.0.0/8"}]})",
       "prefix list entries without \"PrefixListId\" in a file whose name is not a prefix list "
       "id: name the file after its list (pl-0123abcd.json, as sgcheck gen does) or wrap the "
       "output of get-managed-prefix-list-entries as {\"PrefixListId\": \"pl-…\", "
       "\"Entries\": […]}"},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one("t.json", c.doc);
    ASSERT_EQ(r.errors.size(), 1u) << c.doc;
    EXPECT_EQ(r.errors[0].message, c.message);
    EXPECT_EQ(r.errors[0].location.line, 1u) << c.doc;
  }
}

TEST(IngestErrors, UnusableTemplatesAndUnrecognisedInputs) {
  const struct {
    const char* name;
    const char* doc;
    const char* expected;
  } cases[] = {
      {"cfn.json", R"({"AWSTemplateFormatVersion": "2010-09-09"})",
       "cfn.json:1:1: error: CloudFormation template without Resources\n"
       "  {\"AWSTemplateFormatVersion\": \"2010-09-09\"}\n  ^\n"},
      {"plan.json", R"({"format_version": "2.0", "planned_values": {}})",
       "plan.json:1:20: error: unsupported plan format_version \"2.0\": expected 1.x\n"
       "  {\"format_version\": \"2.0\", \"planned_values\": {}}\n"
       "                     ^\n"},
      {"e.json", " \n",
       "e.json:1:1: error: unrecognised input: expected a top-level key such as SecurityGroups, "
       "SecurityGroupRules, NetworkInterfaces, Reservations, PrefixLists, Vpcs, "
       "VpcPeeringConnections, Resources (CloudFormation) or format_version (Terraform plan), found "
       "an empty file\n"},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one(c.name, c.doc);
    ASSERT_EQ(r.errors.size(), 1u) << c.name;
    EXPECT_EQ(format_diagnostic(r.errors[0]), c.expected);
  }
}

// Pre-commit names every changed file: well-formed JSON or YAML that holds no security-group input
// is skipped and counted, named or found, never an error (product.md §2).
TEST(IngestInputs, FilesWithoutSecurityGroupInputAreSkippedNotErrors) {
  const struct {
    const char* name;
    const char* doc;
  } cases[] = {
      {"u.yaml", "Subnets: []\n"},
      {"x.json", R"({"Subnets": []})"},
      {"arr.json", "[1]"},
      {"package.json", R"({"name": "infra", "private": true})"},
      {"docker-compose.yml", "services:\n  web:\n    image: nginx\n"},
      {"service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one(c.name, c.doc);
    EXPECT_TRUE(r.ok()) << c.name << ": " << all_errors(r);
    ASSERT_EQ(r.skipped.size(), 1u) << c.name;
    EXPECT_EQ(r.skipped[0].file, c.name);
    EXPECT_EQ(r.skipped[0].reason, "not security-group input");
    EXPECT_TRUE(r.inventory.diagnostics.empty()) << c.name;
  }
}

// ---- interfaces, instances
// -------------------------------------------------------------------------

const std::string kEnis = R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-0aa0000000000a001",
  "VpcId": "vpc-0bb0000000000b001", "SubnetId": "subnet-0cc0000000000c001", "Status": "in-use",
  "InterfaceType": "interface", "Groups": [{"GroupId": "sg-0aa0000000000a001", "GroupName": "app"}],
  "PrivateIpAddress": "10.20.1.15",
  "PrivateIpAddresses": [{"PrivateIpAddress": "10.20.1.16", "Primary": false},
    {"PrivateIpAddress": "10.20.1.15", "Primary": true, "Association": {"PublicIp": "198.51.100.7"}}],
  "Ipv6Addresses": [{"Ipv6Address": "2001:db8:1:2::15"}],
  "Ipv4Prefixes": [{"Ipv4Prefix": "10.20.1.64/28"}], "Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8:1:2:1::/80"}],
  "Association": {"PublicIp": "198.51.100.7"},
  "Attachment": {"InstanceId": "i-0dd0000000000d001", "DeviceIndex": 0, "Status": "attached"},
  "TagSet": [{"Key": "Name", "Value": "app-1"}]}]})";

std::vector<std::string> texts(const std::vector<Address>& addresses) {
  std::vector<std::string> out;
  for (const Address& a : addresses) out.push_back(to_string(a));
  return out;
}

TEST(IngestInterfaces, NetworkInterfaceFields) {
  const LoadResult r = load_one("enis.json", kEnis);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.interfaces.size(), 1u);
  const Interface& eni = r.inventory.interfaces[0];
  EXPECT_EQ(eni.id, "eni-0aa0000000000a001");
  EXPECT_EQ(eni.vpc_id, "vpc-0bb0000000000b001");
  EXPECT_EQ(eni.subnet_id, "subnet-0cc0000000000c001");
  EXPECT_EQ(eni.instance_id, "i-0dd0000000000d001");
  EXPECT_EQ(eni.type, "interface");
  EXPECT_EQ(eni.status, "in-use");
  EXPECT_EQ(eni.groups, (std::vector<Name>{Name("sg-0aa0000000000a001")}));
  EXPECT_EQ(texts(eni.private_ips),
            (std::vector<std::string>{"10.20.1.15", "10.20.1.16", "2001:db8:1:2::15"}));
  EXPECT_EQ(texts(eni.public_ips), (std::vector<std::string>{"198.51.100.7"}));
  ASSERT_EQ(eni.delegated_prefixes.size(), 2u);
  EXPECT_EQ(to_string(eni.delegated_prefixes[1]), "2001:db8:1:2:1::/80");
  ASSERT_EQ(eni.tags.size(), 1u);
  EXPECT_EQ(where(r.inventory, eni.location), "enis.json:1:24");
}

const std::string kInstances = R"({"Reservations": [{"ReservationId": "r-1", "Instances": [
 {"InstanceId": "i-0dd0000000000d001", "State": {"Name": "running"}, "VpcId": "vpc-0bb0000000000b001",
  "PrivateIpAddress": "10.20.1.15", "PublicIpAddress": "198.51.100.8",
  "SecurityGroups": [{"GroupId": "sg-0aa0000000000a001", "GroupName": "app"}],
  "NetworkInterfaces": [
   {"NetworkInterfaceId": "eni-0aa0000000000a001", "Groups": [{"GroupId": "sg-0aa0000000000a001"}],
    "PrivateIpAddresses": [{"PrivateIpAddress": "10.20.1.15", "Primary": true},
                           {"PrivateIpAddress": "10.20.1.17", "Primary": false}],
    "Ipv6Addresses": [], "Attachment": {"DeviceIndex": 0, "Status": "attached"}},
   {"NetworkInterfaceId": "eni-0aa0000000000a009", "Groups": [{"GroupId": "sg-0aa0000000000a002"}],
    "PrivateIpAddresses": [{"PrivateIpAddress": "10.20.2.15", "Primary": true}],
    "Attachment": {"DeviceIndex": 1}}]},
 {"InstanceId": "i-0old", "PrivateIpAddress": "10.20.9.9", "SubnetId": "subnet-9",
  "SecurityGroups": [{"GroupId": "sg-0aa0000000000a003"}]}]}]})";

TEST(IngestInstances, EachNetworkInterfaceAndTheFallback) {
  const LoadResult r = load_one("inst.json", kInstances);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Inventory& inv = r.inventory;
  ASSERT_EQ(inv.interfaces.size(), 3u);
  const Interface* primary = inv.find_interface("eni-0aa0000000000a001");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->instance_id, "i-0dd0000000000d001");
  EXPECT_EQ(primary->vpc_id, "vpc-0bb0000000000b001");  // from the instance
  EXPECT_EQ(texts(primary->public_ips),
            (std::vector<std::string>{"198.51.100.8"}));  // DeviceIndex 0
  const Interface* second = inv.find_interface("eni-0aa0000000000a009");
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->public_ips.empty());
  EXPECT_EQ(second->groups, (std::vector<Name>{Name("sg-0aa0000000000a002")}));
  // No NetworkInterfaces: one interface named after the instance, from the instance-level fields.
  const Interface* fallback = inv.find_interface("i-0old");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->instance_id, "i-0old");
  EXPECT_EQ(fallback->groups, (std::vector<Name>{Name("sg-0aa0000000000a003")}));
  EXPECT_EQ(texts(fallback->private_ips), (std::vector<std::string>{"10.20.9.9"}));
  EXPECT_EQ(where(inv, fallback->location),
            where("inst.json", kInstances, "{\"InstanceId\": \"i-0old\""));
}

TEST(IngestInstances, MergesWithTheNetworkInterfacesView) {
  const LoadResult r =
      load_inventory_from_buffers({{"inst.json", kInstances}, {"enis.json", kEnis}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Interface* eni = r.inventory.find_interface("eni-0aa0000000000a001");
  ASSERT_NE(eni, nullptr);
  EXPECT_EQ(texts(eni->private_ips), (std::vector<std::string>{"10.20.1.15", "10.20.1.16",
                                                               "2001:db8:1:2::15", "10.20.1.17"}));
  EXPECT_EQ(texts(eni->public_ips), (std::vector<std::string>{"198.51.100.7", "198.51.100.8"}));
  EXPECT_EQ(r.inventory.location(eni->location).file, "enis.json");  // the first file by name
  EXPECT_EQ(eni->subnet_id, "subnet-0cc0000000000c001");
}

TEST(IngestInstances, DifferentGroupsAreAConflict) {
  std::string other = kInstances;
  other.replace(other.find("\"Groups\": [{\"GroupId\": \"sg-0aa0000000000a001\"}]"),
                std::strlen("\"Groups\": [{\"GroupId\": \"sg-0aa0000000000a001\"}]"),
                "\"Groups\": [{\"GroupId\": \"sg-0aa0000000000a002\"}]");
  const LoadResult r = load_inventory_from_buffers({{"b.json", other}, {"a.json", kEnis}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(
      r.errors[0].message,
      "interface eni-0aa0000000000a001 is defined twice with different security groups: first "
      "defined at a.json:1:24");
  EXPECT_EQ(r.errors[0].location.to_string(),
            where("b.json", other, "{\"NetworkInterfaceId\": \"eni-0aa0000000000a001\""));
}

// ---- prefix lists, VPCs, peerings
// ------------------------------------------------------------------

TEST(IngestPrefixLists, MetadataAndEntriesMerge) {
  const std::string managed = R"({"PrefixLists": [{"PrefixListId": "pl-0cc", "PrefixListName": "s3",
    "AddressFamily": "IPv4", "MaxEntries": 10, "State": "create-complete"},
    {"PrefixListId": "pl-0dd", "AddressFamily": "IPv6", "MaxEntries": 5}]})";
  const std::string entries = R"({"PrefixListId": "pl-0cc", "Entries": [{"Cidr": "192.0.2.0/24",
    "Description": "office A"}, {"Cidr": "203.0.113.64/26"}]})";
  const std::string old = R"({"PrefixLists": [{"Cidrs": ["52.94.28.0/23", "52.94.10.0/24"],
    "PrefixListId": "pl-00a54069", "PrefixListName": "com.amazonaws.us-west-2.dynamodb"}]})";
  const LoadResult r = load_inventory_from_buffers(
      {{"entries.json", entries}, {"managed.json", managed}, {"old.json", old}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.prefix_lists.size(), 3u);
  const PrefixList* s3 = r.inventory.find_prefix_list("pl-0cc");
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->name, "s3");
  EXPECT_EQ(s3->family, Family::ipv4);
  EXPECT_EQ(s3->max_entries, 10);
  EXPECT_TRUE(s3->entries_known);
  ASSERT_EQ(s3->entries.size(), 2u);
  EXPECT_EQ(to_string(s3->entries[1]), "203.0.113.64/26");
  const PrefixList* v6 = r.inventory.find_prefix_list("pl-0dd");
  ASSERT_NE(v6, nullptr);
  EXPECT_FALSE(v6->entries_known);
  EXPECT_EQ(v6->family, Family::ipv6);
  const PrefixList* dynamo = r.inventory.find_prefix_list("pl-00a54069");
  ASSERT_NE(dynamo, nullptr);
  EXPECT_TRUE(dynamo->entries_known);
  EXPECT_EQ(dynamo->entries.size(), 2u);
}

TEST(IngestVpcs, VpcsAndPeerings) {
  const std::string vpcs =
      R"({"Vpcs": [{"CidrBlock": "10.0.0.0/16", "VpcId": "vpc-2", "IsDefault": true,
    "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16"}, {"CidrBlock": "10.1.0.0/16"}],
    "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:abcd:1200::/56"}]},
    {"VpcId": "vpc-1", "CidrBlock": "172.16.0.0/12"}]})";
  const std::string peerings = R"({"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1",
    "RequesterVpcInfo": {"VpcId": "vpc-1", "CidrBlock": "172.16.0.0/12"},
    "AccepterVpcInfo": {"VpcId": "vpc-2"}, "Status": {"Code": "active", "Message": "Active"}}]})";
  const LoadResult r = load_inventory_from_buffers({{"v.json", vpcs}, {"p.json", peerings}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.vpcs.size(), 2u);
  EXPECT_EQ(r.inventory.vpcs[0].id, "vpc-1");  // sorted by id
  const Vpc& v2 = r.inventory.vpcs[1];
  EXPECT_TRUE(v2.is_default);
  ASSERT_EQ(v2.cidrs.size(), 3u);
  EXPECT_EQ(to_string(v2.cidrs[2]), "2600:1f18:abcd:1200::/56");
  ASSERT_EQ(r.inventory.peerings.size(), 1u);
  const Peering& p = r.inventory.peerings[0];
  EXPECT_EQ(p.requester_vpc, "vpc-1");
  EXPECT_EQ(p.accepter_vpc, "vpc-2");
  EXPECT_EQ(p.status, "active");
}

// ---- merging
// -----------------------------------------------------------------------------------------

TEST(IngestMerge, SameGroupSameRulesMerges) {
  std::string described = kGroups;  // the same rules written in another order and layout
  const LoadResult r = load_inventory_from_buffers({{"b.json", kGroups}, {"a.json", described}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.rule_count(), 5u);
}

TEST(IngestMerge, ConflictErrorVerbatim) {
  const std::string a =
      "{\"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\", \"IpPermissions\": [{\"IpProtocol\": "
      "\"-1\", \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}]}]}]}";
  const std::string b =
      "{\"SecurityGroups\": [\n {\"GroupId\": \"sg-0\"},\n\n    {\"GroupId\": \"sg-1\", "
      "\"IpPermissions\": [{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": "
      "\"10.0.0.0/9\"}]}]}]}";
  for (bool swap : {false, true}) {
    const LoadResult r = swap ? load_inventory_from_buffers({{"b.json", b}, {"a.json", a}})
                              : load_inventory_from_buffers({{"a.json", a}, {"b.json", b}});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(
        format_diagnostic(r.errors[0]),
        "b.json:4:5: error: group sg-1 is defined twice with different rules: first defined at "
        "a.json:2:3\n"
        "      {\"GroupId\": \"sg-1\", \"IpPermissions\": [{\"IpProtocol\": \"-1\", \"IpRanges\": "
        "[{\"CidrIp\": \"10.0.0.0/9\"}]}]}]}\n"
        "      ^\n");
  }
}

TEST(IngestMerge, DescriptionsAndIdsDoNotMatterButPortsDo) {
  const auto doc = [](const char* ports, const char* description) {
    return std::string(
               R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", )") +
           ports + R"("IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": ")" + description +
           "\"}]}]}]}";
  };
  // Ports are ignored for -1, so these are the same rule.
  EXPECT_TRUE(load_inventory_from_buffers({{"a.json", doc("", "x")},
                                           {"b.json", doc(R"("FromPort": 1, "ToPort": 2, )", "")}})
                  .ok());
  const auto tcp = [](int port) {
    return R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": )" +
           std::to_string(port) + R"(, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]})";
  };
  EXPECT_FALSE(load_inventory_from_buffers({{"a.json", tcp(22)}, {"b.json", tcp(21)}}).ok());
  const LoadResult filled =
      load_inventory_from_buffers({{"a.json", doc("", "")}, {"b.json", doc("", "why")}});
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled.inventory.groups[0].rules[0].description, "why");
}

TEST(IngestMerge, RepeatsWithinOneFileUniteWithAWarning) {
  const std::string doc = R"({"SecurityGroups": [
  {"GroupId": "sg-1", "GroupName": "one", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]},
  {"GroupId": "sg-1", "GroupName": "two", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/9"}]}]}]})";
  const LoadResult r = load_one("rep.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].name, "one");
  EXPECT_EQ(r.inventory.groups[0].rules.size(), 2u);
  ASSERT_EQ(r.inventory.diagnostics.size(), 1u);
  EXPECT_EQ(
      r.inventory.diagnostics[0].message,
      "group sg-1 appears twice in this file; its rules are added to the first definition at " +
          where("rep.json", doc, "{\"GroupId\""));
  EXPECT_EQ(r.inventory.diagnostics[0].location.to_string(),
            where("rep.json", doc, "{\"GroupId\"", 1));
}

// Each file's elements are put in id order on the thread that parsed it (a permutation applied in
// place): the fields travel with their element, and the repeats of an id keep their input order.
TEST(IngestMerge, OneFileOutOfIdOrderIsSortedWithRepeatsInInputOrder) {
  const std::string doc = R"({"SecurityGroups": [
  {"GroupId": "sg-3", "GroupName": "three"},
  {"GroupId": "sg-1", "GroupName": "first", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]},
  {"GroupId": "sg-2", "GroupName": "two"},
  {"GroupId": "sg-1", "GroupName": "second", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/9"}]}]}],
 "NetworkInterfaces": [{"NetworkInterfaceId": "eni-c", "SubnetId": "subnet-c"},
  {"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-a"},
  {"NetworkInterfaceId": "eni-d", "SubnetId": "subnet-d"},
  {"NetworkInterfaceId": "eni-b", "SubnetId": "subnet-b"}]})";
  const LoadResult r = load_one("one.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 3u);
  EXPECT_EQ(r.inventory.groups[0].name, "first");
  EXPECT_EQ(r.inventory.groups[1].name, "two");
  EXPECT_EQ(r.inventory.groups[2].name, "three");
  ASSERT_EQ(r.inventory.groups[0].rules.size(), 2u);
  EXPECT_EQ(r.inventory.groups[0].rules[0].peer.cidr.prefix, 8);
  EXPECT_EQ(r.inventory.groups[0].rules[1].peer.cidr.prefix, 9);
  ASSERT_EQ(r.inventory.interfaces.size(), 4u);
  for (const Interface& eni : r.inventory.interfaces) {
    EXPECT_EQ(eni.subnet_id, "subnet-" + std::string(eni.id.substr(4)));
  }
  EXPECT_EQ(r.inventory.interfaces[0].id, "eni-a");
  EXPECT_EQ(r.inventory.interfaces[3].id, "eni-d");
}

// Strings without escapes are viewed in place (read 8 bytes at a time, up to the closing quote);
// the others are unescaped, also when an escape follows the closing quote closely.
TEST(IngestSecurityGroups, StringValuesWithAndWithoutEscapes) {
  const std::string doc =
      R"({"SecurityGroups":[{"GroupId":"sg-1","Description":"d","GroupName":"\u0041pp \"q\"",)"
      R"("VpcId":"vpc-0123456789abcdef0"}]})";
  const LoadResult r = load_one("esc.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].description, "d");
  EXPECT_EQ(r.inventory.groups[0].name, "App \"q\"");
  EXPECT_EQ(r.inventory.groups[0].vpc_id, "vpc-0123456789abcdef0");
}

TEST(IngestMerge, OrderOfInputsDoesNotMatter) {
  std::vector<NamedBuffer> inputs = {{"sgs.json", kGroups},
                                     {"enis.json", kEnis},
                                     {"inst.json", kInstances},
                                     {"rules.json", kRulesView}};
  const LoadResult first = load_inventory_from_buffers(inputs);
  ASSERT_TRUE(first.ok()) << all_errors(first);
  std::reverse(inputs.begin(), inputs.end());
  const LoadResult second = load_inventory_from_buffers(inputs);
  EXPECT_EQ(dump_text(first.inventory), dump_text(second.inventory));
  EXPECT_EQ(first.inventory.files, second.inventory.files);
  EXPECT_TRUE(std::is_sorted(first.inventory.interfaces.begin(), first.inventory.interfaces.end(),
                             [](const Interface& a, const Interface& b) { return a.id < b.id; }));
}

// ---- limits, stats, inputs
// ---------------------------------------------------------------------------

TEST(IngestLimits, RuleAndSizeLimits) {
  LoadLimits limits;
  limits.max_rules = 4;
  const LoadResult many = load_one("sgs.json", kGroups, limits);
  ASSERT_EQ(many.errors.size(), 1u);
  EXPECT_EQ(many.errors[0].message, "more than 4 atomic rules (the rule limit)");
  limits = LoadLimits{};
  limits.max_file_bytes = 100;
  const LoadResult big = load_one("sgs.json", kGroups, limits);
  ASSERT_EQ(big.errors.size(), 1u);
  EXPECT_EQ(big.errors[0].message, "input too large: " + std::to_string(kGroups.size()) +
                                       " bytes (the limit is 100 bytes)");
}

// Files parsed on two threads (--jobs 2) give the inventory, warnings and errors of one thread,
// in file order; when the rule budget runs out, its error names the same rule as in order.
std::vector<NamedBuffer> numbered_group_files(std::size_t files, std::size_t rules) {
  std::vector<NamedBuffer> out;
  for (std::size_t k = 0; k < files; ++k) {
    std::string perms;
    for (std::size_t r = 0; r < rules + k % 5; ++r) {
      perms += std::string(r ? ", " : "") + R"({"IpProtocol": "tcp", "FromPort": )" +
               std::to_string(r) + R"(, "ToPort": )" + std::to_string(r) +
               R"(, "IpRanges": [{"CidrIp": "10.0.)" + std::to_string(k) + R"(.0/24"}]})";
    }
    const std::string name = "g" + std::to_string(100 + k) + ".json";
    std::string doc = R"({"SecurityGroups": [{"GroupId": "sg-)" + std::to_string(100 + k) +
                      R"(", "GroupName": "g", "VpcId": "vpc-1", "IpPermissions": [)" + perms +
                      "]}]}";
    if (k == 7) doc = R"({"SecurityGroups": [{"GroupId": 7}]})";  // an error in the middle
    if (k == 9) doc = R"({"SecurityGroups": [{"GroupId": "sg-9", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 99999, "ToPort": 1, "IpRanges": []}]}]})";
    out.push_back({name, doc});
  }
  return out;
}

std::string outcome(const LoadResult& r) {
  std::string out = all_errors(r) + "\n--\n" + dump_text(r.inventory);
  for (const Diagnostic& d : r.inventory.diagnostics) out += format_diagnostic(d);
  return out + "\nbytes " + std::to_string(r.stats.bytes);
}

TEST(IngestLimits, FilesParsedOnTwoThreadsGiveWhatOneThreadGives) {
  // Big enough files that both threads parse at once, and a budget that runs out in the middle.
  const std::vector<NamedBuffer> files = numbered_group_files(16, 3000);
  for (const std::uint64_t max_rules : {std::uint64_t{10'000'000}, std::uint64_t{20'000}}) {
    LoadLimits one;
    one.max_rules = max_rules;
    LoadLimits two = one;
    two.jobs = 2;
    const LoadResult a = load_inventory_from_buffers(files, one);
    const LoadResult b = load_inventory_from_buffers(files, two);
    EXPECT_FALSE(a.ok());
    EXPECT_EQ(outcome(a), outcome(b)) << "max_rules " << max_rules;
    if (max_rules == 20'000) {
      EXPECT_NE(all_errors(b).find("more than 20000 atomic rules (the rule limit)"),
                std::string::npos);
    }
  }
}

TEST(IngestLimits, FilesOnDiskParsedOnTwoThreadsAreReadAgainWhenTheBudgetRunsOut) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("sgcheck-ingest-jobs-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const NamedBuffer& f : numbered_group_files(16, 3000)) {
    std::ofstream(dir / f.name) << f.content;
  }
  for (const std::uint64_t max_rules : {std::uint64_t{10'000'000}, std::uint64_t{20'000}}) {
    LoadLimits one;
    one.max_rules = max_rules;
    LoadLimits two = one;
    two.jobs = 2;
    EXPECT_EQ(outcome(load_inventory({dir.string()}, one)),
              outcome(load_inventory({dir.string()}, two)));
  }
  fs::remove_all(dir);
}

// A large file on disk is mapped, and the loader gives back the pages it has read every few MB
// (MappedBytes::release_before). A warning found at the end of a rule that spans 16 MB quotes the
// rule's first line, long given back: it must read the file's bytes again, exactly as when the same
// bytes are loaded from memory.
TEST(IngestInputs, LargeFileOnDiskQuotesLinesItHasGivenBack) {
  namespace fs = std::filesystem;
  std::string doc =
      "{\n \"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\", \"GroupName\": \"g\", "
      "\"VpcId\": \"vpc-1\",\n   \"IpPermissions\": [\n    {\"FromPort\": 22, \"ToPort\": 22, "
      "\"IpRanges\": [\n";
  // Each rule pays for itself (one per 768 bytes of input, see RuleBudget): a long description.
  const std::string description = ", \"Description\": \"" + std::string(700, 'd') + "\"";
  for (int i = 0; i < 25'000; ++i) {
    doc += std::string(i ? ",\n" : "") + "      {\"CidrIp\": \"10." + std::to_string(i / 65536) +
           "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + "/32\"" +
           description + "}";
  }
  doc += "\n    ]}\n   ]}\n ]\n}\n";
  ASSERT_GT(doc.size(), 16u << 20);
  const fs::path path =
      fs::temp_directory_path() / ("sgcheck-large-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path, std::ios::binary) << doc;
  const LoadResult on_disk = load_inventory({path.string()});
  const LoadResult in_memory = load_inventory_from_buffers({{path.string(), doc}});
  fs::remove(path);
  ASSERT_EQ(on_disk.inventory.diagnostics.size(), 1u) << outcome(on_disk);
  EXPECT_EQ(on_disk.inventory.diagnostics[0].message, "rule without IpProtocol");
  EXPECT_EQ(on_disk.inventory.diagnostics[0].location.line, 5u);
  EXPECT_EQ(on_disk.inventory.diagnostics[0].source_line,
            "    {\"FromPort\": 22, \"ToPort\": 22, \"IpRanges\": [");
  EXPECT_EQ(outcome(on_disk), outcome(in_memory));
}

TEST(IngestLimits, Stats) {
  const LoadResult r = load_inventory_from_buffers({{"a.json", kGroups}, {"b.json", kEnis}});
  EXPECT_EQ(r.stats.files, 2u);
  EXPECT_EQ(r.stats.bytes, kGroups.size() + kEnis.size());
  EXPECT_GE(r.stats.parse_seconds, 0.0);
  EXPECT_GE(r.stats.merge_seconds, 0.0);
}

TEST(IngestInputs, DirectoryWalkSortsAndSkips) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sgcheck-ingest-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  const auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(dir / "z.json", kGroups);
  write(dir / "sub" / "a.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
  write(dir / "b.yaml", "Resources: {}\n");
  write(dir / "c.json", R"({"Subnets": []})");
  write(dir / "d.template",
        R"({"Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}}}})");
  write(dir / "e.yml", "just: yaml\n");
  write(dir / "notes.txt", "not read");
  const std::string name = dir.string();
  const LoadResult r = load_inventory({name});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.inventory.files,
            (std::vector<std::string>{name + "/b.yaml", name + "/c.json", name + "/d.template",
                                      name + "/e.yml", name + "/sub/a.json", name + "/z.json"}));
  // b.yaml is a template without groups; d.template (JSON) gives group A; c.json and e.yml hold
  // no security-group input: skipped and counted.
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_EQ(r.skipped[0].file, name + "/c.json");
  EXPECT_EQ(r.skipped[1].file, name + "/e.yml");
  EXPECT_EQ(r.inventory.groups.size(), 2u);
  EXPECT_EQ(r.inventory.vpcs.size(), 1u);
  // Invalid JSON inside a directory is still an error; a missing input too.
  write(dir / "broken.json", "{\"Vpcs\": [");
  const LoadResult broken = load_inventory({name, name + "/missing.json"});
  ASSERT_EQ(broken.errors.size(), 2u) << all_errors(broken);
  EXPECT_EQ(broken.errors[0].location.file, name + "/missing.json");
  EXPECT_EQ(broken.errors[0].message, "cannot read input: No such file or directory");
  EXPECT_EQ(broken.errors[1].location.to_string(), name + "/broken.json:1:11");
  EXPECT_EQ(broken.errors[1].message, "invalid JSON: unexpected end of input");
  fs::remove_all(dir);
}

// ---- AWS CLI output as saved (the shapes against the canonical dump: cli_shapes_test.py)
// ----------

TEST(IngestSavedShapes, PagesOfOneGroupInOneFileMakeOneGroup) {
  // The rules view of one group over two pages appended to one file, as JSON Lines.
  const std::string text =
      R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", )"
      R"("FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}], "NextToken": "t1"})"
      "\n"
      R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": true, "IpProtocol": "-1", )"
      R"("CidrIpv4": "0.0.0.0/0"}], "NextToken": null})"
      "\n";
  const LoadResult r = load_one("rules.json", text);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].rules.size(), 2u);
  EXPECT_TRUE(r.inventory.diagnostics.empty());  // the NextToken of an earlier page is no warning
}

TEST(IngestSavedShapes, BareListsAndObjectsOfEachKind) {
  const struct {
    const char* doc;
    std::size_t groups, interfaces, prefix_lists, vpcs, peerings;
  } cases[] = {
      {R"([{"GroupId": "sg-1", "IpPermissions": []}, {"GroupId": "sg-2", "IpPermissions": []}])", 2,
       0, 0, 0, 0},
      {R"({"GroupId": "sg-1", "GroupName": "one", "IpPermissionsEgress": []})", 1, 0, 0, 0, 0},
      {R"([{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IpProtocol": "-1",
          "CidrIpv4": "10.0.0.0/8"}])",
       1, 0, 0, 0, 0},
      {R"([{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "Groups": []}])", 0, 1, 0, 0, 0},
      // --query 'Reservations[].Instances[]'
      {R"([{"InstanceId": "i-1", "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}]},
          {"InstanceId": "i-2", "PrivateIpAddress": "10.0.0.2", "SecurityGroups": []}])",
       0, 2, 0, 0, 0},
      {R"([{"ReservationId": "r-1", "Instances": [{"InstanceId": "i-1",
          "PrivateIpAddress": "10.0.0.1"}]}])",
       0, 1, 0, 0, 0},
      {R"([{"PrefixListId": "pl-1", "PrefixListName": "x", "AddressFamily": "IPv4"}])", 0, 0, 1, 0,
       0},
      {R"([{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}])", 0, 0, 0, 1, 0},
      {R"([{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"}}])", 0, 0, 0, 0, 1},
      {"[]", 0, 0, 0, 0, 0},
      // --output yaml-stream, as JSON: a list of responses
      {R"([{"Vpcs": [{"VpcId": "vpc-1"}]}, {"Vpcs": [{"VpcId": "vpc-2"}]}])", 0, 0, 0, 2, 0},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one("list.json", c.doc);
    ASSERT_TRUE(r.ok()) << c.doc << all_errors(r);
    EXPECT_TRUE(r.skipped.empty()) << c.doc;
    EXPECT_EQ(r.inventory.groups.size(), c.groups) << c.doc;
    EXPECT_EQ(r.inventory.interfaces.size(), c.interfaces) << c.doc;
    EXPECT_EQ(r.inventory.prefix_lists.size(), c.prefix_lists) << c.doc;
    EXPECT_EQ(r.inventory.vpcs.size(), c.vpcs) << c.doc;
    EXPECT_EQ(r.inventory.peerings.size(), c.peerings) << c.doc;
  }
}

TEST(IngestSavedShapes, ListsOfOtherThingsAreNotSecurityGroupInput) {
  for (const char* doc : {"[1, 2]", R"([{"name": "x"}])", R"(["sg-1"])"}) {
    const LoadResult r = load_one("list.json", doc);
    EXPECT_TRUE(r.inventory.groups.empty()) << doc;
    EXPECT_EQ(r.errors.size() + r.skipped.size(), 1u) << doc;
  }
}

TEST(IngestSavedShapes, EveryDocumentOfSeveralMustBeAwsOutput) {
  const std::string text = "{\"Vpcs\": []}\n{\"name\": \"package\"}\n";
  const LoadResult r = load_one("pages.json", text);
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].location.to_string(), where("pages.json", text, "{\"name\""));
  EXPECT_EQ(r.errors[0].message,
            "expected AWS CLI output in every document of a file of several JSON documents");
  // A scalar after a document is not a document of a stream.
  const LoadResult scalar = load_one("pages.json", "{\"Vpcs\": []} 5");
  ASSERT_EQ(scalar.errors.size(), 1u);
  EXPECT_EQ(scalar.errors[0].message, "invalid JSON: unexpected content after the top-level value");
}

TEST(IngestSavedShapes, YamlValuesAtTheirPositions) {
  const std::string text =
      "SecurityGroupRules:\n"
      "- GroupId: sg-1\n"
      "  IsEgress: false\n"
      "  IpProtocol: tcp\n"
      "  FromPort: 22\n"
      "  ToPort: 22\n"
      "  CidrIpv4: 10.0.0.300/8\n"
      "- GroupId: sg-1\n"
      "  IsEgress: true\n"
      "  IpProtocol: '-1'\n"
      "  CidrIpv4: '0.0.0.0/33'\n"
      "NextToken: abc\n";
  const LoadResult r = load_one("rules.yaml", text);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  ASSERT_EQ(r.inventory.groups[0].rules.size(), 2u);
  EXPECT_EQ(r.inventory.groups[0].rules[0].from_port, 22);
  EXPECT_EQ(r.inventory.groups[0].rules[1].direction, Direction::egress);
  ASSERT_EQ(r.inventory.diagnostics.size(), 3u);
  // The offending character of a plain and of a quoted scalar, and the last page's NextToken.
  EXPECT_EQ(r.inventory.diagnostics[0].location.to_string(), where("rules.yaml", text, "300/8"));
  EXPECT_EQ(r.inventory.diagnostics[1].location.to_string(), where("rules.yaml", text, "33'"));
  EXPECT_EQ(r.inventory.diagnostics[2].location.to_string(), where("rules.yaml", text, "abc"));
  EXPECT_EQ(r.inventory.diagnostics[2].message.rfind("one page of several: NextToken", 0), 0u);

  const LoadResult bad =
      load_one("bad.yaml", "SecurityGroups:\n- GroupId: sg-1\n  IpPermissions: x\n");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].location.to_string(), "bad.yaml:3:18");
  EXPECT_EQ(bad.errors[0].message, "expected a list for \"IpPermissions\", found a string \"x\"");
}

TEST(IngestSavedShapes, RawEntriesTakeTheListIdFromTheFileName) {
  const std::string text = R"({"Entries": [{"Cidr": "10.0.0.0/8"}]})";
  const LoadResult r = load_one("lists/pl-0a1b2c3d.json", text);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.prefix_lists.size(), 1u);
  EXPECT_EQ(r.inventory.prefix_lists[0].id, "pl-0a1b2c3d");
  EXPECT_TRUE(r.inventory.prefix_lists[0].entries_known);
  for (const char* name : {"entries.json", "pl-.json", "pl-0A.json", "lists.pl-0a/e.json"}) {
    const LoadResult unnamed = load_one(name, text);
    ASSERT_EQ(unnamed.errors.size(), 1u) << name;
    EXPECT_EQ(unnamed.errors[0].location.to_string(), where(name, text, "["));
  }
}

// ---- positions
// ---------------------------------------------------------------------------------------

TEST(IngestPositions, LineIndexForwardAndBackward) {
  const std::string text = "ab\ncd\n\nefg\nh";
  detail::LineIndex index(text);
  const std::size_t order[] = {0, 4, 12, 3, 7, 8, 1, 11, 6, 2, 12};
  for (std::size_t offset : order) {
    EXPECT_EQ(index.locate(offset), test::line_col(text, offset)) << offset;
  }
}

}  // namespace
}  // namespace sgcheck
