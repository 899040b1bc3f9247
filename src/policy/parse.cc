// Parsing policy files: the grammar of grammar.h with actions that build the AST of ast.h, validate
// numbers and addresses through the X3 value parsers, and turn every failure into one Diagnostic
// with line:col, the source line and a caret. Then the checks that need a whole rule (title,
// severity, a clause) or several files (duplicate ids). Entry points: parse_policy(),
// check_duplicate_ids().
#include <map>
#include <optional>

#include "policy/ast.h"
#include "policy/grammar.h"
#include "sgcheck/ranges.h"

namespace sgcheck::policy {
namespace {

namespace pegtl = tao::pegtl;
namespace pg = policy_grammar;
namespace fg = flow_grammar;

constexpr std::size_t kMaxPolicyBytes = 4u << 20;
constexpr std::size_t kMaxRules = 10'000;

struct State {
  PolicyFile file;
  PolicyRule rule;
  Clause clause;
  Service service;
  AddressItem address;
  // Where the parts of aws:SERVICE[@REGION] start, for the caret of an unknown name.
  std::optional<pegtl::position> aws_service_at;
  std::optional<pegtl::position> aws_region_at;
  std::string last_string;
  Target target;
};

template <typename Input>
Pos pos_of(const Input& in) {
  const pegtl::position p = in.position();
  return Pos{static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column)};
}

// A value error of the X3 parsers, raised at the byte it points to inside the token.
template <typename Input>
[[noreturn]] void raise_value_error(const Input& in, const ValueError& error,
                                    const std::string& what) {
  pegtl::position pos = in.position();
  pos.byte += error.offset;
  pos.column += error.offset;
  throw pegtl::parse_error("invalid " + what + ": " + error.message(), pos);
}

// One line, single spaces, no comments: how a clause is quoted in messages.
std::string one_line(std::string_view text) {
  std::string out;
  bool comment = false;
  bool space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      comment = false;
      space = true;
      continue;
    }
    if (comment) continue;
    if (c == '#') {
      comment = true;
      continue;
    }
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string unescape(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) ++i;
    out += body[i];
  }
  return out;
}

Service service_of(int protocol) {
  Service s;
  s.protocol = protocol;
  return s;
}

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

// ---- Strings and metadata

template <>
struct action<pg::string_body> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.last_string = unescape(in.string_view());
  }
};

template <>
struct action<pg::k_rule> {
  static void apply0(State& st) { st.rule = PolicyRule{}; }
};

template <>
struct action<pg::rule_id> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.rule.info.id = in.string();
    const Pos p = pos_of(in);
    st.rule.location = Location{Name(st.file.name), p.line, p.column};
    st.rule.source_line = std::string(in.input().line_at(in.position()));
  }
};

template <>
struct action<pg::title_text> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    if (st.rule.has_title) throw pegtl::parse_error("the rule already has a title", in);
    st.rule.has_title = true;
    st.rule.info.title = st.last_string;
  }
};

template <>
struct action<pg::help_text> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    if (!st.rule.info.help.empty()) throw pegtl::parse_error("the rule already has help text", in);
    st.rule.info.help = st.last_string;
  }
};

template <>
struct action<pg::ref_text> {
  static void apply0(State& st) { st.rule.info.refs.push_back(st.last_string); }
};

template <>
struct action<pg::severity_word> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    if (st.rule.has_severity) throw pegtl::parse_error("the rule already has a severity", in);
    st.rule.has_severity = true;
    st.rule.info.severity = *parse_finding_severity(in.string_view());
  }
};

// ---- Targets

// The text of a name that may be quoted: the unescaped string, or the bare word.
template <typename Input>
std::string name_text(const Input& in, const State& st) {
  const std::string_view text = in.string_view();
  return !text.empty() && text.front() == '"' ? st.last_string : std::string(text);
}

template <>
struct action<pg::k_on> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.target = Target{};
    st.target.pos = pos_of(in);
    st.target.source_line = std::string(in.input().line_at(in.position()));
  }
};

template <>
struct action<pg::group_pattern> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.target.kind = TargetKind::group;
    st.target.pattern = name_text(in, st);
  }
};

template <>
struct action<pg::tag_key> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.target.kind = TargetKind::tag;
    st.target.pattern = name_text(in, st);
  }
};

template <>
struct action<pg::tag_value> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.target.value = name_text(in, st);
  }
};

template <>
struct action<pg::on_default> {
  static void apply0(State& st) { st.target.kind = TargetKind::default_group; }
};

template <>
struct action<pg::on_stmt> {
  static void apply0(State& st) { st.rule.targets.push_back(st.target); }
};

// ---- Services (the flow grammar's rules, with our own actions)

template <>
struct action<fg::kw_tcp> {
  static void apply0(State& st) { st.service = service_of(kTcp); }
};
template <>
struct action<fg::kw_udp> {
  static void apply0(State& st) { st.service = service_of(kUdp); }
};
template <>
struct action<fg::kw_icmp> {
  static void apply0(State& st) { st.service = service_of(kIcmp); }
};
template <>
struct action<fg::kw_icmpv6> {
  static void apply0(State& st) { st.service = service_of(kIcmpv6); }
};
template <>
struct action<fg::kw_proto> {
  static void apply0(State& st) { st.service = service_of(kAllProtocols); }
};
template <>
struct action<fg::all_service> {
  static void apply0(State& st) { st.service = service_of(kAllProtocols); }
};

template <>
struct action<fg::port_text> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    ValueResult<PortRange> ports = parse_port_range(in.string_view());
    if (!ports) raise_value_error(in, ports.error, "port range");
    st.service.ports = *ports;
  }
};

template <>
struct action<fg::icmp_text> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    ValueResult<IcmpTypeCode> icmp = parse_icmp(in.string_view());
    if (!icmp) raise_value_error(in, icmp.error, "ICMP type:code");
    st.service.icmp = *icmp;
  }
};

template <>
struct action<fg::proto_number> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    ValueResult<int> protocol = parse_protocol(in.string_view());
    if (!protocol) raise_value_error(in, protocol.error, "protocol number");
    st.service.protocol = *protocol;
  }
};

template <>
struct action<pg::services> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.clause.services_text = one_line(in.string_view());
  }
};

template <>
struct action<pg::include_service> {
  static void apply0(State& st) { st.clause.services.include.push_back(st.service); }
};
template <>
struct action<pg::exclude_service> {
  static void apply0(State& st) { st.clause.services.exclude.push_back(st.service); }
};

// ---- Addresses

template <AddressKind Kind>
struct address_kind_action {
  static void apply0(State& st) { st.address.kind = Kind; }
};
template <>
struct action<pg::addr_internet> : address_kind_action<AddressKind::internet> {};
template <>
struct action<pg::addr_internet4> : address_kind_action<AddressKind::internet4> {};
template <>
struct action<pg::addr_internet6> : address_kind_action<AddressKind::internet6> {};
template <>
struct action<pg::addr_private> : address_kind_action<AddressKind::private_> {};
template <>
struct action<pg::addr_vpc> : address_kind_action<AddressKind::vpc> {};
template <>
struct action<pg::addr_any> : address_kind_action<AddressKind::any> {};

template <>
struct action<pg::group_ref> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.address.kind = AddressKind::group;
    st.address.name = name_text(in, st);
  }
};

template <>
struct action<pg::prefix_list_id> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.address.kind = AddressKind::prefix_list;
    st.address.name = in.string();
  }
};

template <>
struct action<fg::aws_service_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.address.name = in.string();
    st.address.region.clear();
    st.aws_service_at.emplace(in.position());
  }
};
template <>
struct action<fg::aws_region_name> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.address.region = in.string();
    st.aws_region_at.emplace(in.position());
  }
};
// Checked against the snapshot in use as soon as it is read, as a flow's name is.
template <>
struct action<pg::addr_aws> {
  static void apply0(State& st) {
    bool at_region = false;
    const std::string error =
        aws_name_error(aws_ranges(), AwsRangeName{st.address.name, st.address.region}, at_region);
    if (!error.empty())
      throw pegtl::parse_error(error, at_region ? *st.aws_region_at : *st.aws_service_at);
    st.address.kind = AddressKind::aws_range;
  }
};

template <>
struct action<pg::addr_cidr> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    ValueResult<Cidr> cidr = parse_cidr(in.string_view());
    if (!cidr) raise_value_error(in, cidr.error, "address or CIDR");
    st.address.kind = AddressKind::cidr;
    st.address.cidr = *cidr;
  }
};

template <bool Exclude>
struct push_address {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.address.pos = pos_of(in);
    auto& list = Exclude ? st.clause.addresses.exclude : st.clause.addresses.include;
    list.push_back(st.address);
    st.address = AddressItem{};
  }
};
template <>
struct action<pg::include_address> : push_address<false> {};
template <>
struct action<pg::addresses> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.clause.addresses_text = one_line(in.string_view());
  }
};
template <>
struct action<pg::required_addresses> : action<pg::addresses> {};
template <>
struct action<pg::exclude_address> : push_address<true> {};

// ---- Clauses

template <bool Require>
struct start_clause {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    st.clause = Clause{};
    st.clause.require = Require;
    st.clause.pos = pos_of(in);
  }
};
template <>
struct action<pg::k_forbid> : start_clause<false> {};
template <>
struct action<pg::k_require> : start_clause<true> {};

template <>
struct action<pg::k_ingress> {
  static void apply0(State& st) { st.clause.direction = Direction::ingress; }
};
template <>
struct action<pg::k_egress> {
  static void apply0(State& st) { st.clause.direction = Direction::egress; }
};
template <>
struct action<pg::every> {
  static void apply0(State& st) { st.clause.every = true; }
};

// `from` goes with ingress, `to` with egress: the other way round is a mistake worth naming.
template <>
struct action<pg::from_to> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    const bool from = in.string_view() == "from";
    if (from && st.clause.direction == Direction::egress)
      throw pegtl::parse_error("egress goes 'to' its destinations: write 'to', not 'from'", in);
    if (!from && st.clause.direction == Direction::ingress)
      throw pegtl::parse_error("ingress comes 'from' its sources: write 'from', not 'to'", in);
  }
};

template <>
struct action<pg::k_covering> {
  static void apply0(State& st) { st.clause.condition = ConditionKind::covering; }
};
template <>
struct action<pg::k_more> {
  static void apply0(State& st) { st.clause.condition = ConditionKind::more_than; }
};
template <>
struct action<pg::but_not_all> {
  static void apply0(State& st) { st.clause.condition = ConditionKind::more_than_not_all; }
};

template <>
struct action<pg::prefix_length> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    const std::string_view text = in.string_view();
    if (text.size() > 3 || std::stoi(std::string(text)) > 128)
      throw pegtl::parse_error("a prefix length is 0-128, found \"" + in.string() + "\"", in);
    st.clause.prefix = std::stoi(std::string(text));
  }
};

template <typename Input>
void finish_clause(const Input& in, State& st) {
  st.clause.text = one_line(in.string_view());
  st.rule.clauses.push_back(std::move(st.clause));
  st.clause = Clause{};
}
template <>
struct action<pg::forbid_stmt> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    finish_clause(in, st);
  }
};
template <>
struct action<pg::require_stmt> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    finish_clause(in, st);
  }
};

template <>
struct action<pg::rule_decl> {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    if (st.file.rules.size() >= kMaxRules)
      throw pegtl::parse_error("too many rules in one file (the limit is 10000)", in);
    st.file.rules.push_back(std::move(st.rule));
    st.rule = PolicyRule{};
  }
};

Diagnostic error_at(const Location& location, std::string message, std::string source_line,
                    Severity severity = Severity::error) {
  Diagnostic d;
  d.severity = severity;
  d.message = std::move(message);
  d.location = location;
  d.source_line = std::move(source_line);
  return d;
}

// What a rule must have besides its clauses' syntax: a title, a severity and a clause.
void check_rule(const PolicyRule& rule, Diagnostics& errors) {
  const auto missing = [&](const char* what) {
    errors.push_back(
        error_at(rule.location, "rule " + rule.info.id + " has no " + what, rule.source_line));
  };
  if (!rule.has_title) missing("title: add title \"…\"");
  if (!rule.has_severity) missing("severity: add severity critical, high, medium, low or info");
  if (rule.clauses.empty()) missing("clause: add forbid … or require …");
}

}  // namespace

ParseResult parse_policy(std::string_view text, std::string_view name) {
  ParseResult result;
  result.file.name = std::string(name);
  if (text.size() > kMaxPolicyBytes) {
    result.errors.push_back(error_at(Location{Name(name), 0, 0},
                                     "policy file too large (the limit is 4 MiB)", ""));
    return result;
  }
  pegtl::memory_input in(text.data(), text.data() + text.size(), std::string(name));
  State st;
  st.file.name = std::string(name);
  try {
    pegtl::parse<pg::file, action, pg::control>(in, st);
  } catch (const pegtl::parse_error& e) {
    const pegtl::position& p = e.positions().front();
    result.errors.push_back(error_at(Location{Name(name), static_cast<std::uint32_t>(p.line),
                                              static_cast<std::uint32_t>(p.column)},
                                     std::string(e.message()), line_at(text, p.byte)));
    return result;
  }
  result.file = std::move(st.file);
  for (const PolicyRule& rule : result.file.rules) check_rule(rule, result.errors);
  check_duplicate_ids({&result.file}, result.errors);
  return result;
}

void check_duplicate_ids(const std::vector<const PolicyFile*>& files, Diagnostics& errors) {
  std::map<std::string, const PolicyRule*> first;
  for (const PolicyFile* file : files) {
    for (const PolicyRule& rule : file->rules) {
      auto [it, inserted] = first.try_emplace(rule.info.id, &rule);
      if (inserted) continue;
      errors.push_back(
          error_at(rule.location, "duplicate rule id " + rule.info.id, rule.source_line));
      errors.push_back(error_at(it->second->location,
                                "rule " + rule.info.id + " is first defined here",
                                it->second->source_line, Severity::note));
    }
  }
}

}  // namespace sgcheck::policy
