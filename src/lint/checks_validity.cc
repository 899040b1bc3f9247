// Validity and quota checks (product.md §7, SG401–SG407): what AWS would reject or what a template
// leaves to a default. Values that did not parse were reported at ingest (Inventory::diagnostics,
// with their catalogue id); this file turns those into findings and checks what needs the whole
// model. Entry point: run_validity_checks().
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <tuple>

#include "atoms/text.h"
#include "lint/check.h"
#include "model/merge.h"
#include "sgcheck/ranges.h"

namespace sgcheck::detail {

namespace {

// ---- Where a diagnostic of the ingest belongs: the group (and rule) whose text encloses it.

struct Anchor {
  SourcePos pos;
  std::uint32_t group = 0;
  std::optional<std::uint32_t> rule;
};

bool pos_less(const SourcePos& a, const SourcePos& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

// Every group and rule start, in text order: the last one at or before a diagnostic encloses it.
// (The group of a value problem is what tag suppression and the finding's `group` need.)
class Anchors {
 public:
  explicit Anchors(const Inventory& inventory) {
    for (std::uint32_t g = 0; g < inventory.groups.size(); ++g) {
      const Group& group = inventory.groups[g];
      if (group.location.line != 0) anchors_.push_back({group.location, g, std::nullopt});
      for (std::uint32_t r = 0; r < group.rules.size(); ++r) {
        const Rule& rule = group.rules[r];
        if (rule.rule_location.line != 0) anchors_.push_back({rule.rule_location, g, r});
      }
    }
    std::stable_sort(anchors_.begin(), anchors_.end(),
                     [](const Anchor& a, const Anchor& b) { return pos_less(a.pos, b.pos); });
  }

  const Anchor* enclosing(const SourcePos& pos) const {
    auto it =
        std::upper_bound(anchors_.begin(), anchors_.end(), pos,
                         [](const SourcePos& p, const Anchor& a) { return pos_less(p, a.pos); });
    if (it == anchors_.begin()) return nullptr;
    --it;
    return it->pos.file == pos.file ? &*it : nullptr;
  }

 private:
  std::vector<Anchor> anchors_;
};

std::optional<std::uint32_t> file_index(const Inventory& inventory, std::string_view name) {
  const auto it = std::find(inventory.files.begin(), inventory.files.end(), name);
  if (it == inventory.files.end()) return std::nullopt;
  return static_cast<std::uint32_t>(it - inventory.files.begin());
}

// SG402–SG404 (and any other catalogued id the ingest attached): one finding per value diagnostic.
void value_findings(const Inventory& inventory, std::vector<Finding>& out) {
  std::optional<Anchors> anchors;
  for (const Diagnostic& d : inventory.diagnostics) {
    if (d.check.empty() || find_builtin_check(d.check) == nullptr) continue;
    if (!anchors) anchors.emplace(inventory);
    Finding f = make_finding(d.check, d.message, d.location);
    // Keyed by what was wrong, not where: a reformatted file keeps its fingerprints.
    f.fingerprint = d.message;
    if (const auto file = file_index(inventory, d.location.file)) {
      if (const Anchor* a = anchors->enclosing({*file, d.location.line, d.location.column})) {
        const Group& group = inventory.groups[a->group];
        f.group = group.id;
        if (a->rule) f.rule = group.rules[*a->rule].id;
      }
    }
    out.push_back(std::move(f));
  }
}

// ---- SG401 duplicates

// Duplicates are judged on the rule identity that merging uses (model/merge.h).
using RuleKey = RuleIdentity;

// A rule listed twice under one rule id is one AWS rule seen twice (overlapping pages of
// describe-security-group-rules), not a duplicate.
bool same_rule_listed_twice(const Rule& a, const Rule& b) {
  return !a.id.empty() && a.id == b.id;
}

// For every rule of the inventory (group by group, `offset[g] + r`): the first valid rule of its
// group with the same identity, which SG405 counts once, and the first rule of the same identity
// that can be a duplicate at all (valid, with a resolved service: the identity has no room for
// open template values), which SG401 names. kNone where the rule takes no part. The same answers
// as inserting the identities into a map in rule order, computed once for both checks and without
// a node per rule: each group's pairs are sorted in one reused buffer.
constexpr std::uint32_t kNone = ~std::uint32_t{0};

struct IdentityClasses {
  std::vector<std::size_t> offset;  // per group, then the total
  std::vector<std::uint32_t> first_valid;
  std::vector<std::uint32_t> first_eligible;
};

// A conditional rule (rule_conditional()) duplicates only a rule under the very same condition:
// one under another condition, or none, may never exist beside it. The first such rule of its
// identity (scratch[from..at], sorted by rule order), which may be itself. Conditional rules are
// rare, so the scan back is short.
std::uint32_t first_under_condition(const Group& group,
                                    const std::vector<std::pair<RuleKey, std::uint32_t>>& scratch,
                                    std::size_t from, std::size_t at) {
  const Rule& rule = group.rules[scratch[at].second];
  for (std::size_t k = from; k < at; ++k) {
    const Rule& other = group.rules[scratch[k].second];
    if (!service_unresolved(other) && other.unresolved().condition == rule.unresolved().condition)
      return scratch[k].second;
  }
  return scratch[at].second;
}

IdentityClasses identity_classes(const Inventory& inventory) {
  IdentityClasses c;
  c.offset.reserve(inventory.groups.size() + 1);
  std::size_t total = 0;
  for (const Group& group : inventory.groups) {
    c.offset.push_back(total);
    total += group.rules.size();
  }
  c.offset.push_back(total);
  c.first_valid.assign(total, kNone);
  c.first_eligible.assign(total, kNone);
  std::vector<std::pair<RuleKey, std::uint32_t>> scratch;
  for (std::size_t g = 0; g < inventory.groups.size(); ++g) {
    const Group& group = inventory.groups[g];
    scratch.clear();
    for (std::uint32_t r = 0; r < group.rules.size(); ++r)
      if (group.rules[r].valid) scratch.emplace_back(rule_identity(group.rules[r]), r);
    std::sort(scratch.begin(), scratch.end());  // by identity, then rule order
    std::uint32_t first = kNone, eligible = kNone;
    std::size_t identity_start = 0;
    for (std::size_t i = 0; i < scratch.size(); ++i) {
      const std::uint32_t r = scratch[i].second;
      if (i == 0 || !(scratch[i].first == scratch[i - 1].first)) {  // a new identity
        first = r;
        eligible = kNone;
        identity_start = i;
      }
      c.first_valid[c.offset[g] + r] = first;
      if (service_unresolved(group.rules[r])) continue;
      if (rule_conditional(group.rules[r])) {
        c.first_eligible[c.offset[g] + r] =
            first_under_condition(group, scratch, identity_start, i);
        continue;
      }
      if (eligible == kNone) eligible = r;
      c.first_eligible[c.offset[g] + r] = eligible;
    }
  }
  return c;
}

void duplicate_findings(const Inventory& inventory, const IdentityClasses& classes,
                        std::vector<Finding>& out) {
  for (std::uint32_t g = 0; g < inventory.groups.size(); ++g) {
    const Group& group = inventory.groups[g];
    const std::uint32_t* first = classes.first_eligible.data() + classes.offset[g];
    for (std::uint32_t r = 0; r < group.rules.size(); ++r) {
      if (first[r] == kNone || first[r] == r) continue;
      const Rule& rule = group.rules[r];
      const Rule& original = group.rules[first[r]];
      if (same_rule_listed_twice(original, rule)) continue;
      const std::string text = describe_rule(inventory, RuleRef{g, r});
      Finding f = make_finding("SG401",
                               std::string(direction_name(rule.direction)) + " rule " + text +
                                   " appears twice in group " + group.id + " (first at " +
                                   inventory.location(original.location).to_string() + ")",
                               inventory.location(rule.location));
      f.group = group.id;
      f.rule = rule.id;
      f.related.push_back(inventory.location(original.location));
      f.fingerprint = std::string(direction_name(rule.direction)) + " " + text;
      out.push_back(std::move(f));
    }
  }
}

// ---- SG402 on the model: port values that no input reader should have let through as valid.

void port_findings(const Inventory& inventory, std::vector<Finding>& out) {
  for (const Group& group : inventory.groups) {
    for (const Rule& rule : group.rules) {
      if (!rule.valid || !rule.from_port || !rule.to_port) continue;
      const int from = *rule.from_port, to = *rule.to_port;
      std::string problem;
      if (rule.protocol == kTcp || rule.protocol == kUdp) {
        if (from < 0 || to > 65535)
          problem = "ports outside 0-65535";
        else if (to < from)
          problem =
              "ToPort " + std::to_string(to) + " is less than FromPort " + std::to_string(from);
      } else if ((rule.protocol == kIcmp || rule.protocol == kIcmpv6) && from == -1 && to != -1) {
        problem = "ICMP type -1 (all types) requires code -1, found code " + std::to_string(to);
      }
      if (problem.empty()) continue;
      Finding f = make_finding("SG402", protocol_name(rule.protocol) + " rule: " + problem,
                               inventory.location(rule.location));
      f.group = group.id;
      f.rule = rule.id;
      out.push_back(std::move(f));
    }
  }
}

// ---- SG405 quotas (aws-semantics.md §3.1)

// What one rule weighs against the quota and in which families it counts: a CIDR 1 in its family;
// a group reference 1 in both (AWS does not say which, so both); a prefix list its MaxEntries (or
// its AWS-managed weight) in its address family.
struct Weight {
  int amount = 1;
  bool ipv4 = true;
  bool ipv6 = true;
};

Weight prefix_list_weight(const Inventory& inventory, std::string_view id) {
  Weight w;
  const PrefixList* list = inventory.find_prefix_list(id);
  if (list == nullptr) return w;  // unknown: the least it can weigh, in both families
  if (list->family) {
    w.ipv4 = *list->family == Family::ipv4;
    w.ipv6 = !w.ipv4;
  }
  // AWS-managed lists weigh what AWS documents (not in any API response: ranges.h keeps it).
  if (const std::optional<AwsManagedList> managed = aws_managed_list(list->name)) {
    if (managed->weight) {
      w.amount = *managed->weight;
      return w;
    }
  }
  if (list->max_entries)
    w.amount = std::max(1, *list->max_entries);
  else if (list->entries_known)
    w.amount = std::max<int>(1, static_cast<int>(list->entries.size()));
  return w;
}

Weight weight_of(const Inventory& inventory, const Rule& rule) {
  switch (rule.peer.kind) {
    case PeerKind::cidr4:
      return {1, true, false};
    case PeerKind::cidr6:
      return {1, false, true};
    case PeerKind::group:
      return {};
    case PeerKind::prefix_list:
      return prefix_list_weight(inventory, rule.peer.id);
  }
  return {};
}

// Weighted rules of one group: [direction][family], each distinct rule once (AWS keeps one copy of
// a duplicate) and invalid rules not at all (AWS would not have them).
using Counts = std::array<std::array<long, 2>, 2>;

// `first` = the group's slice of IdentityClasses::first_valid.
Counts count_rules(const Inventory& inventory, const Group& group, const std::uint32_t* first) {
  Counts counts{};
  for (std::uint32_t r = 0; r < group.rules.size(); ++r) {
    if (first[r] != r) continue;  // invalid, or a later copy
    const Rule& rule = group.rules[r];
    const Weight w = weight_of(inventory, rule);
    auto& row = counts[rule.direction == Direction::ingress ? 0 : 1];
    if (w.ipv4) row[0] += w.amount;
    if (w.ipv6) row[1] += w.amount;
  }
  return counts;
}

const char* family_word(int family) {
  return family == 0 ? "IPv4" : "IPv6";
}
const char* direction_word(int direction) {
  return direction == 0 ? "ingress" : "egress";
}

void group_quota_findings(const Inventory& inventory, const LintOptions& options,
                          const std::vector<Counts>& counts, std::vector<Finding>& out) {
  const long quota = options.max_rules_per_group_direction_family;
  for (std::size_t g = 0; g < inventory.groups.size(); ++g) {
    const Group& group = inventory.groups[g];
    for (int d = 0; d < 2; ++d) {
      for (int fam = 0; fam < 2; ++fam) {
        const long n = counts[g][d][fam];
        if (n <= quota) continue;
        Finding f = make_finding(
            "SG405",
            "group " + group.id + " has " + std::to_string(n) + " " + direction_word(d) + " " +
                family_word(fam) + " rules (prefix lists counted by their maximum entries), " +
                "over the quota of " + std::to_string(quota) + " per group, direction and family",
            inventory.location(group.location));
        f.group = group.id;
        f.fingerprint = std::string("rules ") + direction_word(d) + " " + family_word(fam);
        out.push_back(std::move(f));
      }
    }
  }
}

// Every group of every interface is looked up: hashed, by the inventory's Semantics.
void interface_quota_findings(const Semantics& sem, const LintOptions& options,
                              const std::vector<Counts>& counts, std::vector<Finding>& out) {
  const Inventory& inventory = sem.inventory();
  std::vector<std::string_view> groups;  // the interface's distinct group ids, reused
  for (const Interface& eni : inventory.interfaces) {
    groups.assign(eni.groups.begin(), eni.groups.end());
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const auto finding = [&](std::string message, std::string key) {
      Finding f = make_finding("SG405", std::move(message), inventory.location(eni.location));
      f.interface = eni.id;
      f.fingerprint = std::move(key);
      out.push_back(std::move(f));
    };
    if (static_cast<long>(groups.size()) > options.max_groups_per_interface) {
      finding("interface " + eni.id + " carries " + std::to_string(groups.size()) +
                  " security groups, over the quota of " +
                  std::to_string(options.max_groups_per_interface) + " per interface",
              "groups");
    }
    // The rules of all its groups, per direction and family, against the product quota.
    Counts total{};
    for (const std::string_view id : groups) {
      if (const std::uint32_t g = sem.group_index(id); g != Semantics::kAbsent) {
        for (int d = 0; d < 2; ++d)
          for (int fam = 0; fam < 2; ++fam) total[d][fam] += counts[g][d][fam];
      }
    }
    for (int d = 0; d < 2; ++d) {
      for (int fam = 0; fam < 2; ++fam) {
        if (total[d][fam] <= options.max_rules_times_groups) continue;
        finding("interface " + eni.id + " has " + std::to_string(total[d][fam]) + " " +
                    direction_word(d) + " " + family_word(fam) +
                    " rules across its groups, over the limit of " +
                    std::to_string(options.max_rules_times_groups) +
                    " (rules per group times groups per interface)",
                std::string("product ") + direction_word(d) + " " + family_word(fam));
      }
    }
  }
}

void quota_findings(const Semantics& sem, const LintOptions& options,
                    const IdentityClasses& classes, std::vector<Finding>& out) {
  const Inventory& inventory = sem.inventory();
  std::vector<Counts> counts;
  counts.reserve(inventory.groups.size());
  for (std::size_t g = 0; g < inventory.groups.size(); ++g) {
    counts.push_back(count_rules(inventory, inventory.groups[g],
                                 classes.first_valid.data() + classes.offset[g]));
  }
  group_quota_findings(inventory, options, counts, out);
  interface_quota_findings(sem, options, counts, out);
}

// ---- SG406 names and descriptions (aws-semantics.md §3.2)

constexpr std::size_t kMaxText = 255;
// The characters AWS allows in group names and descriptions and in rule descriptions besides
// letters, digits and space; `&` only for CIDR rules' descriptions and group names/descriptions.
constexpr std::string_view kAllowedPunctuation = "._-:/()#,@[]+=;{}!$*";

// Which bytes the set holds (without `&`), one lookup per character of every description.
constexpr std::array<bool, 256> kAllowedBytes = [] {
  std::array<bool, 256> allowed{};
  for (int c = '0'; c <= '9'; ++c) allowed[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) allowed[c] = allowed[c - 'a' + 'A'] = true;
  allowed[' '] = true;
  for (const char c : kAllowedPunctuation) allowed[static_cast<unsigned char>(c)] = true;
  return allowed;
}();

// The first character outside the set (with or without `&`), as text for a message.
std::optional<std::string> bad_character(std::string_view text, bool ampersand) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (kAllowedBytes[c] || (ampersand && c == '&')) continue;
    if (c < 0x20 || c >= 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      return std::string("byte ") + buffer;
    }
    return "'" + std::string(1, text[i]) + "'";
  }
  return std::nullopt;
}

// The problem with one name or description, or nothing.
std::optional<std::string> text_problem(std::string_view what, std::string_view text,
                                        bool ampersand) {
  if (text.size() > kMaxText)
    return std::string(what) + " is " + std::to_string(text.size()) + " characters long, over 255";
  if (const auto bad = bad_character(text, ampersand))
    return std::string(what) + " contains " + *bad + ", outside the characters AWS allows";
  return std::nullopt;
}

// text_problem(), with `what()` made only when there is a problem: most texts have none.
template <typename What>
std::optional<std::string> lazy_text_problem(What&& what, std::string_view text, bool ampersand) {
  if (text.size() <= kMaxText && !bad_character(text, ampersand)) return std::nullopt;
  return text_problem(what(), text, ampersand);
}

void add_text_finding(const Inventory& inventory, const Group& group, const Rule* rule,
                      std::string message, std::string key, std::vector<Finding>& out,
                      std::optional<FindingSeverity> severity = std::nullopt) {
  Finding f = make_finding("SG406", std::move(message),
                           inventory.location(rule != nullptr ? rule->location : group.location));
  f.group = group.id;
  if (rule != nullptr) f.rule = rule->id;
  f.fingerprint = std::move(key);
  if (severity) f.severity = *severity;
  out.push_back(std::move(f));
}

// A Terraform aws_default_security_group manages the VPC's own default group.
bool manages_default_group(const Group& group) {
  return group.template_name.rfind("aws_default_security_group", 0) == 0;
}

// AWS names the VPC's own default group "default"; a group of the same name in any case besides it
// cannot have been created. Which is the real one does not depend on input order: the exact name
// first, then the lowest id.
std::map<Name, const Group*> real_default_groups(const Inventory& inventory) {
  std::map<Name, const Group*> real;  // by VPC
  const auto better = [](const Group* a, const Group* b) {
    return std::pair(a->name != "default", a->id) < std::pair(b->name != "default", b->id);
  };
  for (const Group& g : inventory.groups) {
    if (g.origin != GroupOrigin::aws_api || !ascii_lower_equals(g.name, "default")) continue;
    const Group*& slot = real[g.vpc_id];
    if (slot == nullptr || better(&g, slot)) slot = &g;
  }
  return real;
}

void default_name_findings(const Inventory& inventory, const Group& group,
                           const std::map<Name, const Group*>& real_defaults,
                           std::vector<Finding>& out) {
  if (!ascii_lower_equals(group.name, "default") || manages_default_group(group)) return;
  const auto real = real_defaults.find(group.vpc_id);
  const Group* other = real == real_defaults.end() ? nullptr : real->second;
  if (other == &group) return;
  const std::string where = group.vpc_id.empty() ? "its VPC" : group.vpc_id.str();
  std::string message = "a second group named \"" + group.name + "\" in " + where +
                        ": every VPC has its own default group and AWS refuses another";
  if (other != nullptr) message += " (the default group is " + other->id + ")";
  add_text_finding(inventory, group, nullptr, std::move(message), "default", out);
}

void group_text_findings(const Inventory& inventory, const Group& group,
                         const std::map<Name, const Group*>& real_defaults,
                         std::vector<Finding>& out) {
  if (group.from_rules_only) return;  // rules views carry no name or description
  const auto name = [&] { return "name \"" + group.name + "\""; };
  if (!group.name.empty()) {
    if (const auto p = lazy_text_problem([&] { return "group " + name(); }, group.name, true))
      add_text_finding(inventory, group, nullptr, *p, "name", out);
    if (group.name.size() >= 3 && ascii_lower_equals(group.name.substr(0, 3), "sg-"))
      add_text_finding(inventory, group, nullptr,
                       "group " + name() + " starts with sg-, which AWS does not allow", "sg-",
                       out);
  }
  default_name_findings(inventory, group, real_defaults, out);
  if (const auto p = text_problem("group description", group.description, true))
    add_text_finding(inventory, group, nullptr, *p, "description", out);
}

void rule_text_findings(const Inventory& inventory, const Group& group, const Rule& rule,
                        std::vector<Finding>& out) {
  if (rule.description.empty()) return;
  const bool cidr = rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6;
  // The fingerprint, made for a finding only: most descriptions have no problem.
  const auto key = [&] {
    return "rule description " + std::string(direction_name(rule.direction)) + " " +
           std::to_string(rule.protocol) + " " + rule.peer.id +
           (cidr ? to_string(rule.peer.cidr) : "");
  };
  if (const auto p = text_problem("rule description", rule.description, true)) {
    add_text_finding(inventory, group, &rule, *p, key(), out);
  } else if (!cidr && rule.description.find('&') != std::string::npos) {
    // AWS documents `&` for CIDR rules only: a warning, not an error.
    add_text_finding(inventory, group, &rule,
                     "rule description contains '&', which AWS documents only for CIDR rules, "
                     "not for group or prefix list references",
                     key() + " &", out, FindingSeverity::low);
  }
}

void text_findings(const Inventory& inventory, std::vector<Finding>& out) {
  const std::map<Name, const Group*> real_defaults = real_default_groups(inventory);
  for (const Group& group : inventory.groups) {
    group_text_findings(inventory, group, real_defaults, out);
    for (const Rule& rule : group.rules) rule_text_findings(inventory, group, rule, out);
  }
}

// ---- SG407 templates without egress

void egress_findings(const Inventory& inventory, std::vector<Finding>& out) {
  for (const Group& group : inventory.groups) {
    if (!group.template_without_egress) continue;
    const std::string name = (group.template_name.empty() ? group.id : group.template_name).str();
    std::string message =
        group.origin == GroupOrigin::terraform
            ? name +
                  " has no egress block: Terraform removes AWS's default egress rule, so the "
                  "group allows no outbound traffic"
            : name +
                  " has no SecurityGroupEgress: CloudFormation keeps AWS's default rule, so the "
                  "group allows all outbound IPv4 traffic";
    Finding f = make_finding("SG407", std::move(message), inventory.location(group.location));
    f.group = group.id.empty() ? group.template_name : group.id;
    f.fingerprint = "no egress";
    out.push_back(std::move(f));
  }
}

}  // namespace

void run_validity_checks(const CheckContext& context, std::vector<Finding>& out) {
  const Inventory& inventory = context.inventory;
  const IdentityClasses classes = identity_classes(inventory);
  duplicate_findings(inventory, classes, out);
  value_findings(inventory, out);
  port_findings(inventory, out);
  quota_findings(context.semantics.get(), context.options, classes, out);
  text_findings(inventory, out);
  egress_findings(inventory, out);
}

}  // namespace sgcheck::detail
