// Exposure: what a group (or an interface, over the union of its groups) admits inbound and sends
// outbound, as compact service × peer lines. The services are cut into pieces where some rule's
// range starts or ends; each piece gets its peer set; pieces with equal peer sets merge into one
// line. Rules are read through src/semantics/ (their services, whether a reference can match); the
// inventory is not compiled. Entry points: compute_exposure(); resolve_exposure_target() reads
// --target as a flow's endpoint.
#include <algorithm>
#include <map>
#include <set>

#include "engine/compiled.h"

namespace sgcheck {
namespace detail {
namespace {

struct RuleAt {
  RuleRef ref;
  const Group* group;
  const Rule* rule;
  ServiceMatch service;
  bool uncertain = false;  // the service is what the rule might allow (possible_service())
};

// The peers of one service piece. Ordered so that equal peer sets compare equal.
struct PeerSet {
  std::vector<Ipv6Set::Interval> v4, v6;  // canonical intervals
  std::set<std::string> symbols;          // group references, prefix lists
  bool operator<(const PeerSet& o) const {
    auto flat = [](const std::vector<Ipv6Set::Interval>& v) {
      std::vector<std::pair<u128, u128>> out;
      for (const auto& iv : v) out.emplace_back(iv.lo, iv.hi);
      return out;
    };
    return std::make_tuple(flat(v4), flat(v6), symbols) <
           std::make_tuple(flat(o.v4), flat(o.v6), o.symbols);
  }
  bool empty() const { return v4.empty() && v6.empty() && symbols.empty(); }
};

// Why an uncertain rule's peer is listed as unknown: "from port unresolved(Ref P)", "only when
// condition IsProd holds", or both.
std::string uncertainty_text(const Rule& r) {
  std::string out = unresolved_service_text(r);
  if (rule_conditional(r)) {
    if (!out.empty()) out += ", ";
    out += "only when condition " + r.unresolved().condition + " holds";
  }
  return out;
}

// The rule's service matches the piece's packets (a piece of several protocols holds none a rule
// names, and unkeyed protocols have key 0 only).
bool covers(const RuleAt& r, const Piece& p) {
  return r.service.matches_key(p.proto_lo, p.lo);
}

std::vector<Piece> all_pieces(const std::vector<RuleAt>& rules) {
  std::map<int, std::set<std::uint32_t>> cuts;
  std::set<int> protocols{kIcmp, kTcp, kUdp, kIcmpv6};
  for (const RuleAt& r : rules) {
    if (r.service.protocol < 0) continue;
    protocols.insert(r.service.protocol);
    cuts[r.service.protocol].insert(r.service.lo);
    cuts[r.service.protocol].insert(static_cast<std::uint32_t>(r.service.hi) + 1);
  }
  std::vector<Piece> out;
  int run_start = 0;
  for (int p = 0; p <= 256; ++p) {
    if (p < 256 && !protocols.count(p)) continue;
    if (run_start < p) out.push_back({run_start, p - 1, 0, 0});
    if (p < 256) split_keys(p, 0, protocol_has_ports(p) ? kKeyMax : 0, cuts[p], out);
    run_start = p + 1;
  }
  return out;
}

struct PieceInfo {
  PeerSet peers;
  std::vector<RuleRef> rules;
  Ipv6Set public4, public6;  // what of the peers is internet, prefix-list entries included
};

PieceInfo piece_peers(const Semantics& sem, const std::vector<RuleAt>& rules, const Piece& p) {
  const Inventory& inv = sem.inventory();
  std::vector<Ipv6Set::Interval> v4, v6, pub4, pub6;
  PieceInfo info;
  auto add_cidr = [&](const Cidr& cidr, std::uint8_t families, bool shown) {
    if ((families & family_bit(cidr.family)) == 0) return false;  // icmp + IPv6 range: nothing
    auto& shown_list = cidr.family == Family::ipv4 ? v4 : v6;
    auto& public_list = cidr.family == Family::ipv4 ? pub4 : pub6;
    if (shown) shown_list.push_back({cidr.first(), cidr.last()});
    public_list.push_back({cidr.first(), cidr.last()});
    return true;
  };
  for (const RuleAt& r : rules) {
    if (!covers(r, p)) continue;
    const Peer& peer = r.rule->peer;
    bool contributes = false;
    if (r.uncertain) {
      // Might be allowed: the peer is listed as unknown, and counts for no internet exposure.
      if (peer.kind == PeerKind::group && !sem.can_match(*r.group, *r.rule)) continue;
      const bool cidr = peer.kind == PeerKind::cidr4 || peer.kind == PeerKind::cidr6;
      if (cidr && (r.service.families & family_bit(peer.cidr.family)) == 0) continue;
      info.peers.symbols.insert((cidr ? to_string(peer.cidr)
                                 : peer.kind == PeerKind::group && inv.find_group(peer.id)
                                     ? group_label(inv, peer.id)
                                     : peer.id.str()) +
                                " (unknown: " + uncertainty_text(*r.rule) + ")");
      info.rules.push_back(r.ref);
      continue;
    }
    switch (peer.kind) {
      case PeerKind::cidr4:
      case PeerKind::cidr6:
        contributes = add_cidr(peer.cidr, r.service.families, true);
        break;
      case PeerKind::prefix_list: {
        const PrefixList* pl = inv.find_prefix_list(peer.id);
        const bool known = pl != nullptr && pl->entries_known;
        info.peers.symbols.insert(peer.id + (known ? "" : " (entries unknown)"));
        if (known) {
          for (const Cidr& e : pl->entries) add_cidr(e, r.service.families, false);
        }
        contributes = true;
        break;
      }
      case PeerKind::group:
        if (!sem.can_match(*r.group, *r.rule)) break;  // stale: matches nothing
        info.peers.symbols.insert(inv.find_group(peer.id) ? group_label(inv, peer.id)
                                                          : peer.id + " (not in the inventory)");
        contributes = true;
        break;
    }
    if (contributes) info.rules.push_back(r.ref);
  }
  info.peers.v4 = Ipv6Set::from_unsorted(std::move(v4)).intervals();
  info.peers.v6 = Ipv6Set::from_unsorted(std::move(v6)).intervals();
  info.public4 = Ipv6Set::from_unsorted(std::move(pub4)).intersect(internet_set(Family::ipv4));
  info.public6 = Ipv6Set::from_unsorted(std::move(pub6)).intersect(internet_set(Family::ipv6));
  return info;
}

InternetExposure internet_of(const Ipv6Set& public4, const Ipv6Set& public6) {
  if (public4 == internet_set(Family::ipv4) || public6 == internet_set(Family::ipv6)) {
    return InternetExposure::all;
  }
  return (public4.empty() && public6.empty()) ? InternetExposure::none : InternetExposure::part;
}

std::vector<ExposureLine> lines_for(const Semantics& sem, const std::vector<RuleAt>& rules) {
  struct Merged {
    std::vector<Piece> pieces;
    std::set<RuleRef> rules;
    Ipv6Set public4, public6;
  };
  std::map<PeerSet, Merged> merged;
  for (const Piece& p : all_pieces(rules)) {
    PieceInfo info = piece_peers(sem, rules, p);
    if (info.peers.empty()) continue;
    Merged& m = merged[info.peers];
    m.pieces.push_back(p);
    m.rules.insert(info.rules.begin(), info.rules.end());
    m.public4 = m.public4.unite(info.public4);
    m.public6 = m.public6.unite(info.public6);
  }
  std::vector<std::pair<Piece, ExposureLine>> lines;
  for (auto& [peers, m] : merged) {
    ExposureLine line;
    line.services = pieces_text(m.pieces);
    const std::string v4 = cidrs_text(Ipv6Set::from_unsorted(peers.v4), Family::ipv4);
    const std::string v6 = cidrs_text(Ipv6Set::from_unsorted(peers.v6), Family::ipv6);
    if (!v4.empty()) line.peers.push_back(v4);
    if (!v6.empty()) line.peers.push_back(v6);
    line.peers.insert(line.peers.end(), peers.symbols.begin(), peers.symbols.end());
    line.internet = internet_of(m.public4, m.public6);
    line.rules.assign(m.rules.begin(), m.rules.end());
    lines.emplace_back(*std::min_element(m.pieces.begin(), m.pieces.end()), std::move(line));
  }
  std::sort(lines.begin(), lines.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ExposureLine> out;
  for (auto& [piece, line] : lines) out.push_back(std::move(line));
  return out;
}

// Rules that can never match, said once per exposure so that a missing line is not a mystery.
void dead_rule_notes(const Semantics& sem, const Group& g, std::vector<std::string>& notes) {
  const Inventory& inv = sem.inventory();
  for (const Rule& r : g.rules) {
    if (!r.valid) continue;
    const std::string where = " (" + g.id + ", " + inv.location(r.location).to_string() + ")";
    if (service_unresolved(r)) {
      notes.push_back("the " + unresolved_service_text(r) +
                      " is not known before deployment: what the rule allows is unknown, shown as "
                      "the services it might allow" +
                      where);
    }
    if (rule_conditional(r)) {
      notes.push_back("the rule exists " + rule_condition_text(r) +
                      ": what it allows is shown as unknown (" + g.id + ", " +
                      inv.location(rule_condition_location(r)).to_string() + ")");
    }
    if (r.peer.kind == PeerKind::group && !sem.can_match(g, r)) {
      notes.push_back("the reference to " + r.peer.id +
                      " crosses VPCs with no active peering and matches nothing" + where);
    }
    const bool v6 = r.peer.kind == PeerKind::cidr6, v4 = r.peer.kind == PeerKind::cidr4;
    if ((r.protocol == kIcmp && v6) || (r.protocol == kIcmpv6 && v4)) {
      notes.push_back(protocol_name(r.protocol) + " with an " + (v6 ? "IPv6" : "IPv4") +
                      " range matches nothing" + where);
    }
  }
}

void add_group_rules(const Inventory& inv, const Group& g, Direction d, std::vector<RuleAt>& out) {
  const auto gi = static_cast<std::uint32_t>(&g - inv.groups.data());
  for (std::uint32_t ri = 0; ri < g.rules.size(); ++ri) {
    const Rule& r = g.rules[ri];
    ServiceMatch s;
    if (r.direction != d || !r.valid) continue;
    const RuleServiceKind kind = service_of(r, s);
    if (kind != RuleServiceKind::none) {
      out.push_back({RuleRef{gi, ri}, &g, &r, s, kind == RuleServiceKind::uncertain});
    }
  }
}

Exposure group_exposure(const Semantics& sem, const Group& g) {
  const Inventory& inv = sem.inventory();
  Exposure e;
  e.target = g.id;
  e.label = "group " + group_label(inv, g.id) + (g.vpc_id.empty() ? "" : " in " + g.vpc_id);
  std::vector<RuleAt> in, out;
  add_group_rules(inv, g, Direction::ingress, in);
  add_group_rules(inv, g, Direction::egress, out);
  dead_rule_notes(sem, g, e.notes);
  e.inbound = lines_for(sem, in);
  e.outbound = lines_for(sem, out);
  return e;
}

Exposure interface_exposure(const Semantics& sem, const Interface& x) {
  const Inventory& inv = sem.inventory();
  Exposure e;
  e.target = x.id;
  e.label = "interface " + x.id + (x.instance_id.empty() ? "" : " (" + x.instance_id + ")") +
            (x.vpc_id.empty() ? "" : " in " + x.vpc_id);
  std::vector<RuleAt> in, out;
  for (const Name& gid : x.groups) {
    e.groups.push_back(group_label(inv, gid));
    const Group* g = inv.find_group(gid);
    if (g == nullptr) {
      e.notes.push_back(gid + " is not in the inventory: its rules are unknown");
      continue;
    }
    add_group_rules(inv, *g, Direction::ingress, in);
    add_group_rules(inv, *g, Direction::egress, out);
    dead_rule_notes(sem, *g, e.notes);
  }
  e.inbound = lines_for(sem, in);
  e.outbound = lines_for(sem, out);
  return e;
}

}  // namespace
}  // namespace detail

const char* internet_exposure_name(InternetExposure e) {
  switch (e) {
    case InternetExposure::none:
      return "none";
    case InternetExposure::part:
      return "part";
    case InternetExposure::all:
      return "all";
  }
  return "none";
}

std::vector<Exposure> compute_exposure(const Inventory& inventory, std::string_view target) {
  using namespace detail;
  const Semantics sem(inventory);
  std::vector<Exposure> out;
  for (const Group& g : inventory.groups) {
    // A template group also answers to its logical id or resource address, bare or as
    // FILE#LogicalId (docs/iac.md).
    if (target.empty() || target == g.id || names_template_group(inventory, g, target))
      out.push_back(group_exposure(sem, g));
  }
  for (const Interface& x : inventory.interfaces) {
    if (target.empty() || target == x.id || (!x.instance_id.empty() && target == x.instance_id)) {
      out.push_back(interface_exposure(sem, x));
    }
  }
  return out;
}

std::vector<Exposure> compute_exposure_first(const Inventory& inventory, std::size_t max_targets) {
  using namespace detail;
  const Semantics sem(inventory);
  std::vector<Exposure> out;
  for (std::size_t i = 0; i < inventory.groups.size() && out.size() < max_targets; ++i)
    out.push_back(group_exposure(sem, inventory.groups[i]));
  for (std::size_t i = 0; i < inventory.interfaces.size() && out.size() < max_targets; ++i)
    out.push_back(interface_exposure(sem, inventory.interfaces[i]));
  return out;
}

namespace {

constexpr const char* kTargetFile = "<target>";

Diagnostic target_error(std::string message, std::string_view text, std::uint32_t column) {
  Diagnostic d;
  d.message = std::move(message);
  d.location = Location{Name(kTargetFile), 1, column};
  quote_source_line(d, text);
  return d;
}

// The interface that holds `address`, private or public (a public address reaches it too).
const Interface* interface_with(const Inventory& inv, const Address& address) {
  for (const Interface& x : inv.interfaces) {
    if (std::find(x.private_ips.begin(), x.private_ips.end(), address) != x.private_ips.end() ||
        std::find(x.public_ips.begin(), x.public_ips.end(), address) != x.public_ips.end()) {
      return &x;
    }
  }
  return nullptr;
}

bool has_instance(const Inventory& inv, std::string_view id) {
  return std::any_of(inv.interfaces.begin(), inv.interfaces.end(),
                     [id](const Interface& x) { return x.instance_id == id; });
}

}  // namespace

ExposureTarget resolve_exposure_target(const Inventory& inv, std::string_view text) {
  ExposureTarget out;
  EndpointParseResult parsed = parse_endpoint(text, kTargetFile, 1);
  if (!parsed) {
    out.error = std::move(parsed.error);
    return out;
  }
  out.warnings = std::move(parsed.warnings);
  Endpoint& e = *parsed.endpoint;
  if ((out.error = resolve_endpoint_name(e, inv, text, kTargetFile, 1))) return out;
  const std::string shown = cut_for_message(e.to_string());
  bool found = false;
  switch (e.kind) {
    case EndpointKind::group:
      found = inv.find_group(e.id) != nullptr;
      out.id = e.id;
      break;
    case EndpointKind::interface:
      found = inv.find_interface(e.id) != nullptr;
      out.id = e.id;
      break;
    case EndpointKind::instance:
      found = has_instance(inv, e.id);
      out.id = e.id;
      break;
    case EndpointKind::address:
      if (const Interface* x = interface_with(inv, Address{e.cidr.family, e.cidr.base})) {
        found = true;
        out.id = x->id;
      } else {
        out.error = target_error(shown + " is not an address of an interface in the inventory",
                                 text, e.column);
        return out;
      }
      break;
    case EndpointKind::cidr:
    case EndpointKind::internet:
    case EndpointKind::aws_range:
      out.error = target_error(shown +
                                   " stands for many addresses; --target names one group, "
                                   "interface, instance or address of an interface",
                               text, e.column);
      return out;
  }
  if (!found) out.error = target_error(shown + " is not in the inventory", text, e.column);
  return out;
}

}  // namespace sgcheck
