// `sgcheck dump INPUT...`: the normalised inventory as deterministic text, JSON (--format json) or
// counts and timings (--stats). Entry point: add_dump_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct DumpOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  bool stats = false;
  bool verbose = false;
};

int run_dump(const DumpOptions& options) {
  // What the readable inputs hold is printed also when others had errors (then exit status 2).
  const LoadResult& loaded =
      keep_until_exit([&] { return load_and_report(options.inputs, 1, options.verbose); });
  if (options.stats) {
    std::cout << dump_stats(loaded.inventory, loaded.stats);
  } else if (options.format == "json") {
    std::cout << dump_json(loaded.inventory);
  } else {
    std::cout << dump_text(loaded.inventory);
  }
  return loaded.ok() ? kExitOk : kExitError;
}

}  // namespace

void add_dump_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DumpOptions>();
  CLI::App* sub =
      app.add_subcommand("dump", "print the normalised inventory (one line per atomic rule)");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  sub->add_flag("--stats", options->stats, "print counts, bytes read and time per stage only");
  sub->add_flag("--verbose", options->verbose,
                "list the files skipped as not security-group input (stderr)");
  sub->callback([options, &exit_code] { exit_code = run_dump(*options); });
}

}  // namespace sgcheck::cli
