// Conditional rules (Rule::unresolved().condition, docs/iac.md "Conditional rules"): a rule that
// exists only under a template condition the inputs do not decide never allows. A flow it would
// allow is unknown with the condition and its place in the reason, unless a settled rule allows
// it; exposure, the matrix and the semantics' point_allows() read it the same way. Unit tests on
// inventories built in code, and RapidCheck properties: adding a conditional rule never turns a
// deny into an allow, and never takes an allow away.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "builders.h"
#include "generators.h"
#include "reference.h"
#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;
constexpr Direction kIn = Direction::ingress;
constexpr Direction kOut = Direction::egress;

Flow flow(const std::string& text) {
  FlowParseResult r = parse_flow(text);
  EXPECT_TRUE(r) << text << ": " << format_diagnostic(r.error);
  return r ? *r.flow : Flow{};
}

Rule conditional(Rule r, const std::string& condition, std::uint32_t line = 12,
                 std::uint32_t column = 9) {
  r.edit_unresolved().condition = condition;
  r.edit_unresolved().condition_location = SourcePos{0, line, column};
  return r;
}

// web (sg-0a, eni-0a 10.0.0.10): tcp/22 from anywhere only when IsProd; tcp/443 from anywhere
// always, and again when not IsProd; tcp/8080 from members of sg-0b only when IsProd. client
// (sg-0b, eni-0b 10.0.1.20) sends anything.
Inventory conditional_inventory() {
  Inventory inv;
  inv.groups.push_back(
      group("sg-0a", "vpc-1",
            {conditional(cidr_rule(kIn, 6, 22, 22, "0.0.0.0/0"), "IsProd"),
             cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0"),
             conditional(cidr_rule(kIn, 6, 443, 443, "0.0.0.0/0"), "not IsProd", 20, 11),
             conditional(ref_rule(kIn, 6, 8080, 8080, "sg-0b"), "IsProd", 30, 13)},
            "web"));
  inv.groups.push_back(group(
      "sg-0b", "vpc-1", {cidr_rule(kOut, -1, std::nullopt, std::nullopt, "0.0.0.0/0")}, "client"));
  inv.interfaces.push_back(iface("eni-0a", "vpc-1", {"sg-0a"}, {"10.0.0.10"}));
  inv.interfaces.push_back(iface("eni-0b", "vpc-1", {"sg-0b"}, {"10.0.1.20"}));
  inv.interfaces.push_back(iface("eni-0c", "vpc-1", {}, {"10.0.2.30"}));
  return finish(std::move(inv));
}

// The engine's verdict, after checking that decide(), verdict() and the reference agree.
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

TEST(ConditionalRule, WhatItWouldAllowIsUnknown) {
  const Inventory inv = conditional_inventory();
  EXPECT_EQ(check(inv, "tcp/22 from 203.0.113.9 to eni-0a"), Verdict::unknown);
  EXPECT_EQ(check(inv, "tcp/8080 from eni-0b to eni-0a"), Verdict::unknown);
  // Outside its service or its peer, it changes nothing: denied.
  EXPECT_EQ(check(inv, "tcp/23 from 203.0.113.9 to eni-0a"), Verdict::deny);
  EXPECT_EQ(check(inv, "tcp/8080 from eni-0c to eni-0a"), Verdict::deny);
}

TEST(ConditionalRule, AnUnconditionalRuleStillAllows) {
  const Inventory inv = conditional_inventory();
  EXPECT_EQ(check(inv, "tcp/443 from 203.0.113.9 to eni-0a"), Verdict::allow);
  const Decision d = Engine(inv).decide(flow("tcp/443 from 203.0.113.9 to eni-0a"));
  ASSERT_EQ(d.ingress.rules.size(), 1u);  // the unconditional rule, never the conditional one
  EXPECT_EQ(d.ingress.rules[0].rule, 1u);
}

TEST(ConditionalRule, ReasonNamesTheConditionAndWhereItIsApplied) {
  const Inventory inv = conditional_inventory();
  const Decision d = Engine(inv).decide(flow("tcp/22 from 203.0.113.9 to eni-0a"));
  EXPECT_EQ(d.verdict, Verdict::unknown);
  EXPECT_TRUE(d.ingress.rules.empty());
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0],
            "the rule tcp/22 from 0.0.0.0/0 might allow it: it exists only when condition IsProd "
            "holds, which the inputs do not decide (sg-0a, test.json:12:9)");
  // The batch path writes the same reason.
  const Engine engine(inv);
  std::vector<std::string> reasons;
  const VerdictCounts counts = decide_batch(
      engine, {flow("tcp/22 from 203.0.113.9 to eni-0a")}, 1,
      [&](const BatchDecision* decisions, std::size_t count, std::string&) {
        ASSERT_EQ(count, 1u);
        EXPECT_EQ(decisions[0].verdict(), Verdict::unknown);
        for (std::size_t r = 0; r < decisions[0].reason_count(); ++r)
          reasons.emplace_back(decisions[0].reason(r));
      },
      [](std::string_view) {});
  EXPECT_EQ(counts.of(Verdict::unknown), 1u);
  EXPECT_EQ(reasons, d.reasons);
}

TEST(ConditionalRule, WithAnOpenPortBothReasonsAreGiven) {
  Inventory inv = conditional_inventory();
  Rule r = conditional(cidr_rule(kIn, 6, std::nullopt, 100, "198.51.100.0/24"), "UseOps");
  r.edit_unresolved().from_port = "Ref OpsPort";
  r.edit_unresolved().location = SourcePos{0, 40, 21};
  inv.groups[0].rules.push_back(r);
  const Decision d = Engine(inv).decide(flow("tcp/99 from 198.51.100.7 to eni-0a"));
  EXPECT_EQ(d.verdict, Verdict::unknown);
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.reasons[0],
            "the rule tcp/unresolved(Ref OpsPort)-100 from 198.51.100.0/24 might allow it: its "
            "from port unresolved(Ref OpsPort) is not known before deployment (sg-0a, "
            "test.json:40:21)");
  EXPECT_EQ(d.reasons[1],
            "the rule tcp/unresolved(Ref OpsPort)-100 from 198.51.100.0/24 might allow it: it "
            "exists only when condition UseOps holds, which the inputs do not decide (sg-0a, "
            "test.json:12:9)");
}

TEST(ConditionalRule, SetQuestionsShowItsPartAsUnknown) {
  const Inventory inv = conditional_inventory();
  const Decision d = Engine(inv).decide(flow("tcp/21-23 from 203.0.113.9 to eni-0a"));
  EXPECT_EQ(d.verdict, Verdict::unknown);
  EXPECT_TRUE(d.allowed.empty());
  EXPECT_EQ(d.unknown, std::vector<std::string>{"tcp/22 from 203.0.113.9 to eni-0a (10.0.0.10)"});
  EXPECT_EQ(d.denied,
            std::vector<std::string>{"tcp/21, tcp/23 from 203.0.113.9 to eni-0a (10.0.0.10)"});
}

TEST(ConditionalRule, ExposureListsItsPeerAsUnknownAndCountsNoInternet) {
  const Inventory inv = conditional_inventory();
  const std::vector<Exposure> all = compute_exposure(inv, "sg-0a");
  ASSERT_EQ(all.size(), 1u);
  bool found = false;
  for (const ExposureLine& l : all[0].inbound) {
    if (l.services != "tcp/22") continue;
    found = true;
    EXPECT_EQ(l.peers,
              std::vector<std::string>{"0.0.0.0/0 (unknown: only when condition IsProd holds)"});
    EXPECT_EQ(l.internet, InternetExposure::none);
  }
  EXPECT_TRUE(found);
  const std::vector<std::string>& notes = all[0].notes;
  EXPECT_NE(std::find(notes.begin(), notes.end(),
                      "the rule exists only when condition IsProd holds, which the inputs do not "
                      "decide: what it allows is shown as unknown (sg-0a, test.json:12:9)"),
            notes.end());
}

TEST(ConditionalRule, MatrixCellIsUnknownWithTheCondition) {
  const Inventory inv = conditional_inventory();
  const Engine engine(inv);
  const Matrix m = compute_matrix(engine, flow("tcp/8080 from eni-0b to eni-0a").service, true);
  bool seen = false;
  for (const MatrixPair& p : m.pairs) {
    if (p.from == "eni-0b" && p.to == "eni-0a") {
      seen = true;
      EXPECT_EQ(p.verdict, Verdict::unknown);
    }
  }
  EXPECT_TRUE(seen);
  const MatrixView view(engine, flow("tcp/8080 from eni-0b to eni-0a").service);
  bool named = false;
  for (std::uint32_t k = 0; k < view.classes().size(); ++k) {
    for (const std::string& why : view.grants(k, kIn).unknown) {
      named |= why ==
               "a rule of sg-0a exists only when condition IsProd holds, which the inputs do not "
               "decide";
    }
  }
  EXPECT_TRUE(named);
}

// ---- Properties -------------------------------------------------------------------------------

// A random rule of the generators under an undecided condition.
Rule gen_conditional_rule() {
  Rule r = *gen_rule(/*open_services=*/true);
  r.edit_unresolved().condition =
      *rc::gen::element(std::string("IsProd"), std::string("not UseV6"));
  return r;
}

RC_GTEST_PROP(ConditionalRuleProperty, NeverTurnsADenyIntoAnAllowNorTakesAnAllowAway, ()) {
  const Inventory inv = *gen_inventory(/*open_services=*/true);
  RC_PRE(!inv.groups.empty());
  Inventory more = inv;
  const auto g = *rc::gen::inRange<std::size_t>(0, more.groups.size());
  more.groups[g].rules.push_back(gen_conditional_rule());
  const Engine before(inv), after(more);
  for (int i = 0; i < 20; ++i) {
    const Flow f = *gen_point_flow();
    const Verdict was = before.verdict(f), now = after.verdict(f);
    RC_LOG() << f.to_string() << ": " << verdict_name(was) << " -> " << verdict_name(now);
    if (was == Verdict::allow) RC_ASSERT(now == Verdict::allow);
    if (now == Verdict::allow) RC_ASSERT(was == Verdict::allow);
    if (was == Verdict::unknown) RC_ASSERT(now == Verdict::unknown);
    RC_ASSERT(reference_verdict(more, f) == now);
  }
}

RC_GTEST_PROP(ConditionalRuleProperty, IsNeverAnAllowingRule, ()) {
  Inventory inv = *gen_inventory(/*open_services=*/true);
  RC_PRE(!inv.groups.empty());
  const auto g = *rc::gen::inRange<std::size_t>(0, inv.groups.size());
  inv.groups[g].rules.push_back(gen_conditional_rule());
  const auto added = static_cast<std::uint32_t>(inv.groups[g].rules.size() - 1);
  const Engine engine(inv);
  for (int i = 0; i < 20; ++i) {
    const Decision d = engine.decide(*rc::gen::oneOf(gen_point_flow(), gen_set_flow()));
    for (const std::vector<RuleRef>* rules : {&d.egress.rules, &d.ingress.rules}) {
      for (const RuleRef& r : *rules) RC_ASSERT(!(r.group == g && r.rule == added));
    }
  }
}

}  // namespace
}  // namespace sgcheck
