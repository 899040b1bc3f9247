// Tests of `sgcheck gen` (include/sgcheck/inventory.h): determinism (same seed, same bytes), the
// counts and shares asked for, the shapes of AWS CLI output, validity by construction (unique ids,
// ENI addresses inside their VPC, groups of the ENI's own VPC), and the option checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sgcheck/inventory.h"

namespace sgcheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

GenOptions small(std::uint64_t seed, std::uint32_t groups = 60, std::uint32_t interfaces = 200) {
  GenOptions options;
  options.seed = seed;
  options.groups = groups;
  options.interfaces = interfaces;
  return options;
}

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("sgcheck-gen-test-" + std::to_string(getpid()) + "-" + name)) {
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Every file under dir (relative path -> content).
std::map<std::string, std::string> read_tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[fs::relative(entry.path(), dir).string()] = text.str();
  }
  return files;
}

const std::string& file(const GenResult& result, const std::string& name) {
  for (const NamedBuffer& buffer : result.files) {
    if (buffer.name == name) return buffer.content;
  }
  static const std::string kMissing;
  ADD_FAILURE() << "no file " << name;
  return kMissing;
}

json parse(const GenResult& result, const std::string& name) {
  return json::parse(file(result, name));
}

// The top-level list of a file, by value (a range-for over parse(...)[key] would dangle).
json items(const GenResult& result, const std::string& name, const char* key) {
  return parse(result, name)[key];
}

std::uint32_t ipv4(const std::string& text) {
  unsigned a, b, c, d;
  EXPECT_EQ(std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d), 4) << text;
  return a << 24 | b << 16 | c << 8 | d;
}

constexpr const char* kPeerLists[] = {"UserIdGroupPairs", "IpRanges", "Ipv6Ranges",
                                      "PrefixListIds"};

// Atomic rules by peer list name.
std::map<std::string, std::uint64_t> count_peers(const json& groups) {
  std::map<std::string, std::uint64_t> counts;
  for (const json& group : groups) {
    for (const char* direction : {"IpPermissions", "IpPermissionsEgress"}) {
      for (const json& permission : group[direction]) {
        for (const char* list : kPeerLists) counts[list] += permission[list].size();
      }
    }
  }
  return counts;
}

std::uint64_t total(const std::map<std::string, std::uint64_t>& counts) {
  std::uint64_t sum = 0;
  for (const auto& [name, n] : counts) sum += n;
  return sum;
}

TEST(GenTest, SameSeedGivesByteIdenticalFiles) {
  TempDir first("same-a"), second("same-b");
  ASSERT_TRUE(write_inventory(small(7), first.path().string()).empty());
  ASSERT_TRUE(write_inventory(small(7), second.path().string()).empty());
  const auto a = read_tree(first.path());
  const auto b = read_tree(second.path());
  ASSERT_GE(a.size(), 6u);
  EXPECT_EQ(a, b);
  // And the files on disk are exactly the in-memory result.
  const GenResult memory = generate_inventory(small(7));
  ASSERT_EQ(memory.files.size(), a.size());
  for (const NamedBuffer& buffer : memory.files) EXPECT_EQ(a.at(buffer.name), buffer.content);
}

TEST(GenTest, DifferentSeedsDiffer) {
  const GenResult a = generate_inventory(small(1));
  const GenResult b = generate_inventory(small(2));
  EXPECT_NE(file(a, "security-groups.json"), file(b, "security-groups.json"));
  EXPECT_NE(file(a, "network-interfaces.json"), file(b, "network-interfaces.json"));
}

TEST(GenTest, CountsMatchTheOptions) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const GenResult result = generate_inventory(small(seed, 80, 300));
    ASSERT_TRUE(result.errors.empty());
    const json groups = items(result, "security-groups.json", "SecurityGroups");
    const json enis = items(result, "network-interfaces.json", "NetworkInterfaces");
    const json vpcs = items(result, "vpcs.json", "Vpcs");
    const json lists = items(result, "prefix-lists.json", "PrefixLists");
    EXPECT_EQ(groups.size(), 80u);
    EXPECT_EQ(enis.size(), 300u);
    EXPECT_EQ(vpcs.size(), result.summary.vpcs);
    EXPECT_EQ(lists.size(), result.summary.prefix_lists);
    EXPECT_EQ(items(result, "vpc-peering-connections.json", "VpcPeeringConnections").size(),
              result.summary.peerings);
    const std::uint64_t rules = total(count_peers(groups));
    EXPECT_EQ(rules, result.summary.atomic_rules);
    // Mean 10 per group: within 20%.
    EXPECT_GE(rules, 640u);
    EXPECT_LE(rules, 960u);
    // One entries file per prefix list, naming its list.
    for (const json& list : lists) {
      const std::string id = list["PrefixListId"];
      const json entries = parse(result, "prefix-list-entries/" + id + ".json");
      EXPECT_EQ(entries["PrefixListId"], id);
      EXPECT_FALSE(entries["Entries"].empty());
      EXPECT_LE(entries["Entries"].size(), list["MaxEntries"].get<std::size_t>());
    }
  }
}

TEST(GenTest, PresetsHaveTheBenchmarkSizes) {
  const std::optional<GenOptions> s = gen_preset("S");
  const std::optional<GenOptions> l = gen_preset("L");
  ASSERT_TRUE(s && l);
  EXPECT_EQ(s->groups, 100u);
  EXPECT_EQ(s->interfaces, 500u);
  EXPECT_EQ(l->groups, 10000u);
  EXPECT_EQ(l->interfaces, 50000u);
  EXPECT_DOUBLE_EQ(l->rules_per_group * l->groups, 250000.0);
  EXPECT_FALSE(gen_preset("M"));
  const GenResult result = generate_inventory(*s);
  EXPECT_EQ(result.summary.groups, 100u);
  EXPECT_EQ(result.summary.interfaces, 500u);
  EXPECT_GE(result.summary.atomic_rules, 850u);  // ~1,000
  EXPECT_LE(result.summary.atomic_rules, 1150u);
}

// "PREFIX-" and 17 lowercase hex digits, PREFIX one of `prefixes`: the shape of AWS resource ids.
// (Not std::regex: gcc 12 warns inside <regex> under -fsanitize, and warnings are errors.)
bool shaped_like_aws(const std::string& id, std::initializer_list<std::string_view> prefixes) {
  const std::size_t dash = id.find('-');
  if (dash == std::string::npos || id.size() != dash + 1 + 17) return false;
  if (std::find(prefixes.begin(), prefixes.end(), std::string_view(id).substr(0, dash)) ==
      prefixes.end())
    return false;
  return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(dash) + 1, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(GenTest, IdsAreUniqueAndShapedLikeAws) {
  const GenResult result = generate_inventory(small(4));
  std::set<std::string> ids;
  auto check = [&](const std::string& id) {
    EXPECT_TRUE(shaped_like_aws(id, {"sg", "eni", "vpc", "pl", "pcx", "subnet", "i"})) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
  };
  for (const json& g : items(result, "security-groups.json", "SecurityGroups")) check(g["GroupId"]);
  for (const json& e : items(result, "network-interfaces.json", "NetworkInterfaces")) {
    check(e["NetworkInterfaceId"]);
    if (e["Attachment"].contains("InstanceId")) check(e["Attachment"]["InstanceId"]);
  }
  for (const json& v : items(result, "vpcs.json", "Vpcs")) check(v["VpcId"]);
  for (const json& p : items(result, "prefix-lists.json", "PrefixLists")) check(p["PrefixListId"]);
  for (const json& p : items(result, "vpc-peering-connections.json", "VpcPeeringConnections")) {
    check(p["VpcPeeringConnectionId"]);
  }
}

// Interfaces carry one to five groups of their own VPC and private addresses from its CIDR,
// unique within the VPC.
TEST(GenTest, InterfacesAreConsistentWithTheirVpc) {
  const GenResult result = generate_inventory(small(5, 120, 800));
  std::map<std::string, std::string> group_vpc;
  for (const json& g : items(result, "security-groups.json", "SecurityGroups")) {
    group_vpc[g["GroupId"]] = g["VpcId"];
  }
  std::map<std::string, std::uint32_t> vpc_base;
  for (const json& v : items(result, "vpcs.json", "Vpcs")) {
    const std::string cidr = v["CidrBlock"];
    ASSERT_EQ(cidr.substr(cidr.size() - 3), "/16");
    vpc_base[v["VpcId"]] = ipv4(cidr.substr(0, cidr.size() - 3));
  }
  std::set<std::uint32_t> addresses;
  std::map<std::size_t, int> group_counts;
  for (const json& eni : items(result, "network-interfaces.json", "NetworkInterfaces")) {
    const std::string vpc = eni["VpcId"];
    ASSERT_TRUE(vpc_base.count(vpc));
    ++group_counts[eni["Groups"].size()];
    std::set<std::string> seen;
    for (const json& g : eni["Groups"]) {
      EXPECT_EQ(group_vpc.at(g["GroupId"]), vpc);
      EXPECT_TRUE(seen.insert(g["GroupId"]).second);
    }
    EXPECT_EQ(eni["PrivateIpAddress"], eni["PrivateIpAddresses"][0]["PrivateIpAddress"]);
    for (const json& a : eni["PrivateIpAddresses"]) {
      const std::uint32_t address = ipv4(a["PrivateIpAddress"]);
      EXPECT_EQ(address & 0xffff0000u, vpc_base[vpc]);
      EXPECT_TRUE(addresses.insert(address).second) << a["PrivateIpAddress"];
    }
  }
  EXPECT_GT(group_counts[1], group_counts[2]);
  EXPECT_GT(group_counts[3], 0);
  EXPECT_EQ(group_counts[0], 0);
  for (const auto& [n, count] : group_counts) EXPECT_LE(n, 5u);
}

// Permissions are grouped the way AWS returns them: one per protocol and port range per
// direction, ports only for tcp/udp/icmp/icmpv6, no peer twice, no more than 60 rules per
// direction and family (counting a reference in both and a prefix list by MaxEntries).
TEST(GenTest, PermissionsAreGroupedUniqueAndWithinQuota) {
  const GenResult result = generate_inventory(gen_preset("S").value());
  std::map<std::string, int> max_entries;
  for (const json& list : items(result, "prefix-lists.json", "PrefixLists")) {
    max_entries[list["PrefixListId"]] = list["MaxEntries"];
  }
  for (const json& group : items(result, "security-groups.json", "SecurityGroups")) {
    for (const char* direction : {"IpPermissions", "IpPermissionsEgress"}) {
      std::set<std::string> keys;
      int v4 = 0, v6 = 0;
      for (const json& p : group[direction]) {
        const std::string protocol = p["IpProtocol"];
        const bool ports =
            protocol == "tcp" || protocol == "udp" || protocol == "icmp" || protocol == "icmpv6";
        EXPECT_EQ(p.contains("FromPort"), ports) << p.dump();
        const std::string key =
            protocol + "/" + (ports ? p["FromPort"].dump() + "-" + p["ToPort"].dump() : "");
        EXPECT_TRUE(keys.insert(key).second) << "two permissions for " << key;
        std::set<std::string> peers;
        std::size_t n = 0;
        for (const char* list : kPeerLists) {
          for (const json& peer : p[list]) {
            ++n;
            EXPECT_TRUE(peers.insert(peer.dump()).second) << peer.dump();
          }
        }
        EXPECT_GT(n, 0u);
        v4 += static_cast<int>(p["IpRanges"].size() + p["UserIdGroupPairs"].size());
        v6 += static_cast<int>(p["Ipv6Ranges"].size() + p["UserIdGroupPairs"].size());
        for (const json& pl : p["PrefixListIds"]) v4 += max_entries.at(pl["PrefixListId"]);
        if (protocol == "icmp") {
          EXPECT_TRUE(p["Ipv6Ranges"].empty());
        }
        if (protocol == "icmpv6") {
          EXPECT_TRUE(p["IpRanges"].empty());
        }
      }
      EXPECT_LE(v4, 60) << group["GroupId"];
      EXPECT_LE(v6, 60) << group["GroupId"];
    }
  }
}

// Cross-VPC references name an active peering of the two VPCs.
TEST(GenTest, CrossVpcReferencesUseActivePeerings) {
  int cross = 0;
  for (std::uint64_t seed : {1, 2, 3}) {
    const GenResult result = generate_inventory(small(seed, 400, 100));
    std::map<std::string, std::string> group_vpc;
    const json groups = items(result, "security-groups.json", "SecurityGroups");
    for (const json& g : groups) group_vpc[g["GroupId"]] = g["VpcId"];
    std::map<std::string, std::set<std::string>> peering_vpcs;
    for (const json& p : items(result, "vpc-peering-connections.json", "VpcPeeringConnections")) {
      if (p["Status"]["Code"] != "active") continue;
      peering_vpcs[p["VpcPeeringConnectionId"]] = {p["AccepterVpcInfo"]["VpcId"],
                                                   p["RequesterVpcInfo"]["VpcId"]};
    }
    for (const json& g : groups) {
      for (const char* direction : {"IpPermissions", "IpPermissionsEgress"}) {
        for (const json& p : g[direction]) {
          for (const json& pair : p["UserIdGroupPairs"]) {
            const std::string& target_vpc = group_vpc.at(pair["GroupId"]);
            if (target_vpc == g["VpcId"]) {
              EXPECT_FALSE(pair.contains("VpcPeeringConnectionId"));
              continue;
            }
            ++cross;
            EXPECT_EQ(pair["PeeringStatus"], "active");
            EXPECT_EQ(pair["VpcId"], target_vpc);
            const auto& vpcs = peering_vpcs.at(pair["VpcPeeringConnectionId"]);
            EXPECT_TRUE(vpcs.count(g["VpcId"]) && vpcs.count(target_vpc));
          }
        }
      }
    }
  }
  EXPECT_GT(cross, 0);
}

TEST(GenTest, SharesFollowTheOptions) {
  GenOptions options = small(9, 300, 100);
  const auto counts =
      count_peers(items(generate_inventory(options), "security-groups.json", "SecurityGroups"));
  const double rules = static_cast<double>(total(counts));
  EXPECT_NEAR(counts.at("UserIdGroupPairs") / rules, 0.30, 0.04);
  const double cidrs = static_cast<double>(counts.at("IpRanges") + counts.at("Ipv6Ranges"));
  EXPECT_NEAR(counts.at("Ipv6Ranges") / cidrs, 0.15, 0.04);

  options.reference_share = 0.6;
  options.ipv6_share = 0;
  const GenResult result = generate_inventory(options);
  const auto more = count_peers(items(result, "security-groups.json", "SecurityGroups"));
  EXPECT_NEAR(more.at("UserIdGroupPairs") / static_cast<double>(total(more)), 0.6, 0.05);
  // No IPv6 anywhere.
  EXPECT_EQ(more.at("Ipv6Ranges"), 0u);
  for (const NamedBuffer& buffer : result.files) {
    EXPECT_EQ(buffer.content.find("Ipv6Address\""), std::string::npos) << buffer.name;
    EXPECT_EQ(buffer.content.find("Ipv6CidrBlock\""), std::string::npos) << buffer.name;
  }
}

// The risky rules the linter should find: internet on admin or database ports, the /1 split,
// all traffic from ::/0 or 0.0.0.0/0, a public /8.
bool is_risky(const json& permission) {
  const std::string protocol = permission["IpProtocol"];
  const int port = permission.contains("FromPort") ? permission["FromPort"].get<int>() : -1;
  for (const json& range : permission["IpRanges"]) {
    const std::string cidr = range["CidrIp"];
    if (cidr == "0.0.0.0/1" || cidr == "128.0.0.0/1" || cidr == "52.0.0.0/8") return true;
    if (cidr == "0.0.0.0/0" && (protocol == "-1" || port == 22 || port == 3389 || port == 3306)) {
      return true;
    }
  }
  for (const json& range : permission["Ipv6Ranges"]) {
    if (range["CidrIpv6"] == "::/0" && protocol == "-1") return true;
  }
  return false;
}

int count_risky(const GenResult& result) {
  int risky = 0;
  for (const json& g : items(result, "security-groups.json", "SecurityGroups")) {
    for (const json& p : g["IpPermissions"]) risky += is_risky(p) ? 1 : 0;
  }
  return risky;
}

TEST(GenTest, RiskyRulesOnlyWhenAsked) {
  GenOptions options = gen_preset("S").value();
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    options.seed = seed;
    options.risky_share = 0.05;
    const GenResult risky = generate_inventory(options);
    EXPECT_GE(risky.summary.risky_rules, 4u);
    EXPECT_GE(count_risky(risky), 3);
    options.risky_share = 0;
    const GenResult clean = generate_inventory(options);
    EXPECT_EQ(clean.summary.risky_rules, 0u);
    EXPECT_EQ(count_risky(clean), 0);
  }
}

// What gen writes is what ingest reads: no errors, no diagnostics, the same counts, and every
// reference resolves (groups, prefix lists with their entries, the groups of interfaces).
void expect_loads_cleanly(const GenResult& result, const LoadResult& loaded) {
  ASSERT_TRUE(loaded.ok()) << format_diagnostic(loaded.errors.front());
  const Inventory& inventory = loaded.inventory;
  for (const Diagnostic& d : inventory.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  EXPECT_EQ(inventory.rule_count(), result.summary.atomic_rules);
  EXPECT_EQ(inventory.groups.size(), result.summary.groups);
  EXPECT_EQ(inventory.interfaces.size(), result.summary.interfaces);
  EXPECT_EQ(inventory.prefix_lists.size(), result.summary.prefix_lists);
  EXPECT_EQ(inventory.vpcs.size(), result.summary.vpcs);
  EXPECT_EQ(inventory.peerings.size(), result.summary.peerings);
  for (const Group& group : inventory.groups) {
    EXPECT_NE(inventory.find_vpc(group.vpc_id), nullptr) << group.id;
    for (const Rule& rule : group.rules) {
      EXPECT_TRUE(rule.valid) << group.id;
      if (rule.peer.kind == PeerKind::group) {
        const Group* target = inventory.find_group(rule.peer.id);
        ASSERT_NE(target, nullptr) << rule.peer.id;
        EXPECT_EQ(target->vpc_id != group.vpc_id, !rule.peer.peering_id().empty()) << rule.peer.id;
      }
      if (rule.peer.kind == PeerKind::prefix_list) {
        const PrefixList* list = inventory.find_prefix_list(rule.peer.id);
        ASSERT_NE(list, nullptr) << rule.peer.id;
        EXPECT_TRUE(list->entries_known) << rule.peer.id;
      }
    }
  }
  for (const Interface& eni : inventory.interfaces) {
    EXPECT_GE(eni.groups.size(), 1u);
    EXPECT_LE(eni.groups.size(), 5u);
    for (const Name& id : eni.groups) {
      const Group* group = inventory.find_group(id);
      ASSERT_NE(group, nullptr) << id;
      EXPECT_EQ(group->vpc_id, eni.vpc_id) << eni.id;
    }
  }
}

TEST(GenTest, GeneratedInventoriesLoadWithoutDiagnostics) {
  for (std::uint64_t seed : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    GenOptions options = small(seed, 40 + 30 * static_cast<std::uint32_t>(seed), 150);
    const GenResult result = generate_inventory(options);
    const double mean = static_cast<double>(result.summary.atomic_rules) / options.groups;
    EXPECT_GT(mean, 8.0);
    EXPECT_LT(mean, 12.0);
    expect_loads_cleanly(result, load_inventory_from_buffers(result.files));
  }
  GenOptions no_ipv6 = small(6);
  no_ipv6.ipv6_share = 0;
  no_ipv6.reference_share = 0.9;
  no_ipv6.prefix_list_share = 0.1;
  const GenResult result = generate_inventory(no_ipv6);
  expect_loads_cleanly(result, load_inventory_from_buffers(result.files));
}

// --rules-view adds describe-security-group-rules output of the same rules: ingest merges the two
// views into the same inventory, now with an sgr- id on every rule.
TEST(GenTest, RulesViewMergesWithTheGroupsView) {
  GenOptions options = small(8);
  options.rules_view = true;
  const GenResult result = generate_inventory(options);
  const json flat = items(result, "security-group-rules.json", "SecurityGroupRules");
  EXPECT_EQ(flat.size(), result.summary.atomic_rules);
  const LoadResult loaded = load_inventory_from_buffers(result.files);
  expect_loads_cleanly(result, loaded);
  std::set<std::string> ids;
  for (const Group& group : loaded.inventory.groups) {
    for (const Rule& rule : group.rules) {
      EXPECT_TRUE(shaped_like_aws(rule.id.str(), {"sgr"})) << rule.id;
      EXPECT_TRUE(ids.insert(rule.id.str()).second) << rule.id;
    }
  }
  // The groups view alone is the same inventory, without the ids.
  options.rules_view = false;
  const GenResult plain = generate_inventory(options);
  EXPECT_EQ(file(plain, "security-groups.json"), file(result, "security-groups.json"));
}

TEST(GenTest, WrittenDirectoryLoadsWithoutDiagnostics) {
  TempDir dir("load");
  const GenOptions options = gen_preset("S").value();
  ASSERT_TRUE(write_inventory(options, dir.path().string()).empty());
  expect_loads_cleanly(generate_inventory(options), load_inventory({dir.path().string()}));
}

TEST(GenTest, BadOptionsAreErrors) {
  const auto errors_for = [](auto change) {
    GenOptions options;
    change(options);
    return check_gen_options(options).size();
  };
  EXPECT_EQ(errors_for([](GenOptions&) {}), 0u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.groups = 0; }), 1u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.vpcs = 300; }), 1u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.vpcs = 200; }), 1u);  // more VPCs than groups
  EXPECT_EQ(errors_for([](GenOptions& o) {
              o.vpcs = 1;
              o.interfaces = 50000;
            }),
            1u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.ipv6_share = 1.5; }), 1u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.risky_share = -0.1; }), 1u);
  EXPECT_EQ(errors_for([](GenOptions& o) {
              o.reference_share = 0.8;
              o.prefix_list_share = 0.3;
            }),
            1u);
  EXPECT_EQ(errors_for([](GenOptions& o) { o.rules_per_group = 0; }), 1u);
  GenOptions bad;
  bad.groups = 0;
  const GenResult result = generate_inventory(bad);
  EXPECT_FALSE(result.errors.empty());
  EXPECT_TRUE(result.files.empty());
  TempDir dir("bad");
  EXPECT_FALSE(write_inventory(bad, dir.path().string()).empty());
  EXPECT_FALSE(fs::exists(dir.path()));
}

TEST(GenTest, OutputDirectoryIsCreatedWithParents) {
  TempDir dir("nested");
  const fs::path out = dir.path() / "a" / "b";
  GenSummary summary;
  ASSERT_TRUE(write_inventory(small(1, 10, 10), out.string(), &summary).empty());
  EXPECT_TRUE(fs::exists(out / "security-groups.json"));
  std::uint64_t bytes = 0;
  for (const auto& [name, content] : read_tree(out)) bytes += content.size();
  EXPECT_EQ(bytes, summary.bytes);
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Regression: a second run into the same directory used to leave the first run's prefix-list entry
// files there, and the two inventories merged when the directory was read.
TEST(GenTest, RefusesNonEmptyDirectory) {
  TempDir dir("non-empty");
  fs::create_directories(dir.path());
  write_text(dir.path() / "notes.txt", "mine");
  const Diagnostics errors = write_inventory(small(1, 10, 10), dir.path().string());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors.front().message.find("not empty"), std::string::npos);
  EXPECT_NE(errors.front().message.find("--force"), std::string::npos);
  EXPECT_EQ(read_tree(dir.path()).size(), 1u);  // nothing written
}

TEST(GenTest, EmptyDirectoryIsWrittenWithoutForce) {
  TempDir dir("empty");
  fs::create_directories(dir.path());
  EXPECT_TRUE(write_inventory(small(1, 10, 10), dir.path().string()).empty());
  EXPECT_TRUE(fs::exists(dir.path() / "security-groups.json"));
}

TEST(GenTest, ForceRemovesOnlyGenFiles) {
  TempDir dir("force");
  GenOptions first = small(1, 40, 100);
  first.rules_view = true;
  ASSERT_TRUE(write_inventory(first, dir.path().string()).empty());
  write_text(dir.path() / "notes.txt", "mine");
  write_text(dir.path() / "prefix-list-entries" / "README", "mine too");
  write_text(dir.path() / "prefix-list-entries" / "pl-custom.json", "{}");  // not hex: not gen's
  const GenOptions second = small(2, 10, 10);
  ASSERT_TRUE(write_inventory(second, dir.path().string(), nullptr, /*force=*/true).empty());
  std::map<std::string, std::string> expected = {{"notes.txt", "mine"},
                                                 {"prefix-list-entries/README", "mine too"},
                                                 {"prefix-list-entries/pl-custom.json", "{}"}};
  for (const NamedBuffer& file : generate_inventory(second).files) {
    expected[file.name] = file.content;
  }
  EXPECT_EQ(read_tree(dir.path()), expected);  // the first run's files are all gone
}

TEST(GenTest, GenFileNames) {
  for (const NamedBuffer& file : generate_inventory(small(3, 20, 20)).files) {
    EXPECT_TRUE(is_gen_file_name(file.name)) << file.name;
  }
  for (const char* other :
       {"notes.txt", "security-groups.yaml", "prefix-list-entries/pl-.json",
        "prefix-list-entries/pl-xyz.json", "sub/vpcs.json", "prefix-list-entries/pl-0a.json.bak"}) {
    EXPECT_FALSE(is_gen_file_name(other)) << other;
  }
}

}  // namespace
}  // namespace sgcheck
