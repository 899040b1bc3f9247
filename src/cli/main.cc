// The sgcheck command line: registers the subcommands (src/cli/cmd_*.cc), parses the arguments with
// CLI11 and returns the command's exit status. Usage errors exit with status 2.
#include <CLI/CLI.hpp>
#include <iostream>

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
  add_lint_command(app, exit_code);
  add_dump_command(app, exit_code);
  add_gen_command(app, exit_code);
  add_query_command(app, exit_code);
  add_exposure_command(app, exit_code);
  add_matrix_command(app, exit_code);
  add_rules_command(app, exit_code);
  add_ranges_command(app, exit_code);
  add_diff_command(app, exit_code);
  add_graph_command(app, exit_code);
  add_report_command(app, exit_code);

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
