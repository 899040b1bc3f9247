// Merging the per-file readings of one load into one Inventory: the same group, interface, prefix
// list, VPC or peering from several inputs becomes one element, or an error when the inputs
// disagree. Entry point: merge_inventories().
#pragma once

#include <string_view>
#include <vector>

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

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
Diagnostics merge_inventories(std::vector<Inventory>& parts, Inventory& into,
                              const std::vector<std::string_view>& texts);

}  // namespace sgcheck::detail
