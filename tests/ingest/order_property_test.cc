// Property: the inventory does not depend on how the inputs are cut and ordered. The groups of
// examples/three-tier are split into random files, in random order, with their permissions and
// peers shuffled; `dump` (without source positions, which move by construction) and the engine's
// answers must not change.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/report.h"

namespace sgcheck {
namespace {

using nlohmann::json;

std::string read_example(const std::string& name) {
  const char* root = std::getenv("SGCHECK_SOURCE_ROOT");
  std::ifstream in(std::string(root ? root : ".") + "/examples/three-tier/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// dump_text without the " at file:line:col" that ends each line. (No std::regex: gcc 12 warns
// inside <regex> under -fsanitize with -O2, and warnings are errors.)
std::string dump_without_positions(const Inventory& inventory) {
  std::istringstream lines(dump_text(inventory));
  std::string out, line;
  while (std::getline(lines, line)) {
    const std::size_t at = line.rfind(" at ");
    out += (at == std::string::npos ? line : line.substr(0, at)) + "\n";
  }
  return out;
}

template <typename T>
void shuffle(std::vector<T>& items) {
  const auto order = *rc::gen::unique<std::vector<std::size_t>>(
      items.size(), rc::gen::inRange<std::size_t>(0, items.size()));
  std::vector<T> shuffled;
  for (const std::size_t i : order) shuffled.push_back(items[i]);
  items = std::move(shuffled);
}

// Shuffles the permissions of a group and the peers of each permission.
void shuffle_group(json& group) {
  for (const char* key : {"IpPermissions", "IpPermissionsEgress"}) {
    if (!group.contains(key)) continue;
    std::vector<json> permissions = group[key].get<std::vector<json>>();
    for (json& p : permissions) {
      for (const char* peers : {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"}) {
        if (!p.contains(peers)) continue;
        std::vector<json> list = p[peers].get<std::vector<json>>();
        shuffle(list);
        p[peers] = list;
      }
    }
    shuffle(permissions);
    group[key] = permissions;
  }
}

// The security groups cut into 1–4 files, the other example files as they are, all in random order.
std::vector<NamedBuffer> cut_and_shuffle(const json& groups_document) {
  std::vector<json> groups = groups_document["SecurityGroups"].get<std::vector<json>>();
  for (json& g : groups) shuffle_group(g);
  shuffle(groups);
  const int parts = *rc::gen::inRange(1, 5);
  std::vector<NamedBuffer> buffers;
  for (int part = 0; part < parts; ++part) {
    json document{{"SecurityGroups", json::array()}};
    for (std::size_t i = static_cast<std::size_t>(part); i < groups.size();
         i += static_cast<std::size_t>(parts))
      document["SecurityGroups"].push_back(groups[i]);
    buffers.push_back({"groups-" + std::to_string(part) + ".json", document.dump(*rc::gen::element(-1, 2, 4))});
  }
  for (const char* name : {"network-interfaces.json", "prefix-lists.json",
                           "prefix-list-entries.json", "vpcs.json"})
    buffers.push_back({name, read_example(name)});
  shuffle(buffers);
  return buffers;
}

RC_GTEST_PROP(IngestOrder, CuttingAndOrderingChangeNothing, ()) {
  const std::string groups_text = read_example("security-groups.json");
  RC_PRE(!groups_text.empty());
  const json groups_document = json::parse(groups_text);
  const LoadResult reference = load_inventory_from_buffers(
      {{"security-groups.json", groups_text},
       {"network-interfaces.json", read_example("network-interfaces.json")},
       {"prefix-lists.json", read_example("prefix-lists.json")},
       {"prefix-list-entries.json", read_example("prefix-list-entries.json")},
       {"vpcs.json", read_example("vpcs.json")}});
  RC_ASSERT(reference.ok());

  const LoadResult shuffled = load_inventory_from_buffers(cut_and_shuffle(groups_document));
  RC_ASSERT(shuffled.ok());
  RC_ASSERT(dump_without_positions(shuffled.inventory) ==
            dump_without_positions(reference.inventory));

  const Engine a(reference.inventory), b(shuffled.inventory);
  for (const char* text : {"tcp/443 from internet to sg-0a1b2c3d4e5f60001",
                           "tcp/22 from 10.0.0.0/16 to sg-0a1b2c3d4e5f60002",
                           "tcp/5432 from eni-0a1b2c3d4e5f60102 to eni-0a1b2c3d4e5f60104",
                           "all from eni-0a1b2c3d4e5f60104 to 0.0.0.0/0"}) {
    const FlowParseResult flow = parse_flow(text);
    RC_ASSERT(flow.flow.has_value());
    const Decision x = a.decide(*flow.flow), y = b.decide(*flow.flow);
    RC_ASSERT(x.verdict == y.verdict);
    RC_ASSERT(x.allowed == y.allowed);
    RC_ASSERT(x.denied == y.denied);
  }
}

// The example files are the property's input: make sure they were found, or the property would
// hold vacuously.
TEST(IngestOrder, ExamplesArePresent) {
  EXPECT_NE(read_example("security-groups.json").find("SecurityGroups"), std::string::npos);
}

}  // namespace
}  // namespace sgcheck
