// The subcommands of the sgcheck CLI. Each add_*_command registers one subcommand on `app` with its
// options; when it runs, its result is written to `exit_code`. The commands are thin: they load the
// inputs, call the library and print.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck::cli {

// Exit statuses shared by every command (product.md §4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // lint findings, or a query denied/unknown
inline constexpr int kExitError = 2;     // usage or input error

void add_dump_command(CLI::App& app, int& exit_code);
void add_gen_command(CLI::App& app, int& exit_code);
void add_query_command(CLI::App& app, int& exit_code);
void add_exposure_command(CLI::App& app, int& exit_code);
void add_matrix_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_lint_command(CLI::App& app, int& exit_code);
void add_diff_command(CLI::App& app, int& exit_code);
void add_graph_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
// --max-nodes of graph and report (GraphOptions::max_nodes).
void add_max_nodes_option(CLI::App& sub, std::size_t& max_nodes);

// Prints each diagnostic to stderr, with its source excerpt.
void print_diagnostics(const Diagnostics& diagnostics);

// The limits every command loads its inputs with: `jobs` threads, and the Terraform variables of
// --var and --var-file (add_terraform_options()).
LoadLimits input_limits(unsigned jobs);

// Loads the inputs (files parsed on `jobs` threads) and prints their errors (stderr); with
// `verbose`, also a note per skipped file. The result holds everything the other inputs gave:
// commands that report on what was read (lint, dump) go on and exit 2 at the end.
LoadResult load_and_report(const std::vector<std::string>& inputs, unsigned jobs = 1,
                           bool verbose = false);

// The same for commands whose answers need every input (query, exposure, matrix): nullopt after
// input errors (exit status 2).
std::optional<LoadResult> load_or_report(const std::vector<std::string>& inputs, unsigned jobs = 1);

// Constructs `make()`'s result in place (no move: an engine points into its inventory) and keeps it
// until the process ends. A command's model, engine and results are left for exit to reclaim:
// freeing a large inventory node by node costs CPU for nothing once the output is written. They
// stay reachable from a static, so leak checkers do not count them.
template <typename Make>
auto& keep_until_exit(Make&& make) {
  static auto* const kept = new std::vector<const void*>();
  auto* const object = new std::invoke_result_t<Make>(make());
  kept->push_back(object);
  return *object;
}

// Adds the INPUT... positional (files, directories, "-") to a subcommand, and --ip-ranges.
void add_inputs_option(CLI::App& sub, std::vector<std::string>& inputs);
// --ip-ranges FILE: AWS's ip-ranges.json in place of the built-in snapshot (aws_ranges()).
void add_ip_ranges_option(CLI::App& sub);
void add_ranges_command(CLI::App& app, int& exit_code);

// The root SARIF URIs are relative to (lint, diff): the nearest directory from here upward that
// holds .git, else the current directory.
std::string repository_root();
// Adds --var NAME=VALUE and --var-file FILE (Terraform source) to a subcommand that loads inputs
// (add_inputs_option() adds them too).
void add_terraform_options(CLI::App& sub);

// True when colour should be used on stdout: a terminal, no --no-color, NO_COLOR unset.
bool use_color(bool no_color_flag);

}  // namespace sgcheck::cli
