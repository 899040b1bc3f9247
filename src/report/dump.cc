// `sgcheck dump`: the normalised inventory as deterministic text (one line per element), as the
// JSON of product.md §4, or as counts and timings. Entry points: dump_text(), dump_json(),
// dump_stats(). Rules are printed in canonical order, so two inputs that differ only in order dump
// the same.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>

#include "atoms/text.h"
#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using detail::join;

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}
// (Beside std::quoted, which argument-dependent lookup finds for a std::string.)
std::string quoted(const std::string& text) {
  return quoted(std::string_view(text));
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
      return peer.id.empty() ? to_string(peer.cidr) : peer.id.str();
    case PeerKind::prefix_list:
    case PeerKind::group:
      return peer.id.str();
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
std::string unresolved_text(std::string_view expression) {
  return "unresolved(" + std::string(expression) + ")";
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
  line += " groups=" + join(eni.groups, ",");
  line += " private=" + join(to_strings(eni.private_ips), ",");
  if (!eni.delegated_prefixes.empty())
    line += " prefixes=" + join(to_strings(eni.delegated_prefixes), ",");
  if (!eni.public_ips.empty()) line += " public=" + join(to_strings(eni.public_ips), ",");
  return line + " at " + inv.location(eni.location).to_string() + "\n";
}

std::string prefix_list_line(const Inventory& inv, const PrefixList& list) {
  std::string line = "prefix-list " + list.id;
  if (!list.name.empty()) line += " name=" + quoted(list.name);
  if (list.family) line += list.family == Family::ipv4 ? " family=IPv4" : " family=IPv6";
  if (list.max_entries) line += " max-entries=" + std::to_string(*list.max_entries);
  line +=
      list.entries_known ? " entries=" + join(to_strings(list.entries), ",") : " entries=unknown";
  return line + " at " + inv.location(list.location).to_string() + "\n";
}

std::string vpc_line(const Inventory& inv, const Vpc& vpc) {
  std::string line = "vpc " + vpc.id + " cidrs=" + join(to_strings(vpc.cidrs), ",");
  if (vpc.is_default) line += " default";
  return line + " at " + inv.location(vpc.location).to_string() + "\n";
}

std::string peering_line(const Inventory& inv, const Peering& p) {
  return "peering " + p.id + " " + p.requester_vpc + " " + p.accepter_vpc +
         " status=" + (p.status.empty() ? std::string("unknown") : p.status.str()) + " at " +
         inv.location(p.location).to_string() + "\n";
}

std::string diagnostic_line(const Diagnostic& d) {
  std::string line = "diagnostic " + d.location.to_string() + " " + severity_name(d.severity);
  if (!d.check.empty()) line += " " + d.check;
  return line + " " + d.message + "\n";
}

// A port: the expression the input wrote when it is open (docs/iac.md), else the number, or null.
void write_port(JsonWriter& json, std::string_view name, std::string_view open,
                std::optional<std::int32_t> port) {
  json.key(name);
  if (!open.empty()) {
    json.string(unresolved_text(open));
  } else if (port) {
    json.number(*port);
  } else {
    json.null();
  }
}

// `from_template`: the rule of a template group, whose JSON also says under which undecided
// template condition it exists ("condition", null for none); describe output keeps its shape.
void write_rule(JsonWriter& json, const Inventory& inv, const Rule& rule, bool from_template) {
  json.begin_object();
  json.field("direction", direction_name(rule.direction));
  // Open values as the input wrote them, where a number would stand (docs/iac.md); with an open
  // protocol, the ports as written (they may matter) rather than normalised ones.
  const UnresolvedService& open = rule.unresolved();
  const bool unresolved = service_unresolved(rule);
  const bool open_protocol = unresolved && !open.protocol.empty();
  json.field("protocol",
             open_protocol ? unresolved_text(open.protocol) : std::to_string(rule.protocol));
  std::optional<std::int32_t> from = rule.from_port, to = rule.to_port;
  if (!open_protocol) {
    const auto ports = normalised_ports(rule);
    from = ports ? std::optional<std::int32_t>(ports->first) : std::nullopt;
    to = ports ? std::optional<std::int32_t>(ports->second) : std::nullopt;
  }
  write_port(json, "from", unresolved ? std::string_view(open.from_port) : std::string_view(),
             from);
  write_port(json, "to", unresolved ? std::string_view(open.to_port) : std::string_view(), to);
  json.key("peer");
  json.begin_object();
  json.field("kind", peer_kind_name(rule.peer.kind));
  json.field("value", peer_value(rule.peer));
  if (rule.peer.kind == PeerKind::group) {
    if (!rule.peer.vpc_id().empty()) json.field("vpc", rule.peer.vpc_id());
    if (!rule.peer.peering_id().empty()) json.field("peering", rule.peer.peering_id());
    if (!rule.peer.peering_status().empty())
      json.field("peering_status", rule.peer.peering_status());
  }
  json.end_object();
  json.field_or_null("id", rule.id);
  json.field_or_null("description", rule.description);
  if (from_template) json.field_or_null("condition", open.condition);
  json.field("valid", rule.valid);
  json.field("location", inv.location(rule.location).to_string());
  json.end_object();
}

void write_group(JsonWriter& json, const Inventory& inv, const Group& group) {
  json.begin_object();
  json.field("id", group.id);
  json.field_or_null("name", group.name);
  json.field_or_null("vpc", group.vpc_id);
  json.field_or_null("description", group.description);
  json.field("location", inv.location(group.location).to_string());
  const bool from_template = group.origin != GroupOrigin::aws_api;
  if (from_template) {  // describe output keeps its shape
    json.field("origin", origin_name(group.origin));
    json.field_or_null("template", group.template_name);
    // A template or plan is its own namespace: the file and the logical id (or resource address)
    // within it; `id` is "FILE#LogicalId" when another file defines the same logical id.
    json.field("file", inv.location(group.location).file);
    json.field_or_null("logical_id", group.template_name);
    json.field("template_without_egress", group.template_without_egress);
  }
  json.key("rules");
  json.begin_array();
  for (const Rule* rule : sorted_rules(group)) write_rule(json, inv, *rule, from_template);
  json.end_array();
  json.end_object();
}

void write_interface(JsonWriter& json, const Inventory& inv, const Interface& eni) {
  json.begin_object();
  json.field("id", eni.id);
  json.field_or_null("vpc", eni.vpc_id);
  json.field_or_null("subnet", eni.subnet_id);
  json.field_or_null("instance", eni.instance_id);
  json.field("groups", eni.groups);
  json.field("private", to_strings(eni.private_ips));
  json.field("prefixes", to_strings(eni.delegated_prefixes));
  json.field("public", to_strings(eni.public_ips));
  json.field("location", inv.location(eni.location).to_string());
  json.end_object();
}

void write_prefix_list(JsonWriter& json, const Inventory& inv, const PrefixList& list) {
  json.begin_object();
  json.field("id", list.id);
  json.field_or_null("name", list.name);
  json.key("family");
  if (list.family) {
    json.string(*list.family == Family::ipv4 ? "IPv4" : "IPv6");
  } else {
    json.null();
  }
  json.key("max_entries");
  if (list.max_entries) {
    json.number(*list.max_entries);
  } else {
    json.null();
  }
  json.key("entries");
  if (list.entries_known) {
    json.strings(to_strings(list.entries));
  } else {
    json.null();
  }
  json.field("location", inv.location(list.location).to_string());
  json.end_object();
}

void write_vpc(JsonWriter& json, const Inventory& inv, const Vpc& vpc) {
  json.begin_object();
  json.field("id", vpc.id);
  json.field("cidrs", to_strings(vpc.cidrs));
  json.field("default", vpc.is_default);
  json.field("location", inv.location(vpc.location).to_string());
  json.end_object();
}

void write_peering(JsonWriter& json, const Inventory& inv, const Peering& p) {
  json.begin_object();
  json.field("id", p.id);
  json.field("requester_vpc", p.requester_vpc);
  json.field("accepter_vpc", p.accepter_vpc);
  json.field_or_null("status", p.status);
  json.field("location", inv.location(p.location).to_string());
  json.end_object();
}

void write_diagnostic(JsonWriter& json, const Diagnostic& d) {
  json.begin_object();
  json.field("severity", severity_name(d.severity));
  json.field_or_null("check", d.check);
  json.field("message", d.message);
  json.field("location", d.location.to_string());
  json.end_object();
}

// "key": [...], each element written by `write`.
template <class T, class Write>
void write_array(JsonWriter& json, std::string_view name, const std::vector<T>& items,
                 Write&& write) {
  json.key(name);
  json.begin_array();
  for (const T& item : items) write(item);
  json.end_array();
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
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  write_array(json, "groups", inv.groups, [&](const Group& g) { write_group(json, inv, g); });
  write_array(json, "interfaces", inv.interfaces,
              [&](const Interface& eni) { write_interface(json, inv, eni); });
  write_array(json, "prefix_lists", inv.prefix_lists,
              [&](const PrefixList& list) { write_prefix_list(json, inv, list); });
  write_array(json, "vpcs", inv.vpcs, [&](const Vpc& vpc) { write_vpc(json, inv, vpc); });
  write_array(json, "peerings", inv.peerings,
              [&](const Peering& p) { write_peering(json, inv, p); });
  write_array(json, "diagnostics", inv.diagnostics,
              [&](const Diagnostic& d) { write_diagnostic(json, d); });
  json.end_object();
  json.finish();
  return out;
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
