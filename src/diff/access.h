// What a group or an interface admits in one direction, as the rules' contributions (atoms), and
// the exact difference of two such sides: the address space cut at every rule's bounds, each
// piece's services united on each side and subtracted, equal results merged into pieces.
// Entry points: collect_atoms(), compare_access().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "semantics/semantics.h"
#include "semantics/service.h"
#include "sgcheck/diff.h"

namespace sgcheck::detail {

// One rule's contribution to what its subject admits: a service and either a range of addresses
// or a symbolic peer (a matched group, a prefix list without entries).
struct AccessAtom {
  const Group* group = nullptr;
  const Rule* rule = nullptr;
  ServiceMatch service;
  Family family = Family::ipv4;
  u128 lo = 0, hi = 0;   // address peers
  std::string symbolic;  // symbolic peers: the key both sides share ("group:KEY", "pl:pl-…")
  std::string label;     // symbolic peers: as the report names it ("sg-0bb (app)", "pl-0cc")
};

// How a side names a group it references: the key shared with the other side and a label.
using GroupNaming = std::function<void(Name id, std::string& key, std::string& label)>;

// The atoms of every rule of `group` in `direction` into `out`; the rules the inputs leave open
// (rule_uncertain()) as texts into `open`. Invalid rules and rules that can never match add
// nothing.
void collect_atoms(const Semantics& semantics, const Group& group, Direction direction,
                   const GroupNaming& naming, std::vector<AccessAtom>& out,
                   std::vector<std::string>& open);

// What `after` admits that `before` does not (added) and the reverse (removed), exactly.
struct AccessDelta {
  std::vector<AccessPiece> added;
  std::vector<AccessPiece> removed;
};
AccessDelta compare_access(const Inventory& before_inventory, const std::vector<AccessAtom>& before,
                           const Inventory& after_inventory, const std::vector<AccessAtom>& after);

}  // namespace sgcheck::detail
