// Comparing two inventories (`sgcheck diff`): what NEW admits that OLD did not, and what it no
// longer admits, per group and direction and per interface, as exact sets of service × peer with
// the rules responsible; groups, rules and interfaces added or removed; lint findings new and
// fixed. Values in (two loaded inventories and the options), values out (DiffResult); report.h
// renders them. Entry points: diff_inventories(); read_at_revision() reads inputs as a git
// revision held them (`--old-rev`).
//
// Contract: the access sets are exact. Two sides that admit the same packets from the same peers
// give no access change whatever the rules' spelling, order, CIDR splits or the group that holds a
// rule (per interface). Peers are addresses (CIDRs, and prefix lists whose entries are given,
// expanded), prefix lists whose entries are not given (by id), and group references (by the
// matched group). Rules the inputs leave open (template parameters, conditions) are listed, never
// counted as admitted.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck {

struct DiffOptions {
  // The inputs of each side as given: a file's name for matching is its path relative to the input
  // that holds it, so that `diff old/ new/` matches old/x.yaml with new/x.yaml.
  std::vector<std::string> old_inputs;
  std::vector<std::string> new_inputs;
  // `--stack NAME=FILE`: the template of a deployed stack, for groups tagged
  // aws:cloudformation:stack-name NAME. Without it, a stack matches the template whose file stem
  // is its name, else the only template file of the other side.
  std::vector<std::pair<std::string, std::string>> stacks;
  // The lint run on both sides: its policies (--rules), config, disabled checks, threads.
  LintOptions lint;
};

// One piece of changed access: a set of services from (ingress) or to (egress) a set of peers.
struct AccessPiece {
  // Address peers: the family, and the addresses as canonical CIDRs; `symbolic` empty.
  // Symbolic peers: a group ("sg-0bb (app)") or a prefix list whose entries are not given
  // ("pl-0cc"); `cidrs` empty, and `family` then says nothing.
  Family family = Family::ipv4;
  std::vector<Cidr> cidrs;
  std::string symbolic;
  // The services, canonical: one part per protocol and key range (ports, ICMP type*256+code, or 0
  // for protocols without ports); ViolationPart::maybe is never set. `services` prints them:
  // "tcp/22", "tcp/80, tcp/443", "all", "all except tcp/22".
  std::vector<ViolationPart> parts;
  std::string services;
  bool internet = false;  // some of the addresses are public (internet4, internet6)
  // The rules of the side that admits the piece which admit part of it: location and content.
  std::vector<ContributingRule> rules;
};

enum class DiffKind : std::uint8_t { added, removed, changed };
const char* diff_kind_name(DiffKind kind);  // "added", "removed", "changed"

// A group, or an interface over the union of its groups, on both sides.
struct SubjectDiff {
  DiffKind kind = DiffKind::changed;
  std::string old_id;  // empty when added
  std::string new_id;  // empty when removed
  std::string label;   // "sg-0aa (web)", "AppSG in web.yaml", "eni-0a1"
  Location old_location;
  Location new_location;
  // Exact access changes: admitted by NEW and not by OLD (added), and the reverse (removed).
  std::vector<AccessPiece> ingress_added, ingress_removed, egress_added, egress_removed;
  // The rules changed in text ("ingress tcp/22 from 0.0.0.0/0", group references by matched
  // group): shown with --verbose, and when the access did not change.
  std::vector<std::string> rules_added, rules_removed;
  // Rules whose service or existence the inputs leave open, added or removed (never admitted).
  std::vector<std::string> open_added, open_removed;
  // Interfaces: the groups attached and detached (labels).
  std::vector<std::string> groups_attached, groups_detached;

  bool access_changed() const {
    return !ingress_added.empty() || !ingress_removed.empty() || !egress_added.empty() ||
           !egress_removed.empty();
  }
  bool admits_new() const { return !ingress_added.empty() || !egress_added.empty(); }
};

struct DiffSummary {
  std::size_t old_files = 0, new_files = 0;
  std::size_t old_groups = 0, new_groups = 0;
  std::size_t groups_added = 0, groups_removed = 0;
  std::size_t groups_access_changed = 0;  // matched groups whose access changed
  std::size_t groups_same_access = 0;     // matched groups whose rules changed but not the access
  bool interfaces_compared = false;       // both sides know interfaces
  std::size_t interfaces_added = 0, interfaces_removed = 0, interfaces_changed = 0;
};

struct DiffResult {
  // Lint findings of NEW that OLD does not have (matched by fingerprint as a baseline matches, a
  // grown violation counted as new), and of OLD that NEW does not have; by severity, then place.
  std::vector<Finding> new_findings;
  std::vector<Finding> fixed_findings;
  // Every group added, removed, or changed in rules or access, by label; unchanged ones are not
  // listed.
  std::vector<SubjectDiff> groups;
  // Every interface added, removed, or changed in groups or access (when both sides know
  // interfaces), by id.
  std::vector<SubjectDiff> interfaces;
  DiffSummary summary;
  Diagnostics errors;  // policy files that do not parse: exit status 2

  // Traffic admitted that was not: by some interface when both sides know interfaces, else by some
  // group.
  bool admits_new() const;
};

// Compares OLD with NEW. Groups are matched by AWS id (sg-…); template groups by file (relative
// to its input) and logical id or resource address; a deployed group tagged
// aws:cloudformation:logical-id and aws:cloudformation:stack-name with its template's group
// (DiffOptions::stacks). Interfaces by id. Both inventories must be loaded without errors.
DiffResult diff_inventories(const Inventory& old_side, const Inventory& new_side,
                            const DiffOptions& options);

// `--old-rev REV PATH…`: the files PATH named at git revision REV (a file, or a directory's
// *.json, *.yaml, *.yml and *.template files, recursively), named as the working tree names them,
// ready for load_inventory_from_buffers(). A PATH absent at REV gives no file (it was added since).
// Errors (not in a git repository, an unknown revision, git missing) come back as diagnostics.
struct RevisionFiles {
  std::vector<NamedBuffer> files;
  Diagnostics errors;
};
RevisionFiles read_at_revision(std::string_view revision, const std::vector<std::string>& paths);

}  // namespace sgcheck
