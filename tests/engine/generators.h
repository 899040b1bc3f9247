// RapidCheck generators of random inventories and flows, shared by the engine properties and the
// differential fuzzing work. Values come from small pools (a few VPCs, groups, prefix lists and
// addresses) so that references resolve, addresses collide and rules overlap often.
// Entry points: gen_inventory(), gen_point_flow(), gen_set_flow(), gen_rule().
#pragma once

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "builders.h"
#include "pools.h"
#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck::testing {

inline rc::Gen<Address> gen_address(Family f) {
  return rc::gen::map(rc::gen::elementOf(f == Family::ipv4 ? address4_pool() : address6_pool()),
                      [](const std::string& s) { return addr(s); });
}

// A block around a pool address: prefix lengths chosen so blocks nest and overlap.
inline rc::Gen<Cidr> gen_cidr(Family f) {
  return rc::gen::exec([f] {
    const Address a = *gen_address(f);
    const int prefix = f == Family::ipv4
                           ? *rc::gen::elementOf(std::vector<int>{0, 8, 16, 24, 31, 32})
                           : *rc::gen::elementOf(std::vector<int>{0, 3, 32, 64, 127, 128});
    return *parse_cidr(to_string(a) + "/" + std::to_string(prefix));
  });
}

// A template's open protocol or port (Rule::unresolved), cleared as ingest leaves it: an open
// protocol reads -1, an open port is absent. Or an undecided template condition over the rule
// (rule_conditional()), its service known, now and then with an open port as well.
inline void open_service(Rule& r) {
  switch (*rc::gen::inRange(0, 5)) {
    case 0:
      r.edit_unresolved().protocol = "Ref ProtocolParam";
      r.protocol = -1;
      break;
    case 1:
      r.edit_unresolved().from_port = "Ref FromPortParam";
      r.from_port.reset();
      break;
    case 3:
      r.edit_unresolved().condition =
          *rc::gen::element(std::string("IsProd"), std::string("not IsProd"));
      if (*rc::gen::inRange(0, 4) == 0) r.edit_unresolved().from_port = "Ref FromPortParam";
      if (!r.unresolved().from_port.empty()) r.from_port.reset();
      break;
    default:
      r.edit_unresolved().to_port = "Fn::If UseWide";
      r.to_port.reset();
      break;
  }
}

// A rule of any protocol kind with any peer kind; sometimes invalid (valid == false). With
// `open_services`, now and then with an unresolved protocol or port (docs/iac.md).
inline rc::Gen<Rule> gen_rule(bool open_services = false) {
  return rc::gen::exec([open_services] {
    Rule r;
    r.direction = *rc::gen::element(Direction::ingress, Direction::egress);
    r.protocol = *rc::gen::element(-1, 1, 6, 17, 58, 47, 50);
    if (r.protocol == 6 || r.protocol == 17) {
      int a = *rc::gen::elementOf(port_pool()), b = *rc::gen::elementOf(port_pool());
      if (a > b && *rc::gen::inRange(0, 4) != 0) std::swap(a, b);  // now and then ToPort < FromPort
      r.from_port = a;
      r.to_port = b;
    } else if (r.protocol == 1 || r.protocol == 58) {
      const int type = *rc::gen::element(-1, 0, 3, 8, 128);
      r.from_port = type;
      r.to_port = type == -1 ? -1 : *rc::gen::element(-1, 0, 1, 4);
      if (*rc::gen::inRange(0, 5) == 0) r.from_port.reset(), r.to_port.reset();
    } else if (*rc::gen::inRange(0, 3) == 0) {
      r.from_port = *rc::gen::elementOf(port_pool());  // ignored by AWS
      r.to_port = r.from_port;
    }
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        r.peer.kind = PeerKind::cidr4, r.peer.cidr = *gen_cidr(Family::ipv4);
        break;
      case 1:
        r.peer.kind = PeerKind::cidr6, r.peer.cidr = *gen_cidr(Family::ipv6);
        break;
      case 2:
        r.peer.kind = PeerKind::prefix_list, r.peer.id = *rc::gen::elementOf(prefix_list_pool());
        break;
      default:
        r.peer.kind = PeerKind::group;
        r.peer.id = *rc::gen::elementOf(group_pool());
        if (*rc::gen::inRange(0, 6) == 0)
          r.peer.edit_reference().vpc_id = *rc::gen::elementOf(vpc_pool());
        if (*rc::gen::inRange(0, 6) == 0) r.peer.edit_reference().peering_status = "active";
        break;
    }
    r.valid = *rc::gen::inRange(0, 12) != 0;
    if (open_services && *rc::gen::inRange(0, 5) == 0) open_service(r);
    return r;
  });
}

// `open_services`: some rules have unresolved protocols or ports or undecided conditions (the
// engine and the reference model them; matrix and exposure properties leave them out).
inline rc::Gen<Inventory> gen_inventory(bool open_services = false) {
  return rc::gen::exec([open_services] {
    Inventory inv;
    const int groups = *rc::gen::inRange(0, 5);  // of sg-01..sg-04
    for (int i = 0; i < groups; ++i) {
      Group g = group(
          group_pool()[static_cast<std::size_t>(i)], *rc::gen::elementOf(vpc_pool()),
          *rc::gen::container<std::vector<Rule>>(*rc::gen::inRange(0, 7), gen_rule(open_services)));
      inv.groups.push_back(std::move(g));
    }
    const int interfaces = *rc::gen::inRange(0, 6);
    for (int i = 0; i < interfaces; ++i) {
      Interface x;
      x.id = "eni-0" + std::to_string(i);
      x.vpc_id = *rc::gen::elementOf(vpc_pool());
      if (*rc::gen::inRange(0, 3) == 0)
        x.instance_id = "i-0" + std::to_string(*rc::gen::inRange(0, 3));
      const int n_groups = *rc::gen::inRange(0, 4);
      for (int k = 0; k < n_groups; ++k) x.groups.emplace_back(*rc::gen::elementOf(group_pool()));
      if (*rc::gen::inRange(0, 8) != 0) {
        x.private_ips.push_back(*gen_address(Family::ipv4));
        if (*rc::gen::inRange(0, 2) == 0) x.private_ips.push_back(*gen_address(Family::ipv6));
      }
      if (*rc::gen::inRange(0, 3) == 0) x.public_ips.push_back(*gen_address(Family::ipv4));
      inv.interfaces.push_back(std::move(x));
    }
    inv.prefix_lists.push_back(prefix_list("pl-01", std::vector<std::string>{}));
    for (int k = *rc::gen::inRange(0, 3); k > 0; --k) {
      const Family f = *rc::gen::element(Family::ipv4, Family::ipv6);
      inv.prefix_lists.back().entries.push_back(*gen_cidr(f));
    }
    inv.prefix_lists.push_back(
        prefix_list("pl-02", std::nullopt, *rc::gen::element(Family::ipv4, Family::ipv6)));
    if (*rc::gen::inRange(0, 2) == 0) {
      Peering p;
      p.id = "pcx-01";
      p.requester_vpc = "vpc-0a";
      p.accepter_vpc = "vpc-0b";
      p.status = *rc::gen::element(std::string("active"), std::string("deleted"));
      inv.peerings.push_back(p);
    }
    return finish(std::move(inv));
  });
}

inline rc::Gen<Service> gen_point_service(Family f) {
  return rc::gen::exec([f] {
    Service s;
    s.protocol = *rc::gen::element(6, 17, f == Family::ipv4 ? 1 : 58, 47, 50);
    if (s.protocol == 6 || s.protocol == 17) {
      const int port = *rc::gen::elementOf(port_pool());
      s.ports = PortRange{static_cast<std::uint16_t>(port), static_cast<std::uint16_t>(port)};
    } else if (s.protocol == 1 || s.protocol == 58) {
      s.icmp = IcmpTypeCode{*rc::gen::element(0, 3, 8, 128), *rc::gen::element(0, 1, 4)};
    }
    return s;
  });
}

inline rc::Gen<Endpoint> gen_single_endpoint(Family f) {
  return rc::gen::exec([f] {
    Endpoint e;
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        e.kind = EndpointKind::interface;
        e.id = "eni-0" + std::to_string(*rc::gen::inRange(0, 7));  // eni-06 never exists
        break;
      case 1:
        e.kind = EndpointKind::instance;
        e.id = "i-0" + std::to_string(*rc::gen::inRange(0, 4));
        break;
      default: {
        const Address a = *gen_address(f);
        e.kind = EndpointKind::address;
        e.cidr = Cidr{a.bits, a.family, static_cast<std::uint8_t>(f == Family::ipv4 ? 32 : 128)};
        break;
      }
    }
    return e;
  });
}

// A point flow of one family; both endpoints single.
inline rc::Gen<Flow> gen_point_flow() {
  return rc::gen::exec([] {
    const Family f = *rc::gen::element(Family::ipv4, Family::ipv6);
    Flow flow;
    flow.service = *gen_point_service(f);
    flow.source = *gen_single_endpoint(f);
    flow.destination = *gen_single_endpoint(f);
    // Without an address, an id endpoint pair is IPv4 unless the service is icmpv6.
    const bool has_address =
        flow.source.kind == EndpointKind::address || flow.destination.kind == EndpointKind::address;
    if (!has_address && f == Family::ipv6 && flow.service.protocol != kIcmpv6) {
      flow.service = *gen_point_service(Family::ipv4);
    }
    if (!has_address && f == Family::ipv4 && flow.service.protocol == kIcmpv6)
      flow.service.protocol = 6;
    return flow;
  });
}

// A set question: a port range, `all`, an ICMP wildcard, or a CIDR / sg-… / internet endpoint.
inline rc::Gen<Flow> gen_set_flow() {
  return rc::gen::exec([] {
    Flow flow = *gen_point_flow();
    const Family f = flow.source.kind == EndpointKind::address        ? flow.source.cidr.family
                     : flow.destination.kind == EndpointKind::address ? flow.destination.cidr.family
                     : flow.service.protocol == kIcmpv6               ? Family::ipv6
                                                                      : Family::ipv4;
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        flow.service = Service{};
        flow.service.protocol = *rc::gen::element(-1, 6, 17);
        if (flow.service.protocol != -1) {
          int a = *rc::gen::elementOf(port_pool()), b = *rc::gen::elementOf(port_pool());
          if (a > b) std::swap(a, b);
          flow.service.ports =
              PortRange{static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b)};
        }
        break;
      case 1: {
        Endpoint& e = *rc::gen::inRange(0, 2) == 0 ? flow.source : flow.destination;
        e.kind = EndpointKind::cidr;
        e.cidr = *gen_cidr(f);
        break;
      }
      case 2: {
        Endpoint& e = *rc::gen::inRange(0, 2) == 0 ? flow.source : flow.destination;
        e.kind = EndpointKind::group;
        e.id = *rc::gen::elementOf(group_pool());
        break;
      }
      default: {
        Endpoint& e = *rc::gen::inRange(0, 2) == 0 ? flow.source : flow.destination;
        e.kind = EndpointKind::internet;
        break;
      }
    }
    return flow;
  });
}

}  // namespace sgcheck::testing
