// Whole violations of policy findings (product.md §6, docs/lint.md "A baseline"): a finding names
// every forbidden service and family its target allows, every contributing rule and a witness per
// family; a baseline suppresses exactly the violation it recorded: a grown one is reported as
// changed with what is new, a shrunk one stays suppressed. Inventories built in code.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/violation.h"
#include "sgcheck/engine.h"
#include "sgcheck/lint.h"

namespace sgcheck {
namespace {

Rule open_rule(int port, const std::string& block, std::uint32_t line) {
  Rule r;
  r.direction = Direction::ingress;
  r.protocol = kTcp;
  r.from_port = port;
  r.to_port = port;
  r.peer.cidr = *parse_cidr(block);
  r.peer.kind = r.peer.cidr.family == Family::ipv4 ? PeerKind::cidr4 : PeerKind::cidr6;
  r.description = "d";
  r.location = SourcePos{0, line, 7};
  return r;
}

Inventory admin_group(std::vector<Rule> rules) {
  Group g;
  g.id = "sg-0b0000000000000a1";
  g.name = "admin";
  g.description = "admin";
  g.vpc_id = "vpc-0b0000000000000a1";
  g.location = SourcePos{0, 1, 3};
  g.rules = std::move(rules);
  Inventory inv;
  inv.files = {"sgs.json"};
  inv.groups = {std::move(g)};
  return inv;
}

LintResult lint_sg102(const Inventory& inv, std::vector<BaselineEntry> baseline = {}) {
  LintOptions options;
  options.baseline = std::move(baseline);
  for (const CheckInfo& c : check_catalogue())
    if (c.id != "SG102") options.disabled.push_back(c.id);
  const Engine engine(inv);
  return run_lint(inv, engine, options);
}

// The baseline entries --write-baseline would record for these findings.
std::vector<BaselineEntry> recorded(const LintResult& result) {
  std::vector<BaselineEntry> out;
  for (const Finding& f : result.findings) {
    BaselineEntry e{f.fingerprint, std::nullopt, {}};
    if (f.violation) {
      e.violation.emplace();
      for (const ViolationPart& p : f.violation->parts)
        e.violation->push_back(violation_part_text(p));
      for (const ContributingRule& r : f.violation->rules) e.rules.push_back(r.content);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Functions, not globals: the value grammars are not ready before main().
Inventory ssh() {
  return admin_group({open_rule(22, "0.0.0.0/0", 10)});
}
Inventory ssh_rdp_ipv6() {
  return admin_group({open_rule(22, "0.0.0.0/0", 10), open_rule(22, "::/0", 11),
                      open_rule(3389, "0.0.0.0/0", 14)});
}

TEST(WholeViolation, Sg102NamesEveryServiceFamilyRuleAndWitness) {
  const LintResult result = lint_sg102(ssh_rdp_ipv6());
  ASSERT_EQ(result.findings.size(), 1u);
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.message,
            "tcp/22, tcp/3389 are allowed by security groups from all of internet in IPv4 "
            "(0.0.0.0/0); tcp/22 from all of internet in IPv6 (::/0); SG102 forbids ingress "
            "tcp/22, udp/22, tcp/3389, udp/3389 from covering internet");
  ASSERT_TRUE(f.violation);
  std::vector<std::string> parts;
  for (const ViolationPart& p : f.violation->parts) parts.push_back(violation_part_text(p));
  EXPECT_EQ(parts, (std::vector<std::string>{"tcp/22 over IPv4", "tcp/3389 over IPv4",
                                             "tcp/22 over IPv6"}));
  ASSERT_EQ(f.violation->rules.size(), 3u);
  EXPECT_EQ(f.violation->rules[0].location.line, f.location.line);
  EXPECT_EQ(f.related.size(), 2u);
  ASSERT_EQ(f.violation->witnesses.size(), 2u);
  EXPECT_EQ(f.violation->witnesses[1].peer, "::/0");
}

TEST(WholeViolation, OneServiceKeepsItsSentence) {
  const LintResult result = lint_sg102(ssh());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].message.find("tcp/22 is allowed by security groups from all of "
                                            "internet in IPv4 (0.0.0.0/0); SG102 forbids"),
            0u)
      << result.findings[0].message;
}

TEST(WholeViolation, FingerprintIsTheRuleAndTheTarget) {
  EXPECT_EQ(lint_sg102(ssh()).findings.at(0).fingerprint,
            lint_sg102(ssh_rdp_ipv6()).findings.at(0).fingerprint);
}

TEST(BaselineViolation, GrownViolationIsReportedWithWhatIsNew) {
  const LintResult after = lint_sg102(ssh_rdp_ipv6(), recorded(lint_sg102(ssh())));
  ASSERT_EQ(after.findings.size(), 1u);
  EXPECT_EQ(after.summary.suppressed, 0u);
  const Finding& f = after.findings[0];
  EXPECT_EQ(f.violation->new_since_baseline,
            (std::vector<std::string>{"tcp/3389 over IPv4", "tcp/22 over IPv6",
                                      "rule sg-0b0000000000000a1 ingress tcp/22 from ::/0"}));
  EXPECT_NE(f.message.find("(changed since the baseline: now also tcp/3389 over IPv4, "),
            std::string::npos)
      << f.message;
}

TEST(BaselineViolation, ShrunkViolationStaysSuppressed) {
  const LintResult after = lint_sg102(ssh(), recorded(lint_sg102(ssh_rdp_ipv6())));
  EXPECT_TRUE(after.findings.empty());
  EXPECT_EQ(after.summary.suppressed_by_baseline, 1u);
}

TEST(BaselineViolation, NarrowedRangeStaysSuppressedWidenedIsReported) {
  Rule wide = open_rule(0, "0.0.0.0/0", 10);
  wide.to_port = 4000;
  Rule narrow = open_rule(20, "0.0.0.0/0", 10);
  narrow.to_port = 3389;
  Rule wider = open_rule(0, "0.0.0.0/0", 10);
  wider.to_port = 65535;
  const std::vector<BaselineEntry> base = recorded(lint_sg102(admin_group({wide})));
  EXPECT_TRUE(lint_sg102(admin_group({narrow}), base).findings.empty());
  // tcp/0-65535 holds no more of SG102's services than tcp/0-4000: same violation.
  EXPECT_TRUE(lint_sg102(admin_group({wider}), base).findings.empty());
}

TEST(BaselineViolation, VersionOneEntrySuppressesByFingerprintAlone) {
  const LintResult before = lint_sg102(ssh());
  std::vector<BaselineEntry> base = recorded(before);
  base[0].violation.reset();  // a version-1 entry: the fingerprint alone
  base[0].rules.clear();
  EXPECT_TRUE(lint_sg102(ssh_rdp_ipv6(), base).findings.empty());
}

TEST(ViolationParts, TextRoundTrips) {
  const std::vector<ViolationPart> parts = {
      {Family::ipv4, false, kTcp, kTcp, 22, 22},
      {Family::ipv6, true, kUdp, kUdp, 0, 65535},
      {Family::ipv4, false, kIcmp, kIcmp, 0, 65535},
      {Family::ipv4, false, kIcmp, kIcmp, 8 * 256, 8 * 256 + 255},
      {Family::ipv4, false, kIcmp, kIcmp, 3 * 256, 3 * 256 + 3},
      {Family::ipv6, false, kIcmpv6, kIcmpv6, 128 * 256, 128 * 256},
      {Family::ipv4, false, 2, 5, 0, 0},
      {Family::ipv4, false, 50, 50, 0, 0}};
  for (const ViolationPart& p : parts) {
    const std::string text = violation_part_text(p);
    const std::optional<ViolationPart> back = parse_violation_part(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, p) << text;
  }
  EXPECT_EQ(violation_part_text(parts[4]), "icmp/3:0-3:3 over IPv4");
  EXPECT_FALSE(parse_violation_part("tcp/22"));
  EXPECT_FALSE(parse_violation_part("proto/5-7 over IPv4"));  // 6 is tcp, which has ports
}

TEST(ViolationParts, NormaliseMergesAdjacentParts) {
  std::vector<ViolationPart> parts = {{Family::ipv4, false, kTcp, kTcp, 81, 442},
                                      {Family::ipv4, false, 3, 3, 0, 0},
                                      {Family::ipv4, false, kTcp, kTcp, 0, 80},
                                      {Family::ipv4, false, 2, 2, 0, 0}};
  detail::normalise_parts(parts);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(violation_part_text(parts[0]), "proto/2-3 over IPv4");
  EXPECT_EQ(violation_part_text(parts[1]), "tcp/0-442 over IPv4");
}

}  // namespace
}  // namespace sgcheck
