// Differential fuzz target for the decision engine: the input bytes choose a small inventory
// (groups, rules, interfaces, prefix lists, a peering) and point flows from the shared test pools,
// and every answer of the compiled engine (verdict() and decide()) must equal the reference
// evaluator's (tests/engine/reference.cc), which scans the model directly. Then lint runs on the
// same inventory and every exposure finding (SG101–SG106) must agree with the engine on its
// witness: the packet it names, from (or to) its peer, into (or out of) its group's members or its
// interface, is not denied (allowed; allowed or unknown when the finding is unknown). Entry point:
// LLVMFuzzerTestOneInput.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../tests/engine/builders.h"
#include "../tests/engine/pools.h"
#include "../tests/engine/reference.h"
#include "sgcheck/engine.h"
#include "sgcheck/lint.h"

namespace {

using namespace sgcheck;
using namespace sgcheck::testing;

// Reads choices from the fuzzer's bytes; past the end every choice is 0, so any input is usable.
class Choices {
 public:
  Choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  int below(int n) { return n <= 1 ? 0 : static_cast<int>(next() % static_cast<unsigned>(n)); }
  bool one_in(int n) { return below(n) == 0; }
  template <typename T>
  const T& of(const std::vector<T>& pool) {
    return pool[static_cast<std::size_t>(below(static_cast<int>(pool.size())))];
  }
  bool exhausted() const { return at_ >= size_; }

 private:
  std::uint8_t next() { return at_ < size_ ? data_[at_++] : 0; }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

Address address(Choices& c, Family f) {
  return addr(c.of(f == Family::ipv4 ? address4_pool() : address6_pool()));
}

Cidr block(Choices& c, Family f) {
  static const std::vector<int> v4{0, 8, 16, 24, 31, 32}, v6{0, 3, 32, 64, 127, 128};
  const int prefix = c.of(f == Family::ipv4 ? v4 : v6);
  return cidr(to_string(address(c, f)) + "/" + std::to_string(prefix));
}

void choose_ports(Choices& c, Rule& r) {
  if (r.protocol == kTcp || r.protocol == kUdp) {
    r.from_port = c.of(port_pool());
    r.to_port = c.of(port_pool());  // now and then ToPort < FromPort: the rule is then invalid
    if (*r.to_port < *r.from_port) r.valid = false;
  } else if (r.protocol == kIcmp || r.protocol == kIcmpv6) {
    static const std::vector<int> types{-1, 0, 3, 8, 128}, codes{-1, 0, 1, 4};
    r.from_port = c.of(types);
    r.to_port = *r.from_port == -1 ? -1 : c.of(codes);
  } else if (c.one_in(3)) {
    r.from_port = c.of(port_pool());  // ignored by AWS
    r.to_port = r.from_port;
  }
}

void choose_peer(Choices& c, Rule& r) {
  switch (c.below(4)) {
    case 0:
      r.peer.kind = PeerKind::cidr4, r.peer.cidr = block(c, Family::ipv4);
      break;
    case 1:
      r.peer.kind = PeerKind::cidr6, r.peer.cidr = block(c, Family::ipv6);
      break;
    case 2:
      r.peer.kind = PeerKind::prefix_list, r.peer.id = c.of(prefix_list_pool());
      break;
    default:
      r.peer.kind = PeerKind::group;
      r.peer.id = c.of(group_pool());
      if (c.one_in(6)) r.peer.edit_reference().vpc_id = c.of(vpc_pool());
      if (c.one_in(6)) r.peer.edit_reference().peering_status = "active";
  }
}

Rule rule(Choices& c) {
  static const std::vector<int> protocols{-1, 1, 6, 17, 58, 47, 50};
  Rule r;
  r.direction = c.one_in(2) ? Direction::ingress : Direction::egress;
  r.protocol = c.of(protocols);
  choose_ports(c, r);
  choose_peer(c, r);
  if (c.one_in(12)) r.valid = false;
  return r;
}

Interface interface(Choices& c, int index) {
  Interface x;
  x.id = "eni-0" + std::to_string(index);
  x.vpc_id = c.of(vpc_pool());
  if (c.one_in(3)) x.instance_id = "i-0" + std::to_string(c.below(4));
  for (int k = c.below(4); k > 0; --k) x.groups.emplace_back(c.of(group_pool()));
  if (!c.one_in(8)) {
    x.private_ips.push_back(address(c, Family::ipv4));
    if (c.one_in(2)) x.private_ips.push_back(address(c, Family::ipv6));
  }
  if (c.one_in(3)) x.public_ips.push_back(address(c, Family::ipv4));
  return x;
}

Inventory inventory(Choices& c) {
  Inventory inv;
  for (int i = c.below(5); i > 0; --i) {
    std::vector<Rule> rules;
    for (int k = c.below(7); k > 0; --k) rules.push_back(rule(c));
    inv.groups.push_back(
        group(group_pool()[static_cast<std::size_t>(i - 1)], c.of(vpc_pool()), std::move(rules)));
  }
  for (int i = c.below(6); i > 0; --i) inv.interfaces.push_back(interface(c, i - 1));
  inv.prefix_lists.push_back(prefix_list("pl-01", std::vector<std::string>{}));
  for (int k = c.below(3); k > 0; --k)
    inv.prefix_lists.back().entries.push_back(block(c, c.one_in(2) ? Family::ipv4 : Family::ipv6));
  inv.prefix_lists.push_back(
      prefix_list("pl-02", std::nullopt, c.one_in(2) ? Family::ipv4 : Family::ipv6));
  if (c.one_in(2)) {
    Peering p;
    p.id = "pcx-01";
    p.requester_vpc = "vpc-0a";
    p.accepter_vpc = "vpc-0b";
    p.status = c.one_in(2) ? "active" : "deleted";
    inv.peerings.push_back(p);
  }
  return finish(std::move(inv));
}

Endpoint endpoint(Choices& c, Family f) {
  Endpoint e;
  switch (c.below(4)) {
    case 0:
      e.kind = EndpointKind::interface, e.id = "eni-0" + std::to_string(c.below(7));
      break;
    case 1:
      e.kind = EndpointKind::instance, e.id = "i-0" + std::to_string(c.below(5));
      break;
    default: {
      const Address a = address(c, f);
      e.kind = EndpointKind::address;
      e.cidr = Cidr{a.bits, a.family, static_cast<std::uint8_t>(f == Family::ipv4 ? 32 : 128)};
    }
  }
  return e;
}

// A point flow of one family. Without an address endpoint the flow is IPv4 unless the service is
// icmpv6 (engine.h), so the family is made consistent with that.
Flow point_flow(Choices& c) {
  Family f = c.one_in(2) ? Family::ipv4 : Family::ipv6;
  Flow flow;
  flow.source = endpoint(c, f);
  flow.destination = endpoint(c, f);
  const bool has_address =
      flow.source.kind == EndpointKind::address || flow.destination.kind == EndpointKind::address;
  if (!has_address) f = Family::ipv4;
  static const std::vector<int> protocols{6, 17, 1, 47, 0};
  Service& s = flow.service;
  s.protocol = c.of(protocols);
  if (s.protocol == kIcmp && f == Family::ipv6) s.protocol = kIcmpv6;
  if (s.protocol == kTcp || s.protocol == kUdp) {
    const auto port = static_cast<std::uint16_t>(c.of(port_pool()));
    s.ports = PortRange{port, port};
  }
  if (s.protocol == kIcmp || s.protocol == kIcmpv6) {
    static const std::vector<int> types{0, 3, 8, 128}, codes{0, 1, 4};
    s.icmp = IcmpTypeCode{c.of(types), c.of(codes)};
  }
  return flow;
}

// ---- Lint's exposure findings against the engine

// internet4 / internet6 as product.md §6 defines them, written out here independently of the
// engine.
bool is_internet(const Address& a) {
  static const Cidr internet6 = cidr("2000::/3");
  static const std::vector<Cidr> reserved4 = [] {
    std::vector<Cidr> out;
    for (const char* r :
         {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
          "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"})
      out.push_back(cidr(r));
    return out;
  }();
  if (a.family == Family::ipv6) return internet6.contains(a);
  return std::none_of(reserved4.begin(), reserved4.end(),
                      [&](const Cidr& r) { return r.contains(a); });
}

bool in_inventory(const Inventory& inv, const Address& a) {
  return std::any_of(inv.interfaces.begin(), inv.interfaces.end(), [&](const Interface& x) {
    return std::find(x.private_ips.begin(), x.private_ips.end(), a) != x.private_ips.end() ||
           std::find(x.public_ips.begin(), x.public_ips.end(), a) != x.public_ips.end();
  });
}

std::optional<Service> witness_service(const Witness& w) {
  Service s;
  if (w.protocol == "tcp" || w.protocol == "udp") {
    if (!w.port) return std::nullopt;
    s.protocol = w.protocol == "tcp" ? kTcp : kUdp;
    s.ports = PortRange{static_cast<std::uint16_t>(*w.port), static_cast<std::uint16_t>(*w.port)};
  } else if (w.protocol == "icmp" || w.protocol == "icmpv6") {
    if (!w.type || !w.code || *w.type < 0 || *w.code < 0) return std::nullopt;
    s.protocol = w.protocol == "icmp" ? kIcmp : kIcmpv6;
    s.icmp = IcmpTypeCode{*w.type, *w.code};
  } else if (w.protocol == "all") {
    return std::nullopt;  // not a packet
  } else {
    s.protocol = std::stoi(w.protocol);
  }
  return s;
}

// An address of the witness's peer in family f, outside the inventory (so that only the target's
// rules decide), and public when the check is about all of the internet. The peer is a CIDR or an
// address; for a group, a prefix list or a family label every address of the family is a candidate.
std::optional<Address> witness_address(const Inventory& inv, const Witness& w, Family f,
                                       bool internet_only) {
  std::optional<Cidr> peer;
  if (const ValueResult<Cidr> c = parse_cidr(w.peer)) {
    peer = *c;
  } else if (const ValueResult<Address> a = parse_address(w.peer)) {
    peer =
        Cidr{a->bits, a->family, static_cast<std::uint8_t>(a->family == Family::ipv4 ? 32 : 128)};
  }
  if (peer && peer->family != f) return std::nullopt;
  std::vector<Address> candidates;
  if (peer) {
    candidates.push_back(Address{f, peer->first()});
    candidates.push_back(Address{f, peer->last()});
    candidates.push_back(Address{f, peer->first() + (peer->last() - peer->first()) / 2});
  }
  for (const char* text : {"8.8.8.8", "1.2.3.4", "198.51.100.200", "203.0.113.200", "2a00::1",
                           "2600::99", "2001:db8::99"}) {
    const Address a = addr(text);
    if (a.family == f && (!peer || peer->contains(a))) candidates.push_back(a);
  }
  for (const Address& a : candidates) {
    if ((!internet_only || is_internet(a)) && !in_inventory(inv, a)) return a;
  }
  return std::nullopt;
}

bool has_private(const Interface& x, Family f) {
  return std::any_of(x.private_ips.begin(), x.private_ips.end(),
                     [f](const Address& a) { return a.family == f; });
}

// The interfaces a finding is about: its interface, or every member of its group, with an address
// of the family (eni-… stands for it in a flow).
std::vector<const Interface*> finding_targets(const Inventory& inv, const Finding& f, Family fam) {
  std::vector<const Interface*> out;
  for (const Interface& x : inv.interfaces) {
    const bool about = f.interface.empty()
                           ? std::find(x.groups.begin(), x.groups.end(), f.group) != x.groups.end()
                           : x.id == f.interface;
    if (about && has_private(x, fam)) out.push_back(&x);
  }
  return out;
}

bool is_exposure_check(const std::string& id) {
  return id.size() == 5 && id.compare(0, 4, "SG10") == 0 && id[4] >= '1' && id[4] <= '6';
}

[[noreturn]] void witness_disagrees(const Finding& f, const Flow& flow, Verdict v) {
  const Witness& w = *f.witness;
  std::fprintf(stderr,
               "engine_diff_fuzzer: lint %s%s at %s%s (witness %s, peer %s) but query %s: %s\n"
               "  %s\n",
               f.id.c_str(), f.unknown ? " (unknown)" : "", f.group.c_str(), f.interface.c_str(),
               w.protocol.c_str(), w.peer.c_str(), verdict_name(v), flow.to_string().c_str(),
               f.message.c_str());
  std::abort();
}

// Checks one finding's witness on every target; aborts when the engine denies it (or, for a finding
// that is certain, does not allow it). A peer named by a group or a prefix list does not say its
// family: then the witness must hold in one of the families, when both could be tested.
void check_witness(const Inventory& inv, const Engine& engine, const Finding& f) {
  const Witness& w = *f.witness;
  const std::optional<Service> service = witness_service(w);
  if (!service) return;
  const bool family_named = w.peer.find_first_of(".:") != std::string::npos || w.peer == "IPv4" ||
                            w.peer == "IPv6" || service->protocol == kIcmp ||
                            service->protocol == kIcmpv6;
  // SG105 is about part of the internet; the others about all of it (or of one family).
  const bool internet_only = f.id != "SG105";
  std::optional<std::pair<Flow, Verdict>> failure;
  bool some_family_holds = false, untested_family = false;
  for (const Family fam : {Family::ipv4, Family::ipv6}) {
    if ((service->protocol == kIcmp && fam != Family::ipv4) ||
        (service->protocol == kIcmpv6 && fam != Family::ipv6))
      continue;
    if ((w.peer == "IPv4" && fam != Family::ipv4) || (w.peer == "IPv6" && fam != Family::ipv6))
      continue;
    const std::optional<Address> peer = witness_address(inv, w, fam, internet_only);
    const std::vector<const Interface*> targets = finding_targets(inv, f, fam);
    if (!peer || targets.empty()) {
      untested_family = true;  // the finding may be about this family
      continue;
    }
    bool holds = true;
    for (const Interface* x : targets) {
      Flow flow;
      flow.service = *service;
      Endpoint outside;
      outside.kind = EndpointKind::address;
      outside.cidr =
          Cidr{peer->bits, fam, static_cast<std::uint8_t>(fam == Family::ipv4 ? 32 : 128)};
      Endpoint member;
      member.kind = EndpointKind::interface;
      member.id = x->id;
      flow.source = w.direction == Direction::ingress ? outside : member;
      flow.destination = w.direction == Direction::ingress ? member : outside;
      const Verdict v = engine.verdict(flow);
      if (v == Verdict::allow || (f.unknown && v == Verdict::unknown)) continue;
      holds = false;
      if (family_named) witness_disagrees(f, flow, v);
      if (!failure) failure.emplace(flow, v);
    }
    some_family_holds = some_family_holds || holds;
  }
  if (failure && !some_family_holds && !untested_family)
    witness_disagrees(f, failure->first, failure->second);
}

void check_lint_exposure(const Inventory& inv, const Engine& engine) {
  const LintResult result = run_lint(inv, engine, LintOptions{});
  for (const Finding& f : result.findings) {
    if (is_exposure_check(f.id.str()) && f.witness) check_witness(inv, engine, f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Choices choices(data, size);
  const Inventory inv = inventory(choices);
  const Engine engine(inv);
  for (int i = 0; i < 16 && !choices.exhausted(); ++i) {
    const Flow flow = point_flow(choices);
    if (!flow.is_point()) continue;
    const Verdict expected = reference_verdict(inv, flow);
    const Verdict fast = engine.verdict(flow);
    const Verdict full = engine.decide(flow).verdict;
    if (fast != expected || full != expected) {
      std::fprintf(stderr, "engine_diff_fuzzer: %s: reference %s, verdict() %s, decide() %s\n",
                   flow.to_string().c_str(), verdict_name(expected), verdict_name(fast),
                   verdict_name(full));
      std::abort();
    }
  }
  check_lint_exposure(inv, engine);
  return 0;
}
