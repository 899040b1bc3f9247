// `sgcheck diff [options] OLD NEW | --old OLD… --new NEW… | --old-rev REV PATH…`: what NEW admits
// that OLD did not, and back (product.md §4). Loads both sides (the old one from git with
// --old-rev), compares them with diff_inventories(), prints text, JSON, Markdown or SARIF, and
// exits 0, 1 (a new finding reaches --fail-on, or new traffic with --fail-on-new-access) or 2
// (usage, input, git, config or policy error). Entry point: add_diff_command().
#include <algorithm>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>

#include "commands.h"
#include "lint_options.h"
#include "sgcheck/diff.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct DiffCommandOptions {
  std::vector<std::string> paths;  // OLD NEW, or with --old-rev the paths
  std::vector<std::string> old_inputs;
  std::vector<std::string> new_inputs;
  std::string old_rev;
  std::vector<std::string> stacks;
  std::string format = "text";
  std::string fail_on;
  bool fail_on_new_access = false;
  LintSelection selection;  // --disable, --rules, --config (no baseline: new findings are the point)
  bool verbose = false;
  bool no_color = false;
};

int usage_error(const std::string& message) {
  std::cerr << "sgcheck diff: error: " << message << "\n";
  return kExitError;
}

// Which inputs each side reads; an error message when the command line does not say.
std::string choose_sides(DiffCommandOptions& c) {
  const bool listed = !c.old_inputs.empty() || !c.new_inputs.empty();
  if (!c.old_rev.empty()) {
    if (listed) return "--old-rev reads the old side from git: give PATH… without --old/--new";
    if (c.paths.empty()) return "--old-rev REV needs the paths to compare: --old-rev REV PATH…";
    c.new_inputs = c.paths;
    c.old_inputs = c.paths;
    return {};
  }
  if (listed) {
    if (!c.paths.empty()) return "give the sides either as OLD NEW or with --old and --new";
    if (c.old_inputs.empty() || c.new_inputs.empty()) return "--old and --new are both needed";
    return {};
  }
  if (c.paths.size() != 2)
    return "expected OLD NEW (two inputs), --old PATH… --new PATH…, or --old-rev REV PATH…";
  c.old_inputs = {c.paths[0]};
  c.new_inputs = {c.paths[1]};
  return {};
}

// Standard input can feed one side only.
bool stdin_on_both_sides(const DiffCommandOptions& c) {
  const auto reads_stdin = [](const std::vector<std::string>& inputs) {
    return std::find(inputs.begin(), inputs.end(), "-") != inputs.end();
  };
  return c.old_rev.empty() && reads_stdin(c.old_inputs) && reads_stdin(c.new_inputs);
}

// NAME=FILE pairs of --stack.
bool parse_stacks(const std::vector<std::string>& texts, DiffOptions& options) {
  for (const std::string& text : texts) {
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
      usage_error("--stack expects NAME=FILE, got '" + text + "'");
      return false;
    }
    options.stacks.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  }
  return true;
}

// The old side: the inputs, or with --old-rev the files of the revision.
std::optional<LoadResult> load_old(const DiffCommandOptions& c, unsigned jobs) {
  if (c.old_rev.empty()) return load_or_report(c.old_inputs, jobs);
  RevisionFiles files = read_at_revision(c.old_rev, c.old_inputs);
  if (!files.errors.empty()) {
    print_diagnostics(files.errors);
    return std::nullopt;
  }
  LoadResult loaded = load_inventory_from_buffers(files.files, input_limits(jobs));
  print_diagnostics(loaded.errors);
  if (!loaded.ok()) return std::nullopt;
  return loaded;
}

int run_diff_command(DiffCommandOptions& c) {
  if (const std::string problem = choose_sides(c); !problem.empty()) return usage_error(problem);
  if (stdin_on_both_sides(c)) return usage_error("- (standard input) can be one side only");
  DiffOptions options;
  if (!parse_stacks(c.stacks, options)) return kExitError;
  if (!build_lint_options(c.selection, options.lint)) return kExitError;
  if (!c.fail_on.empty()) options.lint.fail_on = *parse_finding_severity(c.fail_on);
  // Threads as lint takes them; the output is the same for every number.
  const unsigned jobs = default_lint_jobs();
  options.lint.jobs = jobs;
  options.old_inputs = c.old_inputs;
  options.new_inputs = c.new_inputs;
  // The two sides load side by side; the old side's errors are printed first.
  std::future<std::optional<LoadResult>> loading_new = std::async(std::launch::async, [&] {
    std::optional<LoadResult> loaded = load_inventory(c.new_inputs, input_limits(jobs));
    return loaded;
  });
  const std::optional<LoadResult>& old_side = keep_until_exit([&] { return load_old(c, jobs); });
  const std::optional<LoadResult>& new_side = keep_until_exit([&] { return loading_new.get(); });
  if (!old_side) return kExitError;
  print_diagnostics(new_side->errors);
  if (!new_side->ok()) return kExitError;
  const DiffResult& result = keep_until_exit(
      [&] { return diff_inventories(old_side->inventory, new_side->inventory, options); });
  if (!result.errors.empty()) {
    print_diagnostics(result.errors);
    return kExitError;
  }
  DiffReportOptions report;
  report.verbose = c.verbose;
  report.color = use_color(c.no_color);
  if (c.format == "json") {
    write_diff_json(std::cout, result);
  } else if (c.format == "markdown") {
    write_diff_markdown(std::cout, result, report);
  } else if (c.format == "sarif") {
    write_diff_sarif(std::cout, result, version(), repository_root());
  } else {
    write_diff_text(std::cout, result, report);
  }
  const bool failed =
      std::any_of(result.new_findings.begin(), result.new_findings.end(),
                  [&](const Finding& f) { return f.severity <= options.lint.fail_on; }) ||
      (c.fail_on_new_access && result.admits_new());
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DiffCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "diff",
      "what NEW admits that OLD did not, and back: exact access per group and interface, new and "
      "fixed findings; exit 0, 1 when a new finding reaches --fail-on (or new traffic with "
      "--fail-on-new-access), 2 on errors");
  sub->add_option("paths", options->paths,
                  "OLD NEW (each a file, directory or -), or with --old-rev the paths to compare")
      ->type_name("PATH");
  sub->add_option("--old", options->old_inputs, "the old side's inputs (repeatable)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  sub->add_option("--new", options->new_inputs, "the new side's inputs (repeatable)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  sub->add_option("--old-rev", options->old_rev,
                  "read the old side as git revision REV held the paths (needs git)")
      ->type_name("REV");
  sub->add_option("--stack", options->stacks,
                  "the template of a deployed stack: NAME=FILE (repeatable; default: the template "
                  "whose file stem is NAME, else the only template)")
      ->allow_extra_args(false)
      ->type_name("NAME=FILE");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif"}))
      ->default_str("text");
  sub->add_option("--fail-on", options->fail_on,
                  "exit 1 when a new finding is this severe or worse (default low)")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}))
      ->type_name("SEVERITY");
  sub->add_flag("--fail-on-new-access", options->fail_on_new_access,
                "also exit 1 when NEW admits traffic that OLD did not");
  add_lint_selection_options(*sub, options->selection, /*baseline_option=*/false);
  add_ip_ranges_option(*sub);
  add_terraform_options(*sub);
  sub->add_flag("--verbose", options->verbose,
                "also list the rules changed in text");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->callback([options, &exit_code] { exit_code = run_diff_command(*options); });
}

}  // namespace sgcheck::cli
