// The Terraform plan reader (`terraform show -json`, aws-semantics.md §4.7, §2.5):
// aws_security_group and aws_default_security_group with inline blocks, aws_security_group_rule,
// aws_vpc_security_group_ingress_rule / _egress_rule, in the root module and child modules; ids
// unknown until apply resolved through `configuration` references. Entry point: read_terraform().
#pragma once

#include "ingest/doc_tree.h"
#include "ingest/iac_rules.h"

namespace sgcheck::detail {

// Reads the plan's groups and rules into sink.out(). A group is named by its physical id when the
// plan knows it, else by its resource address; a reference the plan cannot resolve (a variable, a
// data source, a module output) becomes an unresolved(…) id with a note. A resource whose values
// have the wrong shape is left out with an SG408 warning, and the others are read. Throws
// TreeError for an unusable plan (format_version major other than 1, wrong types in the plan's
// own structure) and for the rule and copy limits.
void read_terraform(const TreeNode& root, IacSink& sink);

}  // namespace sgcheck::detail
