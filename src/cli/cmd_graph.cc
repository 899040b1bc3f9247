// `sgcheck graph [options] INPUT...`: the group graph as DOT, Mermaid, SVG (laid out by Graphviz)
// or JSON, edges coloured by lint's findings (lint's --disable, --rules, --config and --baseline
// apply), filtered by --group, --service, --exposed-only and --depth, cut to --max-nodes.
// Entry point: add_graph_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "lint_options.h"
#include "sgcheck/graph.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct GraphCommandOptions {
  std::vector<std::string> inputs;
  std::string format = "dot";
  std::string group;
  std::string service;
  bool exposed_only = false;
  std::size_t depth = 0;
  bool no_collapse = false;
  std::size_t max_nodes = GraphOptions{}.max_nodes;
  LintSelection selection;
  unsigned jobs = default_lint_jobs();
};

void note(const std::string& message) {
  if (!message.empty()) std::cerr << "sgcheck graph: note: " << message << "\n";
}

int run_graph_command(const GraphCommandOptions& command) {
  GraphOptions graph_options;
  if (!command.service.empty()) {
    ServiceParseResult parsed = parse_service(command.service, "--service");
    if (!parsed) {
      std::cerr << format_diagnostic(parsed.error);
      return kExitError;
    }
    graph_options.service = parsed.service;
  }
  graph_options.group_glob = command.group;
  graph_options.exposed_only = command.exposed_only;
  graph_options.depth = command.depth;
  graph_options.collapse = !command.no_collapse;
  graph_options.max_nodes = command.max_nodes;
  const std::optional<LintedInputs> linted =
      load_and_lint(command.inputs, command.selection, command.jobs);
  if (!linted) return kExitError;
  const Graph graph = build_graph(*linted->inventory, *linted->lint, graph_options);
  note(graph_cut_note(graph));
  if (command.format == "json") {
    std::cout << graph_json(graph, *linted->inventory);
  } else if (command.format == "mermaid") {
    const MermaidGraph mermaid = graph_mermaid(graph);
    note(mermaid.cut_message);
    std::cout << mermaid.text;
  } else if (command.format == "svg") {
    const GraphSvg svg = graph_svg(graph);
    if (!svg.error.empty()) {
      std::cerr << "sgcheck graph: error: " << svg.error << "\n";
      return kExitError;
    }
    std::cout << svg.svg;
  } else {
    std::cout << graph_dot(graph);
  }
  return kExitOk;
}

}  // namespace

void add_max_nodes_option(CLI::App& sub, std::size_t& max_nodes) {
  sub.add_option("--max-nodes", max_nodes,
                 "at most N group nodes in the graph, the most severe findings first (default "
                 "50; 0: no limit)")
      ->type_name("N");
}

void add_graph_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GraphCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "graph",
      "the group graph: who may reach whom, edges labelled with services and coloured by lint's "
      "findings (dot, mermaid, svg, json)");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"dot", "mermaid", "svg", "json"}))
      ->default_str("dot");
  sub->add_option("--group", options->group,
                  "only groups whose id, name or template name matches GLOB (and --depth around "
                  "them)")
      ->type_name("GLOB");
  sub->add_option("--service", options->service,
                  "only edges whose rules allow some of SERVICE (tcp/22, tcp/1000-2000, all)")
      ->type_name("SERVICE");
  sub->add_flag("--exposed-only", options->exposed_only,
                "only groups that admit public addresses (the internet, public CIDRs, prefix "
                "lists with public entries)");
  sub->add_option("--depth", options->depth,
                  "also the groups within N references of the selected ones (default 0)")
      ->type_name("N");
  sub->add_flag("--no-collapse", options->no_collapse,
                "one node per group (default: groups whose edges are identical share a node)");
  add_max_nodes_option(*sub, options->max_nodes);
  add_linted_inputs_options(*sub, options->selection, options->jobs);
  sub->callback([options, &exit_code] { exit_code = run_graph_command(*options); });
}

}  // namespace sgcheck::cli
