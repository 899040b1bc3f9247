// The sgcheck command line: registers the subcommands (src/cli/cmd_*.cc), parses the arguments with
// CLI11 and returns the command's exit status. Usage errors exit with status 2.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <iterator>
#include <string_view>
#include <utility>

#include "commands.h"
#include "sgcheck/report.h"

int main(int argc, char** argv) {
  using namespace sgcheck::cli;
  CLI::App app{
      "sgcheck: reason about AWS EC2 security groups offline.\n"
      "Is this flow allowed, by which rules? Is this configuration risky or wrong?"};
  app.name("sgcheck");
  app.set_version_flag("--version", std::string("sgcheck ") + sgcheck::version());
  app.require_subcommand(1, 1);
  app.fallthrough();

  int exit_code = kExitOk;
  // Every command's options cost start-up time to register (CLI11 builds each option), and a
  // pre-commit hook pays it on every file: when the first argument names a command, only that
  // command is registered. Anything else (--help, --version, a typo) registers them all, so that
  // help lists every command and errors say what exists. `sgcheck --version` alone needs none.
  using AddCommand = void (*)(CLI::App&, int&);
  static constexpr std::pair<std::string_view, AddCommand> kCommands[] = {
      {"lint", add_lint_command},         {"dump", add_dump_command},
      {"gen", add_gen_command},           {"query", add_query_command},
      {"exposure", add_exposure_command}, {"matrix", add_matrix_command},
      {"rules", add_rules_command},       {"ranges", add_ranges_command},
      {"diff", add_diff_command},         {"graph", add_graph_command},
      {"report", add_report_command}};
  const std::string_view first = argc > 1 ? argv[1] : "";
  const auto named = std::find_if(std::begin(kCommands), std::end(kCommands),
                                  [&](const auto& command) { return command.first == first; });
  if (named != std::end(kCommands)) {
    named->second(app, exit_code);
  } else if (argc != 2 || first != "--version") {
    for (const auto& [name, add] : kCommands) add(app, exit_code);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  return exit_code;
}
