// The private seam between the lint driver (lint.cc) and the families of checks: each family
// appends Findings for an inventory, and make_finding() fills id, title, severity and refs from the
// catalogue so that a check only says what it found and where.
// Entry points: run_validity_checks (SG401–SG407), run_hygiene_checks (SG201–SG208),
// run_graph_checks (SG301–SG306); the policy language adds SG1xx and user rules (src/policy/).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "semantics/semantics.h"
#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck::detail {

// The engine as a check reaches it: given by the caller, or compiled from the inventory on first
// use (once, on the thread that first needs it: with --jobs 2 the graph family's thread, beside
// the policy checks), so that a run whose checks never ask pays nothing for it.
class EngineRef {
 public:
  EngineRef(const Engine& engine) : engine_(&engine) {}  // NOLINT: implicit, as a reference
  explicit EngineRef(const Inventory& inventory) : lazy_(std::make_shared<Lazy>(inventory)) {}

  const Engine& get() const {
    if (engine_ != nullptr) return *engine_;
    std::call_once(lazy_->once, [this] { lazy_->engine.emplace(lazy_->inventory); });
    return *lazy_->engine;
  }
  Verdict verdict(const Flow& flow) const { return get().verdict(flow); }

 private:
  struct Lazy {
    explicit Lazy(const Inventory& inv) : inventory(inv) {}
    const Inventory& inventory;
    std::once_flag once;
    std::optional<Engine> engine;
  };
  const Engine* engine_ = nullptr;
  std::shared_ptr<Lazy> lazy_;  // shared by the copies handed to each family
};

// The inventory's semantics as the checks read it: built on first use, once, by whichever family's
// thread asks first, and shared by every family (the copies handed to each share it).
class SemanticsRef {
 public:
  explicit SemanticsRef(const Inventory& inventory) : lazy_(std::make_shared<Lazy>(inventory)) {}

  const Semantics& get() const {
    std::call_once(lazy_->once, [this] { lazy_->semantics.emplace(lazy_->inventory); });
    return *lazy_->semantics;
  }

 private:
  struct Lazy {
    explicit Lazy(const Inventory& inv) : inventory(inv) {}
    const Inventory& inventory;
    std::once_flag once;
    std::optional<Semantics> semantics;
  };
  std::shared_ptr<Lazy> lazy_;
};

struct CheckContext {
  const Inventory& inventory;
  EngineRef engine;
  const LintOptions& options;
  SemanticsRef semantics{inventory};
};

// The metadata of a built-in check (SG2xx–SG4xx); nullptr for an unknown id.
const CheckInfo* find_builtin_check(std::string_view id);

// A finding of check `id` (which must be in the catalogue) at `location`, with the catalogue's
// title, severity and refs. The caller adds group, rule, witness, related and fingerprint.
// `fingerprint` is optional: a check may put there a key of its own for what the finding is about
// (never a file, line or column); run_lint() hashes it with the id and group/interface. Without
// one, run_lint() uses the rule at the finding's location, the witness, else the message.
Finding make_finding(std::string_view id, std::string message, Location location);

void run_validity_checks(const CheckContext& context, std::vector<Finding>& out);  // SG401–SG407
void run_hygiene_checks(const CheckContext& context, std::vector<Finding>& out);   // SG201–SG208
void run_graph_checks(const CheckContext& context, std::vector<Finding>& out);     // SG301–SG306

}  // namespace sgcheck::detail
