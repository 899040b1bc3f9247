// Building Inventory values in code for engine tests (no ingest needed): rules, groups, interfaces,
// prefix lists, and finish() which sorts the vectors as load_inventory() guarantees.
// Entry points: cidr_rule(), ref_rule(), pl_rule(), group(), iface(), finish().
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/values.h"

namespace sgcheck::testing {

inline Address addr(const std::string& text) {
  return *parse_address(text);
}
inline Cidr cidr(const std::string& text) {
  return *parse_cidr(text);
}

inline Rule base_rule(Direction d, int protocol, std::optional<int> from, std::optional<int> to) {
  Rule r;
  r.direction = d;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  return r;
}

inline Rule cidr_rule(Direction d, int protocol, std::optional<int> from, std::optional<int> to,
                      const std::string& block, const std::string& id = "") {
  Rule r = base_rule(d, protocol, from, to);
  r.peer.cidr = cidr(block);
  r.peer.kind = r.peer.cidr.family == Family::ipv4 ? PeerKind::cidr4 : PeerKind::cidr6;
  r.id = id;
  return r;
}

inline Rule ref_rule(Direction d, int protocol, std::optional<int> from, std::optional<int> to,
                     const std::string& group_id, const std::string& id = "") {
  Rule r = base_rule(d, protocol, from, to);
  r.peer.kind = PeerKind::group;
  r.peer.id = group_id;
  r.id = id;
  return r;
}

inline Rule pl_rule(Direction d, int protocol, std::optional<int> from, std::optional<int> to,
                    const std::string& pl_id) {
  Rule r = base_rule(d, protocol, from, to);
  r.peer.kind = PeerKind::prefix_list;
  r.peer.id = pl_id;
  return r;
}

inline Group group(const std::string& id, const std::string& vpc, std::vector<Rule> rules,
                   const std::string& name = "") {
  Group g;
  g.id = id;
  g.vpc_id = vpc;
  g.name = name;
  g.rules = std::move(rules);
  return g;
}

inline Interface iface(const std::string& id, const std::string& vpc,
                       std::vector<std::string> groups, std::vector<std::string> privates,
                       std::vector<std::string> publics = {}, const std::string& instance = "") {
  Interface x;
  x.id = id;
  x.vpc_id = vpc;
  x.groups.assign(groups.begin(), groups.end());
  for (const std::string& a : privates) x.private_ips.push_back(addr(a));
  for (const std::string& a : publics) x.public_ips.push_back(addr(a));
  x.instance_id = instance;
  return x;
}

inline PrefixList prefix_list(const std::string& id,
                              std::optional<std::vector<std::string>> entries,
                              std::optional<Family> family = std::nullopt) {
  PrefixList pl;
  pl.id = id;
  pl.family = family;
  pl.entries_known = entries.has_value();
  if (entries) {
    for (const std::string& e : *entries) pl.entries.push_back(cidr(e));
  }
  return pl;
}

inline Inventory finish(Inventory inv) {
  auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
  std::stable_sort(inv.groups.begin(), inv.groups.end(), by_id);
  std::stable_sort(inv.interfaces.begin(), inv.interfaces.end(), by_id);
  std::stable_sort(inv.prefix_lists.begin(), inv.prefix_lists.end(), by_id);
  std::stable_sort(inv.vpcs.begin(), inv.vpcs.end(), by_id);
  std::stable_sort(inv.peerings.begin(), inv.peerings.end(), by_id);
  if (inv.files.empty()) inv.files.push_back("test.json");
  return inv;
}

}  // namespace sgcheck::testing
