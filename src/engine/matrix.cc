// The reachability matrix of one service: interfaces grouped into classes with the same VPC and
// groups; for each ordered pair of classes, the verdicts of their member pairs (allow, deny,
// unknown, or partial when members differ, e.g. through CIDR rules). Entry point: compute_matrix().
//
// For a point service the cells are computed per class, not per pair of interfaces: the members of
// a class share one rule profile per direction (the union of their groups' CIDR sets, reference
// targets and unknowns for the packet), so a source's egress verdict depends only on its class's
// profile and the destination, and a destination's ingress verdict only on its class's profile and
// the source. Each distinct profile's allowed interfaces are computed once as a bitset (CIDR ranges
// over the interfaces sorted by address, reference targets through their members), and a cell is
// then a few bit tests per member of the two classes. Same answers as engine.verdict() on every
// pair (tests/engine/matrix_test.cc checks it); other services fall back to the pairwise path.
#include <algorithm>
#include <map>
#include <tuple>

#include "engine/compiled.h"

namespace sgcheck {
namespace {

using detail::CompiledInventory;
using detail::GroupToken;
using detail::Packet;

using ClassKey = std::pair<std::string, std::vector<std::string>>;  // VPC, sorted groups

Flow pair_flow(const Service& service, const std::string& from, const std::string& to) {
  Flow f;
  f.service = service;
  f.source.kind = EndpointKind::interface;
  f.source.id = from;
  f.destination.kind = EndpointKind::interface;
  f.destination.id = to;
  return f;
}

Verdict merge(std::optional<Verdict> seen, Verdict v) {
  if (!seen || *seen == v) return v;
  if (*seen == Verdict::allow || v == Verdict::allow || *seen == Verdict::partial ||
      v == Verdict::partial) {
    return Verdict::partial;
  }
  return Verdict::unknown;  // deny and unknown members: unknown
}

// Classes in the order of their first member (interfaces are sorted by id); class_of[i] is the
// class of interface i.
void build_classes(const Inventory& inv, Matrix& m, std::vector<std::uint32_t>& class_of) {
  std::map<ClassKey, std::uint32_t> index;
  class_of.resize(inv.interfaces.size());
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    std::vector<std::string> groups = x.groups;
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    auto [it, inserted] =
        index.try_emplace(ClassKey{x.vpc_id, groups}, static_cast<std::uint32_t>(m.classes.size()));
    if (inserted) m.classes.push_back(MatrixClass{x.vpc_id, groups, {}});
    m.classes[it->second].interfaces.push_back(x.id);
    class_of[i] = it->second;
  }
}

// The old way, one engine.verdict() per pair: for services that are not one packet kind.
void pairwise_cells(const Engine& engine, const Service& service, bool want_pairs, Matrix& m) {
  for (std::uint32_t a = 0; a < m.classes.size(); ++a) {
    for (std::uint32_t b = 0; b < m.classes.size(); ++b) {
      std::optional<Verdict> cell;
      for (const std::string& from : m.classes[a].interfaces) {
        for (const std::string& to : m.classes[b].interfaces) {
          if (from == to) continue;
          const Verdict v = engine.verdict(pair_flow(service, from, to));
          cell = merge(cell, v);
          if (want_pairs) m.pairs.push_back(MatrixPair{from, to, v});
          if (!want_pairs && *cell == Verdict::partial) break;
        }
        if (!want_pairs && cell && *cell == Verdict::partial) break;
      }
      if (cell) m.cells.push_back(MatrixCell{a, b, *cell});
    }
  }
}

// One direction's rules of a class for the packet: what evaluate_side() reads, pooled.
struct Profile {
  std::vector<std::pair<u128, u128>> cidrs;  // the union of the matching CIDR entries
  std::vector<GroupToken> refs;              // targets of the matching references, sorted
  bool unknown = false;                      // an undefined group or an unresolved prefix list
  auto operator<=>(const Profile&) const = default;
};

Profile class_profile(const CompiledInventory& c, const detail::InterfaceInfo& info,
                      Direction direction, const Packet& packet) {
  Profile p;
  p.unknown = info.undefined_group;
  std::vector<Ipv6Set::Interval> parts;
  const int f = detail::family_index(packet.family);
  for (const GroupToken t : info.groups) {
    const detail::GroupInfo& g = c.groups[t];
    if (g.index < 0) continue;
    const detail::SideTable& table = g.tables[static_cast<int>(direction)];
    for (const detail::CidrEntry& e : table.cidr[f]) {
      if (!e.service.matches(packet)) continue;
      parts.insert(parts.end(), e.addresses.intervals().begin(), e.addresses.intervals().end());
    }
    for (const detail::RefEntry& e : table.refs) {
      if (e.service.matches(packet)) p.refs.push_back(e.target);
    }
    for (const detail::UnknownEntry& e : table.unknowns) {
      if (e.service.matches(packet)) p.unknown = true;
    }
  }
  const Ipv6Set pooled = Ipv6Set::from_unsorted(std::move(parts));
  for (const auto& iv : pooled.intervals()) p.cidrs.emplace_back(iv.lo, iv.hi);
  std::sort(p.refs.begin(), p.refs.end());
  p.refs.erase(std::unique(p.refs.begin(), p.refs.end()), p.refs.end());
  return p;
}

class Bits {
 public:
  explicit Bits(std::size_t n = 0) : words_((n + 63) / 64, 0) {}
  void set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1u; }

 private:
  std::vector<std::uint64_t> words_;
};

// The two sides of a pair as evaluate_side() sees them, and their combination as decide_cell()
// makes it.
enum class Side : std::uint8_t { allow, deny, unknown };

Verdict combine(Side egress, Side ingress) {
  if (egress == Side::deny || ingress == Side::deny) return Verdict::deny;
  if (egress == Side::unknown || ingress == Side::unknown) return Verdict::unknown;
  return Verdict::allow;
}

class ClassMatrix {
 public:
  ClassMatrix(const Engine& engine, const Service& service, Matrix& m,
              const std::vector<std::uint32_t>& class_of)
      : c_(engine.compiled()), m_(m), class_of_(class_of) {
    // As Engine::verdict() builds it for two interfaces: IPv6 only for icmpv6.
    packet_.protocol = service.protocol;
    packet_.key = static_cast<std::uint16_t>(detail::service_keys(service).first);
    packet_.family = service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
    index_members();
    index_profiles();
  }

  void run(bool want_pairs) {
    for (std::uint32_t a = 0; a < m_.classes.size(); ++a) {
      for (std::uint32_t b = 0; b < m_.classes.size(); ++b) {
        std::optional<Verdict> cell =
            (want_pairs || a == b) ? enumerate(a, b, want_pairs) : product(a, b);
        if (cell) m_.cells.push_back(MatrixCell{a, b, *cell});
      }
    }
  }

 private:
  // Each interface's primary private address of the packet's family (what eni-… resolves to).
  void index_members() {
    const Inventory& inv = *c_.inventory;
    const std::size_t n = inv.interfaces.size();
    has_address_.resize(n, false);
    members_.resize(m_.classes.size());
    for (std::size_t i = 0; i < n; ++i) {
      members_[class_of_[i]].push_back(static_cast<std::uint32_t>(i));
      for (const Address& a : inv.interfaces[i].private_ips) {
        if (a.family != packet_.family) continue;
        has_address_[i] = true;
        by_address_.emplace_back(a.bits, static_cast<std::uint32_t>(i));
        break;
      }
    }
    std::sort(by_address_.begin(), by_address_.end());
    carriers_.resize(c_.groups.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_address_[i]) continue;
      for (const GroupToken t : c_.interfaces[i].groups) {
        carriers_[t].push_back(static_cast<std::uint32_t>(i));
      }
    }
  }

  // One profile per class and direction, interned, with the interfaces it allows.
  void index_profiles() {
    std::map<Profile, std::uint32_t> interned;
    for (int d = 0; d < 2; ++d) class_profile_[d].resize(m_.classes.size());
    for (std::uint32_t k = 0; k < m_.classes.size(); ++k) {
      const detail::InterfaceInfo& info = c_.interfaces[members_[k].front()];
      for (const Direction d : {Direction::ingress, Direction::egress}) {
        Profile p = class_profile(c_, info, d, packet_);
        auto [it, inserted] =
            interned.try_emplace(std::move(p), static_cast<std::uint32_t>(allowed_.size()));
        if (inserted) {
          allowed_.push_back(allowed_by(it->first));
          unknown_.push_back(it->first.unknown);
        }
        class_profile_[static_cast<int>(d)][k] = it->second;
      }
    }
  }

  // The interfaces (with an address) whose address or groups the profile's rules match.
  Bits allowed_by(const Profile& p) const {
    Bits bits(has_address_.size());
    for (const auto& [lo, hi] : p.cidrs) {
      auto it = std::lower_bound(by_address_.begin(), by_address_.end(),
                                 std::pair<u128, std::uint32_t>{lo, 0});
      for (; it != by_address_.end() && it->first <= hi; ++it) bits.set(it->second);
    }
    for (const GroupToken t : p.refs) {
      for (const std::uint32_t i : carriers_[t]) bits.set(i);
    }
    return bits;
  }

  Side side(std::uint32_t klass, Direction d, std::uint32_t remote) const {
    const std::uint32_t p = class_profile_[static_cast<int>(d)][klass];
    if (allowed_[p].test(remote)) return Side::allow;
    return unknown_[p] ? Side::unknown : Side::deny;
  }

  Verdict pair_verdict(std::uint32_t a, std::uint32_t b, std::uint32_t from,
                       std::uint32_t to) const {
    if (!has_address_[from] || !has_address_[to]) return Verdict::unknown;  // cannot resolve
    return combine(side(a, Direction::egress, to), side(b, Direction::ingress, from));
  }

  // Every member pair, in the order of the pairwise path (for --pairs, and a class with itself).
  std::optional<Verdict> enumerate(std::uint32_t a, std::uint32_t b, bool want_pairs) {
    const Inventory& inv = *c_.inventory;
    std::optional<Verdict> cell;
    for (const std::uint32_t from : members_[a]) {
      for (const std::uint32_t to : members_[b]) {
        if (from == to) continue;
        const Verdict v = pair_verdict(a, b, from, to);
        cell = merge(cell, v);
        if (want_pairs) {
          m_.pairs.push_back(MatrixPair{inv.interfaces[from].id, inv.interfaces[to].id, v});
        }
      }
    }
    return cell;
  }

  // Two different classes: every member pair exists, the egress verdict depends on the destination
  // alone and the ingress verdict on the source alone, so the cell is the product of two sets.
  std::optional<Verdict> product(std::uint32_t a, std::uint32_t b) const {
    bool egress_seen[3] = {}, ingress_seen[3] = {};
    bool unresolved = false;
    for (const std::uint32_t to : members_[b]) {
      if (has_address_[to]) {
        egress_seen[static_cast<int>(side(a, Direction::egress, to))] = true;
      } else {
        unresolved = true;
      }
    }
    for (const std::uint32_t from : members_[a]) {
      if (has_address_[from]) {
        ingress_seen[static_cast<int>(side(b, Direction::ingress, from))] = true;
      } else {
        unresolved = true;
      }
    }
    std::optional<Verdict> cell;
    if (unresolved) cell = Verdict::unknown;
    for (int e = 0; e < 3; ++e) {
      for (int i = 0; i < 3; ++i) {
        if (egress_seen[e] && ingress_seen[i]) {
          cell = merge(cell, combine(static_cast<Side>(e), static_cast<Side>(i)));
        }
      }
    }
    return cell;
  }

  const CompiledInventory& c_;
  Matrix& m_;
  const std::vector<std::uint32_t>& class_of_;
  Packet packet_;
  std::vector<bool> has_address_;
  std::vector<std::pair<u128, std::uint32_t>> by_address_;  // sorted
  std::vector<std::vector<std::uint32_t>> carriers_;        // by group token: members with address
  std::vector<std::vector<std::uint32_t>> members_;         // by class
  std::vector<std::uint32_t> class_profile_[2];             // by Direction, by class
  std::vector<Bits> allowed_;                               // by profile
  std::vector<bool> unknown_;                               // by profile
};

}  // namespace

Matrix compute_matrix(const Engine& engine, const Service& service, bool want_pairs) {
  Matrix m;
  std::vector<std::uint32_t> class_of;
  build_classes(engine.inventory(), m, class_of);
  if (!service.is_point()) {
    pairwise_cells(engine, service, want_pairs, m);
  } else if (!m.classes.empty()) {
    ClassMatrix(engine, service, m, class_of).run(want_pairs);
  }
  return m;
}

}  // namespace sgcheck
