// Flow expressions: parse_flow() reads the common point flow on a fast path (point_flow.cc), any
// other text with the PEGTL grammar of flow_grammar.h, whose actions validate numbers and addresses
// with the X3 value parsers, every failure one Diagnostic with line:col and the source line;
// parse_endpoint(), parse_service() and parse_matrix_service() (one packet kind) run its parts
// alone. Also the canonical text of endpoints, services and flows.
#include <algorithm>
#include <string>

#include "atoms/text.h"
#include "engine/compiled.h"
#include "engine/flow_grammar.h"
#include "engine/point_flow.h"
#include "semantics/regions.h"
#include "sgcheck/engine.h"
#include "sgcheck/ranges.h"

namespace sgcheck {
namespace {

namespace pegtl = tao::pegtl;
namespace fg = flow_grammar;
using detail::append_number;

struct FlowState {
  Flow flow;
  Endpoint pending;  // the endpoint being read; moved to source or destination when complete
  // aws:SERVICE[@REGION] being read, and where its parts start (for the caret of an error).
  AwsEndpoint aws;
  std::optional<pegtl::position> aws_service_at;
  std::optional<pegtl::position> aws_region_at;
  // Warnings as (column, message), made into Diagnostics once the whole text is known.
  std::vector<std::pair<std::uint32_t, std::string>> warnings;
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
struct action<fg::internet4> {
  static void apply0(FlowState& st) {
    st.pending.kind = EndpointKind::internet;
    st.pending.internet_family = Family::ipv4;
  }
};
template <>
struct action<fg::internet6> {
  static void apply0(FlowState& st) {
    st.pending.kind = EndpointKind::internet;
    st.pending.internet_family = Family::ipv6;
  }
};
// The block is set by resolve_all_addresses() once the flow's family is known.
template <>
struct action<fg::all_addresses> {
  static void apply0(FlowState& st) {
    st.pending.kind = EndpointKind::cidr;
    st.pending.all_addresses = true;
  }
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
    // AWS stores such a block as its network, and so does a flow; the user learns which.
    if (cidr->had_host_bits) {
      st.warnings.emplace_back(
          static_cast<std::uint32_t>(in.position().column),
          cut_for_message(text) + " has host bits set; read as its network " + to_string(*cidr));
    }
  }
};

template <>
struct action<fg::aws_service_name> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.aws = AwsEndpoint{};
    st.aws.service = in.string();
    st.aws_service_at.emplace(in.position());
  }
};
template <>
struct action<fg::aws_region_name> {
  template <typename Input>
  static void apply(const Input& in, FlowState& st) {
    st.aws.region = in.string();
    st.aws_region_at.emplace(in.position());
  }
};
// The names are checked against the snapshot in use as soon as they are read.
template <>
struct action<fg::aws_range> {
  static void apply0(FlowState& st) {
    bool at_region = false;
    const std::string error =
        aws_name_error(aws_ranges(), AwsRangeName{st.aws.service, st.aws.region}, at_region);
    if (!error.empty())
      throw pegtl::parse_error(error, at_region ? *st.aws_region_at : *st.aws_service_at);
    st.pending.kind = EndpointKind::aws_range;
    st.pending.aws = std::make_shared<const AwsEndpoint>(std::move(st.aws));
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

// `all` stands for every address of the family the rest of the flow decides (IPv4 unless the
// other endpoint or the service is IPv6), as `internet` does.
void resolve_all_addresses(Flow& flow) {
  std::optional<Family> family;
  for (const Endpoint* e : {&flow.source, &flow.destination}) {
    if (!e->all_addresses && !family) family = e->family();
  }
  if (!family) family = flow.service.protocol == kIcmpv6 ? Family::ipv6 : Family::ipv4;
  for (Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->all_addresses) e->cidr = Cidr{0, *family, 0, false};
  }
}

// Checks that need the whole flow: one address family, and ICMP of the matching family. Returns the
// message and the column it points at, or an empty message.
std::pair<std::string, std::uint32_t> check_families(const Flow& flow) {
  const Endpoint& src = flow.source;
  const Endpoint& dst = flow.destination;
  if (src.family() && dst.family() && src.family() != dst.family()) {
    return {"the destination's address family differs from the source's (IPv4 and IPv6 never mix)",
            dst.column};
  }
  for (const Endpoint* e : {&src, &dst}) {
    if (!e->family()) continue;
    if (flow.service.protocol == kIcmp && e->family() == Family::ipv6) {
      return {"icmp is IPv4 only; use icmpv6 with IPv6 addresses", e->column};
    }
    if (flow.service.protocol == kIcmpv6 && e->family() == Family::ipv4) {
      return {"icmpv6 is IPv6 only; use icmp with IPv4 addresses", e->column};
    }
  }
  return {};
}

// A diagnostic on the flow text: a long text is quoted as a window around the column.
Diagnostic make_diagnostic(Severity severity, std::string message, std::string_view text,
                           std::string_view file, std::uint32_t line, std::uint32_t column) {
  Diagnostic d;
  d.severity = severity;
  d.message = std::move(message);
  d.location = Location{Name(file), line, column};
  quote_source_line(d, text);
  return d;
}

Diagnostic make_error(std::string message, std::string_view text, std::string_view file,
                      std::uint32_t line, std::uint32_t column) {
  return make_diagnostic(Severity::error, std::move(message), text, file, line, column);
}

Diagnostics make_warnings(const FlowState& state, std::string_view text, std::string_view file,
                          std::uint32_t line) {
  Diagnostics out;
  for (const auto& [column, message] : state.warnings) {
    out.push_back(make_diagnostic(Severity::warning, message, text, file, line, column));
  }
  return out;
}

// Runs `Rule` over the whole text; the error of a failure, or nothing.
template <typename Rule>
std::optional<Diagnostic> run_grammar(std::string_view text, std::string_view file,
                                      std::uint32_t line, FlowState& state) {
  pegtl::memory_input in(text.data(), text.data() + text.size(), std::string(file), 0, line, 1);
  try {
    pegtl::parse<Rule, action, fg::control>(in, state);
  } catch (const pegtl::parse_error& e) {
    const pegtl::position& p = e.positions().front();
    return make_error(std::string(e.message()), line_at(text, p.byte), file,
                      static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column));
  }
  return std::nullopt;
}

}  // namespace

FlowParseResult parse_flow(std::string_view text, std::string_view file, std::uint32_t line) {
  FlowParseResult result;
  result.flow.emplace();
  if (detail::parse_point_flow(text, *result.flow)) return result;
  return detail::parse_flow_grammar(text, file, line);
}

FlowParseResult detail::parse_flow_grammar(std::string_view text, std::string_view file,
                                           std::uint32_t line) {
  FlowParseResult result;
  // The flow is one line: anything after a newline is reported as trailing text.
  FlowState state;
  if (auto error = run_grammar<fg::flow>(text, file, line, state)) {
    result.error = std::move(*error);
    return result;
  }
  resolve_all_addresses(state.flow);
  auto [message, column] = check_families(state.flow);
  if (!message.empty()) {
    result.error = make_error(std::move(message), text, file, line, column);
    return result;
  }
  result.warnings = make_warnings(state, text, file, line);
  result.flow = std::move(state.flow);
  return result;
}

EndpointParseResult parse_endpoint(std::string_view text, std::string_view file,
                                   std::uint32_t line) {
  EndpointParseResult result;
  FlowState state;
  if (auto error = run_grammar<fg::lone_endpoint>(text, file, line, state)) {
    result.error = std::move(*error);
    return result;
  }
  result.warnings = make_warnings(state, text, file, line);
  result.endpoint = std::move(state.flow.destination);
  return result;
}

ServiceParseResult parse_service(std::string_view text, std::string_view file, std::uint32_t line) {
  ServiceParseResult result;
  FlowState state;
  if (auto error = run_grammar<fg::lone_service>(text, file, line, state)) {
    result.error = std::move(*error);
    return result;
  }
  result.service = state.flow.service;
  return result;
}

ServiceParseResult parse_matrix_service(std::string_view text, std::string_view file) {
  ServiceParseResult result = parse_service(text, file, 1);
  if (!result) return result;
  Service& service = *result.service;
  const bool icmp = service.protocol == kIcmp || service.protocol == kIcmpv6;
  if (icmp && service.icmp.type != -1 && service.icmp.code == -1) {
    service.icmp.code = 0;
    Diagnostic note;
    note.severity = Severity::note;
    note.location.file = std::string(file);
    note.message = std::string(text) + " is read as " + service.to_string() +
                   " (the matrix decides one packet kind; give TYPE:CODE for another code)";
    result.notes.push_back(std::move(note));
  }
  if (!service.is_point()) {
    result.error = Diagnostic{};
    result.error.location.file = std::string(file);
    result.error.message = "the matrix needs one service, e.g. tcp/443 or icmp/8:0, not '" +
                           cut_for_message(text) + "'";
    result.service.reset();
  }
  return result;
}

std::string Endpoint::to_string() const {
  switch (kind) {
    case EndpointKind::address:
      return sgcheck::to_string(Address{cidr.family, cidr.base});
    case EndpointKind::cidr:
      return all_addresses ? "all" : sgcheck::to_string(cidr);
    case EndpointKind::internet:
      if (!internet_family) return "internet";
      return *internet_family == Family::ipv4 ? "internet4" : "internet6";
    case EndpointKind::interface:
    case EndpointKind::instance:
      return id;
    case EndpointKind::group:
      return name.empty() ? id : name;
    case EndpointKind::aws_range:
      return aws ? AwsRangeName{aws->service, aws->region}.to_string() : "aws:";
  }
  return id;
}

std::string AwsEndpoint::resolved_name() const {
  return AwsRangeName{service, resolved ? resolved_region : region}.to_string();
}

std::optional<Family> Endpoint::family() const {
  if (kind == EndpointKind::address) return cidr.family;
  if (kind == EndpointKind::cidr) return cidr.family;
  if (kind == EndpointKind::internet) return internet_family;
  return std::nullopt;
}

namespace {

// The id of the group `name` names, or an error message (the name cut to fit a message).
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
    return "no security group of the inventory is named " + cut_for_message(name) +
           " (expected a group id, a template's logical id or resource address, or a group name)";
  }
  std::string ids;
  for (const Group* g : hits) ids += (ids.empty() ? "" : ", ") + g->id;
  return cut_for_message(name) + " names several security groups (" + ids + "): use one of these";
}

}  // namespace

std::optional<Diagnostic> resolve_endpoint_name(Endpoint& e, const Inventory& inventory,
                                                std::string_view text, std::string_view file,
                                                std::uint32_t line) {
  if (e.kind != EndpointKind::group || e.name.empty()) return std::nullopt;
  std::string message = resolve_group_name(inventory, e.name, e.id);
  if (message.empty()) return std::nullopt;
  return make_error(std::move(message), text, file, line, e.column);
}

namespace {

// The Regions of an endpoint that is in the inventory (an interface, an instance, a group, an
// interface's address), and how a message names it.
std::vector<std::string> endpoint_regions(const Inventory& inv, const AwsRanges& ranges,
                                          const Endpoint& e) {
  std::vector<std::string> out;
  const auto add = [&out](std::vector<std::string> regions) {
    for (std::string& r : regions) {
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
    }
  };
  switch (e.kind) {
    case EndpointKind::interface:
      if (const Interface* eni = inv.find_interface(e.id))
        add(detail::interface_regions(inv, ranges, *eni));
      break;
    case EndpointKind::instance:
      for (const Interface& eni : inv.interfaces) {
        if (eni.instance_id == e.id) add(detail::interface_regions(inv, ranges, eni));
      }
      break;
    case EndpointKind::group:
      if (const Group* g = inv.find_group(e.id)) add(detail::group_regions(inv, ranges, *g));
      break;
    case EndpointKind::address:
      for (const Interface& eni : inv.interfaces) {
        const Address a{e.cidr.family, e.cidr.base};
        if (std::find(eni.private_ips.begin(), eni.private_ips.end(), a) != eni.private_ips.end())
          add(detail::interface_regions(inv, ranges, eni));
      }
      break;
    default:
      break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Gives an aws:SERVICE endpoint its Region and prefixes; the error when there is no Region.
std::string resolve_aws(Endpoint& e, const Endpoint& other, const Inventory& inv) {
  const AwsRanges& ranges = aws_ranges();
  AwsEndpoint aws = *e.aws;
  std::string whence;
  if (!aws.region.empty()) {
    aws.resolved_region = aws.region;
  } else if (aws_service_spans_regions(aws.service)) {
    whence = ", every Region's";
  } else {
    const std::vector<std::string> regions = endpoint_regions(inv, ranges, other);
    const std::string name = e.to_string();
    const std::string fix = "; write " + name + "@REGION";
    const Address address{other.cidr.family, other.cidr.base};
    const bool in_inventory =
        other.kind == EndpointKind::interface || other.kind == EndpointKind::instance ||
        other.kind == EndpointKind::group ||
        (other.kind == EndpointKind::address &&
         std::any_of(inv.interfaces.begin(), inv.interfaces.end(), [&](const Interface& eni) {
           return std::find(eni.private_ips.begin(), eni.private_ips.end(), address) !=
                  eni.private_ips.end();
         }));
    if (regions.empty() && !in_inventory) {
      return name + " needs a Region, and the other endpoint, " +
             cut_for_message(other.to_string()) +
             ", is no interface, instance or group to take one from" + fix;
    }
    if (regions.empty()) {
      return name + " needs a Region, and " + cut_for_message(other.to_string()) +
             " has none in the inputs (no availability zone on its interfaces or in its VPC)" + fix;
    }
    if (regions.size() > 1) {
      return name + " needs one Region, and " + cut_for_message(other.to_string()) +
             " is in several (" + detail::join(regions, ", ") + ")" + fix;
    }
    aws.resolved_region = regions.front();
    whence = ", the Region of " + cut_for_message(other.to_string());
  }
  aws.prefixes = ranges.prefixes(aws.service, aws.resolved_region);
  if (aws.prefixes.empty()) {
    return "AWS publishes no " + aws.service + " range in " + aws.resolved_region +
           " (`sgcheck ranges " + aws.service + "` lists its Regions)";
  }
  aws.resolved = true;
  aws.note = "(" + aws_service_title(aws.service) +
             (aws.resolved_region.empty() ? "" : " in " + aws.resolved_region) + whence +
             "; AWS's IP ranges of " + ranges.create_date() + ")";
  e.aws = std::make_shared<const AwsEndpoint>(std::move(aws));
  return {};
}

}  // namespace

std::optional<Diagnostic> resolve_flow_names(Flow& flow, const Inventory& inventory,
                                             std::string_view text, std::string_view file,
                                             std::uint32_t line) {
  for (Endpoint* e : {&flow.source, &flow.destination}) {
    if (auto error = resolve_endpoint_name(*e, inventory, text, file, line)) return error;
  }
  for (Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->kind != EndpointKind::aws_range || !e->aws || e->aws->resolved) continue;
    const Endpoint& other = e == &flow.source ? flow.destination : flow.source;
    std::string message = resolve_aws(*e, other, inventory);
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
