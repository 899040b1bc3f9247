// The PEGTL grammar of policy files (product.md §6). SERVICES reuses the flow grammar's `service`
// and ADDRESSES its `address_text` (src/engine/flow_grammar.h). Pure grammar plus the error table:
// actions live in parse.cc. Every rule that can fail under must<> has a message; `control` refuses
// to compile a must<> without one and appends what was found, so PEGTL's generic "parse error
// matching …" never reaches a user.
#pragma once

#include <string>
#include <tao/pegtl.hpp>

#include "engine/flow_grammar.h"

namespace sgcheck::policy_grammar {

namespace pegtl = tao::pegtl;
namespace fg = flow_grammar;

// clang-format off
struct sp : pegtl::star<pegtl::blank> {};
struct comment : pegtl::seq<pegtl::one<'#'>, pegtl::star<pegtl::not_one<'\n', '\r'>>> {};
// Blank lines, spaces and comments between statements and rules.
struct gap : pegtl::star<pegtl::sor<pegtl::blank, pegtl::eol, comment>> {};
struct word_char : pegtl::sor<pegtl::alnum, pegtl::one<'-', '_'>> {};
template <typename Word>
struct kw : pegtl::seq<Word, pegtl::not_at<word_char>> {};
// A comma between list items; a list may continue on the next line after a comma.
struct list_sep : pegtl::seq<sp, pegtl::one<','>, gap> {};
// The end of a statement: a comment, the end of the line, or the rule's closing brace.
struct stmt_end : pegtl::seq<sp, pegtl::opt<comment>,
                             pegtl::sor<pegtl::eol, pegtl::eof, pegtl::at<pegtl::one<'}'>>>> {};

// Quoted strings: "…" with \" and \\, on one line.
struct str_char : pegtl::sor<pegtl::seq<pegtl::one<'\\'>, pegtl::one<'"', '\\'>>,
                             pegtl::not_one<'"', '\\', '\n', '\r'>> {};
struct string_body : pegtl::star<str_char> {};
struct string_close : pegtl::one<'"'> {};
template <typename Tag>
struct quoted : pegtl::seq<pegtl::one<'"'>, string_body, pegtl::must<string_close>> {};

struct k_rule : kw<TAO_PEGTL_STRING("rule")> {};
struct k_title : kw<TAO_PEGTL_STRING("title")> {};
struct k_severity : kw<TAO_PEGTL_STRING("severity")> {};
struct k_refs : kw<TAO_PEGTL_STRING("refs")> {};
struct k_help : kw<TAO_PEGTL_STRING("help")> {};
struct k_on : kw<TAO_PEGTL_STRING("on")> {};
struct k_forbid : kw<TAO_PEGTL_STRING("forbid")> {};
struct k_require : kw<TAO_PEGTL_STRING("require")> {};
struct k_every : kw<TAO_PEGTL_STRING("every")> {};
struct k_except : kw<TAO_PEGTL_STRING("except")> {};
struct k_group : kw<TAO_PEGTL_STRING("group")> {};
struct k_tag : kw<TAO_PEGTL_STRING("tag")> {};
struct k_default_group : kw<TAO_PEGTL_STRING("default-group")> {};
struct k_ingress : kw<TAO_PEGTL_STRING("ingress")> {};
struct k_egress : kw<TAO_PEGTL_STRING("egress")> {};
struct k_from : kw<TAO_PEGTL_STRING("from")> {};
struct k_to : kw<TAO_PEGTL_STRING("to")> {};
struct k_covering : kw<TAO_PEGTL_STRING("covering")> {};
struct k_more : kw<TAO_PEGTL_STRING("more")> {};
struct k_than : kw<TAO_PEGTL_STRING("than")> {};
struct k_but : kw<TAO_PEGTL_STRING("but")> {};
struct k_not : kw<TAO_PEGTL_STRING("not")> {};
struct k_all_word : kw<TAO_PEGTL_STRING("all")> {};
struct k_of : kw<TAO_PEGTL_STRING("of")> {};

// ---- Rule header
struct rule_id : pegtl::seq<pegtl::alpha, pegtl::star<pegtl::sor<pegtl::alnum, pegtl::one<'-', '_', '.'>>>,
                            pegtl::not_at<word_char>> {};
struct open_brace : pegtl::one<'{'> {};
struct close_brace : pegtl::one<'}'> {};

// ---- Metadata
struct title_tag {};
struct help_tag {};
struct ref_tag {};
struct title_text : quoted<title_tag> {};
struct help_text : quoted<help_tag> {};
struct ref_text : quoted<ref_tag> {};
struct sev_critical : kw<TAO_PEGTL_STRING("critical")> {};
struct sev_high : kw<TAO_PEGTL_STRING("high")> {};
struct sev_medium : kw<TAO_PEGTL_STRING("medium")> {};
struct sev_low : kw<TAO_PEGTL_STRING("low")> {};
struct sev_info : kw<TAO_PEGTL_STRING("info")> {};
struct severity_word : pegtl::sor<sev_critical, sev_high, sev_medium, sev_low, sev_info> {};
struct title_stmt : pegtl::if_must<k_title, sp, title_text, stmt_end> {};
struct help_stmt : pegtl::if_must<k_help, sp, help_text, stmt_end> {};
struct severity_stmt : pegtl::if_must<k_severity, sp, severity_word, stmt_end> {};
struct more_refs : pegtl::star<list_sep, pegtl::must<ref_text>> {};
struct refs_stmt : pegtl::if_must<k_refs, sp, ref_text, more_refs, stmt_end> {};

// ---- Targets
struct pattern_tag {};
struct bare_pattern : pegtl::plus<pegtl::sor<pegtl::alnum, pegtl::one<'-', '_', '.', '*', '?', '/', ':'>>> {};
struct group_pattern : pegtl::sor<quoted<pattern_tag>, bare_pattern> {};
struct on_group : pegtl::if_must<k_group, sp, group_pattern> {};
struct key_tag {};
struct value_tag {};
struct tag_key : pegtl::sor<quoted<key_tag>,
                            pegtl::plus<pegtl::not_one<'=', ' ', '\t', '\n', '\r', '#', '"'>>> {};
struct tag_equals : pegtl::one<'='> {};
struct tag_value : pegtl::sor<quoted<value_tag>, pegtl::plus<pegtl::not_one<' ', '\t', '\n', '\r', '#'>>> {};
struct on_tag : pegtl::if_must<k_tag, sp, tag_key, tag_equals, tag_value> {};
struct on_default : k_default_group {};
struct on_target : pegtl::sor<on_group, on_tag, on_default> {};
struct on_stmt : pegtl::if_must<k_on, sp, on_target, stmt_end> {};

// ---- Services: the flow grammar's SERVICE, in lists, with except
struct include_service : fg::service {};
struct exclude_service : fg::service {};
struct include_services : pegtl::seq<include_service, pegtl::star<list_sep, pegtl::must<include_service>>> {};
struct exclude_services : pegtl::seq<exclude_service, pegtl::star<list_sep, pegtl::must<exclude_service>>> {};
struct services : pegtl::seq<include_services,
                             pegtl::opt<pegtl::if_must<pegtl::seq<sp, k_except>, sp, exclude_services>>> {};

// ---- Addresses
struct addr_internet : kw<TAO_PEGTL_STRING("internet")> {};
struct addr_internet4 : kw<TAO_PEGTL_STRING("internet4")> {};
struct addr_internet6 : kw<TAO_PEGTL_STRING("internet6")> {};
struct addr_private : kw<TAO_PEGTL_STRING("private")> {};
struct addr_vpc : kw<TAO_PEGTL_STRING("vpc")> {};
struct addr_any : kw<TAO_PEGTL_STRING("any")> {};
struct group_ref : group_pattern {};
struct addr_group : pegtl::if_must<k_group, sp, group_ref> {};
struct k_prefix_list : kw<TAO_PEGTL_STRING("prefix-list")> {};
struct prefix_list_id : pegtl::seq<TAO_PEGTL_STRING("pl-"), pegtl::plus<pegtl::alnum>, pegtl::not_at<word_char>> {};
struct addr_prefix_list : pegtl::if_must<k_prefix_list, sp, prefix_list_id> {};
// aws:SERVICE[@REGION], as flows write it (before addr_cidr: `a` would start an address).
struct addr_aws : fg::aws_range {};
// The flow grammar's run of address characters, as a whole word; parse_cidr() decides.
struct addr_cidr : pegtl::seq<fg::address_text, pegtl::not_at<word_char>> {};
struct address_item : pegtl::sor<addr_internet, addr_internet4, addr_internet6, addr_private, addr_vpc,
                                 addr_any, addr_group, addr_prefix_list, addr_aws, addr_cidr> {};
struct include_address : address_item {};
struct exclude_address : address_item {};
struct include_addresses : pegtl::seq<include_address, pegtl::star<list_sep, pegtl::must<include_address>>> {};
struct exclude_addresses : pegtl::seq<exclude_address, pegtl::star<list_sep, pegtl::must<exclude_address>>> {};
struct addresses : pegtl::seq<include_addresses,
                              pegtl::opt<pegtl::if_must<pegtl::seq<sp, k_except>, sp, exclude_addresses>>> {};

// ---- Clauses
struct direction : pegtl::sor<k_ingress, k_egress> {};
struct from_to : pegtl::sor<k_from, k_to> {};
struct every : k_every {};
struct covering : pegtl::if_must<k_covering, sp, addresses> {};
struct slash_n : pegtl::one<'/'> {};
struct prefix_length : pegtl::plus<pegtl::digit> {};
struct but_not_all : pegtl::if_must<pegtl::seq<sp, k_but>, sp, k_not, sp, k_all_word> {};
struct maybe_but_not_all : pegtl::opt<but_not_all> {};
struct more_than : pegtl::if_must<k_more, sp, k_than, sp, slash_n, prefix_length, maybe_but_not_all,
                                  sp, k_of, sp, addresses> {};
struct condition : pegtl::sor<covering, more_than, addresses> {};
struct maybe_every : pegtl::opt<every, sp> {};
struct forbid_stmt : pegtl::if_must<k_forbid, sp, direction, sp, maybe_every, services, sp,
                                    from_to, sp, condition, stmt_end> {};
struct required_addresses : addresses {};
struct require_stmt : pegtl::if_must<k_require, sp, direction, sp, services, sp, from_to, sp,
                                     required_addresses, stmt_end> {};

// ---- Rules and files
struct statement : pegtl::sor<title_stmt, severity_stmt, refs_stmt, help_stmt, on_stmt, forbid_stmt,
                              require_stmt> {};
struct rule_body : pegtl::seq<gap, pegtl::star<statement, gap>> {};
struct rule_decl : pegtl::if_must<k_rule, sp, rule_id, sp, open_brace, rule_body, close_brace> {};
struct file_end : pegtl::eof {};
struct file : pegtl::seq<gap, pegtl::star<rule_decl, gap>, pegtl::must<file_end>> {};
// clang-format on

// ---- Errors

// What was expected where a rule failed under must<>. Rules of the flow grammar keep its messages.
template <typename Rule>
inline constexpr const char* error_message = fg::error_message<Rule>;

#define SGCHECK_POLICY_ERROR(rule, text) \
  template <>                            \
  inline constexpr const char* error_message<rule> = text

inline constexpr const char* kServicesExpected =
    "expected services: tcp/PORTS, udp/PORTS, icmp[/TYPE[:CODE]], icmpv6[/TYPE[:CODE]], "
    "proto/NUMBER or all";
inline constexpr const char* kAddressesExpected =
    "expected addresses: a CIDR, internet, internet4, internet6, private, vpc, any, "
    "group NAME-OR-ID, prefix-list ID or aws:SERVICE[@REGION]";
inline constexpr const char* kStatementExpected =
    "expected a statement (title, severity, refs, help, on, forbid, require) or '}' to close the "
    "rule";
SGCHECK_POLICY_ERROR(sp, "expected a space");
// Rules that cannot fail but sit under must<>: the control still wants a message for each.
SGCHECK_POLICY_ERROR(more_refs, "expected more references");
SGCHECK_POLICY_ERROR(maybe_every, "expected 'every' or services");
SGCHECK_POLICY_ERROR(maybe_but_not_all, "expected 'but not all' or 'of'");
SGCHECK_POLICY_ERROR(gap, "expected a space or a new line");
SGCHECK_POLICY_ERROR(stmt_end, "expected the end of the statement (a new line)");
SGCHECK_POLICY_ERROR(string_close, "unterminated string: expected '\"' before the end of the line");
SGCHECK_POLICY_ERROR(rule_id,
                     "expected a rule id (a letter, then letters, digits, '-', '_' or '.'), "
                     "e.g. ACME-DB-1");
SGCHECK_POLICY_ERROR(open_brace, "expected '{' after the rule id");
SGCHECK_POLICY_ERROR(rule_body, kStatementExpected);
SGCHECK_POLICY_ERROR(close_brace, kStatementExpected);
SGCHECK_POLICY_ERROR(file_end, "expected a rule: rule ID { … }");
SGCHECK_POLICY_ERROR(title_text, "expected the title as a quoted string, e.g. \"SSH open\"");
SGCHECK_POLICY_ERROR(help_text, "expected the help text as a quoted string");
SGCHECK_POLICY_ERROR(ref_text, "expected a reference as a quoted string, e.g. \"CIS 5.2\"");
SGCHECK_POLICY_ERROR(severity_word, "expected a severity (critical, high, medium, low, info)");
SGCHECK_POLICY_ERROR(on_target,
                     "expected a target: group NAME-OR-ID, tag KEY=VALUE or default-group");
SGCHECK_POLICY_ERROR(group_pattern,
                     "expected a group name or id after 'group' (* and ? match any text)");
SGCHECK_POLICY_ERROR(group_ref, "expected a group name or id after 'group'");
SGCHECK_POLICY_ERROR(tag_key, "expected a tag key after 'tag', then '=' and the value");
SGCHECK_POLICY_ERROR(tag_equals, "expected '=' between the tag's key and value");
SGCHECK_POLICY_ERROR(tag_value, "expected the tag's value after '='");
SGCHECK_POLICY_ERROR(include_service, kServicesExpected);
SGCHECK_POLICY_ERROR(exclude_service, kServicesExpected);
SGCHECK_POLICY_ERROR(services, kServicesExpected);
SGCHECK_POLICY_ERROR(exclude_services, kServicesExpected);
SGCHECK_POLICY_ERROR(include_address, kAddressesExpected);
SGCHECK_POLICY_ERROR(exclude_address, kAddressesExpected);
SGCHECK_POLICY_ERROR(addresses, kAddressesExpected);
SGCHECK_POLICY_ERROR(exclude_addresses, kAddressesExpected);
SGCHECK_POLICY_ERROR(required_addresses, kAddressesExpected);
SGCHECK_POLICY_ERROR(prefix_list_id,
                     "expected a prefix list id after 'prefix-list', e.g. pl-0a1b2c3d");
SGCHECK_POLICY_ERROR(direction, "expected a direction (ingress, egress)");
SGCHECK_POLICY_ERROR(from_to, "expected 'from' (with ingress) or 'to' (with egress)");
SGCHECK_POLICY_ERROR(condition,
                     "expected a condition: ADDRESSES, covering ADDRESSES or more than /N [but not "
                     "all] of ADDRESSES");
SGCHECK_POLICY_ERROR(k_than, "expected 'than' after 'more'");
SGCHECK_POLICY_ERROR(slash_n, "expected '/N', a prefix length, after 'more than'");
SGCHECK_POLICY_ERROR(prefix_length, "expected a prefix length (0-128) after '/'");
SGCHECK_POLICY_ERROR(k_not, "expected 'not all' after 'but'");
SGCHECK_POLICY_ERROR(k_all_word, "expected 'all' after 'but not'");
SGCHECK_POLICY_ERROR(k_of, "expected 'of' before the addresses");
#undef SGCHECK_POLICY_ERROR

// "found \"hgh\"", "found end of line", "found end of input": what stands where a rule failed.
inline std::string found_text(const char* p, const char* end) {
  if (p == end) return "found end of input";
  if (*p == '\n' || *p == '\r') return "found end of line";
  const char* q = p;
  const auto stops = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '{' || c == '}';
  };
  if (stops(*q)) {
    ++q;
  } else {
    while (q != end && !stops(*q) && q - p < 40) ++q;
  }
  return "found \"" + std::string(p, q) + "\"";
}

// Every rule matches with rewinding, so that a failure under must<> is reported at the start of the
// rule that failed, not inside it; raise() adds what was found there.
template <typename Rule>
struct control : pegtl::normal<Rule> {
  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  [[nodiscard]] static bool match(Input& in, States&&... st) {
    return pegtl::normal<Rule>::template match<A, pegtl::rewind_mode::required, Action, Control>(
        in, st...);
  }

  // Reported at the first non-blank character: "found \"foo\"", not "found \" \"".
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    static_assert(error_message<Rule> != nullptr, "a rule under must<> needs an error_message");
    pegtl::position pos = in.position();
    const char* p = in.current();
    while (p != in.end() && (*p == ' ' || *p == '\t')) {
      ++p;
      ++pos.byte;
      ++pos.column;
    }
    throw pegtl::parse_error(std::string(error_message<Rule>) + ", " + found_text(p, in.end()),
                             pos);
  }
};

}  // namespace sgcheck::policy_grammar
