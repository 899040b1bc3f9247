// Conformance on real describe output the project did not write (../shared/fixtures/aws/): the
// queries of docs/conformance.md, whose answers were worked out by hand from the files. Skipped,
// with a message, when the fixtures are absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck {
namespace {

struct Case {
  const char* flow;
  Verdict verdict;
  const char* ingress_rule_at;  // "file:line" of an allowing ingress rule, or "" (none expected)
};

std::string fixture(const std::string& name) {
  return std::string(SGCHECK_FIXTURES) + "/" + name;
}

void run_cases(const std::string& name, const std::vector<Case>& cases) {
  const std::string dir = fixture(name);
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent: conformance not checked";
  const LoadResult loaded = load_inventory({dir});
  ASSERT_TRUE(loaded.ok()) << format_diagnostic(loaded.errors.front());
  const Inventory& inv = loaded.inventory;
  const Engine engine(inv);
  for (const Case& c : cases) {
    const FlowParseResult flow = parse_flow(c.flow);
    ASSERT_TRUE(flow) << c.flow;
    const Decision d = engine.decide(*flow.flow);
    EXPECT_EQ(verdict_name(d.verdict), std::string(verdict_name(c.verdict))) << c.flow;
    if (*c.ingress_rule_at == '\0') continue;
    bool found = false;
    for (const RuleRef& ref : d.ingress.rules) {
      const Location at = inv.location(inv.groups[ref.group].rules[ref.rule].location);
      const std::string where = at.file + ":" + std::to_string(at.line);
      const std::string want = c.ingress_rule_at;
      const bool ends_with = where.size() >= want.size() &&
                             where.compare(where.size() - want.size(), want.size(), want) == 0;
      found = found || ends_with;
    }
    EXPECT_TRUE(found) << c.flow << ": no allowing ingress rule at " << c.ingress_rule_at;
  }
}

// Three VPCs, A (10.10/16) peered with B and C (both 192.168/16); each instance's launch-wizard
// group admits tcp/22 from 0.0.0.0/0 and sends everything to 0.0.0.0/0.
TEST(Conformance, BatfishVpcPeering) {
  run_cases(
      "batfish-vpc-peering",
      {
          {"tcp/22 from 10.10.10.157 to 192.168.2.229", Verdict::allow, "SecurityGroups.json:82"},
          {"tcp/22 from eni-0f0708220e812876c to i-0b14080af811fda3d", Verdict::allow,
           "SecurityGroups.json:12"},
          {"tcp/80 from 10.10.10.157 to 192.168.2.229", Verdict::deny, ""},
          {"icmp/8:0 from 192.168.1.106 to 10.10.10.157", Verdict::deny, ""},
          {"udp/53 from eni-0f0708220e812876c to 8.8.8.8", Verdict::allow, ""},
          {"tcp/22 from internet to sg-09606ce9642cac154", Verdict::allow,
           "SecurityGroups.json:47"},
          {"all from 10.10.10.157 to 192.168.2.229", Verdict::partial, "SecurityGroups.json:82"},
          {"tcp/22 from 10.10.10.157 to sg-0b47189ed64dfaab9", Verdict::unknown, ""},
      });
}

// One VPC; eni-00000000 is reused by three instances in the demo data (ingest merges them: groups
// sg-00000002 and sg-00000004, addresses 10.0.0.1, 10.0.2.1, 10.0.3.1, public 1.2.3.4);
// eni-00000001 carries sg-00000008 ("Public": tcp/443 from anywhere, tcp/22 from sg-00000002).
TEST(Conformance, CloudmapperDemo) {
  run_cases("cloudmapper-demo", {
                                    {"tcp/443 from 198.51.100.1 to eni-00000001", Verdict::allow,
                                     "ec2-describe-security-groups.json:36"},
                                    {"tcp/22 from 198.51.100.1 to eni-00000001", Verdict::deny, ""},
                                    {"tcp/22 from 10.0.0.1 to eni-00000001", Verdict::allow,
                                     "ec2-describe-security-groups.json:26"},
                                    {"tcp/22 from 1.2.3.4 to eni-00000001", Verdict::deny, ""},
                                    {"tcp/22 from 1.1.1.1 to 10.0.0.1", Verdict::allow,
                                     "ec2-describe-security-groups.json:253"},
                                    {"tcp/22 from 2.2.2.16 to 10.0.0.1", Verdict::deny, ""},
                                    {"tcp/22 from 2.2.2.0/27 to i-00000000000000000",
                                     Verdict::partial, "ec2-describe-security-groups.json:256"},
                                    {"tcp/8000 from 172.31.48.168 to 10.0.2.1", Verdict::deny, ""},
                                    {"tcp/5432 from 10.0.2.1 to sg-00000005", Verdict::unknown, ""},
                                    {"tcp/443 from 3.80.3.41 to eni-00000001", Verdict::allow,
                                     "ec2-describe-security-groups.json:36"},
                                });
}

// File order changes nothing: the same files in reverse order give the same decisions, rules and
// reasons (the engine sees one merged inventory).
TEST(Conformance, FileOrderChangesNothing) {
  const std::string dir = std::string(SGCHECK_EXAMPLES) + "/three-tier/";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> reversed(files.rbegin(), files.rend());
  const LoadResult a = load_inventory(files), b = load_inventory(reversed);
  ASSERT_TRUE(a.ok() && b.ok());
  const Engine ea(a.inventory), eb(b.inventory);
  for (const char* text : {"tcp/443 from 198.51.100.9 to eni-0a1b2c3d4e5f60101",
                           "tcp/8081 from eni-0a1b2c3d4e5f60101 to i-0a1b2c3d4e5f60102",
                           "tcp/22 from 10.0.0.0/16 to sg-0a1b2c3d4e5f60002",
                           "all from internet to sg-0a1b2c3d4e5f60001"}) {
    const Flow flow = *parse_flow(text).flow;
    const Decision da = ea.decide(flow), db = eb.decide(flow);
    EXPECT_EQ(da.verdict, db.verdict) << text;
    EXPECT_EQ(da.reasons, db.reasons) << text;
    EXPECT_EQ(da.allowed, db.allowed) << text;
    EXPECT_EQ(da.denied, db.denied) << text;
    ASSERT_EQ(da.ingress.rules.size(), db.ingress.rules.size()) << text;
    for (std::size_t i = 0; i < da.ingress.rules.size(); ++i) {
      const RuleRef ra = da.ingress.rules[i], rb = db.ingress.rules[i];
      EXPECT_EQ(
          a.inventory.location(a.inventory.groups[ra.group].rules[ra.rule].location).to_string(),
          b.inventory.location(b.inventory.groups[rb.group].rules[rb.rule].location).to_string());
    }
  }
}

}  // namespace
}  // namespace sgcheck
