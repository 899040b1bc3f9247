// `sgcheck rules list [FILE...]` prints the built-in policy pack (and the rules of policy files);
// `sgcheck rules check FILE...` validates policy files (syntax, metadata, duplicate ids against
// each other and the pack). Entry point: add_rules_command().
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "policy/policy.h"

namespace sgcheck::cli {

namespace {

struct RulesOptions {
  std::vector<std::string> files;
  std::string format = "text";
};

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

void print_text(const std::vector<CheckInfo>& rules) {
  std::size_t width = 2;
  for (const CheckInfo& r : rules) width = std::max(width, r.id.size());
  for (const CheckInfo& r : rules) {
    std::string line = r.id + std::string(width - r.id.size() + 2, ' ');
    const std::string severity = finding_severity_name(r.severity);
    line += severity + std::string(10 - severity.size(), ' ') + r.title;
    if (!r.refs.empty()) line += "  [" + join(r.refs) + "]";
    std::cout << line << '\n';
  }
}

void print_json(const std::vector<CheckInfo>& rules) {
  nlohmann::ordered_json out = {{"rules", nlohmann::ordered_json::array()}};
  for (const CheckInfo& r : rules) {
    out["rules"].push_back({{"id", r.id},
                            {"title", r.title},
                            {"severity", finding_severity_name(r.severity)},
                            {"refs", r.refs},
                            {"help", r.help}});
  }
  std::cout << out.dump(2) << '\n';
}

int run_list(const RulesOptions& options) {
  std::vector<CheckInfo> rules = detail::builtin_policy_checks();
  const Diagnostics errors = detail::check_policy_files(options.files, rules);
  for (const Diagnostic& d : errors) std::cerr << format_diagnostic(d);
  if (!errors.empty()) return kExitError;
  if (options.format == "json") {
    print_json(rules);
  } else {
    print_text(rules);
  }
  return kExitOk;
}

int run_check(const RulesOptions& options) {
  int status = kExitOk;
  for (const std::string& file : options.files) {
    std::vector<CheckInfo> rules;
    const Diagnostics errors = detail::check_policy_files({file}, rules);
    for (const Diagnostic& d : errors) std::cerr << format_diagnostic(d);
    if (!errors.empty()) {
      status = kExitError;
      continue;
    }
    std::vector<std::string> ids;
    for (const CheckInfo& r : rules) ids.push_back(r.id);
    std::cout << file << ": ok, " << rules.size() << (rules.size() == 1 ? " rule" : " rules")
              << (ids.empty() ? "" : " (" + join(ids) + ")") << '\n';
  }
  // Ids must also be unique across the files checked together.
  if (status == kExitOk && options.files.size() > 1) {
    std::vector<CheckInfo> rules;
    const Diagnostics errors = detail::check_policy_files(options.files, rules);
    for (const Diagnostic& d : errors) std::cerr << format_diagnostic(d);
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
  check_cmd->callback([check, &exit_code] { exit_code = run_check(*check); });
}

}  // namespace sgcheck::cli
