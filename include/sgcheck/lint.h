// The semantic linter (product.md §4 `lint`, §7 catalogue): one Finding type for every check, built-in
// (SG2xx hygiene, SG3xx references, SG4xx validity) or written in the policy language (SG1xx and user
// rules). Entry points: check_catalogue() lists the checks; run_lint() runs them on an inventory and
// applies suppression (tags, --disable, config, baseline).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/diagnostic.h"
#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

enum class FindingSeverity : std::uint8_t { critical, high, medium, low, info };

// "critical", "high", "medium", "low", "info".
const char* finding_severity_name(FindingSeverity severity);
// The inverse, case-sensitive; nullopt for anything else.
std::optional<FindingSeverity> parse_finding_severity(std::string_view text);

// One concrete packet that shows the problem: what a rule allows that it should not (or the reverse).
// JSON: {"protocol": "tcp", "port": 22, "source": "0.0.0.0/0"}; ICMP gives "type"/"code" instead of
// "port"; egress names "destination" instead of "source".
struct Witness {
  std::string protocol;      // "tcp", "udp", "icmp", "icmpv6", "all", or the number ("47")
  std::optional<int> port;   // tcp, udp
  std::optional<int> type;   // icmp, icmpv6 (-1 = all)
  std::optional<int> code;   // icmp, icmpv6 (-1 = all)
  Direction direction = Direction::ingress;
  std::string peer;          // the address, CIDR or "sg-…" on the other side
};

// Metadata of a check, for `rules list`, SARIF rule descriptors and findings.
struct CheckInfo {
  std::string id;  // "SG202", "ACME-DB-1"
  std::string title;
  FindingSeverity severity = FindingSeverity::low;
  std::string help;               // one paragraph: what it means and how to fix it
  std::vector<std::string> refs;  // equivalent checks of other tools: "CIS 5.2", "CKV_AWS_24"
};

struct Finding {
  std::string id;
  FindingSeverity severity = FindingSeverity::low;
  std::string title;
  std::string message;
  // The most precise place there is: the rule's peer entry, else the rule, else the group (or the
  // interface, or the policy file for a policy that cannot be evaluated).
  Location location;
  std::string group;  // sg-… (empty for interface-level findings)
  std::string rule;   // sgr-… when the input has rule ids
  std::string interface;  // eni-… for findings on an interface's union of groups
  std::optional<Witness> witness;
  std::vector<std::string> refs;
  // The other rules responsible (for a witness made of several rules, a duplicate's first copy…).
  std::vector<Location> related;
  // True when the answer depends on something the inventory lacks: the message says what.
  bool unknown = false;
  // Stable identity for baselines: check id + group/interface + the rule's canonical content, never
  // file positions, so reformatting and reordering keep it.
  std::string fingerprint;
};

// What a config file, --disable, --fail-on and --baseline set.
struct LintOptions {
  std::vector<std::string> disabled;                      // check ids not run / not reported
  std::map<std::string, FindingSeverity> severities;      // per-id severity overrides
  FindingSeverity fail_on = FindingSeverity::low;         // exit 1 when a finding is this or worse
  std::vector<std::string> policy_files;                  // --rules FILE: extra policies
  std::vector<std::string> baseline;                      // fingerprints to suppress
  // Quotas (aws-semantics.md §3.1), adjustable because accounts raise them.
  int max_rules_per_group_direction_family = 60;
  int max_groups_per_interface = 5;
  int max_rules_times_groups = 1000;
  // Threads (--jobs): 1 runs everything on the calling thread; 2 or more run the policy checks
  // (split by target over jobs - 1 threads) beside the other families. The findings and their
  // order are the same for every value.
  unsigned jobs = 1;
};

struct LintSummary {
  std::size_t files = 0;
  std::size_t groups = 0;
  std::size_t rules = 0;
  std::size_t findings = 0;    // reported
  std::size_t suppressed = 0;  // by tag, baseline, --disable or config
};

struct LintResult {
  std::vector<Finding> findings;  // sorted by file, line, column, id
  LintSummary summary;
  Diagnostics errors;  // policy files that do not parse: exit status 2
};

// Every check sgcheck knows, built-in first, sorted by id.
std::vector<CheckInfo> check_catalogue();

// Runs every enabled check (and the policies of options.policy_files) on the inventory.
LintResult run_lint(const Inventory& inventory, const Engine& engine, const LintOptions& options);
// The same, compiling the engine from the inventory only if a check asks for it (the graph
// family's samples), on the thread that asks: with jobs >= 2 that overlaps the policy checks.
LintResult run_lint(const Inventory& inventory, const LintOptions& options);

}  // namespace sgcheck
