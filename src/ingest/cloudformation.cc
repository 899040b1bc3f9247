// Reads CloudFormation templates (JSON or YAML, as a TreeNode) into the inventory: groups named by
// logical id, one atomic rule per inline or standalone rule entry, references through Ref and
// Fn::GetAtt, parameter defaults, unresolved values and the egress default. Entry point:
// read_cloudformation(); the class CfnReader does the work.
#include "ingest/cloudformation.h"

#include <map>

namespace sgcheck::detail {

namespace {

constexpr std::string_view kGroupType = "AWS::EC2::SecurityGroup";
constexpr std::string_view kIngressType = "AWS::EC2::SecurityGroupIngress";
constexpr std::string_view kEgressType = "AWS::EC2::SecurityGroupEgress";

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// A template value after Ref, Fn::GetAtt and Fn::Sub: known text, a group of this template, or a
// value the deployment decides.
struct Value {
  bool known = true;
  std::string text;        // known: the scalar
  std::string group;       // known: a reference to this template group (its logical id)
  std::string expression;  // !known: what decides it, e.g. "Ref DbSourceSG"
  std::string reason;      // !known: why it is open, for the note
  std::string parameter;   // known through this parameter's Default
};

Value unknown(std::string expression, std::string reason = {}) {
  Value v;
  v.known = false;
  v.expression = std::move(expression);
  v.reason = std::move(reason);
  return v;
}

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
  CfnReader(const TreeNode& root, IacSink& sink) : root_(root), sink_(sink) {}

  void read();

 private:
  const TreeNode& expect(const TreeNode& node, TreeNode::Kind kind, std::string_view what) const;
  Value resolve(const TreeNode& node, std::string_view field);
  Value intrinsic(const std::string& fn, const TreeNode& arg, const TreeNode& at);
  std::string scalar_arg(const TreeNode& arg, std::string_view fn) const;
  void explain(const Value& value, const TreeNode& at, std::string_view field);

  void read_group(const std::string& id, const TreeNode& resource);
  void read_standalone(const std::string& id, const TreeNode& resource, Direction direction);
  Rule read_rule(const TreeNode& fields, Direction direction, const TreeNode& rule_at);
  void set_peer(std::string_view key, const TreeNode& node, const TreeNode* owner, Rule& rule);
  std::vector<Tag> ignore_tags(const TreeNode& resource) const;
  void add_default_egress();

  const TreeNode& root_;
  IacSink& sink_;
  std::map<std::string, const TreeNode*, std::less<>> parameters_;
  std::map<std::string, std::string, std::less<>> resource_types_;
  std::map<std::string, std::size_t, std::less<>> groups_;  // logical id or external id -> index
  std::vector<std::size_t> template_groups_;                // indices of declared groups
  // GroupName -> logical id of the last declared group with that name (a map: aliases can declare
  // thousands of groups, and every rule naming a group looks it up).
  std::map<std::string, std::string, std::less<>> group_by_name_;
};

const TreeNode& CfnReader::expect(const TreeNode& node, TreeNode::Kind kind,
                                  std::string_view what) const {
  if (node.kind != kind) {
    TreeNode want;
    want.kind = kind;
    sink_.fail(node, "expected " + std::string(want.kind_name()) + " for " + std::string(what) +
                         ", found " + node.kind_name());
  }
  return node;
}

std::string CfnReader::scalar_arg(const TreeNode& arg, std::string_view fn) const {
  if (arg.kind != TreeNode::Kind::string)
    sink_.fail(arg, "expected a name after " + std::string(fn) + ", found " + arg.kind_name());
  return arg.text;
}

Value CfnReader::resolve(const TreeNode& node, std::string_view field) {
  if (node.is_scalar()) {
    Value v;
    v.text = node.text;
    return v;
  }
  if (node.kind == TreeNode::Kind::mapping && node.members.size() == 1) {
    const auto& [key, arg] = node.members.front();
    if (key == "Ref" || key.rfind("Fn::", 0) == 0) return intrinsic(key, arg, node);
  }
  sink_.fail(node, "expected a value for " + quote(field) + ", found " + node.kind_name());
}

Value CfnReader::intrinsic(const std::string& fn, const TreeNode& arg, const TreeNode& at) {
  if (fn == "Ref") {
    const std::string name = scalar_arg(arg, "Ref");
    if (const auto p = parameters_.find(name); p != parameters_.end()) {
      const TreeNode* def =
          p->second->kind == TreeNode::Kind::mapping ? p->second->find("Default") : nullptr;
      if (def != nullptr && def->is_scalar() && !def->is_null()) {
        sink_.charge_copy(at, def->text.size());  // each Ref repeats the Default
        Value v;
        v.text = def->text;
        v.parameter = name;
        return v;
      }
      return unknown("Ref " + name, "parameter " + name + " has no Default");
    }
    if (name.rfind("AWS::", 0) == 0) return unknown("Ref " + name, "a pseudo parameter");
    if (const auto r = resource_types_.find(name); r != resource_types_.end()) {
      if (r->second == kGroupType) {
        Value v;
        v.group = name;
        return v;
      }
      return unknown("Ref " + name, "the physical id of resource " + name);
    }
    // CloudFormation rejects such a template; the documented snippets leave their parameters out
    // (aws-semantics.md §4.6), so this is a warning and the value stays open.
    sink_.warn(kIacBadValue, at,
               "Ref to " + quote(name) +
                   ", which is neither a parameter nor a resource of this template: CloudFormation "
                   "rejects it, and its value is unknown here");
    return unknown("Ref " + name, "undeclared");
  }
  if (fn == "Fn::GetAtt") {
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
      sink_.fail(arg, "expected [resource, attribute] or \"resource.attribute\" after Fn::GetAtt");
    }
    const auto r = resource_types_.find(resource);
    if (r == resource_types_.end()) {
      sink_.warn(kIacBadValue, arg,
                 "Fn::GetAtt of " + quote(resource) +
                     ", which is not a resource of this template: CloudFormation rejects it, and "
                     "its value is unknown here");
      return unknown("GetAtt " + resource + "." + attribute, "undeclared");
    }
    if (r->second == kGroupType && attribute == "GroupId") {
      Value v;
      v.group = resource;
      return v;
    }
    return unknown("GetAtt " + resource + "." + attribute,
                   "attribute " + attribute + " of resource " + resource);
  }
  if (fn == "Fn::Sub") {
    const TreeNode& text_node =
        arg.kind == TreeNode::Kind::sequence && !arg.items.empty() ? arg.items.front() : arg;
    if (text_node.kind != TreeNode::Kind::string)
      sink_.fail(text_node,
                 std::string("expected a string after Fn::Sub, found ") + text_node.kind_name());
    std::string text = text_node.text;
    for (std::size_t at_var = text.find("${"); at_var != std::string::npos;
         at_var = text.find("${", at_var + 2)) {
      if (at_var + 2 < text.size() && text[at_var + 2] == '!') continue;
      return unknown("Sub " + text, "Fn::Sub with variables");
    }
    for (std::size_t lit = text.find("${!"); lit != std::string::npos; lit = text.find("${!", lit))
      text.erase(lit + 2, 1);
    Value v;
    v.text = std::move(text);
    return v;
  }
  // Fn::If, Fn::ImportValue, Fn::Join, Fn::Select, …: decided by the deployment.
  std::string expression = fn.rfind("Fn::", 0) == 0 ? fn.substr(4) : fn;
  if (arg.kind == TreeNode::Kind::string) {
    expression += " " + arg.text;
  } else if (arg.kind == TreeNode::Kind::sequence && !arg.items.empty() &&
             arg.items.front().kind == TreeNode::Kind::string) {
    expression += " " + arg.items.front().text;
  }
  return unknown(expression, "Fn::" + (fn.rfind("Fn::", 0) == 0 ? fn.substr(4) : fn));
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
  if (ignore->kind == TreeNode::Kind::string) tags.push_back({"sgcheck:ignore", ignore->text});
  if (ignore->kind == TreeNode::Kind::sequence) {
    for (const TreeNode& item : ignore->items)
      if (item.kind == TreeNode::Kind::string) tags.push_back({"sgcheck:ignore", item.text});
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
    if (user.known) rule.peer.user_id = user.text;
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
    if (node.is_null()) continue;
    if (key == "IpProtocol" || key == "FromPort" || key == "ToPort") {
      const Value value = resolve(node, key);
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

void CfnReader::read_group(const std::string& id, const TreeNode& resource) {
  const TreeNode* props = resource.find("Properties");
  if (props == nullptr)
    sink_.fail(resource, "resource " + id + " (AWS::EC2::SecurityGroup) has no Properties");
  expect(*props, TreeNode::Kind::mapping, "Properties of " + id);
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
      if (!value.known || !value.group.empty()) continue;
      (key == "GroupDescription" ? group.description
       : key == "GroupName"      ? group.name
                                 : group.vpc_id) = value.text;
    } else if (key == "Tags") {
      for (const TreeNode& item : expect(node, TreeNode::Kind::sequence, "Tags").items) {
        expect(item, TreeNode::Kind::mapping, "an element of Tags");
        Tag tag;
        if (const TreeNode* k = item.find("Key")) tag.key = resolve(*k, "Key").text;
        if (const TreeNode* v = item.find("Value")) {
          const Value value = resolve(*v, "Value");
          tag.value = value.known ? value.text : value.expression;
        }
        group.tags.push_back(std::move(tag));
      }
    } else if (key == "SecurityGroupIngress" || key == "SecurityGroupEgress") {
      const Direction direction =
          key == "SecurityGroupIngress" ? Direction::ingress : Direction::egress;
      for (const TreeNode& item : expect(node, TreeNode::Kind::sequence, key).items) {
        expect(item, TreeNode::Kind::mapping, "an element of " + key);
        group.rules.push_back(read_rule(item, direction, item));
      }
    }
  }
  groups_[id] = sink_.out().groups.size();
  template_groups_.push_back(sink_.out().groups.size());
  group_by_name_[group.name] = id;
  sink_.out().groups.push_back(std::move(group));
}

void CfnReader::read_standalone(const std::string& id, const TreeNode& resource,
                                Direction direction) {
  const std::string type(direction == Direction::ingress ? kIngressType : kEgressType);
  const TreeNode* props = resource.find("Properties");
  if (props == nullptr)
    sink_.fail(resource, "resource " + id + " (" + type + ") has no Properties");
  expect(*props, TreeNode::Kind::mapping, "Properties of " + id);
  const TreeNode* target = props->find("GroupId");
  const bool by_name = target == nullptr || target->is_null();
  if (by_name) target = direction == Direction::ingress ? props->find("GroupName") : nullptr;
  if (target == nullptr || target->is_null()) {
    sink_.fail(resource, "resource " + id + " (" + type + ") has no GroupId" +
                             (direction == Direction::ingress ? " or GroupName" : ""));
  }
  Rule rule = read_rule(*props, direction, resource);
  rule.tags = ignore_tags(resource);
  const Value value = resolve(*target, by_name ? "GroupName" : "GroupId");
  std::string group_id = value.group;
  if (value.known && group_id.empty() && by_name) {
    if (const auto named = group_by_name_.find(value.text); named != group_by_name_.end())
      group_id = named->second;
  }
  if (!value.known || (group_id.empty() && by_name)) {
    sink_.note(*target, "resource " + id + " adds a rule to a group outside this template (" +
                            (value.known ? "GroupName " + value.text : value.expression) +
                            "): the rule is not evaluated");
    return;
  }
  if (group_id.empty()) {
    // An existing group named by its physical id: the rule joins a rules-only view of it.
    explain(value, *target, "GroupId");
    group_id = value.text;
    if (!groups_.count(group_id)) {
      Group external;
      external.id = group_id;
      external.from_rules_only = true;
      external.origin = GroupOrigin::cloudformation;
      external.location = sink_.pos(resource);
      groups_[group_id] = sink_.out().groups.size();
      sink_.out().groups.push_back(std::move(external));
    }
  }
  sink_.out().groups[groups_.at(group_id)].rules.push_back(std::move(rule));
}

// CloudFormation keeps EC2's allow-all IPv4 egress rule on a group the template gives no egress
// rule, inline or standalone (aws-semantics.md §2.5); SG407 reports it.
void CfnReader::add_default_egress() {
  for (std::size_t index : template_groups_) {
    Group& group = sink_.out().groups[index];
    bool has_egress = false;
    for (const Rule& r : group.rules) has_egress = has_egress || r.direction == Direction::egress;
    if (has_egress) continue;
    Rule rule;
    rule.direction = Direction::egress;
    rule.protocol = kAllProtocols;
    rule.peer.kind = PeerKind::cidr4;
    rule.peer.cidr = *parse_cidr4("0.0.0.0/0");
    rule.location = group.location;
    rule.rule_location = group.location;
    group.rules.push_back(std::move(rule));
    group.template_without_egress = true;
  }
}

void CfnReader::read() {
  expect(root_, TreeNode::Kind::mapping, "the template");
  if (const TreeNode* params = root_.find("Parameters"); params && !params->is_null()) {
    for (const auto& [name, node] : expect(*params, TreeNode::Kind::mapping, "Parameters").members)
      parameters_[name] = &node;
  }
  const TreeNode* resources = root_.find("Resources");
  if (resources == nullptr) sink_.fail(root_, "CloudFormation template without Resources");
  expect(*resources, TreeNode::Kind::mapping, "Resources");
  for (const auto& [id, resource] : resources->members) {
    expect(resource, TreeNode::Kind::mapping, "resource " + id);
    const TreeNode* type = resource.find("Type");
    if (type == nullptr) sink_.fail(resource, "resource " + id + " has no Type");
    if (type->kind != TreeNode::Kind::string)
      sink_.fail(*type, "expected a string for the Type of " + id + ", found " + type->kind_name());
    resource_types_[id] = type->text;
  }
  for (const auto& [id, resource] : resources->members) {
    if (resource_types_[id] == kGroupType) read_group(id, resource);
  }
  for (const auto& [id, resource] : resources->members) {
    const std::string& type = resource_types_[id];
    if (type == kIngressType) read_standalone(id, resource, Direction::ingress);
    if (type == kEgressType) read_standalone(id, resource, Direction::egress);
  }
  add_default_egress();
}

}  // namespace

bool is_cloudformation(const TreeNode& root) {
  return root.kind == TreeNode::Kind::mapping &&
         (root.find("Resources") != nullptr || root.find("AWSTemplateFormatVersion") != nullptr);
}

void read_cloudformation(const TreeNode& root, IacSink& sink) {
  CfnReader(root, sink).read();
}

}  // namespace sgcheck::detail
