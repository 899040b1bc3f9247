// What every subcommand shares: loading inputs with errors printed once, the INPUT... positional, and
// the decision whether to colour output. Entry points: load_or_report(), add_inputs_option().
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"

namespace sgcheck::cli {

std::optional<LoadResult> load_or_report(const std::vector<std::string>& inputs, unsigned jobs) {
  LoadLimits limits;
  limits.jobs = jobs;
  LoadResult result = load_inventory(inputs, limits);
  if (result.ok()) return result;
  for (const Diagnostic& d : result.errors) std::cerr << format_diagnostic(d);
  return std::nullopt;
}

void add_inputs_option(CLI::App& sub, std::vector<std::string>& inputs) {
  sub.add_option("inputs", inputs,
                 "input files (AWS CLI describe JSON, CloudFormation templates in JSON or "
                 "YAML, Terraform plan JSON from `terraform show -json`; format detected by "
                 "content), directories (read recursively: *.json *.yaml *.yml *.template) "
                 "or - for stdin")
      ->required()
      ->type_name("INPUT");
}

bool use_color(bool no_color_flag) {
  if (no_color_flag || std::getenv("NO_COLOR") != nullptr) return false;
  return isatty(fileno(stdout)) != 0;
}

}  // namespace sgcheck::cli
