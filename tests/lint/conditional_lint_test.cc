// Lint on conditional rules (Rule::unresolved.condition, docs/iac.md "Conditional rules"): a rule
// that exists only under an undecided template condition makes a policy check's verdict unknown
// with the condition named (never a pass, never a sure violation), never makes another rule
// redundant (SG202) nor one-sided (SG304), and duplicates (SG401) only a rule under the very same
// condition. Inventories built in code, linted by run_lint().
#include <gtest/gtest.h>

#include <algorithm>

#include "sgcheck/engine.h"
#include "sgcheck/lint.h"

namespace sgcheck {
namespace {

constexpr Direction kIn = Direction::ingress;
constexpr Direction kOut = Direction::egress;

Rule cidr_rule(Direction d, int protocol, int from, int to, const std::string& block,
               std::uint32_t line, const std::string& condition = "") {
  Rule r;
  r.direction = d;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  r.peer.cidr = *parse_cidr(block);
  r.peer.kind = r.peer.cidr.family == Family::ipv4 ? PeerKind::cidr4 : PeerKind::cidr6;
  r.description = "d";
  r.location = SourcePos{0, line, 7};
  r.edit_unresolved().condition = condition;
  if (!condition.empty()) r.edit_unresolved().condition_location = SourcePos{0, line - 1, 5};
  return r;
}

Rule ref_rule(Direction d, int port, const std::string& group_id, std::uint32_t line,
              const std::string& condition = "") {
  Rule r = cidr_rule(d, 6, port, port, "10.0.0.0/8", line, condition);
  r.peer = Peer{};
  r.peer.kind = PeerKind::group;
  r.peer.id = group_id;
  return r;
}

Group template_group(const std::string& id, std::vector<Rule> rules, std::uint32_t line = 1) {
  Group g;
  g.id = id;
  g.name = id;
  g.description = "tier";
  g.origin = GroupOrigin::cloudformation;
  g.template_name = id;
  g.location = SourcePos{0, line, 3};
  g.rules = std::move(rules);
  return g;
}

Inventory inventory(std::vector<Group> groups) {
  Inventory inv;
  inv.files = {"template.yaml"};
  inv.groups = std::move(groups);
  std::sort(inv.groups.begin(), inv.groups.end(),
            [](const Group& a, const Group& b) { return a.id < b.id; });
  return inv;
}

std::vector<Finding> findings(const Inventory& inv, const std::string& id,
                              const LintOptions& options = {}) {
  const Engine engine(inv);
  const LintResult result = run_lint(inv, engine, options);
  std::vector<Finding> out;
  for (const Finding& f : result.findings)
    if (f.id == id) out.push_back(f);
  return out;
}

TEST(ConditionalLint, PolicyVerdictIsUnknownWithTheConditionNamed) {
  const Inventory inv =
      inventory({template_group("WebSG", {cidr_rule(kIn, 6, 22, 22, "0.0.0.0/0", 10, "IsProd"),
                                          cidr_rule(kOut, 6, 443, 443, "0.0.0.0/0", 14)})});
  const std::vector<Finding> sg102 = findings(inv, "SG102");
  ASSERT_EQ(sg102.size(), 1u);
  EXPECT_TRUE(sg102[0].unknown);
  EXPECT_NE(sg102[0].message.find("may be allowed"), std::string::npos) << sg102[0].message;
  EXPECT_NE(sg102[0].message.find("a rule of WebSG exists only when condition IsProd holds, "
                                  "which the inputs do not decide"),
            std::string::npos)
      << sg102[0].message;
}

TEST(ConditionalLint, PolicyVerdictOfAnUnconditionalRuleStaysSure) {
  const Inventory inv =
      inventory({template_group("WebSG", {cidr_rule(kIn, 6, 22, 22, "0.0.0.0/0", 10, "IsProd"),
                                          cidr_rule(kIn, 6, 22, 22, "0.0.0.0/0", 12)})});
  const std::vector<Finding> sg102 = findings(inv, "SG102");
  ASSERT_EQ(sg102.size(), 1u);
  EXPECT_FALSE(sg102[0].unknown) << sg102[0].message;
}

TEST(ConditionalLint, NoRedundancyAcrossConditions) {
  // Unconditional /8 and a conditional /16 inside it; a conditional /0 over an unconditional /24.
  const Inventory inv =
      inventory({template_group("AppSG", {cidr_rule(kIn, 6, 22, 22, "10.0.0.0/8", 10),
                                          cidr_rule(kIn, 6, 22, 22, "10.1.0.0/16", 12, "IsProd"),
                                          cidr_rule(kIn, 6, 80, 80, "0.0.0.0/0", 14, "not IsProd"),
                                          cidr_rule(kIn, 6, 80, 80, "192.0.2.0/24", 16)})});
  EXPECT_TRUE(findings(inv, "SG202").empty());
  // The control: without the conditions, both narrower rules are redundant.
  Inventory plain = inv;
  for (Rule& r : plain.groups[0].rules) r.edit_unresolved().condition = "";
  EXPECT_EQ(findings(plain, "SG202").size(), 2u);
}

TEST(ConditionalLint, DuplicateOnlyUnderTheSameCondition) {
  const Inventory inv = inventory(
      {template_group("AppSG", {cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0", 10),
                                cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0", 12, "not IsProd"),
                                cidr_rule(kIn, 6, 8443, 8443, "0.0.0.0/0", 14, "IsProd"),
                                cidr_rule(kIn, 6, 8443, 8443, "0.0.0.0/0", 16, "not IsProd"),
                                cidr_rule(kIn, 6, 9443, 9443, "0.0.0.0/0", 18, "IsProd"),
                                cidr_rule(kIn, 6, 9443, 9443, "0.0.0.0/0", 20, "IsProd")})});
  const std::vector<Finding> sg401 = findings(inv, "SG401");
  ASSERT_EQ(sg401.size(), 1u);
  EXPECT_EQ(sg401[0].location.line, 20u);
  ASSERT_EQ(sg401[0].related.size(), 1u);
  EXPECT_EQ(sg401[0].related[0].line, 18u);
}

TEST(ConditionalLint, AConditionalEgressRuleMakesNoPairOneSided) {
  // DbSG admits tcp/5432 from AppSG; AppSG may send it only when IsProd.
  const Inventory inv =
      inventory({template_group("DbSG", {ref_rule(kIn, 5432, "AppSG", 10)}, 8),
                 template_group("AppSG", {ref_rule(kOut, 5432, "DbSG", 20, "IsProd")}, 18)});
  EXPECT_TRUE(findings(inv, "SG304").empty());
  // The control: with no egress rule at all, the pair is one-sided.
  Inventory none = inv;
  for (Group& g : none.groups) {
    if (g.id == "AppSG") g.rules.clear();
  }
  EXPECT_EQ(findings(none, "SG304").size(), 1u);
}

TEST(ConditionalLint, QuotaCountsConditionalRules) {
  LintOptions options;
  options.max_rules_per_group_direction_family = 2;
  const Inventory inv = inventory(
      {template_group("AppSG", {cidr_rule(kIn, 6, 1, 1, "10.0.0.1/32", 10),
                                cidr_rule(kIn, 6, 2, 2, "10.0.0.2/32", 12, "IsProd"),
                                cidr_rule(kIn, 6, 3, 3, "10.0.0.3/32", 14, "not IsProd")})});
  EXPECT_EQ(findings(inv, "SG405", options).size(), 1u);
}

}  // namespace
}  // namespace sgcheck
