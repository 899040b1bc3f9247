// Operations on the policy language's sets (sets.h): token sets with complements, packet sets by
// origin and family, bounds, service points, and the named address sets (internet4, internet6,
// private). Entry points: the member functions of sets.h.
#include "policy/sets.h"

#include <algorithm>
#include <iterator>

namespace sgcheck::policy {
namespace {

std::vector<std::string> set_union(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
std::vector<std::string> set_intersection(const std::vector<std::string>& a,
                                          const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
std::vector<std::string> set_difference(const std::vector<std::string>& a,
                                        const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Ipv4Set cidr4_set(const char* text) {
  return to_set4(*parse_cidr4(text));
}
Ipv6Set cidr6_set(const char* text) {
  return to_set6(*parse_cidr6(text));
}

}  // namespace

// ---- TokenSet: a co-finite set is stored as its complement.

TokenSet TokenSet::unite(const TokenSet& o) const {
  if (!cofinite && !o.cofinite) return {false, set_union(ids, o.ids)};
  if (cofinite && o.cofinite) return {true, set_intersection(ids, o.ids)};
  const TokenSet& fin = cofinite ? o : *this;
  const TokenSet& co = cofinite ? *this : o;
  return {true, set_difference(co.ids, fin.ids)};
}

TokenSet TokenSet::intersect(const TokenSet& o) const {
  if (!cofinite && !o.cofinite) return {false, set_intersection(ids, o.ids)};
  if (cofinite && o.cofinite) return {true, set_union(ids, o.ids)};
  const TokenSet& fin = cofinite ? o : *this;
  const TokenSet& co = cofinite ? *this : o;
  return {false, set_difference(fin.ids, co.ids)};
}

TokenSet TokenSet::subtract(const TokenSet& o) const {
  return intersect(TokenSet{!o.cofinite, o.ids});
}

// ---- PacketSet

PacketSet PacketSet::everything() {
  return PacketSet{Ipv4Set::all(), Ipv4Set::all(), Ipv6Set::all(), Ipv6Set::all(), TokenSet::all()};
}

PacketSet PacketSet::unite(const PacketSet& o) const {
  return PacketSet{o4.unite(o.o4), m4.unite(o.m4), o6.unite(o.o6), m6.unite(o.m6), g.unite(o.g)};
}

PacketSet PacketSet::intersect(const PacketSet& o) const {
  return PacketSet{o4.intersect(o.o4), m4.intersect(o.m4), o6.intersect(o.o6), m6.intersect(o.m6),
                   g.intersect(o.g)};
}

PacketSet PacketSet::subtract(const PacketSet& o) const {
  return PacketSet{o4.subtract(o.o4), m4.subtract(o.m4), o6.subtract(o.o6), m6.subtract(o.m6),
                   g.subtract(o.g)};
}

namespace {

// Both walk the canonical intervals (sorted, disjoint, non-adjacent) without allocating: these are
// the inner loop of the policy judges.
template <typename T>
bool covers(const IntervalSet<T>& big, const IntervalSet<T>& small) {
  const auto& a = big.intervals();
  std::size_t i = 0;
  for (const auto& iv : small.intervals()) {
    while (i < a.size() && a[i].hi < iv.lo) ++i;
    if (i == a.size() || a[i].lo > iv.lo || a[i].hi < iv.hi) return false;
  }
  return true;
}

template <typename T>
bool meets(const IntervalSet<T>& x, const IntervalSet<T>& y) {
  const auto& a = x.intervals();
  const auto& b = y.intervals();
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::max(a[i].lo, b[j].lo) <= std::min(a[i].hi, b[j].hi)) return true;
    if (a[i].hi < b[j].hi)
      ++i;
    else
      ++j;
  }
  return false;
}

}  // namespace

bool PacketSet::contains(const PacketSet& o) const {
  return covers(o4, o.o4) && covers(m4, o.m4) && covers(o6, o.o6) && covers(m6, o.m6) &&
         (o.g.empty() || g.contains(o.g));
}

bool PacketSet::overlaps(const PacketSet& o) const {
  return meets(o4, o.o4) || meets(m4, o.m4) || meets(o6, o.o6) || meets(m6, o.m6) ||
         (!g.empty() && !o.g.empty() && !g.intersect(o.g).empty());
}

bool PacketSet::family_contains(Family f, const PacketSet& o) const {
  // The other family's parts of family(f) are empty: they hold only empty parts of `o`.
  const bool parts = f == Family::ipv4
                         ? covers(o4, o.o4) && covers(m4, o.m4) && o.o6.empty() && o.m6.empty()
                         : o.o4.empty() && o.m4.empty() && covers(o6, o.o6) && covers(m6, o.m6);
  return parts && (o.g.empty() || g.contains(o.g));
}

bool PacketSet::family_overlaps(Family f, const PacketSet& o) const {
  const bool parts =
      f == Family::ipv4 ? meets(o4, o.o4) || meets(m4, o.m4) : meets(o6, o.o6) || meets(m6, o.m6);
  return parts || (!g.empty() && !o.g.empty() && !g.intersect(o.g).empty());
}

PacketSet PacketSet::family(Family f) const {
  if (f == Family::ipv4) return PacketSet{o4, m4, {}, {}, g};
  return PacketSet{{}, {}, o6, m6, g};
}

bool PacketSet::empty() const {
  return o4.empty() && m4.empty() && o6.empty() && m6.empty() && g.empty();
}

u128 PacketSet::address_count(Family f) const {
  if (f == Family::ipv4) return o4.unite(m4).size();
  return o6.unite(m6).size();
}

// ---- Bounds: union is monotone in both bounds; a difference takes the other's opposite bound.

Bounds Bounds::unite(const Bounds& o) const {
  Bounds out{lo.unite(o.lo), hi.unite(o.hi), why};
  out.why.insert(out.why.end(), o.why.begin(), o.why.end());
  return out;
}

Bounds Bounds::subtract(const Bounds& o) const {
  Bounds out{lo.subtract(o.hi), hi.subtract(o.lo), why};
  out.why.insert(out.why.end(), o.why.begin(), o.why.end());
  return out;
}

// ---- Named sets

Ipv4Set internet4() {
  static const Ipv4Set set = [] {
    Ipv4Set all = Ipv4Set::all();
    for (const char* r :
         {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
          "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"}) {
      all = all.subtract(cidr4_set(r));
    }
    return all;
  }();
  return set;
}

Ipv6Set internet6() {
  static const Ipv6Set set = cidr6_set("2000::/3");
  return set;
}

Ipv4Set private4() {
  static const Ipv4Set set =
      cidr4_set("10.0.0.0/8").unite(cidr4_set("172.16.0.0/12")).unite(cidr4_set("192.168.0.0/16"));
  return set;
}

Ipv6Set private6() {
  static const Ipv6Set set = cidr6_set("fc00::/7");
  return set;
}

// ---- Services

const PortSet& protocol_keys(int protocol) {
  static const PortSet every_port = PortSet::all();
  static const PortSet no_port = PortSet::of(0, 0);
  return protocol_has_ports(protocol) ? every_port : no_port;
}

bool protocol_in_family(int protocol, Family family) {
  if (protocol == kIcmp) return family == Family::ipv4;
  if (protocol == kIcmpv6) return family == Family::ipv6;
  return true;
}

namespace {

// The keys of one service of a protocol with ports: tcp, udp, icmp or icmpv6.
PortSet service_keys(const Service& s) {
  if (s.protocol == kTcp || s.protocol == kUdp) return PortSet::of(s.ports.from, s.ports.to);
  if (s.icmp.type == -1) return PortSet::all();
  const auto base = static_cast<std::uint16_t>(s.icmp.type * 256);
  return s.icmp.code == -1 ? PortSet::of(base, static_cast<std::uint16_t>(base + 255))
                           : PortSet::of(static_cast<std::uint16_t>(base + s.icmp.code),
                                         static_cast<std::uint16_t>(base + s.icmp.code));
}

constexpr int kPortedProtocols[] = {kTcp, kUdp, kIcmp, kIcmpv6};

}  // namespace

ServiceSet::ServiceSet() {
  sets_[kZeroSlot] = PortSet::of(0, 0);
  slot_.fill(kEmptySlot);
  for (const std::uint8_t s : {kTcpSlot, kUdpSlot, kIcmpSlot, kIcmpv6Slot})
    slot_[static_cast<std::size_t>(kPortedProtocols[s])] = s;
}

std::vector<int> ServiceSet::protocols() const {
  std::vector<int> out;
  for (int p = 0; p < 256; ++p)
    if (!keys(p).empty()) out.push_back(p);
  return out;
}

void ServiceSet::add(const Service& s) {
  if (s.protocol == kAllProtocols) {
    for (int p = 0; p < 256; ++p) {
      std::uint8_t& slot = slot_[static_cast<std::size_t>(p)];
      if (protocol_has_ports(p))
        sets_[slot] = protocol_keys(p);
      else
        slot = kZeroSlot;
    }
    return;
  }
  std::uint8_t& slot = slot_[static_cast<std::size_t>(s.protocol)];
  if (!protocol_has_ports(s.protocol)) {
    slot = kZeroSlot;
    return;
  }
  sets_[slot] = sets_[slot].unite(service_keys(s));
}

void ServiceSet::remove(const ServiceSet& o) {
  for (const std::uint8_t s : {kTcpSlot, kUdpSlot, kIcmpSlot, kIcmpv6Slot})
    if (!o.sets_[s].empty()) sets_[s] = sets_[s].subtract(o.sets_[s]);
  for (std::size_t p = 0; p < slot_.size(); ++p)
    if (o.slot_[p] == kZeroSlot) slot_[p] = kEmptySlot;
}

bool ServiceSet::empty() const {
  for (int p = 0; p < 256; ++p)
    if (!keys(p).empty()) return false;
  return true;
}

std::string point_text(int protocol, std::uint16_t lo, std::uint16_t hi) {
  Service s;
  s.protocol = protocol;
  if (protocol == kTcp || protocol == kUdp) {
    s.ports = PortSet::Interval{lo, hi} == PortSet::Interval{0, 65535} ? PortRange{0, 65535}
                                                                       : PortRange{lo, hi};
  } else if (protocol == kIcmp || protocol == kIcmpv6) {
    if (lo == 0 && hi == 65535) {
      s.icmp = IcmpTypeCode{-1, -1};
    } else if (lo % 256 == 0 && hi == lo + 255) {
      s.icmp = IcmpTypeCode{lo / 256, -1};
    } else {
      s.icmp = IcmpTypeCode{lo / 256, lo % 256};
    }
  }
  return s.to_string();
}

}  // namespace sgcheck::policy
