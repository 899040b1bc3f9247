// Decisions: evaluate_side() is the hot loop over the compiled tables; Engine::verdict() resolves a
// point flow and combines its two sides without allocating; Engine::decide() also answers set
// questions by cutting the flow into cells (service pieces × source atoms × destination atoms)
// inside which every rule behaves alike, deciding one representative packet per cell, and merging
// the cells back into readable parts; a point flow takes decide_point_cell() and
// write_point_reasons(), its one cell into a PointDecision's reused buffers. The batch forms
// (Engine::verdicts(), Engine::decide() over an array, decide_points()) prefetch a window
// of flows' data in passes. Entry points: Engine::decide(), decide_points(),
// Engine::verdict(), Engine::verdicts().
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "atoms/text.h"
#include "engine/compiled.h"

namespace sgcheck {
namespace detail {

namespace {

template <typename T>
T load(const unsigned char* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

// Whether the `count` sorted, disjoint intervals at `at` (IPv4: two u32, IPv6: two u128) hold x.
// Most entries have a few intervals: a linear scan, a binary search beyond that.
template <typename T>
bool intervals_contain(const unsigned char* at, std::uint32_t count, T x) {
  constexpr std::size_t kSize = 2 * sizeof(T);
  std::uint32_t lo = 0, hi = count;
  while (hi - lo > 8) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (load<T>(at + mid * kSize) <= x) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  for (std::uint32_t i = lo; i < hi; ++i) {
    const T first = load<T>(at + i * kSize);
    if (x < first) return false;
    if (x <= load<T>(at + i * kSize + sizeof(T))) return true;
  }
  return false;
}

// One group's block for the packet: allow, or whether something made the side unknown.
bool block_allows(const CompiledInventory& c, GroupToken t, Direction direction,
                  const Packet& packet, const Remote& remote, bool& unknown) {
  const int d = static_cast<int>(direction);
  const unsigned char* block = c.blocks.data() + c.block_of[2 * t + d];
  const auto h = load<BlockHeader>(block);
  const int f = family_index(packet.family);
  const unsigned char* entry =
      block + sizeof(BlockHeader) + (f == 1 ? h.cidr_count[0] * sizeof(BlockEntry) : 0);
  for (std::uint32_t k = 0; k < h.cidr_count[f]; ++k, entry += sizeof(BlockEntry)) {
    const auto e = load<BlockEntry>(entry);
    if (!e.service.matches(packet)) continue;
    const bool hit = f == 0 ? remote.bits <= 0xffffffffu &&
                                  intervals_contain(block + e.first, e.count,
                                                    static_cast<std::uint32_t>(remote.bits))
                            : intervals_contain(block + e.first, e.count, remote.bits);
    if (hit) return true;
  }
  if (!remote.translated) {
    entry = block + sizeof(BlockHeader) + (h.cidr_count[0] + h.cidr_count[1]) * sizeof(BlockEntry);
    for (std::uint32_t k = 0; k < h.ref_count; ++k, entry += sizeof(BlockEntry)) {
      const auto e = load<BlockEntry>(entry);
      if (!e.service.matches(packet)) continue;
      if (remote.iface >= 0) {
        if (c.point_carries(static_cast<std::uint32_t>(remote.iface), e.first)) return true;
      } else if (!c.complete[e.first]) {
        unknown = true;
      }
    }
  }
  if (h.unknown_count > 0 && !unknown) {
    for (const UnknownEntry& e : c.groups[t].tables[d].unknowns) {
      if (e.service.matches(packet) && unknown_peer_matches(c, e, remote)) {
        unknown = true;
        break;
      }
    }
  }
  return false;
}

}  // namespace

// Reads the interface's record and one block per group (compiled.h: the decision tables).
Tri evaluate_side(const CompiledInventory& c, std::uint32_t iface, Direction direction,
                  const Packet& packet, const Remote& remote) {
  bool unknown = (c.points[iface].flags & kUndefinedGroup) != 0;
  const auto [tokens, n] = c.point_groups(iface);
  for (std::size_t i = 0; i < n; ++i) {
    if (block_allows(c, tokens[i], direction, packet, remote, unknown)) return Tri::allow;
  }
  return unknown ? Tri::unknown : Tri::deny;
}

namespace {

constexpr std::size_t kMaxCells = 200'000;

// A side's verdict in a cell: a Tri, or not applicable (the endpoint is outside the inventory).
enum class Side : std::uint8_t { allow, deny, unknown, not_applicable };

Side to_side(Tri t) {
  return t == Tri::allow ? Side::allow : t == Tri::deny ? Side::deny : Side::unknown;
}

// The endpoints fix the family (an address, a CIDR, internet4/internet6), else the service.
Family flow_family(const Flow& flow) {
  if (const std::optional<Family> f = flow.source.family()) return *f;
  if (const std::optional<Family> f = flow.destination.family()) return *f;
  return flow.service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
}

const char* family_label(Family f) {
  return f == Family::ipv4 ? "IPv4" : "IPv6";
}

// One interface as an atom at its primary address (its first private address of the family, kept
// in its decision record); `problem` says why not.
bool interface_atom(const CompiledInventory& c, std::int32_t iface, std::string_view name,
                    Family family, Atom& atom, std::string* problem) {
  if (iface < 0) {
    if (problem) *problem = std::string(name) + " is not in the inventory";
    return false;
  }
  const PointInterface& p = c.points[static_cast<std::size_t>(iface)];
  const bool v4 = family == Family::ipv4;
  if ((p.flags & (v4 ? kHasPrimary4 : kHasPrimary6)) == 0) {
    if (problem) {
      *problem = std::string(name) + " has no private " + family_label(family) +
                 " address in the inventory";
    }
    return false;
  }
  const u128 bits = v4 ? u128{p.primary4} : p.primary6;
  atom = Atom{iface, bits, bits, false};
  return true;
}

// The interface a single endpoint (address, eni-…, i-…) names, or -1; for an address, whether it
// is the interface's public address.
std::int32_t endpoint_iface(const CompiledInventory& c, const Endpoint& e, Family family,
                            bool& is_public) {
  switch (e.kind) {
    case EndpointKind::address:
      return c.find_point_address(family, e.cidr.base, is_public);
    case EndpointKind::interface:
      return c.find_interface(e.id);
    case EndpointKind::instance:
      return c.find_instance(e.id);
    default:
      return -1;
  }
}

// The atom of a single endpoint whose interface endpoint_iface() found.
bool endpoint_atom(const CompiledInventory& c, const Endpoint& e, Family family, std::int32_t iface,
                   bool is_public, Atom& atom, std::string* problem) {
  switch (e.kind) {
    case EndpointKind::address:
      atom = Atom{iface, e.cidr.base, e.cidr.base, iface >= 0 && is_public};
      return true;
    case EndpointKind::interface:
    case EndpointKind::instance:
      return interface_atom(c, iface, e.id, family, atom, problem);
    default:
      return false;
  }
}

// A single endpoint as one atom. No allocation unless `problem` is filled.
bool resolve_single(const CompiledInventory& c, const Endpoint& e, Family family, Atom& atom,
                    std::string* problem) {
  bool is_public = false;
  const std::int32_t iface = endpoint_iface(c, e, family, is_public);
  return endpoint_atom(c, e, family, iface, is_public, atom, problem);
}

struct CellVerdict {
  Side egress = Side::not_applicable;
  Side ingress = Side::not_applicable;
  Side overall = Side::unknown;
};

struct CellContext {
  Packet packet;
  bool translated = false;
  Remote to_destination;  // what the source's egress rules see
  Remote to_source;       // what the destination's ingress rules see
};

CellContext cell_context(const CompiledInventory& c, const Packet& packet, const Atom& src,
                         const Atom& dst) {
  CellContext ctx;
  ctx.packet = packet;
  ctx.translated = src.is_public || dst.is_public;
  ctx.to_destination =
      Remote{seen_address(c, dst, packet.family, ctx.translated), dst.iface, ctx.translated};
  ctx.to_source =
      Remote{seen_address(c, src, packet.family, ctx.translated), src.iface, ctx.translated};
  return ctx;
}

CellVerdict decide_cell(const CompiledInventory& c, const CellContext& ctx, const Atom& src,
                        const Atom& dst) {
  CellVerdict v;
  if (src.iface >= 0) {
    v.egress = to_side(evaluate_side(c, static_cast<std::uint32_t>(src.iface), Direction::egress,
                                     ctx.packet, ctx.to_destination));
  }
  if (dst.iface >= 0) {
    v.ingress = to_side(evaluate_side(c, static_cast<std::uint32_t>(dst.iface), Direction::ingress,
                                      ctx.packet, ctx.to_source));
  }
  if (v.egress == Side::not_applicable && v.ingress == Side::not_applicable) {
    v.overall = Side::unknown;  // no security group of the inventory is on this path
  } else if (v.egress == Side::deny || v.ingress == Side::deny) {
    v.overall = Side::deny;
  } else if (v.egress == Side::unknown || v.ingress == Side::unknown) {
    v.overall = Side::unknown;
  } else {
    v.overall = Side::allow;
  }
  return v;
}

Verdict to_verdict(Side s) {
  switch (s) {
    case Side::allow:
      return Verdict::allow;
    case Side::deny:
      return Verdict::deny;
    case Side::unknown:
      return Verdict::unknown;
    case Side::not_applicable:
      return Verdict::not_applicable;
  }
  return Verdict::unknown;
}

}  // namespace

// ---- Service pieces ----------------------------------------------------------------------------

bool keyed(int protocol) {
  return protocol_has_ports(protocol);
}

// The service's key range for a keyed protocol.
std::pair<std::uint32_t, std::uint32_t> service_keys(const Service& s) {
  if (s.protocol == kTcp || s.protocol == kUdp) return {s.ports.from, s.ports.to};
  if (s.protocol == kIcmp || s.protocol == kIcmpv6) {
    if (s.icmp.type == -1) return {0, kKeyMax};
    const auto base = static_cast<std::uint32_t>(s.icmp.type) * 256;
    if (s.icmp.code == -1) return {base, base + 255};
    return {base + static_cast<std::uint32_t>(s.icmp.code),
            base + static_cast<std::uint32_t>(s.icmp.code)};
  }
  return {0, 0};
}

// Every entry of the given groups in both directions, for cutting points.
template <typename F>
void for_each_match(const CompiledInventory& c, const std::set<GroupToken>& groups, F&& f) {
  for (const GroupToken t : groups) {
    for (const SideTable& table : c.groups[t].tables) {
      for (const auto& family : table.cidr) {
        for (const CidrEntry& e : family) f(e.service, &e.addresses);
      }
      for (const RefEntry& e : table.refs) f(e.service, nullptr);
      for (const UnknownEntry& e : table.unknowns) f(e.service, nullptr);
    }
  }
}

void split_keys(int protocol, std::uint32_t lo, std::uint32_t hi,
                const std::set<std::uint32_t>& cuts, std::vector<Piece>& out) {
  std::uint32_t start = lo;
  for (auto it = cuts.upper_bound(lo); it != cuts.end() && *it <= hi; ++it) {
    out.push_back({protocol, protocol, start, *it - 1});
    start = *it;
  }
  out.push_back({protocol, protocol, start, hi});
}

std::vector<Piece> service_pieces(const CompiledInventory& c, const Service& service,
                                  const std::set<GroupToken>& groups) {
  std::map<int, std::set<std::uint32_t>>
      cuts;  // per protocol: keys where a rule range starts or ends
  std::set<int> protocols{kIcmp, kTcp, kUdp, kIcmpv6};
  for_each_match(c, groups, [&](const ServiceMatch& s, const Ipv6Set*) {
    if (s.protocol < 0) return;
    protocols.insert(s.protocol);
    cuts[s.protocol].insert(s.lo);
    cuts[s.protocol].insert(static_cast<std::uint32_t>(s.hi) + 1);
  });
  std::vector<Piece> out;
  if (service.protocol != kAllProtocols) {
    const auto [lo, hi] = service_keys(service);
    split_keys(service.protocol, lo, hi, cuts[service.protocol], out);
    return out;
  }
  int run_start = 0;
  for (int p = 0; p <= 256; ++p) {
    if (p < 256 && !protocols.count(p)) continue;
    if (run_start < p) out.push_back({run_start, p - 1, 0, 0});
    if (p < 256) split_keys(p, 0, keyed(p) ? kKeyMax : 0, cuts[p], out);
    run_start = p + 1;
  }
  return out;
}

std::string icmp_piece_text(const char* name, std::uint32_t lo, std::uint32_t hi) {
  if (lo == 0 && hi == kKeyMax) return name;
  std::string out;
  for (std::uint32_t t = lo / 256; t <= hi / 256; ++t) {
    const std::uint32_t c_lo = t == lo / 256 ? lo % 256 : 0;
    const std::uint32_t c_hi = t == hi / 256 ? hi % 256 : 255;
    if (!out.empty()) out += ", ";
    out += name;
    append_number(out, '/', t);
    if (c_lo == 0 && c_hi == 255) continue;
    append_number(out, ':', c_lo);
    if (c_hi != c_lo) append_number(out, '-', c_hi);
  }
  return out;
}

std::string piece_text(const Piece& p) {
  if (p.proto_lo != p.proto_hi) {
    return "proto/" + std::to_string(p.proto_lo) + "-" + std::to_string(p.proto_hi);
  }
  const auto range = [&](const char* name) {
    std::string out = std::string(name) + "/" + std::to_string(p.lo);
    if (p.hi != p.lo) append_number(out, '-', p.hi);
    return out;
  };
  switch (p.proto_lo) {
    case kTcp:
      return range("tcp");
    case kUdp:
      return range("udp");
    case kIcmp:
      return icmp_piece_text("icmp", p.lo, p.hi);
    case kIcmpv6:
      return icmp_piece_text("icmpv6", p.lo, p.hi);
    default:
      return "proto/" + std::to_string(p.proto_lo);
  }
}

// Merges adjacent pieces (same keyed protocol and touching keys, or touching unkeyed protocols).
std::string pieces_text(std::vector<Piece> pieces) {
  std::sort(pieces.begin(), pieces.end());
  std::vector<Piece> merged;
  for (const Piece& p : pieces) {
    if (!merged.empty()) {
      Piece& m = merged.back();
      const bool same_keyed = keyed(p.proto_lo) && m.proto_lo == p.proto_lo && m.hi + 1 == p.lo;
      const bool touching_unkeyed =
          !keyed(p.proto_lo) && !keyed(m.proto_hi) && m.proto_hi + 1 == p.proto_lo;
      if (same_keyed) {
        m.hi = p.hi;
        continue;
      }
      if (touching_unkeyed) {
        m.proto_hi = p.proto_hi;
        continue;
      }
    }
    merged.push_back(p);
  }
  // Every protocol with every key is `all`.
  bool everything =
      !merged.empty() && merged.front().proto_lo == 0 && merged.back().proto_hi == 255;
  int next = 0;
  for (const Piece& p : merged) {
    everything =
        everything && p.proto_lo == next && (!keyed(p.proto_lo) || (p.lo == 0 && p.hi == kKeyMax));
    next = p.proto_hi + 1;
  }
  if (everything) return "all";
  std::string out;
  for (const Piece& p : merged) out += (out.empty() ? "" : ", ") + piece_text(p);
  return out;
}

// ---- Endpoint expansion ------------------------------------------------------------------------

struct Expansion {
  std::vector<Atom> atoms;
  std::string problem;  // non-empty: the endpoint cannot be resolved (the answer is unknown)
  bool outside_pending = false;  // `outside` still has to be cut by the rules' address bounds
  std::vector<Ipv6Set::Interval> outside;
};

// internet4 / internet6 as in product.md §6.
Ipv6Set internet_set(Family family) {
  if (family == Family::ipv6) {
    return Ipv6Set::of(u128{0x2} << 124, (u128{0x4} << 124) - 1);  // 2000::/3
  }
  Ipv6Set all = Ipv6Set::of(0, 0xffffffffu);
  const char* reserved[] = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10",
                            "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
                            "192.168.0.0/16", "224.0.0.0/4",    "240.0.0.0/4"};
  for (const char* r : reserved) {
    const ValueResult<Cidr> cidr = parse_cidr4(r);
    all = all.subtract(Ipv6Set::of(cidr->first(), cidr->last()));
  }
  return all;
}

namespace {

// `internet`: the public address space less every address of an interface of the inventory (those
// are the interfaces themselves, not traffic from outside).
Ipv6Set internet_outside(const CompiledInventory& c, Family family) {
  std::vector<Ipv6Set::Interval> known;
  for (const AddressEntry& a : c.addresses) {
    if (a.family == family) known.push_back({a.bits, a.bits});
  }
  return internet_set(family).subtract(Ipv6Set::from_unsorted(std::move(known)));
}

// The addresses [lo, hi] of `family`: the interfaces of the inventory among them as atoms, the
// rest as outside intervals (cut later by the rules' bounds).
void expand_block(const CompiledInventory& c, u128 lo, u128 hi, Family family, Expansion& out) {
  auto it = std::lower_bound(c.addresses.begin(), c.addresses.end(), std::pair{family, lo},
                             [](const AddressEntry& a, const std::pair<Family, u128>& k) {
                               return std::tie(a.family, a.bits) < std::tie(k.first, k.second);
                             });
  u128 next = lo;
  bool open = true;
  for (; it != c.addresses.end() && it->family == family && it->bits <= hi; ++it) {
    if (!out.atoms.empty() && out.atoms.back().lo == it->bits) continue;  // first entry wins
    if (it->bits > next) out.outside.push_back({next, it->bits - 1});
    out.atoms.push_back({static_cast<std::int32_t>(it->iface), it->bits, it->bits, it->is_public});
    if (it->bits == hi) open = false;
    next = it->bits + 1;
  }
  if (open && next <= hi) out.outside.push_back({next, hi});
}

// The prefixes of an aws:SERVICE endpoint in `family`, as one set.
Ipv6Set aws_set(const AwsEndpoint& aws, Family family) {
  std::vector<Ipv6Set::Interval> blocks;
  for (const Cidr& cidr : aws.prefixes) {
    if (cidr.family == family) blocks.push_back({cidr.first(), cidr.last()});
  }
  return Ipv6Set::from_unsorted(std::move(blocks));
}

Expansion expand(const CompiledInventory& c, const Endpoint& e, Family family) {
  Expansion out;
  const Inventory& inv = *c.inventory;
  switch (e.kind) {
    case EndpointKind::address:
    case EndpointKind::interface:
    case EndpointKind::instance: {
      Atom atom;
      if (resolve_single(c, e, family, atom, &out.problem)) out.atoms.push_back(atom);
      return out;
    }
    case EndpointKind::group: {
      const std::int32_t token = c.find_token(e.id);
      for (std::size_t i = 0; token >= 0 && i < inv.interfaces.size(); ++i) {
        Atom atom;
        if (c.interfaces[i].carries(static_cast<GroupToken>(token)) &&
            interface_atom(c, static_cast<std::int32_t>(i), inv.interfaces[i].id, family, atom,
                           nullptr)) {
          out.atoms.push_back(atom);
        }
      }
      if (out.atoms.empty()) {
        out.problem = std::string("no interface of the inventory with a private ") +
                      family_label(family) + " address carries " + e.id;
      }
      return out;
    }
    case EndpointKind::internet:
      out.outside = internet_outside(c, family).intervals();
      out.outside_pending = true;
      return out;
    case EndpointKind::cidr:
      expand_block(c, e.cidr.first(), e.cidr.last(), family, out);
      out.outside_pending = true;
      return out;
    case EndpointKind::aws_range: {
      if (!e.aws || !e.aws->resolved) {
        out.problem = e.to_string() + " has no Region yet (resolve_flow_names() gives it one)";
        return out;
      }
      const Ipv6Set blocks = aws_set(*e.aws, family);
      for (const Ipv6Set::Interval& iv : blocks.intervals())
        expand_block(c, iv.lo, iv.hi, family, out);
      if (out.atoms.empty() && out.outside.empty()) {
        out.problem = std::string("AWS publishes no ") + family_label(family) + " range for " +
                      e.aws->resolved_name();
      }
      out.outside_pending = true;
      return out;
    }
  }
  return out;
}

// Cuts the outside intervals where some rule's address set starts or ends, so every address of an
// outside atom meets the same rules.
void cut_outside(Expansion& x, const std::set<u128>& cuts) {
  if (!x.outside_pending) return;
  for (const auto& iv : x.outside) {
    u128 start = iv.lo;
    for (auto it = cuts.upper_bound(iv.lo); it != cuts.end() && *it <= iv.hi; ++it) {
      x.atoms.push_back({-1, start, *it - 1, false});
      start = *it;
    }
    x.atoms.push_back({-1, start, iv.hi, false});
  }
}

std::set<u128> address_cuts(const CompiledInventory& c, const std::set<GroupToken>& groups,
                            Family family) {
  std::set<u128> cuts;
  const int f = family_index(family);
  for (const GroupToken t : groups) {
    for (const SideTable& table : c.groups[t].tables) {
      const auto add = [&cuts](const Ipv6Set& addresses) {
        for (const auto& iv : addresses.intervals()) {
          cuts.insert(iv.lo);
          if (iv.hi != ~u128{0}) cuts.insert(iv.hi + 1);
        }
      };
      for (const CidrEntry& e : table.cidr[f]) add(e.addresses);
      for (const UnknownEntry& e : table.unknowns) {
        if ((e.service.families & family_bit(family)) != 0) add(e.addresses);
      }
    }
  }
  return cuts;
}

void add_groups(const CompiledInventory& c, const std::vector<Atom>& atoms,
                std::set<GroupToken>& out) {
  for (const Atom& a : atoms) {
    if (a.iface < 0) continue;
    const auto& gs = c.interfaces[static_cast<std::size_t>(a.iface)].groups;
    out.insert(gs.begin(), gs.end());
  }
}

// ---- Rendering the parts of a set question
// -------------------------------------------------------

// An endpoint as the user wrote it and, for a CIDR or `internet`, every address it stands for.
struct Span {
  std::string text;
  Ipv6Set universe;
};

}  // namespace

// CIDRs, with host blocks printed as addresses.
std::string cidrs_text(const Ipv6Set& set, Family family) {
  std::vector<Cidr> cidrs;
  if (family == Family::ipv4) {
    std::vector<Ipv4Set::Interval> ivs;
    for (const auto& iv : set.intervals()) {
      ivs.push_back({static_cast<std::uint32_t>(iv.lo), static_cast<std::uint32_t>(iv.hi)});
    }
    cidrs = to_cidrs(Ipv4Set::from_unsorted(std::move(ivs)));
  } else {
    cidrs = to_cidrs(set);
  }
  std::string out;
  for (const Cidr& cidr : cidrs) {
    const bool host = cidr.prefix == (family == Family::ipv4 ? 32 : 128);
    out += (out.empty() ? "" : ", ") +
           (host ? to_string(Address{family, cidr.base}) : to_string(cidr));
  }
  return out;
}

std::size_t cidr_count(const Ipv6Set& set, Family family) {
  if (set.empty()) return 0;
  const std::string text = cidrs_text(set, family);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), ',')) + 1;
}

namespace {

std::string atoms_text(const CompiledInventory& c, const std::vector<Atom>& atoms, Family family,
                       const Span& span) {
  if (!span.universe.empty()) {
    std::vector<Ipv6Set::Interval> all;
    for (const Atom& a : atoms) all.push_back({a.lo, a.hi});
    const Ipv6Set covered = Ipv6Set::from_unsorted(std::move(all));
    if (covered == span.universe) return span.text;
    // "10.0.0.0/16 except 10.0.0.10" when that is shorter than the list of what is covered.
    const Ipv6Set missing = span.universe.subtract(covered);
    const std::size_t except_count = cidr_count(missing, family);
    if (except_count <= 3 && except_count < cidr_count(covered, family)) {
      return span.text + " except " + cidrs_text(missing, family);
    }
  }
  std::vector<Ipv6Set::Interval> outside;
  std::vector<std::string> parts;
  for (const Atom& a : atoms) {
    if (a.iface < 0) {
      outside.push_back({a.lo, a.hi});
    } else {
      parts.push_back(c.inventory->interfaces[static_cast<std::size_t>(a.iface)].id + " (" +
                      to_string(Address{family, a.lo}) + ")");
    }
  }
  std::string out;
  Ipv6Set set = Ipv6Set::from_unsorted(std::move(outside));
  // The whole public address space reads better as `internet` than as fifty CIDRs.
  const Ipv6Set internet = internet_outside(c, family);
  if (set.contains(internet)) {
    out = "internet";
    set = set.subtract(internet);
  }
  const std::string blocks = cidrs_text(set, family);
  if (!blocks.empty()) out += (out.empty() ? "" : ", ") + blocks;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

Span endpoint_span(const CompiledInventory& c, const Endpoint& e, Family family) {
  Span span{e.to_string(), {}};
  if (e.kind == EndpointKind::cidr) span.universe = Ipv6Set::of(e.cidr.first(), e.cidr.last());
  if (e.kind == EndpointKind::internet) span.universe = internet_outside(c, family);
  if (e.kind == EndpointKind::aws_range && e.aws) {
    span.text = e.aws->resolved_name();
    span.universe = aws_set(*e.aws, family);
  }
  return span;
}

struct Cell {
  Side verdict;
  std::uint32_t piece, src, dst;
};

// Merges cells of one verdict into parts: first over sources, then services, then destinations.
std::vector<std::string> render_parts(const CompiledInventory& c, const std::vector<Cell>& cells,
                                      Side verdict, const std::vector<Piece>& pieces,
                                      const std::vector<Atom>& srcs, const std::vector<Atom>& dsts,
                                      Family family, const Span& src_span, const Span& dst_span) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<Atom>> by_piece_dst;
  for (const Cell& cell : cells) {
    if (cell.verdict == verdict) by_piece_dst[{cell.piece, cell.dst}].push_back(srcs[cell.src]);
  }
  std::map<std::pair<std::string, std::uint32_t>, std::vector<Piece>> by_src_dst;
  for (const auto& [key, atoms] : by_piece_dst) {
    by_src_dst[{atoms_text(c, atoms, family, src_span), key.second}].push_back(pieces[key.first]);
  }
  std::map<std::pair<std::string, std::string>, std::vector<Atom>> by_service_src;
  for (const auto& [key, ps] : by_src_dst) {
    by_service_src[{pieces_text(ps), key.first}].push_back(dsts[key.second]);
  }
  std::vector<std::string> out;
  for (const auto& [key, atoms] : by_service_src) {
    out.push_back(key.first + " from " + key.second + " to " +
                  atoms_text(c, atoms, family, dst_span));
  }
  return out;
}

Packet piece_packet(const Piece& p, Family family) {
  return Packet{p.proto_lo, static_cast<std::uint16_t>(p.lo), family};
}

// The verdict of a set of cells: partial only when some part is allowed and another is not; a mix
// of deny and unknown is unknown (the unknown parts might be denied too).
Verdict combine(const std::set<Side>& seen) {
  std::set<Side> applicable = seen;
  applicable.erase(Side::not_applicable);
  if (applicable.empty()) return Verdict::not_applicable;
  if (applicable.size() == 1) return to_verdict(*applicable.begin());
  return applicable.count(Side::allow) ? Verdict::partial : Verdict::unknown;
}

// Appends the reasons of `more` not yet in `out` to its end.
void add_unique(std::vector<std::string>& out, const PointDecision& more) {
  for (std::size_t i = 0; i < more.reason_count(); ++i) {
    const std::string_view s = more.reason(i);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
  }
}

void describe_atom(const CompiledInventory& c, const Atom& a, SideDecision& side) {
  if (a.iface < 0) return;
  const Interface& x = c.inventory->interfaces[static_cast<std::size_t>(a.iface)];
  if (std::find(side.interfaces.begin(), side.interfaces.end(), x.id) == side.interfaces.end()) {
    side.interfaces.push_back(x.id.str());
  }
  for (const Name& g : x.groups) {
    if (std::find(side.groups.begin(), side.groups.end(), g) == side.groups.end()) {
      side.groups.push_back(g.str());
    }
  }
}

void describe_side(const CompiledInventory& c, const std::vector<Atom>& atoms, SideDecision& side) {
  for (const Atom& a : atoms) describe_atom(c, a, side);
}

// Rules and reasons of one cell's sides of a set question: the rules of an allowing side, why a
// side is unknown. A denying side's reason is said once for the whole question (its rules
// consulted), not per cell.
void explain_cell(const CompiledInventory& c, const CellContext& ctx, const Atom& src,
                  const Atom& dst, const CellVerdict& v, Decision& d) {
  struct SideInfo {
    Side verdict;
    const Atom& atom;
    Direction direction;
    const Remote& remote;
    SideDecision& out;
  };
  const SideInfo sides[] = {{v.egress, src, Direction::egress, ctx.to_destination, d.egress},
                            {v.ingress, dst, Direction::ingress, ctx.to_source, d.ingress}};
  PointDecision reasons;  // the collectors' buffers; only the reasons are used
  for (const SideInfo& s : sides) {
    if (s.atom.iface < 0) continue;
    const auto iface = static_cast<std::uint32_t>(s.atom.iface);
    reasons.clear();
    if (s.verdict == Side::allow) {
      collect_allowing(c, iface, s.direction, ctx.packet, s.remote, s.out.rules);
    } else if (s.verdict == Side::unknown) {
      collect_unknown_reasons(c, iface, s.direction, ctx.packet, s.remote, reasons);
    }
    add_unique(d.reasons, reasons);
  }
}

// "tcp/22 from 10.0.0.5 to 10.0.1.5": the packet of a point cell as a deny's reason quotes it,
// written into `out` (reused from flow to flow: no allocation once it has grown).
void cell_text(const CellContext& ctx, std::string& out) {
  const Family family = ctx.packet.family;
  out.clear();
  append_packet_text(out, ctx.packet);
  out += " from ";
  append_to(out, Address{family, ctx.to_source.bits});
  out += " to ";
  append_to(out, Address{family, ctx.to_destination.bits});
}

// What an aws:SERVICE endpoint stood for: "aws:EC2_INSTANCE_CONNECT@ap-northeast-2 is
// 13.209.1.56/29 in AWS's IP ranges of DATE (the Region of i-…)"; a long list is counted.
std::string aws_reason(const AwsEndpoint& aws, Family family) {
  std::vector<std::string> prefixes;
  for (const Cidr& cidr : aws.prefixes) {
    if (cidr.family == family) prefixes.push_back(to_string(cidr));
  }
  std::string list = prefixes.size() <= 4 ? join(prefixes, ", ")
                                          : std::to_string(prefixes.size()) + " " +
                                                family_label(family) + " prefixes";
  return aws.resolved_name() + " is " + list + " " + aws.note;
}

// The deny reasons of the first denied cell of a set question, as a point flow words them: the
// side that denies, and the rule that came nearest.
std::vector<std::string> deny_with_nearest(const CompiledInventory& c, const CellContext& ctx,
                                           const Atom& src, const Atom& dst, const CellVerdict& v) {
  PointDecision out;
  std::string what;
  cell_text(ctx, what);
  const Side verdicts[] = {v.egress, v.ingress};
  const Atom* atoms[] = {&src, &dst};
  const Remote* remotes[] = {&ctx.to_destination, &ctx.to_source};
  for (int s = 0; s < 2; ++s) {
    if (verdicts[s] != Side::deny || atoms[s]->iface < 0) continue;
    const auto iface = static_cast<std::uint32_t>(atoms[s]->iface);
    const Direction direction = s == 0 ? Direction::egress : Direction::ingress;
    const NearestRule nearest = find_nearest(c, iface, direction, ctx.packet, *remotes[s]);
    write_deny_reasons(c, iface, direction, ctx.packet, *remotes[s], what, nearest, out);
  }
  std::vector<std::string> reasons;
  for (std::size_t i = 0; i < out.reason_count(); ++i) reasons.emplace_back(out.reason(i));
  return reasons;
}

void sort_rules(SideDecision& side) {
  std::sort(side.rules.begin(), side.rules.end());
  side.rules.erase(std::unique(side.rules.begin(), side.rules.end()), side.rules.end());
}

constexpr const char* kNoSides =
    "neither endpoint is an interface of the inventory, so no security group of the inventory "
    "decides the flow";

void sort_rules(std::vector<RuleRef>& rules) {
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
}

void add_reason(PointDecision& out, std::string_view reason) {
  out.reason_text += reason;
  out.reason_ends.push_back(static_cast<std::uint32_t>(out.reason_text.size()));
}

// Where a point flow's endpoints resolved (the batch pipeline's state between its passes).
struct PointEnds {
  Family family = Family::ipv4;
  std::int32_t src = -1;
  std::int32_t dst = -1;
  bool src_public = false;
  bool dst_public = false;
};

PointEnds point_ends(const CompiledInventory& c, const Flow& flow) {
  PointEnds p;
  p.family = flow_family(flow);
  p.src = endpoint_iface(c, flow.source, p.family, p.src_public);
  p.dst = endpoint_iface(c, flow.destination, p.family, p.dst_public);
  return p;
}

// decide() of a point flow, into `out`'s reused buffers: the one cell of the general path below,
// without its sets, vectors of atoms and cells, without formatting the packet's text unless a
// side denies, and with the reasons written in place (explain.cc). The same answer as the general
// path (tests/engine: engine = reference evaluator; cmp of query --batch output).
//
// In two steps, so that a batch can prefetch between them what the reasons' text reads of the
// model (the nearest rules' records): decide_point_cell() settles the verdicts, the allowing
// rules and the nearest rules; write_point_reasons() writes the reasons in the order of the sides.
struct PendingPoint {
  bool resolved = false;  // both endpoints resolved: the rest is set
  Atom src, dst;
  CellContext ctx;
  CellVerdict v;
  NearestRule nearest[2];  // of each denying side: egress, ingress
};

void decide_point_cell(const CompiledInventory& c, const Flow& flow, const PointEnds& ends,
                       PointDecision& out, PendingPoint& p) {
  out.clear();
  out.point = true;
  std::string problem;
  p.resolved = true;
  if (!endpoint_atom(c, flow.source, ends.family, ends.src, ends.src_public, p.src, &problem)) {
    add_reason(out, problem);
    p.resolved = false;
  }
  problem.clear();
  if (!endpoint_atom(c, flow.destination, ends.family, ends.dst, ends.dst_public, p.dst,
                     &problem)) {
    add_reason(out, problem);
    p.resolved = false;
  }
  if (!p.resolved) {
    out.verdict = Verdict::unknown;
    return;
  }
  const auto key = service_keys(flow.service).first;
  const Packet packet{flow.service.protocol, static_cast<std::uint16_t>(key), ends.family};
  p.ctx = cell_context(c, packet, p.src, p.dst);
  p.v = decide_cell(c, p.ctx, p.src, p.dst);
  const Side verdicts[] = {p.v.egress, p.v.ingress};
  const Atom* atoms[] = {&p.src, &p.dst};
  const Remote* remotes[] = {&p.ctx.to_destination, &p.ctx.to_source};
  std::vector<RuleRef>* rules[] = {&out.egress_rules, &out.ingress_rules};
  for (int s = 0; s < 2; ++s) {
    p.nearest[s] = NearestRule{};
    if (atoms[s]->iface < 0) continue;
    const auto iface = static_cast<std::uint32_t>(atoms[s]->iface);
    const Direction direction = s == 0 ? Direction::egress : Direction::ingress;
    if (verdicts[s] == Side::allow) {
      collect_allowing(c, iface, direction, packet, *remotes[s], *rules[s]);
    } else if (verdicts[s] == Side::deny) {
      p.nearest[s] = find_nearest(c, iface, direction, packet, *remotes[s]);
      prefetch_nearest(c, p.nearest[s]);
    }
  }
  out.verdict = to_verdict(p.v.overall);
  out.egress = to_verdict(p.v.egress);
  out.ingress = to_verdict(p.v.ingress);
  sort_rules(out.egress_rules);
  sort_rules(out.ingress_rules);
}

void write_point_reasons(const CompiledInventory& c, const PendingPoint& p, PointDecision& out) {
  if (!p.resolved) return;
  note_delegated(c, p.src, p.ctx.packet.family, out);
  note_delegated(c, p.dst, p.ctx.packet.family, out);
  thread_local std::string what;  // the packet's text, once a side denies
  bool have_what = false;
  const Side verdicts[] = {p.v.egress, p.v.ingress};
  const Atom* atoms[] = {&p.src, &p.dst};
  const Remote* remotes[] = {&p.ctx.to_destination, &p.ctx.to_source};
  for (int s = 0; s < 2; ++s) {
    if (atoms[s]->iface < 0) continue;
    const auto iface = static_cast<std::uint32_t>(atoms[s]->iface);
    const Direction direction = s == 0 ? Direction::egress : Direction::ingress;
    if (verdicts[s] == Side::unknown) {
      collect_unknown_reasons(c, iface, direction, p.ctx.packet, *remotes[s], out);
    } else if (verdicts[s] == Side::deny) {
      if (!have_what) cell_text(p.ctx, what);
      have_what = true;
      write_deny_reasons(c, iface, direction, p.ctx.packet, *remotes[s], what, p.nearest[s], out);
    }
  }
  if (p.v.egress == Side::not_applicable && p.v.ingress == Side::not_applicable) {
    add_reason(out, kNoSides);
  }
}

// What write_point_reasons() reads of a denying side: the interface's deny text, and the records
// of the nearest rule, once prefetch_nearest() has brought its group in.
void prefetch_nearest_records(const CompiledInventory& c, const PendingPoint& p) {
  if (!p.resolved) return;
  const Side verdicts[] = {p.v.egress, p.v.ingress};
  const Atom* atoms[] = {&p.src, &p.dst};
  for (int s = 0; s < 2; ++s) {
    if (verdicts[s] != Side::deny || atoms[s]->iface < 0) continue;
    const auto i = static_cast<std::size_t>(atoms[s]->iface);
    const char* text = c.deny_text.data();
    for (std::uint32_t at = c.deny_text_of[i]; at < c.deny_text_of[i + 1]; at += 64) {
      __builtin_prefetch(text + at);
    }
  }
  for (const NearestRule& n : p.nearest) {
    if (n.kind == NearestRule::none) continue;
    const Group& g = c.inventory->groups[n.rule.group];
    const Rule& r = g.rules[n.rule.rule];
    __builtin_prefetch(g.id.data());
    __builtin_prefetch(&r.location);
    __builtin_prefetch(&r.id);
  }
}

// decide() of a point flow as a Decision: decide_point_cell() and write_point_reasons() above,
// with the sides' interfaces and groups.
Decision decide_point(const CompiledInventory& c, const Flow& flow) {
  PointDecision p;
  PendingPoint pending;
  decide_point_cell(c, flow, point_ends(c, flow), p, pending);
  write_point_reasons(c, pending, p);
  Decision d;
  if (pending.resolved) {
    describe_atom(c, pending.src, d.egress);
    describe_atom(c, pending.dst, d.ingress);
  }
  d.verdict = p.verdict;
  d.egress.verdict = p.egress;
  d.ingress.verdict = p.ingress;
  d.egress.rules = std::move(p.egress_rules);
  d.ingress.rules = std::move(p.ingress_rules);
  d.reasons.reserve(p.reason_count());
  for (std::size_t i = 0; i < p.reason_count(); ++i) d.reasons.emplace_back(p.reason(i));
  return d;
}

}  // namespace
}  // namespace detail

using namespace detail;

Engine::Engine(const Inventory& inventory)
    : impl_(std::make_unique<Impl>(compile_inventory(inventory))) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const Inventory& Engine::inventory() const {
  return *impl_->inventory;
}

const Engine::Impl& Engine::impl() const {
  return *impl_;
}

namespace detail {
namespace {

Verdict point_verdict(const CompiledInventory& c, const Flow& flow, const PointEnds& p) {
  Atom src, dst;
  if (!endpoint_atom(c, flow.source, p.family, p.src, p.src_public, src, nullptr) ||
      !endpoint_atom(c, flow.destination, p.family, p.dst, p.dst_public, dst, nullptr)) {
    return Verdict::unknown;
  }
  const Packet packet{flow.service.protocol,
                      static_cast<std::uint16_t>(service_keys(flow.service).first), p.family};
  return to_verdict(decide_cell(c, cell_context(c, packet, src, dst), src, dst).overall);
}

void prefetch_blocks(const CompiledInventory& c, std::int32_t iface, Direction direction) {
  if (iface < 0) return;
  const auto [tokens, n] = c.point_groups(static_cast<std::uint32_t>(iface));
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* block =
        c.blocks.data() + c.block_of[2 * tokens[i] + static_cast<int>(direction)];
    __builtin_prefetch(block);
    __builtin_prefetch(block + 64);
  }
}

}  // namespace
}  // namespace detail

namespace detail {
namespace {

// What a batch's passes prefetch for each flow: the verdict's records only; those and what an
// explanation reads of the compiled interface (PointDecision); those and the model's interface
// record, which a Decision's sides copy (describe_atom()).
enum class WindowReads { verdicts, explanations, decisions };

// What decide_point() reads of one side's interface beyond its decision record, in the order the
// batch pipeline below can prefetch it (each line needs the one before to be loaded).
void prefetch_model(const CompiledInventory& c, std::int32_t iface, WindowReads reads) {
  if (iface < 0) return;
  const auto i = static_cast<std::size_t>(iface);
  if (reads == WindowReads::decisions) __builtin_prefetch(&c.inventory->interfaces[i]);
  __builtin_prefetch(&c.interfaces[i]);
  __builtin_prefetch(&c.deny_text_of[i]);
}

void prefetch_model_data(const CompiledInventory& c, std::int32_t iface, WindowReads reads) {
  if (iface < 0) return;
  const auto i = static_cast<std::size_t>(iface);
  if (reads == WindowReads::decisions) {
    const Interface& x = c.inventory->interfaces[i];
    __builtin_prefetch(x.id.data());
    __builtin_prefetch(x.groups.data());
  }
  __builtin_prefetch(c.interfaces[i].group_indices.data());
  __builtin_prefetch(c.deny_text.data() + c.deny_text_of[i]);
}

void prefetch_rule_ranges(const CompiledInventory& c, std::int32_t iface, Direction d) {
  if (iface < 0) return;
  for (const std::int32_t g : c.interfaces[static_cast<std::size_t>(iface)].group_indices) {
    if (g >= 0)
      __builtin_prefetch(&c.explain_of[2 * static_cast<std::size_t>(g) + static_cast<int>(d)]);
  }
}

// The first lines of each group's rules: the rest streams in behind them.
constexpr std::size_t kRulePrefetchBytes = 256;

void prefetch_rules(const CompiledInventory& c, std::int32_t iface, Direction d) {
  if (iface < 0) return;
  for (const std::int32_t g : c.interfaces[static_cast<std::size_t>(iface)].group_indices) {
    if (g < 0) continue;
    const std::size_t at = 2 * static_cast<std::size_t>(g) + static_cast<int>(d);
    const auto* first = reinterpret_cast<const char*>(c.explain_rules.data() + c.explain_of[at]);
    const std::size_t bytes = (c.explain_of[at + 1] - c.explain_of[at]) * sizeof(ExplainRule);
    for (std::size_t at_byte = 0; at_byte < bytes && at_byte < kRulePrefetchBytes; at_byte += 64) {
      __builtin_prefetch(first + at_byte);
    }
  }
}

constexpr std::size_t kWindow = 16;  // flows whose cache misses are overlapped

// A window of up to kWindow flows of a batch and what its passes found.
struct FlowWindow {
  const Flow* flows = nullptr;
  std::size_t n = 0;
  PointEnds ends[kWindow];
  bool point[kWindow];
};

// Calls f(w, base) for each window of up to kWindow flows of flows[0..count), base being the
// index of the window's first flow.
template <typename F>
void for_each_window(const Flow* flows, std::size_t count, F&& f) {
  FlowWindow w;
  for (std::size_t base = 0; base < count; base += kWindow) {
    w.flows = flows + base;
    w.n = std::min(kWindow, count - base);
    f(w, base);
  }
}

// The passes every batch entry point shares, each prefetching what the next reads: id and address
// slots, then interface records (and, for explanations, the compiled interfaces), then group
// blocks (and the interfaces' rule lists and text).
void prefetch_window(const CompiledInventory& c, FlowWindow& w, WindowReads reads) {
  const bool explain = reads != WindowReads::verdicts;
  for (std::size_t i = 0; i < w.n; ++i) {
    w.point[i] = w.flows[i].is_point();
    if (!w.point[i]) continue;
    const Family family = flow_family(w.flows[i]);
    c.prefetch_lookup(w.flows[i].source, family);
    c.prefetch_lookup(w.flows[i].destination, family);
  }
  for (std::size_t i = 0; i < w.n; ++i) {
    if (!w.point[i]) continue;
    w.ends[i] = point_ends(c, w.flows[i]);
    for (const std::int32_t x : {w.ends[i].src, w.ends[i].dst}) {
      if (x >= 0) __builtin_prefetch(&c.points[static_cast<std::size_t>(x)]);
      if (explain) prefetch_model(c, x, reads);
    }
  }
  for (std::size_t i = 0; i < w.n; ++i) {
    if (!w.point[i]) continue;
    prefetch_blocks(c, w.ends[i].src, Direction::egress);
    prefetch_blocks(c, w.ends[i].dst, Direction::ingress);
    if (!explain) continue;
    prefetch_model_data(c, w.ends[i].src, reads);
    prefetch_model_data(c, w.ends[i].dst, reads);
  }
}

// prefetch_window() for flows that are explained, then the rule ranges and rules the explanation
// reads, each pass over the whole window so that its loads overlap.
void prefetch_explained_window(const CompiledInventory& c, FlowWindow& w, WindowReads reads) {
  prefetch_window(c, w, reads);
  for (std::size_t i = 0; i < w.n; ++i) {
    if (!w.point[i]) continue;
    prefetch_rule_ranges(c, w.ends[i].src, Direction::egress);
    prefetch_rule_ranges(c, w.ends[i].dst, Direction::ingress);
  }
  for (std::size_t i = 0; i < w.n; ++i) {
    if (!w.point[i]) continue;
    prefetch_rules(c, w.ends[i].src, Direction::egress);
    prefetch_rules(c, w.ends[i].dst, Direction::ingress);
  }
}

}  // namespace
}  // namespace detail

// The same decisions as decide(), with the memory accesses of a window of point flows overlapped
// as in verdicts(), deeper: the explanation also reads the model's interface, its groups' rules
// and their text.
void Engine::decide(const Flow* flows, std::size_t count, Decision* out) const {
  const CompiledInventory& c = *impl_;
  for_each_window(flows, count, [&](FlowWindow& w, std::size_t base) {
    prefetch_explained_window(c, w, WindowReads::decisions);
    for (std::size_t i = 0; i < w.n; ++i) out[base + i] = decide(w.flows[i]);
  });
}

// The same decisions as decide() over an array, for point flows into reused PointDecisions: the
// same passes, then decide_point_cell() from the endpoints the passes resolved, a pass that
// prefetches the nearest rules' records, and write_point_reasons().
void decide_points(const Engine& engine, const Flow* flows, std::size_t count, PointDecision* out) {
  const CompiledInventory& c = engine.impl();
  for_each_window(flows, count, [&](FlowWindow& w, std::size_t base) {
    prefetch_explained_window(c, w, WindowReads::explanations);
    PendingPoint pending[kWindow];
    for (std::size_t i = 0; i < w.n; ++i) {
      if (w.point[i]) {
        decide_point_cell(c, w.flows[i], w.ends[i], out[base + i], pending[i]);
      } else {
        out[base + i].clear();
      }
    }
    for (std::size_t i = 0; i < w.n; ++i) {
      if (w.point[i]) prefetch_nearest_records(c, pending[i]);
    }
    for (std::size_t i = 0; i < w.n; ++i) {
      if (w.point[i]) write_point_reasons(c, pending[i], out[base + i]);
    }
  });
}

Verdict Engine::verdict(const Flow& flow) const {
  if (!flow.is_point()) return decide(flow).verdict;
  return point_verdict(*impl_, flow, point_ends(*impl_, flow));
}

// The same verdicts as verdict(), with the memory accesses of a window of flows overlapped: each
// pass over the window prefetches what the next pass reads (id and address slots, interface
// records, group blocks), so the cache misses of sixteen flows are waited for together instead
// of one after the other.
void Engine::verdicts(const Flow* flows, std::size_t count, Verdict* out) const {
  const CompiledInventory& c = *impl_;
  for_each_window(flows, count, [&](FlowWindow& w, std::size_t base) {
    prefetch_window(c, w, WindowReads::verdicts);
    for (std::size_t i = 0; i < w.n; ++i) {
      out[base + i] = w.point[i] ? point_verdict(c, w.flows[i], w.ends[i]) : verdict(w.flows[i]);
    }
  });
}

// A point flow is decide_point()'s; a set question is cut into cells (see the top of the file).
Decision Engine::decide(const Flow& flow) const {
  const CompiledInventory& c = *impl_;
  if (flow.is_point()) return decide_point(c, flow);
  const Family family = flow_family(flow);
  Decision d;
  d.set_question = true;
  Expansion src = expand(c, flow.source, family);
  Expansion dst = expand(c, flow.destination, family);
  for (const Expansion* x : {&src, &dst}) {
    if (!x->problem.empty()) d.reasons.push_back(x->problem);
  }
  if (!d.reasons.empty()) {
    d.verdict = Verdict::unknown;
    return d;
  }
  std::set<GroupToken> groups;
  add_groups(c, src.atoms, groups);
  add_groups(c, dst.atoms, groups);
  const std::set<u128> cuts = address_cuts(c, groups, family);
  cut_outside(src, cuts);
  cut_outside(dst, cuts);
  const std::vector<Piece> pieces = service_pieces(c, flow.service, groups);
  describe_side(c, src.atoms, d.egress);
  describe_side(c, dst.atoms, d.ingress);

  const std::size_t total = pieces.size() * src.atoms.size() * dst.atoms.size();
  if (total > kMaxCells) {
    d.verdict = Verdict::unknown;
    d.reasons.push_back("the set question has " + std::to_string(total) +
                        " distinct cases, more than " + std::to_string(kMaxCells) +
                        "; ask about a narrower service or range");
    return d;
  }
  std::vector<Cell> cells;
  std::set<Side> seen, seen_egress, seen_ingress;
  bool no_sides = false;
  // A question about AWS's ranges names, on a deny, the rule that came nearest (as a point flow
  // does), for the first denied case.
  const bool names_aws = flow.source.kind == EndpointKind::aws_range ||
                         flow.destination.kind == EndpointKind::aws_range;
  std::optional<std::vector<std::string>> nearest_reasons;
  for (std::uint32_t p = 0; p < pieces.size(); ++p) {
    const Packet packet = piece_packet(pieces[p], family);
    for (std::uint32_t s = 0; s < src.atoms.size(); ++s) {
      for (std::uint32_t t = 0; t < dst.atoms.size(); ++t) {
        const CellContext ctx = cell_context(c, packet, src.atoms[s], dst.atoms[t]);
        const CellVerdict v = decide_cell(c, ctx, src.atoms[s], dst.atoms[t]);
        cells.push_back({v.overall, p, s, t});
        seen.insert(v.overall);
        seen_egress.insert(v.egress);
        seen_ingress.insert(v.ingress);
        no_sides =
            no_sides || (v.egress == Side::not_applicable && v.ingress == Side::not_applicable);
        explain_cell(c, ctx, src.atoms[s], dst.atoms[t], v, d);
        if (names_aws && !nearest_reasons && v.overall == Side::deny)
          nearest_reasons = deny_with_nearest(c, ctx, src.atoms[s], dst.atoms[t], v);
      }
    }
  }
  d.verdict = combine(seen);
  d.egress.verdict = combine(seen_egress);
  d.ingress.verdict = combine(seen_ingress);
  sort_rules(d.egress);
  sort_rules(d.ingress);
  if (no_sides) d.reasons.push_back(kNoSides);
  // A single address in a delegated prefix: the verdict rests on it being its interface.
  for (const Expansion* x : {&src, &dst}) {
    if (x->atoms.size() != 1) continue;
    PointDecision note;
    note_delegated(c, x->atoms.front(), family, note);
    if (note.reason_count() == 1) d.reasons.emplace_back(note.reason(0));
  }
  for (const Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->kind == EndpointKind::aws_range) d.reasons.push_back(aws_reason(*e->aws, family));
  }
  if (nearest_reasons)
    d.reasons.insert(d.reasons.end(), nearest_reasons->begin(), nearest_reasons->end());
  if (seen.count(Side::deny)) {
    for (const SideDecision* side : {&d.egress, &d.ingress}) {
      if (side->interfaces.empty()) continue;
      std::string labels;
      for (const std::string& g : side->groups)
        labels += (labels.empty() ? "" : ", ") + group_label(*c.inventory, g);
      d.reasons.push_back(std::string(side == &d.egress ? "egress" : "ingress") +
                          " rules consulted: " + (labels.empty() ? "no groups" : labels));
    }
  }
  const Span src_span = endpoint_span(c, flow.source, family);
  const Span dst_span = endpoint_span(c, flow.destination, family);
  d.allowed =
      render_parts(c, cells, Side::allow, pieces, src.atoms, dst.atoms, family, src_span, dst_span);
  d.denied =
      render_parts(c, cells, Side::deny, pieces, src.atoms, dst.atoms, family, src_span, dst_span);
  d.unknown = render_parts(c, cells, Side::unknown, pieces, src.atoms, dst.atoms, family, src_span,
                           dst_span);
  return d;
}

}  // namespace sgcheck
