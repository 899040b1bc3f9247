// Differential fuzz target for the decision engine: the input bytes choose a small inventory (groups,
// rules, interfaces, prefix lists, a peering) and point flows from the shared test pools, and every
// answer of the compiled engine (verdict() and decide()) must equal the reference evaluator's
// (tests/engine/reference.cc), which scans the model directly. Entry point: LLVMFuzzerTestOneInput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../tests/engine/builders.h"
#include "../tests/engine/pools.h"
#include "../tests/engine/reference.h"
#include "sgcheck/engine.h"

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
    case 0: r.peer.kind = PeerKind::cidr4, r.peer.cidr = block(c, Family::ipv4); break;
    case 1: r.peer.kind = PeerKind::cidr6, r.peer.cidr = block(c, Family::ipv6); break;
    case 2: r.peer.kind = PeerKind::prefix_list, r.peer.id = c.of(prefix_list_pool()); break;
    default:
      r.peer.kind = PeerKind::group;
      r.peer.id = c.of(group_pool());
      if (c.one_in(6)) r.peer.vpc_id = c.of(vpc_pool());
      if (c.one_in(6)) r.peer.peering_status = "active";
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
  for (int k = c.below(4); k > 0; --k) x.groups.push_back(c.of(group_pool()));
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
    inv.groups.push_back(group(group_pool()[static_cast<std::size_t>(i - 1)], c.of(vpc_pool()),
                               std::move(rules)));
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
    case 0: e.kind = EndpointKind::interface, e.id = "eni-0" + std::to_string(c.below(7)); break;
    case 1: e.kind = EndpointKind::instance, e.id = "i-0" + std::to_string(c.below(5)); break;
    default: {
      const Address a = address(c, f);
      e.kind = EndpointKind::address;
      e.cidr = Cidr{a.family, a.bits, static_cast<std::uint8_t>(f == Family::ipv4 ? 32 : 128)};
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
  const bool has_address = flow.source.kind == EndpointKind::address ||
                           flow.destination.kind == EndpointKind::address;
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
  return 0;
}
