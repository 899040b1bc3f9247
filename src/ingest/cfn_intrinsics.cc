// Folds CloudFormation intrinsic functions over literal values and parameter Defaults, and
// evaluates the Conditions section (see cfn_intrinsics.h). Whatever the deployment decides stays
// an open value with the expression it waits for. Entry point: CfnTemplate.
#include "ingest/cfn_intrinsics.h"

#include <charconv>

namespace sgcheck::detail {

namespace {

constexpr std::string_view kGroupType = "AWS::EC2::SecurityGroup";
constexpr int kMaxNesting = 64;  // Fn::If in Fn::If…, conditions in conditions

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string> split_text(std::string_view text, std::string_view delimiter) {
  std::vector<std::string> out;
  if (delimiter.empty()) {
    out.emplace_back(text);
    return out;
  }
  for (std::size_t at = 0;;) {
    const std::size_t next = text.find(delimiter, at);
    out.emplace_back(text.substr(at, next == std::string_view::npos ? next : next - at));
    if (next == std::string_view::npos) return out;
    at = next + delimiter.size();
  }
}

// The short text naming an intrinsic that stays open: "ImportValue shared-sg", "GetAZs".
std::string expression_of(const std::string& fn, const TreeNode& arg) {
  std::string expression = fn.rfind("Fn::", 0) == 0 ? fn.substr(4) : fn;
  if (arg.kind == TreeNode::Kind::string) {
    expression += " " + arg.text;
  } else if (arg.kind == TreeNode::Kind::sequence && !arg.items.empty() &&
             arg.items.front().kind == TreeNode::Kind::string) {
    expression += " " + arg.items.front().text;
  }
  return expression;
}

const TreeNode* single_intrinsic(const TreeNode& node, std::string* fn) {
  if (node.kind != TreeNode::Kind::mapping || node.members.size() != 1) return nullptr;
  const auto& [key, arg] = node.members.front();
  if (key != "Ref" && key != "Condition" && key.rfind("Fn::", 0) != 0) return nullptr;
  if (fn != nullptr) *fn = key;
  return &arg;
}

}  // namespace

void reject(const TreeNode& at, std::string message) {
  throw CfnProblem{at.line, at.column, std::move(message)};
}

CfnValue unknown_value(std::string expression, std::string reason) {
  CfnValue v;
  v.known = false;
  v.expression = std::move(expression);
  v.reason = std::move(reason);
  return v;
}

std::string both_conditions(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " and " + b;
}

std::optional<bool> assumed(const std::string& conditions, const std::string& name) {
  for (const std::string& part : split_text(conditions, " and ")) {
    if (part == name) return true;
    if (part == "not " + name) return false;
  }
  return std::nullopt;
}

bool is_no_value(const TreeNode& node) {
  std::string fn;
  const TreeNode* arg = single_intrinsic(node, &fn);
  return arg != nullptr && fn == "Ref" && arg->kind == TreeNode::Kind::string &&
         arg->text == "AWS::NoValue";
}

std::optional<IfParts> if_parts(const TreeNode& node) {
  std::string fn;
  const TreeNode* arg = single_intrinsic(node, &fn);
  if (arg == nullptr || fn != "Fn::If") return std::nullopt;
  if (arg->kind != TreeNode::Kind::sequence || arg->items.size() != 3 ||
      arg->items[0].kind != TreeNode::Kind::string)
    reject(*arg, "expected [condition, value if true, value if false] after Fn::If");
  return IfParts{arg->items[0].text, &arg->items[1], &arg->items[2]};
}

CfnTemplate::CfnTemplate(const TreeNode& root, IacSink& sink) : sink_(sink) {
  const auto section = [&](std::string_view name) -> const TreeNode* {
    const TreeNode* node = root.find(name);
    if (node == nullptr || node->is_null()) return nullptr;
    if (node->kind != TreeNode::Kind::mapping)
      reject(*node, std::string("expected a mapping for ") + std::string(name) + ", found " +
                        node->kind_name());
    return node;
  };
  if (const TreeNode* params = section("Parameters"))
    for (const auto& [name, node] : params->members) parameters_[name] = &node;
  if (const TreeNode* conditions = section("Conditions"))
    for (const auto& [name, node] : conditions->members) conditions_[name] = &node;
  mappings_ = section("Mappings");
}

const std::string* CfnTemplate::resource_type(std::string_view id) const {
  const auto it = types_.find(id);
  return it == types_.end() ? nullptr : &it->second;
}

std::string CfnTemplate::scalar_arg(const TreeNode& arg, std::string_view fn) const {
  if (arg.kind != TreeNode::Kind::string)
    reject(arg, "expected a name after " + std::string(fn) + ", found " + arg.kind_name());
  return arg.text;
}

const TreeNode* CfnTemplate::parameter_default(std::string_view name) const {
  const auto p = parameters_.find(name);
  if (p == parameters_.end() || p->second->kind != TreeNode::Kind::mapping) return nullptr;
  const TreeNode* def = p->second->find("Default");
  return def != nullptr && def->is_scalar() && !def->is_null() ? def : nullptr;
}

CfnValue CfnTemplate::resolve(const TreeNode& node, std::string_view field) {
  if (node.is_scalar()) {
    CfnValue v;
    v.text = node.text;
    return v;
  }
  std::string fn;
  if (const TreeNode* arg = single_intrinsic(node, &fn)) return intrinsic(fn, *arg, node);
  reject(node, "expected a value for " + quote(field) + ", found " + node.kind_name());
}

CfnValue CfnTemplate::intrinsic(const std::string& fn, const TreeNode& arg, const TreeNode& at) {
  if (fn == "Ref") return ref(arg, at);
  if (fn == "Fn::GetAtt") return get_att(arg);
  if (fn == "Fn::Sub") return sub(arg);
  if (fn == "Fn::Join") return join(arg);
  if (fn == "Fn::Select") return select(arg);
  if (fn == "Fn::FindInMap") return find_in_map(arg);
  if (fn == "Fn::If") {
    const IfParts parts = *if_parts(at);
    const Truth truth = this->truth(parts.condition, at);
    if (truth == Truth::undecided) {
      return unknown_value("If " + parts.condition,
                           "condition " + parts.condition + " is not decided before deployment");
    }
    return resolve(truth == Truth::yes ? *parts.then_node : *parts.else_node, "Fn::If");
  }
  // Fn::ImportValue, Fn::GetAZs, Fn::Base64, …: decided by the deployment.
  return unknown_value(expression_of(fn, arg), fn);
}

CfnValue CfnTemplate::ref(const TreeNode& arg, const TreeNode& at) {
  const std::string name = scalar_arg(arg, "Ref");
  if (parameters_.count(name)) {
    if (const TreeNode* def = parameter_default(name)) {
      sink_.charge_copy(at, def->text.size());  // each Ref repeats the Default
      CfnValue v;
      v.text = def->text;
      v.parameter = name;
      return v;
    }
    return unknown_value("Ref " + name, "parameter " + name + " has no Default");
  }
  if (name == "AWS::NoValue") {
    CfnValue v;
    v.absent = true;
    return v;
  }
  if (name.rfind("AWS::", 0) == 0) return unknown_value("Ref " + name, "a pseudo parameter");
  if (const std::string* type = resource_type(name)) {
    if (*type == kGroupType) {
      CfnValue v;
      v.group = name;
      return v;
    }
    return unknown_value("Ref " + name, "the physical id of resource " + name);
  }
  // CloudFormation rejects such a template; the documented snippets leave their parameters out
  // (aws-semantics.md §4.6), so this is a warning and the value stays open.
  sink_.warn(kIacBadValue, at,
             "Ref to " + quote(name) +
                 ", which is neither a parameter nor a resource of this template: CloudFormation "
                 "rejects it, and its value is unknown here");
  return unknown_value("Ref " + name, "undeclared");
}

CfnValue CfnTemplate::get_att(const TreeNode& arg) {
  std::string resource, attribute;
  if (arg.kind == TreeNode::Kind::sequence && arg.items.size() == 2 && arg.items[0].is_scalar() &&
      arg.items[1].is_scalar()) {
    resource = arg.items[0].text;
    attribute = arg.items[1].text;
  } else if (arg.kind == TreeNode::Kind::string && arg.text.find('.') != std::string::npos) {
    // The undocumented "Resource.Attribute" form, split at the first dot (aws-semantics.md §4.6).
    resource = arg.text.substr(0, arg.text.find('.'));
    attribute = arg.text.substr(arg.text.find('.') + 1);
  } else {
    reject(arg, "expected [resource, attribute] or \"resource.attribute\" after Fn::GetAtt");
  }
  const std::string* type = resource_type(resource);
  if (type == nullptr) {
    sink_.warn(kIacBadValue, arg,
               "Fn::GetAtt of " + quote(resource) +
                   ", which is not a resource of this template: CloudFormation rejects it, and "
                   "its value is unknown here");
    return unknown_value("GetAtt " + resource + "." + attribute, "undeclared");
  }
  if (*type == kGroupType && attribute == "GroupId") {
    CfnValue v;
    v.group = resource;
    return v;
  }
  return unknown_value("GetAtt " + resource + "." + attribute,
                       "attribute " + attribute + " of resource " + resource);
}

// Fn::Sub: "${Name}" is the variable map's value, else a parameter's Default or, alone, a group of
// this template; "${Res.Attr}", pseudo parameters and parameters without Default leave it open.
CfnValue CfnTemplate::sub(const TreeNode& arg) {
  const TreeNode& text_node =
      arg.kind == TreeNode::Kind::sequence && !arg.items.empty() ? arg.items.front() : arg;
  if (text_node.kind != TreeNode::Kind::string)
    reject(text_node, std::string("expected a string after Fn::Sub, found ") + text_node.kind_name());
  const TreeNode* variables = nullptr;
  if (arg.kind == TreeNode::Kind::sequence) {
    if (arg.items.size() != 2 || arg.items[1].kind != TreeNode::Kind::mapping)
      reject(arg, "expected [string, {variables}] after Fn::Sub");
    variables = &arg.items[1];
  }
  const std::string& text = text_node.text;
  CfnValue out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t open = text.find("${", at);
    if (open == std::string::npos) {
      out.text += text.substr(at);
      break;
    }
    out.text += text.substr(at, open - at);
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) {
      out.text += text.substr(open);
      break;
    }
    at = close + 1;
    if (text[open + 2] == '!') {  // "${!Literal}" is the text "${Literal}"
      out.text += "${" + text.substr(open + 3, close - open - 3) + "}";
      continue;
    }
    const std::string name = text.substr(open + 2, close - open - 2);
    CfnValue value;
    if (const TreeNode* given = variables ? variables->find(name) : nullptr) {
      value = resolve(*given, "Fn::Sub");
    } else if (name.find('.') != std::string::npos) {
      TreeNode attribute;
      attribute.kind = TreeNode::Kind::string;
      attribute.text = name;
      attribute.line = text_node.line;
      attribute.column = text_node.column;
      value = get_att(attribute);
    } else {
      TreeNode named;
      named.kind = TreeNode::Kind::string;
      named.text = name;
      value = ref(named, text_node);
    }
    if (!value.group.empty() && open == 0 && at == text.size()) return value;
    if (!value.known || !value.group.empty()) {
      return unknown_value("Sub " + text, value.known ? "the id of group " + value.group
                                                      : value.expression + ": " + value.reason);
    }
    if (out.parameter.empty()) out.parameter = value.parameter;
    out.text += value.text;
  }
  return out;
}

CfnValue CfnTemplate::join(const TreeNode& arg) {
  if (arg.kind != TreeNode::Kind::sequence || arg.items.size() != 2)
    reject(arg, "expected [delimiter, [values]] after Fn::Join");
  const CfnValue delimiter = resolve(arg.items[0], "Fn::Join");
  const CfnList list = resolve_list(arg.items[1], "Fn::Join");
  if (!delimiter.known) return delimiter;
  if (!list.known) return unknown_value("Join " + list.expression, "Fn::Join of an open list");
  CfnValue out;
  for (std::size_t i = 0; i < list.items.size(); ++i)
    out.text += (i == 0 ? "" : delimiter.text) + list.items[i];
  out.parameter = list.parameter;
  return out;
}

CfnValue CfnTemplate::select(const TreeNode& arg) {
  if (arg.kind != TreeNode::Kind::sequence || arg.items.size() != 2)
    reject(arg, "expected [index, list] after Fn::Select");
  const CfnValue index_value = resolve(arg.items[0], "Fn::Select");
  if (!index_value.known) return index_value;
  const std::optional<std::int64_t> index = to_integer(index_value.text);
  if (!index || *index < 0) reject(arg.items[0], "expected an index of 0 or more after Fn::Select");
  const auto out_of_range = [&](std::size_t size) {
    reject(arg, "Fn::Select index " + std::to_string(*index) + " is outside a list of " +
                    std::to_string(size));
  };
  const TreeNode& list_node = arg.items[1];
  if (list_node.kind == TreeNode::Kind::sequence) {  // keep an item's group reference
    if (static_cast<std::size_t>(*index) >= list_node.items.size())
      out_of_range(list_node.items.size());
    return resolve(list_node.items[static_cast<std::size_t>(*index)], "Fn::Select");
  }
  const CfnList list = resolve_list(list_node, "Fn::Select");
  if (!list.known) return unknown_value("Select " + list.expression, "Fn::Select of an open list");
  if (static_cast<std::size_t>(*index) >= list.items.size()) out_of_range(list.items.size());
  CfnValue out;
  out.text = list.items[static_cast<std::size_t>(*index)];
  out.parameter = list.parameter;
  return out;
}

// The value node of Mappings[map][top][second], or nullptr with `expression` set when a key is open
// or not there.
const TreeNode* CfnTemplate::map_entry(const TreeNode& arg, std::string& expression) {
  if (arg.kind != TreeNode::Kind::sequence || arg.items.size() < 3)
    reject(arg, "expected [map, top-level key, second-level key] after Fn::FindInMap");
  std::string keys[3];
  for (int i = 0; i < 3; ++i) {
    const CfnValue key = resolve(arg.items[static_cast<std::size_t>(i)], "Fn::FindInMap");
    if (!key.known || !key.group.empty()) {
      expression = "FindInMap " + (key.known ? key.group : key.expression);
      return nullptr;
    }
    keys[i] = key.text;
  }
  expression = "FindInMap " + keys[0] + " " + keys[1] + " " + keys[2];
  const TreeNode* node = mappings_;
  for (const std::string& key : keys) {
    node = node != nullptr && node->kind == TreeNode::Kind::mapping ? node->find(key) : nullptr;
    if (node == nullptr) {
      sink_.warn(kIacBadValue, arg,
                 "Fn::FindInMap of " + quote(keys[0] + "." + keys[1] + "." + keys[2]) +
                     ", which Mappings does not hold: CloudFormation rejects it, and its value "
                     "is unknown here");
      return nullptr;
    }
  }
  return node;
}

CfnValue CfnTemplate::find_in_map(const TreeNode& arg) {
  std::string expression;
  const TreeNode* entry = map_entry(arg, expression);
  if (entry == nullptr) return unknown_value(expression, "a key that is open or not in Mappings");
  return resolve(*entry, "Fn::FindInMap");
}

CfnList CfnTemplate::split(const TreeNode& arg) {
  if (arg.kind != TreeNode::Kind::sequence || arg.items.size() != 2)
    reject(arg, "expected [delimiter, string] after Fn::Split");
  const CfnValue delimiter = resolve(arg.items[0], "Fn::Split");
  const CfnValue text = resolve(arg.items[1], "Fn::Split");
  CfnList out;
  if (!delimiter.known || !text.known || !text.group.empty()) {
    out.known = false;
    out.expression = "Split " + (text.known ? text.text : text.expression);
    return out;
  }
  out.items = split_text(text.text, delimiter.text);
  out.parameter = text.parameter;
  return out;
}

// Fn::Cidr [block, count, host bits]: the first `count` subnets of `block` with that many host bits,
// as CloudFormation numbers them.
CfnList CfnTemplate::cidr(const TreeNode& arg) {
  if (arg.kind != TreeNode::Kind::sequence || arg.items.size() != 3)
    reject(arg, "expected [ipBlock, count, cidrBits] after Fn::Cidr");
  CfnList out;
  CfnValue values[3];
  for (int i = 0; i < 3; ++i) {
    values[i] = resolve(arg.items[static_cast<std::size_t>(i)], "Fn::Cidr");
    if (!values[i].known) {
      out.known = false;
      out.expression = "Cidr " + values[i].expression;
      return out;
    }
    if (out.parameter.empty()) out.parameter = values[i].parameter;
  }
  const ValueResult<Cidr> block = parse_cidr(values[0].text);
  if (!block) reject(arg.items[0], "Fn::Cidr: invalid CIDR " + quote(values[0].text));
  const int width = block->family == Family::ipv4 ? 32 : 128;
  const std::optional<std::int64_t> count = to_integer(values[1].text);
  const std::optional<std::int64_t> bits = to_integer(values[2].text);
  if (!count || *count < 1 || *count > 256)
    reject(arg.items[1], "Fn::Cidr: the count must be 1 to 256");
  if (!bits || *bits < 1 || *bits > width - block->prefix)
    reject(arg.items[2], "Fn::Cidr: the host bits must be 1 to " +
                             std::to_string(width - block->prefix) + " for " + values[0].text);
  const int subnet_bits = width - static_cast<int>(*bits) - block->prefix;
  if (subnet_bits < 9 && *count > (std::int64_t{1} << subnet_bits))
    reject(arg.items[1], "Fn::Cidr: " + values[0].text + " holds fewer than " +
                             std::to_string(*count) + " subnets of that size");
  for (std::int64_t i = 0; i < *count; ++i) {
    Cidr subnet;
    subnet.family = block->family;
    subnet.prefix = static_cast<std::uint8_t>(width - *bits);
    subnet.base = block->base + (i == 0 ? u128{0} : u128(i) << *bits);
    out.items.push_back(to_string(subnet));
  }
  return out;
}

CfnList CfnTemplate::resolve_list(const TreeNode& node, std::string_view field) {
  CfnList out;
  const auto open = [&](std::string expression) {
    out.known = false;
    out.expression = std::move(expression);
    out.items.clear();
    return out;
  };
  if (node.kind == TreeNode::Kind::sequence) {
    for (const TreeNode& item : node.items) {
      const CfnValue value = resolve(item, field);
      if (value.absent) continue;
      if (!value.known) return open(value.expression);
      if (!value.group.empty()) return open("Ref " + value.group);
      if (out.parameter.empty()) out.parameter = value.parameter;
      out.items.push_back(value.text);
    }
    return out;
  }
  std::string fn;
  const TreeNode* arg = single_intrinsic(node, &fn);
  if (arg == nullptr)
    reject(node, "expected a list for " + quote(field) + ", found " + node.kind_name());
  if (fn == "Fn::Split") return split(*arg);
  if (fn == "Fn::Cidr") return cidr(*arg);
  if (fn == "Fn::FindInMap") {
    std::string expression;
    const TreeNode* entry = map_entry(*arg, expression);
    return entry != nullptr ? resolve_list(*entry, field) : open(expression);
  }
  if (fn == "Fn::If") {
    const IfParts parts = *if_parts(node);
    const Truth truth = this->truth(parts.condition, node);
    if (truth == Truth::undecided) return open("If " + parts.condition);
    return resolve_list(truth == Truth::yes ? *parts.then_node : *parts.else_node, field);
  }
  if (fn == "Ref" && arg->kind == TreeNode::Kind::string) {
    // A List<…> or CommaDelimitedList parameter: its Default split on commas.
    if (const TreeNode* def = parameter_default(arg->text)) {
      sink_.charge_copy(node, def->text.size());
      out.items = split_text(def->text, ",");
      for (std::string& item : out.items) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
      }
      out.parameter = arg->text;
      return out;
    }
    return open("Ref " + arg->text);
  }
  return open(expression_of(fn, *arg));
}

Truth CfnTemplate::truth(const std::string& name, const TreeNode& at) {
  if (const auto known = truths_.find(name); known != truths_.end()) return known->second;
  const auto condition = conditions_.find(name);
  if (condition == conditions_.end()) {
    sink_.warn(kIacBadValue, at,
               "condition " + quote(name) +
                   " is not declared in Conditions: CloudFormation rejects it, and whether it "
                   "holds is unknown here");
    return truths_[name] = Truth::undecided;
  }
  if (evaluating_[name]) return Truth::undecided;  // a cycle, which CloudFormation rejects
  evaluating_[name] = true;
  std::string parameter;
  const Truth truth = evaluate(*condition->second, parameter, 0);
  evaluating_[name] = false;
  if (truth != Truth::undecided && !parameter.empty()) {
    sink_.note(*condition->second, "condition " + name + " is " +
                                       (truth == Truth::yes ? "true" : "false") +
                                       " with the Default of parameter " + parameter +
                                       "; a deployment may give another value");
  }
  return truths_[name] = truth;
}

Truth CfnTemplate::evaluate(const TreeNode& condition, std::string& parameter, int depth) {
  std::string fn;
  const TreeNode* arg = single_intrinsic(condition, &fn);
  if (arg == nullptr || depth > kMaxNesting)
    reject(condition, "expected a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, "
                      "Condition), found " + std::string(condition.kind_name()));
  if (fn == "Condition") return truth(scalar_arg(*arg, "Condition"), condition);
  if (arg->kind != TreeNode::Kind::sequence || arg->items.empty())
    reject(*arg, "expected a list after " + fn);
  if (fn == "Fn::Equals") {
    if (arg->items.size() != 2) reject(*arg, "expected two values after Fn::Equals");
    const CfnValue a = resolve(arg->items[0], "Fn::Equals");
    const CfnValue b = resolve(arg->items[1], "Fn::Equals");
    if (!a.known || !b.known || !a.group.empty() || !b.group.empty()) return Truth::undecided;
    if (parameter.empty()) parameter = a.parameter.empty() ? b.parameter : a.parameter;
    return a.text == b.text ? Truth::yes : Truth::no;
  }
  if (fn == "Fn::Not") {
    const Truth inner = evaluate(arg->items[0], parameter, depth + 1);
    return inner == Truth::undecided ? inner : inner == Truth::yes ? Truth::no : Truth::yes;
  }
  if (fn == "Fn::And" || fn == "Fn::Or") {
    const Truth decisive = fn == "Fn::And" ? Truth::no : Truth::yes;
    bool undecided = false;
    for (const TreeNode& item : arg->items) {
      const Truth t = evaluate(item, parameter, depth + 1);
      if (t == decisive) return decisive;
      undecided = undecided || t == Truth::undecided;
    }
    return undecided ? Truth::undecided : decisive == Truth::no ? Truth::yes : Truth::no;
  }
  reject(condition, "expected a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, "
                    "Condition), found " + fn);
}

void CfnTemplate::alternatives(const TreeNode& node, const std::string& condition,
                               const TreeNode* condition_at, std::vector<Alternative>& out,
                               int depth) {
  if (depth > kMaxNesting) reject(node, "Fn::If nested deeper than 64 levels");
  if (is_no_value(node)) return;
  const std::optional<IfParts> parts = if_parts(node);
  if (!parts) {
    out.push_back({&node, condition, condition_at});
    return;
  }
  Truth decided = truth(parts->condition, node);
  if (const std::optional<bool> settled = assumed(condition, parts->condition))
    decided = *settled ? Truth::yes : Truth::no;  // an Fn::If inside one on the same condition
  switch (decided) {
    case Truth::yes:
      return alternatives(*parts->then_node, condition, condition_at, out, depth + 1);
    case Truth::no:
      return alternatives(*parts->else_node, condition, condition_at, out, depth + 1);
    case Truth::undecided:
      alternatives(*parts->then_node, both_conditions(condition, parts->condition), &node, out,
                   depth + 1);
      alternatives(*parts->else_node, both_conditions(condition, "not " + parts->condition), &node,
                   out, depth + 1);
      return;
  }
}

}  // namespace sgcheck::detail
