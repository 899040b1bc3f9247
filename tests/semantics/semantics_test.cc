// The semantics layer on inventories built in code and generated ones: how group references stand
// (RefState) across VPCs, peerings, peering statuses and describe output without owners; that
// can_match() is reference_can_match() of classify() on every reference; and the VPC numbers.
// Entry point: the tests below.
#include <gtest/gtest.h>

#include "../engine/builders.h"
#include "semantics/semantics.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {
namespace {

using sgcheck::testing::group;
using sgcheck::testing::ref_rule;

Peering peering(const std::string& a, const std::string& b, const std::string& status) {
  Peering p;
  p.requester_vpc = a;
  p.accepter_vpc = b;
  p.status = status;
  return p;
}

// sg-a in vpc-a referencing each target of `targets`; sg-b, sg-c, sg-d in vpc-b, vpc-c, vpc-d;
// vpc-a peered with vpc-b (active), vpc-c (pending) and vpc-d (deleted).
Inventory references_to(const std::vector<Rule>& rules) {
  Inventory inv;
  inv.groups.push_back(group("sg-a", "vpc-a", rules));
  inv.groups.push_back(group("sg-b", "vpc-b", {}));
  inv.groups.push_back(group("sg-c", "vpc-c", {}));
  inv.groups.push_back(group("sg-d", "vpc-d", {}));
  inv.peerings.push_back(peering("vpc-b", "vpc-a", "Active"));
  inv.peerings.push_back(peering("vpc-a", "vpc-c", "pending-acceptance"));
  inv.peerings.push_back(peering("vpc-a", "vpc-d", "deleted"));
  return inv;
}

Rule to(const std::string& target, const std::string& status = "", const std::string& vpc = "") {
  Rule r = ref_rule(Direction::ingress, kTcp, 22, 22, target);
  r.peer.edit_reference().peering_status = status;
  r.peer.edit_reference().vpc_id = vpc;
  return r;
}

TEST(Semantics, ClassifiesReferencesByVpcsAndPeerings) {
  const Inventory inv = references_to({
      to("sg-a"),               // its own VPC
      to("sg-b"),               // an active peering, either way round
      to("sg-c"),               // a pending one
      to("sg-d"),               // a deleted one
      to("sg-c", "active"),     // the reference's own status links them
      to("sg-x"),               // undefined, VPC unknown
      to("sg-x", "", "vpc-b"),  // undefined, in a peered VPC
      to("sg-x", "", "vpc-z"),  // undefined, in a VPC nothing names
      to("sg-a", "Deleted"),    // its own VPC, marked gone
  });
  const Semantics s(inv);
  const Group& owner = inv.groups[0];
  const std::vector<RefState> expected = {
      RefState::usable,    RefState::usable,   RefState::unpeered,
      RefState::stale,     RefState::usable,   RefState::undefined,
      RefState::undefined, RefState::unpeered, RefState::marked_stale};
  ASSERT_EQ(owner.rules.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Rule& r = owner.rules[i];
    EXPECT_EQ(s.classify(owner, r), expected[i]) << "rule " << i;
    EXPECT_EQ(s.can_match(owner, r), reference_can_match(expected[i])) << "rule " << i;
  }
}

TEST(Semantics, AReferenceWithoutItsOwnerIsStaleOnlyWhereOwnersAreGiven) {
  Rule missing = to("sg-gone");
  Rule named = to("sg-b");
  named.peer.edit_reference().user_id = "123456789012";
  Inventory inv = references_to({missing, named});
  EXPECT_EQ(Semantics(inv).classify(inv.groups[0], inv.groups[0].rules[0]), RefState::marked_stale);
  // Without any UserId in the input, a missing one means nothing.
  inv.groups[0].rules.pop_back();
  EXPECT_EQ(Semantics(inv).classify(inv.groups[0], inv.groups[0].rules[0]), RefState::undefined);
  // Nor in a template's groups.
  inv.groups[0].rules.push_back(named);
  inv.groups[0].origin = GroupOrigin::cloudformation;
  EXPECT_EQ(Semantics(inv).classify(inv.groups[0], inv.groups[0].rules[0]), RefState::undefined);
}

TEST(Semantics, NumbersGroupVpcsFirstThenPeeringVpcs) {
  Inventory inv = references_to({});
  inv.groups.push_back(group("sg-e", "", {}));
  inv.peerings.push_back(peering("vpc-a", "vpc-p", "active"));
  const Semantics s(inv);
  EXPECT_EQ(s.group_vpc(0), 0u);
  EXPECT_EQ(s.group_vpc(3), 3u);
  EXPECT_EQ(s.group_vpc(4), Semantics::kNoVpc);
  EXPECT_EQ(s.vpc_number("vpc-p"), 4u);
  EXPECT_EQ(s.vpc_number("vpc-z"), Semantics::kOtherVpc);
  EXPECT_EQ(s.vpc_number(""), Semantics::kNoVpc);
  EXPECT_EQ(s.vpc_count(), 5u);
  EXPECT_EQ(s.group_index("sg-c"), 2u);
  EXPECT_EQ(s.find_group("sg-x"), nullptr);
}

// Every reference of generated inventories (peerings, cross-VPC and stale references), with some
// peering statuses rewritten: can_match() is the classification's answer.
TEST(Semantics, CanMatchIsTheClassificationsAnswer) {
  const char* statuses[] = {"deleted", "ACTIVE", "rejected", "", "failed"};
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    GenOptions options = *gen_preset("S");
    options.seed = seed;
    LoadResult loaded = load_inventory_from_buffers(generate_inventory(options).files);
    ASSERT_TRUE(loaded.ok());
    Inventory& inv = loaded.inventory;
    std::size_t k = 0;
    for (Group& g : inv.groups) {
      for (Rule& r : g.rules) {
        if (r.peer.kind == PeerKind::group && ++k % 3 == 0)
          r.peer.edit_reference().peering_status = statuses[k % 5];
      }
    }
    const Semantics s(inv);
    std::size_t states[5] = {};
    for (const Group& g : inv.groups) {
      for (const Rule& r : g.rules) {
        if (r.peer.kind != PeerKind::group) continue;
        const RefState state = s.classify(g, r);
        ++states[static_cast<int>(state)];
        ASSERT_EQ(s.can_match(g, r), reference_can_match(state)) << g.id << " " << r.peer.id;
      }
    }
    EXPECT_GT(states[static_cast<int>(RefState::usable)], 0u) << "seed " << seed;
    EXPECT_GT(states[static_cast<int>(RefState::marked_stale)], 0u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace sgcheck::detail
