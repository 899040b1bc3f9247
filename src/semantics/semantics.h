// The AWS semantics of one inventory, built once from it and asked by the engine's compile, lint's
// checks and the policy evaluator: ids to indexes, each group's VPC as a number, the VPC peerings,
// and how each group reference stands (RefState), the one classification from which every consumer
// reads what it needs (SG202, SG205, SG301, SG302, SG304; the engine's and the policies' "can it
// match"). Entry points: Semantics, Semantics::classify(), Semantics::can_match().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "semantics/ids.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// How a group reference stands.
enum class RefState : std::uint8_t {
  usable,     // the target is defined and the two VPCs may reference each other's groups
  undefined,  // as usable, but the inventory does not define the target (SG301)
  unpeered,   // crosses VPCs with no active peering in the inventory or on the reference (SG302)
  stale,      // crosses VPCs whose peering the data shows gone: deleted, rejected, expired, failed
  // The VPCs are linked, but the data marks the reference gone: its own peering status is dead, or
  // the describe output gives no owner for an undefined target, as AWS does for a deleted group.
  marked_stale,
};

// The data shows the reference gone (SG205): it never matches.
inline bool is_stale(RefState state) {
  return state == RefState::stale || state == RefState::marked_stale;
}
// The reference can match at all (what the engine and the policies compile): its VPCs are the
// same, unknown, or linked by an active peering. A marked_stale reference can: nothing in the
// inventory takes its target's members away.
inline bool reference_can_match(RefState state) {
  return state != RefState::unpeered && state != RefState::stale;
}

// A peering status that links two VPCs: "active", in any case.
bool peering_active(std::string_view status);
// A peering status that shows the link gone: deleted, deleting, rejected, expired or failed, in any
// case.
bool peering_dead(std::string_view status);

class Semantics {
 public:
  static constexpr std::uint32_t kAbsent = IdIndex::kAbsent;
  static constexpr std::uint32_t kNoVpc = IdIndex::kAbsent;         // an empty VPC id
  static constexpr std::uint32_t kOtherVpc = IdIndex::kAbsent - 1;  // named by no group or peering

  // The inventory must outlive the semantics (ids are viewed, not copied).
  explicit Semantics(const Inventory& inventory);
  Semantics(Semantics&&) noexcept;
  Semantics& operator=(Semantics&&) noexcept;
  ~Semantics();

  const Inventory& inventory() const { return *inventory_; }

  // ---- Ids
  // The index in Inventory::groups of the first group with the id (Inventory::find_group()'s
  // answer on the groups load_inventory() sorts by id), or kAbsent: one hashed slot.
  std::uint32_t group_index(std::string_view id) const { return group_ids_.find(id); }
  const Group* find_group(std::string_view id) const;
  // The index of one of the inventory's groups.
  std::uint32_t index_of(const Group& group) const {
    return static_cast<std::uint32_t>(&group - inventory_->groups.data());
  }
  // Inventory::find_prefix_list(), hashed.
  const PrefixList* find_prefix_list(std::string_view id) const;

  // ---- VPCs: numbered so that "the same VPC" is an integer compare. The groups' VPCs come first,
  // in the order of the groups, then the other VPCs of the peerings.
  std::uint32_t group_vpc(std::size_t group) const { return group_vpc_[group]; }
  // The number of a VPC id: kNoVpc when empty, kOtherVpc when no group or peering names it.
  std::uint32_t vpc_number(std::string_view vpc) const;
  std::size_t vpc_count() const { return vpc_ids_.size(); }

  // ---- References. `owner` is one of the inventory's groups and `rule` a group reference of it;
  // `target` is group_index(rule.peer.id), for callers that looked it up already.
  RefState classify(const Group& owner, const Rule& rule) const {
    return classify(index_of(owner), rule, group_index(rule.peer.id));
  }
  RefState classify(std::uint32_t owner, const Rule& rule, std::uint32_t target) const;
  // reference_can_match(classify()), from the VPCs and peerings alone (the first step of
  // classify()): the engine and the policies ask it of every reference.
  bool can_match(const Group& owner, const Rule& rule) const {
    return can_match(index_of(owner), rule, group_index(rule.peer.id));
  }
  bool can_match(std::uint32_t owner, const Rule& rule, std::uint32_t target) const;

 private:
  // The peerings of one pair of VPCs (numbers, the smaller first in `key`).
  struct Link {
    std::uint64_t key = 0;
    bool active = false;  // some peering of the pair is active
    bool dead = false;    // some peering of the pair is gone
  };
  // Whether the reference crosses VPCs (both known, different); `link` is then their peerings'
  // (none: both flags false).
  bool crosses(std::uint32_t owner, const Rule& rule, std::uint32_t target, Link& link) const;
  // Whether the describe output of the inventory gives owners (UserId) on group pairs at all, so
  // that one without means a deleted target: computed on first need.
  bool pairs_have_owner() const;

  const Inventory* inventory_;
  IdIndex group_ids_;                     // group id → its first index
  IdIndex prefix_list_ids_;               // prefix-list id → its first index
  IdIndex vpc_ids_;                       // VPC id → number
  std::vector<std::uint32_t> group_vpc_;  // by group: its VPC's number, or kNoVpc
  std::vector<Link> links_;               // sorted by key
  struct OwnerMarks;
  std::unique_ptr<OwnerMarks> owner_marks_;
};

}  // namespace sgcheck::detail
