// RapidCheck property: `exposure` of a group or an interface is exactly the set of flows
// `query` allows into it (inbound) or out of it (outbound), checked on samples. For a random
// inventory (generators.h) each group gets a probe interface that carries only it, so that flows
// "into the group" have a destination; for every interface the exposure's lines are read back
// (services text, CIDRs, prefix lists, group references) and sampled flows — points inside and just
// outside the reported services and blocks, members of groups, IPv4 and IPv6, several protocols —
// get the engine's verdict on that side. Membership in a line gives allow; a line whose peer the
// inventory cannot resolve (prefix list entries, an undefined group, members unknown) or an
// undefined group on the interface gives unknown; otherwise deny. RC_PARAMS="max_success=…" scales
// the effort.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "generators.h"
#include "sgcheck/engine.h"
#include "sgcheck/report.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;

constexpr std::uint32_t kMaxKey = 65535;  // ports; ICMP type * 256 + code

bool keyed(int protocol) {
  return protocol == kTcp || protocol == kUdp || protocol == kIcmp || protocol == kIcmpv6;
}

// One item of an exposure line's services: protocols [proto_lo, proto_hi] × keys [lo, hi] (keys
// only for tcp, udp, icmp, icmpv6).
struct ServiceItem {
  int proto_lo = 0;
  int proto_hi = 255;
  std::uint32_t lo = 0;
  std::uint32_t hi = kMaxKey;
  bool contains(int protocol, std::uint32_t key) const {
    return proto_lo <= protocol && protocol <= proto_hi &&
           (!keyed(protocol) || (lo <= key && key <= hi));
  }
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(", ", start);
    out.push_back(
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

// "A" or "A-B" as a range of numbers.
std::optional<std::pair<std::uint32_t, std::uint32_t>> range_of(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789-") != std::string::npos) return {};
  const std::size_t dash = text.find('-');
  const std::uint32_t lo = static_cast<std::uint32_t>(std::stoul(text.substr(0, dash)));
  const std::uint32_t hi = dash == std::string::npos
                               ? lo
                               : static_cast<std::uint32_t>(std::stoul(text.substr(dash + 1)));
  return std::make_pair(lo, hi);
}

// One service of an exposure line as written: "all", "tcp/22", "udp/1000-2000", "icmp",
// "icmp/8", "icmp/3:1-4", "proto/50", "proto/0-5".
std::optional<ServiceItem> parse_item(const std::string& text) {
  if (text == "all") return ServiceItem{};
  const std::size_t slash = text.find('/');
  const std::string name = text.substr(0, slash);
  const std::string rest = slash == std::string::npos ? "" : text.substr(slash + 1);
  ServiceItem item;
  if (name == "icmp" || name == "icmpv6") {
    item.proto_lo = item.proto_hi = name == "icmp" ? kIcmp : kIcmpv6;
    if (slash == std::string::npos) return item;  // every type and code
    const std::size_t colon = rest.find(':');
    const auto type = range_of(rest.substr(0, colon));
    if (!type || type->first != type->second) return {};
    item.lo = type->first * 256;
    item.hi = item.lo + 255;
    if (colon != std::string::npos) {
      const auto codes = range_of(rest.substr(colon + 1));
      if (!codes) return {};
      item.hi = item.lo + codes->second;
      item.lo += codes->first;
    }
    return item;
  }
  const auto numbers = range_of(rest);
  if (!numbers) return {};
  if (name == "tcp" || name == "udp") {
    item.proto_lo = item.proto_hi = name == "tcp" ? kTcp : kUdp;
    item.lo = numbers->first;
    item.hi = numbers->second;
    return item;
  }
  if (name != "proto") return {};
  item.proto_lo = static_cast<int>(numbers->first);
  item.proto_hi = static_cast<int>(numbers->second);
  return item;
}

// An exposure line read back: its services, its address blocks, its symbols (sg-…, pl-…) with
// whether the exposure said they are unresolved.
struct Line {
  std::vector<ServiceItem> services;
  std::vector<Cidr> blocks;
  std::vector<std::string> groups;
  std::vector<std::string> prefix_lists;
};

Line read_line(const ExposureLine& e) {
  Line line;
  for (const std::string& s : split(e.services)) {
    const std::optional<ServiceItem> item = parse_item(s);
    RC_ASSERT(item.has_value());
    line.services.push_back(*item);
  }
  for (const std::string& peer : e.peers) {
    for (const std::string& part : split(peer)) {
      if (const ValueResult<Cidr> c = parse_cidr(part)) {
        line.blocks.push_back(*c);
      } else if (const ValueResult<Address> a = parse_address(part)) {
        line.blocks.push_back(Cidr{
            a->bits, a->family, static_cast<std::uint8_t>(a->family == Family::ipv4 ? 32 : 128)});
      } else {
        const std::string id = part.substr(0, part.find(' '));
        RC_ASSERT(id.rfind("sg-", 0) == 0 || id.rfind("pl-", 0) == 0);
        (id.rfind("sg-", 0) == 0 ? line.groups : line.prefix_lists).push_back(id);
      }
    }
  }
  return line;
}

struct Packet {
  int protocol = kTcp;
  std::uint32_t key = 0;
  Service service() const {
    Service s;
    s.protocol = protocol;
    if (protocol == kTcp || protocol == kUdp)
      s.ports = PortRange{static_cast<std::uint16_t>(key), static_cast<std::uint16_t>(key)};
    if (protocol == kIcmp || protocol == kIcmpv6)
      s.icmp = IcmpTypeCode{static_cast<int>(key / 256), static_cast<int>(key % 256)};
    return s;
  }
};

enum class Ans { no, maybe, yes };

bool carries(const Interface& x, const std::string& group) {
  return std::find(x.groups.begin(), x.groups.end(), group) != x.groups.end();
}

// The interface an address is (its private address; the lowest id first, as the engine resolves).
const Interface* interface_at(const Inventory& inv, const Address& a) {
  for (const Interface& x : inv.interfaces) {
    if (std::find(x.private_ips.begin(), x.private_ips.end(), a) != x.private_ips.end()) return &x;
  }
  return nullptr;
}

// A public address of an interface (and no interface's private one): a flow from or to it takes
// the translated path, which exposure does not describe.
bool public_of_interface(const Inventory& inv, const Address& a) {
  if (interface_at(inv, a) != nullptr) return false;  // a private address wins
  return std::any_of(inv.interfaces.begin(), inv.interfaces.end(), [&](const Interface& x) {
    return std::find(x.public_ips.begin(), x.public_ips.end(), a) != x.public_ips.end();
  });
}

bool membership_known(const Inventory& inv, const std::string& group) {
  if (inv.find_group(group) == nullptr || inv.interfaces.empty()) return false;
  return std::none_of(inv.interfaces.begin(), inv.interfaces.end(), [&](const Interface& x) {
    return carries(x, group) && x.private_ips.empty();
  });
}

// What the exposure says of a packet to or from `remote`: allowed (yes) when a line holds it,
// unknown (maybe) when a line's peer is unresolved for it, else denied.
Ans exposure_answer(const Inventory& inv, const Exposure& e, const std::vector<Line>& lines,
                    const Packet& p, const Address& remote) {
  const Interface* remote_iface = interface_at(inv, remote);
  Ans ans = Ans::no;
  const auto raise = [&](Ans a) { ans = std::max(ans, a); };
  for (const Line& line : lines) {
    if (std::none_of(line.services.begin(), line.services.end(),
                     [&](const ServiceItem& s) { return s.contains(p.protocol, p.key); }))
      continue;
    for (const Cidr& c : line.blocks)
      if (c.contains(remote)) raise(Ans::yes);
    for (const std::string& id : line.prefix_lists) {
      const PrefixList* pl = inv.find_prefix_list(id);
      if (pl != nullptr && pl->entries_known) {
        for (const Cidr& c : pl->entries)
          if (c.contains(remote)) raise(Ans::yes);
      } else if (pl == nullptr || !pl->family || *pl->family == remote.family) {
        raise(Ans::maybe);
      }
    }
    for (const std::string& id : line.groups) {
      if (remote_iface != nullptr) {
        if (carries(*remote_iface, id)) raise(Ans::yes);
      } else if (!membership_known(inv, id)) {
        raise(Ans::maybe);
      }
    }
  }
  // An interface carrying a group the inventory lacks: that group's rules may allow anything.
  for (const std::string& note : e.notes)
    if (note.find("is not in the inventory: its rules are unknown") != std::string::npos)
      raise(Ans::maybe);
  return ans;
}

Verdict verdict_of(Ans a) {
  return a == Ans::yes ? Verdict::allow : a == Ans::maybe ? Verdict::unknown : Verdict::deny;
}

// Each group of the inventory gets a probe interface carrying it alone, in its VPC, with addresses
// no generator produces: a flow into the probe is a flow into the group.
Inventory with_probes(Inventory inv) {
  for (std::size_t i = 0; i < inv.groups.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    inv.interfaces.push_back(iface("eni-p" + n, inv.groups[i].vpc_id.str(), {inv.groups[i].id.str()},
                                   {"10.200.0." + n, "2001:db8:200::" + n}));
  }
  return finish(std::move(inv));
}

// Candidate remote addresses of a family: the ends of every block of the exposure and the points
// just outside them, prefix-list entries, the inventory's private addresses (members of groups),
// and a few fixed public and private addresses. Public addresses of interfaces are left out: a flow
// from one takes the translated path, which exposure does not describe.
std::vector<Address> remote_candidates(const Inventory& inv, const std::vector<Line>& lines,
                                       Family f) {
  std::vector<Address> out;
  const u128 top = f == Family::ipv4 ? u128{0xffffffffu} : ~u128{0};
  const auto add_block = [&](const Cidr& c) {
    if (c.family != f) return;
    out.push_back(Address{f, c.first()});
    out.push_back(Address{f, c.last()});
    if (c.first() > 0) out.push_back(Address{f, c.first() - 1});
    if (c.last() < top) out.push_back(Address{f, c.last() + 1});
  };
  for (const Line& line : lines)
    for (const Cidr& c : line.blocks) add_block(c);
  for (const PrefixList& pl : inv.prefix_lists)
    for (const Cidr& c : pl.entries) add_block(c);
  for (const Interface& x : inv.interfaces)
    for (const Address& a : x.private_ips)
      if (a.family == f) out.push_back(a);
  for (const char* text : {"8.8.8.8", "10.0.0.4", "203.0.113.1", "0.0.0.0", "255.255.255.255",
                           "2600::99", "2001:db8::7", "::", "fe80::1"}) {
    const Address a = addr(text);
    if (a.family == f) out.push_back(a);
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Address& a) { return public_of_interface(inv, a); }),
            out.end());
  return out;
}

// Candidate packets of a family: the ends of every service item and the keys just outside them,
// and a few fixed ones of several protocols.
std::vector<Packet> packet_candidates(const std::vector<Line>& lines, Family f) {
  std::vector<Packet> out = {{kTcp, 22}, {kTcp, 0}, {kTcp, 65535}, {kUdp, 53},
                             {47, 0},    {50, 0},   {0, 0},        {200, 0}};
  out.push_back(f == Family::ipv4 ? Packet{kIcmp, 8 * 256} : Packet{kIcmpv6, 128 * 256});
  for (const Line& line : lines) {
    for (const ServiceItem& s : line.services) {
      for (const int protocol : {s.proto_lo, s.proto_hi}) {
        if (!keyed(protocol)) {
          out.push_back({protocol, 0});
          continue;
        }
        out.push_back({protocol, s.lo});
        out.push_back({protocol, s.hi});
        if (s.lo > 0) out.push_back({protocol, s.lo - 1});
        if (s.hi < kMaxKey) out.push_back({protocol, s.hi + 1});
      }
      if (s.proto_lo > 0) out.push_back({s.proto_lo - 1, 0});
      if (s.proto_hi < 255) out.push_back({s.proto_hi + 1, 0});
    }
  }
  // ICMP belongs to IPv4 and ICMPv6 to IPv6: the other is not a packet of the family.
  const int foreign = f == Family::ipv4 ? kIcmpv6 : kIcmp;
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Packet& p) { return p.protocol == foreign; }),
            out.end());
  return out;
}

bool has_family(const Interface& x, Family f) {
  return std::any_of(x.private_ips.begin(), x.private_ips.end(),
                     [f](const Address& a) { return a.family == f; });
}

// Counts the samples by verdict, so that the run shows each outcome was checked many times.
struct Seen {
  int allow = 0, deny = 0, unknown = 0;
};

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937& rng) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

// A packet and a remote address inside one line of the exposure (a point it claims), when the line
// has a block of the family: half the samples, so that claimed flows are checked as often as the
// rest.
std::optional<std::pair<Packet, Address>> inside_line(const std::vector<Line>& lines, Family f,
                                                      std::mt19937& rng) {
  if (lines.empty()) return std::nullopt;
  const Line& line = pick(lines, rng);
  std::vector<Cidr> blocks;
  for (const Cidr& c : line.blocks)
    if (c.family == f) blocks.push_back(c);
  if (blocks.empty()) return std::nullopt;
  const Cidr& block = pick(blocks, rng);
  const u128 span = block.last() - block.first();
  const u128 r = (static_cast<u128>(rng()) << 96) ^ (static_cast<u128>(rng()) << 64) ^
                 (static_cast<u128>(rng()) << 32) ^ rng();
  const Address remote{f, block.first() + (span == ~u128{0} ? r : r % (span + 1))};
  const ServiceItem& s = pick(line.services, rng);
  int protocol = std::uniform_int_distribution<int>(s.proto_lo, s.proto_hi)(rng);
  if (s.proto_lo != s.proto_hi && rng() % 2 == 0)  // `all` and ranges: the keyed protocols too
    protocol = f == Family::ipv4 ? pick(std::vector<int>{kTcp, kUdp, kIcmp}, rng)
                                 : pick(std::vector<int>{kTcp, kUdp, kIcmpv6}, rng);
  if (protocol == (f == Family::ipv4 ? kIcmpv6 : kIcmp)) return std::nullopt;
  const std::uint32_t key =
      keyed(protocol) ? std::uniform_int_distribution<std::uint32_t>(s.lo, s.hi)(rng) : 0;
  return std::make_pair(Packet{protocol, key}, remote);
}

void check_target(const Inventory& inv, const Engine& engine, const Interface& x, const Exposure& e,
                  std::mt19937& rng, int samples, Seen& seen) {
  for (const Direction d : {Direction::ingress, Direction::egress}) {
    std::vector<Line> lines;
    for (const ExposureLine& l : d == Direction::ingress ? e.inbound : e.outbound)
      lines.push_back(read_line(l));
    for (const Family f : {Family::ipv4, Family::ipv6}) {
      if (!has_family(x, f)) continue;  // eni-… has no address of the family to stand for
      const std::vector<Address> remotes = remote_candidates(inv, lines, f);
      const std::vector<Packet> packets = packet_candidates(lines, f);
      for (int i = 0; i < samples; ++i) {
        Address remote = pick(remotes, rng);
        Packet p = pick(packets, rng);
        if (i % 2 == 0) {
          const auto claimed = inside_line(lines, f, rng);
          if (claimed && !public_of_interface(inv, claimed->second)) std::tie(p, remote) = *claimed;
        }
        Endpoint outside;
        outside.kind = EndpointKind::address;
        outside.cidr =
            Cidr{remote.bits, f, static_cast<std::uint8_t>(f == Family::ipv4 ? 32 : 128)};
        Endpoint self;
        self.kind = EndpointKind::interface;
        self.id = x.id;
        Flow flow;
        flow.service = p.service();
        flow.source = d == Direction::ingress ? outside : self;
        flow.destination = d == Direction::ingress ? self : outside;
        const Decision decision = engine.decide(flow);
        const Verdict side =
            d == Direction::ingress ? decision.ingress.verdict : decision.egress.verdict;
        const Verdict expected = verdict_of(exposure_answer(inv, e, lines, p, remote));
        ++(expected == Verdict::allow  ? seen.allow
           : expected == Verdict::deny ? seen.deny
                                       : seen.unknown);
        if (side != expected) {
          RC_FAIL("exposure of " + e.target + " (" + e.label + "), " + direction_name(d) + ": " +
                  flow.to_string() + ": exposure says " + verdict_name(expected) + ", query's " +
                  direction_name(d) + " side " + verdict_name(side) + "\n" + dump_text(inv));
        }
        // From or to an address outside the inventory, that side is the whole answer.
        if (interface_at(inv, remote) == nullptr && engine.verdict(flow) != side) {
          RC_FAIL(flow.to_string() + ": query " + verdict_name(engine.verdict(flow)) + ", its " +
                  direction_name(d) + " side " + verdict_name(side) + "\n" + dump_text(inv));
        }
      }
    }
  }
}

RC_GTEST_PROP(ExposureProperty, ExposureIsWhatQueryAllowsOnSamples, ()) {
  const Inventory generated = *gen_inventory();
  RC_PRE(!generated.groups.empty() || !generated.interfaces.empty());  // nothing to expose
  std::mt19937 rng(static_cast<unsigned>(*rc::gen::inRange(0, 1 << 30)));
  // Now and then no probes: the groups are then seen only through the generated interfaces.
  const bool probes = rng() % 4 != 0;
  const Inventory inv = probes ? with_probes(generated) : generated;
  const Engine engine(inv);
  Seen seen;
  for (const Interface& x : inv.interfaces) {
    const bool probe = x.id.rfind("eni-p", 0) == 0;
    // A probe stands for its group: the group's exposure must describe it.
    const std::vector<Exposure> e = compute_exposure(inv, probe ? x.groups.front() : x.id);
    RC_ASSERT(e.size() == 1u);
    check_target(inv, engine, x, e.front(), rng, 8, seen);
  }
  RC_TAG(seen.allow > 0 ? "some allowed" : "none allowed",
         seen.unknown > 0 ? "some unknown" : "none unknown",
         seen.deny > 0 ? "some denied" : "none denied");
}

}  // namespace
}  // namespace sgcheck
