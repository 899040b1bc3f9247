// `sgcheck dump`: the normalised inventory as deterministic text (one line per element), as the
// JSON of product.md §4, or as counts and timings. Entry points: dump_text(), dump_json(),
// dump_stats(). Rules are printed in canonical order, so two inputs that differ only in order dump
// the same.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using nlohmann::ordered_json;

std::string quoted(const std::string& text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string join(const std::vector<std::string>& parts, const char* separator = ",") {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

template <typename T>
std::vector<std::string> to_strings(const std::vector<T>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const T& value : values) out.push_back(to_string(value));
  return out;
}

// The peer as the canonical value; an invalid CIDR as the input wrote it.
std::string peer_value(const Peer& peer) {
  switch (peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return peer.id.empty() ? to_string(peer.cidr) : peer.id;
    case PeerKind::prefix_list:
    case PeerKind::group:
      return peer.id;
  }
  return {};
}

// The peer in text output: an invalid CIDR is quoted so that it never reads as a valid one.
std::string peer_text(const Peer& peer) {
  const bool invalid_cidr =
      peer.kind != PeerKind::group && peer.kind != PeerKind::prefix_list && !peer.id.empty();
  return invalid_cidr ? quoted(peer.id) : peer_value(peer);
}

// An open protocol or port as the input wrote it, like an unresolved peer: unresolved(Ref X).
std::string unresolved_text(const std::string& expression) {
  return "unresolved(" + expression + ")";
}

// The canonical order of rules within a group: what they allow first, then ids.
bool rule_less(const Rule& a, const Rule& b) {
  const auto key = [](const Rule& r) {
    const auto ports = normalised_ports(r).value_or(std::pair<int, int>{-2, -2});
    return std::tuple(r.direction, r.protocol, ports.first, ports.second, r.peer.kind,
                      r.peer.cidr.base, r.peer.cidr.prefix, r.peer.id, r.id, r.description,
                      std::string_view(r.unresolved().condition));
  };
  return key(a) < key(b);
}

std::vector<const Rule*> sorted_rules(const Group& group) {
  std::vector<const Rule*> rules;
  rules.reserve(group.rules.size());
  for (const Rule& rule : group.rules) rules.push_back(&rule);
  std::stable_sort(rules.begin(), rules.end(),
                   [](const Rule* a, const Rule* b) { return rule_less(*a, *b); });
  return rules;
}

std::string rule_line(const Inventory& inv, const Group& group, const Rule& rule) {
  std::string line =
      "rule " + group.id + " " + direction_name(rule.direction) + " " + service_notation(rule) +
      (rule.direction == Direction::ingress ? " from " : " to ") + peer_text(rule.peer);
  if (rule.peer.kind == PeerKind::group) {
    if (!rule.peer.vpc_id().empty()) line += " vpc=" + rule.peer.vpc_id();
    if (!rule.peer.peering_id().empty()) line += " peering=" + rule.peer.peering_id();
    if (!rule.peer.peering_status().empty())
      line += " peering-status=" + rule.peer.peering_status();
  }
  if (!rule.id.empty()) line += " id=" + rule.id;
  if (!rule.description.empty()) line += " description=" + quoted(rule.description);
  // A template condition the inputs do not decide: the rule may not exist (docs/iac.md).
  if (rule_conditional(rule)) line += " condition=" + quoted(rule.unresolved().condition);
  if (!rule.valid) line += " invalid";
  return line + " at " + inv.location(rule.location).to_string() + "\n";
}

// " origin=cloudformation template=AppSG" for a template group; nothing for describe output, so
// the dump of AWS CLI input stays as it was.
const char* origin_name(GroupOrigin origin) {
  switch (origin) {
    case GroupOrigin::aws_api:
      return "aws-api";
    case GroupOrigin::cloudformation:
      return "cloudformation";
    case GroupOrigin::terraform:
      return "terraform";
  }
  return "aws-api";
}

std::string origin_text(const Group& group) {
  if (group.origin == GroupOrigin::aws_api) return {};
  std::string out = std::string(" origin=") + origin_name(group.origin);
  if (!group.template_name.empty()) out += " template=" + group.template_name;
  if (group.template_without_egress) out += " template-without-egress";
  return out;
}

std::string group_line(const Inventory& inv, const Group& group) {
  std::string line = "group " + group.id;
  if (!group.name.empty()) line += " name=" + quoted(group.name);
  if (!group.vpc_id.empty()) line += " vpc=" + group.vpc_id;
  if (!group.owner_id.empty()) line += " owner=" + group.owner_id;
  if (group.from_rules_only) line += " from-rules-only";
  line += origin_text(group);
  line += " rules=" + std::to_string(group.rules.size());
  return line + " at " + inv.location(group.location).to_string() + "\n";
}

std::string interface_line(const Inventory& inv, const Interface& eni) {
  std::string line = "interface " + eni.id;
  if (!eni.vpc_id.empty()) line += " vpc=" + eni.vpc_id;
  if (!eni.subnet_id.empty()) line += " subnet=" + eni.subnet_id;
  if (!eni.instance_id.empty()) line += " instance=" + eni.instance_id;
  line += " groups=" + join(eni.groups);
  line += " private=" + join(to_strings(eni.private_ips));
  if (!eni.delegated_prefixes.empty())
    line += " prefixes=" + join(to_strings(eni.delegated_prefixes));
  if (!eni.public_ips.empty()) line += " public=" + join(to_strings(eni.public_ips));
  return line + " at " + inv.location(eni.location).to_string() + "\n";
}

std::string prefix_list_line(const Inventory& inv, const PrefixList& list) {
  std::string line = "prefix-list " + list.id;
  if (!list.name.empty()) line += " name=" + quoted(list.name);
  if (list.family) line += list.family == Family::ipv4 ? " family=IPv4" : " family=IPv6";
  if (list.max_entries) line += " max-entries=" + std::to_string(*list.max_entries);
  line += list.entries_known ? " entries=" + join(to_strings(list.entries)) : " entries=unknown";
  return line + " at " + inv.location(list.location).to_string() + "\n";
}

std::string vpc_line(const Inventory& inv, const Vpc& vpc) {
  std::string line = "vpc " + vpc.id + " cidrs=" + join(to_strings(vpc.cidrs));
  if (vpc.is_default) line += " default";
  return line + " at " + inv.location(vpc.location).to_string() + "\n";
}

std::string peering_line(const Inventory& inv, const Peering& p) {
  return "peering " + p.id + " " + p.requester_vpc + " " + p.accepter_vpc +
         " status=" + (p.status.empty() ? "unknown" : p.status) + " at " +
         inv.location(p.location).to_string() + "\n";
}

std::string diagnostic_line(const Diagnostic& d) {
  std::string line = "diagnostic " + d.location.to_string() + " " + severity_name(d.severity);
  if (!d.check.empty()) line += " " + d.check;
  return line + " " + d.message + "\n";
}

ordered_json json_or_null(const std::string& text) {
  return text.empty() ? ordered_json(nullptr) : ordered_json(text);
}

// `from_template`: the rule of a template group, whose JSON also says under which undecided
// template condition it exists ("condition", null for none); describe output keeps its shape.
ordered_json rule_json(const Inventory& inv, const Rule& rule, bool from_template) {
  ordered_json j;
  j["direction"] = direction_name(rule.direction);
  j["protocol"] = std::to_string(rule.protocol);
  const auto ports = normalised_ports(rule);
  j["from"] = ports ? ordered_json(ports->first) : ordered_json(nullptr);
  j["to"] = ports ? ordered_json(ports->second) : ordered_json(nullptr);
  if (service_unresolved(rule)) {
    // Open values as the input wrote them, where a number would stand (docs/iac.md).
    if (!rule.unresolved().protocol.empty()) {  // the ports as written: they may matter
      j["protocol"] = unresolved_text(rule.unresolved().protocol);
      j["from"] = rule.from_port ? ordered_json(*rule.from_port) : ordered_json(nullptr);
      j["to"] = rule.to_port ? ordered_json(*rule.to_port) : ordered_json(nullptr);
    }
    if (!rule.unresolved().from_port.empty())
      j["from"] = unresolved_text(rule.unresolved().from_port);
    if (!rule.unresolved().to_port.empty()) j["to"] = unresolved_text(rule.unresolved().to_port);
  }
  ordered_json peer{{"kind", peer_kind_name(rule.peer.kind)}, {"value", peer_value(rule.peer)}};
  if (rule.peer.kind == PeerKind::group) {
    if (!rule.peer.vpc_id().empty()) peer["vpc"] = rule.peer.vpc_id();
    if (!rule.peer.peering_id().empty()) peer["peering"] = rule.peer.peering_id();
    if (!rule.peer.peering_status().empty()) peer["peering_status"] = rule.peer.peering_status();
  }
  j["peer"] = std::move(peer);
  j["id"] = json_or_null(rule.id);
  j["description"] = json_or_null(rule.description);
  if (from_template) j["condition"] = json_or_null(rule.unresolved().condition);
  j["valid"] = rule.valid;
  j["location"] = inv.location(rule.location).to_string();
  return j;
}

ordered_json group_json(const Inventory& inv, const Group& group) {
  ordered_json rules = ordered_json::array();
  const bool from_template = group.origin != GroupOrigin::aws_api;
  for (const Rule* rule : sorted_rules(group))
    rules.push_back(rule_json(inv, *rule, from_template));
  ordered_json j = {{"id", group.id},
                    {"name", json_or_null(group.name)},
                    {"vpc", json_or_null(group.vpc_id)},
                    {"description", json_or_null(group.description)},
                    {"location", inv.location(group.location).to_string()}};
  if (group.origin != GroupOrigin::aws_api) {  // describe output keeps its shape
    j["origin"] = origin_name(group.origin);
    j["template"] = json_or_null(group.template_name);
    // A template or plan is its own namespace: the file and the logical id (or resource address)
    // within it; `id` is "FILE#LogicalId" when another file defines the same logical id.
    j["file"] = inv.location(group.location).file;
    j["logical_id"] = json_or_null(group.template_name);
    j["template_without_egress"] = group.template_without_egress;
  }
  j["rules"] = std::move(rules);
  return j;
}

ordered_json interface_json(const Inventory& inv, const Interface& eni) {
  return {{"id", eni.id},
          {"vpc", json_or_null(eni.vpc_id)},
          {"subnet", json_or_null(eni.subnet_id)},
          {"instance", json_or_null(eni.instance_id)},
          {"groups", eni.groups},
          {"private", to_strings(eni.private_ips)},
          {"prefixes", to_strings(eni.delegated_prefixes)},
          {"public", to_strings(eni.public_ips)},
          {"location", inv.location(eni.location).to_string()}};
}

ordered_json prefix_list_json(const Inventory& inv, const PrefixList& list) {
  ordered_json family = nullptr;
  if (list.family) family = *list.family == Family::ipv4 ? "IPv4" : "IPv6";
  return {
      {"id", list.id},
      {"name", json_or_null(list.name)},
      {"family", family},
      {"max_entries", list.max_entries ? ordered_json(*list.max_entries) : ordered_json(nullptr)},
      {"entries",
       list.entries_known ? ordered_json(to_strings(list.entries)) : ordered_json(nullptr)},
      {"location", inv.location(list.location).to_string()}};
}

}  // namespace

std::string dump_text(const Inventory& inv) {
  std::string out;
  for (const Group& group : inv.groups) {
    out += group_line(inv, group);
    for (const Rule* rule : sorted_rules(group)) out += rule_line(inv, group, *rule);
  }
  for (const Interface& eni : inv.interfaces) out += interface_line(inv, eni);
  for (const PrefixList& list : inv.prefix_lists) out += prefix_list_line(inv, list);
  for (const Vpc& vpc : inv.vpcs) out += vpc_line(inv, vpc);
  for (const Peering& peering : inv.peerings) out += peering_line(inv, peering);
  for (const Diagnostic& d : inv.diagnostics) out += diagnostic_line(d);
  return out;
}

std::string dump_json(const Inventory& inv) {
  ordered_json root;
  root["groups"] = ordered_json::array();
  for (const Group& group : inv.groups) root["groups"].push_back(group_json(inv, group));
  root["interfaces"] = ordered_json::array();
  for (const Interface& eni : inv.interfaces)
    root["interfaces"].push_back(interface_json(inv, eni));
  root["prefix_lists"] = ordered_json::array();
  for (const PrefixList& list : inv.prefix_lists) {
    root["prefix_lists"].push_back(prefix_list_json(inv, list));
  }
  root["vpcs"] = ordered_json::array();
  for (const Vpc& vpc : inv.vpcs) {
    root["vpcs"].push_back({{"id", vpc.id},
                            {"cidrs", to_strings(vpc.cidrs)},
                            {"default", vpc.is_default},
                            {"location", inv.location(vpc.location).to_string()}});
  }
  root["peerings"] = ordered_json::array();
  for (const Peering& p : inv.peerings) {
    root["peerings"].push_back({{"id", p.id},
                                {"requester_vpc", p.requester_vpc},
                                {"accepter_vpc", p.accepter_vpc},
                                {"status", json_or_null(p.status)},
                                {"location", inv.location(p.location).to_string()}});
  }
  root["diagnostics"] = ordered_json::array();
  for (const Diagnostic& d : inv.diagnostics) {
    root["diagnostics"].push_back({{"severity", severity_name(d.severity)},
                                   {"check", json_or_null(d.check)},
                                   {"message", d.message},
                                   {"location", d.location.to_string()}});
  }
  return root.dump(2) + "\n";
}

std::string dump_stats(const Inventory& inv, const LoadStats& stats) {
  const auto row = [](const char* name, const std::string& value) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%-14s %s\n", name, value.c_str());
    return std::string(buffer);
  };
  const auto ms = [](double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f ms", seconds * 1000.0);
    return std::string(buffer);
  };
  std::string out;
  out += row("files", std::to_string(stats.files));
  out += row("bytes", std::to_string(stats.bytes));
  out += row("groups", std::to_string(inv.groups.size()));
  out += row("rules", std::to_string(inv.rule_count()));
  out += row("interfaces", std::to_string(inv.interfaces.size()));
  out += row("prefix-lists", std::to_string(inv.prefix_lists.size()));
  out += row("vpcs", std::to_string(inv.vpcs.size()));
  out += row("peerings", std::to_string(inv.peerings.size()));
  out += row("diagnostics", std::to_string(inv.diagnostics.size()));
  out += row("read", ms(stats.read_seconds));
  out += row("parse", ms(stats.parse_seconds));
  out += row("merge", ms(stats.merge_seconds));
  out += row("total", ms(stats.read_seconds + stats.parse_seconds + stats.merge_seconds));
  return out;
}

}  // namespace sgcheck
