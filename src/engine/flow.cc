// Flow expressions: parse_flow() runs the PEGTL grammar of flow_grammar.h with actions that
// validate numbers and addresses through the X3 value parsers, and turns every failure into one
// Diagnostic with line:col and the source line. Also the canonical text of endpoints, services and
// flows.
#include <string>

#include "engine/compiled.h"
#include "engine/flow_grammar.h"
#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

namespace pegtl = tao::pegtl;
namespace fg = flow_grammar;
using detail::append_number;

struct FlowState {
  Flow flow;
  Endpoint pending;  // the endpoint being read; moved to source or destination when complete
};

// A value error of the X3 parsers, raised at the byte it points to inside the token.
template <typename Input>
[[noreturn]] void raise_value_error(const Input& in, const ValueError& error,
                                    const std::string& what) {
  pegtl::position pos = in.position();
  pos.byte += error.offset;
  pos.column += error.offset;
  throw pegtl::parse_error("invalid " + what + ": " + error.message(), pos);
}

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <>
struct action<fg::kw_tcp> {
  static void apply0(FlowState& st) { st.flow.service.protocol = kTcp; }
};
template <>
struct action<fg::kw_udp> {
  static void apply0(FlowState& st) { st.flow.service.protocol = kUdp; }
};
template <>
struct action<fg::kw_icmp> {
  static void apply0(FlowState& st) { st.flow.service.protocol = kIcmp; }
};
template <>
struct action<fg::kw_icmpv6> {
  static void apply0(FlowState& st) { st.flow.service.protocol = kIcmpv6; }
};
template <>
struct action<fg::all_service> {
  static void apply0(FlowState& st) { st.flow.service.protocol = kAllProtocols; }
};

template <>
struct action<fg::port_text> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    ValueResult<PortRange> ports = parse_port_range(in.string_view());
    if (!ports) raise_value_error(in, ports.error, "port range");
    st.flow.service.ports = *ports;
  }
};

template <>
struct action<fg::icmp_text> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    ValueResult<IcmpTypeCode> icmp = parse_icmp(in.string_view());
    if (!icmp) raise_value_error(in, icmp.error, "ICMP type:code");
    st.flow.service.icmp = *icmp;
  }
};

template <>
struct action<fg::proto_number> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    ValueResult<int> protocol = parse_protocol(in.string_view());
    if (!protocol) raise_value_error(in, protocol.error, "protocol number");
    // proto/6 is tcp/0-65535, proto/1 is icmp: names and numbers are the same protocol.
    st.flow.service.protocol = *protocol;
  }
};

template <EndpointKind Kind>
struct id_action {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.pending.kind = Kind;
    st.pending.id = in.string();
  }
};
template <>
struct action<fg::interface_id> : id_action<EndpointKind::interface> {};
template <>
struct action<fg::instance_id> : id_action<EndpointKind::instance> {};
template <>
struct action<fg::group_id> : id_action<EndpointKind::group> {};

template <>
struct action<fg::group_name> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.pending.kind = EndpointKind::group;
    st.pending.id = in.string();
    st.pending.name = st.pending.id;
  }
};

template <>
struct action<fg::qualified_group_name> : action<fg::group_name> {};

template <>
struct action<fg::internet> {
  static void apply0(FlowState& st) { st.pending.kind = EndpointKind::internet; }
};

template <>
struct action<fg::address_text> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    const std::string_view text = in.string_view();
    ValueResult<Cidr> cidr = parse_cidr(text);
    if (!cidr) raise_value_error(in, cidr.error, "address or CIDR");
    const bool is_host = text.find('/') == std::string_view::npos;
    st.pending.kind = is_host ? EndpointKind::address : EndpointKind::cidr;
    st.pending.cidr = *cidr;
  }
};

template <typename Input>
std::uint32_t column_of(const Input& in) {
  return static_cast<std::uint32_t>(in.position().column);
}

template <>
struct action<fg::source> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.flow.source = std::move(st.pending);
    st.flow.source.column = column_of(in);
    st.pending = Endpoint{};
  }
};
template <>
struct action<fg::destination> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.flow.destination = std::move(st.pending);
    st.flow.destination.column = column_of(in);
    st.pending = Endpoint{};
  }
};

bool has_family(const Endpoint& e) {
  return e.kind == EndpointKind::address || e.kind == EndpointKind::cidr;
}

// Checks that need the whole flow: one address family, and ICMP of the matching family. Returns the
// message and the column it points at, or an empty message.
std::pair<std::string, std::uint32_t> check_families(const Flow& flow) {
  const Endpoint& src = flow.source;
  const Endpoint& dst = flow.destination;
  if (has_family(src) && has_family(dst) && src.cidr.family != dst.cidr.family) {
    return {"the destination's address family differs from the source's (IPv4 and IPv6 never mix)",
            dst.column};
  }
  for (const Endpoint* e : {&src, &dst}) {
    if (!has_family(*e)) continue;
    if (flow.service.protocol == kIcmp && e->cidr.family == Family::ipv6) {
      return {"icmp is IPv4 only; use icmpv6 with IPv6 addresses", e->column};
    }
    if (flow.service.protocol == kIcmpv6 && e->cidr.family == Family::ipv4) {
      return {"icmpv6 is IPv6 only; use icmp with IPv4 addresses", e->column};
    }
  }
  return {};
}

Diagnostic make_error(std::string message, std::string_view text, std::string_view file,
                      std::uint32_t line, std::uint32_t column) {
  Diagnostic d;
  d.severity = Severity::error;
  d.message = std::move(message);
  d.location = Location{std::string(file), line, column};
  d.source_line = std::string(text);
  return d;
}

}  // namespace

FlowParseResult parse_flow(std::string_view text, std::string_view file, std::uint32_t line) {
  FlowParseResult result;
  // The flow is one line: anything after a newline is reported as trailing text.
  pegtl::memory_input in(text.data(), text.data() + text.size(), std::string(file), 0, line, 1);
  FlowState state;
  try {
    pegtl::parse<fg::flow, action, fg::control>(in, state);
  } catch (const pegtl::parse_error& e) {
    const pegtl::position& p = e.positions().front();
    result.error =
        make_error(std::string(e.message()), line_at(text, p.byte), file,
                   static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column));
    return result;
  }
  auto [message, column] = check_families(state.flow);
  if (!message.empty()) {
    result.error = make_error(std::move(message), text, file, line, column);
    return result;
  }
  result.flow = std::move(state.flow);
  return result;
}

std::string Endpoint::to_string() const {
  switch (kind) {
    case EndpointKind::address:
      return sgcheck::to_string(Address{cidr.family, cidr.base});
    case EndpointKind::cidr:
      return sgcheck::to_string(cidr);
    case EndpointKind::internet:
      return "internet";
    case EndpointKind::interface:
    case EndpointKind::instance:
      return id;
    case EndpointKind::group:
      return name.empty() ? id : name;
  }
  return id;
}

namespace {

// The id of the group `name` names, or an error message.
std::string resolve_group_name(const Inventory& inv, const std::string& name, std::string& id) {
  if (inv.find_group(name) != nullptr) {
    id = name;
    return {};
  }
  std::vector<const Group*> by_template, by_name;
  for (const Group& g : inv.groups) {
    if (names_template_group(inv, g, name)) by_template.push_back(&g);
    if (g.name == name) by_name.push_back(&g);
  }
  const std::vector<const Group*>& hits = by_template.empty() ? by_name : by_template;
  if (hits.size() == 1) {
    id = hits.front()->id;
    return {};
  }
  if (hits.empty()) {
    return "no security group of the inventory is named " + name +
           " (expected a group id, a template's logical id or resource address, or a group name)";
  }
  std::string ids;
  for (const Group* g : hits) ids += (ids.empty() ? "" : ", ") + g->id;
  return name + " names several security groups (" + ids + "): use one of these";
}

}  // namespace

std::optional<Diagnostic> resolve_flow_names(Flow& flow, const Inventory& inventory,
                                             std::string_view text, std::string_view file,
                                             std::uint32_t line) {
  for (Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->kind != EndpointKind::group || e->name.empty()) continue;
    std::string message = resolve_group_name(inventory, e->name, e->id);
    if (!message.empty()) return make_error(std::move(message), text, file, line, e->column);
  }
  return std::nullopt;
}

std::string Service::to_string() const {
  auto icmp_text = [this](const char* name) {
    std::string out = name;
    if (icmp.type == -1 && icmp.code == -1) return out;
    append_number(out, '/', icmp.type);
    if (icmp.code != -1) append_number(out, ':', icmp.code);
    return out;
  };
  auto ports_text = [this](const char* name) {
    std::string out = std::string(name) + "/" + std::to_string(ports.from);
    if (ports.to != ports.from) append_number(out, '-', ports.to);
    return out;
  };
  switch (protocol) {
    case kAllProtocols:
      return "all";
    case kTcp:
      return ports_text("tcp");
    case kUdp:
      return ports_text("udp");
    case kIcmp:
      return icmp_text("icmp");
    case kIcmpv6:
      return icmp_text("icmpv6");
    default:
      return "proto/" + std::to_string(protocol);
  }
}

bool Service::is_point() const {
  if (protocol == kAllProtocols) return false;
  if (protocol == kTcp || protocol == kUdp) return ports.from == ports.to;
  if (protocol == kIcmp || protocol == kIcmpv6) return icmp.type != -1 && icmp.code != -1;
  return true;
}

std::string Flow::to_string() const {
  return service.to_string() + " from " + source.to_string() + " to " + destination.to_string();
}

static bool is_single(const Endpoint& e) {
  return e.kind == EndpointKind::address || e.kind == EndpointKind::interface ||
         e.kind == EndpointKind::instance;
}

bool Flow::is_point() const {
  return service.is_point() && is_single(source) && is_single(destination);
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::allow:
      return "allow";
    case Verdict::deny:
      return "deny";
    case Verdict::unknown:
      return "unknown";
    case Verdict::partial:
      return "partial";
    case Verdict::not_applicable:
      return "not-applicable";
  }
  return "unknown";
}

}  // namespace sgcheck
