// The PEGTL grammar of flow expressions (product.md §5) and of its parts, SERVICE and ENDPOINT,
// which the policy language reuses. Pure grammar: actions live with the users (flow.cc). Every rule
// that may fail under must<> has a message in error_message<>, and `control` (must_if with
// RequireMessage) refuses to compile a must<> without one, so PEGTL's generic "parse error matching
// …" never shows.
#pragma once

#include <tao/pegtl.hpp>

namespace sgcheck::flow_grammar {

namespace pegtl = tao::pegtl;

// clang-format off
struct ws : pegtl::plus<pegtl::blank> {};
struct number : pegtl::plus<pegtl::digit> {};
struct id_char : pegtl::sor<pegtl::alnum, pegtl::one<'-', '_', '.', ':', '/'>> {};

// Numbers are matched loosely here and validated by the X3 value parsers (values.h) in actions, so
// the range checks and their wording live in one place.
struct port_text : pegtl::seq<number, pegtl::opt<pegtl::one<'-'>, number>> {};
struct icmp_number : pegtl::seq<pegtl::opt<pegtl::one<'-'>>, number> {};
struct icmp_text : pegtl::seq<icmp_number, pegtl::opt<pegtl::one<':'>, icmp_number>> {};
struct proto_number : number {};
struct slash : pegtl::one<'/'> {};

struct kw_tcp : pegtl::istring<'t', 'c', 'p'> {};
struct kw_udp : pegtl::istring<'u', 'd', 'p'> {};
struct kw_icmpv6 : pegtl::istring<'i', 'c', 'm', 'p', 'v', '6'> {};
struct kw_icmp : pegtl::istring<'i', 'c', 'm', 'p'> {};
struct kw_proto : pegtl::istring<'p', 'r', 'o', 't', 'o'> {};
struct kw_all : pegtl::seq<pegtl::istring<'a', 'l', 'l'>, pegtl::not_at<id_char>> {};

struct tcp_service : pegtl::if_must<kw_tcp, slash, port_text> {};
struct udp_service : pegtl::if_must<kw_udp, slash, port_text> {};
struct icmpv6_service : pegtl::seq<kw_icmpv6, pegtl::opt<slash, pegtl::must<icmp_text>>> {};
struct icmp_service : pegtl::seq<kw_icmp, pegtl::opt<slash, pegtl::must<icmp_text>>> {};
struct proto_service : pegtl::if_must<kw_proto, slash, proto_number> {};
struct all_service : kw_all {};
// icmpv6 before icmp: the longer keyword first.
struct service : pegtl::sor<tcp_service, udp_service, icmpv6_service, icmp_service, proto_service,
                            all_service> {};

struct hex_id : pegtl::seq<pegtl::plus<pegtl::xdigit>, pegtl::not_at<id_char>> {};
struct interface_id : pegtl::if_must<pegtl::string<'e', 'n', 'i', '-'>, hex_id> {};
struct instance_id : pegtl::if_must<pegtl::string<'i', '-'>, hex_id> {};
struct group_id : pegtl::if_must<pegtl::string<'s', 'g', '-'>, hex_id> {};
// A group named the way templates name it: a CloudFormation logical id (AppSG), a Terraform
// resource address (aws_security_group.web, module.net.aws_security_group.db["a"]), or a group
// name. It starts with a letter or '_' (addresses start with a digit or ':'), and a ':' or '/'
// right after it makes it an IPv6 address or CIDR instead (fe80::1, abcd::/16). The inventory
// decides what it names (resolve_flow_names()).
struct name_char : pegtl::sor<pegtl::alnum, pegtl::one<'_', '-', '.', '[', ']', '"'>> {};
// The address keywords end where a name could not go on: `internet-gw`, `all_hosts` and
// `all#Sg` are names, not keywords. A group named like a keyword is written by its id.
struct keyword_end : pegtl::not_at<pegtl::sor<name_char, id_char, pegtl::one<'#'>>> {};
struct internet4
    : pegtl::seq<pegtl::istring<'i', 'n', 't', 'e', 'r', 'n', 'e', 't', '4'>, keyword_end> {};
struct internet6
    : pegtl::seq<pegtl::istring<'i', 'n', 't', 'e', 'r', 'n', 'e', 't', '6'>, keyword_end> {};
struct internet : pegtl::seq<pegtl::istring<'i', 'n', 't', 'e', 'r', 'n', 'e', 't'>, keyword_end> {};
// `all` as an endpoint: every address of the flow's family (0.0.0.0/0 or ::/0).
struct all_addresses : pegtl::seq<pegtl::istring<'a', 'l', 'l'>, keyword_end> {};
struct group_name : pegtl::seq<pegtl::sor<pegtl::alpha, pegtl::one<'_'>>, pegtl::star<name_char>,
                               pegtl::not_at<pegtl::one<':', '/'>>> {};
// A template group qualified by its file, as sgcheck shows it when two templates share a logical
// id: stacks/web.yaml#InstanceSecurityGroup (the file as the user named it, any characters but
// blanks and '#').
struct file_name : pegtl::plus<pegtl::not_one<' ', '\t', '#'>> {};
struct qualified_group_name : pegtl::seq<file_name, pegtl::one<'#'>, group_name> {};
// AWS's published ranges of a service: aws:EC2_INSTANCE_CONNECT, aws:S3@eu-west-1. The names are
// checked against the snapshot in the actions (include/sgcheck/ranges.h).
struct aws_service_name : pegtl::plus<pegtl::sor<pegtl::alnum, pegtl::one<'_'>>> {};
struct aws_region_name : pegtl::plus<pegtl::sor<pegtl::alnum, pegtl::one<'-'>>> {};
struct aws_region : pegtl::if_must<pegtl::one<'@'>, aws_region_name> {};
struct aws_end : keyword_end {};
struct aws_range : pegtl::seq<pegtl::istring<'a', 'w', 's'>, pegtl::one<':'>,
                              pegtl::must<aws_service_name>, pegtl::opt<aws_region>,
                              pegtl::must<aws_end>> {};
// Any run of the characters addresses and CIDRs are made of; parse_cidr() decides.
struct address_text : pegtl::plus<pegtl::sor<pegtl::xdigit, pegtl::one<'.', ':', '/'>>> {};
struct endpoint : pegtl::sor<interface_id, instance_id, group_id, aws_range, internet4, internet6,
                             internet, all_addresses, qualified_group_name, group_name, address_text> {};

struct source : endpoint {};
struct destination : endpoint {};
// at<> first, so that a failure points at the start of the word, not inside it.
template <typename Word>
struct keyword : pegtl::seq<pegtl::at<Word, pegtl::not_at<id_char>>, Word> {};
struct kw_from : keyword<pegtl::istring<'f', 'r', 'o', 'm'>> {};
struct kw_to : keyword<pegtl::istring<'t', 'o'>> {};
struct space_after_service : ws {};
struct space_after_source : ws {};
struct space_after_keyword : ws {};
struct flow_end : pegtl::seq<pegtl::opt<ws>, pegtl::eof> {};
struct flow : pegtl::seq<pegtl::opt<ws>, pegtl::must<service, space_after_service, kw_from,
                                                     space_after_keyword, source,
                                                     space_after_source, kw_to,
                                                     space_after_keyword, destination, flow_end>> {};
// One endpoint alone (exposure --target) and one service alone (matrix --service), read by the
// same rules and actions as inside a flow.
struct endpoint_end : pegtl::seq<pegtl::opt<ws>, pegtl::eof> {};
struct lone_endpoint : pegtl::seq<pegtl::opt<ws>, pegtl::must<destination, endpoint_end>> {};
struct service_end : pegtl::seq<pegtl::opt<ws>, pegtl::eof> {};
struct lone_service : pegtl::seq<pegtl::opt<ws>, pegtl::must<service, service_end>> {};
// clang-format on

// The message for each rule that can fail under must<>: what was expected there.
template <typename Rule>
inline constexpr const char* error_message = nullptr;

#define SGCHECK_FLOW_ERROR(rule, text) \
  template <>                          \
  inline constexpr const char* error_message<rule> = text
inline constexpr const char* kEndpointExpected =
    "expected an endpoint: an IPv4 or IPv6 address, a CIDR, eni-…, i-…, sg-…, a group's logical "
    "id or resource address, internet, internet4, internet6 or all";
SGCHECK_FLOW_ERROR(service,
                   "expected a service: tcp/PORTS, udp/PORTS, icmp[/TYPE[:CODE]], "
                   "icmpv6[/TYPE[:CODE]], proto/NUMBER or all");
SGCHECK_FLOW_ERROR(slash, "expected '/' after the protocol");
SGCHECK_FLOW_ERROR(port_text, "expected a port or port range (0-65535), e.g. 22 or 1024-2047");
SGCHECK_FLOW_ERROR(icmp_text, "expected an ICMP type, optionally with a code: TYPE or TYPE:CODE");
SGCHECK_FLOW_ERROR(proto_number, "expected a protocol number (0-255)");
SGCHECK_FLOW_ERROR(hex_id, "expected hexadecimal digits after the id prefix, e.g. eni-0a1b2c3d");
SGCHECK_FLOW_ERROR(space_after_service, "expected a space and 'from' after the service");
SGCHECK_FLOW_ERROR(kw_from, "expected 'from' after the service");
SGCHECK_FLOW_ERROR(space_after_source, "expected a space and 'to' after the source");
SGCHECK_FLOW_ERROR(kw_to, "expected 'to' after the source");
SGCHECK_FLOW_ERROR(space_after_keyword, "expected a space, then an endpoint");
SGCHECK_FLOW_ERROR(source, kEndpointExpected);
SGCHECK_FLOW_ERROR(destination, kEndpointExpected);
SGCHECK_FLOW_ERROR(endpoint, kEndpointExpected);
SGCHECK_FLOW_ERROR(aws_service_name,
                   "expected an AWS service name after 'aws:', e.g. aws:EC2_INSTANCE_CONNECT");
SGCHECK_FLOW_ERROR(aws_region_name, "expected an AWS Region after '@', e.g. @ap-northeast-2");
SGCHECK_FLOW_ERROR(aws_end, "unexpected character in aws:SERVICE[@REGION]");
SGCHECK_FLOW_ERROR(flow_end, "unexpected text after the destination");
SGCHECK_FLOW_ERROR(endpoint_end, "unexpected text after the endpoint");
SGCHECK_FLOW_ERROR(service_end, "unexpected text after the service");
#undef SGCHECK_FLOW_ERROR

// must_if's error table: messages only under must<> (a rule with a message that fails inside a
// sor<> backtracks as usual).
struct errors {
  template <typename Rule>
  static constexpr const char* message = error_message<Rule>;
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};

template <typename Rule>
using control = pegtl::must_if<errors>::control<Rule>;

}  // namespace sgcheck::flow_grammar
