// White-box checks of what the compiled inventory precomputes for the explanations (compiled.h):
// the per-rule RuleInfo (service, reference usability and target token), the per-interface group
// indexes, the address hash index and the interface id table must agree with the definitions they
// replace (rule_service(), Semantics::can_match(), Inventory::find_group()), on generated
// inventories with peerings, stale references and prefix lists. A white-box test of the engine's
// private tables: its target defines SGCHECK_ENGINE_INTERNAL. Entry point: the tests below.
#include <gtest/gtest.h>

#include "engine/compiled.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {
namespace {

LoadResult generated(std::uint64_t seed) {
  GenOptions options = *gen_preset("S");
  options.seed = seed;
  options.groups = 60;
  options.interfaces = 200;
  const GenResult gen = generate_inventory(options);
  return load_inventory_from_buffers(gen.files);
}

TEST(Compiled, RuleInfoAgreesWithTheRuleDefinitions) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const LoadResult loaded = generated(seed);
    const Inventory& inv = loaded.inventory;
    const CompiledInventory c = compile_inventory(inv);
    const Semantics semantics(inv);
    std::size_t references = 0;
    for (std::uint32_t gi = 0; gi < inv.groups.size(); ++gi) {
      const Group& g = inv.groups[gi];
      for (std::uint32_t ri = 0; ri < g.rules.size(); ++ri) {
        const Rule& r = g.rules[ri];
        const RuleInfo& info = c.rule_info(RuleRef{gi, ri});
        EXPECT_EQ(&info, &c.rule_info(g, r));
        ServiceMatch s;
        const bool has_service = r.valid && rule_service(r, s);
        ASSERT_EQ(info.has_service, has_service) << g.id << " rule " << ri;
        if (!has_service) continue;
        EXPECT_EQ(info.service.protocol, s.protocol);
        EXPECT_EQ(info.service.lo, s.lo);
        EXPECT_EQ(info.service.hi, s.hi);
        EXPECT_EQ(info.service.families, s.families);
        if (r.peer.kind != PeerKind::group) {
          EXPECT_EQ(info.reference, kNotReference);
          continue;
        }
        ++references;
        if (semantics.can_match(g, r)) {
          EXPECT_EQ(info.reference, c.find_token(r.peer.id));
        } else {
          EXPECT_EQ(info.reference, kUnusableReference);
        }
      }
    }
    EXPECT_GT(references, 0u);
  }
}

TEST(Compiled, InterfaceGroupIndexesFollowTheInterfaceOrder) {
  const LoadResult loaded = generated(4);
  const Inventory& inv = loaded.inventory;
  const CompiledInventory c = compile_inventory(inv);
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    ASSERT_EQ(c.interfaces[i].group_indices.size(), x.groups.size());
    for (std::size_t k = 0; k < x.groups.size(); ++k) {
      const Group* g = inv.find_group(x.groups[k]);
      EXPECT_EQ(c.interfaces[i].group_indices[k],
                g == nullptr ? -1 : static_cast<std::int32_t>(g - inv.groups.data()));
    }
  }
}

TEST(Compiled, AddressIndexFindsTheFirstEntryOfEachAddress) {
  const LoadResult loaded = generated(5);
  const CompiledInventory c = compile_inventory(loaded.inventory);
  ASSERT_FALSE(c.addresses.empty());
  for (std::size_t i = 0; i < c.addresses.size(); ++i) {
    const AddressEntry& e = c.addresses[i];
    const AddressEntry* hit = c.find_address(e.family, e.bits);
    ASSERT_NE(hit, nullptr);
    // The sorted order puts private before public and the lowest interface first.
    EXPECT_TRUE(hit == &e || (i > 0 && hit < &e && hit->bits == e.bits && hit->family == e.family));
    if (i == 0 || c.addresses[i - 1].bits != e.bits || c.addresses[i - 1].family != e.family) {
      EXPECT_EQ(hit, &e);
    }
  }
  EXPECT_EQ(c.find_address(Family::ipv4, 0xcb007109u), nullptr);  // 203.0.113.9: outside
}

TEST(Compiled, InterfaceIdTableFindsEveryInterface) {
  const LoadResult loaded = generated(6);
  const Inventory& inv = loaded.inventory;
  const CompiledInventory c = compile_inventory(inv);
  ASSERT_FALSE(inv.interfaces.empty());
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    EXPECT_EQ(c.find_interface(inv.interfaces[i].id), static_cast<std::int32_t>(i));
  }
  EXPECT_EQ(c.find_interface("eni-0000000000000000f"), -1);
  EXPECT_EQ(c.find_interface(""), -1);
  // Ids longer than a slot holds are compared in the model.
  Inventory odd;
  odd.interfaces.push_back(Interface{});
  odd.interfaces.back().id = "eni-0123456789abcdef0123456789";
  const CompiledInventory d = compile_inventory(odd);
  EXPECT_EQ(d.find_interface("eni-0123456789abcdef0123456789"), 0);
  EXPECT_EQ(d.find_interface("eni-0123456789abcdef0123456788"), -1);
}

}  // namespace
}  // namespace sgcheck::detail
