// Merging the per-file readings of one load into one Inventory: the same group, interface, prefix
// list, VPC or peering from several inputs becomes one element, or an error when the inputs
// disagree. Entry point: merge_inventories().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/values.h"

namespace sgcheck::detail {

// The identity of an atomic rule (aws-semantics.md §5.8): direction, canonical protocol, ports as
// AWS reads them, peer kind and canonical peer; not its id, description or tags. Two rules with the
// same identity are one AWS rule (merging) or a duplicate (SG401). A template's values that are
// open until deployment (Rule::unresolved) are part of it as written, so that two rules differing
// only in an open port stay two. Holds views of the rule's strings: the rule must outlive the key.
using RuleIdentity = std::tuple<Direction, int, std::optional<std::pair<int, int>>, PeerKind,
                                Family, u128, std::uint8_t, std::string_view, std::string_view,
                                std::string_view, std::string_view>;
RuleIdentity rule_identity(const Rule& rule);

// Every template and plan is its own namespace: a logical id or resource address defined by two
// files becomes "FILE#LogicalId" in each (group ids and the references of that file), one defined
// once keeps its bare name.
// `parts[i]` holds what file i of `into.files` gave (its positions already carry file index i);
// parts come in the order of into.files, which the caller sorts by name, so the result does not
// depend on the order of the inputs. `texts[i]` is file i's content, for the source lines of
// conflict errors (may be shorter than parts). Moves everything into `into` (elements sorted by id,
// rules in input order, diagnostics by position) and returns the conflicts as errors:
//   "group sg-… is defined twice with different rules: first defined at a.json:3:5" (at the
//   second).
// A group seen both in describe-security-groups and describe-security-group-rules output merges
// when both hold the same atomic rules (identity key of aws-semantics.md §5.8: direction, protocol,
// normalised ports, peer kind, canonical peer); the rules view fills in rule ids, descriptions,
// tags.
// `namespaces[i]`, when given, names part i's namespace in qualified ids instead of its file (a
// Terraform module's part is named by its directory).
Diagnostics merge_inventories(std::vector<Inventory>& parts, Inventory& into,
                              const std::vector<std::string_view>& texts,
                              const std::vector<std::string>* namespaces = nullptr);

// Puts each kind of element of one file's part in id order, in place and stably (repeats of an id
// keep their input order). The loader calls it on the thread that parsed the file, so that the
// serial merge_inventories() mostly finds one sorted part per kind and takes its vector whole.
// Optional: merge_inventories() gives the same result for unsorted parts.
void sort_part(Inventory& part);

}  // namespace sgcheck::detail
