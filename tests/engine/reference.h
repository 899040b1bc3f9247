// The slow, obviously-correct reference evaluator the engine is checked against: for a point flow
// it resolves both endpoints by scanning the interfaces, then scans every rule of every group of
// each endpoint, straight from the model, nothing precomputed. Entry point: reference_verdict().
#pragma once

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck::testing {

// The verdict of a point flow (Flow::is_point()) per aws-semantics.md §2 and product.md §3, §5.
Verdict reference_verdict(const Inventory& inventory, const Flow& flow);

}  // namespace sgcheck::testing
