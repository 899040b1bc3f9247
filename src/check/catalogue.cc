// The catalogue of built-in checks (product.md §7: SG2xx hygiene, SG3xx references, SG4xx
// validity): id, title, default severity, help and the equivalent checks of other tools
// (lint-landscape.md); the names of severities and check patterns that every check and the
// policies use. Entry points: find_builtin_check(), make_finding(); check_catalogue() (lint.cc)
// adds the policy pack.
#include "check/catalogue.h"

#include <memory>
#include <vector>

namespace sgcheck {
namespace {

using S = FindingSeverity;

// The table, in id order.
std::vector<CheckInfo> builtin_check_infos() {
  return {
      {"SG201", "Group or rule without a description", S::low,
       "Describe every group and rule with what it is for; a tool's placeholder (\"Managed by "
       "Terraform\") counts as none. Reviewers and incident responders read these.",
       {"CKV_AWS_23", "AVD-AWS-0099", "AVD-AWS-0124", "W36"}},
      {"SG202", "Redundant rule", S::low,
       "Everything this rule allows is already allowed by the group's other rules: remove it, or "
       "narrow the rule that covers it.",
       {}},
      {"SG203", "Port range wider than 1000 ports", S::low,
       "A wide port range from a source other than the group itself usually means a range was "
       "typed where a port was meant. Open only the ports the service uses.",
       {"W27", "W29"}},
      {"SG204", "All-protocols rule", S::info,
       "Protocol -1 allows every protocol and port from this peer. Name the protocols and ports "
       "the service needs.",
       {}},
      {"SG205", "Rule that can never match", S::medium,
       "The rule matches no packet: icmp with an IPv6 range, icmpv6 with an IPv4 range, an "
       "IPv4-mapped IPv6 range, or a reference to a group that no longer exists. It probably does "
       "not do what its author meant.",
       {}},
      {"SG206", "Ports given where AWS ignores them", S::low,
       "AWS ignores FromPort/ToPort for protocol -1 and for protocols without ports, so the rule "
       "allows every port although it reads as a port rule.",
       {"W3687"}},
      {"SG207", "CIDR with host bits set", S::info,
       "AWS stores the network address (10.0.0.5/8 becomes 10.0.0.0/8), which is wider than the "
       "text suggests. Write the canonical block, or /32 for one host.",
       {"E1103"}},
      {"SG208", "Group created by the launch wizard", S::info,
       "launch-wizard-* groups are made by the console with SSH open to the world and tend to "
       "outlive the instance they were made for.",
       {}},
      {"SG301", "Reference to a group not in the inventory", S::medium,
       "The rule references a group the inputs do not define, so answers that depend on its "
       "members are unknown. Add the group's describe output, or remove a stale rule.",
       {}},
      {"SG302", "Reference across VPCs without peering", S::high,
       "A group can reference a group of another VPC only over an active peering connection; none "
       "is in the inventory, so the rule matches nothing (AWS rejects it or it is stale).",
       {}},
      {"SG303", "Unused group", S::low,
       "No interface carries the group and no group references it. Delete it, or attach it.",
       {"CKV2_AWS_5", "EC2.22"}},
      {"SG304", "One-sided pair", S::medium,
       "An ingress rule admits group G on a service, but no member of G may send that service "
       "there, so the rule has no effect. Add the matching egress rule to G, or remove the "
       "ingress rule.",
       {}},
      {"SG305", "Prefix list entries not in the inventory", S::info,
       "The rule references a prefix list whose entries were not supplied, so answers that depend "
       "on it are unknown. Add `aws ec2 get-managed-prefix-list-entries` output.",
       {}},
      {"SG306", "Interface carries a group of another VPC", S::high,
       "A security group applies only to interfaces of its own VPC; this attachment is "
       "inconsistent data.",
       {}},
      {"SG401", "Duplicate rule", S::high,
       "The same rule appears twice in the group; AWS rejects the second copy "
       "(InvalidPermission.Duplicate).",
       {}},
      {"SG402", "Invalid protocol and port combination", S::high,
       "ToPort below FromPort, tcp/udp ports missing or outside 0-65535, ICMP type -1 with a code, "
       "or an unknown protocol: AWS rejects the rule, and sgcheck leaves it out of evaluation.",
       {}},
      {"SG403", "Invalid CIDR, address or prefix list id", S::high,
       "The value does not parse: AWS rejects the rule, and sgcheck leaves it out of evaluation.",
       {}},
      {"SG404", "Rule without exactly one peer", S::high,
       "A rule needs exactly one peer (a CIDR, a prefix list or a group); CloudFormation rejects "
       "none or several.",
       {}},
      {"SG405", "Quota exceeded", S::medium,
       "AWS limits rules per group, direction and family (60), groups per interface (5), and their "
       "product (1000). The API rejects the change that exceeds them.",
       {}},
      {"SG406", "Name or description breaks AWS constraints", S::medium,
       "Names and descriptions are at most 255 characters of a restricted set; names may not start "
       "with sg- and only one group of a VPC may be called default.",
       {}},
      {"SG407", "Template gives no egress rule", S::low,
       "Without an egress rule CloudFormation keeps allow-all IPv4 egress and Terraform removes "
       "all egress. State the egress you want.",
       {"F1000"}},
      {"SG408", "Resource or rule that cannot be read", S::high,
       "A template resource or rule entry has a shape sgcheck cannot read (no Type or Properties, "
       "a wrong kind of value, an Fn::If or Fn::Select of the wrong form). It is left out and "
       "the rest of the file is still evaluated; CloudFormation would reject the template.",
       {}},
  };
}

// Each entry is shared by the findings of its check (Finding::check).
const std::vector<std::shared_ptr<const CheckInfo>>& builtin_checks() {
  static const std::vector<std::shared_ptr<const CheckInfo>> checks = [] {
    std::vector<std::shared_ptr<const CheckInfo>> out;
    for (CheckInfo& info : builtin_check_infos())
      out.push_back(std::make_shared<const CheckInfo>(std::move(info)));
    return out;
  }();
  return checks;
}

}  // namespace

const char* finding_severity_name(FindingSeverity severity) {
  switch (severity) {
    case S::critical: return "critical";
    case S::high: return "high";
    case S::medium: return "medium";
    case S::low: return "low";
    case S::info: return "info";
  }
  return "info";
}

std::optional<FindingSeverity> parse_finding_severity(std::string_view text) {
  for (const S s : {S::critical, S::high, S::medium, S::low, S::info})
    if (text == finding_severity_name(s)) return s;
  return std::nullopt;
}

bool check_pattern_matches(std::string_view pattern, std::string_view id) {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return id.substr(0, pattern.size()) == pattern;
  }
  return pattern == id;
}

const std::string& Finding::title() const {
  static const std::string none;
  return check ? check->title : none;
}

const std::vector<std::string>& Finding::refs() const {
  static const std::vector<std::string> none;
  return check ? check->refs : none;
}

namespace detail {

std::vector<CheckInfo> builtin_check_list() {
  std::vector<CheckInfo> out;
  for (const auto& info : builtin_checks()) out.push_back(*info);
  return out;
}

const CheckInfo* find_builtin_check(std::string_view id) {
  for (const auto& info : builtin_checks())
    if (info->id == id) return info.get();
  return nullptr;
}

Finding make_finding(std::string_view id, std::string message, Location location) {
  Finding f;
  f.id = std::string(id);
  f.message = std::move(message);
  // A message built with operator+ chains keeps the capacity its last append doubled to: up to
  // twice its length, for as long as the finding lives (a large inventory has many).
  if (f.message.capacity() > f.message.size() + f.message.size() / 8) f.message.shrink_to_fit();
  f.location = std::move(location);
  for (const auto& info : builtin_checks()) {
    if (info->id != id) continue;
    f.check = info;
    f.severity = info->severity;
    break;
  }
  return f;
}

}  // namespace detail
}  // namespace sgcheck
