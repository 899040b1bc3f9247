// The semantic linter (product.md §4 `lint`, §7 catalogue): one Finding type for every check,
// built-in (SG2xx hygiene, SG3xx references, SG4xx validity) or written in the policy language
// (SG1xx and user rules). Entry points: check_catalogue() lists the checks; run_lint() runs them on
// an inventory and applies suppression (tags, --disable, config, baseline); read_lint_config() and
// read_baseline() read what lint reads besides its inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

enum class FindingSeverity : std::uint8_t { critical, high, medium, low, info };

// "critical", "high", "medium", "low", "info".
const char* finding_severity_name(FindingSeverity severity);
// The inverse, case-sensitive; nullopt for anything else.
std::optional<FindingSeverity> parse_finding_severity(std::string_view text);

// How --disable, the config's `disable` and `severity` and the sgcheck:ignore tag name checks: an
// exact id ("SG201"), or a prefix ending in '*' ("SG2*" for every SG2xx id).
bool check_pattern_matches(std::string_view pattern, std::string_view id);

// One concrete packet that shows the problem: what a rule allows that it should not (or the
// reverse). JSON: {"protocol": "tcp", "port": 22, "source": "0.0.0.0/0"}; ICMP gives "type"/"code"
// instead of "port"; egress names "destination" instead of "source".
struct Witness {
  std::string protocol;     // "tcp", "udp", "icmp", "icmpv6", "all", or the number ("47")
  std::optional<int> port;  // tcp, udp
  std::optional<int> type;  // icmp, icmpv6 (-1 = all)
  std::optional<int> code;  // icmp, icmpv6 (-1 = all)
  Direction direction = Direction::ingress;
  std::string peer;  // the address, CIDR or "sg-…" on the other side
};

// One part of a policy finding's whole violation (product.md §6): service points over one address
// family that the target allows and the rule forbids (or the rule requires and the target denies).
// The points are the keys [lo, hi] (ports, type*256+code, or 0 for protocols without ports) of
// each protocol in [protocol_first, protocol_last]; a run of several protocols is always of
// protocols without ports. `maybe`: only possibly so (the verdict depends on what the inventory
// lacks). Text: "tcp/22 over IPv4", "proto/2-5 over IPv6", "icmp/3:0-3:3 over IPv4 (unknown)".
struct ViolationPart {
  Family family = Family::ipv4;
  bool maybe = false;
  std::uint8_t protocol_first = 0;
  std::uint8_t protocol_last = 0;
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
  bool operator==(const ViolationPart&) const = default;
};
std::string violation_part_text(const ViolationPart& part);
// The inverse of violation_part_text(); nullopt for anything else.
std::optional<ViolationPart> parse_violation_part(std::string_view text);

// A rule that contributes to a violation: JSON `rules[]`, SARIF `relatedLocations`. `content` is
// what a baseline records: "sg-0a1 ingress tcp/22 from 0.0.0.0/0" (group, direction, service,
// peer, as `dump` writes them), never a position.
struct ContributingRule {
  Name group;  // sg-… (or the template name), the rule's group
  Name id;     // sgr-… when the input has rule ids
  Location location;
  std::string content;
};

// A policy finding's whole violation on its target: every part (sorted by family, protocol and
// keys; adjacent ones merged), every rule that contributes (the finding's location first), and
// one witness per family (the first is Finding::witness).
struct Violation {
  std::vector<ViolationPart> parts;
  std::vector<ContributingRule> rules;
  std::vector<Witness> witnesses;
  // The fingerprint key baselines of version 1 recorded (the first witness), so that they still
  // suppress the finding they recorded.
  std::string legacy_key;
  // Set by a baseline that recorded this finding with a smaller violation: what is new since
  // ("tcp/3389 over IPv4", "rule sg-0a1 ingress tcp/22 from ::/0"). The finding is then reported.
  std::vector<std::string> new_since_baseline;
};

// Metadata of a check, for `rules list`, SARIF rule descriptors and findings.
struct CheckInfo {
  std::string id;  // "SG202", "ACME-DB-1"
  std::string title;
  FindingSeverity severity = FindingSeverity::low;
  std::string help;               // one paragraph: what it means and how to fix it
  std::vector<std::string> refs;  // equivalent checks of other tools: "CIS 5.2", "CKV_AWS_24"
};

// One finding: a compact record. Its ids are Names (the check's id, the group, rule and interface
// it is about, and the file of its location), and what many findings have in common, or most
// findings lack, is held through std::shared_ptr<const T>, so that a finding stays small and
// copies cheaply: the check's
// catalogue entry (one per check, shared by all its findings; read title() and refs()), the witness
// and the whole violation (null when absent, shared by the copies of a finding). They are
// immutable: to change one, point at a new value.
struct Finding {
  Name id;
  FindingSeverity severity = FindingSeverity::low;
  // True when the answer depends on something the inventory lacks: the message says what.
  bool unknown = false;
  std::string message;
  // The most precise place there is: the rule's peer entry, else the rule, else the group (or the
  // interface, or the policy file for a policy that cannot be evaluated).
  Location location;
  Name group;      // sg-… (empty for interface-level findings)
  Name rule;       // sgr-… when the input has rule ids
  Name interface;  // eni-… for findings on an interface's union of groups
  // The check's catalogue entry (title, default severity, help, refs); null for a finding made
  // without one (title() and refs() are then empty). `severity` is the one in force: a config may
  // override the entry's.
  std::shared_ptr<const CheckInfo> check;
  // One concrete packet that shows the problem; null when the check gives none (most findings).
  std::shared_ptr<const Witness> witness;
  // The other rules responsible (for a witness made of several rules, a duplicate's first copy…).
  std::vector<Location> related;
  // Policy findings (SG1xx and --rules): the whole violation; null for the built-in checks.
  std::shared_ptr<const Violation> violation;
  // Stable identity for baselines: check id + group/interface + the rule's canonical content, never
  // file positions, so reformatting and reordering keep it.
  std::string fingerprint;

  // The check's title ("Duplicate rule") and its equivalents in other tools ("CIS 5.2"), from
  // `check`; empty without one.
  const std::string& title() const;
  const std::vector<std::string>& refs() const;
};

// One finding a baseline file recorded. A baseline suppresses exactly the violation it recorded:
// when `violation` is set (policy findings, in baselines of version 2), a finding of that
// fingerprint stays suppressed while its parts and contributing rules are among those recorded,
// and is reported, with Violation::new_since_baseline, when they grew. Otherwise (the built-in
// checks, and every entry of a version-1 file) the fingerprint alone suppresses.
struct BaselineEntry {
  std::string fingerprint;
  std::optional<std::vector<std::string>> violation;  // violation_part_text() of each part
  std::vector<std::string> rules;                     // ContributingRule::content of each
};

// What a config file, --disable, --fail-on and --baseline set.
struct LintOptions {
  std::vector<std::string> disabled;         // check ids not run / not reported (--disable)
  std::vector<std::string> config_disabled;  // the same, from the config file's `disable`
  std::string config;                        // the config file in force, or empty
  std::map<std::string, FindingSeverity> severities;  // per-id severity overrides
  FindingSeverity fail_on = FindingSeverity::low;     // exit 1 when a finding is this or worse
  std::vector<std::string> policy_files;              // --rules FILE: extra policies
  std::vector<BaselineEntry> baseline;                // recorded findings to suppress
  // Quotas (aws-semantics.md §3.1), adjustable because accounts raise them.
  int max_rules_per_group_direction_family = 60;
  int max_groups_per_interface = 5;
  int max_rules_times_groups = 1000;
  // Threads (--jobs): 1 runs everything on the calling thread; 2 or more run the families of
  // checks (validity, hygiene, graph, policies) on two threads, each family's findings triaged
  // and sorted on its thread, the policy checks split by target over jobs - 1 threads. The
  // findings and their order are the same for every value.
  unsigned jobs = 1;
};

struct LintSummary {
  std::size_t files = 0;  // inputs read (skipped ones not counted)
  std::size_t groups = 0;
  std::size_t rules = 0;
  std::size_t findings = 0;    // reported
  std::size_t suppressed = 0;  // by tag, baseline, --disable or config: the sum of the four below
  std::size_t suppressed_by_tag = 0;       // an sgcheck:ignore tag or Metadata on the subject
  std::size_t suppressed_by_baseline = 0;  // --baseline (or --write-baseline)
  std::size_t suppressed_by_disable = 0;   // --disable
  std::size_t suppressed_by_config = 0;    // the config file's `disable`
  std::size_t skipped = 0;                 // inputs that hold no security-group input
  std::size_t input_errors = 0;  // inputs that could not be read or parsed (exit status 2)
  std::string config;            // the config file in force, or empty
};

struct LintResult {
  std::vector<Finding> findings;  // sorted by file, line, column, id
  LintSummary summary;
  Diagnostics errors;  // policy files that do not parse: exit status 2
};

// Every check sgcheck knows, built-in first, sorted by id.
std::vector<CheckInfo> check_catalogue();

// The rules of the built-in policy pack (SG101–SG107): `rules list`.
std::vector<CheckInfo> builtin_policy_rules();
// Parses each policy file and checks its rule ids against the other files and the built-in pack
// (`rules check`). Returns the errors (empty: every file is valid); `rules` receives the metadata
// of every rule of the valid files, in order.
Diagnostics read_policy_rules(const std::vector<std::string>& paths, std::vector<CheckInfo>& rules);
// Every check id of a run with these policy files: the catalogue and the files' rules (a file that
// does not parse adds none; run_lint() reports it).
std::vector<std::string> known_check_ids(const std::vector<std::string>& policy_files);
// True when `pattern` (an id or "SG2*") names one of `ids`.
bool names_some_check(std::string_view pattern, const std::vector<std::string>& ids);
// Whether run_lint() reports this diagnostic of the inventory as a finding (it names a built-in
// check, such as SG403); the others (a group repeated in one file…) are the caller's to print.
bool reported_as_finding(const Diagnostic& diagnostic);

// ---- What lint reads besides its inputs --------------------------------------------------------
// The config file and the baseline file are JSON; a bad file is an error at file:line:col.

// The config file lint looks for in the current directory and the directories above it.
inline constexpr const char* kLintConfigName = ".sgcheck.json";

// The config file's keys, all optional:
// {"disable": ["SG201", "SG3*"], "severity": {"SG204": "low"}, "fail_on": "medium",
//  "quotas": {"rules_per_group": 60, "groups_per_interface": 5, "rules_times_groups": 1000}}
struct LintConfig {
  std::vector<std::string> disable;
  std::map<std::string, FindingSeverity> severity;
  std::optional<FindingSeverity> fail_on;
  std::optional<int> rules_per_group;
  std::optional<int> groups_per_interface;
  std::optional<int> rules_times_groups;
};

// The nearest kLintConfigName in `start` or a directory above it; empty when there is none.
std::string find_lint_config(const std::filesystem::path& start);

// Reads a config file; nullopt (and a diagnostic in `errors`) when it cannot be read, is not
// valid JSON, or holds an unknown key or a value of the wrong kind. With `known_ids` (every check
// of the run), a `disable` or `severity` entry that matches none of them is such an error too: a
// typo there would otherwise silently report what the user meant to silence, or the reverse.
std::optional<LintConfig> read_lint_config(const std::string& path, Diagnostics& errors,
                                           const std::vector<std::string>& known_ids = {});

// Copies what the config sets into the options (disable adds to what is there).
void apply_lint_config(const LintConfig& config, LintOptions& options);

// The entries of a baseline file written by --write-baseline (lint_baseline()): each finding's
// fingerprint and, for policy findings (version 2), what its violation consisted of.
std::optional<std::vector<BaselineEntry>> read_baseline(const std::string& path,
                                                        Diagnostics& errors);

// Runs every enabled check (and the policies of options.policy_files) on the inventory.
LintResult run_lint(const Inventory& inventory, const Engine& engine, const LintOptions& options);
// The same, compiling the engine from the inventory only if a check asks for it (the graph
// family's samples), on the thread that asks: with jobs >= 2 that overlaps the policy checks.
LintResult run_lint(const Inventory& inventory, const LintOptions& options);

}  // namespace sgcheck
