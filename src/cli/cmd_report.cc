// `sgcheck report [options] INPUT... --out FILE.html`: one self-contained HTML report of lint's
// findings (lint's --disable, --rules, --config and --baseline apply), the exposures, the matrix
// of one service and the group graph. Entry point: add_report_command().
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "lint_options.h"
#include "sgcheck/graph.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct ReportCommandOptions {
  std::vector<std::string> inputs;
  std::string out;
  std::string service = "tcp/22";
  std::uint32_t matrix_classes = 40;
  std::size_t max_exposures = 2000;
  std::size_t max_nodes = GraphOptions{}.max_nodes;
  LintSelection selection;
  unsigned jobs = default_lint_jobs();
};

int run_report_command(const ReportCommandOptions& command) {
  ServiceParseResult service = parse_matrix_service(command.service, "--service");
  for (const Diagnostic& note : service.notes) std::cerr << format_diagnostic(note);
  if (!service) {
    std::cerr << format_diagnostic(service.error);
    return kExitError;
  }
  // Opened first: a path that cannot be written is an error before any work.
  std::ofstream out(command.out, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << command.out << ": error: cannot write the report\n";
    return kExitError;
  }
  const std::optional<LintedInputs> linted =
      load_and_lint(command.inputs, command.selection, command.jobs);
  if (!linted) return kExitError;
  const Inventory& inventory = *linted->inventory;
  const LintResult* lint = linted->lint;
  // The exposures and the matrix beside the graph and its layout (each about a second on a large
  // inventory): the tables on another thread, the graph on this one.
  std::vector<Exposure> exposures;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<MatrixView> matrix;
  std::thread tables([&] {
    exposures = command.max_exposures == 0
                    ? compute_exposure(inventory)
                    : compute_exposure_first(inventory, command.max_exposures);
    engine = std::make_unique<Engine>(inventory);
    matrix = std::make_unique<MatrixView>(*engine, *service.service);
  });
  GraphOptions graph_options;
  graph_options.max_nodes = command.max_nodes;
  const Graph graph = build_graph(inventory, *lint, graph_options);
  const GraphSvg svg = graph_svg(graph);
  tables.join();
  if (!svg.error.empty()) std::cerr << "sgcheck report: warning: " << svg.error << "\n";
  write_html_report(out, HtmlReportInput{inventory, *lint, exposures, *matrix, *service.service,
                                         command.matrix_classes, graph, svg});
  // Left for exit to reclaim, as the inventory is (keep_until_exit()): freeing a large engine costs
  // CPU for nothing once the report is written.
  keep_until_exit([&] { return std::move(matrix); });
  keep_until_exit([&] { return std::move(engine); });
  if (!out.flush()) {
    std::cerr << command.out << ": error: cannot write the report\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "one self-contained HTML report: lint's findings, the graph, the exposures, the matrix of "
      "a service");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--out", options->out, "the HTML file to write")
      ->required()
      ->type_name("FILE.html");
  sub->add_option("--service", options->service,
                  "the matrix's service, one packet kind (default tcp/22)")
      ->type_name("SERVICE");
  sub->add_option("--matrix-classes", options->matrix_classes,
                  "the heat map's first N classes of interfaces (default 40)")
      ->check(CLI::Range(1u, 1000u))
      ->type_name("N");
  sub->add_option("--max-exposures", options->max_exposures,
                  "the exposure table's first N groups and interfaces (default 2000; 0: all)")
      ->type_name("N");
  add_max_nodes_option(*sub, options->max_nodes);
  add_linted_inputs_options(*sub, options->selection, options->jobs);
  sub->callback([options, &exit_code] { exit_code = run_report_command(*options); });
}

}  // namespace sgcheck::cli
