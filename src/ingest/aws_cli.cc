// Readers for AWS CLI output (aws-semantics.md §4): one on-demand pass per document, flattening
// IpPermissions into atomic rules and checking each value as it goes (SG402/SG403/SG404 warnings).
// Entry points: read_aws_json(), AwsYamlReader. The class template AwsReader holds one reader per
// shape, written once against JsonReader's members: it reads JSON through JsonReader and YAML
// through TreeReader.
#include "ingest/aws_cli.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <unordered_map>

#include "ingest/tree_reader.h"

namespace sgcheck::detail {

namespace {

constexpr const char* kBadPort = "SG402";   // protocol, port and ICMP type/code problems
constexpr const char* kBadValue = "SG403";  // CIDR, address, prefix list id problems
constexpr const char* kBadPeer = "SG404";   // no peer, or several peers, in one rule

// The protocol and port fields of an IpPermission or a SecurityGroupRule, with their offsets, kept
// until the object ends because the keys may come in any order (ToPort after the peer lists).
struct PortFields {
  std::optional<std::string_view> protocol;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  std::size_t protocol_at = 0;
  std::size_t from_at = 0;
  std::size_t to_at = 0;
  std::size_t rule_at = 0;
};

// The service of a rule as apply_ports() checks it: the same members as Rule's.
struct Service {
  int protocol = kAllProtocols;
  std::optional<std::int32_t> from_port;
  std::optional<std::int32_t> to_port;
};

// A key against a literal: the length, then a memcmp of constant size that the compiler expands
// inline (string_view's == calls compare() and memcmp for each of the dozen keys a reader tests).
template <std::size_t N>
bool is(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

std::optional<std::int32_t> clamp32(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(*v, INT32_MIN, INT32_MAX));
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// What the elements of a bare list are (`aws … --query 'SecurityGroups'`), or what one object is,
// told from its keys (see kind_of()).
enum class ElementKind {
  none,  // not AWS CLI output
  page,  // a whole response ({"SecurityGroups": […]}): a list of pages is `--output yaml-stream`
  group,
  group_rule,
  interface,
  instance,
  reservation,
  prefix_list,
  vpc,
  peering,
};

// The keys of an object that tell what it is, as bits.
enum KeyBit : std::uint32_t {
  kPageKey = 1u << 0,  // SecurityGroups, SecurityGroupRules, … (a response)
  kGroupId = 1u << 1,
  kIpPermissions = 1u << 2,  // or IpPermissionsEgress
  kRuleId = 1u << 3,
  kInterfaceId = 1u << 4,
  kInstanceId = 1u << 5,
  kReservation = 1u << 6,  // ReservationId or Instances
  kPrefixListId = 1u << 7,
  kPrefixListMeta = 1u << 8,  // PrefixListName, AddressFamily or MaxEntries
  kVpcId = 1u << 9,
  kVpcCidr = 1u << 10,  // CidrBlock or CidrBlockAssociationSet
  kPeeringId = 1u << 11,
};

std::uint32_t key_bit(std::string_view key);
ElementKind kind_of(std::uint32_t keys);

// What one member of a response told.
enum class PageKey { read, other, cloudformation, terraform };

template <typename Source>
class AwsReader {
  using Value = typename Source::Value;
  using Object = typename Source::Object;
  using Array = typename Source::Array;

 public:
  AwsReader(Source& r, Inventory& out, RuleBudget& budget) : r_(r), out_(out), budget_(budget) {}

  // A response object at offset `at` (the top level of a document, or an element of a list of
  // them): kind aws when it held a recognised key; else `element` says what the object itself is.
  DocumentInfo page(Object& object, std::size_t at, ElementKind& element);
  // The elements of a bare list, all read as `kind` (that of the first, see element_kind()).
  void list(Array& array, ElementKind kind);
  ElementKind element_kind(Value& value);
  // One object of a known kind (an element of a list, or a whole document).
  void element(ElementKind kind, Value& value);
  // After the last document of the file: the warning of a last page that has a NextToken.
  void finish();

 private:
  PageKey page_member(std::string_view key, Value& v);
  void end_page(std::size_t at);
  void reservation(Value& value);
  std::string entries_list_id(std::size_t entries_at) const;

  // describe-security-groups
  void security_group(Value& value);
  void permission(Value& value, Direction direction);  // into group_rules_
  void peer_list(Value& value, PeerKind kind, std::string_view list, Direction direction,
                 const SourcePos& rule_location, std::vector<Rule>& rules);
  void move_by_peer_kind(std::size_t first, std::size_t end, std::vector<Rule>& out);
  void peer_entry(Value& value, PeerKind kind, std::string_view list, Rule& rule);
  void set_reference(Rule& rule, GroupReference reference);
  // describe-security-group-rules
  void group_rule(Value& value);
  // interfaces and instances
  void network_interface(Value& value, What what, Interface& eni, std::int64_t& device_index);
  void instance(Value& value);
  // prefix lists, VPCs, peerings
  void prefix_list(Value& value);
  void vpc(Value& value);
  void peering(Value& value);

  // Shared pieces.
  template <typename F>
  void each(Value& value, std::string_view key, F&& f);  // each element of an array member
  void tags(Value& value, std::string_view key, std::vector<Tag>& out);
  bool apply_ports(const PortFields& fields, Service& rule);
  bool parse_cidr_value(Value& value, std::string_view key, Family family, Cidr& out,
                        Name* invalid_text = nullptr);
  std::optional<Address> address_value(Value& value, std::string_view key);
  std::optional<std::string_view> string_at(Value& value, std::string_view key, std::size_t& at);
  void count_rule(std::size_t at);
  void entries_wrapper(Value& value, std::vector<Cidr>& entries);

  Source& r_;
  Inventory& out_;
  RuleBudget& budget_;
  // The response being read: prefix list entries ({"PrefixListId", "Entries"}), whether a key was
  // recognised, and where its NextToken is (reset by each response and each document).
  struct Page {
    std::optional<Name> entries_id;
    std::optional<std::size_t> entries_at;
    std::vector<Cidr> entries;
    bool recognised = false;
    std::optional<std::size_t> next_token_at;
  };
  Page page_;
  std::unordered_map<Name, std::size_t>
      rule_groups_;  // SGR: group id -> index in out_.groups
  // Scratch space kept between elements, so that reading allocates only what the model keeps: one
  // group's rules (moved to an exactly sized vector at its end, in peer-kind order within each
  // IpPermission), where each IpPermission's rules end among them, and an interface's addresses
  // by kind.
  std::vector<Rule> group_rules_;
  std::vector<std::size_t> permission_ends_;
  std::vector<Address> primary_, secondary_, ipv6_;
  // The group reference (account, VPC, peering) given last: the next rule that says the same
  // shares it (the references of a file mostly name one account).
  std::shared_ptr<const GroupReference> last_reference_;
};

template <typename Source>
template <typename F>
void AwsReader<Source>::each(Value& value, std::string_view key, F&& f) {
  Array array;
  if (!r_.array(value, {key}, array)) return;
  r_.for_each_element(array, f);
}

template <typename Source>
void AwsReader<Source>::count_rule(std::size_t at) {
  if (++budget_.used > budget_.limit) {
    r_.fail(at, rule_limit_message(budget_));
  }
}

template <typename Source>
std::optional<std::string_view> AwsReader<Source>::string_at(Value& value, std::string_view key,
                                                             std::size_t& at) {
  at = r_.offset(value);
  return r_.string(value, {key});
}

template <typename Source>
void AwsReader<Source>::tags(Value& value, std::string_view key, std::vector<Tag>& out) {
  each(value, key, [&](Value& element) {
    Object object;
    if (!r_.object(element, {key, true}, object)) return;
    Tag tag;
    r_.for_each_field(object, [&](std::string_view k, Value& v) {
      if (is(k, "Key"))
        tag.key = r_.name(v, {k});
      else if (is(k, "Value"))
        tag.value = r_.name(v, {k});
    });
    out.push_back(std::move(tag));
  });
}

// A CIDR string value: canonical form stored (had_host_bits kept); an invalid one is an SG403
// warning at the offending character (string_char(): past the opening quote, the parser's offset),
// and its text goes to `invalid_text` so that `dump` can show what the input said instead of a
// default CIDR.
template <typename Source>
bool AwsReader<Source>::parse_cidr_value(Value& value, std::string_view key, Family family,
                                         Cidr& out, Name* invalid_text) {
  std::size_t at = 0;
  const auto text = string_at(value, key, at);
  if (!text) {
    r_.warn(kBadValue, at, "missing CIDR in \"" + std::string(key) + "\"");
    return false;
  }
  const ValueResult<Cidr> parsed = family == Family::ipv4 ? parse_cidr4(*text) : parse_cidr6(*text);
  if (!parsed) {
    r_.warn(kBadValue, r_.string_char(at, parsed.error.offset),
            "invalid CIDR " + quote(*text) + ": " + parsed.error.message());
    if (invalid_text) *invalid_text = *text;
    return false;
  }
  out = *parsed;
  return true;
}

template <typename Source>
std::optional<Address> AwsReader<Source>::address_value(Value& value, std::string_view key) {
  std::size_t at = 0;
  const auto text = string_at(value, key, at);
  if (!text) return std::nullopt;
  const ValueResult<Address> parsed = parse_address(*text);
  if (!parsed) {
    r_.warn(kBadValue, r_.string_char(at, parsed.error.offset),
            "invalid address " + quote(*text) + ": " + parsed.error.message());
    return std::nullopt;
  }
  return *parsed;
}

// Protocol and ports of one rule, checked as aws-semantics.md §1.2-1.3 says. Returns false (after a
// warning) when the rule is invalid.
template <typename Source>
bool AwsReader<Source>::apply_ports(const PortFields& f, Service& rule) {
  rule.from_port = clamp32(f.from);
  rule.to_port = clamp32(f.to);
  if (!f.protocol) {
    r_.warn(kBadPort, f.rule_at, "rule without IpProtocol");
    return false;
  }
  const ValueResult<int> protocol = parse_protocol(*f.protocol);
  if (!protocol) {
    r_.warn(kBadPort, r_.string_char(f.protocol_at, protocol.error.offset),
            "invalid protocol " + quote(*f.protocol) + ": " + protocol.error.message());
    return false;
  }
  rule.protocol = *protocol;
  if (rule.protocol == kTcp || rule.protocol == kUdp) {
    const std::string name = protocol_name(rule.protocol);
    if (!f.from || !f.to) {
      r_.warn(kBadPort, f.rule_at, name + " rule needs both FromPort and ToPort");
      return false;
    }
    if (*f.from < 0 || *f.from > 65535) {
      r_.warn(kBadPort, f.from_at,
              name + " FromPort " + std::to_string(*f.from) + " is outside 0-65535");
      return false;
    }
    if (*f.to < 0 || *f.to > 65535) {
      r_.warn(kBadPort, f.to_at, name + " ToPort " + std::to_string(*f.to) + " is outside 0-65535");
      return false;
    }
    if (*f.to < *f.from) {
      r_.warn(kBadPort, f.to_at,
              name + " ToPort " + std::to_string(*f.to) + " is less than FromPort " +
                  std::to_string(*f.from));
      return false;
    }
  } else if (rule.protocol == kIcmp || rule.protocol == kIcmpv6) {
    // FromPort = type, ToPort = code; absent means all (-1), as normalised_ports() reads it.
    const char* name = rule.protocol == kIcmp ? "ICMP" : "ICMPv6";
    if (f.from && (*f.from < -1 || *f.from > 255)) {
      r_.warn(kBadPort, f.from_at,
              std::string(name) + " type " + std::to_string(*f.from) + " is outside -1..255");
      return false;
    }
    if (f.to && (*f.to < -1 || *f.to > 255)) {
      r_.warn(kBadPort, f.to_at,
              std::string(name) + " code " + std::to_string(*f.to) + " is outside -1..255");
      return false;
    }
    if (f.from.value_or(-1) == -1 && f.to.value_or(-1) != -1) {
      r_.warn(kBadPort, f.to_at,
              std::string(name) + " type -1 (all types) requires code -1, found code " +
                  std::to_string(*f.to));
      return false;
    }
  }
  // Every other protocol: AWS ignores the ports (the linter warns when they are given).
  return true;
}

// ---- describe-security-groups
// ------------------------------------------------------------------------

template <typename Source>
void AwsReader<Source>::security_group(Value& value) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"SecurityGroups", true}, object)) return;
  Group group;
  group.location = r_.pos(at);
  group_rules_.clear();
  permission_ends_.clear();
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "GroupId"))
      group.id = r_.name(v, {key});
    else if (is(key, "GroupName"))
      group.name = r_.name(v, {key});
    else if (is(key, "Description"))
      group.description = r_.name(v, {key});
    else if (is(key, "VpcId"))
      group.vpc_id = r_.name(v, {key});
    else if (is(key, "OwnerId"))
      group.owner_id = r_.name(v, {key});
    else if (is(key, "Tags"))
      tags(v, key, group.tags);
    else if (is(key, "IpPermissions") || is(key, "IpPermissionsEgress")) {
      const Direction direction = is(key, "IpPermissions") ? Direction::ingress : Direction::egress;
      each(v, key, [&](Value& p) { permission(p, direction); });
    }
  });
  if (group.id.empty()) r_.fail(at, "security group without GroupId");
  group.rules.reserve(group_rules_.size());
  std::size_t first = 0;
  for (const std::size_t end : permission_ends_) {
    move_by_peer_kind(first, end, group.rules);
    first = end;
  }
  group_rules_.clear();
  permission_ends_.clear();
  out_.groups.push_back(std::move(group));
}

// One IpPermission: N peers -> N atomic rules (put in the order IpRanges, Ipv6Ranges,
// PrefixListIds, UserIdGroupPairs whatever the key order when they move to the group, see
// move_by_peer_kind()); protocol and ports are applied once the object has ended.
template <typename Source>
void AwsReader<Source>::permission(Value& value, Direction direction) {
  std::vector<Rule>& rules = group_rules_;
  PortFields fields;
  fields.rule_at = r_.offset(value);
  Object object;
  if (!r_.object(value,
                 {direction == Direction::ingress ? "IpPermissions" : "IpPermissionsEgress", true},
                 object)) {
    return;
  }
  const SourcePos rule_location = r_.pos(fields.rule_at);
  const std::size_t first = rules.size();
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "IpProtocol"))
      fields.protocol = string_at(v, key, fields.protocol_at);
    else if (is(key, "FromPort"))
      fields.from_at = r_.offset(v), fields.from = r_.integer(v, {key});
    else if (is(key, "ToPort"))
      fields.to_at = r_.offset(v), fields.to = r_.integer(v, {key});
    else if (is(key, "IpRanges"))
      peer_list(v, PeerKind::cidr4, key, direction, rule_location, rules);
    else if (is(key, "Ipv6Ranges"))
      peer_list(v, PeerKind::cidr6, key, direction, rule_location, rules);
    else if (is(key, "PrefixListIds"))
      peer_list(v, PeerKind::prefix_list, key, direction, rule_location, rules);
    else if (is(key, "UserIdGroupPairs"))
      peer_list(v, PeerKind::group, key, direction, rule_location, rules);
  });
  permission_ends_.push_back(rules.size());
  Service ports;
  const bool valid = apply_ports(fields, ports);
  for (auto it = rules.begin() + static_cast<std::ptrdiff_t>(first); it != rules.end(); ++it) {
    it->protocol = ports.protocol;
    it->from_port = ports.from_port;
    it->to_port = ports.to_port;
    it->valid = it->valid && valid;
  }
}

// Each rule is built in place (a Rule is large: no copy of a template rule per peer).
template <typename Source>
void AwsReader<Source>::peer_list(Value& value, PeerKind kind, std::string_view list,
                                  Direction direction, const SourcePos& rule_location,
                                  std::vector<Rule>& rules) {
  each(value, list, [&](Value& element) {
    const std::size_t at = r_.offset(element);
    count_rule(at);
    Rule& rule = rules.emplace_back();
    rule.direction = direction;
    rule.rule_location = rule_location;
    rule.peer.kind = kind;
    rule.location = r_.pos(at);
    peer_entry(element, kind, list, rule);
  });
}

// Moves the rules of one IpPermission, group_rules_[first, end), to the end of `out`, stably in
// peer-kind order (the lists may come in any key order; describe output puts UserIdGroupPairs
// first, which puts most rules of L out of order): a pass per kind, each rule moved once, straight
// to its place in the group, instead of being reordered in the scratch space and moved again.
template <typename Source>
void AwsReader<Source>::move_by_peer_kind(std::size_t first, std::size_t end,
                                          std::vector<Rule>& out) {
  const auto begin = group_rules_.begin() + static_cast<std::ptrdiff_t>(first);
  const auto stop = group_rules_.begin() + static_cast<std::ptrdiff_t>(end);
  const auto by_kind = [](const Rule& a, const Rule& b) { return a.peer.kind < b.peer.kind; };
  if (std::is_sorted(begin, stop, by_kind)) {
    std::move(begin, stop, std::back_inserter(out));
    return;
  }
  for (const PeerKind kind :
       {PeerKind::cidr4, PeerKind::cidr6, PeerKind::prefix_list, PeerKind::group}) {
    for (auto it = begin; it != stop; ++it) {
      if (it->peer.kind == kind) out.push_back(std::move(*it));
    }
  }
}

// One element of IpRanges / Ipv6Ranges / PrefixListIds / UserIdGroupPairs.
template <typename Source>
void AwsReader<Source>::peer_entry(Value& value, PeerKind kind, std::string_view list, Rule& rule) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {list, true}, object)) {
    r_.warn(kBadPeer, at, "null entry in \"" + std::string(list) + "\"");
    rule.valid = false;
    return;
  }
  bool has_peer = false;
  Name group_name;
  GroupReference reference;
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "Description")) {
      rule.description = r_.name(v, {key});
    } else if ((kind == PeerKind::cidr4 && is(key, "CidrIp")) ||
               (kind == PeerKind::cidr6 && is(key, "CidrIpv6"))) {
      has_peer = true;
      const Family family = kind == PeerKind::cidr4 ? Family::ipv4 : Family::ipv6;
      if (!parse_cidr_value(v, key, family, rule.peer.cidr, &rule.peer.id)) rule.valid = false;
    } else if (kind == PeerKind::prefix_list && is(key, "PrefixListId")) {
      has_peer = true;
      std::size_t id_at = 0;
      rule.peer.id = std::string(string_at(v, key, id_at).value_or(""));
      if (rule.peer.id.rfind("pl-", 0) != 0) {
        r_.warn(kBadValue, id_at,
                "invalid prefix list id " + quote(rule.peer.id) +
                    ": expected an id starting with \"pl-\"");
        rule.valid = false;
      }
    } else if (kind == PeerKind::group) {
      if (is(key, "GroupId"))
        rule.peer.id = r_.name(v, {key});
      else if (is(key, "GroupName"))
        group_name = r_.name(v, {key});
      else if (is(key, "UserId"))
        reference.user_id = r_.name(v, {key});
      else if (is(key, "VpcId"))
        reference.vpc_id = r_.name(v, {key});
      else if (is(key, "VpcPeeringConnectionId"))
        reference.peering_id = r_.name(v, {key});
      else if (is(key, "PeeringStatus"))
        reference.peering_status = r_.name(v, {key});
    }
  });
  if (kind == PeerKind::group) {
    set_reference(rule, std::move(reference));
    // A pair with only GroupName (default-VPC / legacy form): the name stands in for the id, so the
    // reference resolves to nothing unless a group has that id; the linter reports it.
    if (rule.peer.id.empty()) rule.peer.id = std::move(group_name);
    has_peer = !rule.peer.id.empty();
  }
  if (!has_peer) {
    r_.warn(kBadPeer, at, "entry of \"" + std::string(list) + "\" without a peer");
    rule.valid = false;
  }
}

// What a group reference says besides the group, kept only when it says something, and shared
// with the rule before when it says the same.
template <typename Source>
void AwsReader<Source>::set_reference(Rule& rule, GroupReference reference) {
  if (reference.empty()) return;
  if (last_reference_ == nullptr || !(*last_reference_ == reference))
    last_reference_ = std::make_shared<const GroupReference>(std::move(reference));
  rule.peer.reference = last_reference_;
}

// ---- describe-security-group-rules
// -------------------------------------------------------------------

template <typename Source>
void AwsReader<Source>::group_rule(Value& value) {
  PortFields fields;
  fields.rule_at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"SecurityGroupRules", true}, object)) return;
  count_rule(fields.rule_at);
  Rule rule;
  rule.location = rule.rule_location = r_.pos(fields.rule_at);
  Name group_id;
  Name owner_id;
  std::vector<std::string_view> peers;  // the peer keys present: exactly one is expected
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "SecurityGroupRuleId"))
      rule.id = r_.name(v, {key});
    else if (is(key, "GroupId"))
      group_id = r_.name(v, {key});
    else if (is(key, "GroupOwnerId"))
      owner_id = r_.name(v, {key});
    else if (is(key, "IsEgress")) {
      rule.direction =
          r_.boolean(v, {key}).value_or(false) ? Direction::egress : Direction::ingress;
    } else if (is(key, "IpProtocol"))
      fields.protocol = string_at(v, key, fields.protocol_at);
    else if (is(key, "FromPort"))
      fields.from_at = r_.offset(v), fields.from = r_.integer(v, {key});
    else if (is(key, "ToPort"))
      fields.to_at = r_.offset(v), fields.to = r_.integer(v, {key});
    else if (is(key, "Description"))
      rule.description = r_.name(v, {key});
    else if (is(key, "Tags"))
      tags(v, key, rule.tags);
    else if (is(key, "CidrIpv4") || is(key, "CidrIpv6") || is(key, "PrefixListId") ||
             is(key, "ReferencedGroupInfo")) {
      if (r_.is_null(v)) return;
      peers.push_back(key);
      if (peers.size() > 1) return;  // the first peer is kept; SG404 below
      if (is(key, "CidrIpv4") || is(key, "CidrIpv6")) {
        rule.peer.kind = is(key, "CidrIpv4") ? PeerKind::cidr4 : PeerKind::cidr6;
        const Family family = is(key, "CidrIpv4") ? Family::ipv4 : Family::ipv6;
        if (!parse_cidr_value(v, key, family, rule.peer.cidr, &rule.peer.id)) rule.valid = false;
      } else if (is(key, "PrefixListId")) {
        rule.peer.kind = PeerKind::prefix_list;
        std::size_t id_at = 0;
        rule.peer.id = std::string(string_at(v, key, id_at).value_or(""));
        if (rule.peer.id.rfind("pl-", 0) != 0) {
          r_.warn(kBadValue, id_at,
                  "invalid prefix list id " + quote(rule.peer.id) +
                      ": expected an id starting with \"pl-\"");
          rule.valid = false;
        }
      } else {
        rule.peer.kind = PeerKind::group;
        const std::size_t at = r_.offset(v);
        Object info;
        if (!r_.object(v, {key}, info)) return;
        GroupReference reference;
        r_.for_each_field(info, [&](std::string_view k, Value& iv) {
          if (is(k, "GroupId"))
            rule.peer.id = r_.name(iv, {k});
          else if (is(k, "UserId"))
            reference.user_id = r_.name(iv, {k});
          else if (is(k, "VpcId"))
            reference.vpc_id = r_.name(iv, {k});
          else if (is(k, "VpcPeeringConnectionId"))
            reference.peering_id = r_.name(iv, {k});
          else if (is(k, "PeeringStatus"))
            reference.peering_status = r_.name(iv, {k});
        });
        set_reference(rule, std::move(reference));
        if (rule.peer.id.empty()) {
          r_.warn(kBadPeer, at, "ReferencedGroupInfo without GroupId");
          rule.valid = false;
        }
      }
    }
  });
  if (group_id.empty()) r_.fail(fields.rule_at, "security group rule without GroupId");
  if (peers.empty()) {
    r_.warn(kBadPeer, fields.rule_at,
            "rule without a peer: expected one of CidrIpv4, CidrIpv6, PrefixListId, "
            "ReferencedGroupInfo");
    rule.valid = false;
  } else if (peers.size() > 1) {
    std::string names;
    for (std::string_view p : peers) names += (names.empty() ? "" : ", ") + std::string(p);
    r_.warn(kBadPeer, fields.rule_at,
            "rule with several peers (" + names + "): expected exactly one");
    rule.valid = false;
  }
  Service ports;
  const bool valid = apply_ports(fields, ports);
  rule.protocol = ports.protocol;
  rule.from_port = ports.from_port;
  rule.to_port = ports.to_port;
  rule.valid = rule.valid && valid;

  auto [it, inserted] = rule_groups_.try_emplace(group_id, out_.groups.size());
  if (inserted) {
    Group group;
    group.id = std::move(group_id);
    group.owner_id = std::move(owner_id);
    group.location = rule.rule_location;
    group.from_rules_only = true;
    out_.groups.push_back(std::move(group));
  }
  out_.groups[it->second].rules.push_back(std::move(rule));
}

// ---- interfaces and instances
// ------------------------------------------------------------------------

// One NetworkInterface (describe-network-interfaces, or Instances[].NetworkInterfaces[]). Private
// addresses: primary IPv4 first, the other IPv4 addresses, then IPv6; public ones apart.
template <typename Source>
void AwsReader<Source>::network_interface(Value& value, What what, Interface& eni,
                                          std::int64_t& device_index) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, what, object)) return;
  eni.location = r_.pos(at);
  std::vector<Address>& primary = primary_;
  std::vector<Address>& secondary = secondary_;
  std::vector<Address>& ipv6 = ipv6_;
  primary.clear();
  secondary.clear();
  ipv6.clear();
  std::optional<Address> top_private;
  const auto add_public = [&](const std::optional<Address>& a) {
    if (a && std::find(eni.public_ips.begin(), eni.public_ips.end(), *a) == eni.public_ips.end()) {
      eni.public_ips.push_back(*a);
    }
  };
  // Association{PublicIp}, in the interface or in one of its PrivateIpAddresses.
  const auto association = [&](Value& v) {
    Object assoc;
    if (!r_.object(v, {"Association"}, assoc)) return;
    r_.for_each_field(assoc, [&](std::string_view k, Value& av) {
      if (is(k, "PublicIp")) add_public(address_value(av, k));
    });
  };
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "NetworkInterfaceId"))
      eni.id = r_.name(v, {key});
    else if (is(key, "VpcId"))
      eni.vpc_id = r_.name(v, {key});
    else if (is(key, "SubnetId"))
      eni.subnet_id = r_.name(v, {key});
    else if (is(key, "AvailabilityZone"))
      eni.availability_zone = r_.name(v, {key});
    else if (is(key, "Status"))
      eni.status = r_.name(v, {key});
    else if (is(key, "InterfaceType"))
      eni.type = r_.name(v, {key});
    else if (is(key, "TagSet") || is(key, "Tags"))
      tags(v, key, eni.tags);
    else if (is(key, "PrivateIpAddress"))
      top_private = address_value(v, key);
    else if (is(key, "Association"))
      association(v);
    else if (is(key, "Groups")) {
      each(v, key, [&](Value& g) {
        Object group;
        if (!r_.object(g, {key, true}, group)) return;
        r_.for_each_field(group, [&](std::string_view k, Value& gv) {
          if (is(k, "GroupId")) eni.groups.emplace_back(r_.name(gv, {k}));
        });
      });
    } else if (is(key, "PrivateIpAddresses")) {
      each(v, key, [&](Value& p) {
        Object entry;
        if (!r_.object(p, {key, true}, entry)) return;
        std::optional<Address> address;
        bool is_primary = false;
        r_.for_each_field(entry, [&](std::string_view k, Value& pv) {
          if (is(k, "PrivateIpAddress"))
            address = address_value(pv, k);
          else if (is(k, "Primary"))
            is_primary = r_.boolean(pv, {k}).value_or(false);
          else if (is(k, "Association"))
            association(pv);
        });
        if (address) (is_primary ? primary : secondary).push_back(*address);
      });
    } else if (is(key, "Ipv6Addresses")) {
      each(v, key, [&](Value& p) {
        Object entry;
        if (!r_.object(p, {key, true}, entry)) return;
        r_.for_each_field(entry, [&](std::string_view k, Value& pv) {
          if (is(k, "Ipv6Address")) {
            if (auto a = address_value(pv, k)) ipv6.push_back(*a);
          }
        });
      });
    } else if (is(key, "Ipv4Prefixes") || is(key, "Ipv6Prefixes")) {
      const bool v4 = is(key, "Ipv4Prefixes");
      each(v, key, [&](Value& p) {
        Object entry;
        if (!r_.object(p, {key, true}, entry)) return;
        r_.for_each_field(entry, [&](std::string_view k, Value& pv) {
          if (k == (v4 ? "Ipv4Prefix" : "Ipv6Prefix")) {
            Cidr cidr;
            if (parse_cidr_value(pv, k, v4 ? Family::ipv4 : Family::ipv6, cidr)) {
              eni.delegated_prefixes.push_back(cidr);
            }
          }
        });
      });
    } else if (is(key, "Attachment")) {
      Object attachment;
      if (!r_.object(v, {key}, attachment)) return;
      r_.for_each_field(attachment, [&](std::string_view k, Value& av) {
        if (is(k, "InstanceId"))
          eni.instance_id = r_.name(av, {k});
        else if (is(k, "DeviceIndex"))
          device_index = r_.integer(av, {k}).value_or(-1);
      });
    }
  });
  // The top-level PrivateIpAddress is the primary one; older output may give only it.
  if (top_private && std::find(primary.begin(), primary.end(), *top_private) == primary.end()) {
    primary.insert(primary.begin(), *top_private);
  }
  eni.private_ips.reserve(primary.size() + secondary.size() + ipv6.size());
  for (const auto* list : {&primary, &secondary, &ipv6}) {
    for (const Address& a : *list) {
      if (std::find(eni.private_ips.begin(), eni.private_ips.end(), a) == eni.private_ips.end()) {
        eni.private_ips.push_back(a);
      }
    }
  }
  if (eni.id.empty()) r_.fail(at, "network interface without NetworkInterfaceId");
}

// One Instance of describe-instances: each of its NetworkInterfaces becomes an Interface with the
// instance id. Groups attach to ENIs (aws-semantics.md §4.4), so the instance-level SecurityGroups
// and PrivateIpAddress are only a fallback: an instance without NetworkInterfaces becomes one
// Interface whose id is the instance id.
template <typename Source>
void AwsReader<Source>::instance(Value& value) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"Instances", true}, object)) return;
  std::vector<std::pair<Interface, std::int64_t>> enis;
  Interface fallback;
  fallback.location = r_.pos(at);
  fallback.type = "instance";
  std::optional<Address> public_ip, private_ip;
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "InstanceId"))
      fallback.instance_id = r_.name(v, {key});
    else if (is(key, "VpcId"))
      fallback.vpc_id = r_.name(v, {key});
    else if (is(key, "SubnetId"))
      fallback.subnet_id = r_.name(v, {key});
    else if (is(key, "Placement")) {
      Object placement;
      if (!r_.object(v, {key}, placement)) return;
      r_.for_each_field(placement, [&](std::string_view k, Value& pv) {
        if (is(k, "AvailabilityZone")) fallback.availability_zone = r_.name(pv, {k});
      });
    } else if (is(key, "Tags"))
      tags(v, key, fallback.tags);
    else if (is(key, "PrivateIpAddress"))
      private_ip = address_value(v, key);
    else if (is(key, "PublicIpAddress"))
      public_ip = address_value(v, key);
    else if (is(key, "SecurityGroups")) {
      each(v, key, [&](Value& g) {
        Object group;
        if (!r_.object(g, {key, true}, group)) return;
        r_.for_each_field(group, [&](std::string_view k, Value& gv) {
          if (is(k, "GroupId")) fallback.groups.emplace_back(r_.name(gv, {k}));
        });
      });
    } else if (is(key, "NetworkInterfaces")) {
      each(v, key, [&](Value& e) {
        enis.emplace_back(Interface{}, -1);
        network_interface(e, {key, true}, enis.back().first, enis.back().second);
      });
    } else if (is(key, "State")) {
      Object state;
      if (!r_.object(v, {key}, state)) return;
      r_.for_each_field(state, [&](std::string_view k, Value& sv) {
        if (is(k, "Name")) fallback.status = r_.name(sv, {k});
      });
    }
  });
  for (auto& [eni, device_index] : enis) {
    if (eni.instance_id.empty()) eni.instance_id = fallback.instance_id;
    if (eni.vpc_id.empty()) eni.vpc_id = fallback.vpc_id;
    if (eni.subnet_id.empty()) eni.subnet_id = fallback.subnet_id;
    if (eni.availability_zone.empty()) eni.availability_zone = fallback.availability_zone;
    if (device_index == 0 && public_ip &&
        std::find(eni.public_ips.begin(), eni.public_ips.end(), *public_ip) ==
            eni.public_ips.end()) {
      eni.public_ips.push_back(*public_ip);
    }
    out_.interfaces.push_back(std::move(eni));
  }
  if (!enis.empty()) return;
  if (fallback.groups.empty() && !private_ip) return;  // e.g. terminated: nothing to evaluate
  if (fallback.instance_id.empty()) r_.fail(at, "instance without InstanceId");
  fallback.id = fallback.instance_id;
  if (private_ip) fallback.private_ips.push_back(*private_ip);
  if (public_ip) fallback.public_ips.push_back(*public_ip);
  out_.interfaces.push_back(std::move(fallback));
}

// ---- prefix lists, VPCs, peerings
// --------------------------------------------------------------------

// describe-managed-prefix-lists (metadata only) or the older describe-prefix-lists (Cidrs inline).
template <typename Source>
void AwsReader<Source>::prefix_list(Value& value) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"PrefixLists", true}, object)) return;
  PrefixList list;
  list.location = r_.pos(at);
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "PrefixListId"))
      list.id = r_.name(v, {key});
    else if (is(key, "PrefixListName"))
      list.name = r_.name(v, {key});
    else if (is(key, "MaxEntries")) {
      if (auto n = r_.integer(v, {key}))
        list.max_entries = static_cast<int>(std::clamp<std::int64_t>(*n, 0, INT32_MAX));
    } else if (is(key, "AddressFamily")) {
      const auto family = r_.string(v, {key});
      if (family == "IPv4")
        list.family = Family::ipv4;
      else if (family == "IPv6")
        list.family = Family::ipv6;
    } else if (is(key, "Cidrs")) {
      list.entries_known = true;
      each(v, key, [&](Value& c) {
        std::size_t cidr_at = 0;
        const auto text = string_at(c, key, cidr_at);
        if (!text) return;
        const ValueResult<Cidr> cidr = parse_cidr(*text);
        if (cidr)
          list.entries.push_back(*cidr);
        else
          r_.warn(kBadValue, r_.string_char(cidr_at, cidr.error.offset),
                  "invalid CIDR " + quote(*text) + ": " + cidr.error.message());
      });
    }
  });
  if (list.id.empty()) r_.fail(at, "prefix list without PrefixListId");
  out_.prefix_lists.push_back(std::move(list));
}

// The Entries of {"PrefixListId": …, "Entries": [{"Cidr", "Description"}]}.
template <typename Source>
void AwsReader<Source>::entries_wrapper(Value& value, std::vector<Cidr>& entries) {
  each(value, "Entries", [&](Value& e) {
    Object entry;
    if (!r_.object(e, {"Entries", true}, entry)) return;
    r_.for_each_field(entry, [&](std::string_view k, Value& v) {
      if (!is(k, "Cidr")) return;
      std::size_t cidr_at = 0;
      const auto text = string_at(v, k, cidr_at);
      if (!text) return;
      const ValueResult<Cidr> cidr = parse_cidr(*text);
      if (cidr)
        entries.push_back(*cidr);
      else
        r_.warn(kBadValue, r_.string_char(cidr_at, cidr.error.offset),
                "invalid CIDR " + quote(*text) + ": " + cidr.error.message());
    });
  });
}

template <typename Source>
void AwsReader<Source>::vpc(Value& value) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"Vpcs", true}, object)) return;
  Vpc vpc;
  vpc.location = r_.pos(at);
  const auto add = [&](Value& v, std::string_view k, Family family) {
    Cidr cidr;
    if (parse_cidr_value(v, k, family, cidr) &&
        std::find(vpc.cidrs.begin(), vpc.cidrs.end(), cidr) == vpc.cidrs.end()) {
      vpc.cidrs.push_back(cidr);
    }
  };
  // Blocks of an association set: {CidrBlock} / {Ipv6CidrBlock} elements.
  const auto set = [&](Value& v, std::string_view list, std::string_view member, Family family) {
    each(v, list, [&](Value& e) {
      Object entry;
      if (!r_.object(e, {list, true}, entry)) return;
      r_.for_each_field(entry, [&](std::string_view k, Value& ev) {
        if (k == member) add(ev, k, family);
      });
    });
  };
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "VpcId"))
      vpc.id = r_.name(v, {key});
    else if (is(key, "CidrBlock"))
      add(v, key, Family::ipv4);
    else if (is(key, "IsDefault"))
      vpc.is_default = r_.boolean(v, {key}).value_or(false);
    else if (is(key, "CidrBlockAssociationSet"))
      set(v, key, "CidrBlock", Family::ipv4);
    else if (is(key, "Ipv6CidrBlockAssociationSet"))
      set(v, key, "Ipv6CidrBlock", Family::ipv6);
  });
  if (vpc.id.empty()) r_.fail(at, "VPC without VpcId");
  out_.vpcs.push_back(std::move(vpc));
}

template <typename Source>
void AwsReader<Source>::peering(Value& value) {
  const std::size_t at = r_.offset(value);
  Object object;
  if (!r_.object(value, {"VpcPeeringConnections", true}, object)) return;
  Peering peering;
  peering.location = r_.pos(at);
  // {VpcId} of RequesterVpcInfo / AccepterVpcInfo, {Code} of Status.
  const auto member = [&](Value& v, std::string_view key, std::string_view name, Name& out) {
    Object inner;
    if (!r_.object(v, {key}, inner)) return;
    r_.for_each_field(inner, [&](std::string_view k, Value& iv) {
      if (k == name) out = r_.name(iv, {k});
    });
  };
  r_.for_each_field(object, [&](std::string_view key, Value& v) {
    if (is(key, "VpcPeeringConnectionId"))
      peering.id = r_.name(v, {key});
    else if (is(key, "RequesterVpcInfo"))
      member(v, key, "VpcId", peering.requester_vpc);
    else if (is(key, "AccepterVpcInfo"))
      member(v, key, "VpcId", peering.accepter_vpc);
    else if (is(key, "Status"))
      member(v, key, "Code", peering.status);
  });
  if (peering.id.empty()) r_.fail(at, "VPC peering connection without VpcPeeringConnectionId");
  out_.peerings.push_back(std::move(peering));
}

// ---- responses, lists and documents
// --------------------------------------------------------------------------

std::uint32_t key_bit(std::string_view key) {
  if (is(key, "SecurityGroups") || is(key, "SecurityGroupRules") || is(key, "NetworkInterfaces") ||
      is(key, "Reservations") || is(key, "PrefixLists") || is(key, "Vpcs") ||
      is(key, "VpcPeeringConnections") || is(key, "Entries"))
    return kPageKey;
  if (is(key, "GroupId")) return kGroupId;
  if (is(key, "IpPermissions") || is(key, "IpPermissionsEgress")) return kIpPermissions;
  if (is(key, "SecurityGroupRuleId")) return kRuleId;
  if (is(key, "NetworkInterfaceId")) return kInterfaceId;
  if (is(key, "InstanceId")) return kInstanceId;
  if (is(key, "ReservationId") || is(key, "Instances")) return kReservation;
  if (is(key, "PrefixListId")) return kPrefixListId;
  if (is(key, "PrefixListName") || is(key, "AddressFamily") || is(key, "MaxEntries"))
    return kPrefixListMeta;
  if (is(key, "VpcId")) return kVpcId;
  if (is(key, "CidrBlock") || is(key, "CidrBlockAssociationSet")) return kVpcCidr;
  if (is(key, "VpcPeeringConnectionId")) return kPeeringId;
  return 0;
}

// The identifying keys of each shape of aws-semantics.md §4, most specific first: a rule also has
// a GroupId, an interface a VpcId, an instance the SecurityGroups and NetworkInterfaces that are
// also keys of responses.
ElementKind kind_of(std::uint32_t keys) {
  const auto has = [&](std::uint32_t bits) { return (keys & bits) == bits; };
  if (has(kRuleId)) return ElementKind::group_rule;
  if (has(kReservation)) return ElementKind::reservation;
  if (has(kInstanceId) && !has(kInterfaceId)) return ElementKind::instance;
  if (has(kInterfaceId)) return ElementKind::interface;
  if (has(kPeeringId)) return ElementKind::peering;
  if (has(kGroupId | kIpPermissions)) return ElementKind::group;
  if (has(kPrefixListId | kPrefixListMeta)) return ElementKind::prefix_list;
  if (has(kVpcId | kVpcCidr)) return ElementKind::vpc;
  if (has(kPageKey)) return ElementKind::page;
  return ElementKind::none;
}

// One top-level member of a response.
template <typename Source>
PageKey AwsReader<Source>::page_member(std::string_view key, Value& v) {
  const auto each_of = [&](std::string_view k, auto&& f) {
    page_.recognised = true;
    each(v, k, f);
  };
  if (is(key, "SecurityGroups"))
    each_of(key, [&](Value& e) { security_group(e); });
  else if (is(key, "SecurityGroupRules"))
    each_of(key, [&](Value& e) { group_rule(e); });
  else if (is(key, "NetworkInterfaces"))
    each_of(key, [&](Value& e) { element(ElementKind::interface, e); });
  else if (is(key, "Reservations"))
    each_of(key, [&](Value& e) { reservation(e); });
  else if (is(key, "PrefixLists"))
    each_of(key, [&](Value& e) { prefix_list(e); });
  else if (is(key, "Vpcs"))
    each_of(key, [&](Value& e) { vpc(e); });
  else if (is(key, "VpcPeeringConnections"))
    each_of(key, [&](Value& e) { peering(e); });
  else if (is(key, "PrefixListId"))
    page_.entries_id = r_.name(v, {key});
  else if (is(key, "Entries")) {
    page_.entries_at = r_.offset(v);
    entries_wrapper(v, page_.entries);
  } else if (is(key, "NextToken")) {
    // The CLI prints it when it stopped early (--max-items, --no-paginate): more pages exist.
    if (!r_.is_null(v)) page_.next_token_at = r_.offset(v);
  } else if (is(key, "Resources") || is(key, "AWSTemplateFormatVersion"))
    return PageKey::cloudformation;
  else if (is(key, "format_version"))
    return PageKey::terraform;
  else
    return PageKey::other;
  return PageKey::read;
}

// The list id of raw get-managed-prefix-list-entries output: the file's name, as `sgcheck gen`
// names it (pl-0123abcd.json); anything else is an error at the Entries.
template <typename Source>
std::string AwsReader<Source>::entries_list_id(std::size_t entries_at) const {
  const std::string_view name = r_.name();
  std::string_view stem = name.substr(name.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  const bool is_id = stem.size() > 3 && stem.substr(0, 3) == "pl-" &&
                     std::all_of(stem.begin() + 3, stem.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
                     });
  if (!is_id) {
    r_.fail(
        entries_at,
        "prefix list entries without \"PrefixListId\" in a file whose name is not a prefix list "
        "id: name the file after its list (pl-0123abcd.json, as sgcheck gen does) or wrap the "
        "output of get-managed-prefix-list-entries as {\"PrefixListId\": \"pl-…\", "
        "\"Entries\": […]}");
  }
  return std::string(stem);
}

template <typename Source>
void AwsReader<Source>::end_page(std::size_t at) {
  if (!page_.entries_at) return;
  PrefixList list;
  list.id = page_.entries_id ? *page_.entries_id : Name(entries_list_id(*page_.entries_at));
  list.entries_known = true;
  list.entries = std::move(page_.entries);
  list.location = r_.pos(at);
  out_.prefix_lists.push_back(std::move(list));
  page_.recognised = true;
}

template <typename Source>
DocumentInfo AwsReader<Source>::page(Object& object, std::size_t at, ElementKind& element) {
  DocumentInfo info;
  info.offset = at;
  page_ = Page{};
  element = ElementKind::none;
  std::uint32_t keys = 0;
  r_.for_each_field_while(object, [&](std::string_view key, Value& v) {
    keys |= key_bit(key);
    // One object of a list alone (`--query 'Reservations[0].Instances[0]'`): told by its id, which
    // the CLI prints before the members it shares with responses (an instance's SecurityGroups).
    if (const ElementKind kind = kind_of(keys);
        !page_.recognised && kind != ElementKind::none && kind != ElementKind::page) {
      element = kind;
      return false;
    }
    switch (page_member(key, v)) {
      case PageKey::read:
      case PageKey::other:
        return true;
      case PageKey::cloudformation:
        info.kind = DocumentKind::cloudformation;
        return false;
      case PageKey::terraform:
        info.kind = DocumentKind::terraform;
        return false;
    }
    return true;
  });
  if (info.kind != DocumentKind::unrecognised || element != ElementKind::none) return info;
  end_page(at);
  if (page_.recognised) info.kind = DocumentKind::aws;
  return info;
}

template <typename Source>
void AwsReader<Source>::reservation(Value& value) {
  Object object;
  if (!r_.object(value, {"Reservations", true}, object)) return;
  r_.for_each_field(object, [&](std::string_view k, Value& v) {
    if (is(k, "Instances")) each(v, k, [&](Value& i) { instance(i); });
  });
}

template <typename Source>
ElementKind AwsReader<Source>::element_kind(Value& value) {
  if (!r_.is_object(value)) return ElementKind::none;
  Object object;
  r_.object(value, {"", true}, object);
  std::uint32_t keys = 0;
  r_.for_each_field(object, [&](std::string_view key, Value&) { keys |= key_bit(key); });
  return kind_of(keys);
}

template <typename Source>
void AwsReader<Source>::element(ElementKind kind, Value& value) {
  switch (kind) {
    case ElementKind::none:
      return;
    case ElementKind::page: {
      const std::size_t at = r_.offset(value);
      Object object;
      if (!r_.object(value, {"", true}, object)) return;
      ElementKind ignored = ElementKind::none;
      if (page(object, at, ignored).kind != DocumentKind::aws)
        r_.fail(at, "expected an AWS CLI response in every element of a list of responses");
      return;
    }
    case ElementKind::group:
      return security_group(value);
    case ElementKind::group_rule:
      return group_rule(value);
    case ElementKind::interface: {
      std::int64_t device_index = -1;
      network_interface(value, {"NetworkInterfaces", true}, out_.interfaces.emplace_back(),
                        device_index);
      return;
    }
    case ElementKind::instance:
      return instance(value);
    case ElementKind::reservation:
      return reservation(value);
    case ElementKind::prefix_list:
      return prefix_list(value);
    case ElementKind::vpc:
      return vpc(value);
    case ElementKind::peering:
      return peering(value);
  }
}

template <typename Source>
void AwsReader<Source>::list(Array& array, ElementKind kind) {
  page_ = Page{};
  r_.for_each_element(array, [&](Value& e) { element(kind, e); });
}

template <typename Source>
void AwsReader<Source>::finish() {
  if (!page_.next_token_at) return;
  r_.warn("", *page_.next_token_at,
          "one page of several: NextToken says the command has more results than this file "
          "holds (save every page: run it without --max-items or --no-paginate, or append each "
          "page to the file)");
}

// A JSON document: a response, a bare list or one bare object. Lists and bare objects are read
// twice (their kind from the first element's keys, then the elements), which document.rewind()
// allows; responses, the fast path, once.
DocumentInfo json_document(AwsReader<JsonReader>& aws, JsonReader& r, od::document& document) {
  DocumentInfo info;
  std::string_view token;
  JsonReader::check(document.raw_json_token().get(token));
  info.offset = static_cast<std::size_t>(token.data() - r.text().data());
  od::json_type type;
  JsonReader::check(document.type().get(type));
  if (type == od::json_type::object) {
    od::object root;
    JsonReader::check(document.get_object().get(root));
    ElementKind element = ElementKind::none;
    info = aws.page(root, info.offset, element);
    if (info.kind != DocumentKind::unrecognised || element == ElementKind::none) return info;
    document.rewind();
    od::value value;
    JsonReader::check(document.get_value().get(value));
    aws.element(element, value);
    info.kind = DocumentKind::aws;
    return info;
  }
  if (type != od::json_type::array) {
    info.kind = DocumentKind::not_object;
    info.found = "a scalar";
    return info;
  }
  od::array array;
  JsonReader::check(document.get_array().get(array));
  ElementKind kind = ElementKind::page;  // an empty list: nothing to read, not an error
  bool first = true;
  for (auto element : array) {
    if (!first) continue;  // a list of something else: its other elements skipped to its end
    od::value value;
    JsonReader::check(std::move(element).get(value));
    kind = aws.element_kind(value);
    first = false;
    if (kind != ElementKind::none) break;  // read again from the start
  }
  if (kind == ElementKind::none) {
    info.kind = DocumentKind::not_object;
    info.found = "a list that is not of security groups, rules, interfaces or other AWS objects";
    return info;
  }
  document.rewind();
  JsonReader::check(document.get_array().get(array));
  aws.list(array, kind);
  info.kind = DocumentKind::aws;
  return info;
}

// The same for a YAML document (`--output yaml`, `--output yaml-stream`).
DocumentInfo tree_document(AwsReader<TreeReader>& aws, TreeReader& r, const TreeNode& root) {
  DocumentInfo info;
  info.offset = r.offset(root);
  if (root.kind == TreeNode::Kind::mapping) {
    const TreeNode* object = &root;
    ElementKind element = ElementKind::none;
    info = aws.page(object, info.offset, element);
    if (info.kind != DocumentKind::unrecognised || element == ElementKind::none) return info;
    aws.element(element, root);
    info.kind = DocumentKind::aws;
    return info;
  }
  if (root.kind != TreeNode::Kind::sequence) {
    info.kind = DocumentKind::not_object;
    info.found = "a scalar";
    return info;
  }
  const ElementKind kind = root.items.empty() ? ElementKind::page : aws.element_kind(root.items[0]);
  if (kind == ElementKind::none) {
    info.kind = DocumentKind::not_object;
    info.found = "a list that is not of security groups, rules, interfaces or other AWS objects";
    return info;
  }
  const TreeNode* array = &root;
  aws.list(array, kind);
  info.kind = DocumentKind::aws;
  return info;
}

}  // namespace

DocumentInfo read_aws_json(JsonReader& reader, od::parser& parser, od::document& first,
                           Inventory& out, RuleBudget& budget) {
  AwsReader<JsonReader> aws(reader, out, budget);
  DocumentInfo info = json_document(aws, reader, first);
  if (info.kind == DocumentKind::cloudformation || info.kind == DocumentKind::terraform)
    return info;
  // Content after the first document: simdjson leaves it unread, so look for it explicitly.
  const char* next = nullptr;
  if (first.current_location().get(next) == simdjson::OUT_OF_BOUNDS) {
    aws.finish();
    return info;
  }
  if (*next != '{' && *next != '[') throw JsonFailure{simdjson::TRAILING_CONTENT};
  // Several documents (pages appended with >>, JSON Lines): each must be AWS CLI output. The
  // nesting of all of them was checked with the first (its index covers the whole text).
  const auto expect_aws = [&](const DocumentInfo& document) {
    if (document.kind == DocumentKind::aws) return;
    reader.fail(document.offset,
                "expected AWS CLI output in every document of a file of several JSON documents");
  };
  expect_aws(info);
  const std::string_view text = reader.text();
  const std::size_t rest = static_cast<std::size_t>(next - text.data());
  od::document_stream stream;
  JsonReader::check(parser
                        .iterate_many(next, text.size() - rest,
                                      std::max<std::size_t>(text.size() - rest, 1 << 20))
                        .get(stream));
  for (auto document : stream) {
    od::document_reference reference;
    JsonReader::check(std::move(document).get(reference));
    expect_aws(json_document(aws, reader, reference));
  }
  if (stream.truncated_bytes() != 0) throw JsonFailure{simdjson::TAPE_ERROR};
  aws.finish();
  return info;
}

struct AwsYamlReader::Impl {
  Impl(JsonReader& base, Inventory& out, RuleBudget& budget)
      : tree(base, base.text()), aws(tree, out, budget) {}
  TreeReader tree;
  AwsReader<TreeReader> aws;
};

AwsYamlReader::AwsYamlReader(JsonReader& base, Inventory& out, RuleBudget& budget)
    : impl_(std::make_unique<Impl>(base, out, budget)) {}

AwsYamlReader::~AwsYamlReader() = default;

DocumentInfo AwsYamlReader::read(const TreeNode& root) {
  return tree_document(impl_->aws, impl_->tree, root);
}

void AwsYamlReader::finish() {
  impl_->aws.finish();
}

void limit_rules(RuleBudget& budget, std::uint64_t max_rules, std::uint64_t input_bytes) {
  const std::uint64_t paid = kRulesWithoutInput + input_bytes / kBytesPerRule;
  budget.limit = std::min(max_rules, paid);
  budget.input_bytes = paid < max_rules ? input_bytes : 0;
}

std::string rule_limit_message(const RuleBudget& budget) {
  std::string message = "more than " + std::to_string(budget.limit) + " atomic rules (the rule limit";
  if (budget.input_bytes != 0) {
    message += " for " + std::to_string(budget.input_bytes) + " bytes of input: " +
               std::to_string(kRulesWithoutInput) + " and one per " +
               std::to_string(kBytesPerRule) + " bytes";
  }
  return message + ")";
}

}  // namespace sgcheck::detail
