// The parsed form of a policy file (product.md §6): rules with their metadata, targets and
// clauses, each part with its line:col in the file. Built by parse_policy() (parse.cc) and compiled
// by compile_policy() (compile.cc); nothing here knows an inventory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck::policy {

// A position inside the policy file (1-based).
struct Pos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// SERVICES: (include...) except (exclude...).
struct ServiceExpr {
  std::vector<Service> include;
  std::vector<Service> exclude;
};

enum class AddressKind : std::uint8_t {
  cidr,      // 10.0.0.0/8, 2001:db8::/32, 192.0.2.1
  internet,  // internet4 and internet6
  internet4,
  internet6,
  private_,     // RFC 1918 and fc00::/7
  vpc,          // the target's VPC ranges
  group,        // members of a group, by name (glob allowed) or id
  prefix_list,  // pl-…
  any,
  aws_range,  // aws:SERVICE[@REGION]: AWS's published ranges (include/sgcheck/ranges.h)
};

struct AddressItem {
  AddressKind kind = AddressKind::any;
  Cidr cidr;         // cidr
  std::string name;    // group, prefix_list; aws_range: the service
  std::string region;  // aws_range: @REGION as written; empty: the target's Region
  Pos pos;
};

// ADDRESSES: (include...) except (exclude...).
struct AddressExpr {
  std::vector<AddressItem> include;
  std::vector<AddressItem> exclude;
};

enum class ConditionKind : std::uint8_t {
  overlap,            // ADDRESSES
  covering,           // covering ADDRESSES
  more_than,          // more than /N of ADDRESSES
  more_than_not_all,  // more than /N but not all of ADDRESSES
};

struct Clause {
  bool require = false;  // require (else forbid)
  Direction direction = Direction::ingress;
  bool every = false;
  ServiceExpr services;
  ConditionKind condition = ConditionKind::overlap;
  int prefix = 0;  // N of more than /N
  AddressExpr addresses;
  std::string text;            // the clause as written, on one line: for messages
  std::string services_text;   // SERVICES as written
  std::string addresses_text;  // ADDRESSES as written
  Pos pos;
};

enum class TargetKind : std::uint8_t { group, tag, default_group };

struct Target {
  TargetKind kind = TargetKind::group;
  std::string pattern;  // group: name or id, glob; tag: key
  std::string value;    // tag: value (glob)
  Pos pos;
  std::string source_line;  // for diagnostics about the target (a name no group has)
};

struct PolicyRule {
  CheckInfo info;               // id, title, severity, help, refs
  std::vector<Target> targets;  // empty: every group
  std::vector<Clause> clauses;
  Location location;        // the rule's id in the policy file
  std::string source_line;  // the line of `location`, for diagnostics that point at the rule
  bool has_title = false;
  bool has_severity = false;
};

struct PolicyFile {
  std::string name;
  std::vector<PolicyRule> rules;
};

struct ParseResult {
  PolicyFile file;
  Diagnostics errors;  // empty when the file is valid
  bool ok() const { return errors.empty(); }
};

// Parses one policy file's text; `name` is the file as the user named it. Never throws: syntax
// errors (one, the first) and rule-level errors (missing title or severity, duplicate ids within
// the file) come back as diagnostics with line:col, the source line and a caret.
ParseResult parse_policy(std::string_view text, std::string_view name);

// Appends an error at the second place and a note at the first for every rule id defined twice
// across `files` (in order): duplicate ids are reported with both places.
void check_duplicate_ids(const std::vector<const PolicyFile*>& files, Diagnostics& errors);

}  // namespace sgcheck::policy
