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
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

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
struct Entry {
  ServiceMatch service;
  Bounds peer;
  const Rule* rule = nullptr;
  std::string peer_text;
};

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
    for (std::uint32_t i = 0; i < inventory.interfaces.size(); ++i) {
      for (const std::string& g : inventory.interfaces[i].groups) members_of_[g].push_back(i);
    }
    entries_.resize(inventory.groups.size());
    for (std::size_t gi = 0; gi < inventory.groups.size(); ++gi) build_entries(gi);
  }

  const Inventory& inventory() const { return inventory_; }
  const std::vector<Entry>& entries(std::size_t group, Direction d) const {
    return entries_[group][static_cast<int>(d)];
  }

  // The members of a group: their addresses, a token when the inventory has no interfaces, or
  // unknown when the group is not defined.
  const Bounds& members(const std::string& id) {
    auto it = member_cache_.find(id);
    if (it != member_cache_.end()) return it->second;
    return member_cache_.emplace(id, compute_members(id)).first->second;
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
    if (inventory_.find_group(id) == nullptr) {
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

  Bounds peer_bounds(const Group& group, const Rule& rule, bool& usable) {
    usable = true;
    switch (rule.peer.kind) {
      case PeerKind::cidr4:
        return Bounds::exact(PacketSet::addresses4(to_set4(rule.peer.cidr)));
      case PeerKind::cidr6:
        return Bounds::exact(PacketSet::addresses6(to_set6(rule.peer.cidr)));
      case PeerKind::prefix_list:
        return prefix_list_bounds(rule.peer.id);
      case PeerKind::group:
        usable = detail::reference_usable(compiled_, group, rule);
        return members(rule.peer.id);
    }
    return {};
  }

  void build_entries(std::size_t gi) {
    const Group& group = inventory_.groups[gi];
    for (const Rule& rule : group.rules) {
      Entry e;
      if (!rule.valid || !detail::rule_service(rule, e.service)) continue;
      bool usable = true;
      e.peer = peer_bounds(group, rule, usable);
      if (!usable) continue;  // a stale reference matches nothing
      e.rule = &rule;
      const bool cidr = rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6;
      e.peer_text = cidr ? to_string(rule.peer.cidr) : rule.peer.id;
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
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> members_of_;
  std::vector<std::array<std::vector<Entry>, 2>> entries_;
  std::map<std::string, Bounds> member_cache_;
};

// ---- Profiles and pieces

// A target's entries in one direction, by protocol.
struct Profile {
  std::vector<const Entry*> generic;  // protocol -1: every protocol
  std::map<int, std::vector<const Entry*>> by_protocol;

  void add(const Entry& e) {
    if (e.service.protocol == -1) {
      generic.push_back(&e);
    } else {
      by_protocol[e.service.protocol].push_back(&e);
    }
  }
};

// A class of service points alike under the profile: one protocol and a key range, or (for
// protocols no rule names) every such protocol of the clause's services at once.
struct Piece {
  int protocol = 0;
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
  int other_protocols = 0;            // the generic class: how many protocols besides `protocol`
  std::vector<const Entry*> entries;  // the entries that match the piece's points

  std::string text() const {
    std::string out = point_text(protocol, lo, hi);
    if (other_protocols > 0) out += " and " + std::to_string(other_protocols) + " other protocols";
    return out;
  }
  bool has_family(Family f) const { return protocol_in_family(protocol, f); }
};

// A(s) of a piece in one family.
Bounds allowed(const Piece& piece, Family f) {
  std::vector<Ipv4Set::Interval> lo4, hi4, lom4, him4;
  std::vector<Ipv6Set::Interval> lo6, hi6, lom6, him6;
  TokenSet lo_g, hi_g;
  std::vector<std::string> why;
  for (const Entry* e : piece.entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    const Bounds& b = e->peer;
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

// The protocols judged one by one: tcp, udp, icmp, icmpv6 first (witnesses read best there), then
// every protocol some rule names; the rest form one generic class.
std::vector<int> individual_protocols(const Profile& profile) {
  std::vector<int> out = {kTcp, kUdp, kIcmp, kIcmpv6};
  for (const auto& [p, entries] : profile.by_protocol)
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

// Calls visit(piece) for each piece of `services` under the profile until it returns false.
template <typename Visit>
void for_each_piece(const Profile& profile, const ServiceSet& services, Visit&& visit) {
  const std::vector<int> individual = individual_protocols(profile);
  for (const int p : individual) {
    const PortSet& keys = services.keys[static_cast<std::size_t>(p)];
    if (keys.empty()) continue;
    std::vector<const Entry*> entries = profile.generic;
    if (auto it = profile.by_protocol.find(p); it != profile.by_protocol.end())
      entries.insert(entries.end(), it->second.begin(), it->second.end());
    std::vector<std::uint32_t> cuts;
    for (const Entry* e : entries) {
      cuts.push_back(e->service.lo);
      cuts.push_back(std::uint32_t{e->service.hi} + 1);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (const auto& iv : keys.intervals()) {
      std::uint32_t start = iv.lo;
      auto cut = std::upper_bound(cuts.begin(), cuts.end(), start);
      while (start <= iv.hi) {
        const std::uint32_t end = (cut != cuts.end() && *cut <= iv.hi) ? *cut - 1 : iv.hi;
        Piece piece{p, static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end), 0, {}};
        for (const Entry* e : entries) {
          if (e->service.lo <= start && end <= e->service.hi) piece.entries.push_back(e);
        }
        if (!visit(piece)) return;
        start = end + 1;
        if (cut != cuts.end() && *cut <= iv.hi) ++cut;
      }
    }
  }
  Piece generic;
  bool any = false;
  for (int p = 0; p < 256; ++p) {
    const PortSet& keys = services.keys[static_cast<std::size_t>(p)];
    if (keys.empty() || std::find(individual.begin(), individual.end(), p) != individual.end())
      continue;
    if (!any) {
      generic =
          Piece{p, keys.intervals().front().lo, keys.intervals().front().lo, 0, profile.generic};
      any = true;
    } else {
      ++generic.other_protocols;
    }
  }
  if (any) visit(generic);
}

// ---- Judging clauses

// The policy's address set, restricted to a family, against A(s) of a piece in that family.
// A(s) comes from allowed(), which holds only the family's parts: only X needs restricting, once.
struct Judge {
  Judge(const Clause& c, const Bounds& addresses) : clause(c), x(addresses) {
    for (const Family f : kFamilies) {
      xlo[index(f)] = x.lo.family(f);
      xhi[index(f)] = x.hi.family(f);
    }
  }
  static int index(Family f) { return f == Family::ipv4 ? 0 : 1; }

  const Clause& clause;
  const Bounds& x;  // ADDRESSES
  PacketSet xlo[2], xhi[2];

  Tri overlap(const Bounds& a, Family f) const {
    if (!a.lo.intersect(xlo[index(f)]).empty()) return Tri::yes;
    if (a.hi.intersect(xhi[index(f)]).empty()) return Tri::no;
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
    if (clause.prefix > width) return Tri::no;
    const u128 limit =
        clause.prefix == 0 && width == 128 ? ~u128{0} : u128{1} << (width - clause.prefix);
    if (a.lo.intersect(xlo[index(f)]).address_count(f) > limit) return Tri::yes;
    if (a.hi.intersect(xhi[index(f)]).address_count(f) <= limit) return Tri::no;
    return Tri::unknown;
  }
  Tri missing(const Bounds& a, Family f) const {
    if (!xlo[index(f)].subtract(a.hi).empty()) return Tri::yes;
    if (a.lo.contains(xhi[index(f)])) return Tri::no;
    return Tri::unknown;
  }
  Tri judge(const Bounds& a, Family f) const {
    if (clause.require) return missing(a, f);
    switch (clause.condition) {
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

// Where a clause fires (or may): the piece and family that show it.
struct Hit {
  Tri verdict = Tri::no;
  Piece piece;
  Family family = Family::ipv4;
  // `every`: the entries of every piece judged, so that all the rules responsible are named.
  std::vector<const Entry*> every_entries;
};

// Some point of the services meets the condition.
Hit judge_some(const Profile& profile, const CompiledClause& cc, const Judge& judge) {
  Hit hit;
  for_each_piece(profile, cc.services, [&](const Piece& piece) {
    for (const Family f : kFamilies) {
      if (!piece.has_family(f)) continue;
      const Tri t = judge.judge(allowed(piece, f), f);
      if (t == Tri::no || (t == Tri::unknown && hit.verdict == Tri::unknown)) continue;
      hit = Hit{t, piece, f, {}};
      if (t == Tri::yes) return false;
    }
    return true;
  });
  return hit;
}

// `every`: in one family, every point of the services (of that family) meets the condition.
Hit judge_every(const Profile& profile, const CompiledClause& cc, const Judge& judge) {
  Hit best;
  for (const Family f : kFamilies) {
    if (judge.xhi[Judge::index(f)].empty()) continue;
    Hit hit{Tri::yes, {}, f, {}};
    bool first = true;
    for_each_piece(profile, cc.services, [&](const Piece& piece) {
      if (!piece.has_family(f)) return true;
      for (const Entry* e : piece.entries) {
        if (std::find(hit.every_entries.begin(), hit.every_entries.end(), e) ==
            hit.every_entries.end())
          hit.every_entries.push_back(e);
      }
      const Tri t = judge.judge(allowed(piece, f), f);
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
std::vector<const Entry*> responsible(const Piece& piece, Family f, const PacketSet& set) {
  std::vector<const Entry*> out;
  for (const Entry* e : piece.entries) {
    if ((e->service.families & detail::family_bit(f)) == 0) continue;
    if (!e->peer.lo.family(f).intersect(set).empty()) out.push_back(e);
  }
  return out;
}

std::vector<const Entry*> unresolved(const Piece& piece, Family f) {
  std::vector<const Entry*> out;
  for (const Entry* e : piece.entries) {
    if ((e->service.families & detail::family_bit(f)) != 0 && !e->peer.exact_known())
      out.push_back(e);
  }
  return out;
}

class FindingBuilder {
 public:
  FindingBuilder(const Inventory& inventory, const PolicyRule& rule)
      : inventory_(inventory), rule_(rule) {}

  Finding build(const TargetView& target, const CompiledClause& cc, const Bounds& x,
                const Hit& hit) const {
    const Clause& clause = *cc.clause;
    const Family f = hit.family;
    const Bounds a = allowed(hit.piece, f);
    std::vector<const Entry*> rules;
    std::string peer;
    std::string message;
    const char* way = clause.direction == Direction::ingress ? "from" : "to";
    const std::string svc =
        clause.every ? "every service of " + clause.services_text : hit.piece.text();
    if (hit.verdict == Tri::unknown) {
      rules = unresolved(hit.piece, f);
      std::vector<std::string> why = x.why;
      for (const Entry* e : rules)
        for (const std::string& w : e->peer.why)
          if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
      peer = rules.empty() ? first_member_text(x.hi.family(f), f) : rules.front()->peer_text;
      message = "verdict unknown: " + svc + " " + way + " " + condition_words(clause) +
                clause.addresses_text + " may be " + (clause.require ? "denied" : "allowed") +
                " by security groups (" + family_label(f) + "): " + join(why, "; ");
    } else if (clause.require) {
      const PacketSet missing = x.lo.family(f).subtract(a.hi.family(f));
      peer = first_member_text(missing, f);
      rules = responsible(hit.piece, f, x.lo.family(f));
      message = hit.piece.text() + " " + way + " " + peer + " is denied by security groups";
    } else if (clause.condition == ConditionKind::covering) {
      Piece all = hit.piece;
      if (clause.every) all.entries = hit.every_entries;
      rules = responsible(all, f, x.hi.family(f));
      peer = rules.empty() ? first_member_text(a.lo, f) : rules.front()->peer_text;
      message = svc + " is allowed by security groups " + way + " all of " + clause.addresses_text +
                " in " + family_label(f) + " (" + peers_text(rules) + ")";
    } else if (clause.condition == ConditionKind::overlap) {
      const PacketSet w = a.lo.family(f).intersect(x.lo.family(f));
      peer = first_member_text(w, f);
      rules = responsible(hit.piece, f, w);
      message = svc + " " + way + " " + peer + " is allowed by security groups";
    } else {
      const PacketSet w = a.lo.family(f).intersect(x.lo.family(f));
      peer = first_member_text(w, f);
      rules = responsible(hit.piece, f, w);
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
      if (std::find(parts.begin(), parts.end(), e->peer_text) == parts.end())
        parts.push_back(e->peer_text);
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

  void run(const std::vector<CompiledRule>& rules, std::vector<Finding>& out, Diagnostics& errors) {
    for (const CompiledRule& rule : rules) {
      report_unmatched_targets(*rule.rule, errors);
      std::vector<bool> fired(model_.inventory().groups.size(), false);
      run_groups(rule, fired, out);
      run_interfaces(rule, fired, out);
    }
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

  const Profile& group_profile(std::size_t gi, Direction d) {
    auto key = std::make_pair(gi, static_cast<int>(d));
    auto it = group_profiles_.find(key);
    if (it != group_profiles_.end()) return it->second;
    Profile p;
    for (const Entry& e : model_.entries(gi, d)) p.add(e);
    return group_profiles_.emplace(key, std::move(p)).first->second;
  }

  const Bounds& addresses(const Clause& clause, const std::string& vpc) {
    const bool uses_vpc = uses(clause, AddressKind::vpc);
    if (!uses_vpc) {
      auto plain = plain_address_cache_.find(&clause);
      if (plain != plain_address_cache_.end()) return plain->second;
    }
    auto key = std::make_pair(&clause, uses_vpc ? vpc : std::string());
    auto it = address_cache_.find(key);
    if (it != address_cache_.end()) return it->second;
    Bounds in, ex;
    for (const AddressItem& item : clause.addresses.include) in = in.unite(item_bounds(item, vpc));
    for (const AddressItem& item : clause.addresses.exclude) ex = ex.unite(item_bounds(item, vpc));
    if (!uses_vpc) return plain_address_cache_.emplace(&clause, in.subtract(ex)).first->second;
    return address_cache_.emplace(key, in.subtract(ex)).first->second;
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
        for (const Group* g : groups) out = out.unite(model_.members(g->id));
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

  // The first clause that fires, else the first that may: the rule's verdict on one target.
  std::optional<Finding> judge_target(const CompiledRule& rule, const TargetView& target,
                                      const std::function<const Profile&(Direction)>& profile,
                                      bool forbid_only) {
    std::optional<Finding> maybe;
    const FindingBuilder builder(model_.inventory(), *rule.rule);
    for (const CompiledClause& cc : rule.clauses) {
      const Clause& clause = *cc.clause;
      if (forbid_only && clause.require) continue;
      const Bounds& x = addresses(clause, target.vpc);
      const Judge judge(clause, x);
      const Profile& prof = profile(clause.direction);
      const Hit hit = clause.every ? judge_every(prof, cc, judge) : judge_some(prof, cc, judge);
      if (hit.verdict == Tri::yes) return builder.build(target, cc, x, hit);
      if (hit.verdict == Tri::unknown && !maybe) maybe = builder.build(target, cc, x, hit);
    }
    return maybe;
  }

  void run_groups(const CompiledRule& rule, std::vector<bool>& fired, std::vector<Finding>& out) {
    const Inventory& inv = model_.inventory();
    for (std::size_t gi = 0; gi < inv.groups.size(); ++gi) {
      const Group& g = inv.groups[gi];
      if (!targets_group(*rule.rule, g)) continue;
      const TargetView target{g.id, {}, {}, g.vpc_id, inv.location(g.location)};
      auto profile = [&](Direction d) -> const Profile& { return group_profile(gi, d); };
      if (std::optional<Finding> f = judge_target(rule, target, profile, false)) {
        fired[gi] = true;
        out.push_back(std::move(*f));
      }
    }
  }

  // Interfaces with two or more groups, grouped by VPC and groups: the union is judged once per
  // class and reported at each interface of a class that no targeted group of it already reports.
  void run_interfaces(const CompiledRule& rule, const std::vector<bool>& fired,
                      std::vector<Finding>& out) {
    const Inventory& inv = model_.inventory();
    const std::vector<InterfaceClass>& classes = interface_classes();
    for (std::size_t ci = 0; ci < classes.size(); ++ci) {
      const InterfaceClass& cls = classes[ci];
      const Interface& first = inv.interfaces[cls.members.front()];
      bool targeted = false, reported = false;
      for (const std::int32_t gi : cls.groups) {
        if (gi < 0 || !targets_group(*rule.rule, inv.groups[static_cast<std::size_t>(gi)]))
          continue;
        targeted = true;
        reported = reported || fired[static_cast<std::size_t>(gi)];
      }
      if (!targeted || reported) continue;
      const Profile* profiles[2] = {&class_profile(ci, first, Direction::ingress),
                                    &class_profile(ci, first, Direction::egress)};
      auto profile = [&](Direction d) -> const Profile& { return *profiles[static_cast<int>(d)]; };
      // Interfaces of a class have the same VPC and groups: judge once, report at each.
      const TargetView view{{}, first.id, {}, first.vpc_id, inv.location(first.location)};
      const std::optional<Finding> f = judge_target(rule, view, profile, true);
      if (!f) continue;
      for (const std::uint32_t i : cls.members) {
        const Interface& x = inv.interfaces[i];
        Finding copy = *f;
        copy.interface = x.id;
        copy.message =
            x.id + ", over the union of its groups " + join(x.groups, ", ") + ": " + f->message;
        if (copy.location.to_string() == view.location.to_string())
          copy.location = inv.location(x.location);
        out.push_back(std::move(copy));
      }
    }
  }

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
        for (const std::string& g : groups) {
          const Group* group = inv.find_group(g);
          cls.groups.push_back(group ? static_cast<std::int32_t>(group - inv.groups.data()) : -1);
        }
        classes_->push_back(std::move(cls));
      }
      (*classes_)[it->second].members.push_back(i);
    }
    return *classes_;
  }

  const Profile& class_profile(std::size_t ci, const Interface& x, Direction d) {
    auto cache_key = std::make_pair(ci, static_cast<int>(d));
    auto it = class_profiles_.find(cache_key);
    if (it != class_profiles_.end()) return it->second;
    Profile p;
    const Inventory& inv = model_.inventory();
    for (const std::string& gid : x.groups) {
      const Group* g = inv.find_group(gid);
      if (g == nullptr) {
        standins_.push_back(std::make_unique<Entry>(
            Entry{ServiceMatch{},
                  Bounds{PacketSet{},
                         PacketSet::everything(),
                         {x.id + " carries " + gid + ", which is not in the inventory"}},
                  nullptr, gid}));
        p.add(*standins_.back());
        continue;
      }
      for (const Entry& e : model_.entries(static_cast<std::size_t>(g - inv.groups.data()), d))
        p.add(e);
    }
    return class_profiles_.emplace(cache_key, std::move(p)).first->second;
  }

  Model model_;
  std::map<std::pair<std::size_t, int>, Profile> group_profiles_;
  std::map<std::pair<std::size_t, int>, Profile> class_profiles_;
  std::map<std::pair<const Clause*, std::string>, Bounds> address_cache_;
  std::map<const Clause*, Bounds> plain_address_cache_;
  std::optional<std::vector<InterfaceClass>> classes_;
  std::vector<std::unique_ptr<Entry>> standins_;
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
                    std::vector<Finding>& out, Diagnostics& errors) {
  Evaluator evaluator(inventory);
  evaluator.run(rules, out, errors);
}

}  // namespace sgcheck::policy
