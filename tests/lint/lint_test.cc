// Unit tests of the lint driver (run_lint: suppression by tag, --disable, severity overrides,
// fingerprints and baselines that survive reformatting and reordering, sorting, summary), the
// config and baseline readers, the reports, and the validity checks SG401–SG407, each
// with a positive and a negative case. Inventories come from small AWS CLI documents written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "lint/check.h"
#include "sgcheck/report.h"
#include "sgcheck/engine.h"
#include "sgcheck/lint.h"

namespace sgcheck {
namespace {

// ---- Building documents

std::string range(const std::string& cidr, const std::string& description = "d") {
  return R"({"CidrIp": ")" + cidr + R"(", "Description": ")" + description + "\"}";
}

// One IpPermission with IPv4 ranges (and, optionally, other peer lists as raw JSON).
std::string perm(const std::string& protocol, std::optional<std::pair<int, int>> ports,
                 const std::vector<std::string>& ranges, const std::string& extra = "") {
  std::string out = R"({"IpProtocol": ")" + protocol + "\"";
  if (ports)
    out += ", \"FromPort\": " + std::to_string(ports->first) +
           ", \"ToPort\": " + std::to_string(ports->second);
  out += ", \"IpRanges\": [";
  for (std::size_t i = 0; i < ranges.size(); ++i) out += (i ? ", " : "") + ranges[i];
  out += "]";
  if (!extra.empty()) out += ", " + extra;
  return out + "}";
}

std::string tcp(int port, const std::string& cidr) {
  return perm("tcp", {{port, port}}, {range(cidr)});
}

struct GroupDoc {
  std::string id;
  std::string name = "app";
  std::string description = "application tier";
  std::string vpc = "vpc-0a";
  std::vector<std::string> ingress;
  std::vector<std::string> egress;
  std::string tags;  // raw JSON array elements
};

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",\n") + p;
  return out;
}

std::string group_json(const GroupDoc& g) {
  return "{\"GroupId\": \"" + g.id + "\", \"GroupName\": \"" + g.name + "\", \"Description\": \"" +
         g.description + "\", \"VpcId\": \"" + g.vpc + "\",\n \"IpPermissions\": [" +
         join(g.ingress) + "],\n \"IpPermissionsEgress\": [" + join(g.egress) + "],\n \"Tags\": [" +
         g.tags + "]}";
}

std::string groups_doc(const std::vector<GroupDoc>& groups) {
  std::vector<std::string> parts;
  for (const GroupDoc& g : groups) parts.push_back(group_json(g));
  return "{\"SecurityGroups\": [\n" + join(parts) + "\n]}\n";
}

Inventory load(const std::vector<NamedBuffer>& buffers) {
  LoadResult loaded = load_inventory_from_buffers(buffers);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : format_diagnostic(loaded.errors[0]));
  return std::move(loaded.inventory);
}

Inventory load(const std::string& doc) {
  return load({{"sgs.json", doc}});
}

// The validity checks alone.
std::vector<Finding> validity(const Inventory& inventory, const LintOptions& options = {}) {
  const Engine engine(inventory);
  std::vector<Finding> out;
  detail::run_validity_checks({inventory, engine, options}, out);
  return out;
}

std::vector<Finding> of(const std::vector<Finding>& findings, const std::string& id) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.id == id; });
  return out;
}

LintResult lint(const Inventory& inventory, const LintOptions& options = {}) {
  const Engine engine(inventory);
  return run_lint(inventory, engine, options);
}

// Only the validity family, so that these tests do not depend on the other checks' findings.
LintOptions validity_only() {
  LintOptions options;
  options.disabled = {"SG1*", "SG2*", "SG3*"};
  return options;
}

const std::string kOut = tcp(443, "0.0.0.0/0");

// A group with a duplicate (SG401) in sg-0b and a clean sg-0c.
std::vector<GroupDoc> duplicate_groups() {
  return {GroupDoc{"sg-0b",
                   "bastion",
                   "ssh bastion",
                   "vpc-0a",
                   {tcp(22, "198.51.100.0/24"), tcp(22, "198.51.100.0/24"), tcp(22, "10.1.0.0/16")},
                   {kOut},
                   ""},
          GroupDoc{"sg-0c", "web", "web tier", "vpc-0a", {tcp(443, "10.2.0.0/16")}, {kOut}, ""}};
}

// ---- SG401

TEST(Sg401, DuplicateRuleIsReportedAtTheSecondCopy) {
  const Inventory inv = load(groups_doc(duplicate_groups()));
  const auto found = of(validity(inv), "SG401");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].group, "sg-0b");
  EXPECT_EQ(found[0].severity, FindingSeverity::high);
  ASSERT_EQ(found[0].related.size(), 1u);
  EXPECT_LT(found[0].related[0].line, found[0].location.line);
  EXPECT_NE(found[0].message.find("tcp/22 from 198.51.100.0/24"), std::string::npos);
}

TEST(Sg401, SameTextDifferentMeaningIsNotADuplicate) {
  // Same peer, other ports; same ports, other peer; same rule in another group; other direction.
  const Inventory inv = load(
      groups_doc({GroupDoc{"sg-0b",
                           "a",
                           "b",
                           "vpc-0a",
                           {tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8"), tcp(22, "10.0.0.0/9"),
                            perm("udp", {{22, 22}}, {range("10.0.0.0/8")})},
                           {tcp(22, "10.0.0.0/8")},
                           ""}}));
  EXPECT_TRUE(of(validity(inv), "SG401").empty());
}

TEST(Sg401, DuplicatesAreJudgedOnCanonicalValues) {
  // 10.0.0.5/8 is stored as 10.0.0.0/8; ports of protocol 50 are ignored; "6" is tcp.
  const Inventory inv = load(
      groups_doc({GroupDoc{"sg-0b",
                           "a",
                           "b",
                           "vpc-0a",
                           {tcp(22, "10.0.0.0/8"), perm("6", {{22, 22}}, {range("10.0.0.5/8")}),
                            perm("50", {{500, 500}}, {range("192.0.2.0/24")}),
                            perm("50", std::nullopt, {range("192.0.2.0/24")})},
                           {},
                           ""}}));
  EXPECT_EQ(of(validity(inv), "SG401").size(), 2u);
}

TEST(Sg401, OneRuleListedTwiceUnderItsIdIsNotADuplicate) {
  // Overlapping pages of describe-security-group-rules in one file repeat a rule with its id.
  const std::string rule =
      R"({"SecurityGroupRuleId": "sgr-01", "GroupId": "sg-0b", "IsEgress": false, "IpProtocol": "tcp",
          "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"})";
  const std::string other =
      R"({"SecurityGroupRuleId": "sgr-02", "GroupId": "sg-0b", "IsEgress": false, "IpProtocol": "tcp",
          "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"})";
  EXPECT_TRUE(of(validity(load("{\"SecurityGroupRules\": [" + rule + ", " + rule + "]}")), "SG401")
                  .empty());
  EXPECT_EQ(
      of(validity(load("{\"SecurityGroupRules\": [" + rule + ", " + other + "]}")), "SG401").size(),
      1u);
}

// ---- SG402–SG404 (from the ingest's diagnostics)

TEST(Sg402To404, ValueProblemsBecomeFindingsInTheirGroup) {
  const Inventory inv =
      load(groups_doc({GroupDoc{"sg-0b", "a", "b", "vpc-0a", {tcp(22, "10.0.0.0/8")}, {}, ""},
                       GroupDoc{"sg-0d",
                                "a2",
                                "b",
                                "vpc-0a",
                                {perm("tcp", {{30, 20}}, {range("10.0.0.0/8")}),
                                 perm("tcp", {{443, 443}}, {range("10.0.0.300/8")}),
                                 perm("tcp", {{443, 443}}, {},
                                      R"("UserIdGroupPairs": [{"Description": "nobody"}])")},
                                {},
                                ""}}));
  const auto found = validity(inv);
  ASSERT_EQ(of(found, "SG402").size(), 1u);
  ASSERT_EQ(of(found, "SG403").size(), 1u);
  ASSERT_EQ(of(found, "SG404").size(), 1u);
  for (const Finding& f : found) EXPECT_EQ(f.group, "sg-0d") << f.id << " " << f.message;
  EXPECT_NE(of(found, "SG402")[0].message.find("less than FromPort"), std::string::npos);
}

TEST(Sg402To404, ValidValuesGiveNothing) {
  const Inventory inv = load(groups_doc(duplicate_groups()));
  const auto found = validity(inv);
  EXPECT_TRUE(of(found, "SG402").empty());
  EXPECT_TRUE(of(found, "SG403").empty());
  EXPECT_TRUE(of(found, "SG404").empty());
}

TEST(Sg402, ModelRuleWithReversedPortsFromAnotherReader) {
  // A reader that let ToPort < FromPort through as valid (a template with literal ports, say).
  Inventory inv;
  inv.files = {"t.yaml"};
  Group g;
  g.id = "sg-0e";
  Rule r;
  r.protocol = kTcp;
  r.from_port = 90;
  r.to_port = 80;
  r.peer.kind = PeerKind::cidr4;
  r.peer.cidr = *parse_cidr4("10.0.0.0/8");
  r.location = {0, 7, 9};
  g.rules.push_back(r);
  r.from_port = 80;
  r.to_port = 90;
  g.rules.push_back(r);  // the same rule the right way round: fine
  inv.groups.push_back(g);
  const auto found = of(validity(inv), "SG402");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].location.line, 7u);
}

// ---- SG405

std::vector<std::string> many_ranges(int n, const char* family = "4") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    if (std::string(family) == "4")
      out.push_back(
          range("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24"));
    else
      out.push_back(R"({"CidrIpv6": "2001:db8:)" + std::to_string(i) + R"(::/48"})");
  }
  return out;
}

std::string v6_perm(int n) {
  return perm("tcp", {{443, 443}}, {}, "\"Ipv6Ranges\": [" + join(many_ranges(n, "6")) + "]");
}

TEST(Sg405, SixtyOneRulesInOneDirectionAndFamily) {
  const Inventory inv = load(groups_doc({GroupDoc{
      "sg-0b", "a", "b", "vpc-0a", {perm("tcp", {{443, 443}}, many_ranges(61))}, {}, ""}}));
  const auto found = of(validity(inv), "SG405");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("61 ingress IPv4"), std::string::npos) << found[0].message;
}

TEST(Sg405, FamiliesAndDirectionsAreCountedApart) {
  // 60 IPv4 + 60 IPv6 ingress + 60 IPv4 egress: each bucket at the quota, none over.
  const Inventory inv =
      load(groups_doc({GroupDoc{"sg-0b",
                                "a",
                                "b",
                                "vpc-0a",
                                {perm("tcp", {{443, 443}}, many_ranges(60)), v6_perm(60)},
                                {perm("tcp", {{443, 443}}, many_ranges(60))},
                                ""}}));
  EXPECT_TRUE(of(validity(inv), "SG405").empty());
}

TEST(Sg405, GroupReferenceCountsInBothFamilies) {
  const std::string ref = R"("UserIdGroupPairs": [{"GroupId": "sg-0c"}])";
  const Inventory inv = load(groups_doc({GroupDoc{"sg-0b",
                                                  "a",
                                                  "b",
                                                  "vpc-0a",
                                                  {perm("tcp", {{443, 443}}, many_ranges(60)),
                                                   v6_perm(60), perm("tcp", {{22, 22}}, {}, ref)},
                                                  {},
                                                  ""},
                                         GroupDoc{"sg-0c", "c", "d", "vpc-0a", {}, {}, ""}}));
  EXPECT_EQ(of(validity(inv), "SG405").size(), 2u);  // IPv4 61 and IPv6 61
}

TEST(Sg405, PrefixListCountsItsMaxEntriesAndTheQuotaIsAnOption) {
  const std::string lists =
      R"({"PrefixLists": [{"PrefixListId": "pl-0a", "AddressFamily": "IPv4", "MaxEntries": 50,
          "PrefixListName": "corp"}]})";
  const std::string sgs =
      groups_doc({GroupDoc{"sg-0b",
                           "a",
                           "b",
                           "vpc-0a",
                           {perm("tcp", {{443, 443}}, many_ranges(10),
                                 R"("PrefixListIds": [{"PrefixListId": "pl-0a"}])")},
                           {},
                           ""}});
  const Inventory inv = load({{"pl.json", lists}, {"sgs.json", sgs}});
  EXPECT_EQ(of(validity(inv), "SG405").size(), 0u);  // 10 + 50 = 60
  LintOptions options;
  options.max_rules_per_group_direction_family = 59;
  EXPECT_EQ(of(validity(inv, options), "SG405").size(), 1u);
}

std::string eni_doc(const std::string& id, int groups) {
  std::string list;
  for (int i = 0; i < groups; ++i)
    list += std::string(i ? ", " : "") + "{\"GroupId\": \"sg-0" + std::to_string(i) + "\"}";
  return R"({"NetworkInterfaceId": ")" + id +
         R"(", "VpcId": "vpc-0a", "PrivateIpAddress": "10.0.0.5", "Groups": [)" + list + "]}";
}

TEST(Sg405, GroupsPerInterfaceAndTheProduct) {
  std::vector<GroupDoc> groups;
  for (int i = 0; i < 6; ++i)
    groups.push_back(GroupDoc{"sg-0" + std::to_string(i),
                              "g" + std::to_string(i),
                              "d",
                              "vpc-0a",
                              {perm("tcp", {{443, 443}}, many_ranges(40))},
                              {},
                              ""});
  const std::string enis =
      "{\"NetworkInterfaces\": [" + eni_doc("eni-06", 6) + ", " + eni_doc("eni-05", 5) + "]}";
  const Inventory inv = load({{"sgs.json", groups_doc(groups)}, {"enis.json", enis}});
  auto found = of(validity(inv), "SG405");
  ASSERT_EQ(found.size(), 1u);  // eni-06 carries 6 groups; eni-05 is at the quota
  EXPECT_NE(found[0].message.find("eni-06 carries 6"), std::string::npos);
  LintOptions options;
  options.max_groups_per_interface = 16;
  options.max_rules_times_groups = 200;  // eni-06: 240 rules, eni-05: 200
  found = of(validity(inv, options), "SG405");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("eni-06 has 240 ingress IPv4"), std::string::npos);
}

// ---- SG406

TEST(Sg406, NamesAndDescriptionsAwsRefuses) {
  GroupDoc long_description{"sg-04", "reports", std::string(256, 'x'), "vpc-0a", {}, {}, ""};
  const Inventory inv = load(
      groups_doc({GroupDoc{"sg-01", "sg-web", "web", "vpc-0a", {}, {}, ""},
                  GroupDoc{"sg-02", "web|api", "web", "vpc-0a", {}, {}, ""},
                  GroupDoc{"sg-03",
                           "app",
                           "app",
                           "vpc-0a",
                           {perm("tcp", {{22, 22}}, {range("10.0.0.0/8", "a<b")})},
                           {},
                           ""},
                  long_description,
                  GroupDoc{"sg-05", "default", "default VPC security group", "vpc-0a", {}, {}, ""},
                  GroupDoc{"sg-00", "DEFAULT", "another default", "vpc-0a", {}, {}, ""}}));
  const auto found = of(validity(inv), "SG406");
  std::set<std::string> groups;
  for (const Finding& f : found) groups.insert(f.group.str());
  EXPECT_EQ(groups, (std::set<std::string>{"sg-00", "sg-01", "sg-02", "sg-03", "sg-04"}));
  EXPECT_EQ(found.size(), 5u);
}

TEST(Sg406, AllowedNamesAndOneDefaultPerVpc) {
  const Inventory inv = load(groups_doc(
      {GroupDoc{"sg-01",
                "app (blue) #1: [x]@y+z=w;{v}!$*",
                "R&D web, tier 1",
                "vpc-0a",
                {perm("tcp", {{22, 22}}, {range("10.0.0.0/8", "Q&A lab: 10.0.0.0/8")})},
                {},
                ""},
       GroupDoc{"sg-05", "default", "default VPC security group", "vpc-0a", {}, {}, ""},
       GroupDoc{"sg-06", "default", "default VPC security group", "vpc-0b", {}, {}, ""}}));
  EXPECT_TRUE(of(validity(inv), "SG406").empty());
}

TEST(Sg406, AmpersandOnAReferenceRuleIsOnlyAWarning) {
  const Inventory inv = load(groups_doc(
      {GroupDoc{"sg-01",
                "a",
                "b",
                "vpc-0a",
                {perm("tcp", {{22, 22}}, {},
                      R"("UserIdGroupPairs": [{"GroupId": "sg-01", "Description": "R&D"}])")},
                {},
                ""}}));
  const auto found = of(validity(inv), "SG406");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, FindingSeverity::low);
}

// ---- SG407

Inventory template_inventory(GroupOrigin origin, bool without_egress) {
  Inventory inv;
  inv.files = {"stack.yaml"};
  Group g;
  g.id = "AppSG";
  g.template_name = "AppSG";
  g.origin = origin;
  g.template_without_egress = without_egress;
  g.location = {0, 4, 3};
  inv.groups.push_back(g);
  return inv;
}

TEST(Sg407, TemplateWithoutEgress) {
  auto found = of(validity(template_inventory(GroupOrigin::cloudformation, true)), "SG407");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("CloudFormation keeps"), std::string::npos);
  EXPECT_EQ(found[0].location.to_string(), "stack.yaml:4:3");
  found = of(validity(template_inventory(GroupOrigin::terraform, true)), "SG407");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("Terraform removes"), std::string::npos);
}

TEST(Sg407, TemplateWithEgressOrLiveData) {
  EXPECT_TRUE(
      of(validity(template_inventory(GroupOrigin::cloudformation, false)), "SG407").empty());
  EXPECT_TRUE(of(validity(load(groups_doc(duplicate_groups()))), "SG407").empty());
}

// ---- The driver

TEST(Driver, SortsCountsAndFingerprints) {
  const Inventory inv =
      load({{"b.json", groups_doc(duplicate_groups())},
            {"a.json", groups_doc({GroupDoc{"sg-0f", "sg-x", "d", "vpc-0a", {}, {}, ""}})}});
  const LintResult result = lint(inv, validity_only());
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].location.file, "a.json");
  EXPECT_EQ(result.findings[1].location.file, "b.json");
  for (const Finding& f : result.findings) EXPECT_EQ(f.fingerprint.size(), 16u);
  EXPECT_EQ(result.summary.files, 2u);
  EXPECT_EQ(result.summary.groups, 3u);
  EXPECT_EQ(result.summary.rules, 6u);
  EXPECT_EQ(result.summary.findings, 2u);
  EXPECT_EQ(result.summary.suppressed, 0u);
}

TEST(Driver, DisableBySeveralSpellingsCountsAsSuppressed) {
  const Inventory inv = load(groups_doc(duplicate_groups()));
  for (const std::vector<std::string>& disabled :
       {std::vector<std::string>{"SG401"}, {"SG4*"}, {"SG1*", "SG2*", "SG3*", "SG40*"}}) {
    LintOptions options = validity_only();
    options.disabled.insert(options.disabled.end(), disabled.begin(), disabled.end());
    const LintResult result = lint(inv, options);
    EXPECT_TRUE(of(result.findings, "SG401").empty());
  }
  LintOptions options = validity_only();
  options.disabled.push_back("SG401");
  EXPECT_EQ(lint(inv, options).summary.suppressed, 1u);
}

TEST(Driver, SeverityOverride) {
  const Inventory inv = load(groups_doc(duplicate_groups()));
  LintOptions options = validity_only();
  options.severities["SG401"] = FindingSeverity::info;
  const LintResult result = lint(inv, options);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].severity, FindingSeverity::info);
}

std::size_t suppressed_with_tag(const std::string& key, const std::string& value) {
  std::vector<GroupDoc> groups = duplicate_groups();
  groups[0].tags = R"({"Key": ")" + key + R"(", "Value": ")" + value + "\"}";
  const LintResult result = lint(load(groups_doc(groups)), validity_only());
  return result.summary.suppressed;
}

TEST(Driver, IgnoreTagOnTheGroup) {
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "SG401 kept until the migration, NET-12"), 1u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "SG102,SG401 reason"), 1u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "SG102, SG401"), 1u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "SG4*"), 1u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "*"), 1u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore:SG401", "legacy"), 1u);
  // Not this check, the id after the reason has begun, another tag key.
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "SG402 legacy"), 0u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore", "legacy SG401"), 0u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignored", "SG401"), 0u);
  EXPECT_EQ(suppressed_with_tag("sgcheck:ignore:SG402", "legacy"), 0u);
}

// Two groups with a duplicate each (SG401 at the second copy), their rules moved to the lines
// given (column 5 of one file); the second copy of sg-0b's rule carries an ignore tag.
using RuleLines = std::array<std::array<std::uint32_t, 2>, 2>;  // [group][rule]

LintResult lint_with_rule_tag(const RuleLines& lines) {
  const std::string rule = tcp(22, "10.0.0.0/8");
  Inventory inv = load(groups_doc({GroupDoc{"sg-0b", "a", "d", "vpc-0a", {rule, rule}, {}, ""},
                                   GroupDoc{"sg-0c", "b", "d", "vpc-0a", {rule, rule}, {}, ""}}));
  for (std::size_t g = 0; g < 2; ++g) {
    EXPECT_EQ(inv.groups[g].rules.size(), 2u);
    for (std::size_t r = 0; r < 2; ++r) inv.groups[g].rules[r].location = {0, lines[g][r], 5};
  }
  inv.groups[0].rules[1].tags.push_back(Tag{Name("sgcheck:ignore"), Name("SG401")});
  return lint(inv, validity_only());
}

// The driver finds the rule at a finding's position (its tags, its content for the fingerprint)
// whether the groups' rules lie apart in the file or alternate, and at a position two rules
// share it takes the first in the inventory.
TEST(Driver, IgnoreTagOnTheRuleAtTheFindingsPosition) {
  const RuleLines apart{{{10, 20}, {30, 40}}}, alternate{{{10, 30}, {20, 40}}};
  for (const RuleLines& lines : {apart, alternate}) {
    const LintResult result = lint_with_rule_tag(lines);
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].group, "sg-0c");
    EXPECT_EQ(result.findings[0].location.line, 40u);
    EXPECT_EQ(result.summary.suppressed, 1u);
  }
  // sg-0c's second copy at the tagged rule's position: sg-0b's rule, first, is the one found.
  const LintResult result = lint_with_rule_tag(RuleLines{{{10, 30}, {20, 30}}});
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.summary.suppressed, 2u);
}

// An ignore tag on an interface suppresses its findings (SG405: six groups on eni-06 and eni-07),
// whether or not the interfaces are in the order of their ids; the first of equal ids decides.
TEST(Driver, IgnoreTagOnTheInterface) {
  std::vector<GroupDoc> groups;
  for (int i = 0; i < 6; ++i)
    groups.push_back(
        GroupDoc{"sg-0" + std::to_string(i), "g" + std::to_string(i), "d", "vpc-0a", {}, {}, ""});
  const std::string enis =
      "{\"NetworkInterfaces\": [" + eni_doc("eni-06", 6) + ", " + eni_doc("eni-07", 6) + "]}";
  Inventory inv = load({{"sgs.json", groups_doc(groups)}, {"enis.json", enis}});
  ASSERT_EQ(inv.interfaces.size(), 2u);
  EXPECT_EQ(lint(inv, validity_only()).findings.size(), 2u);
  inv.interfaces[1].tags.push_back(Tag{Name("sgcheck:ignore"), Name("SG405 six tiers, NET-9")});
  for (int order = 0; order < 2; ++order) {
    const LintResult result = lint(inv, validity_only());
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].interface, "eni-06");
    EXPECT_EQ(result.summary.suppressed, 1u);
    std::reverse(inv.interfaces.begin(), inv.interfaces.end());
  }
  // Of two interfaces of one id the first decides: an untagged copy of eni-07 before it.
  Interface copy = inv.interfaces[1];
  copy.tags.clear();
  inv.interfaces.insert(inv.interfaces.begin() + 1, copy);
  const LintResult result = lint(inv, validity_only());
  EXPECT_EQ(result.findings.size(), 3u);
  EXPECT_EQ(result.summary.suppressed, 0u);
}

// Reformatted (one line) and reordered (groups and permissions reversed), the findings keep their
// fingerprints, so a baseline written before still suppresses them.
TEST(Driver, BaselineSurvivesReformattingAndReordering) {
  std::vector<GroupDoc> groups = duplicate_groups();
  groups.push_back(GroupDoc{"sg-0f", "sg-x", "d", "vpc-0a", {}, {}, ""});
  const LintResult before = lint(load(groups_doc(groups)), validity_only());
  ASSERT_EQ(before.findings.size(), 2u);

  std::reverse(groups.begin(), groups.end());
  for (GroupDoc& g : groups) std::reverse(g.ingress.begin(), g.ingress.end());
  std::string doc = groups_doc(groups);
  doc.erase(std::remove(doc.begin(), doc.end(), '\n'), doc.end());
  doc = "\n\n" + doc;
  const Inventory moved = load({{"renamed.json", doc}});
  const LintResult after = lint(moved, validity_only());
  ASSERT_EQ(after.findings.size(), 2u);
  std::set<std::string> a, b;
  for (const Finding& f : before.findings) a.insert(f.fingerprint);
  for (const Finding& f : after.findings) b.insert(f.fingerprint);
  EXPECT_EQ(a, b);
  EXPECT_NE(before.findings[0].location.line, after.findings[0].location.line);

  // Through the baseline file and back.
  const auto path = std::filesystem::temp_directory_path() / ("sgcheck-lint-test-baseline-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << lint_baseline(before.findings);
  Diagnostics errors;
  const auto baseline = read_baseline(path.string(), errors);
  std::filesystem::remove(path);
  ASSERT_TRUE(baseline) << format_diagnostic(errors.at(0));
  LintOptions options = validity_only();
  options.baseline = *baseline;
  const LintResult suppressed = lint(moved, options);
  EXPECT_TRUE(suppressed.findings.empty());
  EXPECT_EQ(suppressed.summary.suppressed, 2u);

  // A new problem is not in the baseline.
  groups.push_back(GroupDoc{"sg-10", "sg-y", "d", "vpc-0a", {}, {}, ""});
  EXPECT_EQ(lint(load(groups_doc(groups)), options).findings.size(), 1u);
}

// ---- Config and baseline files

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / ("sgcheck-lint-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DisableAndSeverityMatchingNoCheckAreErrors) {
  const auto path = write_temp("typo.json", R"({"disable": ["SG2*", "SG9*"]})");
  Diagnostics errors;
  EXPECT_FALSE(read_lint_config(path.string(), errors, {"SG201", "SG202"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location.column, 22u);  // at "SG9*"
  EXPECT_NE(errors[0].message.find("\"SG9*\" matches no check"), std::string::npos);
  errors.clear();
  const auto severity = write_temp("severity.json", R"({"severity": {"SG2O1": "low"}})");
  EXPECT_FALSE(read_lint_config(severity.string(), errors, {"SG201"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("\"SG2O1\" matches no check"), std::string::npos);
}

TEST(Config, EveryKey) {
  const auto path = write_temp(
      "good.json",
      R"({"disable": ["SG201", "SG3*"], "severity": {"SG204": "low"}, "fail_on": "medium",
          "quotas": {"rules_per_group": 100, "groups_per_interface": 10, "rules_times_groups": 900}})");
  Diagnostics errors;
  const auto config = read_lint_config(path.string(), errors);
  ASSERT_TRUE(config) << format_diagnostic(errors.at(0));
  LintOptions options;
  options.disabled = {"SG101"};
  apply_lint_config(*config, options);
  EXPECT_EQ(options.disabled, (std::vector<std::string>{"SG101"}));  // --disable's
  EXPECT_EQ(options.config_disabled, (std::vector<std::string>{"SG201", "SG3*"}));
  EXPECT_EQ(options.severities.at("SG204"), FindingSeverity::low);
  EXPECT_EQ(options.fail_on, FindingSeverity::medium);
  EXPECT_EQ(options.max_rules_per_group_direction_family, 100);
  EXPECT_EQ(options.max_groups_per_interface, 10);
  EXPECT_EQ(options.max_rules_times_groups, 900);
}

struct BadConfig {
  std::string text;
  std::string expected;  // the whole first line of the diagnostic, after the file name
};

TEST(Config, MistakesAreReportedAtTheirPosition) {
  const std::vector<BadConfig> cases = {
      {"{\"disable\": \"SG201\"}",
       ":1:13: error: expected an array for \"disable\", found a string"},
      {"{\n  \"fail_on\": \"hihg\"}",
       ":2:14: error: expected critical, high, medium, low or info for \"fail_on\""},
      {"{\"severity\": {\"SG201\": 3}}",
       ":1:24: error: expected a string for \"SG201\", found a number"},
      {"{\"disabled\": []}",
       ":1:2: error: unknown key \"disabled\" (expected disable, severity, fail_on or quotas)"},
      {"{\"quotas\": {\"rules\": 5}}",
       ":1:13: error: unknown key \"rules\" (expected rules_per_group, groups_per_interface or "
       "rules_times_groups)"},
      {"{\"quotas\": {\"rules_per_group\": 0}}",
       ":1:32: error: expected a positive integer for \"rules_per_group\""},
      {"{\"disable\": [\"SG201\",]}", ":1:22: error: invalid JSON: expected a value, found ']'"},
      {"[]", ":1:1: error: expected a JSON object (the config file)"},
  };
  for (const BadConfig& c : cases) {
    const auto path = write_temp("bad.json", c.text);
    Diagnostics errors;
    EXPECT_FALSE(read_lint_config(path.string(), errors)) << c.text;
    ASSERT_EQ(errors.size(), 1u) << c.text;
    const std::string first = format_diagnostic(errors[0]);
    EXPECT_EQ(first.substr(0, first.find('\n')), path.string() + c.expected) << c.text;
  }
}

TEST(Config, FoundFromTheCurrentDirectoryUpward) {
  const auto root = std::filesystem::temp_directory_path() / ("sgcheck-lint-test-find-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "a" / "b");
  EXPECT_EQ(find_lint_config(root / "a" / "b"), "");
  std::ofstream(root / "a" / ".sgcheck.json") << "{}";
  EXPECT_EQ(find_lint_config(root / "a" / "b"), (root / "a" / ".sgcheck.json").string());
  EXPECT_EQ(find_lint_config(root / "a"), (root / "a" / ".sgcheck.json").string());
  EXPECT_EQ(find_lint_config(root), "");
  std::filesystem::remove_all(root);
}

TEST(Baseline, EntryWithoutFingerprintIsAnError) {
  const auto path = write_temp("baseline.json", R"({"version": 1, "findings": [{"id": "SG401"}]})");
  Diagnostics errors;
  EXPECT_FALSE(read_baseline(path.string(), errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location.line, 1u);
  EXPECT_EQ(errors[0].location.column, 29u);  // the entry's '{'
}

// ---- Reports

LintSummary summary_of(std::size_t files, std::size_t groups, std::size_t rules,
                       std::size_t findings, std::size_t suppressed) {
  LintSummary s;
  s.files = files;
  s.groups = groups;
  s.rules = rules;
  s.findings = findings;
  s.suppressed = suppressed;
  return s;
}

TEST(Report, SummaryLine) {
  LintResult result;
  result.summary = summary_of(2, 5, 14, 3, 1);
  result.findings.resize(3);
  result.findings[0].severity = FindingSeverity::high;
  result.findings[1].severity = FindingSeverity::low;
  result.findings[2].severity = FindingSeverity::low;
  EXPECT_EQ(lint_summary_line(result),
            "3 findings (1 high, 2 low), 1 suppressed, in 5 groups and 14 rules from 2 files\n");
  // The reasons, the skipped inputs, the input errors and the config in force.
  result.summary.suppressed = 3;
  result.summary.suppressed_by_baseline = 2;
  result.summary.suppressed_by_tag = 1;
  result.summary.skipped = 4;
  result.summary.input_errors = 1;
  result.summary.config = ".sgcheck.json";
  EXPECT_EQ(lint_summary_line(result),
            "3 findings (1 high, 2 low), 3 suppressed (1 by tag, 2 by baseline), in 5 groups and 14 "
            "rules from 2 files (4 skipped: not security-group input); 1 input error; config "
            ".sgcheck.json\n");
  LintResult none;
  none.summary = summary_of(1, 1, 1, 0, 0);
  EXPECT_EQ(lint_summary_line(none), "no findings in 1 group and 1 rule from 1 file\n");
}

TEST(Report, TextShowsTheSourceLineAndACaret) {
  const std::string doc = "{\n\t\"x\": 1,\n  \"SecurityGroups\": []}\n";
  const auto path = write_temp("source.json", doc);
  LintResult result;
  Finding f = detail::make_finding("SG401", "message", Location{Name(path.string()), 2, 3});
  result.findings.push_back(f);
  result.summary = summary_of(1, 0, 0, 1, 0);
  const std::string text = lint_text(result, {});
  EXPECT_EQ(text, path.string() + ":2:3: high: SG401 message\n  \t\"x\": 1,\n  \t ^\n" +
                      "1 finding (1 high) in 0 groups and 0 rules from 1 file\n");
  // Standard input has no file to read the line from.
  result.findings[0].location.file = "-";
  EXPECT_EQ(lint_text(result, {}),
            "-:2:3: high: SG401 message\n"
            "1 finding (1 high) in 0 groups and 0 rules from 1 file\n");
  TextReportOptions colored;
  colored.color = true;
  EXPECT_NE(lint_text(result, colored).find("\033[31mhigh:\033[0m"), std::string::npos);
}

// A long line is quoted as a window of whole characters, 60 before the column and 117 after the
// "...", and the caret counts characters: on a line of two-byte "é" and three-byte "日" it sits
// under the '{' at byte column 161, the 81st character.
TEST(Report, TextCutsALongNonAsciiLineBetweenCharacters) {
  std::string e80, e60, cjk56, line;
  for (int i = 0; i < 80; ++i) e80 += "\xC3\xA9";  // é
  for (int i = 0; i < 60; ++i) e60 += "\xC3\xA9";
  for (int i = 0; i < 56; ++i) cjk56 += "\xE6\x97\xA5";  // 日
  line = e80 + "{" + cjk56 + "\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5";
  const auto path = write_temp("wide.json", line + "\n");
  LintResult result;
  result.findings.push_back(detail::make_finding("SG401", "m", Location{Name(path.string()), 1, 161}));
  result.summary = summary_of(1, 0, 0, 1, 0);
  EXPECT_EQ(lint_text(result, {}), path.string() + ":1:161: high: SG401 m\n  ..." + e60 + "{" +
                                       cjk56 + "...\n  " + std::string(63, ' ') + "^\n" +
                                       "1 finding (1 high) in 0 groups and 0 rules from 1 file\n");
}

// The text report maps a source file and gives back the pages it has read (sources can be
// large): lines far apart in a file of 21 MB, a CRLF line and a last line without '\n' are quoted
// as std::getline gives them, and a line past the end is not quoted.
TEST(Report, TextQuotesLinesOfALargeFile) {
  namespace fs = std::filesystem;
  const fs::path path =
      fs::temp_directory_path() / ("sgcheck-report-large-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= 400'000; ++i)
      out << "line " << i << std::string(40, 'x') << (i == 200'000 ? "\r\n" : "\n");
    out << "last";
  }
  LintResult result;
  for (const std::uint32_t line : {1u, 200'000u, 399'999u, 400'001u, 400'002u})
    result.findings.push_back(detail::make_finding("SG401", "m", Location{Name(path.string()), line, 1}));
  result.summary = summary_of(1, 0, 0, 5, 0);
  const std::string text = lint_text(result, {});
  fs::remove(path);
  const std::string x40(40, 'x');
  const std::string at = path.string() + ":";
  EXPECT_EQ(text, at + "1:1: high: SG401 m\n  line 1" + x40 + "\n  ^\n" +                //
                      at + "200000:1: high: SG401 m\n  line 200000" + x40 + "\n  ^\n" +  //
                      at + "399999:1: high: SG401 m\n  line 399999" + x40 + "\n  ^\n" +  //
                      at + "400001:1: high: SG401 m\n  last\n  ^\n" +                    //
                      at + "400002:1: high: SG401 m\n" +                                 //
                      "5 findings (5 high) in 0 groups and 0 rules from 1 file\n");
}

TEST(Report, JsonShape) {
  LintResult result;
  Finding f = detail::make_finding("SG401", "m", Location{Name("sgs.json"), 12, 9});
  f.group = "sg-0a";
  f.witness = std::make_shared<const Witness>(
      Witness{"tcp", 22, std::nullopt, std::nullopt, Direction::ingress, "0.0.0.0/0"});
  result.findings.push_back(f);
  result.summary = summary_of(1, 3, 17, 1, 2);
  const std::string json = lint_json(result);
  for (const char* part :
       {R"("id": "SG401")", R"("severity": "high")", R"("title": "Duplicate rule")",
        R"("file": "sgs.json")", R"("line": 12)", R"("column": 9)", R"("group": "sg-0a")",
        R"("rule": null)", R"("protocol": "tcp")", R"("port": 22)", R"("source": "0.0.0.0/0")",
        R"("refs": [])", R"("suppressed": 2)"})
    EXPECT_NE(json.find(part), std::string::npos) << part << "\n" << json;
}

}  // namespace
}  // namespace sgcheck
