// What every check is given, built-in (src/lint/) or written in the policy language (src/policy/):
// the inventory, the engine and the inventory's semantics (each built only when a check asks for
// it) and the options. This stage sits below both, so that lint's driver uses policy and policy
// never uses lint.
// Entry point: CheckContext.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

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

}  // namespace sgcheck::detail
