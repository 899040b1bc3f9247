// The reachability matrix of one service: interfaces grouped into classes with the same VPC and
// groups; per class, what its rules grant in each direction (MatrixView::grants()), and on request
// the verdict of every ordered pair of classes (for_each_cell) or of interfaces (for_each_pair),
// streamed to a visitor. Entry points: MatrixView, compute_matrix().
//
// The members of a class share one rule profile per direction for the packet (the union of their
// groups' CIDR sets, reference targets and unknowns), so the grants are computed once per distinct
// profile and their size is classes × grants, never classes². Cells and pairs follow from the
// profiles: a source's egress verdict depends only on its class's profile and the destination, a
// destination's ingress verdict only on its class's profile and the source. Each distinct
// profile's allowed interfaces become a bitset over the interfaces sorted by address (a CIDR range
// is a run of bits, a reference target its members' bits), also transposed to one row of profile
// bits per interface, and a cell between two different classes is the product of two small sets
// of side verdicts: a few bit tests per member, all in cache when one source class meets every
// destination class (its egress bitset, its members' rows for the ingress profiles). Same
// answers as engine.verdict() on every pair (tests/engine/matrix_test.cc); services that are not
// one packet kind fall back to the pairwise path in compute_matrix().
#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

#include "engine/compiled.h"

namespace sgcheck {
namespace detail {
namespace {

using ClassKey = std::pair<std::string_view, std::vector<GroupToken>>;  // VPC, sorted groups

// One direction's rules of a class for the packet: what evaluate_side() reads, pooled, and what
// makes it unknown in words.
struct Profile {
  std::vector<std::pair<u128, u128>> cidrs;  // the union of the matching CIDR entries
  std::vector<GroupToken> refs;              // targets of the matching references, sorted
  bool unknown = false;                      // an undefined group or an unresolved prefix list
  std::vector<std::string> reasons;          // why unknown, sorted
  auto operator<=>(const Profile&) const = default;
};

struct ProfileHash {
  std::size_t operator()(const Profile& p) const {
    std::size_t h = p.unknown ? 1 : 0;
    auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
    for (const auto& [lo, hi] : p.cidrs) {
      mix(static_cast<std::uint64_t>(lo)), mix(static_cast<std::uint64_t>(lo >> 64));
      mix(static_cast<std::uint64_t>(hi)), mix(static_cast<std::uint64_t>(hi >> 64));
    }
    for (const GroupToken g : p.refs) mix(g);
    for (const std::string& r : p.reasons) mix(std::hash<std::string>()(r));
    return h;
  }
};

// Why a side of this class can be unknown, from the model, mirroring compile_rule(): groups the
// inventory does not define, and matching rules whose prefix list has no known entries.
void unknown_reasons(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                     const Packet& packet, std::vector<std::string>& out) {
  const Inventory& inv = *c.inventory;
  const Interface& x = inv.interfaces[iface];
  const InterfaceInfo& info = c.interfaces[iface];
  for (std::size_t k = 0; k < x.groups.size() && k < info.group_indices.size(); ++k) {
    const std::int32_t gi = info.group_indices[k];
    if (gi < 0) {
      out.push_back(x.groups[k] + " is not in the inventory: its rules are unknown");
      continue;
    }
    const Group& g = inv.groups[static_cast<std::size_t>(gi)];
    for (const Rule& r : g.rules) {
      if (r.direction != direction) continue;
      const RuleInfo& ri = c.rule_info(g, r);
      // A template rule with an open protocol or port, or under an undecided condition
      // (docs/iac.md): conservatively unknown for the whole class here, whatever its peer.
      if (ri.uncertain && ri.service.matches(packet)) {
        if (service_unresolved(r)) {
          out.push_back("the " + unresolved_service_text(r) + " of a rule of " + g.id +
                        " is not known before deployment");
        }
        if (rule_conditional(r)) {
          out.push_back("a rule of " + g.id + " exists " + rule_condition_text(r));
        }
        continue;
      }
      // A prefix list without entries: unknown wherever the rule's service matches, unless the
      // list's family rules the packet out (whatever the remote's address).
      if (r.peer.kind != PeerKind::prefix_list || !ri.has_service || !ri.service.matches(packet))
        continue;
      if (prefix_list_answer(ri.prefix_list, packet.family, 0) == Tri::unknown) {
        out.push_back("the entries of prefix list " + r.peer.id + " (" + g.id +
                      ") are not in the inventory");
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

Profile class_profile(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                      const Packet& packet) {
  const InterfaceInfo& info = c.interfaces[iface];
  Profile p;
  p.unknown = info.undefined_group;
  std::vector<Ipv6Set::Interval> parts;
  const int f = family_index(packet.family);
  for (const GroupToken t : info.groups) {
    const GroupInfo& g = c.groups[t];
    if (g.index < 0) continue;
    const SideTable& table = g.tables[static_cast<int>(direction)];
    for (const CidrEntry& e : table.cidr[f]) {
      if (!e.service.matches(packet)) continue;
      parts.insert(parts.end(), e.addresses.intervals().begin(), e.addresses.intervals().end());
    }
    for (const RefEntry& e : table.refs) {
      if (e.service.matches(packet)) p.refs.push_back(e.target);
    }
    for (const UnknownEntry& e : table.unknowns) {
      if (e.service.matches(packet)) p.unknown = true;
    }
  }
  const Ipv6Set pooled = Ipv6Set::from_unsorted(std::move(parts));
  for (const auto& iv : pooled.intervals()) p.cidrs.emplace_back(iv.lo, iv.hi);
  std::sort(p.refs.begin(), p.refs.end());
  p.refs.erase(std::unique(p.refs.begin(), p.refs.end()), p.refs.end());
  if (p.unknown) {
    unknown_reasons(c, iface, direction, packet, p.reasons);
    if (p.reasons.empty()) p.reasons.push_back("the inventory lacks some of these rules' peers");
  }
  return p;
}

MatrixGrants make_grants(const CompiledInventory& c, const Profile& p, Family family,
                         const Ipv6Set& internet) {
  MatrixGrants g;
  std::vector<Ipv6Set::Interval> ivs;
  for (const auto& [lo, hi] : p.cidrs) ivs.push_back({lo, hi});
  const Ipv6Set set = Ipv6Set::from_unsorted(std::move(ivs));
  std::vector<Cidr> cidrs;
  if (family == Family::ipv4) {
    std::vector<Ipv4Set::Interval> v4;
    for (const auto& iv : set.intervals()) {
      v4.push_back({static_cast<std::uint32_t>(iv.lo), static_cast<std::uint32_t>(iv.hi)});
    }
    cidrs = to_cidrs(Ipv4Set::from_unsorted(std::move(v4)));
  } else {
    cidrs = to_cidrs(set);
  }
  const std::uint8_t host = family == Family::ipv4 ? 32 : 128;
  for (const Cidr& cidr : cidrs) {
    g.cidrs.push_back(cidr.prefix == host ? to_string(Address{family, cidr.base})
                                          : to_string(cidr));
  }
  const Ipv6Set reached = set.intersect(internet);
  g.internet = reached.empty()       ? InternetExposure::none
               : reached == internet ? InternetExposure::all
                                     : InternetExposure::part;
  for (const GroupToken t : p.refs) g.groups.emplace_back(c.groups[t].id);
  std::sort(g.groups.begin(), g.groups.end());
  g.unknown = p.reasons;
  return g;
}

}  // namespace

struct MatrixTables {
  const CompiledInventory* c = nullptr;
  Packet packet;
  std::vector<MatrixClass> classes;
  std::vector<std::vector<std::uint32_t>> members;    // by class
  std::vector<std::vector<std::string>> unaddressed;  // by class
  std::vector<bool> has_address;                      // by interface
  std::vector<std::uint32_t> profile_of[2];           // by Direction, by class
  std::vector<Profile> profiles;                      // interned
  std::vector<MatrixGrants> grants;                   // by profile
};

namespace {

// Classes in the order of their first member (interfaces are sorted by id). Keyed by the VPC and
// the interface's sorted, distinct group tokens (the same set as its group ids), hashed: a map of
// copied id strings would cost an allocation per interface.
void build_classes(MatrixTables& t) {
  const Inventory& inv = *t.c->inventory;
  struct KeyHash {
    std::size_t operator()(const ClassKey& k) const {
      std::size_t h = std::hash<std::string_view>()(k.first);
      for (const GroupToken g : k.second) h = h * 0x100000001b3ull ^ g;
      return h;
    }
  };
  std::unordered_map<ClassKey, std::uint32_t, KeyHash> index;
  index.reserve(inv.interfaces.size());
  for (std::size_t i = 0; i < inv.interfaces.size(); ++i) {
    const Interface& x = inv.interfaces[i];
    auto [it, inserted] = index.try_emplace(ClassKey{x.vpc_id.view(), t.c->interfaces[i].groups},
                                            static_cast<std::uint32_t>(t.classes.size()));
    if (inserted) {
      std::vector<std::string> groups(x.groups.begin(), x.groups.end());
      std::sort(groups.begin(), groups.end());
      groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
      t.classes.push_back(MatrixClass{x.vpc_id.str(), std::move(groups), {}});
      t.members.emplace_back();
      t.unaddressed.emplace_back();
    }
    t.classes[it->second].interfaces.push_back(x.id.str());
    t.members[it->second].push_back(static_cast<std::uint32_t>(i));
  }
}

// Each interface's primary private address of the packet's family (what eni-… resolves to).
const Address* primary(const Interface& x, Family family) {
  for (const Address& a : x.private_ips) {
    if (a.family == family) return &a;
  }
  return nullptr;
}

void index_addresses(MatrixTables& t) {
  const Inventory& inv = *t.c->inventory;
  t.has_address.resize(inv.interfaces.size(), false);
  for (std::uint32_t k = 0; k < t.classes.size(); ++k) {
    for (const std::uint32_t i : t.members[k]) {
      t.has_address[i] = primary(inv.interfaces[i], t.packet.family) != nullptr;
      if (!t.has_address[i]) t.unaddressed[k].push_back(inv.interfaces[i].id.str());
    }
  }
}

// One profile per class and direction, interned, with its grants.
void index_profiles(MatrixTables& t) {
  std::unordered_map<Profile, std::uint32_t, ProfileHash> interned;
  const Ipv6Set internet = internet_set(t.packet.family);
  for (int d = 0; d < 2; ++d) t.profile_of[d].resize(t.classes.size());
  for (std::uint32_t k = 0; k < t.classes.size(); ++k) {
    for (const Direction d : {Direction::ingress, Direction::egress}) {
      Profile p = class_profile(*t.c, t.members[k].front(), d, t.packet);
      auto [it, inserted] =
          interned.try_emplace(std::move(p), static_cast<std::uint32_t>(t.profiles.size()));
      if (inserted) {
        t.grants.push_back(make_grants(*t.c, it->first, t.packet.family, internet));
        t.profiles.push_back(it->first);
      }
      t.profile_of[static_cast<int>(d)][k] = it->second;
    }
  }
}

Verdict merge(std::optional<Verdict> seen, Verdict v) {
  if (!seen || *seen == v) return v;
  if (*seen == Verdict::allow || v == Verdict::allow || *seen == Verdict::partial ||
      v == Verdict::partial) {
    return Verdict::partial;
  }
  return Verdict::unknown;  // deny and unknown members: unknown
}

class Bits {
 public:
  explicit Bits(std::size_t n = 0) : words_((n + 63) / 64, 0) {}
  void set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  // Sets [lo, hi).
  void set_range(std::size_t lo, std::size_t hi) {
    for (; lo < hi && lo % 64 != 0; ++lo) set(lo);
    for (; lo + 64 <= hi; lo += 64) words_[lo / 64] = ~std::uint64_t{0};
    for (; lo < hi; ++lo) set(lo);
  }
  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1u; }
  const std::vector<std::uint64_t>& words() const { return words_; }

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

constexpr std::uint32_t kNoRank = std::numeric_limits<std::uint32_t>::max();

// What the cells and pairs need beyond the grants, built when they are asked for: every profile's
// allowed interfaces as a bitset over the interfaces ranked by address.
class Resolver {
 public:
  explicit Resolver(const MatrixTables& t) : t_(t) {
    rank_interfaces();
    allowed_.reserve(t_.profiles.size());
    for (const Profile& p : t_.profiles) allowed_.push_back(allowed_by(p));
    transpose();
  }

  Verdict pair_verdict(std::uint32_t a, std::uint32_t b, std::uint32_t from,
                       std::uint32_t to) const {
    if (rank_[from] == kNoRank || rank_[to] == kNoRank) return Verdict::unknown;  // unresolved
    return combine(side(a, Direction::egress, to), side(b, Direction::ingress, from));
  }

  // Every member pair, merged (a class with itself: its distinct members).
  std::optional<Verdict> enumerate(std::uint32_t a, std::uint32_t b) const {
    std::optional<Verdict> cell;
    for (const std::uint32_t from : t_.members[a]) {
      for (const std::uint32_t to : t_.members[b]) {
        if (from != to) cell = merge(cell, pair_verdict(a, b, from, to));
      }
    }
    return cell;
  }

  // Two different classes: every member pair exists, the egress verdict depends on the
  // destination alone and the ingress verdict on the source alone, so the cell is the product of
  // two sets.
  std::optional<Verdict> product(std::uint32_t a, std::uint32_t b) const {
    bool egress_seen[3] = {}, ingress_seen[3] = {};
    const bool unresolved = unresolved_[a] || unresolved_[b];
    for (std::uint32_t k = class_start_[b]; k < class_start_[b + 1]; ++k) {
      egress_seen[static_cast<int>(side_at(a, Direction::egress, class_ranks_[k]))] = true;
    }
    for (std::uint32_t k = class_start_[a]; k < class_start_[a + 1]; ++k) {
      ingress_seen[static_cast<int>(side_at(b, Direction::ingress, class_ranks_[k]))] = true;
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

 private:
  // Interfaces with an address of the family, sorted by (address, index): a CIDR range is a run of
  // ranks.
  void rank_interfaces() {
    const Inventory& inv = *t_.c->inventory;
    rank_.assign(inv.interfaces.size(), kNoRank);
    for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
      if (const Address* a = primary(inv.interfaces[i], t_.packet.family)) {
        by_address_.emplace_back(a->bits, i);
      }
    }
    std::sort(by_address_.begin(), by_address_.end());
    carriers_.resize(t_.c->groups.size());
    for (std::uint32_t r = 0; r < by_address_.size(); ++r) {
      const std::uint32_t i = by_address_[r].second;
      rank_[i] = r;
      for (const GroupToken g : t_.c->interfaces[i].groups) carriers_[g].push_back(r);
    }
    // Each class's ranked members in one flat array: the cells read them for every class pair.
    unresolved_.assign(t_.classes.size(), false);
    for (std::uint32_t k = 0; k < t_.classes.size(); ++k) {
      class_start_.push_back(static_cast<std::uint32_t>(class_ranks_.size()));
      for (const std::uint32_t i : t_.members[k]) {
        if (rank_[i] == kNoRank) {
          unresolved_[k] = true;
        } else {
          class_ranks_.push_back(rank_[i]);
        }
      }
    }
    class_start_.push_back(static_cast<std::uint32_t>(class_ranks_.size()));
  }

  Bits allowed_by(const Profile& p) const {
    Bits bits(by_address_.size());
    constexpr std::uint32_t kAny = std::numeric_limits<std::uint32_t>::max();
    for (const auto& [lo, hi] : p.cidrs) {
      const auto first = std::lower_bound(by_address_.begin(), by_address_.end(),
                                          std::pair<u128, std::uint32_t>{lo, 0});
      const auto last = std::upper_bound(by_address_.begin(), by_address_.end(),
                                         std::pair<u128, std::uint32_t>{hi, kAny});
      bits.set_range(static_cast<std::size_t>(first - by_address_.begin()),
                     static_cast<std::size_t>(last - by_address_.begin()));
    }
    for (const GroupToken g : p.refs) {
      for (const std::uint32_t r : carriers_[g]) bits.set(r);
    }
    return bits;
  }

  // One row per ranked interface: bit p says profile p allows it. Cells and pairs are walked one
  // source class at a time: the egress side reads the source's profile's bitset (allowed_), the
  // ingress side the source members' rows, both in cache while the destinations vary; reading
  // the ingress bitsets instead would cost a cache miss per cell.
  void transpose() {
    const std::vector<Bits>& allowed = allowed_;
    row_words_ = (allowed.size() + 63) / 64;
    rows_.assign(by_address_.size() * row_words_, 0);
    for (std::size_t p = 0; p < allowed.size(); ++p) {
      const std::vector<std::uint64_t>& words = allowed[p].words();
      for (std::size_t k = 0; k < words.size(); ++k) {
        for (std::uint64_t bits = words[k]; bits != 0; bits &= bits - 1) {
          const std::size_t r = k * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          rows_[r * row_words_ + p / 64] |= std::uint64_t{1} << (p % 64);
        }
      }
    }
  }

  Side side(std::uint32_t klass, Direction d, std::uint32_t remote) const {
    return side_at(klass, d, rank_[remote]);
  }

  // The side of the class's rules for the ranked interface `rank` at the far end.
  Side side_at(std::uint32_t klass, Direction d, std::uint32_t rank) const {
    const std::uint32_t p = t_.profile_of[static_cast<int>(d)][klass];
    const bool allowed = d == Direction::egress
                             ? allowed_[p].test(rank)
                             : (rows_[std::size_t{rank} * row_words_ + p / 64] >> (p % 64)) & 1u;
    if (allowed) return Side::allow;
    return t_.profiles[p].unknown ? Side::unknown : Side::deny;
  }

  const MatrixTables& t_;
  std::vector<std::uint32_t> rank_;                         // by interface, kNoRank: no address
  std::vector<std::pair<u128, std::uint32_t>> by_address_;  // sorted; index = rank
  std::vector<std::vector<std::uint32_t>> carriers_;        // by group token: members' ranks
  std::vector<std::uint32_t> class_start_;  // by class, into class_ranks_ (one more at the end)
  std::vector<std::uint32_t> class_ranks_;  // the ranked members of each class, class by class
  std::vector<bool> unresolved_;            // by class: a member without an address
  std::vector<Bits> allowed_;               // by profile, over ranks
  std::size_t row_words_ = 0;
  std::vector<std::uint64_t> rows_;  // by rank, row_words_ each: the profiles allowing it
};

Flow pair_flow(const Service& service, const std::string& from, const std::string& to) {
  Flow f;
  f.service = service;
  f.source.kind = EndpointKind::interface;
  f.source.id = from;
  f.destination.kind = EndpointKind::interface;
  f.destination.id = to;
  return f;
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

}  // namespace
}  // namespace detail

struct MatrixView::Impl : detail::MatrixTables {};

MatrixView::MatrixView(const Engine& engine, const Service& service)
    : impl_(std::make_unique<Impl>()) {
  detail::MatrixTables& t = *impl_;
  t.c = &engine.impl();
  // As Engine::verdict() builds it for two interfaces: IPv6 only for icmpv6.
  t.packet.protocol = service.protocol;
  t.packet.key = static_cast<std::uint16_t>(detail::service_keys(service).first);
  t.packet.family = service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
  detail::build_classes(t);
  detail::index_addresses(t);
  detail::index_profiles(t);
}

MatrixView::~MatrixView() = default;
MatrixView::MatrixView(MatrixView&&) noexcept = default;
MatrixView& MatrixView::operator=(MatrixView&&) noexcept = default;

const std::vector<MatrixClass>& MatrixView::classes() const {
  return impl_->classes;
}

const std::vector<std::uint32_t>& MatrixView::members(std::uint32_t klass) const {
  return impl_->members[klass];
}

const MatrixGrants& MatrixView::grants(std::uint32_t klass, Direction direction) const {
  return impl_->grants[impl_->profile_of[static_cast<int>(direction)][klass]];
}

const std::vector<std::string>& MatrixView::unaddressed(std::uint32_t klass) const {
  return impl_->unaddressed[klass];
}

Family MatrixView::family() const {
  return impl_->packet.family;
}

void MatrixView::for_each_cell(const std::function<void(const MatrixCell&)>& visit) const {
  for_each_cell(static_cast<std::uint32_t>(impl_->classes.size()), visit);
}

void MatrixView::for_each_cell(std::uint32_t classes,
                               const std::function<void(const MatrixCell&)>& visit) const {
  const detail::Resolver r(*impl_);
  const auto n = std::min(classes, static_cast<std::uint32_t>(impl_->classes.size()));
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      const std::optional<Verdict> cell = a == b ? r.enumerate(a, b) : r.product(a, b);
      if (cell) visit(MatrixCell{a, b, *cell});
    }
  }
}

void MatrixView::for_each_pair(
    const std::function<void(std::uint32_t, std::uint32_t, Verdict)>& visit) const {
  const detail::Resolver r(*impl_);
  const auto n = static_cast<std::uint32_t>(impl_->classes.size());
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      for (const std::uint32_t from : impl_->members[a]) {
        for (const std::uint32_t to : impl_->members[b]) {
          if (from != to) visit(from, to, r.pair_verdict(a, b, from, to));
        }
      }
    }
  }
}

Matrix compute_matrix(const Engine& engine, const Service& service, bool want_pairs) {
  Matrix m;
  if (!service.is_point()) {
    detail::MatrixTables t;
    t.c = &engine.impl();
    detail::build_classes(t);
    m.classes = std::move(t.classes);
    detail::pairwise_cells(engine, service, want_pairs, m);
    return m;
  }
  const MatrixView view(engine, service);
  m.classes = view.classes();
  view.for_each_cell([&](const MatrixCell& c) { m.cells.push_back(c); });
  if (want_pairs) {
    const Inventory& inv = engine.inventory();
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      m.pairs.push_back(MatrixPair{inv.interfaces[from].id.str(), inv.interfaces[to].id.str(), v});
    });
  }
  return m;
}

}  // namespace sgcheck
