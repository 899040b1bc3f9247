// `sgcheck rules list [FILE...]` prints the built-in policy pack (and the rules of policy files);
// `sgcheck rules check FILE...` validates policy files (syntax, metadata, duplicate ids against
// each other and the pack). Entry point: add_rules_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/lint.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct RulesOptions {
  std::vector<std::string> files;
  std::string format = "text";
};

int run_list(const RulesOptions& options) {
  std::vector<CheckInfo> rules = builtin_policy_rules();
  const Diagnostics errors = read_policy_rules(options.files, rules);
  print_diagnostics(errors);
  if (!errors.empty()) return kExitError;
  std::cout << (options.format == "json" ? check_list_json(rules) : check_list_text(rules));
  return kExitOk;
}

int run_check(const RulesOptions& options) {
  int status = kExitOk;
  for (const std::string& file : options.files) {
    std::vector<CheckInfo> rules;
    const Diagnostics errors = read_policy_rules({file}, rules);
    print_diagnostics(errors);
    if (!errors.empty()) {
      status = kExitError;
      continue;
    }
    std::cout << policy_file_ok_line(file, rules);
  }
  // Ids must also be unique across the files checked together.
  if (status == kExitOk && options.files.size() > 1) {
    std::vector<CheckInfo> rules;
    const Diagnostics errors = read_policy_rules(options.files, rules);
    print_diagnostics(errors);
    if (!errors.empty()) status = kExitError;
  }
  return status;
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  CLI::App* sub =
      app.add_subcommand("rules", "list the built-in policy rules; validate policy files");
  sub->require_subcommand(1, 1);

  auto list = std::make_shared<RulesOptions>();
  CLI::App* list_cmd =
      sub->add_subcommand("list", "list the built-in rules (SG101-SG107) and those of FILE...");
  list_cmd->add_option("files", list->files, "policy files whose rules to list too")
      ->type_name("FILE");
  list_cmd->add_option("--format", list->format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  list_cmd->callback([list, &exit_code] { exit_code = run_list(*list); });

  auto check = std::make_shared<RulesOptions>();
  CLI::App* check_cmd = sub->add_subcommand(
      "check", "validate policy files: exit 0 when every file is valid, 2 otherwise");
  check_cmd->add_option("files", check->files, "policy files (*.sgp)")
      ->required()
      ->type_name("FILE");
  add_ip_ranges_option(*check_cmd);
  check_cmd->callback([check, &exit_code] { exit_code = run_check(*check); });
}

}  // namespace sgcheck::cli
