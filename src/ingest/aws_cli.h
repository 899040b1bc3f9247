// The per-format readers of AWS CLI output (aws-semantics.md §4): describe-security-groups,
// describe-security-group-rules, describe-network-interfaces, describe-instances, prefix lists,
// VPCs and peerings, as saved (responses, bare `--query` lists, several pages, JSON or YAML), each
// read in one on-demand pass into a per-file Inventory. Entry points: read_aws_json(),
// AwsYamlReader.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "ingest/doc_tree.h"
#include "ingest/json_reader.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// What a document turned out to be, from its top-level keys.
enum class DocumentKind {
  aws,             // at least one recognised key: read into the inventory
  unrecognised,    // an object without a recognised key
  not_object,      // the top level is a scalar, or a list of something else
  cloudformation,  // Resources / AWSTemplateFormatVersion: not supported yet
  terraform,       // format_version: not supported yet
};

struct DocumentInfo {
  DocumentKind kind = DocumentKind::unrecognised;
  std::size_t offset = 0;  // the top-level value
  const char* found = "";  // for not_object: "an array", …
};

// Counts atomic rules over all files of one load, against LoadLimits::max_rules or, when lower, the
// rules the input's bytes pay for (rule_limit_for()).
struct RuleBudget {
  std::atomic<std::uint64_t> used{0};  // shared by the threads that parse files side by side
  std::uint64_t limit = 0;
  std::uint64_t input_bytes = 0;  // 0: the limit is LoadLimits::max_rules
};

// A rule takes 500-1,000 bytes once read (Rule is 336, plus its strings and the growth of its
// group's vector, up to three times its size while the vector moves): the peak stays within the
// input's size plus 64 MiB only if the input pays for its rules, one per 768 bytes beyond the first
// 87,381 (the benchmark inventory L has one per 650 bytes of all its files, and 250,000). 10.5 M
// rules of `{"CidrIp": …}` (23 bytes each) would otherwise take 5 GB before the limit of
// 10,000,000 stopped them.
constexpr std::uint64_t kBytesPerRule = 768;
constexpr std::uint64_t kRulesWithoutInput = (std::uint64_t{64} << 20) / kBytesPerRule;
// Sets budget.limit: the lower of max_rules and what input_bytes pay for.
void limit_rules(RuleBudget& budget, std::uint64_t max_rules, std::uint64_t input_bytes);

// "more than N atomic rules (the rule limit)", naming what set N.
std::string rule_limit_message(const RuleBudget& budget);

// Reads a JSON input into `out` (positions carry reader.file()): `first`, the document that
// parser.iterate() made of the whole text, and, when more follow it (pages appended with >>, JSON
// Lines), every other document, streamed with the same parser. Each document is a response
// ({"SecurityGroups": […]}, …), a bare list of AWS objects (`--query`) or one such object. Value
// problems become warnings in out.diagnostics; wrong JSON types and limits throw InputError,
// simdjson failures JsonFailure. The kind returned is the first document's.
DocumentInfo read_aws_json(JsonReader& reader, od::parser& parser, od::document& first,
                           Inventory& out, RuleBudget& budget);

// The same shapes in YAML (`--output yaml`, `--output yaml-stream`), read by the same code through
// TreeReader: read() each document of a file, then finish(). Positions come from `base`, made over
// the file's text.
class AwsYamlReader {
 public:
  AwsYamlReader(JsonReader& base, Inventory& out, RuleBudget& budget);
  ~AwsYamlReader();
  DocumentInfo read(const TreeNode& root);  // kind aws, unrecognised or not_object
  void finish();                            // the warning of a last page with a NextToken

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sgcheck::detail
