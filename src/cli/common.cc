// What every subcommand shares: loading inputs with errors printed once, the INPUT... positional
// with --ip-ranges, --var and --var-file, the decision whether to colour output, and the repository
// root SARIF URIs are relative to. Entry points: load_and_report(), load_or_report(),
// add_inputs_option(), add_ip_ranges_option(), add_terraform_options().
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "sgcheck/ranges.h"

namespace sgcheck::cli {

void print_diagnostics(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics) std::cerr << format_diagnostic(d);
}

namespace {

// --var and --var-file of the one subcommand a process runs (add_terraform_options()).
struct TerraformOptions {
  std::vector<std::string> vars;
  std::vector<std::string> var_files;
};

TerraformOptions& terraform_options() {
  static TerraformOptions options;
  return options;
}

}  // namespace

void add_terraform_options(CLI::App& sub) {
  sub.add_option("--var", terraform_options().vars,
                 "Terraform source: a root module variable's value, as terraform plan -var "
                 "(repeatable; a list or object for a variable typed so)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
  sub.add_option("--var-file", terraform_options().var_files,
                 "Terraform source: variable values from a .tfvars file, as terraform plan "
                 "-var-file (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
}

LoadLimits input_limits(unsigned jobs) {
  LoadLimits limits;
  limits.jobs = jobs;
  limits.terraform_vars = terraform_options().vars;
  limits.terraform_var_files = terraform_options().var_files;
  return limits;
}

LoadResult load_and_report(const std::vector<std::string>& inputs, unsigned jobs, bool verbose) {
  LoadResult result = load_inventory(inputs, input_limits(jobs));
  print_diagnostics(result.errors);
  if (verbose) {
    for (const SkippedInput& s : result.skipped) {
      Diagnostic d;
      d.severity = Severity::note;
      d.message = "skipped: " + s.reason;
      d.location.file = s.file;
      std::cerr << format_diagnostic(d);
    }
  }
  return result;
}

std::optional<LoadResult> load_or_report(const std::vector<std::string>& inputs, unsigned jobs) {
  LoadResult result = load_and_report(inputs, jobs);
  if (result.ok()) return result;
  return std::nullopt;
}

void add_inputs_option(CLI::App& sub, std::vector<std::string>& inputs) {
  sub.add_option("inputs", inputs,
                 "input files (AWS CLI describe JSON, CloudFormation templates in JSON or "
                 "YAML, Terraform plan JSON from `terraform show -json`; format detected by "
                 "content; Terraform source: a .tf file stands for its directory's module), "
                 "directories (read recursively: *.json *.yaml *.yml *.template *.tf *.tfvars) "
                 "or - for stdin")
      ->required()
      ->type_name("INPUT");
  add_ip_ranges_option(sub);
  add_terraform_options(sub);
}

void add_ip_ranges_option(CLI::App& sub) {
  // Read while the command line is parsed, so that flows and policies read later name the
  // file's services and Regions.
  sub.add_option_function<std::string>(
         "--ip-ranges",
         [](const std::string& path) {
           AwsRangesLoad loaded = load_aws_ranges(path);
           if (!loaded.ranges) {
             print_diagnostics(loaded.errors);
             throw CLI::RuntimeError(kExitError);  // the diagnostics said why: exit 2, no more
           }
           use_aws_ranges(std::move(*loaded.ranges));
         },
         "AWS's ip-ranges.json to name aws:SERVICE ranges and fill AWS-managed prefix lists "
         "from, instead of the snapshot built into sgcheck")
      ->type_name("FILE");
}

// The root SARIF URIs are relative to: the nearest directory from here upward that holds .git
// (GitHub code scanning resolves URIs against the repository), else the current directory.
std::string repository_root() {
  std::error_code ec;
  const std::filesystem::path here = std::filesystem::current_path(ec);
  if (ec) return {};
  for (std::filesystem::path dir = here;; dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / ".git", ec)) return dir.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return here.string();
  }
}

bool use_color(bool no_color_flag) {
  if (no_color_flag || std::getenv("NO_COLOR") != nullptr) return false;
  return isatty(fileno(stdout)) != 0;
}

}  // namespace sgcheck::cli
