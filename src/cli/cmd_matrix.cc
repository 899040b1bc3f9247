// `sgcheck matrix INPUT... --service S [--cells] [--pairs]`: which interfaces can open one service
// to which. By default, per class of interfaces with the same VPC and groups, what its rules grant
// inbound and outbound (CIDRs, referenced groups, the internet marked): output that grows with the
// classes, not with their pairs. --cells resolves the grants to every ordered pair of classes,
// --pairs to every pair of interfaces, both streamed as they are computed. Text, JSON or CSV.
// Entry point: add_matrix_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/engine.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct MatrixOptions {
  std::vector<std::string> inputs;
  std::string service;
  std::string format = "text";
  bool cells = false;
  bool pairs = false;
  bool no_color = false;
};

std::optional<Service> read_service(const std::string& text) {
  ServiceParseResult parsed = parse_matrix_service(text, "--service");
  for (const Diagnostic& note : parsed.notes) std::cerr << format_diagnostic(note);
  if (!parsed) {
    std::cerr << format_diagnostic(parsed.error);
    return std::nullopt;
  }
  return parsed.service;
}

int run_matrix(const MatrixOptions& options) {
  const std::optional<Service> service = read_service(options.service);
  if (!service) return kExitError;
  if (options.format == "csv" && options.cells && options.pairs) {
    std::cerr << "sgcheck matrix: error: CSV holds one table: give --cells or --pairs, not both\n";
    return kExitError;
  }
  std::optional<LoadResult> loaded = load_or_report(options.inputs);
  if (!loaded) return kExitError;
  // The model, the engine and the matrix are left for the process's end to reclaim.
  const Inventory& inventory = keep_until_exit([&] { return std::move(*loaded); }).inventory;
  const Engine& engine = keep_until_exit([&] { return Engine(inventory); });
  const MatrixView& view = keep_until_exit([&] { return MatrixView(engine, *service); });
  const MatrixReportOptions report{options.cells, options.pairs};
  if (options.format == "json") {
    write_matrix_json(std::cout, view, inventory, *service, report);
  } else if (options.format == "csv") {
    write_matrix_csv(std::cout, view, inventory, report);
  } else {
    write_matrix_text(std::cout, view, inventory, *service, report);
  }
  return kExitOk;
}

}  // namespace

void add_matrix_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MatrixOptions>();
  CLI::App* sub = app.add_subcommand(
      "matrix", "which interfaces can open a service to which, per class of like interfaces");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--service", options->service, "the service, e.g. tcp/443")
      ->required()
      ->type_name("SERVICE");
  sub->add_flag("--cells", options->cells,
                "also list every ordered pair of classes with its verdict (grows with classes²)");
  sub->add_flag("--pairs", options->pairs,
                "also list every ordered pair of interfaces with its verdict (grows with "
                "interfaces²; CSV: only the pairs)");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json", "csv"}))
      ->default_str("text");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->callback([options, &exit_code] { exit_code = run_matrix(*options); });
}

}  // namespace sgcheck::cli
