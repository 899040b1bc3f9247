// Reads a Terraform plan (JSON tree) into the inventory: the planned resources of every module
// (or the `after` of resource_changes when the plan has no planned_values), minus deleted ones;
// groups by physical id or address; one atomic rule per peer of each block or rule resource;
// references through `configuration`. Entry point: read_terraform(); the class TfReader.
#include "ingest/terraform.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

namespace sgcheck::detail {

namespace {

using Kind = TreeNode::Kind;

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// "module.a[0].aws_security_group.web[\"x\"]" -> "module.a.aws_security_group.web": the
// configuration's name for every instance of a resource.
std::string strip_indexes(std::string_view address) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '[')
      ++depth;
    else if (c == ']')
      --depth;
    else if (depth > 0 && c == '"')
      in_string = true;
    else if (depth == 0)
      out += c;
  }
  return out;
}

bool is_group_type(std::string_view type) {
  return type == "aws_security_group" || type == "aws_default_security_group";
}

// A value unknown before apply as the `.tf` reader writes it (tf_module.cc): a null that names
// the expression it waits for. Plans write such values as absent or null without text.
const std::string* open_text(const TreeNode* node) {
  return node != nullptr && node->is_null() && !node->text.empty() ? &node->text : nullptr;
}

// One planned resource instance.
struct Resource {
  std::string address;  // "module.net.aws_security_group.web[0]"
  std::string module;   // "module.net." or "" (the prefix its references are relative to)
  std::string type;
  const TreeNode* node = nullptr;           // the resource object, for positions
  const TreeNode* values = nullptr;         // its values (planned, or the change's `after`)
  const TreeNode* expressions = nullptr;    // configuration expressions, or nullptr
  const TreeNode* after_unknown = nullptr;  // the change's after_unknown, or nullptr
};

class TfReader {
 public:
  TfReader(const TreeNode& root, IacSink& sink) : root_(root), sink_(sink) {}

  void read();

 private:
  // Runs one resource's reading; a problem with it becomes an SG408 warning that leaves it out,
  // and the other resources are still read (limits stay fatal: IacSink::over_limits()).
  template <typename Read>
  void one_resource(const Resource& r, const char* left_out, Read&& read);
  void read_group_rules(const Resource& r);
  const TreeNode* member(const TreeNode& node, std::string_view key, Kind kind,
                         std::string_view what) const;
  std::string string_of(const TreeNode& node, std::string_view key) const;
  // The same, but empty for a value unknown before apply (a VPC, an owner: unknown, not a name).
  std::string known_string_of(const TreeNode& node, std::string_view key) const {
    return open_text(node.find(key)) ? std::string() : string_of(node, key);
  }
  // A prefix-list peer: a pl-… id, or the address of a prefix list of this plan.
  bool prefix_list_peer(const TreeNode& at, Rule& rule);
  void read_prefix_list(const Resource& r);
  void read_prefix_list_entry(const Resource& r);
  void read_interface(const Resource& r);
  // Group ids from a list attribute (vpc_security_group_ids, security_groups) of an interface.
  void interface_groups(const Resource& r, std::string_view key, Interface& out);
  void check_version() const;
  void collect_deleted();
  void walk_module(const TreeNode& module, const std::string& prefix);
  void collect_changes();
  void walk_configuration(const TreeNode& module, const std::string& prefix);

  void read_group(const Resource& r);
  // A reference to a group from an attribute: the value when the plan knows it, else the
  // configuration's references; nullopt when the attribute is not set at all.
  std::optional<std::string> group_reference(const Resource& r, const TreeNode* value,
                                             const TreeNode* expression, const TreeNode& at,
                                             std::string_view attribute);
  std::string reference_target(const Resource& r, const TreeNode& references) const;
  std::size_t target_group(const Resource& r, const std::string& id, const TreeNode& at);

  void block_rules(const Resource& r, const TreeNode& block, const TreeNode* expressions,
                   const TreeNode* after_unknown, Direction direction, const std::string& self_id,
                   std::vector<Rule>& out);
  void rule_resource(const Resource& r);
  void vpc_rule_resource(const Resource& r, Direction direction);
  PortInputs ports_of(const TreeNode& values, const TreeNode& at, const char* protocol_key,
                      const TreeNode* expressions, const TreeNode* after_unknown) const;
  Rule base_rule(const PortInputs& ports, Direction direction, const TreeNode& at,
                 const std::string& description);
  void tags(const TreeNode* node, std::vector<Tag>& out) const;

  const TreeNode& root_;
  IacSink& sink_;
  std::set<std::string, std::less<>> deleted_;
  std::map<std::string, const TreeNode*, std::less<>> after_unknown_;  // address -> after_unknown
  std::vector<Resource> resources_;
  std::map<std::string, const TreeNode*, std::less<>> config_;  // stripped address -> expressions
  std::map<std::string, std::size_t, std::less<>> by_address_;  // group address -> index
  std::map<std::string, std::size_t, std::less<>> by_id_;       // group id -> index
  std::vector<std::size_t> plan_groups_;
  std::map<std::string, std::size_t, std::less<>> prefix_lists_;  // address and id -> index
  std::set<std::size_t> open_blocks_;  // groups whose ingress or egress blocks are unknown
};

const TreeNode* TfReader::member(const TreeNode& node, std::string_view key, Kind kind,
                                 std::string_view what) const {
  const TreeNode* m = node.find(key);
  if (m == nullptr || m->is_null()) return nullptr;
  if (m->kind != kind) {
    TreeNode want;
    want.kind = kind;
    sink_.fail(*m, "expected " + std::string(want.kind_name()) + " for " + quote(key) + " of " +
                       std::string(what) + ", found " + m->kind_name());
  }
  return m;
}

std::string TfReader::string_of(const TreeNode& node, std::string_view key) const {
  const TreeNode* m = node.find(key);
  if (const std::string* open = open_text(m)) return unresolved_id(*open);
  if (m == nullptr || m->is_null()) return {};
  if (m->kind == Kind::sequence || m->kind == Kind::mapping)
    sink_.fail(*m, "expected a string for " + quote(key) + ", found " + m->kind_name());
  return m->text;
}

void TfReader::check_version() const {
  const TreeNode* version = root_.find("format_version");
  if (version == nullptr || version->kind != Kind::string)
    sink_.fail(version ? *version : root_, "expected a string format_version (\"1.x\")");
  if (version->text.substr(0, version->text.find('.')) != "1")
    sink_.fail(*version,
               "unsupported plan format_version " + quote(version->text) + ": expected 1.x");
}

// resource_changes whose actions are exactly ["delete"]: gone after apply.
void TfReader::collect_deleted() {
  const TreeNode* changes = member(root_, "resource_changes", Kind::sequence, "the plan");
  if (changes == nullptr) return;
  for (const TreeNode& change : changes->items) {
    if (change.kind != Kind::mapping) sink_.fail(change, "expected a mapping in resource_changes");
    const TreeNode* body = member(change, "change", Kind::mapping, "a resource change");
    const TreeNode* actions = body ? member(*body, "actions", Kind::sequence, "a change") : nullptr;
    if (actions && actions->items.size() == 1 && actions->items[0].text == "delete")
      deleted_.insert(string_of(change, "address"));
    const TreeNode* unknown = body ? body->find("after_unknown") : nullptr;
    if (unknown != nullptr && unknown->kind == Kind::mapping)
      after_unknown_[string_of(change, "address")] = unknown;
  }
}

void TfReader::walk_module(const TreeNode& module, const std::string& prefix) {
  if (const TreeNode* list = member(module, "resources", Kind::sequence, "a module")) {
    for (const TreeNode& res : list->items) {
      if (res.kind != Kind::mapping) sink_.fail(res, "expected a mapping in resources");
      if (string_of(res, "mode") == "data") continue;
      Resource r;
      r.address = string_of(res, "address");
      r.type = string_of(res, "type");
      r.module = prefix;
      r.node = &res;
      r.values = member(res, "values", Kind::mapping, r.address);
      if (r.values == nullptr || deleted_.count(r.address)) continue;
      resources_.push_back(std::move(r));
    }
  }
  if (const TreeNode* children = member(module, "child_modules", Kind::sequence, "a module")) {
    for (const TreeNode& child : children->items) {
      if (child.kind != Kind::mapping) sink_.fail(child, "expected a mapping in child_modules");
      walk_module(child, string_of(child, "address") + ".");
    }
  }
}

// A plan without planned_values: the `after` of every change that is not a deletion.
void TfReader::collect_changes() {
  const TreeNode* changes = member(root_, "resource_changes", Kind::sequence, "the plan");
  if (changes == nullptr) return;
  for (const TreeNode& change : changes->items) {
    if (string_of(change, "mode") == "data") continue;
    Resource r;
    r.address = string_of(change, "address");
    if (deleted_.count(r.address)) continue;
    r.type = string_of(change, "type");
    const std::string module = string_of(change, "module_address");
    r.module = module.empty() ? "" : module + ".";
    r.node = &change;
    const TreeNode* body = member(change, "change", Kind::mapping, r.address);
    r.values = body ? member(*body, "after", Kind::mapping, r.address) : nullptr;
    if (r.values != nullptr) resources_.push_back(std::move(r));
  }
}

void TfReader::walk_configuration(const TreeNode& module, const std::string& prefix) {
  if (const TreeNode* list = member(module, "resources", Kind::sequence, "a configuration")) {
    for (const TreeNode& res : list->items) {
      if (res.kind != Kind::mapping) continue;
      if (const TreeNode* e = res.find("expressions"); e && e->kind == Kind::mapping)
        config_[prefix + string_of(res, "address")] = e;
    }
  }
  if (const TreeNode* calls = member(module, "module_calls", Kind::mapping, "a configuration")) {
    for (const auto& [name, call] : calls->members) {
      if (call.kind != Kind::mapping) continue;
      if (const TreeNode* inner = call.find("module"); inner && inner->kind == Kind::mapping)
        walk_configuration(*inner, prefix + "module." + name + ".");
    }
  }
}

void TfReader::tags(const TreeNode* node, std::vector<Tag>& out) const {
  if (node == nullptr || node->kind != Kind::mapping) return;
  for (const auto& [k, v] : node->members)
    if (v.is_scalar()) out.push_back({Name(k), Name(v.text)});
}

// The first reference of an expression that names a group resource, as the id that group has
// in this inventory (its physical id when known, else its address); else unresolved(reference).
std::string TfReader::reference_target(const Resource& r, const TreeNode& references) const {
  std::string first;
  for (const TreeNode& ref : references.items) {
    if (ref.kind != Kind::string) continue;
    if (first.empty()) first = ref.text;
    std::string target = ref.text;
    const std::size_t type_end = target.find('.');
    if (type_end == std::string::npos || !is_group_type(target.substr(0, type_end))) continue;
    if (target.size() > 3 && target.compare(target.size() - 3, 3, ".id") == 0)
      target.resize(target.size() - 3);
    const std::string address = r.module + target;
    if (const auto it = by_address_.find(address); it != by_address_.end())
      return sink_.out().groups[it->second].id.str();
    // `aws_security_group.app` when the plan holds one instance of it under an index.
    std::optional<std::size_t> only;
    for (const auto& [a, index] : by_address_) {
      if (strip_indexes(a) != address) continue;
      if (only) return address;  // several instances: name the resource, which stays unknown
      only = index;
    }
    if (only) return sink_.out().groups[*only].id.str();
    return address;  // a group outside this plan: named by its address, unknown to the engine
  }
  return unresolved_id(first.empty() ? "unknown until apply" : first);
}

std::optional<std::string> TfReader::group_reference(const Resource& r, const TreeNode* value,
                                                     const TreeNode* expression, const TreeNode& at,
                                                     std::string_view attribute) {
  if (value != nullptr && value->kind == Kind::string && !value->text.empty()) return value->text;
  if (const std::string* open = open_text(value)) {
    sink_.note(at, r.address + ": " + std::string(attribute) + " is not known before apply (" +
                       *open + "): answers that depend on it are unknown");
    return unresolved_id(*open);
  }
  if (expression == nullptr || expression->kind != Kind::mapping) return std::nullopt;
  const TreeNode* refs = expression->find("references");
  if (refs == nullptr || refs->kind != Kind::sequence || refs->items.empty()) return std::nullopt;
  std::string id = reference_target(r, *refs);
  if (is_unresolved_id(id)) {
    sink_.note(at, r.address + ": " + std::string(attribute) + " is not known before apply (" +
                       id.substr(11, id.size() - 12) + "): answers that depend on it are unknown");
  }
  return id;
}

// The group a rule resource attaches to: one of the plan, or a rules-only view of another.
std::size_t TfReader::target_group(const Resource& r, const std::string& id, const TreeNode& at) {
  if (const auto it = by_id_.find(id); it != by_id_.end()) return it->second;
  Group external;
  external.id = id;
  external.from_rules_only = true;
  external.origin = GroupOrigin::terraform;
  if (!is_unresolved_id(id) && id.rfind("sg-", 0) != 0) external.template_name = id;
  external.location = sink_.pos(at);
  (void)r;
  by_id_[id] = sink_.out().groups.size();
  sink_.out().groups.push_back(std::move(external));
  return by_id_[id];
}

// A protocol or port the plan leaves open: absent from the values, and either computed
// (after_unknown) or written as a reference in the configuration. The text names the first
// reference ("var.port", "data.x.y.port") or says "unknown until apply".
std::string open_value(std::string_view key, const TreeNode* expressions,
                       const TreeNode* after_unknown) {
  const TreeNode* e =
      expressions && expressions->kind == Kind::mapping ? expressions->find(key) : nullptr;
  const TreeNode* refs = e && e->kind == Kind::mapping ? e->find("references") : nullptr;
  if (refs != nullptr && refs->kind == Kind::sequence && !refs->items.empty() &&
      refs->items.front().kind == Kind::string)
    return refs->items.front().text;
  const TreeNode* u =
      after_unknown && after_unknown->kind == Kind::mapping ? after_unknown->find(key) : nullptr;
  if (u != nullptr && u->text == "true") return "unknown until apply";
  return {};
}

PortInputs TfReader::ports_of(const TreeNode& values, const TreeNode& at, const char* protocol_key,
                              const TreeNode* expressions, const TreeNode* after_unknown) const {
  PortInputs in;
  in.rule_at = &at;
  in.from_name = "from_port";
  in.to_name = "to_port";
  in.protocol_name = protocol_key;
  if (const TreeNode* p = values.find(protocol_key); p && p->is_scalar() && !p->is_null()) {
    in.protocol = p->text;
    in.protocol_at = p;
  } else if (const std::string* open = open_text(p)) {
    in.open.protocol = *open;
  } else {
    in.open.protocol = open_value(protocol_key, expressions, after_unknown);
  }
  for (const char* key : {"from_port", "to_port"}) {
    const TreeNode* n = values.find(key);
    if (n == nullptr || n->is_null()) {
      const std::string* open = open_text(n);
      (std::string_view(key) == "from_port" ? in.open.from_port : in.open.to_port) =
          open ? *open : open_value(key, expressions, after_unknown);
      continue;
    }
    if (n->kind != Kind::number)
      sink_.fail(*n, "expected a number for " + quote(key) + ", found " + n->kind_name());
    std::int64_t v = 0;
    const char* end = n->text.data() + n->text.size();
    const auto [ptr, ec] = std::from_chars(n->text.data(), end, v);
    if (ec != std::errc() || ptr != end)
      sink_.fail(*n, "expected an integer for " + quote(key) + ", found " + n->text);
    (std::string_view(key) == "from_port" ? in.from : in.to) = v;
    (std::string_view(key) == "from_port" ? in.from_at : in.to_at) = n;
  }
  if (in.open.any()) in.open.location = sink_.pos(at);  // the value itself is absent
  return in;
}

Rule TfReader::base_rule(const PortInputs& ports, Direction direction, const TreeNode& at,
                         const std::string& description) {
  Rule rule;
  rule.direction = direction;
  rule.rule_location = sink_.pos(at);
  rule.location = rule.rule_location;
  rule.description = description;
  for (const auto& [field, expression] : {std::pair{ports.protocol_name, &ports.open.protocol},
                                          std::pair{ports.from_name, &ports.open.from_port},
                                          std::pair{ports.to_name, &ports.open.to_port}}) {
    if (expression->empty()) continue;
    sink_.note(at, std::string(field) + " is not known before apply (" + *expression +
                       "): answers that depend on it are unknown");
  }
  if (!apply_ports(sink_, ports, rule)) rule.valid = false;
  // The provider requires 0/0 for protocols without ports; they say nothing (no SG206).
  if (rule.valid && !protocol_has_ports(rule.protocol) && rule.from_port.value_or(0) == 0 &&
      rule.to_port.value_or(0) == 0) {
    rule.from_port.reset();
    rule.to_port.reset();
  }
  return rule;
}

// One ingress/egress block of aws_security_group, or an aws_security_group_rule: one atomic rule
// per CIDR, IPv6 CIDR, prefix list, referenced group, and `self`.
void TfReader::block_rules(const Resource& r, const TreeNode& block, const TreeNode* expressions,
                           const TreeNode* after_unknown, Direction direction,
                           const std::string& self_id, std::vector<Rule>& out) {
  const char* protocol_key = "protocol";
  const Rule base = base_rule(ports_of(block, block, protocol_key, expressions, after_unknown),
                              direction, block, string_of(block, "description"));
  const std::size_t first = out.size();
  const auto add = [&](const TreeNode& at) -> Rule& {
    sink_.count_rule(at);
    out.push_back(base);
    out.back().location = sink_.pos(at);
    return out.back();
  };
  const auto list = [&](const char* key) -> const TreeNode* {
    return member(block, key, Kind::sequence, r.address);
  };
  // An address, or a list of them, unknown before apply: a prefix-list peer whose entries are
  // unknown (any address might match), as for CloudFormation.
  const auto open_addresses = [&](const TreeNode& at, const std::string& expression,
                                  const char* key) {
    Rule& rule = add(at);
    rule.peer.kind = PeerKind::prefix_list;
    rule.peer.id = unresolved_id(expression);
    sink_.note(at, r.address + ": " + key + " is not known before apply (" + expression +
                       "): answers that depend on it are unknown");
  };
  for (const auto& [key, family] :
       {std::pair{"cidr_blocks", Family::ipv4}, std::pair{"ipv6_cidr_blocks", Family::ipv6}}) {
    if (const std::string* open = open_text(block.find(key))) {
      open_addresses(*block.find(key), *open, key);
    } else if (const TreeNode* cidrs = list(key)) {
      for (const TreeNode& c : cidrs->items) {
        if (const std::string* item = open_text(&c)) {
          open_addresses(c, *item, key);
          continue;
        }
        Rule& rule = add(c);
        if (!set_cidr(sink_, c, c.text, family, rule)) rule.valid = false;
      }
    }
  }
  if (const std::string* open = open_text(block.find("prefix_list_ids"))) {
    open_addresses(*block.find("prefix_list_ids"), *open, "prefix_list_ids");
  } else if (const TreeNode* ids = list("prefix_list_ids")) {
    for (const TreeNode& p : ids->items) {
      if (const std::string* item = open_text(&p)) {
        open_addresses(p, *item, "prefix_list_ids");
        continue;
      }
      Rule& rule = add(p);
      if (!prefix_list_peer(p, rule)) rule.valid = false;
    }
  }
  const auto group_peer = [&](const TreeNode& at, std::string id) {
    Rule& rule = add(at);
    rule.peer.kind = PeerKind::group;
    rule.peer.id = std::move(id);
  };
  const TreeNode* groups =
      open_text(block.find("security_groups")) ? nullptr : list("security_groups");
  if (const std::string* open = open_text(block.find("security_groups"))) {
    sink_.note(block, r.address + ": security_groups is not known before apply (" + *open +
                          "): answers that depend on it are unknown");
    group_peer(*block.find("security_groups"), unresolved_id(*open));
  } else if (groups != nullptr && !groups->items.empty()) {
    for (const TreeNode& g : groups->items) {
      if (const std::string* item = open_text(&g)) {
        sink_.note(g, r.address + ": security_groups is not known before apply (" + *item +
                          "): answers that depend on it are unknown");
        group_peer(g, unresolved_id(*item));
        continue;
      }
      group_peer(g, g.text);
    }
  } else if (expressions != nullptr) {
    // Unknown until apply: one peer per group the configuration references.
    const TreeNode* e = expressions->find("security_groups");
    const TreeNode* refs = e && e->kind == Kind::mapping ? e->find("references") : nullptr;
    if (refs != nullptr && refs->kind == Kind::sequence) {
      std::set<std::string> seen;
      for (const TreeNode& ref : refs->items) {
        TreeNode one;
        one.kind = Kind::sequence;
        one.items.push_back(ref);
        std::string id = reference_target(r, one);
        if (is_unresolved_id(id)) {
          sink_.note(block, r.address + ": security_groups is not known before apply (" + ref.text +
                                "): answers that depend on it are unknown");
        }
        if (seen.insert(id).second) group_peer(block, std::move(id));
      }
    }
  }
  if (const TreeNode* source = block.find("source_security_group_id");
      source != nullptr || (expressions && expressions->find("source_security_group_id"))) {
    const TreeNode* e = expressions ? expressions->find("source_security_group_id") : nullptr;
    const bool placed = source && (!source->is_null() || open_text(source));
    if (auto id = group_reference(r, source, e, placed ? *source : block,
                                  "source_security_group_id")) {
      group_peer(placed ? *source : block, std::move(*id));
    }
  }
  if (const TreeNode* self = block.find("self"); self && self->text == "true") {
    group_peer(*self, self_id);
  }
  if (out.size() == first) {
    sink_.warn(kIacBadPeer, block,
               r.address +
                   ": rule without a peer: expected cidr_blocks, ipv6_cidr_blocks, "
                   "prefix_list_ids, security_groups, source_security_group_id or self");
    Rule& rule = add(block);
    rule.valid = false;
  }
}

void TfReader::read_group(const Resource& r) {
  const TreeNode& v = *r.values;
  Group group;
  const std::string physical = string_of(v, "id");
  group.id = physical.empty() ? r.address : physical;
  group.template_name = r.address;
  group.origin = GroupOrigin::terraform;
  group.location = sink_.pos(*r.node);
  group.name = string_of(v, "name");
  if (group.name.empty()) group.name = string_of(v, "name_prefix");
  if (group.name.empty() && r.type == "aws_default_security_group") group.name = "default";
  group.description = string_of(v, "description");
  group.vpc_id = known_string_of(v, "vpc_id");
  group.owner_id = known_string_of(v, "owner_id");
  tags(v.find("tags"), group.tags);
  const std::size_t index = sink_.out().groups.size();
  by_address_[r.address] = index;
  by_id_[group.id.str()] = index;
  plan_groups_.push_back(index);
  sink_.out().groups.push_back(std::move(group));
}

void TfReader::rule_resource(const Resource& r) {
  const TreeNode& v = *r.values;
  const std::string type = string_of(v, "type");
  if (type != "ingress" && type != "egress")
    sink_.fail(v.find("type") ? *v.find("type") : *r.node,
               r.address + ": expected type \"ingress\" or \"egress\", found " + quote(type));
  const Direction direction = type == "ingress" ? Direction::ingress : Direction::egress;
  const TreeNode* e = r.expressions ? r.expressions->find("security_group_id") : nullptr;
  const auto target =
      group_reference(r, v.find("security_group_id"), e, *r.node, "security_group_id");
  if (!target || is_unresolved_id(*target)) {
    sink_.note(*r.node, r.address +
                            " adds rules to a group outside this plan: they are not "
                            "evaluated");
    return;
  }
  const std::size_t index = target_group(r, *target, *r.node);
  std::vector<Rule> rules;
  block_rules(r, v, r.expressions, r.after_unknown, direction, *target, rules);
  Group& group = sink_.out().groups[index];
  for (Rule& rule : rules) {
    tags(v.find("tags"), rule.tags);
    rule.id = string_of(v, "security_group_rule_id");
    group.rules.push_back(std::move(rule));
  }
}

void TfReader::vpc_rule_resource(const Resource& r, Direction direction) {
  const TreeNode& v = *r.values;
  const TreeNode* e = r.expressions ? r.expressions->find("security_group_id") : nullptr;
  const auto target =
      group_reference(r, v.find("security_group_id"), e, *r.node, "security_group_id");
  if (!target || is_unresolved_id(*target)) {
    sink_.note(*r.node, r.address +
                            " adds a rule to a group outside this plan: it is not "
                            "evaluated");
    return;
  }
  const std::size_t index = target_group(r, *target, *r.node);
  sink_.count_rule(*r.node);
  Rule rule = base_rule(ports_of(v, *r.node, "ip_protocol", r.expressions, r.after_unknown),
                        direction, *r.node, string_of(v, "description"));
  rule.id = string_of(v, "security_group_rule_id");
  tags(v.find("tags"), rule.tags);
  std::vector<std::pair<std::string_view, const TreeNode*>> peers;
  for (const char* key :
       {"cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"}) {
    const TreeNode* value = v.find(key);
    const TreeNode* expr = r.expressions ? r.expressions->find(key) : nullptr;
    const bool referenced = expr && expr->kind == Kind::mapping && expr->find("references");
    if ((value && !value->is_null()) || referenced || open_text(value))
      peers.emplace_back(key, value);
  }
  if (peers.size() != 1) {
    sink_.warn(
        kIacBadPeer, *r.node,
        r.address + (peers.empty() ? ": rule without a peer: expected one of cidr_ipv4, cidr_ipv6, "
                                     "prefix_list_id, referenced_security_group_id"
                                   : ": rule with several peers: expected exactly one"));
    rule.valid = false;
  }
  if (!peers.empty()) {
    const auto& [key, value] = peers.front();
    const TreeNode& at = value && (!value->is_null() || open_text(value)) ? *value : *r.node;
    rule.location = sink_.pos(at);
    const TreeNode* expr = r.expressions ? r.expressions->find(key) : nullptr;
    if (key == "referenced_security_group_id") {
      rule.peer.kind = PeerKind::group;
      rule.peer.id = group_reference(r, value, expr, at, key).value_or(unresolved_id(key));
    } else if (const std::string* open = open_text(value)) {
      rule.peer.kind = PeerKind::prefix_list;
      rule.peer.id = unresolved_id(*open);
      sink_.note(at, r.address + ": " + std::string(key) + " is not known before apply (" +
                         *open + "): answers that depend on it are unknown");
    } else if (value == nullptr || value->is_null()) {
      // An address set decided at apply: unknown to the engine, like an undefined prefix list.
      const TreeNode& refs = *expr->find("references");
      rule.peer.kind = PeerKind::prefix_list;
      rule.peer.id = unresolved_id(!refs.items.empty() ? refs.items.front().text : key);
      sink_.note(at, r.address + ": " + std::string(key) +
                         " is not known before apply: answers "
                         "that depend on it are unknown");
    } else if (key == "prefix_list_id") {
      if (!prefix_list_peer(at, rule)) rule.valid = false;
    } else if (!set_cidr(sink_, at, value->text, key == "cidr_ipv4" ? Family::ipv4 : Family::ipv6,
                         rule)) {
      rule.valid = false;
    }
  }
  sink_.out().groups[index].rules.push_back(std::move(rule));
}

bool TfReader::prefix_list_peer(const TreeNode& at, Rule& rule) {
  if (const auto it = prefix_lists_.find(at.text); it != prefix_lists_.end()) {
    rule.peer.kind = PeerKind::prefix_list;
    rule.peer.id = sink_.out().prefix_lists[it->second].id;
    return true;
  }
  return set_prefix_list(sink_, at, at.text, rule);
}

// aws_ec2_managed_prefix_list with its `entry` blocks: the list, named by its id or its address.
void TfReader::read_prefix_list(const Resource& r) {
  const TreeNode& v = *r.values;
  PrefixList list;
  const std::string physical = known_string_of(v, "id");
  list.id = physical.empty() ? r.address : physical;
  list.name = string_of(v, "name");
  const std::string family = known_string_of(v, "address_family");
  if (family == "IPv4") list.family = Family::ipv4;
  if (family == "IPv6") list.family = Family::ipv6;
  if (const TreeNode* max = v.find("max_entries"); max && max->kind == Kind::number)
    list.max_entries = std::atoi(max->text.c_str());
  list.location = sink_.pos(*r.node);
  list.entries_known = true;
  if (open_text(v.find("entry"))) list.entries_known = false;
  if (const TreeNode* entries = member(v, "entry", Kind::sequence, r.address)) {
    for (const TreeNode& e : entries->items) {
      const TreeNode* cidr = e.kind == Kind::mapping ? e.find("cidr") : nullptr;
      if (cidr == nullptr || open_text(&e) || open_text(cidr) || cidr->kind != Kind::string) {
        list.entries_known = false;
        continue;
      }
      const ValueResult<Cidr> parsed = parse_cidr(cidr->text);
      if (!parsed || cidr->text.find('/') == std::string::npos) {
        sink_.warn(kIacBadValue, *cidr, r.address + ": invalid CIDR \"" + cidr->text + "\"");
        continue;
      }
      list.entries.push_back(*parsed);
    }
  }
  if (!list.entries_known) {
    sink_.note(*r.node, r.address + ": some entries are not known before apply: answers that "
                                    "depend on the list are unknown");
    list.entries.clear();
  }
  prefix_lists_[r.address] = sink_.out().prefix_lists.size();
  prefix_lists_[list.id.str()] = sink_.out().prefix_lists.size();
  sink_.out().prefix_lists.push_back(std::move(list));
}

// aws_ec2_managed_prefix_list_entry: one more entry of a list of this plan.
void TfReader::read_prefix_list_entry(const Resource& r) {
  const TreeNode& v = *r.values;
  const TreeNode* id = v.find("prefix_list_id");
  const TreeNode* cidr = v.find("cidr");
  const auto it = id && id->kind == Kind::string ? prefix_lists_.find(id->text) : prefix_lists_.end();
  if (it == prefix_lists_.end()) {
    sink_.note(*r.node, r.address + " adds an entry to a prefix list outside this plan: it is "
                                    "not evaluated");
    return;
  }
  PrefixList& list = sink_.out().prefix_lists[it->second];
  if (cidr == nullptr || cidr->kind != Kind::string) {
    list.entries_known = false;
    list.entries.clear();
    sink_.note(*r.node, r.address + ": its cidr is not known before apply: answers that depend "
                                    "on " + list.id + " are unknown");
    return;
  }
  const ValueResult<Cidr> parsed = parse_cidr(cidr->text);
  if (!parsed || cidr->text.find('/') == std::string::npos) {
    sink_.warn(kIacBadValue, *cidr, r.address + ": invalid CIDR \"" + cidr->text + "\"");
    return;
  }
  if (list.entries_known) list.entries.push_back(*parsed);
}

void TfReader::interface_groups(const Resource& r, std::string_view key, Interface& out) {
  const TreeNode* list = r.values->find(key);
  if (const std::string* open = open_text(list)) {
    out.groups.emplace_back(unresolved_id(*open));
    sink_.note(*list, r.address + ": " + std::string(key) + " is not known before apply (" +
                          *open + "): answers that depend on it are unknown");
    return;
  }
  if (list == nullptr || list->kind != Kind::sequence) return;
  for (const TreeNode& g : list->items) {
    if (const std::string* open = open_text(&g)) {
      out.groups.emplace_back(unresolved_id(*open));
      sink_.note(g, r.address + ": " + std::string(key) + " is not known before apply (" +
                        *open + "): answers that depend on it are unknown");
    } else if (g.kind == Kind::string && !g.text.empty()) {
      out.groups.emplace_back(g.text);
    }
  }
}

// aws_network_interface, and aws_instance as the interface that carries its
// vpc_security_group_ids: named by the physical id when the plan knows it, else the address.
void TfReader::read_interface(const Resource& r) {
  const TreeNode& v = *r.values;
  Interface eni;
  const std::string physical = known_string_of(v, "id");
  eni.location = sink_.pos(*r.node);
  eni.subnet_id = known_string_of(v, "subnet_id");
  if (r.type == "aws_instance") {
    const std::string primary = known_string_of(v, "primary_network_interface_id");
    eni.instance_id = physical.empty() ? r.address : physical;
    eni.id = primary.empty() ? eni.instance_id : Name(primary);
    interface_groups(r, "vpc_security_group_ids", eni);
  } else {
    eni.id = physical.empty() ? r.address : physical;
    interface_groups(r, "security_groups", eni);
  }
  std::vector<const TreeNode*> addresses;
  if (const TreeNode* one = v.find("private_ip"); one && one->kind == Kind::string)
    addresses.push_back(one);
  for (const char* key : {"private_ips", "private_ip_list", "ipv6_addresses"}) {
    if (const TreeNode* list = v.find(key); list && list->kind == Kind::sequence)
      for (const TreeNode& a : list->items)
        if (a.kind == Kind::string) addresses.push_back(&a);
  }
  for (const TreeNode* a : addresses) {
    const ValueResult<Address> parsed = parse_address(a->text);
    if (!parsed) {
      sink_.warn(kIacBadValue, *a, r.address + ": invalid address \"" + a->text + "\"");
      continue;
    }
    if (std::find(eni.private_ips.begin(), eni.private_ips.end(), *parsed) == eni.private_ips.end())
      eni.private_ips.push_back(*parsed);
  }
  std::stable_sort(eni.private_ips.begin(), eni.private_ips.end(),
                   [](const Address& a, const Address& b) { return a.family < b.family; });
  tags(v.find("tags"), eni.tags);
  sink_.out().interfaces.push_back(std::move(eni));
}

// The inline rules of a group resource, or the rule of a rule resource.
void TfReader::read_group_rules(const Resource& r) {
  if (is_group_type(r.type)) {
    const auto found = by_address_.find(r.address);
    if (found == by_address_.end()) return;  // left out by read_group()
    const std::size_t index = found->second;
    // Until its blocks are read, the group's egress is unknown (no false SG407 when a problem
    // leaves its rules out).
    open_blocks_.insert(index);
    bool open = false;
    std::vector<Rule> rules;
    const std::string self_id = sink_.out().groups[index].id.str();
    for (const auto& [key, direction] :
         {std::pair{"ingress", Direction::ingress}, std::pair{"egress", Direction::egress}}) {
      if (const std::string* blocks_open = open_text(r.values->find(key))) {
        sink_.note(*r.values->find(key), r.address + ": its " + key +
                                             " blocks are not known before apply (" +
                                             *blocks_open + "), so their rules are not evaluated");
        open = true;
        continue;
      }
      const TreeNode* blocks = member(*r.values, key, Kind::sequence, r.address);
      const TreeNode* exprs = r.expressions ? r.expressions->find(key) : nullptr;
      if (blocks == nullptr) {
        // Omitted from the values but written in the configuration: known only after apply.
        if (exprs != nullptr) {
          sink_.note(*r.node, r.address + ": its " + key +
                                  " blocks are not known before apply, so their rules are not "
                                  "evaluated");
          open = true;
        }
        continue;
      }
      for (std::size_t i = 0; i < blocks->items.size(); ++i) {
        const TreeNode& block = blocks->items[i];
        if (const std::string* block_open = open_text(&block)) {
          sink_.note(block, r.address + ": some of its " + key +
                                " blocks are not known before apply (" + *block_open +
                                "), so their rules are not evaluated");
          open = true;
          continue;
        }
        if (block.kind != Kind::mapping)
          sink_.fail(block, "expected a mapping in " + quote(key) + " of " + r.address);
        const TreeNode* block_expr =
            exprs && exprs->kind == Kind::sequence && i < exprs->items.size() ? &exprs->items[i]
                                                                              : nullptr;
        const TreeNode* unknown_list = r.after_unknown ? r.after_unknown->find(key) : nullptr;
        const TreeNode* block_unknown =
            unknown_list && unknown_list->kind == Kind::sequence && i < unknown_list->items.size()
                ? &unknown_list->items[i]
                : nullptr;
        block_rules(r, block, block_expr, block_unknown, direction, self_id, rules);
      }
    }
    Group& group = sink_.out().groups[index];
    for (Rule& rule : rules) group.rules.push_back(std::move(rule));
    if (!open) open_blocks_.erase(index);
  } else if (r.type == "aws_security_group_rule") {
    rule_resource(r);
  } else if (r.type == "aws_vpc_security_group_ingress_rule") {
    vpc_rule_resource(r, Direction::ingress);
  } else if (r.type == "aws_vpc_security_group_egress_rule") {
    vpc_rule_resource(r, Direction::egress);
  } else if (r.type == "aws_ec2_managed_prefix_list_entry") {
    read_prefix_list_entry(r);
  } else if (r.type == "aws_network_interface" || r.type == "aws_instance") {
    read_interface(r);
  }
}

template <typename Read>
void TfReader::one_resource(const Resource& r, const char* left_out, Read&& read) {
  try {
    read();
  } catch (const TreeError& e) {
    if (sink_.over_limits()) throw;
    TreeNode at;
    at.line = e.line;
    at.column = e.column;
    at.file = e.file;
    sink_.warn(kIacUnreadable, at, e.message + ": " + r.address + left_out);
  }
}

void TfReader::read() {
  if (root_.kind != Kind::mapping) sink_.fail(root_, "expected a JSON object for the plan");
  check_version();
  collect_deleted();
  const TreeNode* planned = member(root_, "planned_values", Kind::mapping, "the plan");
  if (planned == nullptr) planned = member(root_, "values", Kind::mapping, "the state");
  if (planned != nullptr) {
    if (const TreeNode* module = member(*planned, "root_module", Kind::mapping, "planned_values"))
      walk_module(*module, "");
  } else {
    collect_changes();
  }
  if (const TreeNode* config = member(root_, "configuration", Kind::mapping, "the plan")) {
    if (const TreeNode* module = member(*config, "root_module", Kind::mapping, "configuration"))
      walk_configuration(*module, "");
  }
  for (Resource& r : resources_) {
    const std::string stripped = strip_indexes(r.address);
    if (const auto it = config_.find(stripped); it != config_.end()) r.expressions = it->second;
    if (const auto it = after_unknown_.find(r.address); it != after_unknown_.end())
      r.after_unknown = it->second;
  }
  // Groups first, so that rules anywhere in the plan can name them.
  for (const Resource& r : resources_) {
    if (is_group_type(r.type)) one_resource(r, " is left out", [&] { read_group(r); });
    if (r.type == "aws_ec2_managed_prefix_list")
      one_resource(r, " is left out", [&] { read_prefix_list(r); });
  }
  for (const Resource& r : resources_) {
    const char* left_out = is_group_type(r.type) ? ": its rules are left out" : " is left out";
    one_resource(r, left_out, [&] { read_group_rules(r); });
  }
  // The provider revokes the default egress rule (aws-semantics.md §2.5): no egress means none.
  for (std::size_t index : plan_groups_) {
    Group& group = sink_.out().groups[index];
    bool has_egress = false;
    for (const Rule& rule : group.rules)
      has_egress = has_egress || rule.direction == Direction::egress;
    group.template_without_egress = !has_egress && !open_blocks_.count(index);
  }
}

}  // namespace

void read_terraform(const TreeNode& root, IacSink& sink) {
  TfReader(root, sink).read();
}

}  // namespace sgcheck::detail
