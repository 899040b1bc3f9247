// Evaluating compiled policies on an inventory. The inventory is read once into Entries (each valid
// atomic rule: its service match and its peer as Bounds); a target's rules in one direction form a
// Profile, cut into Pieces: classes of service points inside which every rule of the target
// behaves alike, so that A(s) is computed once per class, not per point. Clauses are judged per
// piece and family with three-valued logic over the bounds. Groups are evaluated first; then each
// class of interfaces with the same VPC and groups, over the union of its groups, reported at the
// interfaces when no single targeted group of theirs triggered the rule.
// Entry points: compile_rules(), evaluate_rules().
#include <fnmatch.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "engine/compiled.h"
#include "policy/evaluate.h"

namespace sgcheck::policy {
namespace {

using detail::ServiceMatch;

enum class Tri : std::uint8_t { no, yes, unknown };

Tri tri_and(Tri a, Tri b) {
  if (a == Tri::no || b == Tri::no) return Tri::no;
  return (a == Tri::unknown || b == Tri::unknown) ? Tri::unknown : Tri::yes;
}
Tri tri_not(Tri a) {
  return a == Tri::yes ? Tri::no : a == Tri::no ? Tri::yes : Tri::unknown;
}

constexpr Family kFamilies[] = {Family::ipv4, Family::ipv6};

const char* family_label(Family f) {
  return f == Family::ipv4 ? "IPv4" : "IPv6";
}

// One valid atomic rule of the inventory (or the stand-in for a group an interface carries but the
// inventory does not define).
// A peer as a set, shared by every rule naming it (a group's members are computed once, not copied
// into each rule that references the group), with the sizes of its upper bound per family (0 IPv4,
// 1 IPv6), outside and member addresses, for Judge::certainly_no().
struct Peer {
  Bounds b;
  u128 hi_outside[2] = {0, 0};
  u128 hi_members[2] = {0, 0};

  explicit Peer(Bounds bounds) : b(std::move(bounds)) {
    hi_outside[0] = b.hi.o4.size();
    hi_members[0] = b.hi.m4.size();
    hi_outside[1] = b.hi.o6.size();
    hi_members[1] = b.hi.m6.size();
  }
};

struct Entry {
  ServiceMatch service;
  const Peer* peer = nullptr;
  const Rule* rule = nullptr;  // nullptr for a stand-in
  std::string standin;         // a stand-in's group id
};

u128 saturating_add(u128 a, u128 b) {
  return a > ~u128{0} - b ? ~u128{0} : a + b;
}

// Sizes of the upper bounds of a set of entries, outside and member addresses per family (0 IPv4,
// 1 IPv6), over the entries that can carry that family; saturating, so that sums of sums are
// the sum.
struct UpperSums {
  u128 outside[2] = {0, 0};
  u128 members[2] = {0, 0};

  void add(const Entry& e) {
    for (const Family f : kFamilies) {
      if ((e.service.families & detail::family_bit(f)) == 0) continue;
      const int i = f == Family::ipv4 ? 0 : 1;
      outside[i] = saturating_add(outside[i], e.peer->hi_outside[i]);
      members[i] = saturating_add(members[i], e.peer->hi_members[i]);
    }
  }
  void add(const UpperSums& o) {
    for (int i = 0; i < 2; ++i) {
      outside[i] = saturating_add(outside[i], o.outside[i]);
      members[i] = saturating_add(members[i], o.members[i]);
    }
  }
};

// The peer as findings name it.
std::string peer_text(const Entry& e) {
  if (e.rule == nullptr) return e.standin;
  const PeerKind kind = e.rule->peer.kind;
  return kind == PeerKind::cidr4 || kind == PeerKind::cidr6 ? to_string(e.rule->peer.cidr)
                                                            : e.rule->peer.id;
}

// Members of every group may be anything: what an undefined group's members could be.
PacketSet any_member() {
  PacketSet s;
  s.m4 = Ipv4Set::all();
  s.m6 = Ipv6Set::all();
  s.g = TokenSet::all();
  return s;
}

bool has_glob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

// ---- The inventory as policies see it

class Model {
 public:
  explicit Model(const Inventory& inventory) : inventory_(inventory) {
    compiled_.inventory = &inventory;
    // References across an active peering are usable, as in the engine (not only when the rule
    // itself carries PeeringStatus "active").
    detail::link_vpcs(compiled_);
    group_index_.reserve(inventory.groups.size());
    for (std::size_t gi = 0; gi < inventory.groups.size(); ++gi)
      group_index_.emplace(inventory.groups[gi].id, static_cast<std::int32_t>(gi));
    for (std::uint32_t i = 0; i < inventory.interfaces.size(); ++i) {
      for (const std::string& g : inventory.interfaces[i].groups) members_of_[g].push_back(i);
    }
    entries_.resize(inventory.groups.size());
    sums_.resize(inventory.groups.size());
    for (std::size_t gi = 0; gi < inventory.groups.size(); ++gi) {
      build_entries(gi);
      for (const Direction d : {Direction::ingress, Direction::egress})
        for (const Entry& e : entries(gi, d)) sums_[gi][static_cast<int>(d)].add(e);
    }
  }

  const Inventory& inventory() const { return inventory_; }
  const std::vector<Entry>& entries(std::size_t group, Direction d) const {
    return entries_[group][static_cast<int>(d)];
  }
  // The sizes of the upper bounds of a group's entries in one direction, summed per family (as
  // Judge::certainly_no() sums them): a target's sums are its groups' sums.
  const UpperSums& sums(std::size_t group, Direction d) const {
    return sums_[group][static_cast<int>(d)];
  }
  // The index of the group of that id in Inventory::groups, or -1: hashed, as every interface
  // and reference asks.
  std::int32_t group_index(std::string_view id) const {
    const auto it = group_index_.find(id);
    return it == group_index_.end() ? -1 : it->second;
  }

  // The members of a group: their addresses, a token when the inventory has no interfaces, or
  // unknown when the group is not defined.
  const Peer& members(const std::string& id) {
    auto it = member_cache_.find(id);
    if (it != member_cache_.end()) return it->second;
    return member_cache_.emplace(id, Peer(compute_members(id))).first->second;
  }

  // The groups a policy names: by id, or by name (globs allowed).
  std::vector<const Group*> named(const std::string& name_or_id) const {
    std::vector<const Group*> out;
    for (const Group& g : inventory_.groups) {
      if (g.id == name_or_id || g.name == name_or_id ||
          (has_glob(name_or_id) &&
           (glob_match(name_or_id, g.name) || glob_match(name_or_id, g.id))))
        out.push_back(&g);
    }
    return out;
  }

  const Vpc* vpc(const std::string& id) const { return inventory_.find_vpc(id); }

 private:
  Bounds compute_members(const std::string& id) const {
    if (group_index(id) < 0) {
      return Bounds{PacketSet{}, any_member(), {id + " is not in the inventory"}};
    }
    if (inventory_.interfaces.empty())
      return Bounds::exact(PacketSet{{}, {}, {}, {}, TokenSet::of(id)});
    std::vector<Ipv4Set::Interval> a4;
    std::vector<Ipv6Set::Interval> a6;
    bool complete = true;
    const auto it = members_of_.find(id);
    if (it != members_of_.end()) {
      for (const std::uint32_t i : it->second) {
        const Interface& x = inventory_.interfaces[i];
        if (x.private_ips.empty()) complete = false;
        for (const Address& a : x.private_ips) {
          if (a.family == Family::ipv4) {
            a4.push_back({static_cast<std::uint32_t>(a.bits), static_cast<std::uint32_t>(a.bits)});
          } else {
            a6.push_back({a.bits, a.bits});
          }
        }
        for (const Cidr& c : x.delegated_prefixes) {
          if (c.family == Family::ipv4) {
            a4.push_back(
                {static_cast<std::uint32_t>(c.first()), static_cast<std::uint32_t>(c.last())});
          } else {
            a6.push_back({c.first(), c.last()});
          }
        }
      }
    }
    const PacketSet known = PacketSet::members(Ipv4Set::from_unsorted(std::move(a4)),
                                               Ipv6Set::from_unsorted(std::move(a6)));
    if (complete) return Bounds::exact(known);
    return Bounds{known,
                  known.unite(any_member()),
                  {"some members of " + id + " have no addresses in the inventory"}};
  }

  const Peer* peer_of(const Group& group, const Rule& rule) {
    switch (rule.peer.kind) {
      case PeerKind::cidr4:
      case PeerKind::cidr6: {
        // Interned: inventories repeat their CIDRs (offices, VPC ranges) across many rules.
        const Cidr& c = rule.peer.cidr;
        const auto key = std::make_tuple(static_cast<int>(c.family), c.base, int{c.prefix});
        auto it = cidr_cache_.find(key);
        if (it == cidr_cache_.end()) {
          it = cidr_cache_
                   .emplace(key, Peer(Bounds::exact(c.family == Family::ipv4
                                                        ? PacketSet::addresses4(to_set4(c))
                                                        : PacketSet::addresses6(to_set6(c)))))
                   .first;
        }
        return &it->second;
      }
      case PeerKind::prefix_list: {
        auto it = prefix_list_cache_.find(rule.peer.id);
        if (it == prefix_list_cache_.end())
          it = prefix_list_cache_.emplace(rule.peer.id, Peer(prefix_list_bounds(rule.peer.id)))
                   .first;
        return &it->second;
      }
      case PeerKind::group:
        if (!reference_usable(group, rule)) return nullptr;
        return &members(rule.peer.id);
    }
    return nullptr;
  }

  // detail::reference_usable(), with the target found by hash rather than by binary search.
  bool reference_usable(const Group& owner, const Rule& rule) const {
    const std::int32_t t = group_index(rule.peer.id);
    const std::string_view target_vpc =
        t >= 0 ? std::string_view(inventory_.groups[static_cast<std::size_t>(t)].vpc_id)
               : std::string_view(rule.peer.vpc_id);
    const std::string_view own_vpc = owner.vpc_id;
    if (own_vpc.empty() || target_vpc.empty() || own_vpc == target_vpc) return true;
    return detail::reference_usable(compiled_, owner, rule);
  }

  void build_entries(std::size_t gi) {
    const Group& group = inventory_.groups[gi];
    for (const Rule& rule : group.rules) {
      Entry e;
      if (!rule.valid) continue;
      // An unresolved protocol or port (templates): the rule might allow what it could match, so
      // its peer counts only in the upper bound, with the reason (docs/iac.md).
      const bool open = detail::possible_service(rule, e.service);
      if (!open && !detail::rule_service(rule, e.service)) continue;
      e.peer = peer_of(group, rule);
      if (e.peer == nullptr) continue;  // a stale reference matches nothing
      if (open) {
        Bounds b{PacketSet{}, e.peer->b.hi, e.peer->b.why};
        b.why.push_back("the " + unresolved_service_text(rule) + " of a rule of " + group.id +
                        " is not known before deployment");
        e.peer = &cidr_peers_.emplace_back(std::move(b));
      }
      e.rule = &rule;
      entries_[gi][static_cast<int>(rule.direction)].push_back(std::move(e));
    }
  }

 public:
  Bounds prefix_list_bounds(const std::string& id) const {
    const PrefixList* pl = inventory_.find_prefix_list(id);
    if (pl != nullptr && pl->entries_known) {
      std::vector<Ipv4Set::Interval> a4;
      std::vector<Ipv6Set::Interval> a6;
      for (const Cidr& c : pl->entries) {
        if (c.family == Family::ipv4) {
          a4.push_back(
              {static_cast<std::uint32_t>(c.first()), static_cast<std::uint32_t>(c.last())});
        } else {
          a6.push_back({c.first(), c.last()});
        }
      }
      const Ipv4Set s4 = Ipv4Set::from_unsorted(std::move(a4));
      const Ipv6Set s6 = Ipv6Set::from_unsorted(std::move(a6));
      return Bounds::exact(PacketSet{s4, s4, s6, s6, {}});
    }
    PacketSet hi = PacketSet::everything();
    hi.g = TokenSet{};
    if (pl != nullptr && pl->family) hi = hi.family(*pl->family);
    return Bounds{PacketSet{}, hi, {"prefix list " + id + " has no entries in the inventory"}};
  }

 private:
  const Inventory& inventory_;
  detail::CompiledInventory compiled_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> members_of_;
  std::vector<std::array<std::vector<Entry>, 2>> entries_;
  std::vector<std::array<UpperSums, 2>> sums_;
  std::unordered_map<std::string_view, std::int32_t> group_index_;
  std::unordered_map<std::string, Peer> member_cache_;  // node-based: references stay valid
  std::unordered_map<std::string, Peer> prefix_list_cache_;
  std::map<std::tuple<int, u128, int>, Peer> cidr_cache_;  // by family, base, prefix
  std::deque<Peer> cidr_peers_;                            // the rules' own (open services)
};

// ---- Judging clauses

// The policy's address set, restricted to a family, against A(s) of a piece in that family.
// A(s) comes from allowed(), which holds only the family's parts: only X needs restricting, once.
// A judge depends only on X and the clause's condition (require, kind, prefix): clauses alike in
// those share one judge (`id`), and so their verdicts on a segment of a target (see Segment).
struct Judge {
  Judge(const Clause& c, const Bounds& addresses, int judge_id)
      : require(c.require), condition(c.condition), prefix(c.prefix), x(addresses), id(judge_id) {
    for (const Family f : kFamilies) {
      xlo[index(f)] = x.lo.family(f);
      xhi[index(f)] = x.hi.family(f);
    }
  }
  static int index(Family f) { return f == Family::ipv4 ? 0 : 1; }

  bool require;
  ConditionKind condition;
  int prefix;
  const Bounds& x;  // ADDRESSES
  int id;
  PacketSet xlo[2], xhi[2];

  Tri overlap(const Bounds& a, Family f) const {
    if (a.lo.overlaps(xlo[index(f)])) return Tri::yes;
    if (!a.hi.overlaps(xhi[index(f)])) return Tri::no;
    return Tri::unknown;
  }
  Tri covers(const Bounds& a, Family f) const {
    const PacketSet& lo = xlo[index(f)];
    const PacketSet& hi = xhi[index(f)];
    if (hi.empty()) return Tri::no;  // nothing of this family to cover
    if (!lo.empty() && a.lo.contains(hi)) return Tri::yes;
    if (!a.hi.contains(lo)) return Tri::no;
    return Tri::unknown;
  }
  Tri more_than(const Bounds& a, Family f) const {
    const int width = f == Family::ipv4 ? 32 : 128;
    if (prefix > width) return Tri::no;
    const u128 limit = prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - prefix);
    if (a.lo.intersect(xlo[index(f)]).address_count(f) > limit) return Tri::yes;
    if (a.hi.intersect(xhi[index(f)]).address_count(f) <= limit) return Tri::no;
    return Tri::unknown;
  }
  Tri missing(const Bounds& a, Family f) const {
    if (!a.hi.contains(xlo[index(f)])) return Tri::yes;
    if (a.lo.contains(xhi[index(f)])) return Tri::no;
    return Tri::unknown;
  }
  // `no` known from the sizes of the entries' upper bounds alone, without A(s): A(s).hi cannot
  // hold enough addresses for the condition. Whenever this says no, judge() says no too (the
  // `yes` tests need A(s).lo ⊆ A(s).hi and X.lo ⊆ X.hi to reach further), so skipping A(s) changes
  // no verdict; most targets of a realistic inventory are decided here.
  bool certainly_no(const std::vector<const Entry*>& entries, Family f) const {
    if (!sums_can_decide()) return false;
    UpperSums sums;
    for (const Entry* e : entries) sums.add(*e);
    return certainly_no(sums, f);
  }
  bool sums_can_decide() const {
    return !require &&
           (condition == ConditionKind::covering || condition == ConditionKind::more_than ||
            condition == ConditionKind::more_than_not_all);
  }
  // The same from the sums alone. The sums of all a target's entries in the direction bound those
  // of each of its segments, so `no` here is `no` on every segment of the target.
  bool certainly_no(const UpperSums& sums, Family f) const {
    if (!sums_can_decide()) return false;
    const int i = index(f);
    const bool covering = condition == ConditionKind::covering;
    if (covering && xhi[i].empty()) return true;
    const u128 outside = sums.outside[i], members = sums.members[i];
    const PacketSet& lo = xlo[i];
    if (covering) {
      if (!lo.g.empty()) return false;
      const u128 need_outside = f == Family::ipv4 ? lo.o4.size() : lo.o6.size();
      const u128 need_members = f == Family::ipv4 ? lo.m4.size() : lo.m6.size();
      return (need_outside > 0 && outside < need_outside) ||
             (need_members > 0 && members < need_members);
    }
    const int width = f == Family::ipv4 ? 32 : 128;
    if (prefix > width) return true;
    const u128 limit = prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - prefix);
    return saturating_add(outside, members) <= limit;
  }

  // `no` known for every segment of a target whose entries' upper bounds unite to `upper` in
  // family f: a segment's A(s).hi is a subset of `upper`, and judge() says no whenever A(s).hi
  // falls short of X as tested here (A(s).lo ⊆ A(s).hi and X.lo ⊆ X.hi keep the `yes` tests
  // from reaching further). Exact where certainly_no() only counts: a /16 of private addresses
  // is no public address at all.
  bool certainly_no_within(const PacketSet& upper, Family f) const {
    if (require) return false;
    const int i = index(f);
    switch (condition) {
      case ConditionKind::overlap:
        return !upper.overlaps(xhi[i]);
      case ConditionKind::covering:
        return xhi[i].empty() || !upper.contains(xlo[i]);
      case ConditionKind::more_than:
      case ConditionKind::more_than_not_all: {
        const int width = f == Family::ipv4 ? 32 : 128;
        if (prefix > width) return true;
        const u128 limit = prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - prefix);
        return upper.intersect(xhi[i]).address_count(f) <= limit;
      }
    }
    return false;
  }

  Tri judge(const Bounds& a, Family f) const {
    if (require) return missing(a, f);
    switch (condition) {
      case ConditionKind::overlap:
        return overlap(a, f);
      case ConditionKind::covering:
        return covers(a, f);
      case ConditionKind::more_than:
        return more_than(a, f);
      case ConditionKind::more_than_not_all:
        return tri_and(more_than(a, f), tri_not(covers(a, f)));
    }
    return Tri::no;
  }
};

// ---- Profiles, segments and pieces

// A(s) of a set of entries in one family.
Bounds allowed(const std::vector<const Entry*>& entries, Family f) {
  std::vector<Ipv4Set::Interval> lo4, hi4, lom4, him4;
  std::vector<Ipv6Set::Interval> lo6, hi6, lom6, him6;
  TokenSet lo_g, hi_g;
  std::vector<std::string> why;
  for (const Entry* e : entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    const Bounds& b = e->peer->b;
    if (f == Family::ipv4) {
      lo4.insert(lo4.end(), b.lo.o4.intervals().begin(), b.lo.o4.intervals().end());
      hi4.insert(hi4.end(), b.hi.o4.intervals().begin(), b.hi.o4.intervals().end());
      lom4.insert(lom4.end(), b.lo.m4.intervals().begin(), b.lo.m4.intervals().end());
      him4.insert(him4.end(), b.hi.m4.intervals().begin(), b.hi.m4.intervals().end());
    } else {
      lo6.insert(lo6.end(), b.lo.o6.intervals().begin(), b.lo.o6.intervals().end());
      hi6.insert(hi6.end(), b.hi.o6.intervals().begin(), b.hi.o6.intervals().end());
      lom6.insert(lom6.end(), b.lo.m6.intervals().begin(), b.lo.m6.intervals().end());
      him6.insert(him6.end(), b.hi.m6.intervals().begin(), b.hi.m6.intervals().end());
    }
    if (!b.lo.g.empty()) lo_g = lo_g.unite(b.lo.g);
    if (!b.hi.g.empty()) hi_g = hi_g.unite(b.hi.g);
    for (const std::string& w : b.why)
      if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
  }
  Bounds out;
  out.lo = PacketSet{
      Ipv4Set::from_unsorted(std::move(lo4)), Ipv4Set::from_unsorted(std::move(lom4)),
      Ipv6Set::from_unsorted(std::move(lo6)), Ipv6Set::from_unsorted(std::move(lom6)), lo_g};
  out.hi = PacketSet{
      Ipv4Set::from_unsorted(std::move(hi4)), Ipv4Set::from_unsorted(std::move(him4)),
      Ipv6Set::from_unsorted(std::move(hi6)), Ipv6Set::from_unsorted(std::move(him6)), hi_g};
  out.why = std::move(why);
  return out;
}

// An elementary class of service points of one protocol under a target's profile: every entry of
// the profile matches either all of its keys or none. A(s) and each judge's verdict are computed
// once per segment and family, on first use, and shared by every rule and clause judged on the
// target (before, each clause recomputed A(s) for each of its pieces).
struct Segment {
  std::vector<const Entry*> entries;  // the entries that match the segment's points
  std::optional<Bounds> allowed_sets[2];
  std::vector<std::pair<int, Tri>> verdicts[2];  // judge id → verdict

  const Bounds& allowed_in(Family f) {
    std::optional<Bounds>& a = allowed_sets[Judge::index(f)];
    if (!a) a = allowed(entries, f);
    return *a;
  }
  Tri verdict(const Judge& judge, Family f) {
    std::vector<std::pair<int, Tri>>& known = verdicts[Judge::index(f)];
    for (const auto& [id, t] : known)
      if (id == judge.id) return t;
    const Tri t = judge.certainly_no(entries, f) ? Tri::no : judge.judge(allowed_in(f), f);
    known.emplace_back(judge.id, t);
    return t;
  }
};

// The segments of one protocol's keys [0, kKeyMax], by first key.
struct ProtocolSegments {
  std::vector<std::uint32_t> starts;  // ascending, starts[0] == 0
  std::vector<Segment> segments;
};

// A target's entries in one direction, by protocol, and their segments (built on first use).
struct Profile {
  std::vector<const Entry*> generic;  // protocol -1: every protocol
  std::map<int, std::vector<const Entry*>> by_protocol;
  std::vector<int> individual;  // see finish()
  Segment generic_segment;      // the protocols no rule names: the generic entries only
  std::map<int, ProtocolSegments> protocols;

  void add(const Entry& e) {
    if (e.service.protocol == -1) {
      generic.push_back(&e);
    } else {
      by_protocol[e.service.protocol].push_back(&e);
    }
  }

  // The protocols judged one by one: tcp, udp, icmp, icmpv6 first (witnesses read best there),
  // then every protocol some rule names; the rest form one generic class.
  void finish() {
    individual = {kTcp, kUdp, kIcmp, kIcmpv6};
    for (const auto& [p, entries] : by_protocol)
      if (std::find(individual.begin(), individual.end(), p) == individual.end())
        individual.push_back(p);
    generic_segment.entries = generic;
  }

  ProtocolSegments& segments_of(int p) {
    auto [it, inserted] = protocols.try_emplace(p);
    ProtocolSegments& out = it->second;
    if (!inserted) return out;
    std::vector<const Entry*> entries = generic;
    if (auto by = by_protocol.find(p); by != by_protocol.end())
      entries.insert(entries.end(), by->second.begin(), by->second.end());
    out.starts.push_back(0);
    for (const Entry* e : entries) {
      out.starts.push_back(e->service.lo);
      out.starts.push_back(std::uint32_t{e->service.hi} + 1);
    }
    std::sort(out.starts.begin(), out.starts.end());
    out.starts.erase(std::unique(out.starts.begin(), out.starts.end()), out.starts.end());
    while (out.starts.back() > detail::kKeyMax) out.starts.pop_back();
    out.segments.resize(out.starts.size());
    for (std::size_t i = 0; i < out.starts.size(); ++i) {
      const std::uint32_t start = out.starts[i];
      for (const Entry* e : entries)
        if (e->service.lo <= start && start <= e->service.hi) out.segments[i].entries.push_back(e);
    }
    return out;
  }
};

// The union of the upper bounds of a profile's entries in family f (A(s).hi of allowed() over
// every entry, whatever its service): a bound on A(s).hi of each of the profile's segments.
PacketSet upper_union(const Profile& profile, Family f) {
  std::vector<Ipv4Set::Interval> o4, m4;
  std::vector<Ipv6Set::Interval> o6, m6;
  TokenSet g;
  const auto add = [&](const Entry* e) {
    if ((e->service.families & detail::family_bit(f)) == 0) return;
    const PacketSet& hi = e->peer->b.hi;
    if (f == Family::ipv4) {
      o4.insert(o4.end(), hi.o4.intervals().begin(), hi.o4.intervals().end());
      m4.insert(m4.end(), hi.m4.intervals().begin(), hi.m4.intervals().end());
    } else {
      o6.insert(o6.end(), hi.o6.intervals().begin(), hi.o6.intervals().end());
      m6.insert(m6.end(), hi.m6.intervals().begin(), hi.m6.intervals().end());
    }
    if (!hi.g.empty()) g = g.unite(hi.g);
  };
  for (const Entry* e : profile.generic) add(e);
  for (const auto& [protocol, entries] : profile.by_protocol)
    for (const Entry* e : entries) add(e);
  return PacketSet{Ipv4Set::from_unsorted(std::move(o4)), Ipv4Set::from_unsorted(std::move(m4)),
                   Ipv6Set::from_unsorted(std::move(o6)), Ipv6Set::from_unsorted(std::move(m6)),
                   std::move(g)};
}

// A class of service points alike under the profile: one protocol and a key range inside one
// segment, or (for protocols no rule names) every such protocol of the clause's services at once.
struct Piece {
  int protocol = 0;
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
  int other_protocols = 0;     // the generic class: how many protocols besides `protocol`
  Segment* segment = nullptr;  // its entries and cached sets

  const std::vector<const Entry*>& entries() const { return segment->entries; }
  std::string text() const {
    std::string out = point_text(protocol, lo, hi);
    if (other_protocols > 0) out += " and " + std::to_string(other_protocols) + " other protocols";
    return out;
  }
  bool has_family(Family f) const { return protocol_in_family(protocol, f); }
};

// Calls visit(piece) for each piece of `services` under the profile until it returns false.
template <typename Visit>
void for_each_piece(Profile& profile, const ServiceSet& services, Visit&& visit) {
  for (const int p : profile.individual) {
    const PortSet& keys = services.keys[static_cast<std::size_t>(p)];
    if (keys.empty()) continue;
    ProtocolSegments& segs = profile.segments_of(p);
    for (const auto& iv : keys.intervals()) {
      std::uint32_t start = iv.lo;
      std::size_t at =
          static_cast<std::size_t>(std::upper_bound(segs.starts.begin(), segs.starts.end(), start) -
                                   segs.starts.begin() - 1);
      while (start <= iv.hi) {
        const std::uint32_t segment_end =
            at + 1 < segs.starts.size() ? segs.starts[at + 1] - 1 : std::uint32_t{detail::kKeyMax};
        const std::uint32_t end = std::min<std::uint32_t>(segment_end, iv.hi);
        const Piece piece{p, static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end), 0,
                          &segs.segments[at]};
        if (!visit(piece)) return;
        start = end + 1;
        ++at;
      }
    }
  }
  Piece generic;
  bool any = false;
  for (int p = 0; p < 256; ++p) {
    const PortSet& keys = services.keys[static_cast<std::size_t>(p)];
    if (keys.empty() || std::find(profile.individual.begin(), profile.individual.end(), p) !=
                            profile.individual.end())
      continue;
    if (!any) {
      generic = Piece{p, keys.intervals().front().lo, keys.intervals().front().lo, 0,
                      &profile.generic_segment};
      any = true;
    } else {
      ++generic.other_protocols;
    }
  }
  if (any) visit(generic);
}

// Where a clause fires (or may): the piece and family that show it.
struct Hit {
  Tri verdict = Tri::no;
  Piece piece;
  Family family = Family::ipv4;
  // `every`: the entries of every piece judged, so that all the rules responsible are named.
  std::vector<const Entry*> every_entries;
};

// Some point of the services meets the condition. `no[f]`: the target's sums already say no in
// family f (Judge::certainly_no on UpperSums), so its segments need no look.
Hit judge_some(Profile& profile, const CompiledClause& cc, const Judge& judge,
               const bool (&no)[2]) {
  Hit hit;
  for_each_piece(profile, cc.services, [&](const Piece& piece) {
    for (const Family f : kFamilies) {
      if (!piece.has_family(f) || no[Judge::index(f)]) continue;
      const Tri t = piece.segment->verdict(judge, f);
      if (t == Tri::no || (t == Tri::unknown && hit.verdict == Tri::unknown)) continue;
      hit = Hit{t, piece, f, {}};
      if (t == Tri::yes) return false;
    }
    return true;
  });
  return hit;
}

// `every`: in one family, every point of the services (of that family) meets the condition.
Hit judge_every(Profile& profile, const CompiledClause& cc, const Judge& judge,
                const bool (&no)[2]) {
  Hit best;
  for (const Family f : kFamilies) {
    // Every piece of a family the sums rule out says no, and so would the family.
    if (judge.xhi[Judge::index(f)].empty() || no[Judge::index(f)]) continue;
    Hit hit{Tri::yes, {}, f, {}};
    bool first = true;
    for_each_piece(profile, cc.services, [&](const Piece& piece) {
      if (!piece.has_family(f)) return true;
      for (const Entry* e : piece.entries()) {
        if (std::find(hit.every_entries.begin(), hit.every_entries.end(), e) ==
            hit.every_entries.end())
          hit.every_entries.push_back(e);
      }
      const Tri t = piece.segment->verdict(judge, f);
      if (first || (t == Tri::unknown && hit.verdict == Tri::yes)) hit.piece = piece;
      first = false;
      hit.verdict = tri_and(hit.verdict, t);
      return hit.verdict != Tri::no;
    });
    if (first) continue;  // no point of the services in this family
    if (hit.verdict == Tri::yes) return hit;
    if (hit.verdict == Tri::unknown && best.verdict == Tri::no) best = hit;
  }
  return best;
}

// ---- Findings

struct TargetView {
  std::string group;      // sg-… for a group target
  std::string interface;  // eni-… for an interface target
  std::string label;      // message prefix for interfaces
  std::string vpc;
  Location location;
};

std::string first_member_text(const PacketSet& s, Family f) {
  if (f == Family::ipv4) {
    if (!s.o4.empty()) return to_string(to_cidrs(s.o4).front());
    if (!s.m4.empty()) return to_string(to_cidrs(s.m4).front());
  } else {
    if (!s.o6.empty()) return to_string(to_cidrs(s.o6).front());
    if (!s.m6.empty()) return to_string(to_cidrs(s.m6).front());
  }
  if (!s.g.empty()) return s.g.cofinite ? std::string("any group") : s.g.first();
  return {};
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Entries of the piece (in the family) whose known part meets `set`.
std::vector<const Entry*> responsible(const std::vector<const Entry*>& entries, Family f,
                                      const PacketSet& set) {
  std::vector<const Entry*> out;
  for (const Entry* e : entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    if (e->peer->b.lo.family(f).overlaps(set)) out.push_back(e);
  }
  return out;
}

// The entries of the piece whose open part might meet `x` (the clause's addresses): the rules an
// unknown finding names, the most relevant first.
std::vector<const Entry*> unresolved(const Piece& piece, Family f, const PacketSet& x) {
  std::vector<const Entry*> out, others;
  for (const Entry* e : piece.entries()) {
    if ((e->service.families & detail::family_bit(f)) != 0 && !e->peer->b.exact_known())
      (e->peer->b.hi.family(f).intersect(x).empty() ? others : out).push_back(e);
  }
  return out.empty() ? others : out;
}

class FindingBuilder {
 public:
  FindingBuilder(const Inventory& inventory, const PolicyRule& rule)
      : inventory_(inventory), rule_(rule) {}

  Finding build(const TargetView& target, const CompiledClause& cc, const Bounds& x,
                const Hit& hit) const {
    const Clause& clause = *cc.clause;
    const Family f = hit.family;
    const Bounds& a = hit.piece.segment->allowed_in(f);
    std::vector<const Entry*> rules;
    std::string peer;
    std::string message;
    const char* way = clause.direction == Direction::ingress ? "from" : "to";
    const std::string svc =
        clause.every ? "every service of " + clause.services_text : hit.piece.text();
    if (hit.verdict == Tri::unknown) {
      rules = unresolved(hit.piece, f, x.hi.family(f));
      std::vector<std::string> why = x.why;
      for (const Entry* e : rules)
        for (const std::string& w : e->peer->b.why)
          if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
      peer = rules.empty() ? first_member_text(x.hi.family(f), f) : peer_text(*rules.front());
      message = "verdict unknown: " + svc + " " + way + " " + condition_words(clause) +
                clause.addresses_text + " may be " + (clause.require ? "denied" : "allowed") +
                " by security groups (" + family_label(f) + "): " + join(why, "; ");
    } else if (clause.require) {
      const PacketSet missing = x.lo.family(f).subtract(a.hi.family(f));
      peer = first_member_text(missing, f);
      rules = responsible(hit.piece.entries(), f, x.lo.family(f));
      message = hit.piece.text() + " " + way + " " + peer + " is denied by security groups";
    } else if (clause.condition == ConditionKind::covering) {
      rules =
          responsible(clause.every ? hit.every_entries : hit.piece.entries(), f, x.hi.family(f));
      peer = rules.empty() ? first_member_text(a.lo, f) : peer_text(*rules.front());
      message = svc + " is allowed by security groups " + way + " all of " + clause.addresses_text +
                " in " + family_label(f) + " (" + peers_text(rules) + ")";
    } else if (clause.condition == ConditionKind::overlap) {
      const PacketSet w = a.lo.family(f).intersect(x.lo.family(f));
      peer = first_member_text(w, f);
      rules = responsible(hit.piece.entries(), f, w);
      message = svc + " " + way + " " + peer + " is allowed by security groups";
    } else {
      const PacketSet w = a.lo.family(f).intersect(x.lo.family(f));
      peer = first_member_text(w, f);
      rules = responsible(hit.piece.entries(), f, w);
      message = svc + " is allowed by security groups " + way + " " +
                count_text(w.address_count(f)) + " " + family_label(f) + " addresses of " +
                clause.addresses_text + ", more than a /" + std::to_string(clause.prefix) +
                (clause.condition == ConditionKind::more_than_not_all ? " but not all" : "") +
                " (" + peers_text(rules) + ")";
    }
    message += "; " + rule_.info.id + (clause.require ? " requires " : " forbids ") +
               clause.text.substr(clause.text.find(' ') + 1);
    return finish(target, hit, f, std::move(message), std::move(peer), rules, clause);
  }

 private:
  static std::string condition_words(const Clause& clause) {
    if (clause.require) return "";
    switch (clause.condition) {
      case ConditionKind::overlap:
        return "";
      case ConditionKind::covering:
        return "all of ";
      case ConditionKind::more_than:
      case ConditionKind::more_than_not_all:
        return "more than a /" + std::to_string(clause.prefix) + " of ";
    }
    return "";
  }

  static std::string count_text(u128 n) {
    if (n > u128{~std::uint64_t{0}}) return "more than 2^64";
    return std::to_string(static_cast<std::uint64_t>(n));
  }

  static std::string peers_text(const std::vector<const Entry*>& rules) {
    std::vector<std::string> parts;
    for (const Entry* e : rules) {
      if (parts.size() == 4) {
        parts.push_back("…");
        break;
      }
      std::string text = peer_text(*e);
      if (std::find(parts.begin(), parts.end(), text) == parts.end())
        parts.push_back(std::move(text));
    }
    return join(parts, ", ");
  }

  Finding finish(const TargetView& target, const Hit& hit, Family f, std::string message,
                 std::string peer, const std::vector<const Entry*>& rules,
                 const Clause& clause) const {
    Finding out;
    out.id = rule_.info.id;
    out.severity = rule_.info.severity;
    out.title = rule_.info.title;
    out.refs = rule_.info.refs;
    out.message = target.label + message;
    out.group = target.group;
    out.interface = target.interface;
    out.unknown = hit.verdict == Tri::unknown;
    out.location = target.location;
    // The rule that produces the witness is the location (a `require` finding is about what no
    // rule allows: the target); the other rules responsible are related.
    bool first = !clause.require;
    for (const Entry* e : rules) {
      if (e->rule == nullptr) continue;
      const Location loc = inventory_.location(e->rule->location);
      if (first) {
        out.location = loc;
        out.rule = e->rule->id;
        first = false;
      } else {
        out.related.push_back(loc);
      }
    }
    Witness w;
    w.protocol = protocol_name(hit.piece.protocol);
    const int key = hit.piece.lo;
    if (hit.piece.protocol == kTcp || hit.piece.protocol == kUdp) w.port = key;
    if (hit.piece.protocol == kIcmp || hit.piece.protocol == kIcmpv6) {
      w.type = key / 256;
      w.code = key % 256;
    }
    w.direction = clause.direction;
    w.peer = peer.empty() ? std::string(family_label(f)) : peer;
    out.fingerprint = clause.text + "|" + w.protocol + "|" + std::to_string(key) + "|" + w.peer;
    out.witness = std::move(w);
    return out;
  }

  const Inventory& inventory_;
  const PolicyRule& rule_;
};

// ---- Targets

bool targets_group(const PolicyRule& rule, const Group& g) {
  if (rule.targets.empty()) return true;
  for (const Target& t : rule.targets) {
    switch (t.kind) {
      case TargetKind::group:
        if (g.id == t.pattern || glob_match(t.pattern, g.name) || glob_match(t.pattern, g.id) ||
            (!g.template_name.empty() && g.template_name == t.pattern))
          return true;
        break;
      case TargetKind::tag:
        for (const Tag& tag : g.tags)
          if (tag.key == t.pattern && glob_match(t.value, tag.value)) return true;
        break;
      case TargetKind::default_group:
        if (g.name == "default") return true;
        break;
    }
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const Inventory& inventory) : model_(inventory) {}

  // Targets are independent once the groups are judged: the groups, then the classes of
  // interfaces (which need every group's verdict), are split into contiguous ranges over `jobs`
  // threads, each writing its own findings; they are merged per rule in target order, so the
  // output does not depend on `jobs`.
  void run(const std::vector<CompiledRule>& rules, std::vector<Finding>& out, Diagnostics& errors,
           unsigned jobs) {
    for (const CompiledRule& rule : rules) report_unmatched_targets(*rule.rule, errors);
    judges_by_clause_.assign(rules.size(), {});
    for (std::size_t r = 0; r < rules.size(); ++r) {
      for (const CompiledClause& cc : rules[r].clauses) {
        const bool per_vpc = uses(*cc.clause, AddressKind::vpc);
        judges_by_clause_[r].push_back(per_vpc ? nullptr : &judge_for(*cc.clause, {}));
      }
    }
    const Inventory& inv = model_.inventory();
    fired_.assign(rules.size(), std::vector<char>(inv.groups.size(), 0));
    const std::vector<InterfaceClass>& classes = interface_classes();
    std::vector<std::vector<std::vector<Finding>>> by_group, by_class;  // [part][rule]
    in_parts(inv.groups.size(), jobs, rules.size(), by_group,
             [&](std::size_t gi, std::vector<std::vector<Finding>>& found) {
               judge_group(rules, gi, found);
             });
    in_parts(classes.size(), jobs, rules.size(), by_class,
             [&](std::size_t ci, std::vector<std::vector<Finding>>& found) {
               judge_class(rules, classes[ci], found);
             });
    for (std::size_t r = 0; r < rules.size(); ++r) {
      for (auto* parts : {&by_group, &by_class})
        for (auto& part : *parts)
          for (Finding& f : part[r]) out.push_back(std::move(f));
    }
  }

 private:
  struct InterfaceClass {
    std::vector<std::int32_t> groups;  // indexes into Inventory::groups, -1 when undefined
    std::vector<std::uint32_t> members;
  };

  const std::vector<InterfaceClass>& interface_classes() {
    if (classes_) return *classes_;
    classes_.emplace();
    const Inventory& inv = model_.inventory();
    std::map<std::string, std::size_t> index;
    for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
      std::vector<std::string> groups = inv.interfaces[i].groups;
      std::sort(groups.begin(), groups.end());
      groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
      if (groups.size() < 2) continue;
      auto [it, inserted] =
          index.try_emplace(inv.interfaces[i].vpc_id + "|" + join(groups, ","), classes_->size());
      if (inserted) {
        InterfaceClass cls;
        for (const std::string& g : groups) cls.groups.push_back(model_.group_index(g));
        classes_->push_back(std::move(cls));
      }
      (*classes_)[it->second].members.push_back(i);
    }
    return *classes_;
  }

  // Calls work(i, found) for i in [0, n), in `jobs` contiguous ranges on as many threads;
  // parts[k][r] holds the findings of rule r in range k.
  template <typename Work>
  static void in_parts(std::size_t n, unsigned jobs, std::size_t rules,
                       std::vector<std::vector<std::vector<Finding>>>& parts, Work&& work) {
    const std::size_t count = std::max<std::size_t>(1, std::min<std::size_t>(jobs, n));
    parts.assign(count, std::vector<std::vector<Finding>>(rules));
    const auto range = [&](std::size_t k) {
      for (std::size_t i = n * k / count; i < n * (k + 1) / count; ++i) work(i, parts[k]);
    };
    std::vector<std::thread> threads;
    for (std::size_t k = 1; k < count; ++k) threads.emplace_back(range, k);
    range(0);
    for (std::thread& t : threads) t.join();
  }

 private:
  void report_unmatched_targets(const PolicyRule& rule, Diagnostics& errors) const {
    for (const Target& t : rule.targets) {
      if (t.kind != TargetKind::group || has_glob(t.pattern)) continue;
      const auto& groups = model_.inventory().groups;
      const bool found = std::any_of(groups.begin(), groups.end(), [&](const Group& g) {
        return g.id == t.pattern || g.name == t.pattern || g.template_name == t.pattern;
      });
      if (found) continue;
      Diagnostic d;
      d.message = "rule " + rule.info.id + ": no group of the inventory is named " + t.pattern +
                  " or has that id";
      d.location = Location{rule.location.file, t.pos.line, t.pos.column};
      d.source_line = t.source_line;
      errors.push_back(std::move(d));
    }
  }

  // The profiles of one target (both directions) and the stand-ins for the groups it carries that
  // the inventory does not define; they live while the target is judged.
  struct TargetProfiles {
    Profile profile[2];
    std::deque<Peer> peers;
    std::deque<Entry> standins;
    std::optional<PacketSet> upper_sets[2][2];  // [direction][family], see upper()

    // The union of the upper bounds of every entry of the direction in family f: a bound on
    // A(s).hi of each of the target's segments (Judge::certainly_no_within()).
    const PacketSet& upper(int d, Family f) {
      std::optional<PacketSet>& u = upper_sets[d][Judge::index(f)];
      if (!u) {
        const Profile& p = profile[d];
        u = upper_union(p, f);
      }
      return *u;
    }
  };

  // ADDRESSES of a clause as a set, per VPC when it names the VPC. Keyed by the text as written
  // (one text, one set), so that clauses alike share the set and its judge. Shared between the
  // threads: guarded by mutex_.
  const Judge& judge_for(const Clause& clause, const std::string& vpc) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const bool uses_vpc = uses(clause, AddressKind::vpc);
    auto key = std::make_pair(clause.addresses_text, uses_vpc ? vpc : std::string());
    auto it = address_cache_.find(key);
    if (it == address_cache_.end()) {
      Bounds in, ex;
      for (const AddressItem& item : clause.addresses.include)
        in = in.unite(item_bounds(item, vpc));
      for (const AddressItem& item : clause.addresses.exclude)
        ex = ex.unite(item_bounds(item, vpc));
      it = address_cache_.emplace(std::move(key), in.subtract(ex)).first;
    }
    const Bounds& x = it->second;
    const auto judge_key = std::make_tuple(&x, clause.require, static_cast<int>(clause.condition),
                                           clause.require ? 0 : clause.prefix);
    auto j = judges_.find(judge_key);
    if (j == judges_.end()) {
      const int id = static_cast<int>(judges_.size());
      j = judges_.emplace(judge_key, std::make_unique<Judge>(clause, x, id)).first;
    }
    return *j->second;
  }

  static bool uses(const Clause& clause, AddressKind kind) {
    const auto is = [kind](const AddressItem& i) { return i.kind == kind; };
    return std::any_of(clause.addresses.include.begin(), clause.addresses.include.end(), is) ||
           std::any_of(clause.addresses.exclude.begin(), clause.addresses.exclude.end(), is);
  }

  Bounds item_bounds(const AddressItem& item, const std::string& vpc_id) {
    switch (item.kind) {
      case AddressKind::cidr:
        return Bounds::exact(item.cidr.family == Family::ipv4
                                 ? PacketSet::addresses4(to_set4(item.cidr))
                                 : PacketSet::addresses6(to_set6(item.cidr)));
      case AddressKind::internet:
        return Bounds::exact(PacketSet{internet4(), {}, internet6(), {}, {}});
      case AddressKind::internet4:
        return Bounds::exact(PacketSet{internet4(), {}, {}, {}, {}});
      case AddressKind::internet6:
        return Bounds::exact(PacketSet{{}, {}, internet6(), {}, {}});
      case AddressKind::private_:
        return Bounds::exact(PacketSet{private4(), private4(), private6(), private6(), {}});
      case AddressKind::any:
        return Bounds::exact(PacketSet::everything());
      case AddressKind::prefix_list:
        return model_.prefix_list_bounds(item.name);
      case AddressKind::vpc:
        return vpc_bounds(vpc_id);
      case AddressKind::group: {
        const std::vector<const Group*> groups = model_.named(item.name);
        if (groups.empty()) {
          return Bounds{PacketSet{},
                        any_member(),
                        {"no group of the inventory is named " + item.name + " or has that id"}};
        }
        Bounds out;
        for (const Group* g : groups) out = out.unite(model_.members(g->id).b);
        return out;
      }
    }
    return {};
  }

  Bounds vpc_bounds(const std::string& vpc_id) const {
    const Vpc* vpc = model_.vpc(vpc_id);
    if (vpc == nullptr) {
      PacketSet hi = PacketSet::everything();
      hi.g = TokenSet{};
      return Bounds{
          PacketSet{},
          hi,
          {"the ranges of " + (vpc_id.empty() ? std::string("the target's VPC") : vpc_id) +
           " are not in the inventory"}};
    }
    PacketSet s;
    for (const Cidr& c : vpc->cidrs) {
      s = s.unite(c.family == Family::ipv4 ? PacketSet::addresses4(to_set4(c))
                                           : PacketSet::addresses6(to_set6(c)));
    }
    return Bounds::exact(s);
  }

  // The judge of clause c of rule r: made before the threads start unless it depends on the
  // target's VPC.
  const Judge& judge_of(std::size_t r, std::size_t c, const Clause& clause,
                        const std::string& vpc) {
    const Judge* judge = judges_by_clause_[r][c];
    return judge != nullptr ? *judge : judge_for(clause, vpc);
  }

  // The first clause that fires, else the first that may: the rule's verdict on one target.
  // `sums` (per direction, nullptr when unknown) bound every segment of the target: a clause they
  // rule out in both families is skipped without building the target's profiles (`profiles()`
  // builds them on first call), which is most clauses on most targets.
  template <typename GetProfiles>
  std::optional<Finding> judge_target(std::size_t r, const CompiledRule& rule,
                                      const TargetView& target, const UpperSums* sums,
                                      GetProfiles&& profiles, bool forbid_only) {
    std::optional<Finding> maybe;
    const FindingBuilder builder(model_.inventory(), *rule.rule);
    for (std::size_t c = 0; c < rule.clauses.size(); ++c) {
      const CompiledClause& cc = rule.clauses[c];
      const Clause& clause = *cc.clause;
      if (forbid_only && clause.require) continue;
      const Judge& judge = judge_of(r, c, clause, target.vpc);
      const int d = static_cast<int>(clause.direction);
      bool no[2] = {false, false};
      if (sums != nullptr) {
        for (const Family f : kFamilies) no[Judge::index(f)] = judge.certainly_no(sums[d], f);
        if (no[0] && no[1]) continue;
      }
      TargetProfiles& target_profiles = profiles();
      // Only counting clauses (SG105) gain: for them the sums count private ranges that X
      // excludes; covering clauses that the sums leave open mostly have the whole range.
      if (!clause.require && (clause.condition == ConditionKind::more_than ||
                              clause.condition == ConditionKind::more_than_not_all)) {
        for (const Family f : kFamilies) {
          bool& family_no = no[Judge::index(f)];
          if (!family_no) family_no = judge.certainly_no_within(target_profiles.upper(d, f), f);
        }
        if (no[0] && no[1]) continue;
      }
      Profile& prof = target_profiles.profile[d];
      const Hit hit =
          clause.every ? judge_every(prof, cc, judge, no) : judge_some(prof, cc, judge, no);
      if (hit.verdict == Tri::yes) return builder.build(target, cc, judge.x, hit);
      if (hit.verdict == Tri::unknown && !maybe) maybe = builder.build(target, cc, judge.x, hit);
    }
    return maybe;
  }

  // Every rule on one group; records which fired for the classes of interfaces.
  void judge_group(const std::vector<CompiledRule>& rules, std::size_t gi,
                   std::vector<std::vector<Finding>>& found) {
    const Inventory& inv = model_.inventory();
    const Group& g = inv.groups[gi];
    std::optional<TargetProfiles> profiles;
    std::optional<TargetView> target;
    const UpperSums sums[2] = {model_.sums(gi, Direction::ingress),
                               model_.sums(gi, Direction::egress)};
    const auto get_profiles = [&]() -> TargetProfiles& {
      if (!profiles) {
        profiles.emplace();
        for (const Direction d : {Direction::ingress, Direction::egress}) {
          Profile& p = profiles->profile[static_cast<int>(d)];
          for (const Entry& e : model_.entries(gi, d)) p.add(e);
          p.finish();
        }
      }
      return *profiles;
    };
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (!targets_group(*rules[r].rule, g)) continue;
      if (!target) target.emplace(TargetView{g.id, {}, {}, g.vpc_id, inv.location(g.location)});
      if (std::optional<Finding> f =
              judge_target(r, rules[r], *target, sums, get_profiles, false)) {
        fired_[r][gi] = 1;
        found[r].push_back(std::move(*f));
      }
    }
  }

  // Interfaces with two or more groups, grouped by VPC and groups: the union is judged once per
  // class and reported at each interface of a class that no targeted group of it already reports.
  void judge_class(const std::vector<CompiledRule>& rules, const InterfaceClass& cls,
                   std::vector<std::vector<Finding>>& found) {
    const Inventory& inv = model_.inventory();
    const Interface& first = inv.interfaces[cls.members.front()];
    std::optional<TargetProfiles> profiles;
    const auto get_profiles = [&]() -> TargetProfiles& {
      if (!profiles) {
        profiles.emplace();
        class_profile(first, Direction::ingress, *profiles);
        class_profile(first, Direction::egress, *profiles);
      }
      return *profiles;
    };
    // The class's sums are its groups' (unknown when it carries an undefined group).
    UpperSums sums[2];
    bool sums_known = true;
    for (const std::int32_t gi : cls.groups) {
      if (gi < 0) {
        sums_known = false;
        continue;
      }
      for (const Direction d : {Direction::ingress, Direction::egress})
        sums[static_cast<int>(d)].add(model_.sums(static_cast<std::size_t>(gi), d));
    }
    // Interfaces of a class have the same VPC and groups: judge once, report at each.
    const TargetView view{{}, first.id, {}, first.vpc_id, inv.location(first.location)};
    for (std::size_t r = 0; r < rules.size(); ++r) {
      bool targeted = false, reported = false;
      for (const std::int32_t gi : cls.groups) {
        if (gi < 0 || !targets_group(*rules[r].rule, inv.groups[static_cast<std::size_t>(gi)]))
          continue;
        targeted = true;
        reported = reported || fired_[r][static_cast<std::size_t>(gi)] != 0;
      }
      if (!targeted || reported) continue;
      const std::optional<Finding> f =
          judge_target(r, rules[r], view, sums_known ? sums : nullptr, get_profiles, true);
      if (!f) continue;
      const std::string where = view.location.to_string();
      for (const std::uint32_t i : cls.members) {
        const Interface& x = inv.interfaces[i];
        Finding copy = *f;
        copy.interface = x.id;
        copy.message =
            x.id + ", over the union of its groups " + join(x.groups, ", ") + ": " + f->message;
        if (copy.location.to_string() == where) copy.location = inv.location(x.location);
        found[r].push_back(std::move(copy));
      }
    }
  }

  void class_profile(const Interface& x, Direction d, TargetProfiles& profiles) const {
    Profile& p = profiles.profile[static_cast<int>(d)];
    for (const std::string& gid : x.groups) {
      const std::int32_t gi = model_.group_index(gid);
      if (gi < 0) {
        const Peer& peer = profiles.peers.emplace_back(
            Bounds{PacketSet{},
                   PacketSet::everything(),
                   {x.id + " carries " + gid + ", which is not in the inventory"}});
        p.add(profiles.standins.emplace_back(Entry{ServiceMatch{}, &peer, nullptr, gid}));
        continue;
      }
      for (const Entry& e : model_.entries(static_cast<std::size_t>(gi), d)) p.add(e);
    }
    p.finish();
  }

  Model model_;
  std::mutex mutex_;  // guards the caches below
  std::map<std::pair<std::string, std::string>, Bounds> address_cache_;
  std::map<std::tuple<const Bounds*, bool, int, int>, std::unique_ptr<Judge>> judges_;
  std::vector<std::vector<char>> fired_;  // [rule][group]: the group's own finding exists
  std::vector<std::vector<const Judge*>> judges_by_clause_;  // [rule][clause], null: per VPC
  std::optional<std::vector<InterfaceClass>> classes_;
};

}  // namespace

std::vector<CompiledRule> compile_rules(const PolicyFile& file) {
  std::vector<CompiledRule> out;
  for (const PolicyRule& rule : file.rules) {
    CompiledRule compiled{&rule, {}};
    for (const Clause& clause : rule.clauses) {
      ServiceSet include, exclude;
      for (const Service& s : clause.services.include) include = include.unite(ServiceSet::of(s));
      for (const Service& s : clause.services.exclude) exclude = exclude.unite(ServiceSet::of(s));
      compiled.clauses.push_back(CompiledClause{&clause, include.subtract(exclude)});
    }
    out.push_back(std::move(compiled));
  }
  return out;
}

void evaluate_rules(const std::vector<CompiledRule>& rules, const Inventory& inventory,
                    std::vector<Finding>& out, Diagnostics& errors, unsigned jobs) {
  Evaluator evaluator(inventory);
  evaluator.run(rules, out, errors, jobs);
}

}  // namespace sgcheck::policy
