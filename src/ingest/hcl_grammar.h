// The PEGTL grammar of HCL native syntax (Terraform's `.tf` and `.tfvars`): bodies of attributes
// and blocks, expressions with HCL's operator precedence, templates with interpolation, heredocs,
// `for` expressions, splats. Pure grammar plus the error table; hcl.cc builds the parse tree and
// hcl_eval.cc evaluates it. Entry point: hcl_grammar::file (and heredoc_body for heredoc contents).
#pragma once

#include <cctype>
#include <string_view>
#include <tao/pegtl.hpp>

namespace sgcheck::hcl_grammar {

namespace pegtl = tao::pegtl;

// clang-format off
struct line_comment : pegtl::seq<pegtl::sor<pegtl::one<'#'>, pegtl::two<'/'>>,
                                 pegtl::star<pegtl::not_one<'\n'>>> {};
struct comment_end : pegtl::string<'*', '/'> {};
struct block_comment : pegtl::if_must<pegtl::string<'/', '*'>,
                                      pegtl::until<comment_end, pegtl::any>> {};
// Within a line (between the parts of an attribute or a block header).
struct sp : pegtl::star<pegtl::sor<pegtl::blank, block_comment>> {};
// Where new lines may appear: between body items and inside brackets and parentheses.
struct w : pegtl::star<pegtl::sor<pegtl::space, line_comment, block_comment>> {};

struct id_first : pegtl::sor<pegtl::alpha, pegtl::one<'_'>> {};
struct id_char : pegtl::sor<pegtl::alnum, pegtl::one<'_', '-'>> {};
struct identifier : pegtl::seq<id_first, pegtl::star<id_char>> {};
template <typename Word>
struct kw : pegtl::seq<Word, pegtl::not_at<id_char>> {};
struct kw_true : kw<TAO_PEGTL_STRING("true")> {};
struct kw_false : kw<TAO_PEGTL_STRING("false")> {};
struct kw_null : kw<TAO_PEGTL_STRING("null")> {};
struct kw_for : kw<TAO_PEGTL_STRING("for")> {};
struct kw_in : kw<TAO_PEGTL_STRING("in")> {};
struct kw_if : kw<TAO_PEGTL_STRING("if")> {};

struct expression;

struct number_lit : pegtl::seq<pegtl::plus<pegtl::digit>,
                               pegtl::opt<pegtl::one<'.'>, pegtl::plus<pegtl::digit>>,
                               pegtl::opt<pegtl::one<'e', 'E'>, pegtl::opt<pegtl::one<'+', '-'>>,
                                          pegtl::plus<pegtl::digit>>> {};

// ---- Templates: "…" with ${…} interpolation; %{…} directives are kept whole (not evaluated).
struct escape : pegtl::seq<pegtl::one<'\\'>,
                           pegtl::sor<pegtl::one<'n', 'r', 't', '"', '\\'>,
                                      pegtl::seq<pegtl::one<'u'>, pegtl::rep<4, pegtl::xdigit>>,
                                      pegtl::seq<pegtl::one<'U'>, pegtl::rep<8, pegtl::xdigit>>>> {};
struct close_interpolation : pegtl::one<'}'> {};
struct interpolation : pegtl::if_must<pegtl::string<'$', '{'>, pegtl::opt<pegtl::one<'~'>>, w,
                                      expression, w, pegtl::opt<pegtl::one<'~'>>,
                                      close_interpolation> {};
struct directive : pegtl::if_must<pegtl::string<'%', '{'>,
                                  pegtl::until<close_interpolation, pegtl::not_one<'\n'>>> {};
struct literal_dollar : pegtl::string<'$', '$', '{'> {};
struct literal_percent : pegtl::string<'%', '%', '{'> {};
struct template_char : pegtl::sor<escape, literal_dollar, literal_percent,
                                  pegtl::seq<pegtl::not_at<pegtl::sor<pegtl::string<'$', '{'>,
                                                                      pegtl::string<'%', '{'>>>,
                                             pegtl::not_one<'"', '\\', '\n'>>> {};
struct template_literal : pegtl::plus<template_char> {};
struct close_quote : pegtl::one<'"'> {};
struct template_part : pegtl::sor<pegtl::seq<pegtl::at<pegtl::string<'$', '{'>>, interpolation>,
                                 pegtl::seq<pegtl::at<pegtl::string<'%', '{'>>, directive>,
                                 template_literal> {};
struct quoted_template : pegtl::if_must<pegtl::one<'"'>, pegtl::star<template_part>, close_quote> {};
// A heredoc's lines as a template: anything but interpolations and directives is literal text.
struct heredoc_char : pegtl::sor<literal_dollar, literal_percent,
                                 pegtl::seq<pegtl::not_at<pegtl::sor<pegtl::string<'$', '{'>,
                                                                     pegtl::string<'%', '{'>>>,
                                            pegtl::any>> {};
struct heredoc_literal : pegtl::plus<heredoc_char> {};
struct heredoc_body : pegtl::seq<pegtl::star<pegtl::sor<pegtl::seq<pegtl::at<pegtl::string<'$', '{'>>, interpolation>,
                                                        pegtl::seq<pegtl::at<pegtl::string<'%', '{'>>, directive>,
                                                        heredoc_literal>>,
                                 pegtl::eof> {};

// <<EOF … EOF and <<-EOF … EOF: matched whole (the closing marker must equal the opening one,
// which a PEG cannot say); hcl_eval.cc reads the lines between through heredoc_body.
struct heredoc {
  using rule_t = heredoc;
  using subs_t = pegtl::empty_list;
  template <pegtl::apply_mode, pegtl::rewind_mode, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  static bool match(Input& in, States&&... /*unused*/) {
    const char* p = in.current();
    const char* end = in.end();
    if (end - p < 3 || p[0] != '<' || p[1] != '<') return false;
    const char* q = p + 2;
    if (q < end && *q == '-') ++q;
    const char* marker = q;
    while (q < end && (std::isalnum(static_cast<unsigned char>(*q)) || *q == '_')) ++q;
    if (q == marker) return false;
    const std::string_view name(marker, static_cast<std::size_t>(q - marker));
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    if (q >= end || *q != '\n') return false;
    ++q;
    while (q < end) {  // q is at the start of a line
      const char* line = q;
      while (q < end && (*q == ' ' || *q == '\t')) ++q;
      if (static_cast<std::size_t>(end - q) >= name.size() &&
          std::string_view(q, name.size()) == name) {
        const char* after = q + name.size();
        const char* t = after;
        while (t < end && (*t == ' ' || *t == '\t' || *t == '\r')) ++t;
        if (t == end || *t == '\n') {
          in.bump(static_cast<std::size_t>(after - p));
          return true;
        }
      }
      (void)line;
      while (q < end && *q != '\n') ++q;
      if (q < end) ++q;
    }
    return false;
  }
};

// ---- Collections and for expressions
struct comma : pegtl::one<','> {};
struct ellipsis : pegtl::string<'.', '.', '.'> {};
struct close_bracket : pegtl::one<']'> {};
struct close_brace : pegtl::one<'}'> {};
struct close_paren : pegtl::one<')'> {};
struct for_key : identifier {};
struct for_value : identifier {};
struct for_colon : pegtl::one<':'> {};
struct for_intro : pegtl::seq<kw_for, w, pegtl::must<for_key>, w,
                              pegtl::opt<comma, w, pegtl::must<for_value>, w>, pegtl::must<kw_in>, w,
                              pegtl::must<expression>, w, pegtl::must<for_colon>, w> {};
struct for_cond : pegtl::seq<kw_if, w, pegtl::must<expression>> {};
struct for_arrow : pegtl::string<'=', '>'> {};
struct for_group : ellipsis {};
struct for_tuple : pegtl::seq<pegtl::one<'['>, w, for_intro, pegtl::must<expression>, w,
                              pegtl::opt<pegtl::at<kw_if>, for_cond, w>, pegtl::must<close_bracket>> {};
struct for_object : pegtl::seq<pegtl::one<'{'>, w, for_intro, pegtl::must<expression>, w,
                               pegtl::must<for_arrow>, w, pegtl::must<expression>, w,
                               pegtl::opt<pegtl::at<ellipsis>, for_group, w>,
                               pegtl::opt<pegtl::at<kw_if>, for_cond, w>,
                               pegtl::must<close_brace>> {};
struct tuple : pegtl::if_must<pegtl::one<'['>, w,
                              pegtl::opt<expression, w, pegtl::star<comma, w, expression, w>,
                                         pegtl::opt<comma, w>>,
                              close_bracket> {};
struct key_equals : pegtl::sor<pegtl::seq<pegtl::one<'='>, pegtl::not_at<pegtl::one<'=', '>'>>>,
                               pegtl::one<':'>> {};
// A bare identifier as an object key is the key's text, not a variable.
struct bare_key : pegtl::seq<identifier, pegtl::at<w, key_equals>> {};
struct object_key : pegtl::sor<pegtl::seq<pegtl::at<identifier, w, key_equals>, bare_key>,
                               expression> {};
struct object_item : pegtl::seq<object_key, w, pegtl::must<key_equals>, w, pegtl::must<expression>> {};
struct object : pegtl::if_must<pegtl::one<'{'>, w,
                               pegtl::star<object_item, w, pegtl::opt<comma>, w>, close_brace> {};

// ---- Terms, traversals and operators
struct function_name : pegtl::seq<identifier, pegtl::star<pegtl::string<':', ':'>, identifier>> {};
struct call_args : pegtl::opt<expression, w, pegtl::star<comma, w, expression, w>,
                              pegtl::opt<pegtl::at<pegtl::one<'.'>>, ellipsis, w>, pegtl::opt<comma, w>> {};
struct function_call : pegtl::seq<function_name, pegtl::one<'('>, w, call_args,
                                  pegtl::must<close_paren>> {};
struct variable : identifier {};
struct parens : pegtl::if_must<pegtl::one<'('>, w, expression, w, close_paren> {};
// The lookaheads keep the parse tree from building (and dropping) a node for each alternative
// that fails: a for expression is told by its `for`, a call by its `(`.
// (Only unselected rules inside at<>: the parse tree builds nodes there too.)
struct for_ahead : pegtl::seq<w, kw_for> {};
struct call_ahead : pegtl::seq<identifier, pegtl::star<pegtl::string<':', ':'>, identifier>,
                               pegtl::one<'('>> {};
template <typename Ahead, typename Rule>
struct if_at : pegtl::seq<pegtl::at<Ahead>, Rule> {};
struct primary : pegtl::sor<if_at<pegtl::digit, number_lit>,
                            if_at<pegtl::seq<TAO_PEGTL_STRING("true"), pegtl::not_at<id_char>>, kw_true>,
                            if_at<pegtl::seq<TAO_PEGTL_STRING("false"), pegtl::not_at<id_char>>, kw_false>,
                            if_at<pegtl::seq<TAO_PEGTL_STRING("null"), pegtl::not_at<id_char>>, kw_null>,
                            if_at<pegtl::one<'"'>, quoted_template>,
                            if_at<pegtl::string<'<', '<'>, heredoc>,
                            if_at<pegtl::seq<pegtl::one<'['>, for_ahead>, for_tuple>,
                            if_at<pegtl::one<'['>, tuple>,
                            if_at<pegtl::seq<pegtl::one<'{'>, for_ahead>, for_object>,
                            if_at<pegtl::one<'{'>, object>,
                            if_at<call_ahead, function_call>,
                            parens, variable> {};
struct attr_name : pegtl::sor<identifier, pegtl::plus<pegtl::digit>> {};
struct get_attr : pegtl::seq<pegtl::one<'.'>, attr_name> {};
struct attr_splat : pegtl::string<'.', '*'> {};
struct full_splat : pegtl::seq<pegtl::one<'['>, w, pegtl::one<'*'>, w, pegtl::one<']'>> {};
struct index : pegtl::if_must<pegtl::one<'['>, w, expression, w, close_bracket> {};
struct postfix : pegtl::sor<if_at<pegtl::string<'.', '*'>, attr_splat>,
                            if_at<pegtl::one<'.'>, get_attr>,
                            if_at<pegtl::seq<pegtl::one<'['>, w, pegtl::one<'*'>>, full_splat>,
                            if_at<pegtl::one<'['>, index>> {};
struct term : pegtl::seq<primary, pegtl::star<postfix>> {};
struct negate : pegtl::one<'-'> {};
struct logical_not : pegtl::one<'!'> {};
struct unary;
struct unary_op : pegtl::seq<pegtl::sor<negate, logical_not>, w, pegtl::must<unary>> {};
struct unary : pegtl::sor<if_at<pegtl::one<'-', '!'>, unary_op>, term> {};
struct op_mul : pegtl::sor<pegtl::one<'*'>, pegtl::seq<pegtl::one<'/'>, pegtl::not_at<pegtl::one<'/', '*'>>>,
                           pegtl::one<'%'>> {};
struct op_add : pegtl::sor<pegtl::one<'+'>, pegtl::one<'-'>> {};
struct op_cmp : pegtl::sor<pegtl::string<'>', '='>, pegtl::string<'<', '='>, pegtl::one<'>'>,
                           pegtl::seq<pegtl::one<'<'>, pegtl::not_at<pegtl::one<'<'>>>> {};
struct op_eq : pegtl::sor<pegtl::string<'=', '='>, pegtl::string<'!', '='>> {};
struct op_and : pegtl::string<'&', '&'> {};
struct op_or : pegtl::string<'|', '|'> {};
// `First` holds the first characters of the level's operators, so that no node is built for an
// operator that is not there.
template <typename Operand, typename Op, typename First>
struct binary : pegtl::seq<Operand, pegtl::star<pegtl::at<w, First>, w, Op, w, pegtl::must<Operand>>> {};
struct product : binary<unary, op_mul, pegtl::one<'*', '/', '%'>> {};
struct sum : binary<product, op_add, pegtl::one<'+', '-'>> {};
struct comparison : binary<sum, op_cmp, pegtl::one<'<', '>'>> {};
struct equality : binary<comparison, op_eq, pegtl::sor<pegtl::string<'=', '='>, pegtl::string<'!', '='>>> {};
struct conjunction : binary<equality, op_and, pegtl::one<'&'>> {};
struct disjunction : binary<conjunction, op_or, pegtl::one<'|'>> {};
struct cond_colon : pegtl::one<':'> {};
struct cond_q : pegtl::one<'?'> {};
struct conditional : pegtl::seq<disjunction,
                                pegtl::opt<pegtl::at<w, pegtl::one<'?'>>, w, cond_q, w, pegtl::must<expression>, w,
                                           pegtl::must<cond_colon>, w, pegtl::must<expression>>> {};
struct expression : conditional {};

// ---- Bodies
struct line_end : pegtl::seq<sp, pegtl::opt<line_comment>,
                             pegtl::sor<pegtl::eol, pegtl::eof, pegtl::at<pegtl::one<'}'>>>> {};
struct attr_equals : pegtl::seq<pegtl::one<'='>, pegtl::not_at<pegtl::one<'='>>> {};
struct attr_key : identifier {};
struct attribute : pegtl::seq<attr_key, sp, attr_equals, sp, pegtl::must<expression>,
                              pegtl::must<line_end>> {};
struct label_text : pegtl::star<pegtl::sor<escape, pegtl::not_one<'"', '\\', '\n'>>> {};
struct block_label : pegtl::sor<pegtl::seq<pegtl::one<'"'>, label_text, pegtl::must<close_quote>>,
                                identifier> {};
struct body;
struct block_close : pegtl::one<'}'> {};
struct block_type : identifier {};
struct block : pegtl::seq<block_type,
                          pegtl::star<sp, pegtl::at<pegtl::sor<pegtl::one<'"'>, id_first>>, block_label>,
                          sp, pegtl::one<'{'>,
                          pegtl::must<body>, pegtl::must<block_close>, pegtl::must<line_end>> {};
struct body_item : pegtl::sor<pegtl::seq<pegtl::at<identifier, sp, attr_equals>, attribute>, block> {};
struct body : pegtl::seq<w, pegtl::star<body_item, w>> {};
struct file_end : pegtl::eof {};
struct file : pegtl::seq<pegtl::opt<pegtl::string<'\xEF', '\xBB', '\xBF'>>, body,
                         pegtl::must<file_end>> {};
// clang-format on

// ---- Errors: the rules under must<> that users meet have a message; PEGTL's generic text never
// shows.
template <typename Rule>
inline constexpr const char* error_message = nullptr;
#define SGCHECK_HCL_ERROR(rule, text) \
  template <>                         \
  inline constexpr const char* error_message<rule> = text
inline constexpr const char* kExpressionExpected =
    "expected an expression (a number, string, list, object, reference or function call)";
SGCHECK_HCL_ERROR(expression, kExpressionExpected);
SGCHECK_HCL_ERROR(unary, kExpressionExpected);
SGCHECK_HCL_ERROR(product, kExpressionExpected);
SGCHECK_HCL_ERROR(sum, kExpressionExpected);
SGCHECK_HCL_ERROR(comparison, kExpressionExpected);
SGCHECK_HCL_ERROR(equality, kExpressionExpected);
SGCHECK_HCL_ERROR(conjunction, kExpressionExpected);
SGCHECK_HCL_ERROR(w, "expected a space or a new line");
SGCHECK_HCL_ERROR(comment_end, "unterminated comment: expected '*/'");
SGCHECK_HCL_ERROR(close_interpolation, "expected '}' to close the interpolation");
SGCHECK_HCL_ERROR(close_quote, "unterminated string: expected '\"' before the end of the line");
SGCHECK_HCL_ERROR(close_bracket, "expected ',' or ']'");
SGCHECK_HCL_ERROR(close_brace, "expected an object item (KEY = VALUE) or '}'");
SGCHECK_HCL_ERROR(close_paren, "expected ',' or ')'");
SGCHECK_HCL_ERROR(key_equals, "expected '=' or ':' after the object key");
SGCHECK_HCL_ERROR(for_key, "expected a variable name after 'for'");
SGCHECK_HCL_ERROR(for_value, "expected a second variable name after ','");
SGCHECK_HCL_ERROR(kw_in, "expected 'in' in the for expression");
SGCHECK_HCL_ERROR(for_colon, "expected ':' after the for expression's collection");
SGCHECK_HCL_ERROR(for_arrow, "expected '=>' between the key and the value of a for expression");
SGCHECK_HCL_ERROR(cond_colon, "expected ':' in the conditional expression");
SGCHECK_HCL_ERROR(line_end, "expected a new line after the attribute or block");
SGCHECK_HCL_ERROR(body, "expected an attribute (NAME = VALUE) or a block");
SGCHECK_HCL_ERROR(block_close, "expected an attribute (NAME = VALUE), a block or '}'");
SGCHECK_HCL_ERROR(file_end, "expected an attribute (NAME = VALUE) or a block (TYPE LABELS { … })");
#undef SGCHECK_HCL_ERROR

// Rules without a message of their own (the parts of if_must<> sequences) fail where the text
// is not HCL at all.
inline constexpr const char* kUnexpected = "unexpected text: this is not HCL syntax";
struct errors {
  template <typename Rule>
  static constexpr const char* message =
      error_message<Rule> != nullptr ? error_message<Rule> : kUnexpected;
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};

template <typename Rule>
using control = pegtl::must_if<errors>::control<Rule>;

}  // namespace sgcheck::hcl_grammar
