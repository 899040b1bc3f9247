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
#include <charconv>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "atoms/text.h"
#include "check/violation.h"
#include "policy/evaluate.h"
#include "semantics/regions.h"
#include "semantics/semantics.h"
#include "semantics/service.h"
#include "sgcheck/ranges.h"

namespace sgcheck::policy {
namespace {

using detail::join;

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
  // The fields every rule naming the peer reads while the model is built come first, together,
  // so that the rules' pass over the inventory touches one or two cache lines of the peer.
  // Its index in Model::peers(), set when a rule of the inventory first uses it; -1 for the
  // stand-ins of one target (their memory is reused by the next target's).
  mutable std::int32_t serial = -1;
  // [0 lower, 1 upper bound][0 IPv4, 1 IPv6]: its outside and member addresses are the same
  // (a CIDR's are), so that a union of such peers' member parts is that of their outside parts.
  bool same_parts[2][2] = {{false, false}, {false, false}};
  u128 hi_outside[2] = {0, 0};
  u128 hi_members[2] = {0, 0};
  Bounds b;
  // A CIDR's text, as findings name it (set for the interned CIDRs; empty for the others).
  std::string cidr_text;
  // A stand-in's group id (in the inventory): kept here, not in each Entry, which stays small.
  const Name* standin = nullptr;

  explicit Peer(Bounds bounds) : b(std::move(bounds)) {
    hi_outside[0] = b.hi.o4.size();
    hi_members[0] = b.hi.m4.size();
    hi_outside[1] = b.hi.o6.size();
    hi_members[1] = b.hi.m6.size();
    same_parts[0][0] = b.lo.o4 == b.lo.m4;
    same_parts[0][1] = b.lo.o6 == b.lo.m6;
    same_parts[1][0] = b.hi.o4 == b.hi.m4;
    same_parts[1][1] = b.hi.o6 == b.hi.m6;
  }
};

struct Entry {
  ServiceMatch service;
  const Peer* peer = nullptr;
  const Rule* rule = nullptr;  // nullptr for a stand-in (its peer names the group)
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
  if (e.rule == nullptr) return e.peer->standin->str();
  const PeerKind kind = e.rule->peer.kind;
  if (kind != PeerKind::cidr4 && kind != PeerKind::cidr6) return e.rule->peer.id.str();
  // The interned peer of the rule's CIDR has its text (a rule with an open service has a peer
  // of its own, without).
  return e.peer->cidr_text.empty() ? to_string(e.rule->peer.cidr) : e.peer->cidr_text;
}

// "EC2 Instance Connect, us-east-1 (18.206.107.24/29)" for a block that AWS publishes as the one
// range of a service in a Region (ranges.h); any other text as it is.
std::string named_range(std::string text) {
  const std::size_t slash = text.rfind('/');
  if (slash == std::string::npos) return text;
  // A block wider than AWS's, as written (mostly the internet): its text, without parsing it.
  const bool ipv6 = text.find(':') != std::string::npos;
  int written = 0;
  const char* digits = text.data() + slash + 1;
  const auto [end, error] = std::from_chars(digits, text.data() + text.size(), written);
  if (error == std::errc() && end == text.data() + text.size() && written < (ipv6 ? 16 : 8))
    return text;
  const ValueResult<Cidr> cidr = parse_cidr(text);
  // AWS's ranges are /8 and narrower (/16 in IPv6): the internet and the like, in most findings,
  // need no look at the snapshot.
  if (!cidr || cidr->prefix < (cidr->family == Family::ipv4 ? 8 : 16)) return text;
  const std::string title = aws_range_title(aws_ranges(), *cidr);
  return title.empty() ? text : title + " (" + text + ")";
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

bool glob_match(const std::string& pattern, Name text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

// ---- The inventory as policies see it

class Model {
 public:
  // Groups are found by index (Semantics::group_index()): one hash lookup per id, not one per use.
  explicit Model(const detail::Semantics& semantics)
      : inventory_(semantics.inventory()), semantics_(semantics) {
    const Inventory& inventory = inventory_;
    members_of_.resize(inventory.groups.size());
    member_peers_.resize(inventory.groups.size());
    interface_groups_at_.reserve(inventory.interfaces.size() + 1);
    interface_groups_at_.push_back(0);
    for (std::uint32_t i = 0; i < inventory.interfaces.size(); ++i) {
      for (const Name& g : inventory.interfaces[i].groups) {
        const std::int32_t gi = group_index(g);
        interface_groups_.push_back(gi);
        if (gi >= 0) members_of_[static_cast<std::size_t>(gi)].push_back(i);
      }
      interface_groups_at_.push_back(static_cast<std::uint32_t>(interface_groups_.size()));
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
  // Every peer the inventory's entries use, by Peer::serial.
  const std::vector<const Peer*>& peers() const { return peers_; }
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
    const std::uint32_t gi = semantics_.group_index(id);
    return gi == detail::Semantics::kAbsent ? -1 : static_cast<std::int32_t>(gi);
  }
  // group_index() of each of interface i's groups, in its order.
  std::span<const std::int32_t> interface_groups(std::size_t i) const {
    return {interface_groups_.data() + interface_groups_at_[i],
            interface_groups_.data() + interface_groups_at_[i + 1]};
  }

  // The members of a group: the group's token (the symbolic set "the members of X, now and
  // later", which a reference always admits, product.md §6), with the current members' addresses
  // (delegated prefixes included) when the inventory has interfaces; for a group the inventory
  // does not define, the token and, possibly, anything else.
  const Peer& members(Name id) { return members_at(group_index(id), id); }
  // The same for the group at index gi (group_index(id)), computed once.
  const Peer& members_at(std::int32_t gi, Name id) {
    if (gi < 0) {
      auto it = undefined_members_.find(id);
      if (it != undefined_members_.end()) return it->second;
      return undefined_members_.emplace(id, Peer(compute_members(gi, id))).first->second;
    }
    std::unique_ptr<Peer>& peer = member_peers_[static_cast<std::size_t>(gi)];
    if (!peer) peer = std::make_unique<Peer>(compute_members(gi, id));
    return *peer;
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

  const Vpc* vpc(Name id) const { return inventory_.find_vpc(id); }

 private:
  Bounds compute_members(std::int32_t gi, Name id) const {
    PacketSet token{{}, {}, {}, {}, TokenSet::of(id.str())};
    if (gi < 0) return Bounds{std::move(token), any_member(), {id + " is not in the inventory"}};
    if (inventory_.interfaces.empty()) return Bounds::exact(std::move(token));
    std::vector<Ipv4Set::Interval> a4;
    std::vector<Ipv6Set::Interval> a6;
    bool complete = true;
    {
      for (const std::uint32_t i : members_of_[static_cast<std::size_t>(gi)]) {
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
    PacketSet known = PacketSet::members(Ipv4Set::from_unsorted(std::move(a4)),
                                         Ipv6Set::from_unsorted(std::move(a6)));
    known.g = std::move(token.g);
    if (complete) return Bounds::exact(std::move(known));
    // A member without addresses may have any address; the token is the group's own either way.
    PacketSet possible = known;
    possible.m4 = Ipv4Set::all();
    possible.m6 = Ipv6Set::all();
    return Bounds{std::move(known),
                  std::move(possible),
                  {"some members of " + id + " have no addresses in the inventory"}};
  }

  // `gi` is the index of the rule's group; nullptr when the rule can match nothing.
  const Peer* peer_of(std::size_t gi, const Rule& rule) {
    switch (rule.peer.kind) {
      case PeerKind::cidr4:
      case PeerKind::cidr6: {
        // Interned: inventories repeat their CIDRs (offices, VPC ranges) across many rules.
        const Cidr& c = rule.peer.cidr;
        const CidrKey key{c.base, static_cast<int>(c.family) * 256 + int{c.prefix}};
        auto it = cidr_cache_.find(key);
        if (it == cidr_cache_.end()) {
          it = cidr_cache_
                   .emplace(key, Peer(Bounds::exact(c.family == Family::ipv4
                                                        ? PacketSet::addresses4(to_set4(c))
                                                        : PacketSet::addresses6(to_set6(c)))))
                   .first;
          it->second.cidr_text = to_string(c);
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
      case PeerKind::group: {
        // References across an active peering can match, as in the engine (not only when the
        // rule itself carries PeeringStatus "active").
        const std::int32_t t = group_index(rule.peer.id);
        const std::uint32_t target =
            t < 0 ? detail::Semantics::kAbsent : static_cast<std::uint32_t>(t);
        if (!semantics_.can_match(static_cast<std::uint32_t>(gi), rule, target)) return nullptr;
        return &members_at(t, rule.peer.id);
      }
    }
    return nullptr;
  }

  void build_entries(std::size_t gi) {
    const Group& group = inventory_.groups[gi];
    // Reserved to size: most rules of a group become entries.
    std::size_t ingress = 0;
    for (const Rule& rule : group.rules) ingress += rule.direction == Direction::ingress ? 1 : 0;
    entries_[gi][static_cast<int>(Direction::ingress)].reserve(ingress);
    entries_[gi][static_cast<int>(Direction::egress)].reserve(group.rules.size() - ingress);
    for (const Rule& rule : group.rules) {
      Entry e;
      if (!rule.valid) continue;
      // An unresolved protocol or port, or an undecided template condition (rule_uncertain()):
      // the rule might allow what it could match, so its peer counts only in the upper bound,
      // with the reason (docs/iac.md).
      const detail::RuleServiceKind kind = detail::service_of(rule, e.service);
      if (kind == detail::RuleServiceKind::none) continue;
      const bool open = kind == detail::RuleServiceKind::uncertain;
      e.peer = peer_of(gi, rule);
      if (e.peer == nullptr) continue;  // a stale reference matches nothing
      if (open) {
        Bounds b{PacketSet{}, e.peer->b.hi, e.peer->b.why};
        if (service_unresolved(rule)) {
          b.why.push_back("the " + unresolved_service_text(rule) + " of a rule of " + group.id +
                          " is not known before deployment");
        }
        if (rule_conditional(rule)) {
          b.why.push_back("a rule of " + group.id + " exists " + rule_condition_text(rule));
        }
        e.peer = &cidr_peers_.emplace_back(std::move(b));
      }
      e.rule = &rule;
      if (e.peer->serial < 0) {
        e.peer->serial = static_cast<std::int32_t>(peers_.size());
        peers_.push_back(e.peer);
      }
      entries_[gi][static_cast<int>(rule.direction)].push_back(std::move(e));
    }
  }

 public:
  // The addresses of `cidrs`, from outside and as members alike (a prefix list's entries,
  // AWS's ranges of a service).
  static Bounds cidrs_bounds(const std::vector<Cidr>& cidrs) {
    std::vector<Ipv4Set::Interval> a4;
    std::vector<Ipv6Set::Interval> a6;
    for (const Cidr& c : cidrs) {
      if (c.family == Family::ipv4) {
        a4.push_back({static_cast<std::uint32_t>(c.first()), static_cast<std::uint32_t>(c.last())});
      } else {
        a6.push_back({c.first(), c.last()});
      }
    }
    const Ipv4Set s4 = Ipv4Set::from_unsorted(std::move(a4));
    const Ipv6Set s6 = Ipv6Set::from_unsorted(std::move(a6));
    return Bounds::exact(PacketSet{s4, s4, s6, s6, {}});
  }

  Bounds prefix_list_bounds(Name id) const {
    const PrefixList* pl = semantics_.find_prefix_list(id);
    if (pl != nullptr && pl->entries_known) return cidrs_bounds(pl->entries);
    PacketSet hi = PacketSet::everything();
    hi.g = TokenSet{};
    if (pl != nullptr && pl->family) hi = hi.family(*pl->family);
    return Bounds{PacketSet{}, hi, {"prefix list " + id + " has no entries in the inventory"}};
  }

 private:
  const Inventory& inventory_;
  const detail::Semantics& semantics_;
  std::vector<const Peer*> peers_;                      // by serial
  std::vector<std::vector<std::uint32_t>> members_of_;  // by group index: interface indexes
  std::vector<std::array<std::vector<Entry>, 2>> entries_;
  std::vector<std::array<UpperSums, 2>> sums_;
  std::vector<std::int32_t> interface_groups_;               // see interface_groups()
  std::vector<std::uint32_t> interface_groups_at_;           // interface i's are [at[i], at[i + 1])
  std::vector<std::unique_ptr<Peer>> member_peers_;          // by group index, on first use
  std::unordered_map<Name, Peer> undefined_members_;  // node-based: references stay valid
  std::unordered_map<Name, Peer> prefix_list_cache_;
  struct CidrKey {
    u128 base;
    int family_prefix;  // family * 256 + prefix
    bool operator==(const CidrKey&) const = default;
  };
  struct CidrKeyHash {
    std::size_t operator()(const CidrKey& k) const {
      const auto lo = static_cast<std::uint64_t>(k.base),
                 hi = static_cast<std::uint64_t>(k.base >> 64);
      std::uint64_t h =
          (lo ^ (hi * 0x9e3779b97f4a7c15ull) ^ static_cast<std::uint64_t>(k.family_prefix)) *
          0xbf58476d1ce4e5b9ull;
      return static_cast<std::size_t>(h ^ (h >> 31));
    }
  };
  // Node-based: references stay valid.
  std::unordered_map<CidrKey, Peer, CidrKeyHash> cidr_cache_;
  std::deque<Peer> cidr_peers_;  // the rules' own (open services)
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
      const int i = index(f);
      xlo[i] = x.lo.family(f);
      xhi[i] = x.hi.family(f);
      need_outside[i] = f == Family::ipv4 ? xlo[i].o4.size() : xlo[i].o6.size();
      need_members[i] = f == Family::ipv4 ? xlo[i].m4.size() : xlo[i].m6.size();
      const auto no_members = [f](const PacketSet& s) {
        return (f == Family::ipv4 ? s.m4.empty() : s.m6.empty()) && s.g.empty();
      };
      members[i] = !no_members(xlo[i]) || !no_members(xhi[i]);
    }
  }
  static int index(Family f) { return f == Family::ipv4 ? 0 : 1; }

  bool require;
  ConditionKind condition;
  int prefix;
  const Bounds& x;  // ADDRESSES
  int id;
  PacketSet xlo[2], xhi[2];
  // The sizes of xlo's outside and member parts: what certainly_no() asks of every target.
  u128 need_outside[2] = {0, 0};
  u128 need_members[2] = {0, 0};
  // Whether X has member addresses (or group tokens) in the family. Without them, every test of
  // A(s) meets or compares A(s)'s member parts with X's empty ones: A(s) is built without them
  // (see allowed()), which skips uniting the members of the groups that rules reference.
  bool members[2] = {true, true};
  // A counting judge made before the threads start: per Peer::serial and family, the addresses
  // of the peer's upper bound within X (see Evaluator::prepare_counts()); null otherwise.
  const std::vector<std::array<u128, 2>>* peer_counts = nullptr;
  // A covering judge made before the threads start: per Peer::serial and family, whether the
  // peer's lower bound alone holds X's upper bound; null otherwise.
  const std::vector<std::array<char, 2>>* peer_covers = nullptr;

  // `yes` for a covering judge when one entry's known part already covers X: A(s).lo holds it,
  // which is the first test of covers(). False when it cannot tell.
  bool one_covers(std::span<const Entry* const> entries, Family f) const {
    if (peer_covers == nullptr || xhi[index(f)].empty() || xlo[index(f)].empty()) return false;
    for (const Entry* e : entries) {
      if ((e->service.families & detail::family_bit(f)) == 0 || e->peer->serial < 0) continue;
      if ((*peer_covers)[static_cast<std::size_t>(e->peer->serial)][index(f)] != 0) return true;
    }
    return false;
  }

  // The most addresses a `more than /N` condition allows before it holds, in family f; nullopt
  // when /N is longer than the family's addresses (the condition never holds).
  std::optional<u128> count_limit(Family f) const {
    const int width = f == Family::ipv4 ? 32 : 128;
    if (prefix > width) return std::nullopt;
    return prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - prefix);
  }

  // `no` for a counting judge on a set of entries whose upper bounds, each taken within X, sum
  // to no more than the limit: the union A(s).hi ∩ X counts no more than the sum, so more_than()
  // says no (and `yes` needs A(s).lo ∩ X.lo, a subset). False when it cannot tell (a stand-in).
  bool counts_say_no(std::span<const Entry* const> entries, Family f) const {
    if (peer_counts == nullptr) return false;
    const std::optional<u128> limit = count_limit(f);
    if (!limit) return true;
    u128 sum = 0;
    for (const Entry* e : entries) {
      if ((e->service.families & detail::family_bit(f)) == 0) continue;
      if (e->peer->serial < 0) return false;
      sum =
          saturating_add(sum, (*peer_counts)[static_cast<std::size_t>(e->peer->serial)][index(f)]);
      if (sum > *limit) return false;
    }
    return true;
  }

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
  // no verdict; most targets of a realistic inventory are decided here. (Segment::certainly_no()
  // sums a segment's entries once for every judge.)
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
      return (need_outside[i] > 0 && outside < need_outside[i]) ||
             (need_members[i] > 0 && members < need_members[i]);
    }
    const int width = f == Family::ipv4 ? 32 : 128;
    if (prefix > width) return true;
    const u128 limit = prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - prefix);
    return saturating_add(outside, members) <= limit;
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

// The union of one part (outside or member addresses of one family) of the sets `part` picks
// from the entries' peers that carry family f.
template <typename Set, typename Part>
Set unite_part(std::span<const Entry* const> entries, Family f, Part part) {
  // Sized first: one allocation, not one per doubling.
  std::size_t total = 0;
  for (const Entry* e : entries)
    if ((e->service.families & detail::family_bit(f)) != 0)
      total += part(e->peer->b).intervals().size();
  std::vector<typename Set::Interval> all;
  all.reserve(total);
  for (const Entry* e : entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    const auto& intervals = part(e->peer->b).intervals();
    all.insert(all.end(), intervals.begin(), intervals.end());
  }
  return Set::from_unsorted(std::move(all));
}

// A(s) of a set of entries in one family: its bounds only (nothing reads the reasons of A(s):
// findings name the reasons of the entries they blame). When every peer is known exactly, the
// upper bound is the lower one and is not computed twice. Without `members`, the member parts
// (addresses and group tokens) are left empty: for judges whose X has none (Judge::members).
Bounds allowed(std::span<const Entry* const> entries, Family f, bool members = true) {
  TokenSet lo_g, hi_g;
  bool exact = true;
  bool same[2] = {true, true};  // every peer's Peer::same_parts, lower and upper, in family f
  const int fi = f == Family::ipv4 ? 0 : 1;
  for (const Entry* e : entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    const Bounds& b = e->peer->b;
    exact = exact && b.exact_known();
    same[0] = same[0] && e->peer->same_parts[0][fi];
    same[1] = same[1] && e->peer->same_parts[1][fi];
    // Group tokens are member parts too: without `members`, X has none for them to meet.
    if (!members) continue;
    if (!b.lo.g.empty()) lo_g = lo_g.unite(b.lo.g);
    if (!b.hi.g.empty()) hi_g = hi_g.unite(b.hi.g);
  }
  const auto side = [&](bool upper, TokenSet g) {
    const auto pick = [upper](const Bounds& b) -> const PacketSet& { return upper ? b.hi : b.lo; };
    // Where every peer has the same outside and member parts, so do their unions.
    const bool one = same[upper ? 1 : 0];
    if (f == Family::ipv4) {
      Ipv4Set o = unite_part<Ipv4Set>(
          entries, f, [&](const Bounds& b) -> const Ipv4Set& { return pick(b).o4; });
      Ipv4Set m = !members ? Ipv4Set{}
                  : one    ? o
                        : unite_part<Ipv4Set>(entries, f, [&](const Bounds& b) -> const Ipv4Set& {
                            return pick(b).m4;
                          });
      return PacketSet{std::move(o), std::move(m), {}, {}, std::move(g)};
    }
    Ipv6Set o = unite_part<Ipv6Set>(entries, f,
                                    [&](const Bounds& b) -> const Ipv6Set& { return pick(b).o6; });
    Ipv6Set m = !members ? Ipv6Set{}
                : one    ? o
                         : unite_part<Ipv6Set>(entries, f, [&](const Bounds& b) -> const Ipv6Set& {
                          return pick(b).m6;
                        });
    return PacketSet{{}, {}, std::move(o), std::move(m), std::move(g)};
  };
  Bounds out;
  out.lo = side(false, std::move(lo_g));
  out.hi = exact ? out.lo : side(true, std::move(hi_g));
  return out;
}

// The service matches every key of its protocols.
bool every_key(const ServiceMatch& m) {
  return m.lo == 0 && m.hi == detail::kKeyMax;
}

// An elementary class of service points of one protocol under a target's profile: every entry of
// the profile matches either all of its keys or none. A(s) and each judge's verdict are computed
// once per segment and family, on first use, and shared by every rule and clause judged on the
// target (before, each clause recomputed A(s) for each of its pieces).
// A(s) of a set of peers in one family, and the verdicts of the judges on it (judge id →
// verdict): what a segment's entries give, shared by every segment of every target whose entries
// have the same peers in that family.
struct PeerSetInfo {
  Bounds allowed;
  std::vector<std::pair<int, Tri>> verdicts;
};

// PeerSetInfo by (family, the sorted peers' serials). One per thread: targets judged on one
// thread share it, so that the sets inventories repeat (a prefix list, an office range) are
// united and judged once, not once per target.
class PeerSetCache {
 public:
  // The info of the entries' peers that carry family f, with A(s)'s member parts or without
  // (see allowed()); null when a stand-in is among them (its peer has no serial and lives only
  // while its target is judged).
  PeerSetInfo* find(std::span<const Entry* const> entries, Family f, bool members) {
    key_.clear();
    key_.push_back(Judge::index(f) + (members ? 2 : 0));
    for (const Entry* e : entries) {
      if ((e->service.families & detail::family_bit(f)) == 0) continue;
      if (e->peer->serial < 0) return nullptr;
      key_.push_back(e->peer->serial);
    }
    std::sort(key_.begin() + 1, key_.end());
    key_.erase(std::unique(key_.begin() + 1, key_.end()), key_.end());
    auto [it, inserted] = sets_.try_emplace(key_);
    if (inserted)
      it->second = std::make_unique<PeerSetInfo>(PeerSetInfo{allowed(entries, f, members), {}});
    return it->second.get();
  }

 private:
  struct KeyHash {
    std::size_t operator()(const std::vector<std::int32_t>& key) const {
      std::uint64_t h = 1469598103934665603ull;
      for (const std::int32_t v : key) h = (h ^ static_cast<std::uint32_t>(v)) * 1099511628211ull;
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };
  std::vector<std::int32_t> key_;
  std::unordered_map<std::vector<std::int32_t>, std::unique_ptr<PeerSetInfo>, KeyHash> sets_;
};

struct Segment {
  // The entries that match the segment's points (in ProtocolSegments::pool or Profile::generic).
  std::span<const Entry* const> entries;
  PeerSetCache* cache = nullptr;
  // From `cache`, once looked up: [family index][without, with A(s)'s member parts].
  PeerSetInfo* shared[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};
  bool looked_up[2][2] = {{false, false}, {false, false}};
  std::unique_ptr<Bounds> allowed_sets[2];    // without a shared info (stand-ins)
  std::optional<UpperSums> upper_sums;        // of `entries`, for Judge::certainly_no()
  std::vector<std::pair<int, Tri>> verdicts;  // judge id * 2 + family index → verdict

  // Makes the segment a fresh one of `of` (for another target), keeping its buffers.
  void reset(std::span<const Entry* const> of, PeerSetCache* sets) {
    entries = of;
    cache = sets;
    shared[0][0] = shared[0][1] = shared[1][0] = shared[1][1] = nullptr;
    looked_up[0][0] = looked_up[0][1] = looked_up[1][0] = looked_up[1][1] = false;
    allowed_sets[0].reset();
    allowed_sets[1].reset();
    upper_sums.reset();
    verdicts.clear();
  }

  PeerSetInfo* info(Family f, bool members) {
    const int i = Judge::index(f);
    if (!looked_up[i][members]) {
      looked_up[i][members] = true;
      if (cache != nullptr) shared[i][members] = cache->find(entries, f, members);
    }
    return shared[i][members];
  }
  // A(s) as the judge reads it: without the member parts when its X has none.
  const Bounds& allowed_for(const Judge& judge, Family f) {
    if (PeerSetInfo* s = info(f, judge.members[Judge::index(f)])) return s->allowed;
    return allowed_in(f);
  }
  // A(s) in full.
  const Bounds& allowed_in(Family f) {
    if (PeerSetInfo* s = info(f, true)) return s->allowed;
    std::unique_ptr<Bounds>& a = allowed_sets[Judge::index(f)];
    if (!a) a = std::make_unique<Bounds>(allowed(entries, f));
    return *a;
  }
  Tri verdict(const Judge& judge, Family f) {
    const int key = judge.id * 2 + Judge::index(f);
    for (const auto& [id, t] : verdicts)
      if (id == key) return t;
    const Tri t = judge.counts_say_no(entries, f) || certainly_no(judge, f) ? Tri::no
                  : judge.one_covers(entries, f)                            ? Tri::yes
                                                                            : judged(judge, f);
    verdicts.emplace_back(key, t);
    return t;
  }
  // judge.certainly_no(entries, f), with the entries summed once.
  bool certainly_no(const Judge& judge, Family f) {
    if (!judge.sums_can_decide()) return false;
    if (!upper_sums) {
      upper_sums.emplace();
      for (const Entry* e : entries) upper_sums->add(*e);
    }
    return judge.certainly_no(*upper_sums, f);
  }
  // judge.judge(A(s)), shared between the segments of the same peers.
  Tri judged(const Judge& judge, Family f) {
    PeerSetInfo* s = info(f, judge.members[Judge::index(f)]);
    if (s == nullptr) return judge.judge(allowed_in(f), f);
    for (const auto& [id, t] : s->verdicts)
      if (id == judge.id) return t;
    const Tri t = judge.judge(s->allowed, f);
    s->verdicts.emplace_back(judge.id, t);
    return t;
  }
};

// The segments of one protocol's keys [0, kKeyMax], by first key.
struct ProtocolSegments {
  bool built = false;                 // for the current target
  std::vector<std::uint32_t> starts;  // ascending, starts[0] == 0
  // The first starts.size() are the protocol's; any after them are kept from earlier targets.
  std::vector<Segment> segments;
  std::vector<const Entry*> pool;  // the segments' entries, one run each
  // Set when no entry names the protocol and the generic entries match every key: its one
  // segment is then the profile's generic segment (same entries, so the same verdicts), which
  // it shares rather than copying the entries and judging them again.
  Segment* generic = nullptr;

  Segment* segment(std::size_t i) { return generic != nullptr ? generic : &segments[i]; }
};

// A target's entries in one direction, by protocol, and their segments (built on first use).
// One per thread and direction, reset for each target: targets reuse its buffers, so that judging
// one allocates little (by protocol number: arrays, not maps).
struct Profile {
  PeerSetCache* cache = nullptr;      // the thread's, for the segments
  std::vector<const Entry*> generic;  // protocol -1: every protocol
  std::array<std::vector<const Entry*>, 256> by_protocol;
  std::vector<int> named;       // the protocols whose by_protocol holds entries
  std::vector<int> individual;  // see finish()
  std::array<bool, 256> is_individual{};
  Segment generic_segment;  // the protocols no rule names: the generic entries only
  std::array<ProtocolSegments, 256> protocols;
  std::vector<int> built;       // the protocols whose segments are built
  bool generic_covers = false;  // every generic entry matches every key (see finish())

  // Empties the profile for another target.
  void reset(PeerSetCache* sets) {
    cache = sets;
    generic.clear();
    for (const int p : named) by_protocol[static_cast<std::size_t>(p)].clear();
    named.clear();
    for (const int p : individual) is_individual[static_cast<std::size_t>(p)] = false;
    individual.clear();
    for (const int p : built) protocols[static_cast<std::size_t>(p)].built = false;
    built.clear();
  }

  void add(const Entry& e) {
    if (e.service.protocol == -1) {
      generic.push_back(&e);
      return;
    }
    std::vector<const Entry*>& entries = by_protocol[static_cast<std::size_t>(e.service.protocol)];
    if (entries.empty()) named.push_back(e.service.protocol);
    entries.push_back(&e);
  }

  // The protocols judged one by one: tcp, udp, icmp, icmpv6 first (witnesses read best there),
  // then every protocol some rule names, in order; the rest form one generic class.
  void finish() {
    individual.assign({kTcp, kUdp, kIcmp, kIcmpv6});
    std::sort(named.begin(), named.end());
    for (const int p : named)
      if (std::find(individual.begin(), individual.end(), p) == individual.end())
        individual.push_back(p);
    for (const int p : individual) is_individual[static_cast<std::size_t>(p)] = true;
    generic_segment.reset(generic, cache);
    generic_covers = std::all_of(generic.begin(), generic.end(),
                                 [](const Entry* e) { return every_key(e->service); });
  }

  ProtocolSegments& segments_of(int p) {
    ProtocolSegments& out = protocols[static_cast<std::size_t>(p)];
    if (out.built) return out;
    out.built = true;
    built.push_back(p);
    out.starts.clear();
    out.pool.clear();
    out.generic = nullptr;
    const std::vector<const Entry*>& own = by_protocol[static_cast<std::size_t>(p)];
    if (own.empty() && generic_covers) {
      // One segment, [0, kKeyMax], of the generic entries: most targets name few protocols.
      out.starts.push_back(0);
      out.generic = &generic_segment;
      return out;
    }
    // Scratch kept per thread: every target builds a few of these, of similar sizes.
    thread_local std::vector<const Entry*> entries;
    thread_local std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
    thread_local std::vector<std::uint32_t> sizes;
    entries.assign(generic.begin(), generic.end());
    entries.insert(entries.end(), own.begin(), own.end());
    // Written by index (push_back was not inlined). An entry of every key adds no boundary (0 is
    // one; kKeyMax + 1 is none) and is in every segment: most generic entries are such.
    out.starts.resize(2 * entries.size() + 1);
    std::size_t count = 0;
    out.starts[count++] = 0;
    for (const Entry* e : entries) {
      if (every_key(e->service)) continue;
      out.starts[count++] = e->service.lo;
      out.starts[count++] = std::uint32_t{e->service.hi} + 1;
    }
    out.starts.resize(count);
    std::sort(out.starts.begin(), out.starts.end());
    out.starts.erase(std::unique(out.starts.begin(), out.starts.end()), out.starts.end());
    while (out.starts.back() > detail::kKeyMax) out.starts.pop_back();
    const std::size_t n = out.starts.size();
    if (out.segments.size() < n) out.segments.resize(n);
    // Entry e is in the segments whose start lies in [lo, hi]: a run [first, last] of them, found
    // by binary search (lo is a start). Filled in the entries' order, as the findings name them.
    runs.resize(entries.size());
    sizes.assign(n + 1, 0);
    for (std::size_t k = 0; k < entries.size(); ++k) {
      const ServiceMatch& m = entries[k]->service;
      if (every_key(m)) {
        runs[k] = {0, static_cast<std::uint32_t>(n)};
        ++sizes[0];
        --sizes[n];
        continue;
      }
      const auto first = static_cast<std::uint32_t>(
          std::lower_bound(out.starts.begin(), out.starts.end(), std::uint32_t{m.lo}) -
          out.starts.begin());
      const auto end = static_cast<std::uint32_t>(
          std::upper_bound(out.starts.begin(), out.starts.end(), std::uint32_t{m.hi}) -
          out.starts.begin());
      runs[k] = {first, end};
      ++sizes[first];
      --sizes[end];
    }
    // sizes[i] becomes segment i's offset in the pool, then its end as it is filled (and so the
    // offset of segment i + 1).
    std::uint32_t size = 0, offset = 0;
    for (std::size_t i = 0; i < n; ++i) {
      size += sizes[i];
      sizes[i] = offset;
      offset += size;
    }
    out.pool.resize(offset);
    for (std::size_t k = 0; k < entries.size(); ++k)
      for (std::uint32_t i = runs[k].first; i < runs[k].second; ++i)
        out.pool[sizes[i]++] = entries[k];
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t begin = i == 0 ? 0 : sizes[i - 1];
      out.segments[i].reset(
          std::span<const Entry* const>(out.pool.data() + begin, sizes[i] - begin), cache);
    }
    return out;
  }
};

// A class of service points alike under the profile: one protocol and a key range inside one
// segment, or (for protocols no rule names) every such protocol of the clause's services at once.
struct Piece {
  int protocol = 0;
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
  int other_protocols = 0;     // the generic class: how many protocols besides `protocol`
  Segment* segment = nullptr;  // its entries and cached sets

  std::span<const Entry* const> entries() const { return segment->entries; }
  std::string text() const {
    std::string out = point_text(protocol, lo, hi);
    if (other_protocols > 0) out += " and " + std::to_string(other_protocols) + " other protocols";
    return out;
  }
  bool has_family(Family f) const { return protocol_in_family(protocol, f); }
};

// Calls visit(piece) for each piece of the clause's services under the profile until it returns
// false.
template <typename Visit>
void for_each_piece(Profile& profile, const CompiledClause& cc, Visit&& visit) {
  const ServiceSet& services = cc.services;
  for (const int p : profile.individual) {
    const PortSet& keys = services.keys(p);
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
                          segs.segment(at)};
        if (!visit(piece)) return;
        start = end + 1;
        ++at;
      }
    }
  }
  Piece generic;
  bool any = false;
  for (const int p : cc.protocols) {
    const PortSet& keys = services.keys(p);
    if (profile.is_individual[static_cast<std::size_t>(p)]) continue;
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
  for_each_piece(profile, cc, [&](const Piece& piece) {
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

// Sorts a violation's parts into normalise_parts()'s order (family, protocol, first key, maybe);
// many parts are counted out by family and protocol: a violation of every service whose hits
// differ in `maybe` has a part per protocol and family, hundreds, which a comparison sort spent
// most of the finding's time on. Parts of equal
// keys may come out in another order than std::sort leaves them, which merge_sorted_parts() merges
// alike: the evaluator's parts have one protocol each, and a protocol without ports only key 0.
void sort_parts(std::vector<ViolationPart>& parts) {
  constexpr std::size_t kBuckets = 2 * 256;
  if (parts.size() <= 64) {  // a few runs and services: the buckets would cost more than a sort
    std::sort(parts.begin(), parts.end(), detail::part_before);
    return;
  }
  const auto bucket = [](const ViolationPart& p) {
    return std::size_t{p.family == Family::ipv4 ? 0u : 256u} + p.protocol_first;
  };
  thread_local std::vector<std::uint32_t> starts;
  thread_local std::vector<ViolationPart> sorted;
  starts.assign(kBuckets + 1, 0);
  for (const ViolationPart& p : parts) ++starts[bucket(p) + 1];
  for (std::size_t b = 0; b < kBuckets; ++b) starts[b + 1] += starts[b];
  sorted.resize(parts.size());
  for (const ViolationPart& p : parts) sorted[starts[bucket(p)]++] = p;
  // starts[b] is now the end of bucket b: each bucket's parts by first key, then maybe.
  std::uint32_t begin = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    const std::uint32_t end = starts[b];
    if (end - begin > 1)
      std::sort(sorted.begin() + begin, sorted.begin() + end,
                [](const ViolationPart& x, const ViolationPart& y) {
                  return x.lo != y.lo ? x.lo < y.lo : x.maybe < y.maybe;
                });
    begin = end;
  }
  parts.assign(sorted.begin(), sorted.end());
}

// Removes the repeats of entries, keeping each first one in place.
void keep_first_of_each(std::vector<const Entry*>& entries) {
  thread_local std::vector<const Entry*> sorted;
  thread_local std::vector<char> taken;
  sorted.assign(entries.begin(), entries.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  taken.assign(sorted.size(), 0);
  std::size_t kept = 0;
  for (const Entry* e : entries) {
    const auto at = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), e) -
                                             sorted.begin());
    if (taken[at] != 0) continue;
    taken[at] = 1;
    entries[kept++] = e;
  }
  entries.resize(kept);
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
    for_each_piece(profile, cc, [&](const Piece& piece) {
      if (!piece.has_family(f)) return true;
      // Duplicates go when the hit is kept: most hits are `no` and dropped.
      hit.every_entries.insert(hit.every_entries.end(), piece.entries().begin(),
                               piece.entries().end());
      const Tri t = piece.segment->verdict(judge, f);
      if (first || (t == Tri::unknown && hit.verdict == Tri::yes)) hit.piece = piece;
      first = false;
      hit.verdict = tri_and(hit.verdict, t);
      return hit.verdict != Tri::no;
    });
    if (first) continue;  // no point of the services in this family
    if (hit.verdict == Tri::no || (hit.verdict == Tri::unknown && best.verdict != Tri::no))
      continue;
    keep_first_of_each(hit.every_entries);
    if (hit.verdict == Tri::yes) return hit;
    best = std::move(hit);
  }
  return best;
}

// ---- Findings

struct TargetView {
  Name group;      // sg-… for a group target
  Name interface;  // eni-… for an interface target
  std::string label;  // message prefix for interfaces
  Name vpc;
  Location location;
  // The target's groups by index (-1: not in the inventory): where its contributing rules are.
  std::span<const std::int32_t> groups;
};

// The first CIDR of to_cidrs(set): the first of its first interval's (the blocks follow the
// intervals in order), without covering the rest of the set.
template <typename Set>
std::string first_cidr_text(const Set& set) {
  const auto& first = set.intervals().front();
  return to_string(to_cidrs(Set::from_unsorted({first})).front());
}

std::string first_member_text(const PacketSet& s, Family f) {
  if (f == Family::ipv4) {
    if (!s.o4.empty()) return first_cidr_text(s.o4);
    if (!s.m4.empty()) return first_cidr_text(s.m4);
  } else {
    if (!s.o6.empty()) return first_cidr_text(s.o6);
    if (!s.m6.empty()) return first_cidr_text(s.m6);
  }
  if (!s.g.empty()) return s.g.cofinite ? std::string("any group") : s.g.first();
  return {};
}

// The parts one after the other, in one allocation: findings' messages have a dozen parts, and
// chains of '+' reallocated the message as it grew (a tenth of the policy family's instructions).
void append_all(std::string& out, std::initializer_list<std::string_view> parts) {
  std::size_t size = out.size();
  for (const std::string_view p : parts) size += p.size();
  out.reserve(size);
  for (const std::string_view p : parts) out += p;
}
std::string concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  append_all(out, parts);
  return out;
}

// Entries of the piece (in the family) whose known part meets `set`.
std::vector<const Entry*> responsible(std::span<const Entry* const> entries, Family f,
                                      const PacketSet& set) {
  std::vector<const Entry*> out;
  for (const Entry* e : entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    if (e->peer->b.lo.family_overlaps(f, set)) out.push_back(e);
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

// One place where a clause fires (or may) on a target, for the whole violation: the hit (a piece
// and family; for `every`, the family's first piece) and the pieces whose points it covers.
struct Found {
  const CompiledClause* cc = nullptr;
  const Judge* judge = nullptr;
  Hit hit;
  std::vector<Piece> pieces;
  // The protocols that the profile cuts into pieces of their own; the generic piece is the others.
  const std::array<bool, 256>* individual = nullptr;
};

// A finding's sentence about one hit, in parts, so that hits alike can share one sentence:
// "SERVICES is allowed by security groups REST" (covering, more than) or "SERVICES REST is
// allowed by security groups" (overlap, require); an unknown hit's REST holds its verb.
struct Described {
  std::string service;  // the piece's text, or "every service of …"
  std::string rest;
  const char* verb = nullptr;  // "allowed by security groups", "denied …", or nullptr (unknown)
  bool verb_first = false;
  std::string peer;  // the witness's peer
  std::vector<const Entry*> rules;
};

class FindingBuilder {
 public:
  FindingBuilder(const Inventory& inventory, const CompiledRule& rule)
      : inventory_(inventory), rule_(*rule.rule), check_(rule.check) {}

  // The finding of the first hit (its message, location and witness as for that hit alone),
  // then, for a rule that fires, the whole violation: every hit of `found` (the first hit's
  // among them, certain ones first) in the message, the parts, every contributing rule, one
  // witness per family. Only findings that fire pay for it.
  Finding build_whole(const TargetView& target, const CompiledClause& cc, const Judge& judge,
                      const Hit& hit, const std::vector<Found>& found) const {
    // With a whole violation, the first hit's message and related rules are replaced below: they
    // are not made.
    Finding out = build(target, cc, judge, hit, !found.empty());
    if (found.empty()) return out;
    Violation v;
    v.legacy_key = std::move(out.fingerprint);
    // Sentences by their words after the services, in the order first found.
    struct Sentence {
      const Described* first;
      std::vector<std::string> services;
    };
    std::vector<Described> described;
    described.reserve(found.size());
    for (const Found& x : found) described.push_back(describe(*x.cc, *x.judge, x.hit));
    const bool alike_maybe = std::all_of(found.begin(), found.end(), [&](const Found& x) {
      return (x.hit.verdict == Tri::unknown) == (found.front().hit.verdict == Tri::unknown);
    });
    std::vector<Sentence> sentences;
    std::vector<const Clause*> clauses;
    std::vector<const Entry*> rules;
    bool families[2] = {false, false};
    for (std::size_t i = 0; i < found.size(); ++i) {
      const Found& x = found[i];
      const Described& d = described[i];
      add_parts(x, v.parts, alike_maybe);
      if (std::find(clauses.begin(), clauses.end(), x.cc->clause) == clauses.end())
        clauses.push_back(x.cc->clause);
      rules.insert(rules.end(), d.rules.begin(), d.rules.end());
      auto at = std::find_if(sentences.begin(), sentences.end(), [&](const Sentence& s) {
        return s.first->rest == d.rest && s.first->verb == d.verb;
      });
      if (at == sentences.end()) at = sentences.insert(sentences.end(), Sentence{&d, {}});
      if (std::find(at->services.begin(), at->services.end(), d.service) == at->services.end())
        at->services.push_back(d.service);
      bool& seen = families[Judge::index(x.hit.family)];
      if (!seen) v.witnesses.push_back(witness(x.hit, x.hit.family, d.peer, *x.cc->clause));
      seen = true;
    }
    sort_parts(v.parts);
    detail::merge_sorted_parts(v.parts);
    keep_first_of_each(rules);
    // The message: each sentence, then the clauses the rule breaks.
    std::string message;
    for (const Sentence& s : sentences) {
      if (!message.empty()) message += "; ";
      append_sentence(message, s.services, *s.first, &s == &sentences.front(),
                      sentences.front().first->verb);
    }
    // "; SG107 forbids ingress all from any and forbids egress all to any"
    append_all(message, {"; ", rule_.info.id, " "});
    for (const Clause* c : clauses) {
      const std::string_view text = c->text;
      append_all(message, {c == clauses.front() ? "" : " and ",
                           c->require ? "requires " : "forbids ", text.substr(text.find(' ') + 1)});
    }
    if (!target.label.empty()) message = target.label + message;
    out.message = std::move(message);
    // The first hit's rule stays the location (for `require`, the target is); every other
    // contributing rule is related.
    bool location_is_a_rule = !cc.clause->require;
    const auto is_location = [&](const Location& at) {
      return at.file == out.location.file && at.line == out.location.line &&
             at.column == out.location.column;
    };
    for (const Entry* e : rules) {
      if (e->rule == nullptr) continue;
      ContributingRule r = contributing(target, *e);
      if (location_is_a_rule && is_location(r.location))
        location_is_a_rule = false;  // named once, as the location
      else
        out.related.push_back(r.location);
      v.rules.push_back(std::move(r));
    }
    // Identity: the rule and the target (fingerprint_of() adds both), whatever the violation;
    // what it consists of is compared with a baseline part by part.
    out.fingerprint = "violation";
    out.violation = std::make_shared<const Violation>(std::move(v));
    return out;
  }

  // The finding of one hit alone; without its message and related rules when `whole` (the
  // caller makes those of the whole violation).
  Finding build(const TargetView& target, const CompiledClause& cc, const Judge& judge,
                const Hit& hit, bool whole) const {
    const Clause& clause = *cc.clause;
    Described d = describe(cc, judge, hit);
    std::string message;
    if (!whole) {
      append_sentence(message, {d.service}, d, true, d.verb);
      const std::string_view clause_text = clause.text;
      append_all(message, {"; ", rule_.info.id, clause.require ? " requires " : " forbids ",
                           clause_text.substr(clause_text.find(' ') + 1)});
    }
    return finish(target, hit, hit.family, std::move(message), std::move(d.peer), d.rules, clause,
                  whole);
  }

 private:
  // What one hit says, and the rules it blames.
  Described describe(const CompiledClause& cc, const Judge& judge, const Hit& hit) const {
    const Clause& clause = *cc.clause;
    const Bounds& x = judge.x;
    const Family f = hit.family;
    // X in the family, as the judge holds it: x.lo.family(f) and x.hi.family(f).
    const PacketSet& x_lo = judge.xlo[Judge::index(f)];
    const PacketSet& x_hi = judge.xhi[Judge::index(f)];
    // A(s), only where the message needs it (a covering finding mostly names its rules), as the
    // judge read it: the messages meet it with X, whose member parts it lacks only when X has none.
    const auto a = [&]() -> const Bounds& { return hit.piece.segment->allowed_for(judge, f); };
    Described d;
    const char* way = clause.direction == Direction::ingress ? "from" : "to";
    d.service = clause.every ? "every service of " + clause.services_text : hit.piece.text();
    if (hit.verdict == Tri::unknown) {
      d.rules = unresolved(hit.piece, f, x_hi);
      std::vector<std::string> why = x.why;
      for (const Entry* e : d.rules)
        for (const std::string& w : e->peer->b.why)
          if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
      d.peer = d.rules.empty() ? first_member_text(x_hi, f) : peer_text(*d.rules.front());
      d.rest = concat({way, " ", condition_words(clause), clause.addresses_text, " may be ",
                       clause.require ? "denied" : "allowed", " by security groups (",
                       family_label(f), "): ", join(why, "; ")});
    } else if (clause.require) {
      const PacketSet missing = x_lo.subtract(a().hi.family(f));
      d.service = hit.piece.text();
      d.peer = first_member_text(missing, f);
      d.rules = responsible(hit.piece.entries(), f, x_lo);
      d.rest = concat({way, " ", d.peer});
      d.verb = "denied by security groups";
    } else if (clause.condition == ConditionKind::covering) {
      d.rules = responsible(clause.every ? hit.every_entries : hit.piece.entries(), f, x_hi);
      // (Names any member of A(s): in full.)
      d.peer = d.rules.empty() ? first_member_text(hit.piece.segment->allowed_in(f).lo, f)
                               : peer_text(*d.rules.front());
      d.rest = concat({way, " all of ", clause.addresses_text, " in ", family_label(f), " (",
                       peers_text(d.rules), ")"});
      d.verb = "allowed by security groups";
      d.verb_first = true;
    } else if (clause.condition == ConditionKind::overlap) {
      const PacketSet w = a().lo.family(f).intersect(x_lo);
      d.peer = first_member_text(w, f);
      d.rules = responsible(hit.piece.entries(), f, w);
      d.rest = concat({way, " ", named_range(d.peer)});
      d.verb = "allowed by security groups";
    } else {
      const PacketSet w = a().lo.family(f).intersect(x_lo);
      d.peer = first_member_text(w, f);
      d.rules = responsible(hit.piece.entries(), f, w);
      d.rest =
          concat({way, " ", count_text(w.address_count(f)), " ", family_label(f), " addresses of ",
                  clause.addresses_text, ", more than a /", std::to_string(clause.prefix),
                  clause.condition == ConditionKind::more_than_not_all ? " but not all" : "", " (",
                  peers_text(d.rules), ")"});
      d.verb = "allowed by security groups";
      d.verb_first = true;
    }
    return d;
  }

  // "tcp/22, tcp/3389 are allowed by security groups from all of internet in IPv4 (0.0.0.0/0)":
  // the services and what `d` says of them. A later sentence (not `first`) leaves out the verb
  // when it is the first sentence's (`first_verb`), and an unknown one its prefix.
  static void append_sentence(std::string& out, const std::vector<std::string>& services,
                              const Described& d, bool first, const char* first_verb) {
    const std::string list = join(services, ", ");
    if (d.verb == nullptr) {
      append_all(out, {first ? "verdict unknown: " : "", list, " ", d.rest});
      return;
    }
    const bool say_verb = first || first_verb == nullptr || std::string_view(d.verb) != first_verb;
    const std::string_view verb_words = say_verb ? d.verb : "";
    const std::string_view is = !say_verb ? "" : services.size() == 1 ? " is " : " are ";
    if (d.verb_first)
      append_all(out, {list, is, verb_words, " ", d.rest});
    else
      append_all(out, {list, " ", d.rest, is, verb_words});
  }

  // The parts of `x`'s pieces in its family; the generic piece stands for every protocol of the
  // clause's services that the profile does not cut on its own. With `runs`, the generic piece's
  // consecutive protocols without ports come as one part each, as merge_sorted_parts() would
  // merge them: a violation of every service has a run or two per family, not a part per protocol.
  // (Only when every part of the violation is alike in `maybe`: a protocol of the run that another
  // hit gives with the other `maybe` cuts the run in merge_sorted_parts().)
  static void add_parts(const Found& x, std::vector<ViolationPart>& parts, bool runs) {
    const Family f = x.hit.family;
    const bool maybe = x.hit.verdict == Tri::unknown;
    const auto add = [&](int protocol, std::uint16_t lo, std::uint16_t hi) {
      const auto p = static_cast<std::uint8_t>(protocol);
      parts.push_back(ViolationPart{f, maybe, p, p, lo, hi});
    };
    for (const Piece& piece : x.pieces) {
      if (piece.other_protocols == 0 && piece.segment != nullptr &&
          (*x.individual)[static_cast<std::size_t>(piece.protocol)]) {
        add(piece.protocol, piece.lo, piece.hi);
        continue;
      }
      ViolationPart run{};  // the run of protocols being joined, when `open`
      bool open = false;
      const auto close = [&] {
        if (open) parts.push_back(run);
        open = false;
      };
      for (const int p : x.cc->protocols) {
        if ((*x.individual)[static_cast<std::size_t>(p)] || !protocol_in_family(p, f)) continue;
        const auto& intervals = x.cc->services.keys(p).intervals();
        if (runs && !protocol_has_ports(p) && intervals.size() == 1 && intervals.front().lo == 0 &&
            intervals.front().hi == 0) {
          const auto q = static_cast<std::uint8_t>(p);
          if (open && run.protocol_last + 1 == p) {
            run.protocol_last = q;
          } else {
            close();
            run = ViolationPart{f, maybe, q, q, 0, 0};
            open = true;
          }
          continue;
        }
        close();
        for (const auto& iv : intervals) add(p, iv.lo, iv.hi);
      }
      close();
    }
  }

  // The rule of `e` as a baseline records it, and where it is.
  ContributingRule contributing(const TargetView& target, const Entry& e) const {
    ContributingRule out;
    for (const std::int32_t gi : target.groups) {
      if (gi < 0) continue;
      const std::vector<Rule>& rules = inventory_.groups[static_cast<std::size_t>(gi)].rules;
      if (rules.empty() || e.rule < rules.data() || e.rule >= rules.data() + rules.size()) continue;
      out.group = inventory_.groups[static_cast<std::size_t>(gi)].id;
      break;
    }
    out.id = e.rule->id;
    out.location = inventory_.location(e.rule->location);
    out.content =
        concat({out.group, " ", direction_name(e.rule->direction), " ", service_notation(*e.rule),
                e.rule->direction == Direction::ingress ? " from " : " to ", peer_text(e)});
    return out;
  }

  Witness witness(const Hit& hit, Family f, const std::string& peer, const Clause& clause) const {
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
    return w;
  }

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
      std::string text = named_range(peer_text(*e));
      if (std::find(parts.begin(), parts.end(), text) == parts.end())
        parts.push_back(std::move(text));
    }
    return join(parts, ", ");
  }

  // `whole`: the message and the related rules are left empty, for build_whole() to make.
  Finding finish(const TargetView& target, const Hit& hit, Family f, std::string message,
                 std::string peer, const std::vector<const Entry*>& rules, const Clause& clause,
                 bool whole) const {
    Finding out;
    out.id = rule_.info.id;
    out.severity = rule_.info.severity;
    out.check = check_;
    if (!whole) out.message = target.label.empty() ? std::move(message) : target.label + message;
    out.group = target.group;
    out.interface = target.interface;
    out.unknown = hit.verdict == Tri::unknown;
    out.location = target.location;
    // The rule that produces the witness is the location (a `require` finding is about what no
    // rule allows: the target); the other rules responsible are related.
    bool first = !clause.require;
    for (const Entry* e : rules) {
      if (e->rule == nullptr) continue;
      if (first) {
        out.location = inventory_.location(e->rule->location);
        out.rule = e->rule->id;
        first = false;
      } else if (!whole) {
        out.related.push_back(inventory_.location(e->rule->location));
      } else {
        break;  // the location is set; build_whole() makes the related rules
      }
    }
    Witness w = witness(hit, f, peer, clause);
    out.fingerprint =
        concat({clause.text, "|", w.protocol, "|", std::to_string(hit.piece.lo), "|", w.peer});
    out.witness = std::make_shared<const Witness>(std::move(w));
    return out;
  }

  const Inventory& inventory_;
  const PolicyRule& rule_;
  const std::shared_ptr<const CheckInfo>& check_;
};

// ---- Targets

bool targets_group(const Inventory& inventory, const PolicyRule& rule, const Group& g) {
  if (rule.targets.empty()) return true;
  for (const Target& t : rule.targets) {
    switch (t.kind) {
      case TargetKind::group:
        if (g.id == t.pattern || glob_match(t.pattern, g.name) || glob_match(t.pattern, g.id) ||
            names_template_group(inventory, g, t.pattern))
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
  explicit Evaluator(const detail::Semantics& semantics) : model_(semantics) {}

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
        const bool per_vpc = uses_target_vpc(*cc.clause);
        judges_by_clause_[r].push_back(per_vpc ? nullptr : &judge_for(*cc.clause, {}));
      }
    }
    prepare_counts();
    const Inventory& inv = model_.inventory();
    fired_.assign(rules.size(), std::vector<char>(inv.groups.size(), 0));
    // Which rule targets which group, once: each class of interfaces asks it of all its groups.
    targeted_.assign(rules.size(), std::vector<char>(inv.groups.size(), 0));
    for (std::size_t r = 0; r < rules.size(); ++r)
      for (std::size_t gi = 0; gi < inv.groups.size(); ++gi)
        targeted_[r][gi] = targets_group(inv, *rules[r].rule, inv.groups[gi]) ? 1 : 0;
    const std::vector<InterfaceClass>& classes = interface_classes();
    std::vector<std::vector<std::vector<Finding>>> by_group, by_class;  // [part][rule]
    // One cache of peer sets and one set of profiles per part: parts k of both phases run on one
    // thread at a time.
    std::vector<PeerSetCache> caches(std::max(1u, jobs));
    std::vector<std::unique_ptr<TargetProfiles>> profiles;
    for (PeerSetCache& cache : caches)
      profiles.push_back(std::make_unique<TargetProfiles>(model_, cache));
    in_parts(inv.groups.size(), jobs, rules.size(), by_group,
             [&](std::size_t gi, std::vector<std::vector<Finding>>& found, std::size_t k) {
               judge_group(rules, gi, found, *profiles[k]);
             });
    in_parts(classes.size(), jobs, rules.size(), by_class,
             [&](std::size_t ci, std::vector<std::vector<Finding>>& found, std::size_t k) {
               judge_class(rules, classes[ci], found, *profiles[k]);
             });
    // Moved into room made once, each part's findings freed as soon as they are moved.
    std::size_t total = out.size();
    for (auto* parts : {&by_group, &by_class})
      for (auto& part : *parts)
        for (const std::vector<Finding>& found : part) total += found.size();
    out.reserve(total);
    for (std::size_t r = 0; r < rules.size(); ++r) {
      for (auto* parts : {&by_group, &by_class}) {
        for (auto& part : *parts) {
          for (Finding& f : part[r]) out.push_back(std::move(f));
          part[r] = std::vector<Finding>();
        }
      }
    }
  }

 private:
  struct InterfaceClass {
    std::vector<std::int32_t> groups;  // indexes into Inventory::groups, -1 when undefined
    std::vector<std::uint32_t> members;
  };

  // Classes by integer keys: the VPC's serial, then the distinct groups (a defined group by its
  // index, an undefined one by a serial after them), sorted. The same partition, in the same
  // order (by first interface), as the text keys of interface_classes_by_text().
  const std::vector<InterfaceClass>& interface_classes() {
    if (classes_) return *classes_;
    const Inventory& inv = model_.inventory();
    const auto separator = [](std::string_view id) {
      return id.find_first_of("|,") != std::string_view::npos;
    };
    // Ids with a separator (checked once per group and VPC) make the text keys ambiguous: then
    // the text keys decide, as they always did.
    if (std::any_of(inv.groups.begin(), inv.groups.end(),
                    [&](const Group& g) { return separator(g.id); }))
      return interface_classes_by_text();
    classes_.emplace();
    struct KeyHash {
      std::size_t operator()(const std::vector<std::uint32_t>& key) const {
        std::uint64_t h = 1469598103934665603ull;
        for (const std::uint32_t v : key) h = (h ^ v) * 1099511628211ull;
        return static_cast<std::size_t>(h ^ (h >> 29));
      }
    };
    std::unordered_map<std::vector<std::uint32_t>, std::size_t, KeyHash> index;
    std::unordered_map<std::string_view, std::uint32_t> vpcs, undefined;
    const auto groups_count = static_cast<std::uint32_t>(inv.groups.size());
    std::vector<std::uint32_t> key;
    for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
      const Interface& x = inv.interfaces[i];
      if (x.groups.size() < 2) continue;
      const std::span<const std::int32_t> indexes = model_.interface_groups(i);
      key.clear();
      for (std::size_t k = 0; k < indexes.size(); ++k) {
        if (indexes[k] >= 0) {
          key.push_back(static_cast<std::uint32_t>(indexes[k]));
        } else {
          const auto serial = static_cast<std::uint32_t>(undefined.size());
          const auto [at, added] = undefined.try_emplace(x.groups[k], serial);
          if (added && separator(x.groups[k])) return interface_classes_by_text();
          key.push_back(groups_count + at->second);
        }
      }
      std::sort(key.begin(), key.end());
      key.erase(std::unique(key.begin(), key.end()), key.end());
      if (key.size() < 2) continue;
      const auto vpc_serial = static_cast<std::uint32_t>(vpcs.size());
      const auto [vpc, added] = vpcs.try_emplace(x.vpc_id, vpc_serial);
      if (added && separator(x.vpc_id)) return interface_classes_by_text();
      key.insert(key.begin(), vpc->second);
      auto [it, inserted] = index.try_emplace(key, classes_->size());
      if (inserted) {
        InterfaceClass cls;
        for (std::size_t k = 1; k < key.size(); ++k)
          cls.groups.push_back(key[k] < groups_count ? static_cast<std::int32_t>(key[k]) : -1);
        classes_->push_back(std::move(cls));
      }
      (*classes_)[it->second].members.push_back(i);
    }
    return *classes_;
  }

  // The classes keyed by text, for ids that hold the separators.
  const std::vector<InterfaceClass>& interface_classes_by_text() {
    classes_.emplace();
    const Inventory& inv = model_.inventory();
    std::map<std::string, std::size_t> index;
    for (std::uint32_t i = 0; i < inv.interfaces.size(); ++i) {
      std::vector<Name> groups = inv.interfaces[i].groups;
      std::sort(groups.begin(), groups.end());
      groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
      if (groups.size() < 2) continue;
      auto [it, inserted] =
          index.try_emplace(inv.interfaces[i].vpc_id + "|" + join(groups, ","), classes_->size());
      if (inserted) {
        InterfaceClass cls;
        for (const Name& g : groups) cls.groups.push_back(model_.group_index(g));
        classes_->push_back(std::move(cls));
      }
      (*classes_)[it->second].members.push_back(i);
    }
    return *classes_;
  }

  // Calls work(i, found, k) for i in [0, n), in `jobs` contiguous ranges k on as many threads;
  // parts[k][r] holds the findings of rule r in range k.
  template <typename Work>
  static void in_parts(std::size_t n, unsigned jobs, std::size_t rules,
                       std::vector<std::vector<std::vector<Finding>>>& parts, Work&& work) {
    const std::size_t count = std::max<std::size_t>(1, std::min<std::size_t>(jobs, n));
    parts.assign(count, std::vector<std::vector<Finding>>(rules));
    const auto range = [&](std::size_t k) {
      for (std::size_t i = n * k / count; i < n * (k + 1) / count; ++i) work(i, parts[k], k);
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
        return g.id == t.pattern || g.name == t.pattern ||
               names_template_group(model_.inventory(), g, t.pattern);
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

  // The profiles of one target and the stand-ins for the groups it carries that the inventory
  // does not define; they live while the target is judged. A direction's profile is built on
  // first use (most targets are judged in one direction only, or not at all). One per thread,
  // reset() for each target it judges, so that the profiles' buffers are reused.
  struct TargetProfiles {
    TargetProfiles(const Model& model, PeerSetCache& cache) : model_(model), cache_(cache) {}

    // Starts on the group at index `group` (x null), or on interface x at index xi.
    void reset(std::int32_t group, const Interface* x, std::size_t xi) {
      group_ = group;
      interface_ = x;
      interface_index_ = xi;
      built_[0] = built_[1] = false;
      standins_.clear();
      peers_.clear();
    }

    Profile& profile(int d) {
      if (!built_[d]) {
        built_[d] = true;
        build(d);
      }
      return profiles_[d];
    }

   private:
    // A group's own entries, or an interface's over the union of its groups.
    void build(int d) {
      Profile& p = profiles_[d];
      p.reset(&cache_);
      const Direction direction = static_cast<Direction>(d);
      if (interface_ == nullptr) {
        for (const Entry& e : model_.entries(static_cast<std::size_t>(group_), direction)) p.add(e);
        p.finish();
        return;
      }
      const Interface& x = *interface_;
      const std::span<const std::int32_t> indexes = model_.interface_groups(interface_index_);
      for (std::size_t k = 0; k < x.groups.size(); ++k) {
        const Name& gid = x.groups[k];
        const std::int32_t gi = indexes[k];
        if (gi < 0) {
          Peer& peer = peers_.emplace_back(
              Bounds{PacketSet{},
                     PacketSet::everything(),
                     {x.id + " carries " + gid + ", which is not in the inventory"}});
          peer.standin = &gid;
          p.add(standins_.emplace_back(Entry{ServiceMatch{}, &peer, nullptr}));
          continue;
        }
        for (const Entry& e : model_.entries(static_cast<std::size_t>(gi), direction)) p.add(e);
      }
      p.finish();
    }

    const Model& model_;
    PeerSetCache& cache_;  // the thread's
    std::int32_t group_ = -1;
    const Interface* interface_ = nullptr;  // set for a class of interfaces
    std::size_t interface_index_ = 0;
    Profile profiles_[2];
    bool built_[2] = {false, false};
    std::deque<Peer> peers_;
    std::deque<Entry> standins_;
  };

  // ADDRESSES of a clause as a set, per VPC when it names the VPC. Keyed by the text as written
  // (one text, one set), so that clauses alike share the set and its judge. Shared between the
  // threads: guarded by mutex_.
  const Judge& judge_for(const Clause& clause, Name vpc) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const bool uses_vpc = uses_target_vpc(clause);
    auto key = std::make_pair(clause.addresses_text, uses_vpc ? vpc.str() : std::string());
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

  // Whether the clause's addresses depend on the target's VPC: `vpc`, or aws:SERVICE without
  // @REGION for a service of one Region (the Region is the VPC's).
  static bool uses_target_vpc(const Clause& clause) {
    const auto regional = [](const AddressItem& i) {
      return i.kind == AddressKind::vpc || (i.kind == AddressKind::aws_range && i.region.empty() &&
                                            !aws_service_spans_regions(i.name));
    };
    return std::any_of(clause.addresses.include.begin(), clause.addresses.include.end(),
                       regional) ||
           std::any_of(clause.addresses.exclude.begin(), clause.addresses.exclude.end(), regional);
  }

  static bool uses(const Clause& clause, AddressKind kind) {
    const auto is = [kind](const AddressItem& i) { return i.kind == kind; };
    return std::any_of(clause.addresses.include.begin(), clause.addresses.include.end(), is) ||
           std::any_of(clause.addresses.exclude.begin(), clause.addresses.exclude.end(), is);
  }

  Bounds item_bounds(const AddressItem& item, Name vpc_id) {
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
        return model_.prefix_list_bounds(Name(item.name));
      case AddressKind::vpc:
        return vpc_bounds(vpc_id);
      case AddressKind::aws_range:
        return aws_bounds(item, vpc_id);
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

  // aws:SERVICE[@REGION]: its prefixes in its Region, else in the Region of the target's VPC
  // (from its interfaces' availability zones); unknown when the VPC has no Region or several.
  Bounds aws_bounds(const AddressItem& item, Name vpc_id) const {
    const AwsRanges& ranges = aws_ranges();
    const AwsRangeName name{item.name, item.region};
    std::string region = item.region;
    if (region.empty() && !aws_service_spans_regions(item.name)) {
      const std::vector<std::string> regions =
          detail::vpc_regions(model_.inventory(), ranges, vpc_id);
      if (regions.size() != 1) {
        PacketSet hi = PacketSet::everything();
        hi.g = TokenSet{};
        const std::string vpc = vpc_id.empty() ? std::string("the target's VPC") : vpc_id.str();
        return Bounds{PacketSet{},
                      hi,
                      {name.to_string() + " needs a Region, and " + vpc +
                       (regions.empty() ? " has none in the inputs (no interface in it has an "
                                          "availability zone)"
                                        : " is in several (" + detail::join(regions, ", ") + ")") +
                       "; write " + name.to_string() + "@REGION"}};
      }
      region = regions.front();
    }
    return Model::cidrs_bounds(aws_name_prefixes(ranges, name, region));
  }

  Bounds vpc_bounds(Name vpc_id) const {
    const Vpc* vpc = model_.vpc(vpc_id);
    if (vpc == nullptr) {
      PacketSet hi = PacketSet::everything();
      hi.g = TokenSet{};
      return Bounds{
          PacketSet{},
          hi,
          {"the ranges of " + (vpc_id.empty() ? std::string("the target's VPC") : vpc_id.str()) +
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
                        Name vpc) {
    const Judge* judge = judges_by_clause_[r][c];
    return judge != nullptr ? *judge : judge_for(clause, vpc);
  }

  // The addresses of family f that both `hi` and `x` hold (outside or member): what
  // upper.intersect(x).address_count(f) counts for one entry.
  static u128 count_within(const PacketSet& hi, const PacketSet& x, Family f) {
    const auto count = [](const auto& o, const auto& xo, const auto& m, const auto& xm) -> u128 {
      const bool outside = !o.empty() && !xo.empty();
      const bool members = !m.empty() && !xm.empty();
      if (!outside && !members) return 0;
      if (!members) return o.intersect(xo).size();
      if (!outside) return m.intersect(xm).size();
      return o.intersect(xo).unite(m.intersect(xm)).size();
    };
    return f == Family::ipv4 ? count(hi.o4, x.o4, hi.m4, x.m4) : count(hi.o6, x.o6, hi.m6, x.m6);
  }

  // For each counting judge (more than /N, forbid) made before the threads start: per group,
  // direction and family, the sum over the group's entries of the addresses of each one's upper
  // bound within X. A target's sum (its groups' sums) bounds |A(s).hi ∩ X.hi| of each of its
  // segments, so a sum within the limit is more_than()'s `no` on all of them (its `yes` needs
  // A(s).lo ∩ X.lo, a subset) without building any A(s).
  void prepare_counts() {
    count_slot_.assign(judges_.size(), -1);
    const std::vector<const Peer*>& peers = model_.peers();
    const std::size_t groups = model_.inventory().groups.size();
    for (auto& entry : judges_) {
      Judge& judge = *entry.second;
      if (!judge.require && judge.condition == ConditionKind::covering) {
        std::vector<std::array<char, 2>>& covers = peer_covers_.emplace_back(peers.size());
        judge.peer_covers = &covers;
        for (const Family f : kFamilies) {
          const int i = Judge::index(f);
          const PacketSet& x = judge.xhi[i];
          const u128 need_outside = f == Family::ipv4 ? x.o4.size() : x.o6.size();
          const u128 need_members = f == Family::ipv4 ? x.m4.size() : x.m6.size();
          for (std::size_t p = 0; p < peers.size(); ++p) {
            // Sizes first: a peer whose upper bound is smaller than X cannot hold it.
            if (peers[p]->hi_outside[i] < need_outside || peers[p]->hi_members[i] < need_members)
              continue;
            covers[p][static_cast<std::size_t>(i)] =
                peers[p]->b.lo.family_contains(f, judge.xhi[i]) ? 1 : 0;
          }
        }
        continue;
      }
      if (judge.require || (judge.condition != ConditionKind::more_than &&
                            judge.condition != ConditionKind::more_than_not_all))
        continue;
      count_slot_[static_cast<std::size_t>(judge.id)] = static_cast<int>(count_sums_.size());
      std::vector<std::array<u128, 2>>& per_peer = peer_counts_.emplace_back(peers.size());
      judge.peer_counts = &per_peer;
      for (std::size_t p = 0; p < peers.size(); ++p)
        for (const Family f : kFamilies)
          per_peer[p][Judge::index(f)] =
              count_within(peers[p]->b.hi, judge.xhi[Judge::index(f)], f);
      std::vector<std::array<u128, 4>>& sums = count_sums_.emplace_back(groups);
      for (std::size_t gi = 0; gi < groups; ++gi) {
        for (const Direction d : {Direction::ingress, Direction::egress}) {
          for (const Entry& e : model_.entries(gi, d)) {
            for (const Family f : kFamilies) {
              if ((e.service.families & detail::family_bit(f)) == 0) continue;
              u128& sum =
                  sums[gi][static_cast<std::size_t>(static_cast<int>(d) * 2 + Judge::index(f))];
              sum = saturating_add(
                  sum, per_peer[static_cast<std::size_t>(e.peer->serial)][Judge::index(f)]);
            }
          }
        }
      }
    }
  }

  // True when the counting sums of the target's groups rule the judge out in direction d and
  // family f (see prepare_counts()); false when they cannot tell.
  bool counts_rule_out(const Judge& judge, const std::vector<std::int32_t>& groups, int d,
                       Family f) const {
    const auto id = static_cast<std::size_t>(judge.id);
    if (id >= count_slot_.size() || count_slot_[id] < 0) return false;
    const auto& sums = count_sums_[static_cast<std::size_t>(count_slot_[id])];
    u128 total = 0;
    for (const std::int32_t gi : groups) {
      if (gi < 0) return false;
      total = saturating_add(
          total,
          sums[static_cast<std::size_t>(gi)][static_cast<std::size_t>(d * 2 + Judge::index(f))]);
    }
    const int width = f == Family::ipv4 ? 32 : 128;
    if (judge.prefix > width) return true;
    const u128 limit =
        judge.prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - judge.prefix);
    return total <= limit;
  }

  // The first clause that fires, else the first that may: the rule's verdict on one target.
  // `sums` (per direction, nullptr when unknown) bound every segment of the target: a clause they
  // rule out in both families is skipped without building the target's profiles (`profiles()`
  // builds them on first call), which is most clauses on most targets.
  // `groups` (the target's groups, by index; null when one is undefined) give the counting sums
  // (see count_sums_).
  // Calls visit(c, clause, judge, profile, no) for each clause of the rule that can fire on the
  // target (a `require` skipped when forbid_only; one the sums rule out skipped), in order, until
  // visit returns false. `no[f]`: family f is ruled out for that clause.
  template <typename GetProfiles, typename Visit>
  void for_each_live_clause(std::size_t r, const CompiledRule& rule, const TargetView& target,
                            const UpperSums* sums, const std::vector<std::int32_t>* groups,
                            GetProfiles&& profiles, bool forbid_only, Visit&& visit) {
    for (std::size_t c = 0; c < rule.clauses.size(); ++c) {
      const CompiledClause& cc = rule.clauses[c];
      const Clause& clause = *cc.clause;
      if (forbid_only && clause.require) continue;
      const Judge& judge = judge_of(r, c, clause, target.vpc);
      bool no[2] = {false, false};
      if (ruled_out(judge, clause, sums, groups, no)) continue;
      Profile& prof = profiles().profile(static_cast<int>(clause.direction));
      if (!visit(c, cc, judge, prof, no)) return;
    }
  }

  template <typename GetProfiles>
  std::optional<Finding> judge_target(std::size_t r, const CompiledRule& rule,
                                      const TargetView& target, const UpperSums* sums,
                                      const std::vector<std::int32_t>* groups,
                                      GetProfiles&& profiles, bool forbid_only) {
    std::optional<std::size_t> maybe_clause;
    Hit maybe_hit;
    const FindingBuilder builder(model_.inventory(), rule);
    std::optional<Finding> certain;
    for_each_live_clause(
        r, rule, target, sums, groups, profiles, forbid_only,
        [&](std::size_t c, const CompiledClause& cc, const Judge& judge, Profile& prof,
            const bool(&no)[2]) {
          Hit hit =
              cc.clause->every ? judge_every(prof, cc, judge, no) : judge_some(prof, cc, judge, no);
          if (hit.verdict == Tri::yes) {
            certain = builder.build_whole(
                target, cc, judge, hit,
                every_hit(r, rule, target, sums, groups, profiles, forbid_only, Tri::yes));
            return false;
          }
          if (hit.verdict == Tri::unknown && !maybe_clause) {
            maybe_clause = c;
            maybe_hit = std::move(hit);
          }
          return true;
        });
    if (certain) return certain;
    if (!maybe_clause) return std::nullopt;
    const CompiledClause& cc = rule.clauses[*maybe_clause];
    return builder.build_whole(
        target, cc, judge_of(r, *maybe_clause, *cc.clause, target.vpc), maybe_hit,
        every_hit(r, rule, target, sums, groups, profiles, forbid_only, Tri::unknown));
  }

  // True when the target's sums rule the clause out in both families; `no` says which family
  // they rule out. `sums` (per direction, nullptr when unknown) bound every segment of the
  // target: a clause they rule out in both families is skipped without building the target's
  // profiles, which is most clauses on most targets.
  bool ruled_out(const Judge& judge, const Clause& clause, const UpperSums* sums,
                 const std::vector<std::int32_t>* groups, bool (&no)[2]) const {
    const int d = static_cast<int>(clause.direction);
    if (sums != nullptr) {
      for (const Family f : kFamilies) no[Judge::index(f)] = judge.certainly_no(sums[d], f);
      if (no[0] && no[1]) return true;
    }
    // Only counting clauses (SG105) gain: for them the sums count private ranges that X
    // excludes; covering clauses that the sums leave open mostly have the whole range. The
    // counting sums (each entry's upper bound within X, summed over the target's groups)
    // decide most targets without their profiles. (The union of the upper bounds, exact where
    // the sums only count, decides few of the targets the sums leave open and costs more than it
    // saves: the segments' own sums, Judge::counts_say_no(), decide those.)
    if (!clause.require && (clause.condition == ConditionKind::more_than ||
                            clause.condition == ConditionKind::more_than_not_all)) {
      for (const Family f : kFamilies) {
        bool& family_no = no[Judge::index(f)];
        if (!family_no && groups != nullptr) family_no = counts_rule_out(judge, *groups, d, f);
      }
      if (no[0] && no[1]) return true;
    }
    return false;
  }

  // The whole violation of a rule that fires on the target: every piece and family where a
  // clause fires (`at_least` yes), or may (unknown), certain ones first, each in the order
  // judge_target() meets them, so that the first is the finding's own hit. Only for findings.
  template <typename GetProfiles>
  std::vector<Found> every_hit(std::size_t r, const CompiledRule& rule, const TargetView& target,
                               const UpperSums* sums, const std::vector<std::int32_t>* groups,
                               GetProfiles&& profiles, bool forbid_only, Tri at_least) {
    std::vector<Found> certain, possible;
    for_each_live_clause(
        r, rule, target, sums, groups, profiles, forbid_only,
        [&](std::size_t, const CompiledClause& cc, const Judge& judge, Profile& prof,
            const bool(&no)[2]) {
          const Clause& clause = *cc.clause;
          const auto keep = [&](Found&& x) {
            if (x.hit.verdict == Tri::yes)
              certain.push_back(std::move(x));
            else if (x.hit.verdict == Tri::unknown)
              possible.push_back(std::move(x));
          };
          if (!clause.every) {
            for_each_piece(prof, cc, [&](const Piece& piece) {
              for (const Family f : kFamilies) {
                if (!piece.has_family(f) || no[Judge::index(f)]) continue;
                const Tri t = piece.segment->verdict(judge, f);
                if (t != Tri::no)
                  keep(Found{&cc, &judge, Hit{t, piece, f, {}}, {piece}, &prof.is_individual});
              }
              return true;
            });
            return true;
          }
          // `every`: a family where every point meets the condition, with all its pieces.
          for (const Family f : kFamilies) {
            if (judge.xhi[Judge::index(f)].empty() || no[Judge::index(f)]) continue;
            Found x{&cc, &judge, Hit{Tri::yes, {}, f, {}}, {}, &prof.is_individual};
            for_each_piece(prof, cc, [&](const Piece& piece) {
              if (!piece.has_family(f)) return true;
              x.hit.every_entries.insert(x.hit.every_entries.end(), piece.entries().begin(),
                                         piece.entries().end());
              const Tri t = piece.segment->verdict(judge, f);
              if (x.pieces.empty() || (t == Tri::unknown && x.hit.verdict == Tri::yes))
                x.hit.piece = piece;
              x.pieces.push_back(piece);
              x.hit.verdict = tri_and(x.hit.verdict, t);
              return x.hit.verdict != Tri::no;
            });
            if (x.pieces.empty()) continue;
            keep_first_of_each(x.hit.every_entries);
            keep(std::move(x));
          }
          return true;
        });
    if (at_least == Tri::unknown) return possible;  // an unknown finding: nothing is certain
    certain.insert(certain.end(), std::make_move_iterator(possible.begin()),
                   std::make_move_iterator(possible.end()));
    return certain;
  }

  // Every rule on one group; records which fired for the classes of interfaces.
  void judge_group(const std::vector<CompiledRule>& rules, std::size_t gi,
                   std::vector<std::vector<Finding>>& found, TargetProfiles& profiles) {
    const Inventory& inv = model_.inventory();
    const Group& g = inv.groups[gi];
    bool started = false;
    std::optional<TargetView> target;
    const UpperSums sums[2] = {model_.sums(gi, Direction::ingress),
                               model_.sums(gi, Direction::egress)};
    const auto get_profiles = [&]() -> TargetProfiles& {
      if (!started) profiles.reset(static_cast<std::int32_t>(gi), nullptr, 0);
      started = true;
      return profiles;
    };
    const std::vector<std::int32_t> own{static_cast<std::int32_t>(gi)};
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (targeted_[r][gi] == 0) continue;
      if (!target)
        target.emplace(TargetView{g.id, {}, {}, g.vpc_id, inv.location(g.location), own});
      if (std::optional<Finding> f =
              judge_target(r, rules[r], *target, sums, &own, get_profiles, false)) {
        fired_[r][gi] = 1;
        found[r].push_back(std::move(*f));
      }
    }
  }

  // Interfaces with two or more groups, grouped by VPC and groups: the union is judged once per
  // class and reported at each interface of a class that no targeted group of it already reports.
  void judge_class(const std::vector<CompiledRule>& rules, const InterfaceClass& cls,
                   std::vector<std::vector<Finding>>& found, TargetProfiles& profiles) {
    const Inventory& inv = model_.inventory();
    const Interface& first = inv.interfaces[cls.members.front()];
    bool started = false;
    const auto get_profiles = [&]() -> TargetProfiles& {
      if (!started) profiles.reset(-1, &first, cls.members.front());
      started = true;
      return profiles;
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
    // Made when a rule is to be judged: most classes are left to their groups' findings.
    std::optional<TargetView> view;
    for (std::size_t r = 0; r < rules.size(); ++r) {
      bool targeted = false, reported = false;
      for (const std::int32_t gi : cls.groups) {
        if (gi < 0 || targeted_[r][static_cast<std::size_t>(gi)] == 0) continue;
        targeted = true;
        reported = reported || fired_[r][static_cast<std::size_t>(gi)] != 0;
      }
      if (!targeted || reported) continue;
      if (!view)
        view.emplace(
            TargetView{{}, first.id, {}, first.vpc_id, inv.location(first.location), cls.groups});
      const std::optional<Finding> f =
          judge_target(r, rules[r], *view, sums_known ? sums : nullptr,
                       sums_known ? &cls.groups : nullptr, get_profiles, true);
      if (!f) continue;
      const std::string where = view->location.to_string();
      for (const std::uint32_t i : cls.members) {
        const Interface& x = inv.interfaces[i];
        Finding copy = *f;
        copy.interface = x.id;
        copy.message = concat(
            {x.id, ", over the union of its groups ", join(x.groups, ", "), ": ", f->message});
        if (copy.location.to_string() == where) copy.location = inv.location(x.location);
        found[r].push_back(std::move(copy));
      }
    }
  }

  Model model_;
  std::mutex mutex_;  // guards the caches below
  std::map<std::pair<std::string, std::string>, Bounds> address_cache_;
  std::map<std::tuple<const Bounds*, bool, int, int>, std::unique_ptr<Judge>> judges_;
  std::vector<std::vector<char>> fired_;     // [rule][group]: the group's own finding exists
  std::vector<std::vector<char>> targeted_;  // [rule][group]: targets_group()
  std::vector<std::vector<const Judge*>> judges_by_clause_;  // [rule][clause], null: per VPC
  std::vector<int> count_slot_;  // by judge id: index into count_sums_, or -1
  std::deque<std::vector<std::array<u128, 2>>> peer_counts_;  // see Judge::peer_counts
  std::deque<std::vector<std::array<char, 2>>> peer_covers_;  // see Judge::peer_covers
  std::vector<std::vector<std::array<u128, 4>>> count_sums_;  // [slot][group][direction*2+family]
  std::optional<std::vector<InterfaceClass>> classes_;
};

}  // namespace

std::vector<CompiledRule> compile_rules(const PolicyFile& file) {
  std::vector<CompiledRule> out;
  for (const PolicyRule& rule : file.rules) {
    CompiledRule compiled{&rule, {}, std::make_shared<const CheckInfo>(rule.info)};
    for (const Clause& clause : rule.clauses) {
      ServiceSet include, exclude;
      for (const Service& s : clause.services.include) include.add(s);
      for (const Service& s : clause.services.exclude) exclude.add(s);
      include.remove(exclude);
      CompiledClause cc{&clause, std::move(include), {}};
      cc.protocols = cc.services.protocols();
      compiled.clauses.push_back(std::move(cc));
    }
    out.push_back(std::move(compiled));
  }
  return out;
}

void evaluate_rules(const std::vector<CompiledRule>& rules, const detail::Semantics& semantics,
                    std::vector<Finding>& out, Diagnostics& errors, unsigned jobs) {
  Evaluator evaluator(semantics);
  evaluator.run(rules, out, errors, jobs);
}

void evaluate_rules(const std::vector<CompiledRule>& rules, const Inventory& inventory,
                    std::vector<Finding>& out, Diagnostics& errors, unsigned jobs) {
  evaluate_rules(rules, detail::Semantics(inventory), out, errors, jobs);
}

}  // namespace sgcheck::policy
