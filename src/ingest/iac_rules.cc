// Shared pieces of the template readers (see iac_rules.h): positioned diagnostics, the rule budget
// and the value checks of one atomic rule. Entry points: IacSink, apply_ports(), set_cidr().
#include "ingest/iac_rules.h"

#include <algorithm>
#include <charconv>
#include <climits>

namespace sgcheck::detail {

namespace {

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::optional<std::int32_t> clamp32(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(*v, INT32_MIN, INT32_MAX));
}

}  // namespace

std::string unresolved_id(std::string_view expression) {
  return "unresolved(" + std::string(expression) + ")";
}

bool is_unresolved_id(std::string_view id) {
  return id.rfind("unresolved(", 0) == 0;
}

void IacSink::add(Severity severity, const char* check, const TreeNode& at, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.check = check;
  d.message = std::move(message);
  const bool several = files_ != nullptr && at.file < files_->size();
  d.location = {Name(several ? (*files_)[at.file].name : name_), at.line, at.column};
  quote_source_line(d, text_line(several ? (*files_)[at.file].text : text_, at.line));
  charge_copy(at, d.message.size() + d.source_line.size());
  out_.diagnostics.push_back(std::move(d));
}

void IacSink::warn(const char* check, const TreeNode& at, std::string message) {
  add(Severity::warning, check, at, std::move(message));
}

void IacSink::note(const TreeNode& at, std::string message) {
  add(Severity::note, "", at, std::move(message));
}

void IacSink::fail(const TreeNode& at, std::string message) const {
  throw TreeError{at.line, at.column, std::move(message), at.file};
}

std::uint64_t IacSink::copy_limit() const {
  return std::max<std::uint64_t>(std::uint64_t{2} << 20, 64 * (files_ ? bytes_ : text_.size()));
}

bool IacSink::over_limits() const {
  return budget_.used > budget_.limit || copied_ > copy_limit();
}

void IacSink::charge_copy(const TreeNode& at, std::uint64_t bytes) {
  const std::uint64_t limit = copy_limit();
  copied_ += bytes;
  if (copied_ > limit) {
    fail(at, "more than " + std::to_string(limit) +
                 " bytes of warnings, notes and parameter values for this file (YAML aliases "
                 "repeat them with every copy): the input is too large");
  }
}

void IacSink::count_rule(const TreeNode& at) {
  if (++budget_.used > budget_.limit) {
    fail(at, rule_limit_message(budget_));
  }
}

std::optional<std::int64_t> integer_value(IacSink& sink, const TreeNode& at, std::string_view text,
                                          std::string_view field) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc() && ptr == end && !text.empty()) return value;
  sink.warn(kIacBadPort, at,
            std::string(field) + " " + quote(text) + " is not an integer: the rule is ignored");
  return std::nullopt;
}

bool apply_ports(IacSink& sink, const PortInputs& in, Rule& rule) {
  rule.from_port = clamp32(in.from);
  rule.to_port = clamp32(in.to);
  rule.open_values = in.open.any() ? std::make_shared<const UnresolvedService>(in.open) : nullptr;
  if (!in.open.protocol.empty()) {
    rule.protocol = kAllProtocols;  // any protocol, any port might match
    return true;
  }
  const bool from_open = !in.open.from_port.empty();
  const bool to_open = !in.open.to_port.empty();
  if (!in.protocol) {
    sink.warn(kIacBadPort, *in.rule_at, std::string("rule without ") + in.protocol_name);
    return false;
  }
  const ValueResult<int> protocol = parse_protocol(*in.protocol);
  if (!protocol) {
    sink.warn(kIacBadPort, *in.protocol_at,
              "invalid protocol " + quote(*in.protocol) + ": " + protocol.error.message());
    return false;
  }
  rule.protocol = *protocol;
  const TreeNode& from_at = in.from_at ? *in.from_at : *in.rule_at;
  const TreeNode& to_at = in.to_at ? *in.to_at : *in.rule_at;
  if (rule.protocol == kTcp || rule.protocol == kUdp) {
    const std::string name = protocol_name(rule.protocol);
    if ((!in.from && !from_open) || (!in.to && !to_open)) {
      sink.warn(kIacBadPort, *in.rule_at,
                name + " rule needs both " + in.from_name + " and " + in.to_name);
      return false;
    }
    if (in.from && (*in.from < 0 || *in.from > 65535)) {
      sink.warn(kIacBadPort, from_at,
                name + " " + in.from_name + " " + std::to_string(*in.from) + " is outside 0-65535");
      return false;
    }
    if (in.to && (*in.to < 0 || *in.to > 65535)) {
      sink.warn(kIacBadPort, to_at,
                name + " " + in.to_name + " " + std::to_string(*in.to) + " is outside 0-65535");
      return false;
    }
    if (in.from && in.to && *in.to < *in.from) {
      sink.warn(kIacBadPort, to_at,
                name + " " + in.to_name + " " + std::to_string(*in.to) + " is less than " +
                    in.from_name + " " + std::to_string(*in.from));
      return false;
    }
  } else if (rule.protocol == kIcmp || rule.protocol == kIcmpv6) {
    const std::string name = rule.protocol == kIcmp ? "ICMP" : "ICMPv6";
    if (in.from && (*in.from < -1 || *in.from > 255)) {
      sink.warn(kIacBadPort, from_at,
                name + " type " + std::to_string(*in.from) + " is outside -1..255");
      return false;
    }
    if (in.to && (*in.to < -1 || *in.to > 255)) {
      sink.warn(kIacBadPort, to_at,
                name + " code " + std::to_string(*in.to) + " is outside -1..255");
      return false;
    }
    if (!from_open && in.from.value_or(-1) == -1 && in.to.value_or(-1) != -1) {
      sink.warn(
          kIacBadPort, to_at,
          name + " type -1 (all types) requires code -1, found code " + std::to_string(*in.to));
      return false;
    }
  }
  return true;
}

bool set_cidr(IacSink& sink, const TreeNode& at, std::string_view text, Family family, Rule& rule) {
  rule.peer.kind = family == Family::ipv4 ? PeerKind::cidr4 : PeerKind::cidr6;
  const ValueResult<Cidr> parsed = family == Family::ipv4 ? parse_cidr4(text) : parse_cidr6(text);
  if (!parsed) {
    sink.warn(kIacBadValue, at, "invalid CIDR " + quote(text) + ": " + parsed.error.message());
    rule.peer.id = std::string(text);
    return false;
  }
  rule.peer.cidr = *parsed;
  return true;
}

bool set_prefix_list(IacSink& sink, const TreeNode& at, std::string_view id, Rule& rule) {
  rule.peer.kind = PeerKind::prefix_list;
  rule.peer.id = std::string(id);
  if (id.rfind("pl-", 0) == 0) return true;
  sink.warn(kIacBadValue, at,
            "invalid prefix list id " + quote(id) + ": expected an id starting with \"pl-\"");
  return false;
}

}  // namespace sgcheck::detail
