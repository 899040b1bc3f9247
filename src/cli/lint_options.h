// What the commands that lint share (lint, diff, graph, report): the options that choose the checks and
// suppress findings (--disable, --rules, --config, --baseline), reading them with the config file,
// and running the linter on loaded inputs with the summary as lint reports it. Entry points:
// add_lint_selection_options(), build_lint_options(), lint_loaded().
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sgcheck/lint.h"

namespace sgcheck::cli {

// --jobs by default: every core (at most 8). lint is a batch over the whole inventory whose two
// halves (policies, the other families) split cleanly, and the output does not depend on it.
unsigned default_lint_jobs();

struct LintSelection {
  std::vector<std::string> disable;
  std::vector<std::string> rules;
  std::string config;
  std::string baseline;
};

// --disable, --rules, --config and, unless `baseline_option` is false (diff, whose point is the
// findings that are new), --baseline, in that order.
void add_lint_selection_options(CLI::App& sub, LintSelection& selection,
                                bool baseline_option = true);

// The config (--config, else .sgcheck.json from here upward), then the command line on top of it;
// the baseline is read unless `with_baseline` is false (--write-baseline replaces it). False after
// printing an error.
bool build_lint_options(const LintSelection& selection, LintOptions& options,
                        bool with_baseline = true);

// run_lint() on the loaded inputs, kept until exit, with the summary counting skipped files and
// input errors as lint reports them, and the inventory's other warnings printed unless `quiet`.
// nullptr after printing the errors of policy files that do not parse (exit status 2).
LintResult* lint_loaded(const LoadResult& loaded, const LintOptions& options, bool quiet);

// What the commands that draw what lint found (graph, report) share: the inputs, every one of them
// read (they draw nothing after an input error), and lint's findings on them.
struct LintedInputs {
  const Inventory* inventory = nullptr;
  const LintResult* lint = nullptr;
};
// add_lint_selection_options() and --jobs.
void add_linted_inputs_options(CLI::App& sub, LintSelection& selection, unsigned& jobs);
// Reads the options and the inputs and lints them, kept until exit; nullopt after printing an
// error (exit status 2).
std::optional<LintedInputs> load_and_lint(const std::vector<std::string>& inputs,
                                          const LintSelection& selection, unsigned jobs);

}  // namespace sgcheck::cli
