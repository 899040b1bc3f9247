// The engine's question asked of the model (semantics/admits.h): point_allows(), which lint's SG304
// asks instead of compiling the inventory, must answer allow exactly when Engine::verdict() does,
// and side_admits() each side's verdict of Engine::decide(), on random inventories (stale and
// cross-VPC references, prefix lists, open services) and on generated ones; IdIndex must find what
// a std::map finds, for any string. Entry point: the tests.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "generators.h"
#include "semantics/admits.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {
namespace {

using namespace sgcheck::testing;

// One packet kind of each keyed and unkeyed protocol, as lint's SG304 builds them.
std::vector<Packet> packets() {
  return {{kTcp, 0, Family::ipv4},
          {kTcp, 22, Family::ipv4},
          {kTcp, 443, Family::ipv4},
          {kUdp, 53, Family::ipv4},
          {kIcmp, 8 * 256, Family::ipv4},
          {kIcmp, 3 * 256 + 4, Family::ipv4},
          {kIcmpv6, 128 * 256, Family::ipv6},
          {50, 0, Family::ipv4},
          {47, 0, Family::ipv4}};
}

// The point flow the packet stands for between two interfaces named by id.
Flow pair_flow(const Inventory& inv, std::uint32_t src, std::uint32_t dst, const Packet& p) {
  Flow flow;
  flow.service.protocol = p.protocol;
  if (p.protocol == kTcp || p.protocol == kUdp) {
    flow.service.ports = {p.key, p.key};
  } else if (p.protocol == kIcmp || p.protocol == kIcmpv6) {
    flow.service.icmp = {p.key / 256, p.key % 256};
  }
  flow.source.kind = EndpointKind::interface;
  flow.source.id = inv.interfaces[src].id;
  flow.destination.kind = EndpointKind::interface;
  flow.destination.id = inv.interfaces[dst].id;
  return flow;
}

struct Agreement {
  std::size_t pairs = 0;    // interface pairs compared
  std::size_t allowed = 0;  // (pair, packet) the engine allowed
  std::string mismatch;     // the first disagreement, empty when none
};

Verdict to_verdict(Tri t) {
  return t == Tri::allow ? Verdict::allow : t == Tri::deny ? Verdict::deny : Verdict::unknown;
}

// The interface's first private address of the family, if any.
std::optional<u128> primary(const Interface& x, Family family) {
  for (const Address& a : x.private_ips)
    if (a.family == family) return a.bits;
  return std::nullopt;
}

// Every ordered pair of interfaces, or with `max_pairs` a stride through them, for every packet.
Agreement compare_with_engine(const Inventory& inv, std::size_t max_pairs = 0) {
  const Engine engine(inv);
  const Semantics semantics(inv);
  Agreement a;
  const auto n = static_cast<std::uint32_t>(inv.interfaces.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    for (std::uint32_t j = 0; j < n; ++j) {
      if (max_pairs != 0 && (i * 7919u + j * 104729u) % (n * n / max_pairs + 1) != 0) continue;
      ++a.pairs;
      for (const Packet& p : packets()) {
        const Decision d = engine.decide(pair_flow(inv, i, j, p));
        const bool engine_allows = d.verdict == Verdict::allow;
        if (engine_allows) ++a.allowed;
        const std::string what = inv.interfaces[i].id + " -> " + inv.interfaces[j].id +
                                 " protocol " + std::to_string(p.protocol) + " key " +
                                 std::to_string(p.key);
        if (point_allows(semantics, i, j, p) != engine_allows && a.mismatch.empty()) {
          a.mismatch =
              what + (engine_allows ? ": the engine allows" : ": the engine does not allow");
        }
        const std::optional<u128> src = primary(inv.interfaces[i], p.family);
        const std::optional<u128> dst = primary(inv.interfaces[j], p.family);
        if (!src || !dst) continue;
        const Remote to_destination{*dst, static_cast<std::int32_t>(j), false};
        const Remote to_source{*src, static_cast<std::int32_t>(i), false};
        const Verdict egress =
            to_verdict(side_admits(semantics, i, Direction::egress, p, to_destination));
        const Verdict ingress =
            to_verdict(side_admits(semantics, j, Direction::ingress, p, to_source));
        if ((egress != d.egress.verdict || ingress != d.ingress.verdict) && a.mismatch.empty()) {
          a.mismatch = what + ": the sides differ from the engine's";
        }
      }
    }
  }
  return a;
}

// References in the same VPC marked with a dead peering status, or a live one in another case:
// the first can still match (RefState::marked_stale), which lint's checks count as stale (the
// reason SG304 asks the engine's question at all).
void mark_references(Inventory& inv) {
  const char* statuses[] = {"deleted", "ACTIVE", "rejected", ""};
  std::size_t k = 0;
  for (Group& g : inv.groups) {
    for (Rule& r : g.rules) {
      if (r.peer.kind == PeerKind::group && ++k % 3 == 0)
        r.peer.edit_reference().peering_status = statuses[k % 4];
    }
  }
}

// Every group also allows everything in one direction, so that the other direction's rules
// (references above all) alone decide many more pairs.
void open_direction(Inventory& inv, Direction d) {
  for (Group& g : inv.groups) {
    g.rules.push_back(cidr_rule(d, kAllProtocols, std::nullopt, std::nullopt, "0.0.0.0/0"));
    g.rules.push_back(cidr_rule(d, kAllProtocols, std::nullopt, std::nullopt, "::/0"));
  }
}

RC_GTEST_PROP(ModelPoint, AllowsExactlyWhenTheEngineDoes, ()) {
  Inventory inv = *gen_inventory(/*open_services=*/true);
  if (*rc::gen::inRange(0, 2) == 0) mark_references(inv);
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      open_direction(inv, Direction::ingress);
      break;
    case 1:
      open_direction(inv, Direction::egress);
      break;
    default:
      break;
  }
  const Agreement a = compare_with_engine(inv);
  RC_ASSERT(a.mismatch == "");
}

TEST(ModelPoint, AgreesWithTheEngineOnGeneratedInventories) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    GenOptions options = *gen_preset("S");
    options.seed = seed;
    options.groups = 40;
    options.interfaces = 120;
    const LoadResult loaded = load_inventory_from_buffers(generate_inventory(options).files);
    ASSERT_TRUE(loaded.ok());
    Inventory inv = loaded.inventory;
    const Agreement a = compare_with_engine(inv, 3000);
    EXPECT_EQ(a.mismatch, "") << "seed " << seed;
    EXPECT_GT(a.pairs, 1000u);
    EXPECT_GT(a.allowed, 0u) << "seed " << seed;  // not a comparison of denials alone
    mark_references(inv);
    EXPECT_EQ(compare_with_engine(inv, 3000).mismatch, "") << "seed " << seed;
  }
}

TEST(IdIndex, FindsWhatAMapFinds) {
  std::vector<std::string> ids = {"",
                                  "a",
                                  "sg-0123456789abcdef0",
                                  "eni-0123456789abcdef01",
                                  "AppSecurityGroupWithAVeryLongLogicalId",
                                  "aws_security_group.web",
                                  "sg-0123456789abcdef1",
                                  std::string("nul\0byte", 8)};
  for (int i = 0; i < 5000; ++i) ids.push_back("sg-" + std::to_string(i * 7919));
  for (int i = 0; i < 100; ++i) ids.push_back(std::string(static_cast<std::size_t>(i), 'x'));
  IdIndex index;
  std::map<std::string, std::uint32_t> expected;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    bool inserted = false;
    const auto value = static_cast<std::uint32_t>(i);
    const std::uint32_t got = index.insert(ids[i], value, inserted);
    const auto [it, fresh] = expected.emplace(ids[i], value);
    EXPECT_EQ(inserted, fresh) << ids[i];
    EXPECT_EQ(got, it->second) << ids[i];  // the first value of an id stays
  }
  EXPECT_EQ(index.size(), expected.size());
  for (const auto& [id, value] : expected) EXPECT_EQ(index.find(id), value) << id;
  for (const std::string missing : {"sg-1", "sg-0123456789abcdef", "y", "xx\0"}) {
    if (!expected.count(missing)) {
      EXPECT_EQ(index.find(missing), IdIndex::kAbsent) << missing;
    }
  }
  EXPECT_EQ(IdIndex().find("sg-0"), IdIndex::kAbsent);
}

}  // namespace
}  // namespace sgcheck::detail
