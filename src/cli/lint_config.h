// What `sgcheck lint` reads besides its inputs: the config file (.sgcheck.json, found from the
// current directory upward, or --config) and the baseline file (--baseline). Both are JSON read
// with simdjson; a bad file is an error at file:line:col (exit status 2). Entry points:
// find_lint_config(), read_lint_config(), read_baseline().
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sgcheck/diagnostic.h"
#include "sgcheck/lint.h"

namespace sgcheck::cli {

inline constexpr const char* kConfigName = ".sgcheck.json";

// The config file's keys, all optional:
// {"disable": ["SG201", "SG3*"], "severity": {"SG204": "low"}, "fail_on": "medium",
//  "quotas": {"rules_per_group": 60, "groups_per_interface": 5, "rules_times_groups": 1000}}
struct LintConfig {
  std::vector<std::string> disable;
  std::map<std::string, FindingSeverity> severity;
  std::optional<FindingSeverity> fail_on;
  std::optional<int> rules_per_group;
  std::optional<int> groups_per_interface;
  std::optional<int> rules_times_groups;
};

// The nearest `.sgcheck.json` in `start` or a directory above it; empty when there is none.
std::string find_lint_config(const std::filesystem::path& start);

// Reads a config file; nullopt (and a diagnostic in `errors`) when it cannot be read, is not
// valid JSON, or holds an unknown key or a value of the wrong kind. With `known_ids` (every check
// of the run), a `disable` or `severity` entry that matches none of them is such an error too: a
// typo there would otherwise silently report what the user meant to silence, or the reverse.
std::optional<LintConfig> read_lint_config(const std::string& path, Diagnostics& errors,
                                           const std::vector<std::string>& known_ids = {});

// True when `pattern` (an id or "SG2*") names one of `ids`.
bool names_some_check(std::string_view pattern, const std::vector<std::string>& ids);

// Copies what the config sets into the options (disable adds to what is there).
void apply_lint_config(const LintConfig& config, LintOptions& options);

// The entries of a baseline file written by --write-baseline: each finding's fingerprint and, for
// policy findings (version 2), what its violation consisted of.
std::optional<std::vector<BaselineEntry>> read_baseline(const std::string& path,
                                                        Diagnostics& errors);

}  // namespace sgcheck::cli
