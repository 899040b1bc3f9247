// Shared helpers of the built-in hygiene (SG2xx) and graph (SG3xx) checks: where a finding points,
// the canonical text of a rule (messages and fingerprints), and the one classification of group
// references (usable, undefined target, across VPCs without peering, stale) that SG202, SG205,
// SG301, SG302 and SG304 all read, so that one problem is reported once.
// Entry points: finding_location(), rule_text(), fingerprint(), ReferenceIndex::classify().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "engine/compiled.h"
#include "lint/check.h"

namespace sgcheck::detail {

// The rule's peer entry, else the rule object, else the group (product.md §4: most precise place).
inline Location finding_location(const Inventory& inv, const Group& group, const Rule& rule) {
  if (rule.location.line != 0) return inv.location(rule.location);
  if (rule.rule_location.line != 0) return inv.location(rule.rule_location);
  return inv.location(group.location);
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The peer as AWS stores it: the canonical CIDR, or the pl-/sg- id.
inline std::string peer_text(const Peer& peer) {
  if (peer.kind == PeerKind::cidr4 || peer.kind == PeerKind::cidr6) {
    return peer.id.empty() ? to_string(peer.cidr) : peer.id;
  }
  return peer.id;
}

// rule_text() appended to `out`: a check naming many rules reuses one buffer.
inline void append_rule_text(std::string& out, const Rule& rule) {
  out += service_notation(rule);
  out += rule.direction == Direction::ingress ? " from " : " to ";
  const Peer& peer = rule.peer;
  if ((peer.kind == PeerKind::cidr4 || peer.kind == PeerKind::cidr6) && peer.id.empty()) {
    out += to_string(peer.cidr);
  } else {
    out += peer.id;  // peer_text(), without its copy
  }
}

// "tcp/22 from 10.0.0.0/8", "all to sg-0bb": canonical, without names or positions.
inline std::string rule_text(const Rule& rule) {
  std::string out;
  out.reserve(48);  // most rules' text: one allocation instead of one per part
  append_rule_text(out, rule);
  return out;
}

// "ingress tcp/22 from 10.0.0.0/8 (sgs.json:14:9)": a rule named in another finding's message.
inline std::string rule_with_place(const Inventory& inv, const Group& group, const Rule& rule) {
  return rule_text(rule) + " (" + finding_location(inv, group, rule).to_string() + ")";
}

// FNV-1a, 64 bits: stable across platforms and releases, which std::hash is not. Fed in parts:
// hashing "a" then "b" is hashing "ab".
class Fnv1a {
 public:
  void add(std::string_view text) {
    for (const char c : text) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// 16 lower-case hex digits, as "%016llx" prints them.
inline std::string hex16(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 15];
  return out;
}

// Stable across reformatting and reordering: the check, the subject (group or interface) and the
// canonical rule text, hashed (FNV-1a, 64 bits) to 16 hex digits.
// The text may come in parts, hashed as if joined: no key string is built.
inline std::string fingerprint(std::string_view id, std::string_view subject,
                               std::initializer_list<std::string_view> text) {
  Fnv1a hash;
  for (const std::string_view part : {id, subject}) {
    hash.add(part);
    hash.add("\x1f");  // a separator no text contains
  }
  for (const std::string_view part : text) hash.add(part);
  hash.add("\x1f");
  return hex16(hash.value());
}
inline std::string fingerprint(std::string_view id, std::string_view subject,
                               std::string_view text) {
  return fingerprint(id, subject, {text});
}

// The witness of a rule: its first packet (lowest port, the ICMP type/code as written) and peer.
inline Witness rule_witness(const Rule& rule) {
  Witness w;
  w.protocol = protocol_name(rule.protocol);
  w.direction = rule.direction;
  w.peer = peer_text(rule.peer);
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (ports && (rule.protocol == kTcp || rule.protocol == kUdp)) w.port = ports->first;
  if (ports && (rule.protocol == kIcmp || rule.protocol == kIcmpv6)) {
    w.type = ports->first;
    w.code = ports->second;
  }
  return w;
}

// A finding about one rule of a group, with location, group, rule id and fingerprint filled;
// `text` is rule_text(rule), when the caller has it already.
inline Finding rule_finding(const Inventory& inv, std::string_view id, std::string message,
                            const Group& group, const Rule& rule, std::string_view text) {
  Finding f = make_finding(id, std::move(message), finding_location(inv, group, rule));
  f.group = group.id;
  f.rule = rule.id;
  f.fingerprint = fingerprint(id, group.id, {direction_name(rule.direction), " ", text});
  return f;
}

inline Finding rule_finding(const Inventory& inv, std::string_view id, std::string message,
                            const Group& group, const Rule& rule) {
  return rule_finding(inv, id, std::move(message), group, rule, rule_text(rule));
}

// How a group reference stands, decided once for every check that reads references.
enum class RefState : std::uint8_t {
  usable,     // the target may match (defined, or not defined but not shown to be gone)
  undefined,  // usable as far as VPCs go, but the inventory does not define the target (SG301)
  unpeered,   // crosses VPCs with no active peering in the inventory or on the reference (SG302)
  stale,      // the data shows the link is gone: peering deleted/rejected/expired/failed, or the
              // describe output marks the pair as pointing at a deleted group (SG205)
};

class ReferenceIndex {
 public:
  explicit ReferenceIndex(const Inventory& inv)
      : groups_(inv.groups.data()),
        prefix_lists_(inv.prefix_lists.data()),
        ids_(index_by_id(inv.groups)),
        prefix_list_ids_(index_by_id(inv.prefix_lists)),
        group_vpc_(number_vpcs(inv, vpcs_)) {
    for (const Peering& p : inv.peerings) {
      if (p.requester_vpc.empty() || p.accepter_vpc.empty()) continue;
      Link& link = links_[key(p.requester_vpc, p.accepter_vpc)];
      if (is_active(p.status)) link.active = true;
      if (is_dead(p.status)) link.dead = true;
    }
    // AWS describe output names the owner (UserId) on every live pair and drops it when the
    // target was deleted; the mark means something only when the input carries UserIds at all.
    for (const Group& g : inv.groups) {
      if (g.origin != GroupOrigin::aws_api) continue;
      for (const Rule& r : g.rules) {
        if (r.peer.kind == PeerKind::group && !r.peer.user_id().empty()) pairs_have_owner_ = true;
      }
    }
  }

  // The group of that id, or nullptr: hashed, as every reference of the inventory asks.
  const Group* find_group(std::string_view id) const {
    const std::uint32_t index = ids_.find(id);
    return index == IdIndex::kAbsent ? nullptr : groups_ + index;
  }
  // Inventory::find_prefix_list(), hashed: every prefix-list peer asks.
  const PrefixList* find_prefix_list(std::string_view id) const {
    const std::uint32_t index = prefix_list_ids_.find(id);
    return index == IdIndex::kAbsent ? nullptr : prefix_lists_ + index;
  }

  // `owner` is one of the inventory's groups. The VPCs are compared as numbers: the target
  // group's vpc_id string (a cache miss per reference) is read only when they differ.
  RefState classify(const Group& owner, const Rule& rule) const {
    const Group* target = find_group(rule.peer.id);
    const std::uint32_t own = group_vpc_[static_cast<std::size_t>(&owner - groups_)];
    const std::uint32_t other = target != nullptr
                                    ? group_vpc_[static_cast<std::size_t>(target - groups_)]
                                    : vpc_number(rule.peer.vpc_id());
    const std::string_view status = rule.peer.peering_status();
    if (own != kNoVpc && other != kNoVpc && own != other) {
      const std::string_view target_vpc = target != nullptr ? std::string_view(target->vpc_id)
                                                            : std::string_view(rule.peer.vpc_id());
      auto it = links_.find(key(owner.vpc_id, target_vpc));
      const bool active = (it != links_.end() && it->second.active) || is_active(status);
      if (!active) {
        const bool dead = (it != links_.end() && it->second.dead) || is_dead(status);
        return dead ? RefState::stale : RefState::unpeered;
      }
    } else if (is_dead(status)) {
      return RefState::stale;
    }
    if (target != nullptr) return RefState::usable;
    if (pairs_have_owner_ && owner.origin == GroupOrigin::aws_api && rule.peer.user_id().empty()) {
      return RefState::stale;
    }
    return RefState::undefined;
  }

  // The two VPCs may reference each other's groups (same VPC, unknown, or an active peering).
  static bool is_active(std::string_view status) { return lower_is(status, "active"); }
  static bool is_dead(std::string_view status) {
    return lower_is(status, "deleted") || lower_is(status, "deleting") ||
           lower_is(status, "rejected") || lower_is(status, "expired") ||
           lower_is(status, "failed");
  }
  // ascii_lower(text) == lower, without the copy: every group reference asks.
  static bool lower_is(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
    return true;
  }

 private:
  struct Link {
    bool active = false;
    bool dead = false;
  };
  static constexpr std::uint32_t kNoVpc = IdIndex::kAbsent;         // an empty VPC id
  static constexpr std::uint32_t kOtherVpc = IdIndex::kAbsent - 1;  // a VPC no group is in
  std::uint32_t vpc_number(std::string_view vpc) const {
    if (vpc.empty()) return kNoVpc;
    const std::uint32_t n = vpcs_.find(vpc);
    return n == IdIndex::kAbsent ? kOtherVpc : n;
  }
  // Views into the inventory's strings, which outlive the index.
  static std::pair<std::string_view, std::string_view> key(std::string_view a, std::string_view b) {
    return a < b ? std::pair{a, b} : std::pair{b, a};
  }

  const Group* groups_;                   // the inventory's
  const PrefixList* prefix_lists_;        // the inventory's
  IdIndex ids_;                           // group id → index into groups_: one slot read, no node
  IdIndex prefix_list_ids_;               // prefix-list id → index into prefix_lists_
  IdIndex vpcs_;                          // the groups' VPC ids → numbers
  std::vector<std::uint32_t> group_vpc_;  // [group]: its VPC's number, or kNoVpc
  std::map<std::pair<std::string_view, std::string_view>, Link> links_;
  bool pairs_have_owner_ = false;
};

}  // namespace sgcheck::detail
