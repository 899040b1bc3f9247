// What the CloudFormation and Terraform readers share: diagnostics at tree positions, the rule
// budget, and the checks of protocol, ports, CIDRs and prefix-list ids (aws-semantics.md §1.2-1.4),
// reported as SG402/SG403 warnings with the rule marked invalid. Entry points: IacSink,
// apply_ports(), set_cidr(), unresolved_id().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/aws_cli.h"
#include "ingest/doc_tree.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {

inline constexpr const char* kIacBadPort = "SG402";   // protocol, port and ICMP problems
inline constexpr const char* kIacBadValue = "SG403";  // CIDR and prefix-list id problems
inline constexpr const char* kIacBadPeer = "SG404";   // no peer, or several peers, in one rule
inline constexpr const char* kIacUnreadable = "SG408";  // a resource or rule entry left out

// The id given to a value a template leaves open until deployment ("unresolved(Ref DbSourceSG)").
// No inventory defines it, so the engine answers unknown for what depends on it (docs/iac.md).
std::string unresolved_id(std::string_view expression);
bool is_unresolved_id(std::string_view id);

// Reports into one file's inventory and counts rules against the load's budget.
class IacSink {
 public:
  IacSink(std::string_view text, std::uint32_t file, std::string_view name, Inventory& out,
          RuleBudget& budget)
      : text_(text), file_(file), name_(name), out_(out), budget_(budget) {}
  // A document made of several files (a Terraform module): TreeNode::file is an index of
  // `files` (name and text of each, by Inventory::files index), which positions keep.
  struct File {
    std::string_view name;
    std::string_view text;
  };
  IacSink(const std::vector<File>& files, std::uint64_t bytes, Inventory& out, RuleBudget& budget)
      : file_(0), out_(out), budget_(budget), files_(&files), bytes_(bytes) {}

  Inventory& out() { return out_; }
  SourcePos pos(const TreeNode& node) const {
    return {files_ ? node.file : file_, node.line, node.column};
  }
  void warn(const char* check, const TreeNode& at, std::string message);
  void note(const TreeNode& at, std::string message);
  [[noreturn]] void fail(const TreeNode& at, std::string message) const;
  void count_rule(const TreeNode& at);
  // Counts bytes the reader copies out of the tree for every use: the texts of its diagnostics
  // (with their source lines) and the parameter Defaults a Ref repeats. YAML aliases copy a rule
  // with its positions, so a small file could otherwise fill gigabytes with the same long line or
  // Default (found by cfn_yaml_ingest_fuzzer); fails at `at` beyond max(2 MiB, 64 x the file).
  void charge_copy(const TreeNode& at, std::uint64_t bytes);
  // True once the rule budget or the copy limit is passed: the error that says so is about the
  // whole file, never one resource, so a reader that recovers per resource rethrows it.
  bool over_limits() const;

 private:
  void add(Severity severity, const char* check, const TreeNode& at, std::string message);
  std::uint64_t copy_limit() const;  // max(2 MiB, 64 x the file)

  std::string_view text_;
  std::uint32_t file_;
  std::string_view name_;
  Inventory& out_;
  RuleBudget& budget_;
  const std::vector<File>* files_ = nullptr;
  std::uint64_t bytes_ = 0;   // the files' size, with files_
  std::uint64_t copied_ = 0;  // see charge_copy()
};

// An integer field as a template may write it: a number or a string of digits ("443").
// nullopt (after an SG402 warning naming `field`) when it is neither.
std::optional<std::int64_t> integer_value(IacSink& sink, const TreeNode& at, std::string_view text,
                                          std::string_view field);

// Protocol and ports of one rule, each with the node it came from (nullptr when absent).
struct PortInputs {
  std::optional<std::string> protocol;
  const TreeNode* protocol_at = nullptr;
  std::optional<std::int64_t> from;
  const TreeNode* from_at = nullptr;
  std::optional<std::int64_t> to;
  const TreeNode* to_at = nullptr;
  const TreeNode* rule_at = nullptr;  // the rule, for problems of the whole
  const char* from_name = "FromPort";
  const char* to_name = "ToPort";
  const char* protocol_name = "IpProtocol";
  // Values the deployment decides, as the input wrote them ("Ref FromPortParam"); empty when known.
  UnresolvedService open;
};

// Sets rule.protocol/from_port/to_port (and rule.open_values from in.open); false after an SG402
// warning when the rule is invalid. An open value is not invalid: the known fields are checked,
// the open ones left absent (any value might match, docs/iac.md).
bool apply_ports(IacSink& sink, const PortInputs& in, Rule& rule);

// A CIDR peer of the given family from its text; false after an SG403 warning (the text kept in
// peer.id for `dump`).
bool set_cidr(IacSink& sink, const TreeNode& at, std::string_view text, Family family, Rule& rule);

// A prefix-list peer; false after an SG403 warning when the id does not start with "pl-".
bool set_prefix_list(IacSink& sink, const TreeNode& at, std::string_view id, Rule& rule);

}  // namespace sgcheck::detail
