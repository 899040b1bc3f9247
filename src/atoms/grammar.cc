// The value grammars (Boost.Spirit X3): IPv4/IPv6 addresses, CIDRs, ports, port ranges, protocols
// and ICMP type:code, behind the parse_* entry points of sgcheck/values.h. All X3 template
// instantiation lives in this one translation unit (X3 is slow to compile). Every failure, whether
// an expectation point, a range check or trailing text, becomes a ValueError in exactly one place:
// run_parser().
#include <algorithm>
#include <boost/iterator/transform_iterator.hpp>
#include <boost/spirit/home/x3.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "atoms/bits.h"
#include "sgcheck/values.h"

// X3 names a parser it has no name for by its mangled type. A semantic action or raw[] does not
// change what is expected, so they take the name of the parser they wrap (a named rule).
namespace boost::spirit::x3 {
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
  using result_type = std::string;
  std::string operator()(const action<Subject, Action>& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<raw_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(const raw_directive<Subject>& p) const { return what(p.subject); }
};
}  // namespace boost::spirit::x3

namespace sgcheck {
namespace {

namespace x3 = boost::spirit::x3;

// X3's character classes hand a (signed) char straight to std::isdigit & co., which is undefined
// for bytes over 0x7f and trips a Boost assertion. The grammars see such bytes as DEL instead: no
// grammar accepts either, so the parse goes exactly as it would on the real byte.
struct AsciiOnly {
  char operator()(char c) const { return static_cast<unsigned char>(c) > 0x7f ? '\x7f' : c; }
};
using Iterator = boost::transform_iterator<AsciiOnly, const char*>;
using Failure = x3::expectation_failure<Iterator>;

// The names that errors print as "expected <name>". Rules are named with these, and the range
// checks throw them, so the message is the same whichever way a value fails.
constexpr const char* kIpv4Address = "IPv4 address";
constexpr const char* kIpv6Address = "IPv6 address";
constexpr const char* kAddress = "IP address";
constexpr const char* kCidr4 = "IPv4 CIDR";
constexpr const char* kCidr6 = "IPv6 CIDR";
constexpr const char* kCidr = "CIDR";
constexpr const char* kOctet = "IPv4 octet (0-255)";
// A leading zero makes an octet ambiguous: inet_aton() reads "010" as octal 8, most other parsers
// as decimal 10. We reject it rather than guess (prefix lengths, ports and protocol numbers have no
// octal reading and may have leading zeros).
constexpr const char* kOctetNoZero = "IPv4 octet without leading zeros";
constexpr const char* kGroup = "IPv6 group (1-4 hex digits)";
constexpr const char* kPrefix4 = "prefix length (0-32)";
constexpr const char* kPrefix6 = "prefix length (0-128)";
constexpr const char* kPort = "port number (0-65535)";
constexpr const char* kProtocol = "protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255)";
constexpr const char* kIcmpType = "ICMP type (-1-255)";
constexpr const char* kIcmpCode = "ICMP code (-1-255)";
constexpr const char* kIcmpCodeForAll = "ICMP code -1 (the type is -1)";

// Reports a failure at `where`; run_parser() turns it into a ValueError.
[[noreturn]] void fail_at(Iterator where, const std::string& expected) {
  throw Failure(where, expected);
}

// The decimal value of the digits in `range`, or a failure naming `what` at the number when it is
// above `max` (checked digit by digit, so a long run of digits cannot overflow).
template <typename Range>
unsigned bounded(const Range& range, unsigned max, const char* what) {
  unsigned value = 0;
  for (char c : range) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max) fail_at(range.begin(), what);
  }
  return value;
}

// IPv6 text as written: the groups in order (an embedded IPv4 address adds two), where `::` stood,
// and enough about the embedded IPv4 address to check that it came last.
struct Ipv6Text {
  std::vector<std::uint16_t> groups;
  int gap = -1;  // index in groups where `::` was, -1 if none
  int ipv4_count = 0;
  bool last_was_ipv4 = false;
};

// ---- rules (named: the name is what an error prints as "expected …") ----

const x3::rule<class octet_id, std::uint32_t> octet = kOctet;
const x3::rule<class ipv4_id, std::uint32_t> ipv4_address = kIpv4Address;
const x3::rule<class group_id, std::uint16_t> group = kGroup;
const x3::rule<class ipv6_text_id, Ipv6Text> ipv6_text = kIpv6Address;
const x3::rule<class ipv6_id, u128> ipv6_address = kIpv6Address;
const x3::rule<class address_id, Address> address = kAddress;
const x3::rule<class prefix4_id, std::uint8_t> prefix4 = kPrefix4;
const x3::rule<class prefix6_id, std::uint8_t> prefix6 = kPrefix6;
const x3::rule<class cidr4_id, Cidr> cidr4 = kCidr4;
const x3::rule<class cidr6_id, Cidr> cidr6 = kCidr6;
const x3::rule<class cidr_id, Cidr> cidr = kCidr;
const x3::rule<class port_id, std::uint16_t> port = kPort;
const x3::rule<class port_range_id, PortRange> port_range = kPort;
const x3::rule<class protocol_id, int> protocol = kProtocol;
const x3::rule<class icmp_type_id, int> icmp_type = kIcmpType;
const x3::rule<class icmp_code_id, int> icmp_code = kIcmpCode;
const x3::rule<class icmp_id, IcmpTypeCode> icmp = kIcmpType;

const auto digits = x3::raw[+x3::digit];
// "-1" as a whole number (not the start of "-10").
const auto minus_one = x3::lit("-1") >> !x3::digit;

// ---- IPv4 ----

const auto octet_def = digits[([](auto& ctx) {
  const auto& text = x3::_attr(ctx);
  if (text.size() > 1 && *text.begin() == '0') fail_at(text.begin(), kOctetNoZero);
  x3::_val(ctx) = bounded(text, 255, kOctet);
})];

const auto shift_in_octet = [](auto& ctx) { x3::_val(ctx) = x3::_val(ctx) << 8 | x3::_attr(ctx); };
// The first octet may fail softly (then "expected IPv4 address" names the whole thing); once it and
// a dot are there, the rest is required.
const auto ipv4_address_def = octet[shift_in_octet] >>
                              ('.' > octet[shift_in_octet] > '.' > octet[shift_in_octet] > '.' >
                               octet[shift_in_octet]);

// ---- IPv6 (RFC 4291 §2.2) ----

const auto group_def = x3::raw[+x3::xdigit][([](auto& ctx) {
  const auto& text = x3::_attr(ctx);
  if (text.size() > 4) fail_at(text.begin(), kGroup);
  unsigned value = 0;
  for (char c : text) {
    const unsigned digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    value = value << 4 | digit;
  }
  x3::_val(ctx) = static_cast<std::uint16_t>(value);
})];

const auto push_group = [](auto& ctx) {
  x3::_val(ctx).groups.push_back(x3::_attr(ctx));
  x3::_val(ctx).last_was_ipv4 = false;
};
const auto push_ipv4 = [](auto& ctx) {
  Ipv6Text& text = x3::_val(ctx);
  text.groups.push_back(static_cast<std::uint16_t>(x3::_attr(ctx) >> 16));
  text.groups.push_back(static_cast<std::uint16_t>(x3::_attr(ctx) & 0xffff));
  text.ipv4_count++;
  text.last_was_ipv4 = true;
};
const auto mark_gap = [](auto& ctx) {
  Ipv6Text& text = x3::_val(ctx);
  text.gap = static_cast<int>(text.groups.size());
  text.last_was_ipv4 = false;
};

// Digits then a dot start an embedded IPv4 address (::ffff:1.2.3.4); anything else is a hex group.
const auto piece = (&(+x3::digit >> '.') >> ipv4_address[push_ipv4]) | group[push_group];
const auto pieces = piece % ':';
// The shape only; counts are checked by ipv6_address. The address must not run on into more address
// characters (a second `::`, a ninth group), so that such text fails as a whole "IPv6 address".
const auto ipv6_text_def = -pieces >> -(x3::lit("::")[mark_gap] >> -pieces) >>
                           !(x3::char_(":.") | x3::alnum);

// Eight groups, or fewer with `::` standing for at least one zero group; an embedded IPv4 address
// only at the end.
bool to_bits(const Ipv6Text& text, u128& bits) {
  const int count = static_cast<int>(text.groups.size());
  if (text.ipv4_count > 1 || (text.ipv4_count == 1 && !text.last_was_ipv4)) return false;
  if (text.gap < 0 ? count != 8 : count > 7) return false;
  // Groups after `::` move right by the zero groups it stands for.
  const int zeros = 8 - count;
  bits = 0;
  for (int i = 0; i < count; ++i) {
    const int position = text.gap >= 0 && i >= text.gap ? i + zeros : i;
    bits |= u128{text.groups[static_cast<std::size_t>(i)]} << (112 - 16 * position);
  }
  return true;
}

const auto ipv6_address_def =
    ipv6_text[([](auto& ctx) { x3::_pass(ctx) = to_bits(x3::_attr(ctx), x3::_val(ctx)); })];

// ---- either family: a colon before any '/' means IPv6 ----

const auto looks_ipv6 = &(*~x3::char_(":/") >> ':');
const auto set_ipv4 = [](auto& ctx) { x3::_val(ctx) = Address{Family::ipv4, x3::_attr(ctx)}; };
const auto set_ipv6 = [](auto& ctx) { x3::_val(ctx) = Address{Family::ipv6, x3::_attr(ctx)}; };
const auto address_def = (looks_ipv6 >> ipv6_address[set_ipv6]) | ipv4_address[set_ipv4];

// ---- CIDRs ----

const auto prefix4_def = digits[([](auto& ctx) {
  x3::_val(ctx) = static_cast<std::uint8_t>(bounded(x3::_attr(ctx), 32, kPrefix4));
})];
const auto prefix6_def = digits[([](auto& ctx) {
  x3::_val(ctx) = static_cast<std::uint8_t>(bounded(x3::_attr(ctx), 128, kPrefix6));
})];

// A bare address is a host block; a following prefix overrides the length.
const auto host4 = [](auto& ctx) { x3::_val(ctx) = Cidr{x3::_attr(ctx), Family::ipv4, 32, false}; };
const auto host6 = [](auto& ctx) {
  x3::_val(ctx) = Cidr{x3::_attr(ctx), Family::ipv6, 128, false};
};
const auto set_prefix = [](auto& ctx) { x3::_val(ctx).prefix = x3::_attr(ctx); };

const auto cidr4_def = ipv4_address[host4] > '/' > prefix4[set_prefix];
const auto cidr6_def = ipv6_address[host6] > '/' > prefix6[set_prefix];
const auto cidr_def = ((looks_ipv6 >> ipv6_address[host6]) > -('/' > prefix6[set_prefix])) |
                      (ipv4_address[host4] > -('/' > prefix4[set_prefix]));

// ---- ports ----

const auto port_def = digits[([](auto& ctx) {
  x3::_val(ctx) = static_cast<std::uint16_t>(bounded(x3::_attr(ctx), 65535, kPort));
})];

const auto set_from = [](auto& ctx) { x3::_val(ctx) = PortRange{x3::_attr(ctx), x3::_attr(ctx)}; };
// The end of a range may not be below its start: the error points at the end (hence raw[], whose
// attribute is the matched text; port already checked it is at most 65535) and says which values
// would have done.
const auto set_to = [](auto& ctx) {
  const auto& text = x3::_attr(ctx);
  const auto to = static_cast<std::uint16_t>(bounded(text, 65535, kPort));
  const std::uint16_t from = x3::_val(ctx).from;
  if (to < from) fail_at(text.begin(), "port number (" + std::to_string(from) + "-65535)");
  x3::_val(ctx).to = to;
};
const auto port_range_def = port[set_from] > -('-' > x3::raw[port][set_to]);

// ---- protocols ----

struct ProtocolNames : x3::symbols<int> {
  ProtocolNames() {
    add("tcp", kTcp)("udp", kUdp)("icmp", kIcmp)("icmpv6", kIcmpv6)("all", kAllProtocols);
  }
};
const ProtocolNames protocol_names;

const auto set_value = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };
const auto set_minus_one = [](auto& ctx) { x3::_val(ctx) = -1; };
const auto protocol_number = digits[(
    [](auto& ctx) { x3::_val(ctx) = static_cast<int>(bounded(x3::_attr(ctx), 255, kProtocol)); })];
// A name must end there ("tcpx" is not tcp followed by junk but an unknown protocol).
const auto protocol_def = (x3::no_case[protocol_names][set_value] >> !x3::alnum) |
                          minus_one[set_minus_one] | protocol_number;

// ---- ICMP type:code ----

const auto icmp_type_def = minus_one[set_minus_one] | digits[([](auto& ctx) {
                             x3::_val(ctx) =
                                 static_cast<int>(bounded(x3::_attr(ctx), 255, kIcmpType));
                           })];
const auto icmp_code_def = minus_one[set_minus_one] | digits[([](auto& ctx) {
                             x3::_val(ctx) =
                                 static_cast<int>(bounded(x3::_attr(ctx), 255, kIcmpCode));
                           })];

const auto set_type = [](auto& ctx) { x3::_val(ctx) = IcmpTypeCode{x3::_attr(ctx), -1}; };
// Type -1 means every type, and then only code -1 makes sense.
// (raw[] again so that the error can point at the code; icmp_code already checked its range).
const auto set_code = [](auto& ctx) {
  const auto& text = x3::_attr(ctx);
  const bool all = *text.begin() == '-';
  if (x3::_val(ctx).type == -1 && !all) fail_at(text.begin(), kIcmpCodeForAll);
  x3::_val(ctx).code = all ? -1 : static_cast<int>(bounded(text, 255, kIcmpCode));
};
const auto icmp_def = icmp_type[set_type] > -(':' > x3::raw[icmp_code][set_code]);

BOOST_SPIRIT_DEFINE(octet, ipv4_address, group, ipv6_text, ipv6_address, address, prefix4, prefix6,
                    cidr4, cidr6, cidr, port, port_range, protocol, icmp_type, icmp_code, icmp)

// ---- the one place failures become ValueErrors ----

bool is_address_name(std::string_view expected) {
  return expected == kIpv4Address || expected == kIpv6Address || expected == kAddress ||
         expected == kCidr4 || expected == kCidr6 || expected == kCidr;
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// What the error shows as found: for an address the address-like text (up to '/', space…); for a
// number or name the word (with a leading sign); otherwise the rest. Capped so that one bad value
// in a long string does not print the whole string.
std::string found_token(std::string_view rest, std::string_view expected) {
  constexpr std::size_t kMaxFound = 20;
  std::size_t end = 0;
  if (is_address_name(expected)) {
    while (end < rest.size() && (is_alnum(rest[end]) || rest[end] == '.' || rest[end] == ':'))
      ++end;
  } else {
    if (end < rest.size() && (rest[end] == '-' || rest[end] == '+')) ++end;
    while (end < rest.size() && is_alnum(rest[end])) ++end;
  }
  if (end == 0 || (end == 1 && !is_alnum(rest[0]))) end = rest.size();
  return std::string(rest.substr(0, std::min(end, kMaxFound)));
}

ValueError make_error(std::string_view text, std::size_t offset, std::string expected) {
  if (expected == "eoi") expected = "end of input";
  std::string found = found_token(text.substr(offset), expected);
  return ValueError{offset, std::move(expected), std::move(found), {}};
}

// Parses the whole of `text` with `rule`, which must match it all. `rule` sits under an expectation
// point, so every failure surfaces as an expectation_failure (or a range check's, which has the
// same shape) and is converted here.
template <typename T, typename Rule>
ValueResult<T> run_parser(std::string_view text, const Rule& rule) {
  const auto offset = [&](Iterator at) {
    return static_cast<std::size_t>(at.base() - text.data());
  };
  Iterator first(text.data(), AsciiOnly{});
  const Iterator last(text.data() + text.size(), AsciiOnly{});
  T value{};
  try {
    if (x3::parse(first, last, x3::eps > rule > x3::eoi, value)) return {value, {}};
    // Unreachable with the expectation points above; kept so that a grammar change cannot succeed
    // silently on a partial match.
    return {std::nullopt, make_error(text, offset(first), x3::what(rule))};
  } catch (const Failure& failure) {
    return {std::nullopt, make_error(text, offset(failure.where()), failure.which())};
  }
}

// The host bits of a CIDR's base are cleared; had_host_bits says whether there were any.
ValueResult<Cidr> canonical(ValueResult<Cidr> result) {
  if (!result) return result;
  Cidr& c = *result.value;
  const u128 host = detail::host_mask(detail::width_of(c.family), c.prefix);
  c.had_host_bits = (c.base & host) != 0;
  c.base &= ~host;
  return result;
}

}  // namespace

ValueResult<Address> parse_ipv4(std::string_view text) {
  auto bits = run_parser<std::uint32_t>(text, ipv4_address);
  if (!bits) return {std::nullopt, bits.error};
  return {Address{Family::ipv4, *bits}, {}};
}

ValueResult<Address> parse_ipv6(std::string_view text) {
  auto bits = run_parser<u128>(text, ipv6_address);
  if (!bits) return {std::nullopt, bits.error};
  return {Address{Family::ipv6, *bits}, {}};
}

ValueResult<Address> parse_address(std::string_view text) {
  return run_parser<Address>(text, address);
}

ValueResult<Cidr> parse_cidr4(std::string_view text) {
  return canonical(run_parser<Cidr>(text, cidr4));
}

ValueResult<Cidr> parse_cidr6(std::string_view text) {
  return canonical(run_parser<Cidr>(text, cidr6));
}

ValueResult<Cidr> parse_cidr(std::string_view text) {
  return canonical(run_parser<Cidr>(text, cidr));
}

ValueResult<std::uint16_t> parse_port(std::string_view text) {
  return run_parser<std::uint16_t>(text, port);
}

ValueResult<PortRange> parse_port_range(std::string_view text) {
  ValueResult<PortRange> result = run_parser<PortRange>(text, port_range);
  // set_to's failure is the one that expects other than kPort: a valid port below the start.
  if (!result && result.error.expected != kPort &&
      result.error.expected.starts_with("port number")) {
    result.error.note = "the range ends below its start";
  }
  return result;
}

ValueResult<int> parse_protocol(std::string_view text) {
  return run_parser<int>(text, protocol);
}

ValueResult<IcmpTypeCode> parse_icmp(std::string_view text) {
  return run_parser<IcmpTypeCode>(text, icmp);
}

}  // namespace sgcheck
