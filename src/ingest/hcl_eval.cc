// The HCL expression evaluator (see hcl_eval.h): values known or unknown, never guessed. An
// unknown operand makes the result unknown and names the first expression it waits for.
// Entry points: HclEvaluator::evaluate(), call_function().
#include "ingest/hcl_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sgcheck::detail {

namespace {

using Kind = HclValue::Kind;

// An evaluation error: unknown, marked so that try() passes over it.
HclValue failed(std::string_view expression, HclPos pos) {
  HclValue v = HclValue::unknown(std::string(expression), pos);
  v.error = true;
  return v;
}

// The source text of a node for messages, on one line and cut.
std::string expression_text(const HclNode& node) {
  std::string out;
  bool space = false;
  for (const char c : node.text()) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() > 80) {
      out += "…";
      break;
    }
  }
  return out;
}

void sort_members(HclValue& object) {
  std::stable_sort(object.members.begin(), object.members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // A repeated key keeps its last value, as in Terraform's merge().
  std::vector<std::pair<std::string, HclValue>> kept;
  for (auto& m : object.members) {
    if (!kept.empty() && kept.back().first == m.first)
      kept.back().second = std::move(m.second);
    else
      kept.push_back(std::move(m));
  }
  object.members = std::move(kept);
}

std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '$' && text.substr(i, 3) == "$${") {
      out += "${";
      i += 2;
      continue;
    }
    if (c == '%' && text.substr(i, 3) == "%%{") {
      out += "%{";
      i += 2;
      continue;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    const char e = text[++i];
    if (e == 'n')
      out += '\n';
    else if (e == 'r')
      out += '\r';
    else if (e == 't')
      out += '\t';
    else if (e == 'u' || e == 'U') {
      const std::size_t digits = e == 'u' ? 4 : 8;
      const unsigned long code = std::stoul(std::string(text.substr(i + 1, digits)), nullptr, 16);
      i += digits;
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | ((code >> 18) & 0x07));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    } else {
      out += e;
    }
  }
  return out;
}

bool to_number(const HclValue& v, double& out) {
  if (v.kind == Kind::number) {
    out = v.number;
    return true;
  }
  if (v.kind != Kind::string || v.text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(v.text.c_str(), &end);
  return end == v.text.c_str() + v.text.size() && std::isfinite(out);
}

bool to_bool(const HclValue& v, bool& out) {
  if (v.kind == Kind::boolean) {
    out = v.boolean;
    return true;
  }
  if (v.kind == Kind::string && (v.text == "true" || v.text == "false")) {
    out = v.text == "true";
    return true;
  }
  return false;
}

// The elements of a list, or of an object's values (for, splats, functions over collections).
bool elements(const HclValue& v, std::vector<const HclValue*>& out) {
  if (v.kind == Kind::list) {
    for (const HclValue& i : v.items) out.push_back(&i);
    return true;
  }
  if (v.kind == Kind::object) {
    for (const auto& m : v.members) out.push_back(&m.second);
    return true;
  }
  return false;
}

}  // namespace

HclValue HclValue::unknown(std::string expression, HclPos pos, std::string ref) {
  HclValue v;
  v.kind = Kind::unknown;
  v.text = std::move(expression);
  v.ref = std::move(ref);
  v.pos = pos;
  return v;
}

HclValue HclValue::string_value(std::string text, HclPos pos) {
  HclValue v;
  v.kind = Kind::string;
  v.text = std::move(text);
  v.pos = pos;
  return v;
}

HclValue HclValue::number_value(double number, HclPos pos) {
  HclValue v;
  v.kind = Kind::number;
  v.number = number;
  v.pos = pos;
  return v;
}

HclValue HclValue::bool_value(bool value, HclPos pos) {
  HclValue v;
  v.kind = Kind::boolean;
  v.boolean = value;
  v.pos = pos;
  return v;
}

const HclValue* HclValue::member(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

std::uint64_t weigh(HclValue& value) {
  std::uint64_t w = 1 + value.text.size() / 64;
  for (const HclValue& i : value.items) w += i.weight;
  for (const auto& m : value.members) w += m.second.weight;
  value.weight = w;
  return w;
}

std::string number_text(double number) {
  if (std::floor(number) == number && std::fabs(number) < 1e15) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(number));
    return buffer;
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", number);
  return buffer;
}

bool to_text(const HclValue& value, std::string& out) {
  switch (value.kind) {
    case Kind::string:
      out = value.text;
      return true;
    case Kind::number:
      out = number_text(value.number);
      return true;
    case Kind::boolean:
      out = value.boolean ? "true" : "false";
      return true;
    default:
      return false;
  }
}

bool values_equal(const HclValue& a, const HclValue& b) {
  double x = 0, y = 0;
  if (a.kind == Kind::number && b.kind == Kind::number) return a.number == b.number;
  if (a.kind != b.kind) {
    // Terraform converts a number and its string to one type before comparing lists' elements
    // (toset, distinct): "22" and 22 are one value there.
    return (a.kind == Kind::number || b.kind == Kind::number) && to_number(a, x) &&
           to_number(b, y) && x == y;
  }
  switch (a.kind) {
    case Kind::null:
      return true;
    case Kind::boolean:
      return a.boolean == b.boolean;
    case Kind::string:
      return a.text == b.text;
    case Kind::unknown:
      return !a.ref.empty() && a.ref == b.ref;  // the id of one resource is one value
    case Kind::handle:
      return a.text == b.text;
    case Kind::list:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i)
        if (!values_equal(a.items[i], b.items[i])) return false;
      return true;
    case Kind::object:
      if (a.members.size() != b.members.size()) return false;
      for (std::size_t i = 0; i < a.members.size(); ++i)
        if (a.members[i].first != b.members[i].first ||
            !values_equal(a.members[i].second, b.members[i].second))
          return false;
      return true;
    default:
      return false;
  }
}

// ---- The evaluator

const HclValue* HclEvaluator::bound(std::string_view name) const {
  for (auto it = names_.rbegin(); it != names_.rend(); ++it)
    if (it->first == name) return &it->second;
  return nullptr;
}

bool HclEvaluator::spend(std::size_t n) {
  if (steps_ < n) {
    steps_ = 0;
    return false;
  }
  steps_ -= n;
  return true;
}

HclValue HclEvaluator::evaluate(const HclNode& node) {
  const HclPos at = pos(node);
  if (!spend(1)) return HclValue::unknown("evaluation limit reached", at);
  switch (node.kind) {
    case HclKind::number: {
      double n = 0;
      const std::string text(node.text());
      n = std::strtod(text.c_str(), nullptr);
      return HclValue::number_value(n, at);
    }
    case HclKind::true_literal:
      return HclValue::bool_value(true, at);
    case HclKind::false_literal:
      return HclValue::bool_value(false, at);
    case HclKind::null_literal: {
      HclValue v;
      v.pos = at;
      return v;
    }
    case HclKind::quoted_template:
      return quoted(node, false);
    case HclKind::heredoc:
      return heredoc(node);
    case HclKind::tuple: {
      HclValue list;
      list.kind = Kind::list;
      list.pos = at;
      for (const auto& child : node.children) list.items.push_back(evaluate(*child));
      if (!spend(weigh(list))) return HclValue::unknown("evaluation limit reached", at);
      return list;
    }
    case HclKind::object:
      return object(node);
    case HclKind::for_tuple:
      return collection_for(node, false);
    case HclKind::for_object:
      return collection_for(node, true);
    case HclKind::function_call:
      return call(node);
    case HclKind::variable:
    case HclKind::term:
      return term(node);
    case HclKind::unary_op:
      return unary(node);
    case HclKind::conditional:
      return conditional(node);
    default:
      return failed(expression_text(node), at);
  }
}

HclValue HclEvaluator::term(const HclNode& node) {
  const bool bare = node.kind == HclKind::variable;
  const HclNode& root = bare ? node : node.child(0);
  std::size_t next = 1;
  HclValue value;
  if (root.kind == HclKind::variable) {
    const std::string_view name = root.text();
    if (const HclValue* v = bound(name)) {
      value = *v;
    } else {
      value = resolver_.reference(name, node, next, pos(root));
    }
  } else {
    value = evaluate(root);
  }
  if (bare) return value;
  return postfix(std::move(value), node, next);
}

// The traversal steps of `term` from `from` on, a splat applying the rest to each element.
HclValue HclEvaluator::postfix(HclValue value, const HclNode& term, std::size_t from) {
  for (std::size_t i = from; i < term.children.size(); ++i) {
    const HclNode& op = term.child(i);
    if (op.kind == HclKind::attr_splat || op.kind == HclKind::full_splat) {
      if (!value.known()) return value;
      HclValue list;
      list.kind = Kind::list;
      list.pos = value.pos;
      if (value.kind == Kind::null) return list;
      std::vector<const HclValue*> items;
      if (value.kind != Kind::list) {
        items.push_back(&value);
      } else {
        elements(value, items);
      }
      for (const HclValue* item : items) list.items.push_back(postfix(*item, term, i + 1));
      return list;
    }
    value = step(std::move(value), op, term);
    if (!value.known()) return value;
  }
  return value;
}

HclValue HclEvaluator::step(HclValue value, const HclNode& op, const HclNode& at) {
  const HclPos where = pos(at);
  if (!value.known()) return value;
  HclValue key;
  if (op.kind == HclKind::get_attr) {
    key = HclValue::string_value(std::string(op.child(0).text()), where);
    if (value.kind == Kind::handle) return resolver_.attribute(value, key.text, where);
    if (value.kind == Kind::list) {  // legacy index: list.0
      key = HclValue::number_value(std::strtod(key.text.c_str(), nullptr), where);
    }
  } else {  // index
    key = evaluate(op.child(0));
    if (!key.known()) return key;
  }
  if (value.kind == Kind::list) {
    double n = 0;
    if (!to_number(key, n) || n < 0 || n >= static_cast<double>(value.items.size()) ||
        std::floor(n) != n)
      return failed(expression_text(at), where);
    return value.items[static_cast<std::size_t>(n)];
  }
  if (value.kind == Kind::object) {
    std::string k;
    if (!to_text(key, k)) return failed(expression_text(at), where);
    if (const HclValue* m = value.member(k)) return *m;
    return failed(expression_text(at), where);
  }
  if (value.kind == Kind::handle) {
    std::string k;
    if (to_text(key, k)) return resolver_.attribute(value, k, where);
  }
  return failed(expression_text(at), where);
}

HclValue HclEvaluator::quoted(const HclNode& node, bool heredoc) {
  const HclPos at = pos(node);
  std::string out;
  // "${x}" alone is x itself, of any type.
  if (node.children.size() == 1 && node.child(0).kind == HclKind::interpolation)
    return evaluate(node.child(0).child(0));
  for (const auto& part : node.children) {
    if (part->kind == HclKind::template_literal) {
      out += heredoc ? std::string(part->text()) : unescape(part->text());
      continue;
    }
    if (part->kind == HclKind::directive)
      return HclValue::unknown("template directive " + expression_text(*part), at);
    HclValue v = evaluate(part->child(0));
    if (!v.known()) return HclValue::unknown(v.text, at);
    std::string text;
    if (!to_text(v, text)) return failed(expression_text(*part), pos(*part));
    out += text;
    if (!spend(text.size() / 64)) return HclValue::unknown("evaluation limit reached", at);
  }
  return HclValue::string_value(std::move(out), at);
}

HclValue HclEvaluator::heredoc(const HclNode& node) {
  bool indented = false;
  const std::string_view all = node.text();
  const std::size_t first = all.find('\n');
  const std::size_t last = all.rfind('\n');
  if (first == last) return HclValue::string_value("", pos(node));
  std::unique_ptr<HclNode> body = parse_heredoc(node, indented);
  if (!body) return failed(expression_text(node), pos(node));
  HclValue v = quoted(*body, true);
  v.pos = pos(node);
  if (!indented || !v.known()) return v;
  // <<-: the lines' common leading spaces are removed.
  std::size_t common = std::string::npos;
  std::size_t start = 0;
  const std::string& s = v.text;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    const std::size_t lead = s.find_first_not_of(" \t", start);
    if (lead != std::string::npos && lead < end) common = std::min(common, lead - start);
    start = end + 1;
  }
  if (common == std::string::npos || common == 0) return v;
  std::string out;
  start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    const bool last_line = end == std::string::npos;
    if (last_line) end = s.size();
    const std::string_view line(s.data() + start, end - start);
    out += line.substr(std::min(common, line.size()));
    if (!last_line) out += '\n';
    start = end + 1;
  }
  v.text = std::move(out);
  return v;
}

HclValue HclEvaluator::object(const HclNode& node) {
  HclValue object;
  object.kind = Kind::object;
  object.pos = pos(node);
  for (const auto& item : node.children) {
    const HclNode& key_node = item->child(0);
    std::string key;
    if (key_node.kind == HclKind::bare_key) {
      key = std::string(key_node.text());
    } else {
      const HclValue k = evaluate(key_node);
      if (!k.known()) return k;
      if (!to_text(k, key)) return failed(expression_text(key_node), pos(key_node));
    }
    object.members.emplace_back(std::move(key), evaluate(item->child(1)));
  }
  sort_members(object);
  if (!spend(weigh(object))) return HclValue::unknown("evaluation limit reached", object.pos);
  return object;
}

HclValue HclEvaluator::collection_for(const HclNode& node, bool want_object) {
  const HclPos at = pos(node);
  const HclNode& intro = node.child(0);
  const std::string key_name(intro.child(0).text());
  const bool two = intro.children.size() == 3;
  const std::string value_name = two ? std::string(intro.child(1).text()) : key_name;
  const HclValue collection = evaluate(intro.child(two ? 2 : 1));
  if (!collection.known()) return collection;
  std::vector<std::pair<HclValue, const HclValue*>> entries;
  if (!spend(collection.items.size() + collection.members.size()))
    return HclValue::unknown("evaluation limit reached", at);
  if (collection.kind == Kind::list) {
    for (std::size_t i = 0; i < collection.items.size(); ++i)
      entries.emplace_back(HclValue::number_value(static_cast<double>(i), at),
                           &collection.items[i]);
  } else if (collection.kind == Kind::object) {
    for (const auto& [k, v] : collection.members)
      entries.emplace_back(HclValue::string_value(k, at), &v);
  } else {
    return failed(expression_text(node), at);
  }
  const HclNode* condition = nullptr;
  bool grouping = false;
  for (const auto& child : node.children) {
    if (child->kind == HclKind::for_cond) condition = &child->child(0);
    if (child->kind == HclKind::for_group) grouping = true;
  }
  HclValue out;
  out.kind = want_object ? Kind::object : Kind::list;
  out.pos = at;
  for (auto& [key, value] : entries) {
    if (two) bind(key_name, key);
    bind(value_name, *value);
    HclValue keep = HclValue::bool_value(true, at);
    if (condition != nullptr) keep = evaluate(*condition);
    HclValue result;
    HclValue result_key;
    if (keep.known() && keep.kind == Kind::boolean && keep.boolean) {
      if (want_object) {
        result_key = evaluate(node.child(1));
        result = evaluate(node.child(2));
      } else {
        result = evaluate(node.child(1));
      }
    }
    unbind();
    if (two) unbind();
    if (!keep.known()) return keep;
    if (keep.kind != Kind::boolean) return failed(expression_text(*condition), at);
    if (!keep.boolean) continue;
    if (!want_object) {
      out.items.push_back(std::move(result));
      continue;
    }
    if (!result_key.known()) return result_key;
    std::string k;
    if (!to_text(result_key, k)) return failed(expression_text(node), at);
    if (grouping) {
      auto it = std::find_if(out.members.begin(), out.members.end(),
                             [&](const auto& m) { return m.first == k; });
      if (it == out.members.end()) {
        HclValue group;
        group.kind = Kind::list;
        group.pos = at;
        out.members.emplace_back(k, std::move(group));
        it = out.members.end() - 1;
      }
      it->second.items.push_back(std::move(result));
    } else {
      out.members.emplace_back(std::move(k), std::move(result));
    }
  }
  if (want_object) sort_members(out);
  if (!spend(weigh(out))) return HclValue::unknown("evaluation limit reached", at);
  return out;
}

HclValue HclEvaluator::unary(const HclNode& node) {
  const HclPos at = pos(node);
  HclValue v = evaluate(node.child(1));
  if (!v.known()) return v;
  if (node.child(0).kind == HclKind::negate) {
    double n = 0;
    if (!to_number(v, n)) return failed(expression_text(node), at);
    return HclValue::number_value(-n, at);
  }
  bool b = false;
  if (!to_bool(v, b)) return failed(expression_text(node), at);
  return HclValue::bool_value(!b, at);
}

namespace {

// HCL's operator precedence, highest binding tightest.
int precedence(std::string_view op) {
  if (op == "*" || op == "/" || op == "%") return 5;
  if (op == "+" || op == "-") return 4;
  if (op == "==" || op == "!=") return 2;
  if (op == "&&") return 1;
  if (op == "||") return 0;
  return 3;  // comparisons
}

}  // namespace

// The operands and operators of children [begin, end) (operand, op, operand, …; the parser keeps
// them flat), split at the loosest-binding operators and folded left to right: recursion is at
// most one level per precedence, whatever the length of the chain.
HclValue HclEvaluator::operators(const HclNode& node, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return evaluate(node.child(begin));
  const HclPos at = pos(node);
  int loosest = 99;
  for (std::size_t i = begin + 1; i < end; i += 2)
    loosest = std::min(loosest, precedence(node.child(i).text()));
  const auto next_split = [&](std::size_t from) {
    std::size_t j = from + 1;
    while (j < end && precedence(node.child(j).text()) != loosest) j += 2;
    return std::min(j, end);
  };
  std::size_t split = next_split(begin);
  HclValue left = operators(node, begin, split);
  while (split < end) {
    const std::string_view op = node.child(split).text();
    const std::size_t segment = split + 1;
    split = next_split(segment);
    // && and || need their right operand only when the left one does not decide.
    bool b = false;
    if ((op == "&&" || op == "||") && left.known() && to_bool(left, b) && b == (op == "||")) {
      left = HclValue::bool_value(b, at);
      continue;
    }
    HclValue right = operators(node, segment, split);
    if (!left.known()) return left;
    if (!right.known()) return right;
    if (op == "==" || op == "!=") {
      left = HclValue::bool_value(values_equal(left, right) == (op == "=="), at);
      continue;
    }
    if (op == "&&" || op == "||") {
      bool l = false, r = false;
      if (!to_bool(left, l) || !to_bool(right, r)) return failed(expression_text(node), at);
      left = HclValue::bool_value(op == "&&" ? (l && r) : (l || r), at);
      continue;
    }
    double l = 0, r = 0;
    if (!to_number(left, l) || !to_number(right, r)) return failed(expression_text(node), at);
    if (op == "+")
      left = HclValue::number_value(l + r, at);
    else if (op == "-")
      left = HclValue::number_value(l - r, at);
    else if (op == "*")
      left = HclValue::number_value(l * r, at);
    else if (op == "/") {
      if (r == 0) return failed(expression_text(node), at);
      left = HclValue::number_value(l / r, at);
    } else if (op == "%") {
      if (r == 0) return failed(expression_text(node), at);
      left = HclValue::number_value(std::fmod(l, r), at);
    } else if (op == "<")
      left = HclValue::bool_value(l < r, at);
    else if (op == "<=")
      left = HclValue::bool_value(l <= r, at);
    else if (op == ">")
      left = HclValue::bool_value(l > r, at);
    else
      left = HclValue::bool_value(l >= r, at);
  }
  return left;
}

// An expression with operators and perhaps `COND ? A : B`: the children are the condition's
// operands and operators, then a question node and the two branches.
HclValue HclEvaluator::conditional(const HclNode& node) {
  const std::size_t n = node.children.size();
  const bool choice = n >= 4 && node.child(n - 3).kind == HclKind::question;
  if (!choice) return operators(node, 0, n);
  const HclValue c = operators(node, 0, n - 3);
  if (!c.known()) return c;
  bool b = false;
  if (!to_bool(c, b)) return failed(expression_text(node), pos(node));
  return evaluate(node.child(b ? n - 2 : n - 1));
}

HclValue HclEvaluator::call(const HclNode& node) {
  const std::string_view name = node.child(0).text();
  const HclPos at = pos(node);
  std::vector<HclValue> args;
  bool expand = false;
  if (name == "try" || name == "can") {
    for (std::size_t i = 1; i < node.children.size(); ++i) {
      if (node.child(i).kind == HclKind::ellipsis) continue;
      HclValue v = evaluate(node.child(i));
      if (name == "can") {
        if (v.error) return HclValue::bool_value(false, at);
        if (!v.known()) return v;
        return HclValue::bool_value(true, at);
      }
      if (!v.error) return v;
    }
    return failed(expression_text(node), at);
  }
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    if (node.child(i).kind == HclKind::ellipsis) {
      expand = true;
      continue;
    }
    args.push_back(evaluate(node.child(i)));
  }
  if (expand && !args.empty()) {  // f(a, list...): the list's elements are the last arguments
    HclValue last = std::move(args.back());
    args.pop_back();
    if (!last.known()) return last;
    std::vector<const HclValue*> items;
    if (!elements(last, items)) return failed(expression_text(node), at);
    for (const HclValue* v : items) args.push_back(*v);
  }
  HclValue result = call_function(name, args, at, expression_text(node));
  if (!spend(weigh(result))) return HclValue::unknown("evaluation limit reached", at);
  return result;
}

}  // namespace sgcheck::detail
