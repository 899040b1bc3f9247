// The per-format readers of AWS CLI output (aws-semantics.md §4): describe-security-groups,
// describe-security-group-rules, describe-network-interfaces, describe-instances, prefix lists,
// VPCs and peerings, each read in one on-demand pass into a per-file Inventory. Entry point:
// read_aws_document().
#pragma once

#include <atomic>
#include <cstdint>

#include "ingest/json_reader.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// What a document turned out to be, from its top-level keys.
enum class DocumentKind {
  aws,             // at least one recognised key: read into the inventory
  unrecognised,    // an object without a recognised key
  not_object,      // the top level is an array, string, …
  cloudformation,  // Resources / AWSTemplateFormatVersion: not supported yet
  terraform,       // format_version: not supported yet
};

struct DocumentInfo {
  DocumentKind kind = DocumentKind::unrecognised;
  std::size_t offset = 0;  // the top-level value
  const char* found = "";  // for not_object: "an array", …
};

// Counts atomic rules over all files of one load, against LoadLimits::max_rules.
struct RuleBudget {
  std::atomic<std::uint64_t> used{0};  // shared by the threads that parse files side by side
  std::uint64_t limit = 0;
};

// Reads the document into `out` (positions carry reader.file()). Value problems become warnings in
// out.diagnostics; wrong JSON types and limits throw InputError, simdjson failures JsonFailure.
DocumentInfo read_aws_document(JsonReader& reader, od::document& document, Inventory& out,
                               RuleBudget& budget);

}  // namespace sgcheck::detail
