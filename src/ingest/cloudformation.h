// The CloudFormation reader (aws-semantics.md §4.6, §2.5): AWS::EC2::SecurityGroup with inline
// rules, standalone AWS::EC2::SecurityGroupIngress/Egress, Ref/Fn::GetAtt between them, parameter
// defaults, and the default egress rule CloudFormation keeps. Works on a TreeNode, so JSON and YAML
// templates share it. Entry points: is_cloudformation(), read_cloudformation().
#pragma once

#include "ingest/doc_tree.h"
#include "ingest/iac_rules.h"

namespace sgcheck::detail {

// A mapping with a top-level Resources or AWSTemplateFormatVersion.
bool is_cloudformation(const TreeNode& root);

// Reads the template's groups and rules into sink.out(). Values a deployment decides (parameters
// without a Default, Fn::If, Fn::ImportValue, Fn::Sub with variables) become unresolved(…) ids
// with a note; a value taken from a parameter's Default gets a note. Malformed templates (wrong
// types, a resource without Type or Properties, a Ref to nothing) throw TreeError.
void read_cloudformation(const TreeNode& root, IacSink& sink);

// The documents of one YAML stream: each template is read as its own stack (its own Parameters,
// Conditions and Resources); other documents are skipped with a note. A logical id that an earlier
// document of the file declared names the group "documentN.LogicalId" (N counted from 1).
void read_cloudformation_documents(const std::vector<TreeNode>& documents, IacSink& sink);

}  // namespace sgcheck::detail
