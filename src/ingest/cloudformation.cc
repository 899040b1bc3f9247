// Reads CloudFormation templates (JSON or YAML, as a TreeNode) into the inventory: groups named by
// logical id, one atomic rule per inline or standalone rule entry, references through Ref and
// Fn::GetAtt, parameter defaults, unresolved values and the egress default. Entry point:
// read_cloudformation(); the class CfnReader does the work.
#include "ingest/cloudformation.h"

#include <cctype>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include "ingest/cfn_intrinsics.h"

namespace sgcheck::detail {

namespace {

constexpr std::string_view kGroupType = "AWS::EC2::SecurityGroup";
constexpr std::string_view kIngressType = "AWS::EC2::SecurityGroupIngress";
constexpr std::string_view kEgressType = "AWS::EC2::SecurityGroupEgress";
constexpr std::string_view kForEach = "Fn::ForEach::";

using Value = CfnValue;

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// The undecided conditions a resource or rule entry exists under, and where the innermost is
// applied (an Fn::If or a resource's Condition key).
struct Scope {
  std::string condition;
  SourcePos at;
};

// The peer keys of inline and standalone rules (aws-semantics.md §4.6).
bool is_peer_key(std::string_view key, Direction direction) {
  if (key == "CidrIp" || key == "CidrIpv6") return true;
  if (direction == Direction::ingress)
    return key == "SourcePrefixListId" || key == "SourceSecurityGroupId" ||
           key == "SourceSecurityGroupName";
  return key == "DestinationPrefixListId" || key == "DestinationSecurityGroupId";
}

class CfnReader {
 public:
  CfnReader(const TreeNode& root, IacSink& sink) : root_(root), sink_(sink), template_(root, sink) {}

  void read();

 private:
  using Resources = std::vector<std::pair<std::string, const TreeNode*>>;
  Value resolve(const TreeNode& node, std::string_view field) {
    return template_.resolve(node, field);
  }
  void explain(const Value& value, const TreeNode& at, std::string_view field);
  void left_out(const CfnProblem& problem, const std::string& what);

  Resources expand_resources(const TreeNode& resources);
  void expand(const std::string& key, const TreeNode& value, Resources& out, int depth);
  void declare(const std::string& id, const TreeNode& resource);
  bool resource_scope(const std::string& id, const TreeNode& resource, Scope& scope);
  void read_group(const std::string& id, const TreeNode& resource, const Scope& scope);
  void read_rule_list(const std::string& key, const TreeNode& node, const Scope& scope,
                      std::vector<Rule>& rules);
  void read_entry(const Alternative& entry, const std::string& key, Direction direction,
                  const Scope& resource, std::vector<Rule>& rules);
  void for_each_variant(const TreeNode& fields, const Scope& scope,
                        const std::function<void(const TreeNode&, const Scope&)>& read, int depth);
  void read_standalone(const std::string& id, const TreeNode& resource, Direction direction,
                       const Scope& scope);
  void attach_standalone(const std::string& id, const TreeNode& resource, const TreeNode& fields,
                         Direction direction, const Scope& scope);
  std::size_t external_group(const std::string& group_id, const TreeNode& at);
  Rule read_rule(const TreeNode& fields, Direction direction, const TreeNode& rule_at);
  void set_peer(std::string_view key, const TreeNode& node, const TreeNode* owner, Rule& rule);
  std::vector<Tag> ignore_tags(const TreeNode& resource) const;
  void read_tags(const TreeNode& node, std::vector<Tag>& tags);
  void add_default_egress();

  const TreeNode& root_;
  IacSink& sink_;
  CfnTemplate template_;
  std::deque<TreeNode> expanded_;  // resources written by Fn::ForEach (stable addresses)
  std::set<std::string, std::less<>> not_created_;  // resources whose Condition is false
  std::map<std::string, std::size_t, std::less<>> groups_;  // logical id or external id -> index
  std::vector<std::pair<std::size_t, Scope>> template_groups_;  // declared groups: index, scope
  // GroupName -> logical id of the last declared group with that name (a map: aliases can declare
  // thousands of groups, and every rule naming a group looks it up).
  std::map<std::string, std::string, std::less<>> group_by_name_;
};

void set_condition(const Scope& scope, Rule& rule) {
  if (scope.condition.empty()) return;
  UnresolvedService& open = rule.edit_unresolved();
  open.condition = scope.condition;
  open.condition_location = scope.at;
}

// A problem with one resource or rule entry: an SG408 finding at its place, and the reader goes on.
void CfnReader::left_out(const CfnProblem& problem, const std::string& what) {
  TreeNode at;
  at.line = problem.line;
  at.column = problem.column;
  sink_.warn(kIacUnreadable, at, problem.message + ": " + what + " is left out");
}


// Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}] (AWS::LanguageExtensions)
// written out once per item of a collection known before deployment.
CfnReader::Resources CfnReader::expand_resources(const TreeNode& resources) {
  Resources out;
  for (const auto& [key, value] : resources.members) {
    try {
      expand(key, value, out, 0);
    } catch (const CfnProblem& problem) {
      left_out(problem, key);
    }
  }
  return out;
}

namespace {

// `text` with every ${identifier} (and, in keys, &{identifier}: the value without its
// non-alphanumeric characters) replaced.
std::string substitute_text(std::string text, const std::string& identifier,
                            const std::string& value, bool key) {
  std::string alphanumeric;
  for (char c : value)
    if (std::isalnum(static_cast<unsigned char>(c))) alphanumeric += c;
  for (const auto& [pattern, with] : {std::pair{"${" + identifier + "}", value},
                                      std::pair{"&{" + identifier + "}", alphanumeric}}) {
    if (!key && pattern[0] == '&') continue;
    for (std::size_t at = text.find(pattern); at != std::string::npos;
         at = text.find(pattern, at + with.size()))
      text.replace(at, pattern.size(), with);
  }
  return text;
}

// A copy of `node` for one item of Fn::ForEach; counts the nodes it copies.
TreeNode substitute(const TreeNode& node, const std::string& identifier, const std::string& value,
                    std::uint64_t& copied) {
  ++copied;
  TreeNode out;
  out.kind = node.kind;
  out.line = node.line;
  out.column = node.column;
  out.text = node.text;
  if (node.kind == TreeNode::Kind::mapping && node.members.size() == 1 &&
      node.members.front().first == "Ref" && node.members.front().second.text == identifier &&
      node.members.front().second.kind == TreeNode::Kind::string) {
    out.kind = TreeNode::Kind::string;
    out.text = value;
    return out;
  }
  for (const TreeNode& item : node.items)
    out.items.push_back(substitute(item, identifier, value, copied));
  for (const auto& [key, member] : node.members) {
    out.members.emplace_back(substitute_text(key, identifier, value, true), TreeNode{});
    out.members.back().second = substitute(member, identifier, value, copied);
    if (key == "Fn::Sub" && member.kind == TreeNode::Kind::string)
      out.members.back().second.text = substitute_text(member.text, identifier, value, false);
    if (key == "Fn::Sub" && member.kind == TreeNode::Kind::sequence && !member.items.empty())
      out.members.back().second.items[0].text =
          substitute_text(member.items[0].text, identifier, value, false);
  }
  return out;
}

}  // namespace

void CfnReader::expand(const std::string& key, const TreeNode& value, Resources& out, int depth) {
  if (key.rfind(kForEach, 0) != 0) {
    out.emplace_back(key, &value);
    return;
  }
  if (depth > 8) reject(value, key + " nested deeper than 8 levels");
  if (value.kind != TreeNode::Kind::sequence || value.items.size() != 3 ||
      value.items[0].kind != TreeNode::Kind::string ||
      value.items[2].kind != TreeNode::Kind::mapping)
    reject(value, "expected [identifier, collection, {key: value}] after " + key);
  const std::string& identifier = value.items[0].text;
  const CfnList collection = template_.resolve_list(value.items[1], key);
  if (!collection.known) {
    sink_.note(value, key + " is not expanded: its collection is not known before deployment (" +
                          collection.expression + "), so the resources it declares are unknown");
    return;
  }
  if (!collection.parameter.empty()) {
    sink_.note(value.items[1], key + " iterates over the Default of parameter " +
                                   collection.parameter + "; a deployment may give another value");
  }
  for (const std::string& item : collection.items) {
    for (const auto& [output_key, output] : value.items[2].members) {
      std::uint64_t copied = 0;
      expanded_.push_back(substitute(output, identifier, item, copied));
      sink_.charge_copy(output, copied * sizeof(TreeNode));
      expand(substitute_text(output_key, identifier, item, true), expanded_.back(), out, depth + 1);
    }
  }
}

void CfnReader::declare(const std::string& id, const TreeNode& resource) {
  if (resource.kind != TreeNode::Kind::mapping)
    reject(resource, "expected a mapping for resource " + id + ", found " + resource.kind_name());
  const TreeNode* type = resource.find("Type");
  if (type == nullptr) reject(resource, "resource " + id + " has no Type");
  if (type->kind != TreeNode::Kind::string)
    reject(*type, "expected a string for the Type of " + id + ", found " + type->kind_name());
  template_.declare_resource(id, type->text);
}

// The resource's Condition: false when the resource is not created; else the scope its rules are
// read in (undecided: they are conditional).
bool CfnReader::resource_scope(const std::string& id, const TreeNode& resource, Scope& scope) {
  const TreeNode* condition = resource.find("Condition");
  if (condition == nullptr || condition->is_null()) return true;
  if (condition->kind != TreeNode::Kind::string)
    reject(*condition, "expected a condition name for the Condition of " + id + ", found " +
                           condition->kind_name());
  switch (template_.truth(condition->text, *condition)) {
    case Truth::no:
      not_created_.insert(id);
      return false;
    case Truth::yes:
      return true;
    case Truth::undecided:
      scope.condition = condition->text;
      scope.at = sink_.pos(*condition);
      return true;
  }
  return true;
}

// Notes that make a value's provenance visible: a parameter's Default, or an open value.
void CfnReader::explain(const Value& value, const TreeNode& at, std::string_view field) {
  if (!value.known && value.reason == "undeclared") return;  // the SG403 warning says it all
  if (!value.known) {
    sink_.note(at, std::string(field) + " is not known before deployment (" + value.expression +
                       (value.reason.empty() ? "" : ": " + value.reason) +
                       "): answers that depend on it are unknown");
  } else if (!value.parameter.empty()) {
    sink_.note(at, std::string(field) + " is the Default of parameter " + value.parameter + " (" +
                       quote(value.text) + "); a deployment may give another value");
  }
}

std::vector<Tag> CfnReader::ignore_tags(const TreeNode& resource) const {
  std::vector<Tag> tags;
  const TreeNode* metadata = resource.find("Metadata");
  if (metadata == nullptr || metadata->kind != TreeNode::Kind::mapping) return tags;
  const TreeNode* ours = metadata->find("sgcheck");
  if (ours == nullptr || ours->kind != TreeNode::Kind::mapping) return tags;
  const TreeNode* ignore = ours->find("ignore");
  if (ignore == nullptr) return tags;
  if (ignore->kind == TreeNode::Kind::string) tags.push_back({Name("sgcheck:ignore"), Name(ignore->text)});
  if (ignore->kind == TreeNode::Kind::sequence) {
    for (const TreeNode& item : ignore->items)
      if (item.kind == TreeNode::Kind::string) tags.push_back({Name("sgcheck:ignore"), Name(item.text)});
  }
  return tags;
}

void CfnReader::set_peer(std::string_view key, const TreeNode& node, const TreeNode* owner,
                         Rule& rule) {
  rule.location = sink_.pos(node);
  const Value value = resolve(node, key);
  explain(value, node, key);
  if (key == "CidrIp" || key == "CidrIpv6" || key.find("PrefixListId") != std::string_view::npos) {
    if (!value.known) {
      // An address set nobody knows yet: an undefined prefix list makes the engine answer unknown
      // for every address, where a group reference would not cover the internet.
      rule.peer.kind = PeerKind::prefix_list;
      rule.peer.id = unresolved_id(value.expression);
    } else if (!value.group.empty()) {
      sink_.warn(kIacBadValue, node,
                 std::string(key) + " refers to security group " + value.group +
                     ", not to an address block: the rule is ignored");
      rule.valid = false;
    } else if (key == "CidrIp" || key == "CidrIpv6") {
      if (!set_cidr(sink_, node, value.text, key == "CidrIp" ? Family::ipv4 : Family::ipv6, rule))
        rule.valid = false;
    } else if (!set_prefix_list(sink_, node, value.text, rule)) {
      rule.valid = false;
    }
    return;
  }
  rule.peer.kind = PeerKind::group;
  if (!value.known) {
    rule.peer.id = unresolved_id(value.expression);
  } else if (!value.group.empty()) {
    rule.peer.id = value.group;
  } else if (key == "SourceSecurityGroupName") {
    // A name in the default VPC: a group of this template when one has that GroupName.
    const auto named = group_by_name_.find(value.text);
    rule.peer.id =
        named != group_by_name_.end() ? named->second : unresolved_id("GroupName " + value.text);
  } else {
    rule.peer.id = value.text;
  }
  if (owner != nullptr) {
    const Value user = resolve(*owner, "SourceSecurityGroupOwnerId");
    if (user.known && !user.text.empty()) rule.peer.edit_reference().user_id = user.text;
  }
}

Rule CfnReader::read_rule(const TreeNode& fields, Direction direction, const TreeNode& rule_at) {
  sink_.count_rule(rule_at);
  Rule rule;
  rule.direction = direction;
  rule.rule_location = sink_.pos(rule_at);
  rule.location = rule.rule_location;
  PortInputs ports;
  ports.rule_at = &rule_at;
  bool bad_integer = false;  // already reported: apply_ports would report it again
  std::vector<std::pair<std::string_view, const TreeNode*>> peers;
  const TreeNode* owner = nullptr;
  for (const auto& [key, node] : fields.members) {
    if (node.is_null() || is_no_value(node)) continue;
    if (key == "IpProtocol" || key == "FromPort" || key == "ToPort") {
      const Value value = resolve(node, key);
      if (value.absent) continue;
      explain(value, node, key);
      if (!value.known) {
        // Decided by the deployment: the rule stays, and what depends on the value is unknown.
        (key == "IpProtocol" ? ports.open.protocol
         : key == "FromPort" ? ports.open.from_port
                             : ports.open.to_port) = value.expression;
        if (ports.open.location.line == 0) ports.open.location = sink_.pos(node);
        continue;
      }
      if (!value.group.empty()) {
        sink_.warn(kIacBadPort, node, key + " refers to a security group: the rule is ignored");
        bad_integer = true;
        continue;
      }
      if (key == "IpProtocol") {
        ports.protocol = value.text;
        ports.protocol_at = &node;
      } else if (const auto n = integer_value(sink_, node, value.text, key)) {
        (key == "FromPort" ? ports.from : ports.to) = n;
        (key == "FromPort" ? ports.from_at : ports.to_at) = &node;
      } else {
        bad_integer = true;
      }
    } else if (key == "Description") {
      const Value value = resolve(node, key);
      if (value.known) rule.description = value.text;
    } else if (key == "SourceSecurityGroupOwnerId") {
      owner = &node;
    } else if (is_peer_key(key, direction)) {
      peers.emplace_back(key, &node);
    }
  }
  if (peers.empty()) {
    sink_.warn(kIacBadPeer, rule_at,
               direction == Direction::ingress
                   ? "rule without a peer: expected one of CidrIp, CidrIpv6, SourcePrefixListId, "
                     "SourceSecurityGroupId, SourceSecurityGroupName"
                   : "rule without a peer: expected one of CidrIp, CidrIpv6, "
                     "DestinationPrefixListId, DestinationSecurityGroupId");
    rule.valid = false;
  } else {
    set_peer(peers.front().first, *peers.front().second, owner, rule);
    if (peers.size() > 1) {
      std::string names;
      for (const auto& p : peers) names += (names.empty() ? "" : ", ") + std::string(p.first);
      sink_.warn(kIacBadPeer, rule_at,
                 "rule with several peers (" + names + "): expected exactly one");
      rule.valid = false;
    }
  }
  if (bad_integer || !apply_ports(sink_, ports, rule)) rule.valid = false;
  return rule;
}


void CfnReader::read_tags(const TreeNode& node, std::vector<Tag>& tags) {
  std::vector<Alternative> lists;
  template_.alternatives(node, "", nullptr, lists);
  // Tags only name things: an undecided choice of tag lists is read as its first alternative.
  if (lists.empty() || lists.front().node->kind != TreeNode::Kind::sequence) return;
  for (const TreeNode& item : lists.front().node->items) {
    if (item.kind != TreeNode::Kind::mapping) continue;
    Tag tag;
    if (const TreeNode* k = item.find("Key")) tag.key = resolve(*k, "Key").text;
    if (const TreeNode* v = item.find("Value")) {
      const Value value = resolve(*v, "Value");
      tag.value = value.known ? value.text : value.expression;
    }
    tags.push_back(std::move(tag));
  }
}

void CfnReader::read_group(const std::string& id, const TreeNode& resource, const Scope& scope) {
  const TreeNode* props = resource.find("Properties");
  if (props == nullptr) reject(resource, "resource " + id + " (AWS::EC2::SecurityGroup) has no Properties");
  if (props->kind != TreeNode::Kind::mapping)
    reject(*props, "expected a mapping for Properties of " + id + ", found " + props->kind_name());
  Group group;
  group.id = id;
  group.template_name = id;
  group.origin = GroupOrigin::cloudformation;
  group.location = sink_.pos(resource);
  group.tags = ignore_tags(resource);
  for (const auto& [key, node] : props->members) {
    if (node.is_null()) continue;
    if (key == "GroupDescription" || key == "GroupName" || key == "VpcId") {
      const Value value = resolve(node, key);
      if (key == "VpcId") explain(value, node, key);
      if (!value.known || !value.group.empty() || value.absent) continue;
      (key == "GroupDescription" ? group.description
       : key == "GroupName"      ? group.name
                                 : group.vpc_id) = value.text;
    } else if (key == "Tags") {
      read_tags(node, group.tags);
    } else if (key == "SecurityGroupIngress" || key == "SecurityGroupEgress") {
      read_rule_list(key, node, scope, group.rules);
    }
  }
  groups_[id] = sink_.out().groups.size();
  template_groups_.emplace_back(sink_.out().groups.size(), scope);
  group_by_name_[group.name.str()] = id;
  sink_.out().groups.push_back(std::move(group));
}

// An inline rule list: a list of rule entries, Fn::If between lists or over entries, or (which
// CloudFormation accepts) one entry given as a mapping.
void CfnReader::read_rule_list(const std::string& key, const TreeNode& node, const Scope& scope,
                               std::vector<Rule>& rules) {
  const Direction direction =
      key == "SecurityGroupIngress" ? Direction::ingress : Direction::egress;
  std::vector<Alternative> lists;
  try {
    template_.alternatives(node, scope.condition, nullptr, lists);
    for (const Alternative& list : lists) {
      if (list.node->kind == TreeNode::Kind::sequence) {
        for (const TreeNode& item : list.node->items) {
          std::vector<Alternative> entries;
          try {
            template_.alternatives(item, list.condition, list.condition_at, entries);
          } catch (const CfnProblem& problem) {
            left_out(problem, "this entry of " + key);
            continue;
          }
          for (const Alternative& entry : entries) read_entry(entry, key, direction, scope, rules);
        }
      } else if (list.node->kind == TreeNode::Kind::mapping && if_parts(*list.node) == std::nullopt &&
                 (list.node->members.empty() || list.node->members.front().first.rfind("Fn::", 0) != 0)) {
        sink_.warn("", *list.node,
                   key + " is one mapping, not a list: CloudFormation reads it as one rule, and so "
                         "does sgcheck");
        read_entry(list, key, direction, scope, rules);
      } else {
        reject(*list.node, "expected a list for " + key + ", found " +
                               (list.node->kind == TreeNode::Kind::mapping
                                    ? "an intrinsic function sgcheck does not fold"
                                    : list.node->kind_name()));
      }
    }
  } catch (const CfnProblem& problem) {
    left_out(problem, key);
  }
}

// One rule entry under its conditions: the scope of the entry is where its innermost undecided
// Fn::If is written, else the resource's Condition.
void CfnReader::read_entry(const Alternative& entry, const std::string& key, Direction direction,
                           const Scope& resource, std::vector<Rule>& rules) {
  try {
    if (entry.node->kind != TreeNode::Kind::mapping)
      reject(*entry.node, "expected a mapping for an element of " + key + ", found " +
                              entry.node->kind_name());
    Scope scope{entry.condition, resource.at};
    if (entry.condition_at != nullptr) scope.at = sink_.pos(*entry.condition_at);
    for_each_variant(*entry.node, scope, [&](const TreeNode& fields, const Scope& variant) {
      Rule rule = read_rule(fields, direction, *entry.node);
      set_condition(variant, rule);
      rules.push_back(std::move(rule));
    }, 0);
  } catch (const CfnProblem& problem) {
    left_out(problem, "this entry of " + key);
  }
}

// A rule entry with a property `Fn::If [C, value, AWS::NoValue]` under an undecided C is two rules:
// one with the property under C, one without it under not C. Other Fn::If values are left to
// resolve() (decided: the branch; undecided: an open value).
void CfnReader::for_each_variant(const TreeNode& fields, const Scope& scope,
                                 const std::function<void(const TreeNode&, const Scope&)>& read,
                                 int depth) {
  for (std::size_t i = 0; i < fields.members.size() && depth < 8; ++i) {
    const TreeNode& value = fields.members[i].second;
    const std::optional<IfParts> parts = if_parts(value);
    if (!parts || !(is_no_value(*parts->then_node) || is_no_value(*parts->else_node))) continue;
    if (template_.truth(parts->condition, value) != Truth::undecided) continue;
    const std::optional<bool> settled = assumed(scope.condition, parts->condition);
    const SourcePos at = sink_.pos(value);
    for (const bool holds : {true, false}) {
      if (settled && *settled != holds) continue;  // the scope already decides this condition
      const TreeNode& branch = holds ? *parts->then_node : *parts->else_node;
      TreeNode variant = fields;
      if (is_no_value(branch)) {
        variant.members.erase(variant.members.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        variant.members[i].second = branch;
      }
      const Scope inner =
          settled ? scope
                  : Scope{both_conditions(scope.condition, (holds ? "" : "not ") + parts->condition),
                          at};
      for_each_variant(variant, inner, read, depth + 1);
    }
    return;
  }
  read(fields, scope);
}

void CfnReader::read_standalone(const std::string& id, const TreeNode& resource,
                                Direction direction, const Scope& scope) {
  const std::string type(direction == Direction::ingress ? kIngressType : kEgressType);
  const TreeNode* props = resource.find("Properties");
  if (props == nullptr) reject(resource, "resource " + id + " (" + type + ") has no Properties");
  if (props->kind != TreeNode::Kind::mapping)
    reject(*props, "expected a mapping for Properties of " + id + ", found " + props->kind_name());
  for_each_variant(*props, scope, [&](const TreeNode& fields, const Scope& variant) {
    attach_standalone(id, resource, fields, direction, variant);
  }, 0);
}

// A rules-only view of a group this template does not declare: an existing group named by its
// physical id, or one the deployment names (a parameter, an import, a nested stack's output).
std::size_t CfnReader::external_group(const std::string& group_id, const TreeNode& at) {
  if (const auto known = groups_.find(group_id); known != groups_.end()) return known->second;
  Group external;
  external.id = group_id;
  external.from_rules_only = true;
  external.origin = GroupOrigin::cloudformation;
  external.location = sink_.pos(at);
  groups_[group_id] = sink_.out().groups.size();
  sink_.out().groups.push_back(std::move(external));
  return groups_[group_id];
}

void CfnReader::attach_standalone(const std::string& id, const TreeNode& resource,
                                  const TreeNode& fields, Direction direction, const Scope& scope) {
  const std::string type(direction == Direction::ingress ? kIngressType : kEgressType);
  const TreeNode* target = fields.find("GroupId");
  const bool by_name = target == nullptr || target->is_null();
  if (by_name) target = direction == Direction::ingress ? fields.find("GroupName") : nullptr;
  if (target == nullptr || target->is_null()) {
    reject(resource, "resource " + id + " (" + type + ") has no GroupId" +
                         (direction == Direction::ingress ? " or GroupName" : ""));
  }
  const Value value = resolve(*target, by_name ? "GroupName" : "GroupId");
  Rule rule = read_rule(fields, direction, resource);
  rule.tags = ignore_tags(resource);
  set_condition(scope, rule);
  std::string group_id = value.group;
  if (!group_id.empty() && not_created_.count(group_id)) {
    sink_.note(*target, "resource " + id + " adds a rule to group " + group_id +
                            ", which this template does not create (its Condition is false)");
    return;
  }
  if (value.known && group_id.empty() && by_name) {
    if (const auto named = group_by_name_.find(value.text); named != group_by_name_.end())
      group_id = named->second;
  }
  if (group_id.empty()) {
    // A group outside this template: the rule is still judged on what it admits, on a rules-only
    // view of that group named by its id, or by what names it (docs/iac.md).
    group_id = !value.known ? unresolved_id(value.expression)
               : by_name    ? unresolved_id("GroupName " + value.text)
                            : value.text;
    if (!value.known || by_name) {
      sink_.note(*target, "resource " + id + " adds a rule to a group outside this template (" +
                              (value.known ? "GroupName " + value.text : value.expression) +
                              "): the rule is judged on what it admits, on the external group " +
                              group_id);
    } else {
      explain(value, *target, "GroupId");
    }
  }
  const std::size_t index =
      groups_.count(group_id) ? groups_.at(group_id) : external_group(group_id, resource);
  sink_.out().groups[index].rules.push_back(std::move(rule));
}

namespace {

// "not IsProd" for one condition, "not (A and B)" for several.
std::string negated(const std::string& condition) {
  if (condition.rfind("not ", 0) == 0 && condition.find(" and ") == std::string::npos)
    return condition.substr(4);
  return condition.find(' ') == std::string::npos ? "not " + condition
                                                  : "not (" + condition + ")";
}

}  // namespace

// CloudFormation keeps EC2's allow-all IPv4 egress rule on a group the template gives no egress
// rule, inline or standalone (aws-semantics.md §2.5); SG407 reports it. When every egress rule is
// conditional, the default holds when none of their conditions does: a conditional default.
void CfnReader::add_default_egress() {
  for (const auto& [index, scope] : template_groups_) {
    Group& group = sink_.out().groups[index];
    bool has_egress = false;
    std::set<std::string> conditions;
    for (const Rule& r : group.rules) {
      if (r.direction != Direction::egress) continue;
      if (rule_conditional(r))
        conditions.insert(r.unresolved().condition);
      else
        has_egress = true;
    }
    // Egress under C and under not C: some egress rule always exists.
    for (const std::string& c : conditions) has_egress = has_egress || conditions.count(negated(c));
    if (has_egress) continue;
    Rule rule;
    rule.direction = Direction::egress;
    rule.protocol = kAllProtocols;
    rule.peer.kind = PeerKind::cidr4;
    rule.peer.cidr = *parse_cidr4("0.0.0.0/0");
    rule.location = group.location;
    rule.rule_location = group.location;
    std::string condition;  // the group's own Condition, and no conditional egress rule
    for (const std::string& c : conditions) condition = both_conditions(condition, negated(c));
    set_condition({both_conditions(scope.condition, condition),
                   scope.condition.empty() ? group.location : scope.at},
                  rule);
    group.rules.push_back(std::move(rule));
    group.template_without_egress = true;
  }
}

void CfnReader::read() {
  const TreeNode* resources = root_.find("Resources");
  if (resources == nullptr) reject(root_, "CloudFormation template without Resources");
  if (resources->kind != TreeNode::Kind::mapping)
    reject(*resources, std::string("expected a mapping for Resources, found ") +
                           resources->kind_name());
  const Resources entries = expand_resources(*resources);
  std::vector<bool> usable(entries.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    try {
      declare(entries[i].first, *entries[i].second);
      usable[i] = true;
    } catch (const CfnProblem& problem) {
      left_out(problem, "resource " + entries[i].first);
    }
  }
  // Groups first: standalone rules look them up by logical id and GroupName.
  for (const bool groups : {true, false}) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!usable[i]) continue;
      const auto& [id, resource] = entries[i];
      const std::string& type = *template_.resource_type(id);
      if ((type == kGroupType) != groups) continue;
      if (type != kGroupType && type != kIngressType && type != kEgressType) continue;
      try {
        Scope scope;
        if (!resource_scope(id, *resource, scope)) continue;
        if (type == kGroupType) read_group(id, *resource, scope);
        if (type == kIngressType) read_standalone(id, *resource, Direction::ingress, scope);
        if (type == kEgressType) read_standalone(id, *resource, Direction::egress, scope);
      } catch (const CfnProblem& problem) {
        left_out(problem, "resource " + id);
      }
    }
  }
  add_default_egress();
}

}  // namespace

bool is_cloudformation(const TreeNode& root) {
  return root.kind == TreeNode::Kind::mapping &&
         (root.find("Resources") != nullptr || root.find("AWSTemplateFormatVersion") != nullptr);
}

void read_cloudformation(const TreeNode& root, IacSink& sink) {
  try {
    CfnReader(root, sink).read();
  } catch (const CfnProblem& problem) {
    throw TreeError{problem.line, problem.column, problem.message};
  }
}

namespace {

// Groups [first, end) of one document whose logical ids an earlier document of the file declared
// become "documentN.LogicalId", with the references of that document's rules.
void qualify_document_ids(Inventory& out, std::size_t first, std::size_t number,
                          std::set<std::string, std::less<>>& earlier) {
  std::map<std::string, std::string, std::less<>> renamed;
  for (std::size_t i = first; i < out.groups.size(); ++i) {
    Group& group = out.groups[i];
    if (group.template_name.empty() || group.id != group.template_name) continue;
    if (!earlier.insert(group.id.str()).second)
      renamed[group.id.str()] = "document" + std::to_string(number) + "." + group.id;
  }
  if (renamed.empty()) return;
  for (std::size_t i = first; i < out.groups.size(); ++i) {
    Group& group = out.groups[i];
    if (const auto it = renamed.find(group.id); it != renamed.end() && !group.template_name.empty())
      group.id = group.template_name = it->second;
    for (Rule& rule : group.rules) {
      if (rule.peer.kind != PeerKind::group) continue;
      if (const auto it = renamed.find(rule.peer.id); it != renamed.end()) rule.peer.id = it->second;
    }
  }
}

}  // namespace

void read_cloudformation_documents(const std::vector<TreeNode>& documents, IacSink& sink) {
  if (documents.size() == 1) return read_cloudformation(documents.front(), sink);
  std::set<std::string, std::less<>> earlier;  // logical ids of groups of earlier documents
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const TreeNode& document = documents[d];
    const std::string number = std::to_string(d + 1);
    if (!is_cloudformation(document)) {
      if (!document.is_null())
        sink.note(document, "YAML document " + number +
                                " is not a CloudFormation template (no Resources): skipped");
      continue;
    }
    const std::size_t first = sink.out().groups.size();
    try {
      CfnReader(document, sink).read();
    } catch (const CfnProblem& problem) {
      TreeNode at;
      at.line = problem.line;
      at.column = problem.column;
      sink.warn(kIacUnreadable, at, problem.message + ": YAML document " + number + " is left out");
      continue;
    }
    qualify_document_ids(sink.out(), first, d + 1, earlier);
  }
}

}  // namespace sgcheck::detail
