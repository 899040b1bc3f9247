// The policy parser: the grammar has no cycles without progress (pegtl::analyze), every example of
// product.md §6 and the built-in pack parse to the right AST, and mistakes get our own messages,
// verbatim, at the right line:col with a caret — never PEGTL's generic "parse error matching".
#include <gtest/gtest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "policy/ast.h"
#include "policy/grammar.h"
#include "policy/policy.h"

namespace sgcheck::policy {
namespace {

constexpr const char* kProductExamples =
    R"(# Remote administration must not be open to the internet.
rule SG102 {
  title    "Remote administration port open to the internet"
  severity high
  refs     "CIS 5.2", "CIS 5.3", "EC2.13", "EC2.14", "EC2.53", "EC2.54", "CKV_AWS_24", "CKV_AWS_25", "AVD-AWS-0107"
  forbid ingress tcp/22, udp/22, tcp/3389, udp/3389 from covering internet
}

rule SG104 {
  title    "Port other than HTTP or HTTPS open to the internet"
  severity medium
  refs     "EC2.18"
  forbid ingress all except tcp/80, tcp/443 from covering internet
}

rule ACME-DB-1 {
  title    "Postgres only from the app tier"
  severity high
  on group "db-*"
  forbid ingress tcp/5432 from any except group app, 10.8.0.0/16
}

rule ACME-BASTION-1 {
  title    "Bastion reachable over SSH from the office"
  severity medium
  on group bastion
  require ingress tcp/22 from 198.51.100.0/24
}
)";

TEST(PolicyGrammar, AnalyzeFindsNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<policy_grammar::file>(), 0u);
}

TEST(PolicyParse, ProductExamplesParse) {
  const ParseResult r = parse_policy(kProductExamples, "product.sgp");
  ASSERT_TRUE(r.ok()) << format_diagnostic(r.errors.front());
  ASSERT_EQ(r.file.rules.size(), 4u);

  const PolicyRule& sg102 = r.file.rules[0];
  EXPECT_EQ(sg102.info.id, "SG102");
  EXPECT_EQ(sg102.info.severity, FindingSeverity::high);
  EXPECT_EQ(sg102.info.refs.size(), 9u);
  EXPECT_EQ(sg102.location.to_string(), "product.sgp:2:6");
  ASSERT_EQ(sg102.clauses.size(), 1u);
  const Clause& c = sg102.clauses[0];
  EXPECT_EQ(c.condition, ConditionKind::covering);
  EXPECT_EQ(c.services.include.size(), 4u);
  EXPECT_EQ(c.services.include[3].to_string(), "udp/3389");
  ASSERT_EQ(c.addresses.include.size(), 1u);
  EXPECT_EQ(c.addresses.include[0].kind, AddressKind::internet);
  EXPECT_EQ(c.text, "forbid ingress tcp/22, udp/22, tcp/3389, udp/3389 from covering internet");

  const Clause& sg104 = r.file.rules[1].clauses[0];
  EXPECT_EQ(sg104.services.include[0].to_string(), "all");
  EXPECT_EQ(sg104.services.exclude.size(), 2u);

  const PolicyRule& db = r.file.rules[2];
  ASSERT_EQ(db.targets.size(), 1u);
  EXPECT_EQ(db.targets[0].kind, TargetKind::group);
  EXPECT_EQ(db.targets[0].pattern, "db-*");
  const Clause& dbc = db.clauses[0];
  EXPECT_EQ(dbc.condition, ConditionKind::overlap);
  EXPECT_EQ(dbc.addresses.include[0].kind, AddressKind::any);
  ASSERT_EQ(dbc.addresses.exclude.size(), 2u);
  EXPECT_EQ(dbc.addresses.exclude[0].kind, AddressKind::group);
  EXPECT_EQ(dbc.addresses.exclude[0].name, "app");
  EXPECT_EQ(to_string(dbc.addresses.exclude[1].cidr), "10.8.0.0/16");

  const PolicyRule& bastion = r.file.rules[3];
  EXPECT_EQ(bastion.targets[0].pattern, "bastion");
  EXPECT_TRUE(bastion.clauses[0].require);
}

TEST(PolicyParse, CatalogueClausesParse) {
  // product.md §7's clauses, each in a rule of its own.
  const char* clauses[] = {
      "forbid ingress every tcp/0-65535, udp/0-65535 from covering internet",
      "forbid ingress tcp/20-21, tcp/23, tcp/25, tcp/110, tcp/135, tcp/143, tcp/445, "
      "tcp/1433-1434, tcp/3000, tcp/3306, tcp/4333, tcp/5000, tcp/5432, tcp/5500, tcp/5601, "
      "tcp/8080, tcp/8088, tcp/8888, tcp/9200, tcp/9300 from covering internet",
      "forbid ingress all from more than /24 but not all of internet4",
      "forbid ingress all from more than /48 but not all of internet6",
      "forbid egress every all to covering internet",
      "forbid ingress all from any",
      "forbid egress all to any",
      "forbid ingress icmp/8:0, icmpv6, proto/50 from private, vpc, prefix-list pl-0a1b, "
      "internet6 except 10.0.0.0/8",
      "require egress tcp/443 to group sg-0aa, group \"web tier\"",
  };
  for (const char* clause : clauses) {
    const std::string text =
        std::string("rule X-1 {\n  title \"t\"\n  severity low\n  on default-group\n  ") + clause +
        "\n}\n";
    const ParseResult r = parse_policy(text, "c.sgp");
    ASSERT_TRUE(r.ok()) << clause << "\n" << format_diagnostic(r.errors.front());
    EXPECT_EQ(r.file.rules[0].clauses[0].text, clause);
  }
}

TEST(PolicyParse, TargetsAndListsAcrossLines) {
  const ParseResult r = parse_policy(
      "rule T.1 { # comment\n"
      "  title \"quoted \\\"title\\\"\"\n"
      "  severity info\n"
      "  help \"what to do\"\n"
      "  on tag env=prod\n"
      "  on tag \"team name\"=\"db *\"\n"
      "  on group sg-0abc\n"
      "  forbid ingress more than /16 of internet4 # not: a service\n"
      "}\n",
      "t.sgp");
  ASSERT_FALSE(r.ok());  // "more" is not a service: the message says what was expected
  EXPECT_EQ(format_diagnostic(r.errors.front()),
            "t.sgp:8:18: error: expected services: tcp/PORTS, udp/PORTS, icmp[/TYPE[:CODE]], "
            "icmpv6[/TYPE[:CODE]], proto/NUMBER or all, found \"more\"\n"
            "    forbid ingress more than /16 of internet4 # not: a service\n"
            "                   ^\n");

  const ParseResult ok = parse_policy(
      "rule T.1 { # comment\n"
      "  title \"quoted \\\"title\\\"\"\n"
      "  severity info\n"
      "  on tag env=prod\n"
      "  on tag \"team name\"=\"db *\"\n"
      "  forbid ingress tcp/22,\n"
      "                 # RDP too\n"
      "                 tcp/3389 from more than /16 of internet4  # a list goes on after a comma\n"
      "}\n",
      "t.sgp");
  ASSERT_TRUE(ok.ok()) << format_diagnostic(ok.errors.front());
  const PolicyRule& rule = ok.file.rules[0];
  EXPECT_EQ(rule.info.title, "quoted \"title\"");
  EXPECT_EQ(rule.info.severity, FindingSeverity::info);
  ASSERT_EQ(rule.targets.size(), 2u);
  EXPECT_EQ(rule.targets[1].pattern, "team name");
  EXPECT_EQ(rule.targets[1].value, "db *");
  EXPECT_EQ(rule.clauses[0].services.include.size(), 2u);
  EXPECT_EQ(rule.clauses[0].condition, ConditionKind::more_than);
  EXPECT_EQ(rule.clauses[0].prefix, 16);
  EXPECT_EQ(rule.clauses[0].text,
            "forbid ingress tcp/22, tcp/3389 from more than /16 of internet4");
}

struct BadCase {
  const char* text;
  const char* expected;  // format_diagnostic of the first error, verbatim
};

TEST(PolicyParse, ErrorsAreOursVerbatim) {
  const BadCase cases[] = {
      {"rule A {\n  title \"t\"\n  severity hgh\n}\n",
       "p.sgp:3:12: error: expected a severity (critical, high, medium, low, info), found \"hgh\"\n"
       "    severity hgh\n"
       "             ^\n"},
      {"rule A {\n  titel \"t\"\n}\n",
       "p.sgp:2:3: error: expected a statement (title, severity, refs, help, on, forbid, require) "
       "or "
       "'}' to close the rule, found \"titel\"\n"
       "    titel \"t\"\n"
       "    ^\n"},
      {"rule A {\n  title \"t\n}\n",
       "p.sgp:2:11: error: unterminated string: expected '\"' before the end of the line, found "
       "end "
       "of line\n"
       "    title \"t\n"
       "            ^\n"},
      {"rule {\n}\n",
       "p.sgp:1:6: error: expected a rule id (a letter, then letters, digits, '-', '_' or '.'), "
       "e.g. "
       "ACME-DB-1, found \"{\"\n"
       "  rule {\n"
       "       ^\n"},
      {"rules A {\n}\n",
       "p.sgp:1:1: error: expected a rule: rule ID { … }, found \"rules\"\n"
       "  rules A {\n"
       "  ^\n"},
      {"rule A {\n  forbid egress tcp/22 from internet\n}\n",
       "p.sgp:2:24: error: egress goes 'to' its destinations: write 'to', not 'from'\n"
       "    forbid egress tcp/22 from internet\n"
       "                         ^\n"},
      {"rule A {\n  forbid ingres tcp/22 from internet\n}\n",
       "p.sgp:2:10: error: expected a direction (ingress, egress), found \"ingres\"\n"
       "    forbid ingres tcp/22 from internet\n"
       "           ^\n"},
      {"rule A {\n  forbid ingress tcp/22 from covering internt\n}\n",
       "p.sgp:2:39: error: expected addresses: a CIDR, internet, internet4, internet6, private, "
       "vpc, "
       "any, group NAME-OR-ID, prefix-list ID or aws:SERVICE[@REGION], found \"internt\"\n"
       "    forbid ingress tcp/22 from covering internt\n"
       "                                        ^\n"},
      {"rule A {\n  forbid ingress tcp/70000 from any\n}\n",
       "p.sgp:2:22: error: invalid port range: expected port number (0-65535), found \"70000\"\n"
       "    forbid ingress tcp/70000 from any\n"
       "                       ^\n"},
      {"rule A {\n  forbid ingress tcp/22 from 10.0.0.300/8\n}\n",
       "p.sgp:2:37: error: invalid address or CIDR: expected IPv4 octet (0-255), found \"300\"\n"
       "    forbid ingress tcp/22 from 10.0.0.300/8\n"
       "                                      ^\n"},
      {"rule A {\n  forbid ingress tcp/22 from more than 24 of internet\n}\n",
       "p.sgp:2:40: error: expected '/N', a prefix length, after 'more than', found \"24\"\n"
       "    forbid ingress tcp/22 from more than 24 of internet\n"
       "                                         ^\n"},
      {"rule A {\n  on tag env\n}\n",
       "p.sgp:2:13: error: expected '=' between the tag's key and value, found end of line\n"
       "    on tag env\n"
       "              ^\n"},
      {"rule A {\n  forbid ingress tcp/22 from any foo\n}\n",
       "p.sgp:2:34: error: expected the end of the statement (a new line), found \"foo\"\n"
       "    forbid ingress tcp/22 from any foo\n"
       "                                   ^\n"},
      {"rule A {\n  title \"t\"\n  severity low\n",
       "p.sgp:4:1: error: expected a statement (title, severity, refs, help, on, forbid, require) "
       "or "
       "'}' to close the rule, found end of input\n"},
      {"rule A {\n  severity low\n  severity high\n}\n",
       "p.sgp:3:12: error: the rule already has a severity\n"
       "    severity high\n"
       "             ^\n"},
  };
  for (const BadCase& c : cases) {
    const ParseResult r = parse_policy(c.text, "p.sgp");
    ASSERT_FALSE(r.ok()) << c.text;
    const std::string actual = format_diagnostic(r.errors.front());
    EXPECT_EQ(actual, c.expected) << c.text;
    EXPECT_EQ(actual.find("parse error matching"), std::string::npos);
  }
}

TEST(PolicyParse, RuleLevelErrors) {
  const ParseResult r = parse_policy(
      "rule A {\n  severity low\n  forbid ingress all from any\n}\n"
      "rule A {\n  title \"t\"\n  severity low\n}\n",
      "p.sgp");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(format_diagnostic(r.errors[0]),
            "p.sgp:1:6: error: rule A has no title: add title \"…\"\n  rule A {\n       ^\n");
  EXPECT_EQ(r.errors[1].message, "rule A has no clause: add forbid … or require …");
  EXPECT_EQ(format_diagnostic(r.errors[2]),
            "p.sgp:5:6: error: duplicate rule id A\n  rule A {\n       ^\n");
  EXPECT_EQ(format_diagnostic(r.errors[3]),
            "p.sgp:1:6: note: rule A is first defined here\n  rule A {\n       ^\n");
}

TEST(PolicyPack, BuiltinPackIsSg101ToSg107) {
  const std::vector<CheckInfo> pack = detail::builtin_policy_checks();
  ASSERT_EQ(pack.size(), 7u);
  const char* ids[] = {"SG101", "SG102", "SG103", "SG104", "SG105", "SG106", "SG107"};
  const FindingSeverity severities[] = {FindingSeverity::critical, FindingSeverity::high,
                                        FindingSeverity::high,     FindingSeverity::medium,
                                        FindingSeverity::medium,   FindingSeverity::low,
                                        FindingSeverity::high};
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(pack[i].id, ids[i]);
    EXPECT_EQ(pack[i].severity, severities[i]) << ids[i];
    EXPECT_FALSE(pack[i].title.empty());
    EXPECT_FALSE(pack[i].help.empty());
  }
}

}  // namespace
}  // namespace sgcheck::policy
