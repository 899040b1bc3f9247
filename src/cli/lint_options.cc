// The options of lint that graph and report take too, and running the linter on loaded inputs
// (lint_options.h). Entry points: add_lint_selection_options(), build_lint_options(),
// lint_loaded().
#include "lint_options.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.h"

namespace sgcheck::cli {

namespace {

// A --disable that names no check silences nothing the user meant to silence: an error.
bool check_disable_patterns(const std::vector<std::string>& patterns,
                            const std::vector<std::string>& known_ids) {
  for (const std::string& pattern : patterns) {
    if (names_some_check(pattern, known_ids)) continue;
    std::cerr << "sgcheck: error: --disable " << pattern
              << " matches no check (ids such as SG102, or a prefix such as SG2*; `sgcheck rules "
                 "list` and the README list them)\n";
    return false;
  }
  return true;
}

// Value problems the linter does not report as findings (a group repeated in one file, a file of a
// directory skipped): warnings on stderr, as every command prints them.
void print_other_diagnostics(const Inventory& inventory) {
  for (const Diagnostic& d : inventory.diagnostics)
    if (!reported_as_finding(d)) std::cerr << format_diagnostic(d);
}

}  // namespace

unsigned default_lint_jobs() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

void add_lint_selection_options(CLI::App& sub, LintSelection& selection, bool baseline_option) {
  sub.add_option("--disable", selection.disable,
                 "do not report this check (repeatable, comma lists, SG2* for a family)")
      ->delimiter(',')
      ->allow_extra_args(false)  // one value per --disable: the inputs follow
      ->type_name("ID");
  sub.add_option("--rules", selection.rules, "extra policy file (repeatable)")
      ->allow_extra_args(false)
      ->type_name("FILE");
  sub.add_option("--config", selection.config,
                 "config file (default: .sgcheck.json here or in a directory above)")
      ->type_name("FILE");
  if (!baseline_option) return;
  sub.add_option("--baseline", selection.baseline,
                 "suppress the findings recorded in FILE (by fingerprint)")
      ->type_name("FILE");
}

bool build_lint_options(const LintSelection& selection, LintOptions& options, bool with_baseline) {
  const std::string config_path = selection.config.empty()
                                      ? find_lint_config(std::filesystem::current_path())
                                      : selection.config;
  // Every check's id checks a configuration file and --disable patterns; without either it is not
  // built (it takes the catalogue, the pack parsed and the --rules files read, at every start).
  const std::vector<std::string> known_ids = config_path.empty() && selection.disable.empty()
                                                 ? std::vector<std::string>{}
                                                 : known_check_ids(selection.rules);
  Diagnostics errors;
  if (!config_path.empty()) {
    const std::optional<LintConfig> config = read_lint_config(config_path, errors, known_ids);
    if (!config) {
      print_diagnostics(errors);
      return false;
    }
    apply_lint_config(*config, options);
    options.config = config_path;
  }
  if (!check_disable_patterns(selection.disable, known_ids)) return false;
  options.disabled.insert(options.disabled.end(), selection.disable.begin(),
                          selection.disable.end());
  options.policy_files = selection.rules;
  if (!selection.baseline.empty() && with_baseline) {
    std::optional<std::vector<BaselineEntry>> baseline = read_baseline(selection.baseline, errors);
    if (!baseline) {
      print_diagnostics(errors);
      return false;
    }
    options.baseline = std::move(*baseline);
  }
  return true;
}

LintResult* lint_loaded(const LoadResult& loaded, const LintOptions& options, bool quiet) {
  const Inventory& inventory = loaded.inventory;
  // The engine is compiled inside, when a check first needs it (beside the policies with --jobs 2).
  LintResult& result = keep_until_exit([&] { return run_lint(inventory, options); });
  if (!result.errors.empty()) {
    print_diagnostics(result.errors);
    return nullptr;
  }
  result.summary.skipped = loaded.skipped.size();
  result.summary.files -= std::min(result.summary.files, loaded.skipped.size());
  result.summary.input_errors = loaded.errors.size();
  if (!quiet) print_other_diagnostics(inventory);
  return &result;
}

void add_linted_inputs_options(CLI::App& sub, LintSelection& selection, unsigned& jobs) {
  add_lint_selection_options(sub, selection);
  sub.add_option("--jobs", jobs,
                 "threads for reading and linting (default: the number of cores, at most 8)")
      ->check(CLI::Range(1u, 256u))
      ->type_name("N");
}

std::optional<LintedInputs> load_and_lint(const std::vector<std::string>& inputs,
                                          const LintSelection& selection, unsigned jobs) {
  LintOptions options;
  if (!build_lint_options(selection, options)) return std::nullopt;
  options.jobs = jobs;
  const std::optional<LoadResult>& loaded =
      keep_until_exit([&] { return load_or_report(inputs, jobs); });
  if (!loaded) return std::nullopt;
  const LintResult* lint = lint_loaded(*loaded, options, false);
  if (lint == nullptr) return std::nullopt;
  return LintedInputs{&loaded->inventory, lint};
}

}  // namespace sgcheck::cli
