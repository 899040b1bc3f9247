// The exact access of one subject and direction on two sides, and its difference (access.h). The
// address space of each family is cut at every atom's bounds; on each elementary range the
// services of the atoms covering it are united per side (one interval set of protocol and key) and
// subtracted; ranges with the same result become one piece, printed as canonical CIDRs. Entry
// points: collect_atoms(), compare_access().
#include "diff/access.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "check/violation.h"
#include "lint/check_support.h"
#include "policy/sets.h"

namespace sgcheck::detail {

namespace {

u128 family_max(Family f) {
  return f == Family::ipv4 ? u128{0xffffffffu} : ~u128{0};
}

void add_address_atom(AccessAtom base, const Cidr& cidr, std::vector<AccessAtom>& out) {
  if ((base.service.families & family_bit(cidr.family)) == 0) return;  // can never match
  base.family = cidr.family;
  base.lo = cidr.first();
  base.hi = cidr.last();
  out.push_back(std::move(base));
}

// A set of services as one interval set of protocol * 65536 + key, the key being the port (tcp,
// udp), type * 256 + code (icmp, icmpv6), or any (other protocols, whose packets all have key 0:
// so that `all` is one interval). Small where a rule's service is: one interval per rule.
using Keys = IntervalSet<std::uint32_t>;
constexpr std::uint32_t kAllKeys = 256u * 65536u - 1;

std::uint32_t key_base(int protocol) {
  return static_cast<std::uint32_t>(protocol) << 16;
}

// The services of `matches`: over one family's packets (address peers), or over every packet
// (symbolic peers, whose members may have either family).
Keys services_of(const std::vector<ServiceMatch>& matches, std::optional<Family> family) {
  std::vector<Keys::Interval> parts;
  for (const ServiceMatch& m : matches) {
    if (family && (m.families & family_bit(*family)) == 0) continue;
    if (m.protocol == -1) {
      parts.push_back({0, kAllKeys});
    } else if (protocol_has_ports(m.protocol)) {
      parts.push_back({key_base(m.protocol) + m.lo, key_base(m.protocol) + m.hi});
    } else {
      parts.push_back({key_base(m.protocol), key_base(m.protocol) + 0xffff});
    }
  }
  Keys out = Keys::from_unsorted(std::move(parts));
  if (family &&
      !out.empty()) {  // ICMP of the other family never matches (policy::protocol_in_family)
    const int other = *family == Family::ipv4 ? kIcmpv6 : kIcmp;
    out = out.subtract(Keys::of(key_base(other), key_base(other) + 0xffff));
  }
  return out;
}

std::vector<ViolationPart> parts_of(const Keys& set, Family family) {
  std::vector<ViolationPart> parts;
  for (const auto& iv : set.intervals()) {
    for (std::uint32_t p = iv.lo >> 16; p <= iv.hi >> 16; ++p) {
      ViolationPart part;
      part.family = family;
      part.protocol_first = part.protocol_last = static_cast<std::uint8_t>(p);
      if (protocol_has_ports(static_cast<int>(p))) {
        part.lo = static_cast<std::uint16_t>(p == iv.lo >> 16 ? iv.lo & 0xffff : 0);
        part.hi = static_cast<std::uint16_t>(p == iv.hi >> 16 ? iv.hi & 0xffff : 0xffff);
      }
      parts.push_back(part);
    }
  }
  normalise_parts(parts);
  return parts;
}

std::string parts_text(const std::vector<ViolationPart>& parts) {
  std::string out;
  for (const ViolationPart& p : parts) {
    if (!out.empty()) out += ", ";
    out += part_service_text(p);
  }
  return out;
}

// "all", "all except tcp/22", or the services one by one: canonical, so that equal sets print
// equally.
std::string services_text(const Keys& set, std::optional<Family> family) {
  static const Keys kAll[3] = {services_of({ServiceMatch{}}, Family::ipv4),
                               services_of({ServiceMatch{}}, Family::ipv6),
                               services_of({ServiceMatch{}}, std::nullopt)};
  const Keys missing = kAll[family ? family_index(*family) : 2].subtract(set);
  if (missing.empty()) return "all";
  // The shorter spelling: what is there, or "all except" what is not (protocols counted).
  const auto protocols = [](const Keys& keys) {
    std::uint32_t n = 0;
    for (const auto& iv : keys.intervals()) n += (iv.hi >> 16) - (iv.lo >> 16) + 1;
    return n;
  };
  const Family f = family.value_or(Family::ipv4);
  if (protocols(missing) < protocols(set)) return "all except " + parts_text(parts_of(missing, f));
  return parts_text(parts_of(set, f));
}

// The services each side's atoms give one range or symbolic peer.
std::vector<ServiceMatch> sorted_unique(std::vector<ServiceMatch> matches) {
  const auto key = [](const ServiceMatch& m) {
    return std::tuple(m.protocol, m.lo, m.hi, m.families);
  };
  std::sort(matches.begin(), matches.end(),
            [&](const ServiceMatch& a, const ServiceMatch& b) { return key(a) < key(b); });
  matches.erase(
      std::unique(matches.begin(), matches.end(),
                  [&](const ServiceMatch& a, const ServiceMatch& b) { return key(a) == key(b); }),
      matches.end());
  return matches;
}

// One piece being gathered: its services and the addresses (or symbolic peer) they apply to.
struct Gathered {
  Keys services;
  IntervalSet<u128> addresses;
  std::string symbolic, label;
};

ContributingRule contributing(const Inventory& inventory, const AccessAtom& atom) {
  ContributingRule out;
  out.group = atom.group->id;
  out.id = atom.rule->id;
  out.location = inventory.location(atom.rule->location);
  out.content =
      atom.group->id + " " + direction_name(atom.rule->direction) + " " + rule_text(*atom.rule);
  return out;
}

AccessPiece address_piece(const Gathered& g, Family family, const Inventory& inventory,
                          const std::vector<AccessAtom>& atoms) {
  AccessPiece piece;
  piece.family = family;
  if (family == Family::ipv4) {
    std::vector<Ipv4Set::Interval> parts;
    for (const auto& iv : g.addresses.intervals())
      parts.push_back({static_cast<std::uint32_t>(iv.lo), static_cast<std::uint32_t>(iv.hi)});
    const Ipv4Set set = Ipv4Set::from_unsorted(std::move(parts));
    piece.cidrs = to_cidrs(set);
    piece.internet = set.overlaps(policy::internet4());
  } else {
    Ipv6Set set = Ipv6Set::from_unsorted(g.addresses.intervals());
    piece.cidrs = to_cidrs(set);
    piece.internet = set.overlaps(policy::internet6());
  }
  piece.parts = parts_of(g.services, family);
  piece.services = services_text(g.services, family);
  for (const AccessAtom& atom : atoms) {
    if (!atom.symbolic.empty() || atom.family != family) continue;
    if (!g.addresses.overlaps(IntervalSet<u128>::of(atom.lo, atom.hi))) continue;
    if (!services_of({atom.service}, family).overlaps(g.services)) continue;
    piece.rules.push_back(contributing(inventory, atom));
  }
  return piece;
}

AccessPiece symbolic_piece(const Gathered& g, const Inventory& inventory,
                           const std::vector<AccessAtom>& atoms) {
  AccessPiece piece;
  piece.symbolic = g.label;
  piece.parts = parts_of(g.services, Family::ipv4);
  piece.services = services_text(g.services, std::nullopt);
  for (const AccessAtom& atom : atoms) {
    if (atom.symbolic != g.symbolic) continue;
    if (!services_of({atom.service}, std::nullopt).overlaps(g.services)) continue;
    piece.rules.push_back(contributing(inventory, atom));
  }
  return piece;
}

// The pieces one family's address ranges add and remove.
void compare_family(Family family, const Inventory& before_inventory,
                    const std::vector<AccessAtom>& before, const Inventory& after_inventory,
                    const std::vector<AccessAtom>& after, AccessDelta& delta) {
  std::vector<u128> bounds{0};
  const auto add_bounds = [&](const std::vector<AccessAtom>& atoms) {
    for (const AccessAtom& a : atoms) {
      if (!a.symbolic.empty() || a.family != family) continue;
      bounds.push_back(a.lo);
      if (a.hi != family_max(family)) bounds.push_back(a.hi + 1);
    }
  };
  add_bounds(before);
  add_bounds(after);
  if (bounds.size() == 1) return;
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  const auto covering = [&](const std::vector<AccessAtom>& atoms, u128 at) {
    std::vector<ServiceMatch> out;
    for (const AccessAtom& a : atoms)
      if (a.symbolic.empty() && a.family == family && a.lo <= at && at <= a.hi)
        out.push_back(a.service);
    return sorted_unique(std::move(out));
  };
  std::map<std::string, Gathered> added, removed;  // by services_text()
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const u128 lo = bounds[i];
    const u128 hi = i + 1 < bounds.size() ? bounds[i + 1] - 1 : family_max(family);
    const std::vector<ServiceMatch> was = covering(before, lo);
    const std::vector<ServiceMatch> now = covering(after, lo);
    if (was.size() == now.size() &&
        std::equal(was.begin(), was.end(), now.begin(), [](const auto& a, const auto& b) {
          return std::tie(a.protocol, a.lo, a.hi, a.families) ==
                 std::tie(b.protocol, b.lo, b.hi, b.families);
        }))
      continue;
    const Keys old_set = services_of(was, family);
    const Keys new_set = services_of(now, family);
    for (auto [set, into] : {std::pair{new_set.subtract(old_set), &added},
                             std::pair{old_set.subtract(new_set), &removed}}) {
      if (set.empty()) continue;
      Gathered& g = (*into)[services_text(set, family)];
      g.services = set;
      g.addresses = g.addresses.unite(IntervalSet<u128>::of(lo, hi));
    }
  }
  for (const auto& [text, g] : added)
    delta.added.push_back(address_piece(g, family, after_inventory, after));
  for (const auto& [text, g] : removed)
    delta.removed.push_back(address_piece(g, family, before_inventory, before));
}

void compare_symbolic(const Inventory& before_inventory, const std::vector<AccessAtom>& before,
                      const Inventory& after_inventory, const std::vector<AccessAtom>& after,
                      AccessDelta& delta) {
  struct Sides {
    std::vector<ServiceMatch> before, after;
    std::string before_label, after_label;
  };
  std::map<std::string, Sides> peers;
  for (const AccessAtom& a : before) {
    if (a.symbolic.empty()) continue;
    Sides& s = peers[a.symbolic];
    s.before.push_back(a.service);
    s.before_label = a.label;
  }
  for (const AccessAtom& a : after) {
    if (a.symbolic.empty()) continue;
    Sides& s = peers[a.symbolic];
    s.after.push_back(a.service);
    s.after_label = a.label;
  }
  for (const auto& [key, s] : peers) {
    const Keys old_set = services_of(s.before, std::nullopt);
    const Keys new_set = services_of(s.after, std::nullopt);
    Gathered g;
    g.symbolic = key;
    g.services = new_set.subtract(old_set);
    g.label = s.after_label;
    if (!g.services.empty()) delta.added.push_back(symbolic_piece(g, after_inventory, after));
    g.services = old_set.subtract(new_set);
    g.label = s.before_label;
    if (!g.services.empty()) delta.removed.push_back(symbolic_piece(g, before_inventory, before));
  }
}

// Address pieces by family and first address, then symbolic ones by label.
void sort_pieces(std::vector<AccessPiece>& pieces) {
  std::stable_sort(pieces.begin(), pieces.end(), [](const AccessPiece& a, const AccessPiece& b) {
    const bool a_sym = !a.symbolic.empty(), b_sym = !b.symbolic.empty();
    if (a_sym != b_sym) return b_sym;
    if (a_sym) return a.symbolic < b.symbolic;
    if (a.family != b.family) return a.family < b.family;
    return a.cidrs.front().base < b.cidrs.front().base;
  });
}

}  // namespace

void collect_atoms(const Semantics& semantics, const Group& group, Direction direction,
                   const GroupNaming& naming, std::vector<AccessAtom>& out,
                   std::vector<std::string>& open) {
  for (const Rule& rule : group.rules) {
    if (rule.direction != direction || !rule.valid) continue;
    AccessAtom atom;
    atom.group = &group;
    atom.rule = &rule;
    const RuleServiceKind kind = service_of(rule, atom.service);
    if (kind == RuleServiceKind::none) continue;
    if (kind == RuleServiceKind::uncertain) {
      std::string text = std::string(direction_name(direction)) + " " + rule_text(rule);
      if (rule_conditional(rule)) text += " (" + rule_condition_text(rule) + ")";
      open.push_back(std::move(text));
      continue;
    }
    const Peer& peer = rule.peer;
    switch (peer.kind) {
      case PeerKind::cidr4:
      case PeerKind::cidr6:
        if (peer.id.empty()) add_address_atom(std::move(atom), peer.cidr, out);
        break;
      case PeerKind::prefix_list: {
        const PrefixList* list = semantics.find_prefix_list(peer.id);
        if (list != nullptr && list->entries_known) {
          for (const Cidr& entry : list->entries) add_address_atom(atom, entry, out);
        } else {
          atom.symbolic = "pl:" + peer.id;
          atom.label = peer.id + " (entries not given)";
          out.push_back(std::move(atom));
        }
        break;
      }
      case PeerKind::group: {
        if (!semantics.can_match(group, rule)) break;  // matches nothing (SG205, SG302)
        std::string key;
        naming(peer.id, key, atom.label);
        atom.symbolic = "group:" + key;
        out.push_back(std::move(atom));
        break;
      }
    }
  }
}

AccessDelta compare_access(const Inventory& before_inventory, const std::vector<AccessAtom>& before,
                           const Inventory& after_inventory, const std::vector<AccessAtom>& after) {
  AccessDelta delta;
  for (const Family family : {Family::ipv4, Family::ipv6})
    compare_family(family, before_inventory, before, after_inventory, after, delta);
  compare_symbolic(before_inventory, before, after_inventory, after, delta);
  sort_pieces(delta.added);
  sort_pieces(delta.removed);
  return delta;
}

}  // namespace sgcheck::detail
