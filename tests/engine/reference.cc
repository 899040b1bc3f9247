// The reference evaluator: linear scans over the model for every question, written from
// aws-semantics.md §1.2–§2.4 without the engine's tables or helpers. Slow on purpose; obvious on
// purpose. Entry point: reference_verdict().
#include "reference.h"

#include <algorithm>
#include <cctype>

namespace sgcheck::testing {
namespace {

enum class Ans { yes, no, maybe };

struct Packet {
  int protocol;
  int port;  // tcp/udp destination port
  int type;  // icmp/icmpv6
  int code;
  Family family;
};

struct Resolved {
  const Interface* iface = nullptr;  // nullptr: outside the inventory
  Address address;                   // as written, or the primary private address for an id
  bool via_public = false;
  bool problem = false;
};

const Group* find_group(const Inventory& inv, std::string_view id) {
  for (const Group& g : inv.groups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

bool lower_equals(std::string_view s, const char* word) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == word;
}

bool carries(const Interface& x, std::string_view group_id) {
  return std::find(x.groups.begin(), x.groups.end(), group_id) != x.groups.end();
}

bool protocol_matches(const Rule& r, const Packet& p) {
  if (r.protocol == 1 && p.family != Family::ipv4) return false;
  if (r.protocol == 58 && p.family != Family::ipv6) return false;
  return r.protocol == -1 || r.protocol == p.protocol;
}

bool ports_match(const Rule& r, const Packet& p) {
  if (r.protocol == 6 || r.protocol == 17) {
    const int from = r.from_port.value_or(0), to = r.to_port.value_or(65535);
    if (from < 0 || to > 65535 || from > to) return false;
    return from <= p.port && p.port <= to;
  }
  if (r.protocol == 1 || r.protocol == 58) {
    const int type = r.from_port.value_or(-1), code = r.to_port.value_or(-1);
    if (type < -1 || type > 255 || code < -1 || code > 255) return false;
    if (type == -1) return code == -1;
    return type == p.type && (code == -1 || code == p.code);
  }
  return r.protocol >= -1 && r.protocol <= 255;  // ports ignored
}

// A template may leave the protocol or a port open (Rule::unresolved, docs/iac.md): such a rule
// never allows, and makes a packet it might match "maybe". Open protocol: every packet; tcp/udp
// with an open port: FromPort (or 0) to ToPort (or 65535); icmp with an open type: every type; an
// open code: every code of the type. A protocol without ports ignores open ports.
bool service_open(const Rule& r) {
  if (!r.unresolved().protocol.empty()) return true;
  const bool keyed = r.protocol == 6 || r.protocol == 17 || r.protocol == 1 || r.protocol == 58;
  return keyed && (!r.unresolved().from_port.empty() || !r.unresolved().to_port.empty());
}

bool service_might_match(const Rule& r, const Packet& p) {
  if (!r.unresolved().protocol.empty()) return true;
  if (!protocol_matches(r, p)) return false;
  const bool from_open = !r.unresolved().from_port.empty();
  const bool to_open = !r.unresolved().to_port.empty();
  if (r.protocol == 6 || r.protocol == 17) {
    const int from = from_open ? 0 : r.from_port.value_or(0);
    const int to = to_open ? 65535 : r.to_port.value_or(65535);
    if (from < 0 || to > 65535 || from > to) return false;
    return from <= p.port && p.port <= to;
  }
  if (from_open) return true;  // icmp, any type
  const int type = r.from_port.value_or(-1), code = to_open ? -1 : r.to_port.value_or(-1);
  if (type < -1 || type > 255 || code < -1 || code > 255) return false;
  if (type == -1) return code == -1;
  return type == p.type && (code == -1 || code == p.code);
}

// A rule under a template condition the inputs do not decide (Rule::unresolved.condition) may
// not exist: like an open service, it never allows, and a packet it would match is "maybe".
bool conditional(const Rule& r) {
  return !r.unresolved().condition.empty();
}

// The rule does not settle the packets it matches: they are "maybe" wherever its peer might match.
bool uncertain(const Rule& r) {
  return service_open(r) || conditional(r);
}

bool might_match(const Rule& r, const Packet& p) {
  if (service_open(r)) return service_might_match(r, p);
  return protocol_matches(r, p) && ports_match(r, p);
}

bool peered(const Inventory& inv, std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a == b) return true;
  for (const Peering& p : inv.peerings) {
    if (!lower_equals(p.status, "active")) continue;
    if ((p.requester_vpc == a && p.accepter_vpc == b) ||
        (p.requester_vpc == b && p.accepter_vpc == a)) {
      return true;
    }
  }
  return false;
}

// Every interface carrying the group is known with its addresses, and the group is defined.
bool membership_known(const Inventory& inv, std::string_view group_id) {
  if (find_group(inv, group_id) == nullptr || inv.interfaces.empty()) return false;
  for (const Interface& x : inv.interfaces) {
    if (carries(x, group_id) && x.private_ips.empty()) return false;
  }
  return true;
}

Ans peer_matches(const Inventory& inv, const Group& owner, const Rule& r, const Packet& p,
                 const Address& remote, const Interface* remote_iface, bool translated) {
  switch (r.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return r.peer.cidr.contains(remote) ? Ans::yes : Ans::no;
    case PeerKind::prefix_list: {
      for (const PrefixList& pl : inv.prefix_lists) {
        if (pl.id != r.peer.id) continue;
        if (!pl.entries_known) return (pl.family && *pl.family != p.family) ? Ans::no : Ans::maybe;
        for (const Cidr& e : pl.entries) {
          if (e.contains(remote)) return Ans::yes;
        }
        return Ans::no;
      }
      return Ans::maybe;
    }
    case PeerKind::group: {
      if (translated) return Ans::no;
      const Group* target = find_group(inv, r.peer.id);
      const Name target_vpc = target ? target->vpc_id : r.peer.vpc_id();
      if (!peered(inv, owner.vpc_id, target_vpc) &&
          !lower_equals(r.peer.peering_status(), "active")) {
        return Ans::no;
      }
      if (remote_iface != nullptr) return carries(*remote_iface, r.peer.id) ? Ans::yes : Ans::no;
      return membership_known(inv, r.peer.id) ? Ans::no : Ans::maybe;
    }
  }
  return Ans::no;
}

Ans side(const Inventory& inv, const Interface& x, Direction d, const Packet& p,
         const Address& remote, const Interface* remote_iface, bool translated) {
  bool maybe = false;
  for (const Name& gid : x.groups) {
    const Group* g = find_group(inv, gid);
    if (g == nullptr) {
      maybe = true;
      continue;
    }
    for (const Rule& r : g->rules) {
      if (r.direction != d || !r.valid) continue;
      if (uncertain(r)) {
        if (might_match(r, p) &&
            peer_matches(inv, *g, r, p, remote, remote_iface, translated) != Ans::no) {
          maybe = true;
        }
        continue;
      }
      if (!protocol_matches(r, p) || !ports_match(r, p)) continue;
      const Ans a = peer_matches(inv, *g, r, p, remote, remote_iface, translated);
      if (a == Ans::yes) return Ans::yes;
      if (a == Ans::maybe) maybe = true;
    }
  }
  return maybe ? Ans::maybe : Ans::no;
}

const Address* primary(const Interface& x, Family f) {
  for (const Address& a : x.private_ips) {
    if (a.family == f) return &a;
  }
  return nullptr;
}

Resolved resolve_interface(const Interface* x, Family f) {
  Resolved r;
  if (x == nullptr || primary(*x, f) == nullptr) {
    r.problem = true;
    return r;
  }
  r.iface = x;
  r.address = *primary(*x, f);
  return r;
}

Resolved resolve(const Inventory& inv, const Endpoint& e, Family f) {
  if (e.kind == EndpointKind::interface) {
    for (const Interface& x : inv.interfaces) {
      if (x.id == e.id) return resolve_interface(&x, f);
    }
    return resolve_interface(nullptr, f);
  }
  if (e.kind == EndpointKind::instance) {
    for (const Interface& x : inv.interfaces) {
      if (x.instance_id == e.id) return resolve_interface(&x, f);
    }
    return resolve_interface(nullptr, f);
  }
  Resolved r;
  r.address = Address{e.cidr.family, e.cidr.base};
  // A private address wins over a public one; among interfaces, the lowest id (the vector's order).
  for (const Interface& x : inv.interfaces) {
    if (std::find(x.private_ips.begin(), x.private_ips.end(), r.address) != x.private_ips.end()) {
      r.iface = &x;
      return r;
    }
  }
  for (const Interface& x : inv.interfaces) {
    if (std::find(x.public_ips.begin(), x.public_ips.end(), r.address) != x.public_ips.end()) {
      r.iface = &x;
      r.via_public = true;
      return r;
    }
  }
  // No interface's own address: an address in an interface's delegated prefix is that interface
  // (§2.3: delegated prefixes are included in reference membership); the lowest one, as above.
  for (const Interface& x : inv.interfaces) {
    for (const Cidr& prefix : x.delegated_prefixes) {
      if (prefix.contains(r.address)) {
        r.iface = &x;
        return r;
      }
    }
  }
  return r;
}

// What the other side sees: over a translated path an interface shows its public address.
Address seen(const Resolved& r, Family f, bool translated) {
  if (r.iface == nullptr || !translated || r.via_public) return r.address;
  for (const Address& a : r.iface->public_ips) {
    if (a.family == f) return a;
  }
  return r.address;
}

Family family_of(const Flow& flow) {
  for (const Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->kind == EndpointKind::address || e->kind == EndpointKind::cidr) return e->cidr.family;
  }
  return flow.service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
}

}  // namespace

Verdict reference_verdict(const Inventory& inv, const Flow& flow) {
  const Family f = family_of(flow);
  const Resolved src = resolve(inv, flow.source, f);
  const Resolved dst = resolve(inv, flow.destination, f);
  if (src.problem || dst.problem) return Verdict::unknown;
  const Packet p{flow.service.protocol, flow.service.ports.from, flow.service.icmp.type,
                 flow.service.icmp.code, f};
  const bool translated = src.via_public || dst.via_public;
  if (src.iface == nullptr && dst.iface == nullptr) return Verdict::unknown;
  bool maybe = false;
  if (src.iface != nullptr) {
    const Ans a = side(inv, *src.iface, Direction::egress, p, seen(dst, f, translated), dst.iface,
                       translated);
    if (a == Ans::no) return Verdict::deny;
    maybe = maybe || a == Ans::maybe;
  }
  if (dst.iface != nullptr) {
    const Ans a = side(inv, *dst.iface, Direction::ingress, p, seen(src, f, translated), src.iface,
                       translated);
    if (a == Ans::no) return Verdict::deny;
    maybe = maybe || a == Ans::maybe;
  }
  return maybe ? Verdict::unknown : Verdict::allow;
}

}  // namespace sgcheck::testing
