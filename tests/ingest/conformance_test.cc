// Conformance with real describe output (shared/fixtures/aws, path from $SGCHECK_FIXTURES): every
// file loads; the atomic rules equal the peers counted independently with nlohmann/json; every CIDR
// is canonical; batfish's invalid ICMP rule gives its SG402 diagnostic at the line of its ToPort.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_util.h"

namespace sgcheck {
namespace {

namespace fs = std::filesystem;
using test::all_errors;

fs::path fixtures() {
  const char* dir = std::getenv("SGCHECK_FIXTURES");
  return dir == nullptr ? fs::path() : fs::path(dir);
}

#define REQUIRE_FIXTURES()                                                               \
  do {                                                                                   \
    if (fixtures().empty() || !fs::is_directory(fixtures())) {                           \
      GTEST_SKIP() << "fixtures not found: set SGCHECK_FIXTURES to shared/fixtures/aws"; \
    }                                                                                    \
  } while (false)

std::vector<fs::path> fixture_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(fixtures())) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool recognised(const nlohmann::json& doc) {
  for (const char* key : {"SecurityGroups", "SecurityGroupRules", "NetworkInterfaces",
                          "Reservations", "PrefixLists", "Vpcs", "VpcPeeringConnections"}) {
    if (doc.contains(key)) return true;
  }
  return false;
}

std::size_t count_peers(const nlohmann::json& doc) {
  std::size_t n = 0;
  for (const auto& g : doc.value("SecurityGroups", nlohmann::json::array())) {
    for (const char* direction : {"IpPermissions", "IpPermissionsEgress"}) {
      for (const auto& p : g.value(direction, nlohmann::json::array())) {
        for (const char* list : {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"}) {
          n += p.value(list, nlohmann::json::array()).size();
        }
      }
    }
  }
  return n + doc.value("SecurityGroupRules", nlohmann::json::array()).size();
}

TEST(IngestConformance, EveryFixtureLoads) {
  REQUIRE_FIXTURES();
  std::size_t files = 0, rules = 0;
  for (const fs::path& path : fixture_files()) {
    const nlohmann::json doc = nlohmann::json::parse(read(path));
    const LoadResult r = load_inventory({path.string()});
    if (!recognised(doc)) {  // e.g. describe-subnets output: skipped and counted, named or found
      EXPECT_TRUE(r.ok()) << path << "\n" << all_errors(r);
      ASSERT_EQ(r.skipped.size(), 1u) << path;
      EXPECT_EQ(r.skipped[0].reason, "not security-group input") << path;
      continue;
    }
    ASSERT_TRUE(r.ok()) << path << "\n" << all_errors(r);
    EXPECT_EQ(r.inventory.rule_count(), count_peers(doc)) << path;
    ++files;
    rules += r.inventory.rule_count();
    if (doc.contains("SecurityGroups")) {
      std::set<std::string> ids;
      for (const auto& g : doc["SecurityGroups"]) ids.insert(g["GroupId"].get<std::string>());
      EXPECT_EQ(r.inventory.groups.size(), ids.size()) << path;
    }
    if (doc.contains("NetworkInterfaces")) {
      EXPECT_EQ(r.inventory.interfaces.size(), doc["NetworkInterfaces"].size()) << path;
    }
    if (doc.contains("Vpcs")) {
      EXPECT_EQ(r.inventory.vpcs.size(), doc["Vpcs"].size()) << path;
    }
    if (doc.contains("VpcPeeringConnections")) {
      EXPECT_EQ(r.inventory.peerings.size(), doc["VpcPeeringConnections"].size()) << path;
    }
  }
  EXPECT_GT(files, 10u);
  EXPECT_GT(rules, 50u);
}

// Each fixture directory loads as a directory (unrecognised files skipped and counted) unless
// two of its files define one group with different rules (batfish-unit does:
// SecurityGroupTestDeser.json adds an egress rule to a group of SecurityGroupTest.json), which must
// be the conflict error.
TEST(IngestConformance, FixtureDirectories) {
  REQUIRE_FIXTURES();
  for (const auto& entry : fs::directory_iterator(fixtures())) {
    if (!entry.is_directory()) continue;
    // Independently: group id -> the files defining it, and a canonical-free rule signature per
    // file.
    std::map<std::string, std::map<std::string, std::multiset<std::string>>> groups;
    for (const auto& f : fs::directory_iterator(entry.path())) {
      const nlohmann::json doc = nlohmann::json::parse(read(f.path()));
      for (const auto& g : doc.value("SecurityGroups", nlohmann::json::array())) {
        auto& rules = groups[g["GroupId"].get<std::string>()][f.path().filename().string()];
        for (const char* direction : {"IpPermissions", "IpPermissionsEgress"}) {
          for (const auto& p : g.value(direction, nlohmann::json::array())) {
            for (const char* list :
                 {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"}) {
              for (const auto& peer : p.value(list, nlohmann::json::array())) {
                rules.insert(std::string(direction) + p.value("IpProtocol", "") +
                             std::to_string(p.value("FromPort", -2)) +
                             std::to_string(p.value("ToPort", -2)) + peer.dump());
              }
            }
          }
        }
      }
    }
    std::size_t conflicts = 0;
    for (const auto& [id, by_file] : groups) {
      if (by_file.size() < 2) continue;
      for (const auto& [file, rules] : by_file) {
        if (rules != by_file.begin()->second) {
          ++conflicts;
          break;
        }
      }
    }
    const LoadResult r = load_inventory({entry.path().string()});
    EXPECT_EQ(r.errors.size(), conflicts) << entry.path() << "\n" << all_errors(r);
    for (const Diagnostic& d : r.errors) {
      EXPECT_NE(d.message.find("is defined twice with different rules"), std::string::npos)
          << d.message;
    }
  }
}

TEST(IngestConformance, EveryCidrIsCanonical) {
  REQUIRE_FIXTURES();
  std::size_t checked = 0;
  const auto check = [&](const Cidr& c) {
    EXPECT_EQ(c.base, c.base & ~(c.last() - c.first())) << to_string(c);
    const auto again = parse_cidr(to_string(c));
    ASSERT_TRUE(again) << to_string(c);
    EXPECT_EQ(*again, c);
    EXPECT_FALSE(again->had_host_bits) << to_string(c);
    ++checked;
  };
  for (const fs::path& path : fixture_files()) {
    const LoadResult r = load_inventory({path.string()});
    for (const Group& g : r.inventory.groups) {
      for (const Rule& rule : g.rules) {
        if (rule.valid &&
            (rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6)) {
          check(rule.peer.cidr);
        }
      }
    }
    for (const PrefixList& p : r.inventory.prefix_lists) {
      for (const Cidr& c : p.entries) check(c);
    }
    for (const Vpc& v : r.inventory.vpcs) {
      for (const Cidr& c : v.cidrs) check(c);
    }
    for (const Interface& i : r.inventory.interfaces) {
      for (const Cidr& c : i.delegated_prefixes) check(c);
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(IngestConformance, BatfishIcmpDiagnosticLine) {
  REQUIRE_FIXTURES();
  const fs::path path = fixtures() / "batfish-unit" / "SecurityGroupTest.json";
  if (!fs::exists(path)) {
    GTEST_SKIP() << path << " not found";
  }
  const std::string text = read(path);
  // The group "ICMP types invalid with code only": its ToPort (the code) is the offending value.
  const std::size_t group = text.find("\"ICMP types invalid with code only\"");
  ASSERT_NE(group, std::string::npos);
  const std::size_t group_start = text.rfind("\"GroupId\"", group);
  const std::size_t to_port = text.find("\"ToPort\"", std::min(group, group_start));
  ASSERT_NE(to_port, std::string::npos);
  const auto expected_line = test::line_col(text, to_port).first;
  const LoadResult r = load_inventory({path.string()});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  std::size_t found = 0;
  for (const Diagnostic& d : r.inventory.diagnostics) {
    if (d.message != "ICMP type -1 (all types) requires code -1, found code 9") continue;
    ++found;
    EXPECT_EQ(d.check, "SG402");
    EXPECT_EQ(d.location.line, expected_line);
    EXPECT_EQ(d.location.file, path.string());
  }
  EXPECT_EQ(found, 1u);
  // Both atomic rules of that IpPermission (IPv4 and IPv6 range) are invalid.
  const Group* g = r.inventory.find_group("sg-0de0ddfa8a5a12348");
  ASSERT_NE(g, nullptr);
  std::size_t invalid = 0;
  for (const Rule& rule : g->rules) invalid += rule.valid ? 0 : 1;
  EXPECT_EQ(invalid, 2u);
}

}  // namespace
}  // namespace sgcheck
