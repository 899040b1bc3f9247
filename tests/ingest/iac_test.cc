// Unit tests of the infrastructure-as-code readers (docs/iac.md): CloudFormation JSON and YAML,
// Terraform plans; references, parameter defaults, unresolved values and the engine's unknown
// answers for them, egress defaults, positions, malformed templates. Entry point:
// load_inventory_from_buffers() on in-memory documents, load_inventory() on examples/iac.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "sgcheck/engine.h"
#include "sgcheck/report.h"
#include "test_util.h"

namespace sgcheck {
namespace {

using test::all_errors;
using test::load_one;
using test::where;

const Group* group(const Inventory& inv, std::string_view id) {
  return inv.find_group(id);
}

std::vector<const Rule*> rules_of(const Group& g, Direction d) {
  std::vector<const Rule*> out;
  for (const Rule& r : g.rules)
    if (r.direction == d) out.push_back(&r);
  return out;
}

bool has_note(const Inventory& inv, std::string_view text) {
  return std::any_of(inv.diagnostics.begin(), inv.diagnostics.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::note && d.message.find(text) != std::string::npos;
  });
}

Verdict ask(const Engine& engine, std::string_view flow) {
  const FlowParseResult parsed = parse_flow(flow);
  EXPECT_TRUE(parsed) << parsed.error.message;
  return parsed ? engine.decide(*parsed.flow).verdict : Verdict::not_applicable;
}

// ---- CloudFormation ---------------------------------------------------------------------------

const std::string kCfnYaml = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Office:
    Type: String
    Default: 198.51.100.0/24
  Peer:
    Type: AWS::EC2::SecurityGroup::Id
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      sgcheck:
        ignore: SG201 reviewed
    Properties:
      GroupDescription: web
      GroupName: !Sub web-${AWS::StackName}
      SecurityGroupIngress:
        - IpProtocol: TCP
          FromPort: "443"
          ToPort: 443
          CidrIp: !Ref Office
        - IpProtocol: 6
          FromPort: 22
          ToPort: 22
          SourceSecurityGroupId: !Ref Peer
        - IpProtocol: -1
          CidrIpv6: !If [IsProd, "::/0", "2001:db8::/32"]
  DbSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupEgress:
        - IpProtocol: udp
          FromPort: 53
          ToPort: 53
          CidrIp: 10.0.0.2/32
  DbFromWeb:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbSG.GroupId
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      SourceSecurityGroupId: !GetAtt [WebSG, GroupId]
)";

TEST(CloudFormation, YamlShortFormsDefaultsAndUnresolvedValues) {
  const LoadResult r = load_one("t.yaml", kCfnYaml);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Inventory& inv = r.inventory;
  ASSERT_EQ(inv.groups.size(), 2u);
  const Group* web = group(inv, "WebSG");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->origin, GroupOrigin::cloudformation);
  EXPECT_EQ(web->template_name, "WebSG");
  EXPECT_EQ(web->name, "");  // Fn::Sub with a variable: not known
  EXPECT_EQ(where(inv, web->location),
            where("t.yaml", kCfnYaml, "Type: AWS::EC2::SecurityGroup\n    Metadata"));
  ASSERT_EQ(web->tags.size(), 1u);
  EXPECT_EQ(web->tags[0].key, "sgcheck:ignore");
  EXPECT_EQ(web->tags[0].value, "SG201 reviewed");

  const auto in = rules_of(*web, Direction::ingress);
  ASSERT_EQ(in.size(), 3u);
  // "TCP" and the string "443": accepted as CloudFormation accepts them; the Default is used.
  EXPECT_EQ(in[0]->protocol, kTcp);
  EXPECT_EQ(in[0]->from_port, 443);
  EXPECT_EQ(in[0]->to_port, 443);
  EXPECT_EQ(in[0]->peer.kind, PeerKind::cidr4);
  EXPECT_EQ(to_string(in[0]->peer.cidr), "198.51.100.0/24");
  EXPECT_TRUE(in[0]->valid);
  EXPECT_EQ(where(inv, in[0]->location), where("t.yaml", kCfnYaml, "!Ref Office"));
  EXPECT_TRUE(has_note(inv, "CidrIp is the Default of parameter Office (\"198.51.100.0/24\")"));
  // A parameter without Default: a reference to a group no inventory defines.
  EXPECT_EQ(in[1]->protocol, kTcp);
  EXPECT_EQ(in[1]->peer.kind, PeerKind::group);
  EXPECT_EQ(in[1]->peer.id, "unresolved(Ref Peer)");
  EXPECT_TRUE(has_note(inv, "parameter Peer has no Default"));
  // Fn::If on a CIDR: an address set nobody knows yet.
  EXPECT_EQ(in[2]->protocol, kAllProtocols);
  EXPECT_EQ(in[2]->peer.kind, PeerKind::prefix_list);
  EXPECT_EQ(in[2]->peer.id, "unresolved(If IsProd)");

  // No egress rule anywhere: CloudFormation keeps the allow-all IPv4 rule, located at the group.
  EXPECT_TRUE(web->template_without_egress);
  const auto out = rules_of(*web, Direction::egress);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->protocol, kAllProtocols);
  EXPECT_EQ(to_string(out[0]->peer.cidr), "0.0.0.0/0");
  EXPECT_EQ(out[0]->location, web->location);

  // The standalone ingress joins DbSG, referencing WebSG by logical id; DbSG has its own egress.
  const Group* db = group(inv, "DbSG");
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(db->template_without_egress);
  const auto db_in = rules_of(*db, Direction::ingress);
  ASSERT_EQ(db_in.size(), 1u);
  EXPECT_EQ(db_in[0]->peer.id, "WebSG");
  EXPECT_EQ(where(inv, db_in[0]->rule_location),
            where("t.yaml", kCfnYaml, "Type: AWS::EC2::SecurityGroupIngress"));
  EXPECT_EQ(rules_of(*db, Direction::egress).size(), 1u);
}

TEST(CloudFormation, StandaloneEgressRemovesTheDefaultAndExternalGroupsAreRulesViews) {
  const std::string doc = R"({"Resources": {
  "A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "a"}},
  "AOut": {"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {"GroupId": {"Ref": "A"},
     "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}},
  "Old": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": "sg-0123456789abcdef0",
     "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "SourceSecurityGroupId": {"Fn::GetAtt": "A.GroupId"}}},
  "Elsewhere": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
     "GroupId": {"Fn::ImportValue": "shared-sg"}, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1,
     "CidrIp": "10.0.0.0/8"}}}})";
  const LoadResult r = load_one("s.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Group* a = group(r.inventory, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->template_without_egress);
  ASSERT_EQ(a->rules.size(), 1u);
  EXPECT_EQ(a->rules[0].direction, Direction::egress);
  const Group* old = group(r.inventory, "sg-0123456789abcdef0");
  ASSERT_NE(old, nullptr);
  EXPECT_TRUE(old->from_rules_only);
  ASSERT_EQ(old->rules.size(), 1u);
  EXPECT_EQ(old->rules[0].peer.id, "A");
  // The imported group's rule is judged on a rules-only view of that group.
  const Group* imported = group(r.inventory, "unresolved(ImportValue shared-sg)");
  ASSERT_NE(imported, nullptr);
  EXPECT_TRUE(imported->from_rules_only);
  EXPECT_EQ(imported->rules.size(), 1u);
  EXPECT_EQ(r.inventory.groups.size(), 3u);
  EXPECT_TRUE(
      has_note(r.inventory, "resource Elsewhere adds a rule to a group outside this template"));
}

TEST(CloudFormation, ValueProblemsAreWarningsAtTheValue) {
  const std::string doc = R"({"Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
  "SecurityGroupIngress": [
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.300/8"},
    {"IpProtocol": "tcp", "FromPort": "x", "ToPort": 22, "CidrIp": "10.0.0.0/8"},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22},
    {"IpProtocol": "gre", "CidrIp": "10.0.0.0/8", "CidrIpv6": "::/0"}]}}}})";
  const LoadResult r = load_one("v.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Group* a = group(r.inventory, "A");
  ASSERT_NE(a, nullptr);
  const auto in = rules_of(*a, Direction::ingress);
  ASSERT_EQ(in.size(), 4u);
  for (const Rule* rule : in) EXPECT_FALSE(rule->valid);
  std::multiset<std::string> checks;
  for (const Diagnostic& d : r.inventory.diagnostics)
    if (d.severity == Severity::warning) checks.insert(d.check);
  EXPECT_EQ(checks, (std::multiset<std::string>{"SG403", "SG402", "SG404", "SG404", "SG402"}));
  EXPECT_EQ(r.inventory.diagnostics[0].location.to_string(),
            where("v.json", doc, "\"10.0.0.300/8\""));
}

TEST(CloudFormation, UnparsableTemplatesAreErrorsWithPositions) {
  const struct {
    const char* name;
    std::string doc;
    std::string expected;  // the error's message
    std::string at;        // where: a needle in doc
  } cases[] = {
      {"t.yaml", "Resources:\n  A: [unclosed\n", "invalid YAML: end of sequence flow not found",
       ""},
      {"t.json", R"({"Resources": []})", "expected a mapping for Resources, found a list", "[]"},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one(c.name, c.doc);
    ASSERT_EQ(r.errors.size(), 1u) << c.doc;
    EXPECT_EQ(r.errors[0].message, c.expected) << c.doc;
    EXPECT_NE(r.errors[0].location.line, 0u) << c.doc;
    if (!c.at.empty()) {
      EXPECT_EQ(r.errors[0].location.to_string(), where(c.name, c.doc, c.at));
    }
    EXPECT_TRUE(r.inventory.groups.empty());
  }
}

// A resource or rule entry that cannot be read is an SG408 warning at its place; the good
// resource next to it is still read.
TEST(CloudFormation, OneBadResourceNeverHidesTheRest) {
  const std::string good =
      "  Good:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
      "      GroupDescription: good\n"
      "      SecurityGroupIngress:\n"
      "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n"
      "        - [not, a, mapping]\n";
  const struct {
    std::string bad;       // a resource next to Good
    std::string expected;  // the start of the SG408 message
    std::string at;        // where: a needle in the document
  } cases[] = {
      {"  A:\n    Properties: {}\n", "resource A has no Type: resource A is left out",
       "Properties: {}"},
      {"  A:\n    Type: [x]\n", "expected a string for the Type of A, found a list", "[x]"},
      {"  A: {Type: AWS::EC2::SecurityGroup}\n",
       "resource A (AWS::EC2::SecurityGroup) has no Properties", "{Type"},
      {"  I:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {IpProtocol: \"-1\"}\n",
       "resource I (AWS::EC2::SecurityGroupIngress) has no GroupId or GroupName", "Type: AWS::EC2::SecurityGroupIngress"},
      {"  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress: 7\n",
       "expected a list for SecurityGroupIngress, found a string", "7"},
  };
  for (const auto& c : cases) {
    const std::string doc = "Resources:\n" + c.bad + good;
    const LoadResult r = load_one("t.yaml", doc);
    ASSERT_TRUE(r.ok()) << all_errors(r);
    const Group* g = group(r.inventory, "Good");
    ASSERT_NE(g, nullptr) << doc;
    EXPECT_EQ(rules_of(*g, Direction::ingress).size(), 1u) << doc;
    std::vector<std::string> unreadable;
    for (const Diagnostic& d : r.inventory.diagnostics)
      if (d.check == "SG408") unreadable.push_back(d.message + " @ " + d.location.to_string());
    ASSERT_EQ(unreadable.size(), 2u) << doc;  // the bad resource and Good's bad entry
    EXPECT_NE(std::find_if(unreadable.begin(), unreadable.end(),
                           [&](const std::string& m) {
                             return m.rfind(c.expected, 0) == 0 &&
                                    m.find(" @ " + where("t.yaml", doc, c.at)) != std::string::npos;
                           }),
              unreadable.end())
        << doc << "\n" << unreadable[0] << "\n" << unreadable[1];
    EXPECT_NE(std::find_if(unreadable.begin(), unreadable.end(),
                           [&](const std::string& m) {
                             return m.find("this entry of SecurityGroupIngress is left out @ " +
                                           where("t.yaml", doc, "[not")) != std::string::npos;
                           }),
              unreadable.end())
        << doc;
  }
}

const std::string kConditions = R"(Parameters:
  Env: {Type: String, Default: prod}
  Wide: {Type: String}
  V6: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  UseWide: !Equals [!Ref Wide, "yes"]
  UseV6: !Equals [!Ref V6, "yes"]
  ProdAndWide: !And [!Condition IsProd, !Condition UseWide]
  DevOrProd: !Or [!Condition IsDev, !Condition IsProd]
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - !If [IsProd, {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}, !Ref AWS::NoValue]
        - !If [IsDev, {IpProtocol: tcp, FromPort: 8080, ToPort: 8080, CidrIp: 0.0.0.0/0}, !Ref AWS::NoValue]
        - !If
          - UseWide
          - !If [UseV6, {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: "::/0"}, !Ref AWS::NoValue]
          - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
        - IpProtocol: tcp
          FromPort: !If [DevOrProd, 25, 26]
          ToPort: 25
          CidrIp: !If [UseWide, 0.0.0.0/0, 10.0.0.0/8]
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIp: !If [UseV6, !Ref AWS::NoValue, 192.0.2.0/24]
          CidrIpv6: !If [UseV6, "2001:db8::/32", !Ref AWS::NoValue]
      SecurityGroupEgress: !If
        - ProdAndWide
        - [{IpProtocol: "-1", CidrIp: 0.0.0.0/0}]
        - [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
  OpsSG:
    Type: AWS::EC2::SecurityGroup
    Condition: UseWide
    Properties:
      GroupDescription: ops
      SecurityGroupIngress:
        IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIp: 0.0.0.0/0
  GoneSG:
    Type: AWS::EC2::SecurityGroup
    Condition: IsDev
    Properties: {GroupDescription: gone}
)";

// "tcp/22 from 10.0.0.0/8", "all to 0.0.0.0/0": a rule as the tests below compare it.
std::string dump_rule_text(const Rule& rule) {
  std::string text = rule.protocol == kAllProtocols ? "all" : protocol_name(rule.protocol);
  if (rule.from_port) {
    text += '/';
    text += std::to_string(*rule.from_port);
    if (rule.to_port && *rule.to_port != *rule.from_port) {
      text += '-';
      text += std::to_string(*rule.to_port);
    }
  }
  text += rule.direction == Direction::ingress ? " from " : " to ";
  const bool cidr = rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6;
  text += cidr ? to_string(rule.peer.cidr) : rule.peer.id.str();
  return text;
}

// "tcp/22 from 10.0.0.0/8 [not UseWide @ line:col]" for each rule of a direction, in order.
std::vector<std::string> conditional_rules(const LoadResult& r, std::string_view id, Direction d) {
  std::vector<std::string> out;
  const Group* g = group(r.inventory, id);
  if (g == nullptr) return out;
  for (const Rule* rule : rules_of(*g, d)) {
    std::string text = dump_rule_text(*rule);
    if (rule_conditional(*rule))
      text += " [" + rule->unresolved().condition + " @ " +
              where(r.inventory, rule->unresolved().condition_location) + "]";
    out.push_back(text);
  }
  return out;
}

TEST(CloudFormation, FnIfUnderTrueFalseAndUndecidedConditions) {
  const LoadResult r = load_one("c.yaml", kConditions);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto at = [&](std::string_view needle, int nth = 0) {
    return where("c.yaml", kConditions, needle, nth);
  };
  // IsProd is true from Env's Default, IsDev false; UseWide and UseV6 wait for parameters.
  EXPECT_EQ(conditional_rules(r, "WebSG", Direction::ingress),
            (std::vector<std::string>{
                "tcp/443 from 0.0.0.0/0",
                "tcp/22 from ::/0 [UseWide and UseV6 @ " + at("!If [UseV6") + "]",
                "tcp/22 from 10.0.0.0/8 [not UseWide @ " + at("!If\n") + "]",
                "tcp/25 from unresolved(If UseWide)",
                "tcp/3389 from 2001:db8::/32 [UseV6 @ " + at("!If [UseV6, !Ref") + "]",
                "tcp/3389 from 192.0.2.0/24 [not UseV6 @ " + at("!If [UseV6, !Ref") + "]",
            }));
  EXPECT_EQ(conditional_rules(r, "WebSG", Direction::egress),
            (std::vector<std::string>{
                "all to 0.0.0.0/0 [ProdAndWide @ " + at("!If\n        - ProdAndWide") + "]",
                "tcp/443 to 10.0.0.0/8 [not ProdAndWide @ " + at("!If\n        - ProdAndWide") +
                    "]",
            }));
  // A resource's undecided Condition makes its rules conditional, the default egress too.
  EXPECT_EQ(conditional_rules(r, "OpsSG", Direction::ingress),
            (std::vector<std::string>{"tcp/22 from 0.0.0.0/0 [UseWide @ " +
                                      at("UseWide\n    Properties") + "]"}));
  EXPECT_EQ(conditional_rules(r, "OpsSG", Direction::egress),
            (std::vector<std::string>{"all to 0.0.0.0/0 [UseWide @ " +
                                      at("UseWide\n    Properties") + "]"}));
  EXPECT_EQ(group(r.inventory, "GoneSG"), nullptr);  // its Condition is false
  EXPECT_TRUE(has_note(r.inventory, "condition IsProd is true with the Default of parameter Env"));
  bool single_mapping_warned = false;
  for (const Diagnostic& d : r.inventory.diagnostics) {
    EXPECT_NE(d.check, "SG402") << d.message;
    EXPECT_NE(d.check, "SG404") << d.message;
    single_mapping_warned = single_mapping_warned ||
                            (d.severity == Severity::warning &&
                             d.message.rfind("SecurityGroupIngress is one mapping", 0) == 0 &&
                             d.location.to_string() == at("IpProtocol: tcp\n        FromPort: 22"));
  }
  EXPECT_TRUE(single_mapping_warned);
}

TEST(CloudFormation, LiteralIntrinsicsAreFolded) {
  const std::string doc = R"(Parameters:
  Base: {Type: String, Default: 10.1.0.0/16}
  Ports: {Type: CommaDelimitedList, Default: "80, 443"}
  Open: {Type: String}
Mappings:
  Nets: {prod: {office: 198.51.100.0/24}}
Resources:
  SG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: folded
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 1, ToPort: 1, CidrIp: !Join ["", ["10.0.0.0", "/8"]]}
        - {IpProtocol: tcp, FromPort: 2, ToPort: 2, CidrIp: !Select [2, !Cidr [!Ref Base, 4, 8]]}
        - {IpProtocol: tcp, FromPort: 3, ToPort: 3, CidrIp: !FindInMap [Nets, prod, office]}
        - {IpProtocol: tcp, FromPort: !Select [1, !Ref Ports], ToPort: 443, CidrIp: !Sub "${Net}/24", }
        - {IpProtocol: tcp, FromPort: 5, ToPort: 5, CidrIp: !Select [0, !Split [",", "192.0.2.0/24,x"]]}
        - {IpProtocol: tcp, FromPort: 6, ToPort: 6, CidrIp: !Sub ["${A}.0/24", {A: 203.0.113}]}
        - {IpProtocol: tcp, FromPort: 7, ToPort: 7, CidrIp: !Sub "${Open}/32"}
        - {IpProtocol: tcp, FromPort: 8, ToPort: 8, CidrIp: !Sub "${AWS::Region}"}
        - {IpProtocol: tcp, FromPort: 9, ToPort: 9, CidrIpv6: !Select [1, !Cidr ["2001:db8::/56", 2, 64]]}
)";
  const LoadResult r = load_one("f.yaml", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  std::vector<std::string> rules;
  for (const Rule* rule : rules_of(*group(r.inventory, "SG"), Direction::ingress))
    rules.push_back(dump_rule_text(*rule));
  EXPECT_EQ(rules, (std::vector<std::string>{
                       "tcp/1 from 10.0.0.0/8", "tcp/2 from 10.1.2.0/24",
                       "tcp/3 from 198.51.100.0/24", "tcp/443 from unresolved(Sub ${Net}/24)",
                       "tcp/5 from 192.0.2.0/24", "tcp/6 from 203.0.113.0/24",
                       "tcp/7 from unresolved(Sub ${Open}/32)",
                       "tcp/8 from unresolved(Sub ${AWS::Region})",
                       "tcp/9 from 2001:db8:0:1::/64"}));
}

TEST(CloudFormation, ForEachExpandsOverLiteralAndDefaultedCollections) {
  const std::string doc = R"(Transform: AWS::LanguageExtensions
Parameters:
  Tiers: {Type: CommaDelimitedList, Default: "web,app"}
  Open: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Tiers:
    - Tier
    - !Ref Tiers
    - ${Tier}SG:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: !Sub "${Tier} tier"
          SecurityGroupIngress:
            - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: !Ref Tier}
  Fn::ForEach::Ports:
    - Port
    - ["22", "3389"]
    - Admin&{Port}:
        Type: AWS::EC2::SecurityGroupIngress
        Properties: {GroupId: !Ref webSG, IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: 192.0.2.0/24}
  Fn::ForEach::Unknown:
    - X
    - !Ref Open
    - ${X}SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
)";
  const LoadResult r = load_one("e.yaml", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_NE(group(r.inventory, "appSG"), nullptr);
  const Group* web = group(r.inventory, "webSG");
  ASSERT_NE(web, nullptr);
  std::vector<std::string> rules;
  for (const Rule* rule : rules_of(*web, Direction::ingress))
    rules.push_back(dump_rule_text(*rule) + " " + rule->description);
  EXPECT_EQ(rules, (std::vector<std::string>{"tcp/443 from 10.0.0.0/8 web",
                                             "tcp/22 from 192.0.2.0/24 ",
                                             "tcp/3389 from 192.0.2.0/24 "}));
  EXPECT_EQ(web->description, "web tier");
  EXPECT_TRUE(has_note(r.inventory, "Fn::ForEach::Unknown is not expanded"));
  EXPECT_EQ(r.inventory.groups.size(), 2u);
}

TEST(CloudFormation, RulesOnGroupsOutsideTheTemplateAreJudgedOnAnExternalGroup) {
  const std::string doc = R"(Parameters:
  Target: {Type: String}
Resources:
  Imported:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !ImportValue shared-sg, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  FromParameter:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref Target, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
)";
  const LoadResult r = load_one("x.yaml", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  for (const char* id : {"unresolved(ImportValue shared-sg)", "unresolved(Ref Target)"}) {
    const Group* g = group(r.inventory, id);
    ASSERT_NE(g, nullptr) << id;
    EXPECT_TRUE(g->from_rules_only);
    ASSERT_EQ(g->rules.size(), 1u);
    EXPECT_EQ(dump_rule_text(g->rules[0]), "tcp/22 from 0.0.0.0/0");
  }
  EXPECT_TRUE(has_note(r.inventory, "on the external group unresolved(Ref Target)"));
}

TEST(CloudFormation, EachTemplateDocumentOfAYamlStreamIsItsOwnStack) {
  const std::string doc =
      "Resources:\n  AppSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
      "      GroupDescription: one\n"
      "---\nkind: ConfigMap\n"
      "---\nResources:\n  AppSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
      "      GroupDescription: two\n      SecurityGroupIngress:\n"
      "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, SourceSecurityGroupId: !Ref AppSG}\n";
  const LoadResult r = load_one("m.yaml", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Group* one = group(r.inventory, "AppSG");
  const Group* two = group(r.inventory, "document3.AppSG");
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(one->description, "one");
  EXPECT_EQ(where(r.inventory, two->location), where("m.yaml", doc, "Type", 1));
  ASSERT_EQ(rules_of(*two, Direction::ingress).size(), 1u);
  EXPECT_EQ(rules_of(*two, Direction::ingress)[0]->peer.id, "document3.AppSG");
  EXPECT_TRUE(has_note(r.inventory, "YAML document 2 is not a CloudFormation template"));
}

TEST(CloudFormation, InvalidUtf8InYamlIsAnErrorAtTheByte) {
  const LoadResult r = load_one("u.yaml", "Resources:\n  A\xff: {}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "invalid UTF-8");
  EXPECT_EQ(r.errors[0].location.to_string(), "u.yaml:2:4");
}

TEST(CloudFormation, YamlAliasesAndDepthAreBounded) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + char(c - 1);
    bomb += "]\n";
  }
  bomb += "Resources: {}\n";
  const LoadResult r = load_one("bomb.yaml", bomb);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("YAML values"), std::string::npos) << r.errors[0].message;

  std::string deep = "Resources: ";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  const LoadResult d = load_one("deep.yaml", deep + "\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].message, "nesting deeper than 64 levels");
}

// ---- Terraform --------------------------------------------------------------------------------

const std::string kPlan = R"({"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
   {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
    "values": {"name": "web", "description": "web", "vpc_id": "vpc-1", "tags": {"sgcheck:ignore": "SG407 ok"},
     "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
       "ipv6_cidr_blocks": ["::/0"], "prefix_list_ids": [], "self": true, "description": "https"}]}},
   {"address": "data.aws_security_group.shared", "mode": "data", "type": "aws_security_group",
    "values": {"id": "sg-0000000000000d001"}},
   {"address": "aws_security_group_rule.from_var", "mode": "managed", "type": "aws_security_group_rule",
    "values": {"type": "ingress", "protocol": "6", "from_port": 22, "to_port": 22, "self": false}}],
  "child_modules": [{"address": "module.db", "resources": [
   {"address": "module.db.aws_security_group.db", "mode": "managed", "type": "aws_security_group",
    "values": {"name": "db", "description": "db", "ingress": [{"from_port": 5432, "to_port": 5432,
      "protocol": "tcp", "cidr_blocks": [], "self": false, "description": ""}],
     "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["10.0.0.0/8"]}]}}]}]}},
 "resource_changes": [
   {"address": "aws_security_group.gone", "mode": "managed", "type": "aws_security_group",
    "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": null}}],
 "configuration": {"root_module": {
   "resources": [{"address": "aws_security_group_rule.from_var", "expressions": {
      "security_group_id": {"references": ["aws_security_group.web.id", "aws_security_group.web"]},
      "source_security_group_id": {"references": ["var.peer"]}}}],
   "module_calls": {"db": {"module": {"resources": [{"address": "aws_security_group.db",
      "expressions": {"ingress": [{"security_groups": {"references":
        ["aws_security_group.db.id", "aws_security_group.db"]}}]}}]}}}}}})";

TEST(Terraform, GroupsRulesModulesAndReferences) {
  const LoadResult r = load_one("plan.json", kPlan);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Inventory& inv = r.inventory;
  ASSERT_EQ(inv.groups.size(), 2u);  // data sources and deleted groups are not read
  const Group* web = group(inv, "aws_security_group.web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->origin, GroupOrigin::terraform);
  EXPECT_EQ(web->template_name, "aws_security_group.web");
  EXPECT_EQ(where(inv, web->location),
            where("plan.json", kPlan, "{\"address\": \"aws_security_group.web\""));
  EXPECT_TRUE(web->template_without_egress);  // no egress block: no egress at all
  EXPECT_TRUE(rules_of(*web, Direction::egress).empty());
  ASSERT_EQ(web->tags.size(), 1u);
  const auto in = rules_of(*web, Direction::ingress);
  ASSERT_EQ(in.size(), 4u);  // 0.0.0.0/0, ::/0, self, and the rule from var.peer
  EXPECT_EQ(to_string(in[0]->peer.cidr), "0.0.0.0/0");
  EXPECT_EQ(where(inv, in[0]->location), where("plan.json", kPlan, "\"0.0.0.0/0\""));
  EXPECT_EQ(in[1]->peer.kind, PeerKind::cidr6);
  EXPECT_EQ(in[2]->peer.id, "aws_security_group.web");  // self
  EXPECT_EQ(in[3]->peer.id, "unresolved(var.peer)");
  EXPECT_EQ(in[3]->protocol, kTcp);
  EXPECT_TRUE(has_note(inv, "source_security_group_id is not known before apply (var.peer)"));

  const Group* db = group(inv, "module.db.aws_security_group.db");
  ASSERT_NE(db, nullptr);
  const auto db_in = rules_of(*db, Direction::ingress);
  ASSERT_EQ(db_in.size(), 1u);  // security_groups unknown in the values: from the configuration
  EXPECT_EQ(db_in[0]->peer.id, "module.db.aws_security_group.db");
  const auto db_out = rules_of(*db, Direction::egress);
  ASSERT_EQ(db_out.size(), 1u);
  EXPECT_FALSE(db_out[0]->from_port.has_value());  // -1 with the required 0/0: no ports
  EXPECT_FALSE(db->template_without_egress);
}

TEST(Terraform, ResourceChangesWithoutPlannedValuesAndPhysicalIds) {
  const std::string doc = R"({"format_version": "1.0", "resource_changes": [
   {"address": "aws_security_group.a", "mode": "managed", "type": "aws_security_group",
    "change": {"actions": ["update"], "after": {"id": "sg-0aa", "name": "a", "egress": [
      {"protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}}},
   {"address": "aws_security_group.b", "mode": "managed", "type": "aws_security_group",
    "change": {"actions": ["delete"], "before": {"id": "sg-0bb"}, "after": null}},
   {"address": "aws_vpc_security_group_ingress_rule.r", "mode": "managed",
    "type": "aws_vpc_security_group_ingress_rule", "change": {"actions": ["create"], "after": {
      "security_group_id": "sg-0aa", "ip_protocol": "icmp", "from_port": 8, "to_port": -1,
      "referenced_security_group_id": "sg-0aa"}}}]})";
  const LoadResult r = load_one("rc.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  const Group& a = r.inventory.groups[0];
  EXPECT_EQ(a.id, "sg-0aa");
  EXPECT_EQ(a.template_name, "aws_security_group.a");
  ASSERT_EQ(a.rules.size(), 2u);
  EXPECT_EQ(a.rules[0].protocol, kAllProtocols);
  EXPECT_EQ(a.rules[1].protocol, kIcmp);
  EXPECT_EQ(a.rules[1].peer.id, "sg-0aa");
  EXPECT_FALSE(a.template_without_egress);
}

TEST(Terraform, BlocksUnknownUntilApplyAreNotedNotTakenAsNoEgress) {
  const std::string doc = R"({"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
   {"address": "aws_security_group.a", "mode": "managed", "type": "aws_security_group",
    "values": {"name": "a", "ingress": []}}]}},
 "configuration": {"root_module": {"resources": [{"address": "aws_security_group.a",
   "expressions": {"egress": [{"security_groups": {"references": ["var.x"]}}]}}]}}})";
  const LoadResult r = load_one("u.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_FALSE(r.inventory.groups[0].template_without_egress);
  EXPECT_TRUE(has_note(r.inventory, "its egress blocks are not known before apply"));
}

// Protocol and ports the deployment decides: the rule stays valid with what is known, the open
// fields recorded as written, and the engine answers unknown where it might match (docs/iac.md).
TEST(CloudFormation, UnresolvedProtocolAndPortsKeepTheRule) {
  const std::string doc = R"(Parameters:
  FromPortParam:
    Type: Number
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: !Ref FromPortParam
          ToPort: 443
          CidrIp: 0.0.0.0/0
        - IpProtocol: !If [Cond, udp, tcp]
          FromPort: 53
          ToPort: 53
          CidrIp: 10.0.0.0/8
        - IpProtocol: tcp
          FromPort: 70000
          ToPort: !ImportValue shared-port
          CidrIp: 10.0.0.0/8
)";
  const LoadResult r = load_one("open.yaml", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Group* web = group(r.inventory, "WebSG");
  ASSERT_NE(web, nullptr);
  const auto in = rules_of(*web, Direction::ingress);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_TRUE(in[0]->valid);
  EXPECT_EQ(in[0]->protocol, kTcp);
  EXPECT_EQ(in[0]->unresolved().from_port, "Ref FromPortParam");
  EXPECT_FALSE(in[0]->from_port.has_value());
  EXPECT_EQ(in[0]->to_port, 443);
  EXPECT_TRUE(service_unresolved(*in[0]));
  EXPECT_EQ(unresolved_service_notation(*in[0]), "tcp/unresolved(Ref FromPortParam)-443");
  EXPECT_EQ(where(r.inventory, in[0]->unresolved().location),
            where("open.yaml", doc, "!Ref FromPortParam"));
  EXPECT_TRUE(in[1]->valid);
  EXPECT_EQ(in[1]->unresolved().protocol, "If Cond");
  EXPECT_EQ(unresolved_service_notation(*in[1]), "unresolved(If Cond)/53");
  // A known value is still checked: 70000 is out of range, whatever ToPort turns out to be.
  EXPECT_FALSE(in[2]->valid);
  // No SG402 for an open value, only the note that answers depending on it are unknown.
  for (const Diagnostic& d : r.inventory.diagnostics) {
    if (d.message.find("FromPortParam") != std::string::npos) {
      EXPECT_NE(d.check, "SG402") << d.message;
    }
  }
  EXPECT_TRUE(has_note(r.inventory, "FromPort is not known before deployment (Ref FromPortParam"));

  Inventory with_eni = r.inventory;
  Interface x;
  x.id = "eni-0a";
  x.groups = {Name("WebSG")};
  x.private_ips = {*parse_address("10.0.0.10")};
  with_eni.interfaces.push_back(x);
  const Engine engine(with_eni);
  EXPECT_EQ(ask(engine, "tcp/443 from 203.0.113.9 to eni-0a"), Verdict::unknown);
  EXPECT_EQ(ask(engine, "tcp/444 from 203.0.113.9 to eni-0a"), Verdict::deny);
  EXPECT_EQ(ask(engine, "udp/53 from 10.1.1.1 to eni-0a"), Verdict::unknown);
  EXPECT_EQ(ask(engine, "udp/53 from 203.0.113.9 to eni-0a"), Verdict::deny);
}

// Regression: the rule identity used to merge groups and find duplicates ignored open values, so
// the same group written in two templates with different open ports merged silently as one.
// Two templates adding a rule to one existing group (a global sg- id): their rules views merge,
// and two rules that differ only in an open port stay two.
TEST(CloudFormation, RulesDifferingOnlyInAnOpenPortAreDifferentRules) {
  auto template_with = [](const std::string& parameter) {
    return "Resources:\n  WebIn:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
           "      GroupId: sg-0123456789abcdef0\n      IpProtocol: tcp\n      FromPort: !Ref " +
           parameter + "\n      ToPort: 443\n      CidrIp: 0.0.0.0/0\n";
  };
  const LoadResult same = load_inventory_from_buffers(
      {{"a.yaml", template_with("Low")}, {"b.yaml", template_with("Low")}});
  ASSERT_TRUE(same.ok()) << all_errors(same);
  ASSERT_EQ(same.inventory.groups.size(), 1u);
  EXPECT_EQ(same.inventory.groups[0].rules.size(), 1u);
  const LoadResult different = load_inventory_from_buffers(
      {{"a.yaml", template_with("Low")}, {"b.yaml", template_with("High")}});
  ASSERT_TRUE(different.ok()) << all_errors(different);
  ASSERT_EQ(different.inventory.groups.size(), 1u);
  EXPECT_EQ(different.inventory.groups[0].rules.size(), 2u);
}

// Every template is its own namespace: one logical id in two files is two groups, named
// FILE#LogicalId, each with its own rules and references; a logical id of one file keeps its name.
TEST(CloudFormation, OneLogicalIdInTwoTemplatesIsTwoGroups) {
  auto template_with = [](const std::string& port) {
    return "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
           "      GroupDescription: web\n      SecurityGroupIngress:\n"
           "        - {IpProtocol: tcp, FromPort: " + port + ", ToPort: " + port +
           ", CidrIp: 0.0.0.0/0}\n"
           "  WebIn:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
           "      GroupId: !Ref WebSG\n      IpProtocol: tcp\n      FromPort: 22\n"
           "      ToPort: 22\n      SourceSecurityGroupId: !Ref WebSG\n";
  };
  const LoadResult r = load_inventory_from_buffers(
      {{"b.yaml", template_with("443")},
       {"a.yaml", template_with("80")},
       {"c.yaml", "Resources:\n  Only:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                  "      GroupDescription: only\n"}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 3u);
  EXPECT_EQ(r.inventory.groups[0].id, "Only");
  const Group* a = r.inventory.find_group("a.yaml#WebSG");
  const Group* b = r.inventory.find_group("b.yaml#WebSG");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->template_name, "WebSG");
  ASSERT_EQ(a->rules.size(), 3u);  // tcp/80, the self reference, the default egress
  EXPECT_EQ(a->rules[0].from_port, 80);
  EXPECT_EQ(b->rules[0].from_port, 443);
  EXPECT_EQ(a->rules[1].peer.id, "a.yaml#WebSG");
  EXPECT_EQ(b->rules[1].peer.id, "b.yaml#WebSG");
  EXPECT_TRUE(names_template_group(r.inventory, *a, "a.yaml#WebSG"));
  EXPECT_TRUE(names_template_group(r.inventory, *a, "WebSG"));
  EXPECT_FALSE(names_template_group(r.inventory, *a, "b.yaml#WebSG"));
  EXPECT_TRUE(names_template_group(r.inventory, r.inventory.groups[0], "c.yaml#Only"));
}

// A group a stack takes from a parameter without a Default is that stack's: two templates adding
// rules to `!Ref ExternalSG` add them to two external groups, never to one merged view.
TEST(CloudFormation, ExternalGroupsOfTwoTemplatesStayApart) {
  auto template_with = [](const std::string& port) {
    return "Parameters:\n  ExternalSG:\n    Type: AWS::EC2::SecurityGroup::Id\nResources:\n"
           "  In:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
           "      GroupId: !Ref ExternalSG\n      IpProtocol: tcp\n      FromPort: " + port +
           "\n      ToPort: " + port + "\n      CidrIp: 10.0.0.0/8\n";
  };
  const LoadResult r = load_inventory_from_buffers(
      {{"a.yaml", template_with("22")}, {"b.yaml", template_with("443")}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.groups.size(), 2u);
  EXPECT_EQ(r.inventory.groups[0].id, "a.yaml#unresolved(Ref ExternalSG)");
  EXPECT_EQ(r.inventory.groups[1].id, "b.yaml#unresolved(Ref ExternalSG)");
  ASSERT_EQ(r.inventory.groups[0].rules.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].rules[0].from_port, 22);
  EXPECT_EQ(r.inventory.groups[1].rules[0].from_port, 443);
}

TEST(Terraform, PortsUnknownUntilApplyAreUnresolvedNotInvalid) {
  const std::string doc = R"({"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
   {"address": "aws_security_group.a", "mode": "managed", "type": "aws_security_group",
    "values": {"name": "a"}},
   {"address": "aws_vpc_security_group_ingress_rule.r", "mode": "managed",
    "type": "aws_vpc_security_group_ingress_rule",
    "values": {"ip_protocol": "tcp", "to_port": 8443, "cidr_ipv4": "0.0.0.0/0"}},
   {"address": "aws_vpc_security_group_ingress_rule.s", "mode": "managed",
    "type": "aws_vpc_security_group_ingress_rule",
    "values": {"from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/8"}}]}},
 "resource_changes": [{"address": "aws_vpc_security_group_ingress_rule.s", "mode": "managed",
    "type": "aws_vpc_security_group_ingress_rule", "change": {"actions": ["create"],
    "after": {}, "after_unknown": {"ip_protocol": true}}}],
 "configuration": {"root_module": {"resources": [
   {"address": "aws_vpc_security_group_ingress_rule.r", "expressions": {
     "security_group_id": {"references": ["aws_security_group.a.id", "aws_security_group.a"]},
     "from_port": {"references": ["data.aws_ssm_parameter.port.value", "data.aws_ssm_parameter.port"]}}},
   {"address": "aws_vpc_security_group_ingress_rule.s", "expressions": {
     "security_group_id": {"references": ["aws_security_group.a.id", "aws_security_group.a"]}}}]}}})";
  const LoadResult r = load_one("p.json", doc);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Group* a = group(r.inventory, "aws_security_group.a");
  ASSERT_NE(a, nullptr);
  const auto in = rules_of(*a, Direction::ingress);
  ASSERT_EQ(in.size(), 2u);
  EXPECT_TRUE(in[0]->valid);
  EXPECT_EQ(in[0]->unresolved().from_port, "data.aws_ssm_parameter.port.value");
  EXPECT_EQ(in[0]->to_port, 8443);
  EXPECT_TRUE(in[1]->valid);
  EXPECT_EQ(in[1]->unresolved().protocol, "unknown until apply");
  EXPECT_TRUE(has_note(r.inventory, "from_port is not known before apply"));
}

TEST(Terraform, UnusablePlansAreErrors) {
  const struct {
    std::string doc;
    std::string expected;
  } cases[] = {
      {R"({"format_version": "2.0"})", "unsupported plan format_version \"2.0\": expected 1.x"},
      {R"({"format_version": "1.2", "planned_values": {"root_module": {"resources": {}}}})",
       "expected a list for \"resources\" of a module, found a mapping"},
  };
  for (const auto& c : cases) {
    const LoadResult r = load_one("p.json", c.doc);
    ASSERT_EQ(r.errors.size(), 1u) << c.doc;
    EXPECT_EQ(r.errors[0].message, c.expected);
    EXPECT_NE(r.errors[0].location.line, 0u);
  }
}

// One bad resource never hides the rest: a rule resource with an impossible type is left out with
// an SG408 finding at it, and the group beside it is still read with its rules.
TEST(Terraform, OneBadResourceIsLeftOutWithSG408) {
  const LoadResult r = load_one("p.json", R"({"format_version": "1.2", "planned_values": {
    "root_module": {"resources": [
      {"address": "aws_security_group_rule.x", "type": "aws_security_group_rule",
       "values": {"type": "sideways"}},
      {"address": "aws_security_group.web", "type": "aws_security_group",
       "values": {"name": "web", "description": "web", "ingress": [
         {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}],
        "egress": []}}]}}})");
  ASSERT_TRUE(r.ok()) << format_diagnostic(r.errors.at(0));
  ASSERT_EQ(r.inventory.groups.size(), 1u);
  EXPECT_EQ(r.inventory.groups[0].rules.size(), 1u);
  ASSERT_EQ(r.inventory.diagnostics.size(), 1u);
  const Diagnostic& d = r.inventory.diagnostics[0];
  EXPECT_EQ(d.check, "SG408");
  EXPECT_EQ(d.message,
            "aws_security_group_rule.x: expected type \"ingress\" or \"egress\", found \"sideways\": "
            "aws_security_group_rule.x is left out");
  EXPECT_EQ(d.location.line, 4u);  // at "type"
}

// ---- Examples: equivalence and unknown answers ------------------------------------------------

std::string example(const std::string& path) {
  return std::string(SGCHECK_SOURCE_ROOT) + "/" + path;
}

// The rules of the named groups, with group references as group names: comparable across formats.
using RuleTuple = std::tuple<std::string, std::string, int, std::string, std::string, std::string>;
std::multiset<RuleTuple> comparable_rules(const Inventory& inv) {
  std::multiset<RuleTuple> out;
  const auto name_of = [&](const std::string& id) {
    const Group* g = inv.find_group(id);
    return g ? g->name.str() : id;
  };
  for (const Group& g : inv.groups) {
    if (g.name == "default" || g.name.empty()) continue;
    for (const Rule& r : g.rules) {
      const auto ports = normalised_ports(r);
      const std::string port_text =
          ports ? std::to_string(ports->first) + "-" + std::to_string(ports->second) : "";
      const bool cidr = r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6;
      const std::string peer = cidr                             ? to_string(r.peer.cidr)
                               : r.peer.kind == PeerKind::group ? "group " + name_of(r.peer.id.str())
                                                                : r.peer.id.str();
      out.emplace(g.name, direction_name(r.direction), r.protocol, port_text, peer, r.description);
    }
  }
  return out;
}

TEST(IacExamples, ThreeTierIsTheSameInEveryFormat) {
  const LoadResult cli = load_inventory({example("examples/three-tier/security-groups.json")});
  ASSERT_TRUE(cli.ok()) << all_errors(cli);
  const auto expected = comparable_rules(cli.inventory);
  ASSERT_EQ(expected.size(), 12u);
  for (const char* file : {"examples/iac/three-tier.cfn.json", "examples/iac/three-tier.cfn.yaml",
                           "examples/iac/three-tier.tfplan.json"}) {
    const LoadResult r = load_inventory({example(file)});
    ASSERT_TRUE(r.ok()) << all_errors(r);
    EXPECT_EQ(comparable_rules(r.inventory), expected) << file;
    for (const Group& g : r.inventory.groups) EXPECT_FALSE(g.template_without_egress) << g.id;
  }
}

TEST(IacExamples, UnresolvedValuesGiveUnknownAnswersAndResolvedOnesDoNot) {
  const LoadResult r = load_inventory(
      {example("examples/iac/unresolved.yaml"), example("examples/iac/unresolved-enis.json")});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Engine engine(r.inventory);
  // From an address outside the inventory: DbSG's unresolved sources may include it.
  EXPECT_EQ(ask(engine, "tcp/5432 from 10.0.50.5 to eni-0000000000000a002"), Verdict::unknown);
  // From the app interface: AppSG's egress and DbFromApp allow it, whatever the open values are.
  EXPECT_EQ(ask(engine, "tcp/5432 from eni-0000000000000a001 to eni-0000000000000a002"),
            Verdict::allow);
  // SSH from the internet: OfficeCidr has no Default, so it may be 0.0.0.0/0.
  EXPECT_EQ(ask(engine, "tcp/22 from 203.0.113.9 to eni-0000000000000a002"), Verdict::unknown);
  // AdminCidr's Default admits 10.20.0.0/16.
  EXPECT_EQ(ask(engine, "tcp/22 from 10.20.1.1 to eni-0000000000000a002"), Verdict::allow);
  // Nothing open concerns port 80.
  EXPECT_EQ(ask(engine, "tcp/80 from 10.20.1.1 to eni-0000000000000a002"), Verdict::deny);
}

TEST(IacExamples, DocumentedSnippetsIngest) {
  const LoadResult cfn = load_inventory({example("examples/iac/semantics-4.6.json")});
  ASSERT_TRUE(cfn.ok()) << all_errors(cfn);
  ASSERT_EQ(cfn.inventory.groups.size(), 2u);
  const Group* db = group(cfn.inventory, "DbSG");
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(rules_of(*db, Direction::ingress).size(), 1u);
  EXPECT_EQ(rules_of(*db, Direction::ingress)[0]->peer.id, "AppSG");
  EXPECT_TRUE(group(cfn.inventory, "AppSG")->template_without_egress);

  const LoadResult tf = load_inventory({example("examples/iac/semantics-4.7.json")});
  ASSERT_TRUE(tf.ok()) << all_errors(tf);
  ASSERT_EQ(tf.inventory.groups.size(), 1u);
  const Group& target = tf.inventory.groups[0];
  EXPECT_EQ(target.id, "aws_security_group.db");
  ASSERT_EQ(target.rules.size(), 1u);
  EXPECT_EQ(target.rules[0].peer.id, "aws_security_group.app");
  EXPECT_EQ(target.rules[0].protocol, kTcp);
  EXPECT_EQ(target.rules[0].from_port, 5432);
}

}  // namespace
}  // namespace sgcheck
