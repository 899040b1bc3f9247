// `sgcheck lint [options] INPUT...`: the semantic linter for pre-commit and CI (product.md §4, §7).
// Reads the config (--config, else .sgcheck.json from the current directory upward) and the
// baseline, runs every enabled check, prints text, JSON or SARIF, and exits 0 (nothing reaches
// --fail-on), 1 (something does) or 2 (usage, input, config or policy error). Entry point:
// add_lint_command().
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "commands.h"
#include "lint_options.h"
#include "sgcheck/lint.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct LintCommandOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string fail_on;      // empty: the config's, else low
  LintSelection selection;  // --disable, --rules, --config, --baseline
  std::string write_baseline;
  bool no_color = false;
  bool quiet = false;
  bool verbose = false;
  unsigned jobs = default_lint_jobs();
};

// Config, then the command line on top of it. False after printing an error.
bool build_options(const LintCommandOptions& command, LintOptions& options) {
  if (!build_lint_options(command.selection, options, command.write_baseline.empty())) return false;
  if (!command.fail_on.empty()) options.fail_on = *parse_finding_severity(command.fail_on);
  return true;
}

// --write-baseline: record what is found now, then report against it (nothing left to show).
bool write_baseline(const std::string& path, LintResult& result) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << lint_baseline(result.findings);
  if (!out.flush()) {
    std::cerr << path << ": error: cannot write the baseline file\n";
    return false;
  }
  std::cerr << "sgcheck: wrote " << result.findings.size() << " finding"
            << (result.findings.size() == 1 ? "" : "s") << " to the baseline " << path << "\n";
  result.summary.suppressed += result.findings.size();
  result.summary.suppressed_by_baseline += result.findings.size();
  result.summary.findings = 0;
  result.findings.clear();
  return true;
}

bool fails(const LintResult& result, FindingSeverity fail_on) {
  return std::any_of(result.findings.begin(), result.findings.end(),
                     [&](const Finding& f) { return f.severity <= fail_on; });
}

void print_report(const LintCommandOptions& command, const LintResult& result, bool failed) {
  if (command.format == "json") {
    write_lint_json(std::cout, result);
  } else if (command.format == "sarif") {
    write_lint_sarif(std::cout, result, version(), repository_root());
  } else if (!command.quiet) {
    TextReportOptions text;
    text.color = use_color(command.no_color);
    write_lint_text(std::cout, result, text);
  } else if (failed) {
    std::cout << lint_summary_line(result);
  }
}

int run_lint_command(const LintCommandOptions& command) {
  LintOptions options;
  if (!build_options(command, options)) return kExitError;
  options.jobs = command.jobs;
  // Input errors are printed first; every other input is still linted and reported, and the exit
  // status is then 2 (product.md §2).
  const LoadResult& loaded = keep_until_exit(
      [&] { return load_and_report(command.inputs, command.jobs, command.verbose); });
  LintResult* linted = lint_loaded(loaded, options, command.quiet);
  if (linted == nullptr) return kExitError;
  LintResult& result = *linted;
  if (!command.write_baseline.empty() && !write_baseline(command.write_baseline, result))
    return kExitError;
  const bool failed = fails(result, options.fail_on);
  print_report(command, result, failed || !loaded.ok());
  if (!loaded.ok()) return kExitError;
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

void add_lint_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "lint",
      "check security groups for risky or invalid configuration; exit 0 when nothing reaches "
      "--fail-on, 1 when something does, 2 on errors");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->default_str("text");
  sub->add_option("--fail-on", options->fail_on,
                  "exit 1 when a finding is this severe or worse (default low: info never fails)")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}))
      ->type_name("SEVERITY");
  add_lint_selection_options(*sub, options->selection);
  sub->add_option("--write-baseline", options->write_baseline,
                  "record every current finding in FILE, then report against it")
      ->type_name("FILE");
  sub->add_option("--jobs", options->jobs,
                  "threads (default: the number of cores, at most 8; the output is the same for "
                  "every N)")
      ->check(CLI::Range(1u, 256u))
      ->type_name("N");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->add_flag("--verbose", options->verbose,
                "list the files skipped as not security-group input (stderr)");
  sub->add_flag("--quiet", options->quiet,
                "print nothing on success and only the summary line on failure (text)");
  sub->callback([options, &exit_code] { exit_code = run_lint_command(*options); });
}

}  // namespace sgcheck::cli
