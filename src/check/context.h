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

// A T built from the inventory on first use, once, on whichever thread asks first (with --jobs 2,
// one family's thread, beside the others), so that a run whose checks never ask pays nothing for
// it. Copies share the one T: each family gets a copy of the context.
template <typename T>
class BuiltOnFirstUse {
 public:
  explicit BuiltOnFirstUse(const Inventory& inventory) : lazy_(std::make_shared<Lazy>(inventory)) {}

  const T& get() const {
    std::call_once(lazy_->once, [this] { lazy_->value.emplace(lazy_->inventory); });
    return *lazy_->value;
  }

 private:
  struct Lazy {
    explicit Lazy(const Inventory& inv) : inventory(inv) {}
    const Inventory& inventory;
    std::once_flag once;
    std::optional<T> value;
  };
  std::shared_ptr<Lazy> lazy_;
};

// The engine as a check reaches it: given by the caller, or compiled from the inventory on first
// use.
class EngineRef {
 public:
  EngineRef(const Engine& engine) : engine_(&engine) {}  // NOLINT: implicit, as a reference
  explicit EngineRef(const Inventory& inventory) : built_(inventory) {}

  const Engine& get() const { return engine_ != nullptr ? *engine_ : built_->get(); }
  Verdict verdict(const Flow& flow) const { return get().verdict(flow); }

 private:
  const Engine* engine_ = nullptr;
  std::optional<BuiltOnFirstUse<Engine>> built_;
};

// The inventory's semantics as the checks read it, shared by every family.
using SemanticsRef = BuiltOnFirstUse<Semantics>;

struct CheckContext {
  const Inventory& inventory;
  EngineRef engine;
  const LintOptions& options;
  SemanticsRef semantics{inventory};
};

}  // namespace sgcheck::detail
