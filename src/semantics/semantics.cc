// Building the semantics of an inventory (semantics.h) and classifying its group references: the
// id indexes, the VPC numbers, the peerings per pair of VPCs, and RefState from the VPCs, the
// peerings, the reference's own peering status and the target's presence.
// Entry points: Semantics::Semantics(), Semantics::classify(), Semantics::can_match().
#include "semantics/semantics.h"

#include <algorithm>
#include <mutex>

#include "atoms/text.h"

namespace sgcheck::detail {
namespace {

std::uint64_t link_key(std::uint32_t a, std::uint32_t b) {
  if (a > b) std::swap(a, b);
  return (std::uint64_t{a} << 32) | b;
}

}  // namespace

bool peering_active(std::string_view status) {
  return ascii_lower_equals(status, "active");
}

bool peering_dead(std::string_view status) {
  return ascii_lower_equals(status, "deleted") || ascii_lower_equals(status, "deleting") ||
         ascii_lower_equals(status, "rejected") || ascii_lower_equals(status, "expired") || ascii_lower_equals(status, "failed");
}

struct Semantics::OwnerMarks {
  std::once_flag once;
  bool present = false;
};

Semantics::Semantics(const Inventory& inventory)
    : inventory_(&inventory),
      group_ids_(index_by_id(inventory.groups)),
      prefix_list_ids_(index_by_id(inventory.prefix_lists)),
      owner_marks_(std::make_unique<OwnerMarks>()) {
  const auto number = [this](std::string_view vpc) {
    return vpc_ids_.insert(vpc, static_cast<std::uint32_t>(vpc_ids_.size()));
  };
  group_vpc_.reserve(inventory.groups.size());
  for (const Group& g : inventory.groups)
    group_vpc_.push_back(g.vpc_id.empty() ? kNoVpc : number(g.vpc_id));
  for (const Peering& p : inventory.peerings) {
    if (p.requester_vpc.empty() || p.accepter_vpc.empty()) continue;
    links_.push_back({link_key(number(p.requester_vpc), number(p.accepter_vpc)),
                      peering_active(p.status), peering_dead(p.status)});
  }
  // One Link per pair, its flags those of any of the pair's peerings.
  std::sort(links_.begin(), links_.end(),
            [](const Link& a, const Link& b) { return a.key < b.key; });
  std::size_t kept = 0;
  for (const Link& link : links_) {
    if (kept > 0 && links_[kept - 1].key == link.key) {
      links_[kept - 1].active = links_[kept - 1].active || link.active;
      links_[kept - 1].dead = links_[kept - 1].dead || link.dead;
    } else {
      links_[kept++] = link;
    }
  }
  links_.resize(kept);
}

Semantics::Semantics(Semantics&&) noexcept = default;
Semantics& Semantics::operator=(Semantics&&) noexcept = default;
Semantics::~Semantics() = default;

const Group* Semantics::find_group(std::string_view id) const {
  const std::uint32_t index = group_ids_.find(id);
  return index == kAbsent ? nullptr : &inventory_->groups[index];
}

const PrefixList* Semantics::find_prefix_list(std::string_view id) const {
  const std::uint32_t index = prefix_list_ids_.find(id);
  return index == kAbsent ? nullptr : &inventory_->prefix_lists[index];
}

std::uint32_t Semantics::vpc_number(std::string_view vpc) const {
  if (vpc.empty()) return kNoVpc;
  const std::uint32_t n = vpc_ids_.find(vpc);
  return n == IdIndex::kAbsent ? kOtherVpc : n;
}

// The VPCs are compared as numbers: the target group's vpc_id string (a cache miss per reference)
// is never read.
bool Semantics::crosses(std::uint32_t owner, const Rule& rule, std::uint32_t target,
                        Link& link) const {
  const std::uint32_t own = group_vpc_[owner];
  const std::uint32_t other = target != kAbsent ? group_vpc_[target] : vpc_number(rule.peer.vpc_id());
  if (own == kNoVpc || other == kNoVpc || own == other) return false;
  if (other != kOtherVpc) {
    const std::uint64_t key = link_key(own, other);
    const auto it = std::lower_bound(links_.begin(), links_.end(), key,
                                     [](const Link& l, std::uint64_t k) { return l.key < k; });
    if (it != links_.end() && it->key == key) link = *it;
  }
  return true;
}

RefState Semantics::classify(std::uint32_t owner, const Rule& rule, std::uint32_t target) const {
  const std::string_view status = rule.peer.peering_status();
  Link link;
  if (crosses(owner, rule, target, link)) {
    if (!link.active && !peering_active(status)) {
      return link.dead || peering_dead(status) ? RefState::stale : RefState::unpeered;
    }
  } else if (peering_dead(status)) {
    return RefState::marked_stale;
  }
  if (target != kAbsent) return RefState::usable;
  const Group& g = inventory_->groups[owner];
  if (g.origin == GroupOrigin::aws_api && rule.peer.user_id().empty() && pairs_have_owner()) {
    return RefState::marked_stale;
  }
  return RefState::undefined;
}

bool Semantics::can_match(std::uint32_t owner, const Rule& rule, std::uint32_t target) const {
  Link link;
  return !crosses(owner, rule, target, link) || link.active ||
         peering_active(rule.peer.peering_status());
}

// AWS describe output names the owner (UserId) on every live pair and drops it when the target
// was deleted; the mark means something only when the input carries UserIds at all.
bool Semantics::pairs_have_owner() const {
  std::call_once(owner_marks_->once, [this] {
    for (const Group& g : inventory_->groups) {
      if (g.origin != GroupOrigin::aws_api) continue;
      for (const Rule& r : g.rules) {
        if (r.peer.kind == PeerKind::group && !r.peer.user_id().empty()) {
          owner_marks_->present = true;
          return;
        }
      }
    }
  });
  return owner_marks_->present;
}

}  // namespace sgcheck::detail
