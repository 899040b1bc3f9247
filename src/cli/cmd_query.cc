// `sgcheck query INPUT... 'FLOW'` and `sgcheck query --batch FILE INPUT...`: decide flows with the
// engine and print the verdict, each side, the allowing rules and the reasons (text), or one JSON
// object per flow (product.md §4; --batch prints JSON Lines in input order, with --format text the
// text blocks of `query` one after the other, or with --format count only the verdict counts,
// which needs no explanation and takes the engine's fast path).
// Entry point: add_query_command().
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "sgcheck/engine.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct QueryOptions {
  std::vector<std::string> args;  // INPUT... then FLOW (without --batch)
  std::string batch;
  std::string format = "text";
  bool format_given = false;  // --batch writes JSON Lines unless --format says otherwise
  bool no_color = false;
  bool quiet = false;
  bool stats = false;
  unsigned jobs = 1;
};

bool is_failure(Verdict v) {
  return v != Verdict::allow;
}

// ---- --batch ----------------------------------------------------------------------------------

std::optional<std::string> read_batch_text(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << path << ": error: cannot read the batch file\n";
      return std::nullopt;
    }
    in = &file;
  }
  std::ostringstream text;
  text << in->rdbuf();
  return std::move(text).str();
}

// The batch's flows; any bad flow is an input error: every diagnostic is printed, in line order,
// and nothing is decided. Warnings (a CIDR read as its network) are printed unless `quiet`.
std::optional<FlowBatch> parse_batch(std::string_view text, const QueryOptions& options,
                                     unsigned jobs) {
  FlowBatch batch = parse_flow_batch(text, options.batch, jobs);
  for (const Diagnostic& d : batch.diagnostics) {
    if (!options.quiet || d.severity == Severity::error) std::cerr << format_diagnostic(d);
  }
  if (!batch.ok) return std::nullopt;
  return batch;
}

// --batch --format text: each flow's block as `query` prints it, in input order, and the line on
// what was not evaluated once at the end. Every flow is explained, so this is the slow path.
VerdictCounts print_batch_text(const Engine& engine, const std::vector<Flow>& flows) {
  VerdictCounts counts;
  for (const Flow& flow : flows) {
    const Decision d = engine.decide(flow);
    counts.add(d.verdict);
    std::cout << query_text(engine.inventory(), flow, d);
  }
  std::cout << not_evaluated_line();
  return counts;
}

// The JSON Lines, written to stdout block by block.
VerdictCounts print_batch_json(const Engine& engine, const std::vector<Flow>& flows,
                               unsigned jobs) {
  const QueryJsonLines lines(engine.inventory());
  return decide_batch(
      engine, flows, jobs,
      [&](const BatchDecision* decisions, std::size_t count, std::string& out) {
        lines.append(decisions, count, out);
      },
      [](std::string_view block) {
        std::cout.write(block.data(), static_cast<std::streamsize>(block.size()));
      });
}

int run_batch(const QueryOptions& options) {
  using Clock = std::chrono::steady_clock;
  // CPU time of the process (every thread): on a shared machine, decisions per CPU-second is the
  // per-core figure; wall time also counts the time other processes held the cores.
  const auto cpu_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  const unsigned jobs = std::max(1u, options.jobs);
  const auto t0 = Clock::now();
  const std::optional<std::string> text = read_batch_text(options.batch);
  if (!text) return kExitError;
  std::optional<FlowBatch> parsed = parse_batch(*text, options, jobs);
  if (!parsed) return kExitError;
  const auto t1 = Clock::now();
  std::optional<LoadResult> loaded = load_or_report(options.args, jobs);
  if (!loaded) return kExitError;
  // Groups written by name (AppSG, aws_security_group.web) need the inventory: every unknown name
  // is an input error, like a bad flow.
  const Diagnostics name_errors =
      resolve_flow_batch_names(*parsed, loaded->inventory, options.batch);
  print_diagnostics(name_errors);
  if (!name_errors.empty()) return kExitError;
  // The model, the engine and the flows are left for the process's end to reclaim.
  const Inventory& inventory = keep_until_exit([&] { return std::move(*loaded); }).inventory;
  const std::vector<Flow>& flows = keep_until_exit([&] { return std::move(parsed->flows); });
  const Engine& engine = keep_until_exit([&] { return Engine(inventory); });
  const auto t2 = Clock::now();
  const double cpu2 = cpu_ms();
  // The JSON Lines need the explanation; counts and --quiet need only the verdict (the fast path).
  const bool blocks = !options.quiet && options.format_given && options.format == "text";
  const bool json = !options.quiet && !blocks && options.format != "count";
  const VerdictCounts counts = blocks ? print_batch_text(engine, flows)
                               : json ? print_batch_json(engine, flows, jobs)
                                      : count_verdicts(engine, flows, jobs);
  if (options.format == "count" && !options.quiet)
    std::cout << verdict_counts_text(counts, flows.size());
  std::cout.flush();
  const auto t3 = Clock::now();
  const double decide_cpu_ms = cpu_ms() - cpu2;
  if (options.stats) {
    const double decide_ms = ms(t2, t3);
    const auto rate = [&](double elapsed_ms) {
      return elapsed_ms > 0 ? static_cast<double>(flows.size()) * 1000.0 / elapsed_ms : 0.0;
    };
    std::fprintf(stderr,
                 "flows %zu\njobs %u\nparse %.3f ms\nload %.3f ms\ndecide %.3f ms\n"
                 "decide cpu %.3f ms\ndecisions/s %.0f\ndecisions/cpu-s %.0f\n",
                 flows.size(), jobs, ms(t0, t1), ms(t1, t2), decide_ms, decide_cpu_ms,
                 rate(decide_ms), rate(decide_cpu_ms));
  }
  return counts.all_allowed() ? kExitOk : kExitFindings;
}

int run_query(QueryOptions options) {
  if (!options.batch.empty()) {
    if (options.args.empty()) {
      std::cerr << "sgcheck query: error: no INPUT given\n";
      return kExitError;
    }
    return run_batch(options);
  }
  if (options.args.size() < 2) {
    std::cerr << "sgcheck query: error: expected INPUT... 'FLOW' (or --batch FILE INPUT...)\n";
    return kExitError;
  }
  // The FLOW comes last; a flow written first is accepted too (the inputs are never flows).
  FlowParseResult parsed = parse_flow(options.args.back(), "<flow>", 1);
  std::string flow_text = options.args.back();
  if (parsed) {
    options.args.pop_back();
  } else if (FlowParseResult first = parse_flow(options.args.front(), "<flow>", 1)) {
    parsed = std::move(first);
    flow_text = options.args.front();
    options.args.erase(options.args.begin());
  } else {
    std::cerr << format_diagnostic(parsed.error);
    return kExitError;
  }
  if (!options.quiet) print_diagnostics(parsed.warnings);
  std::optional<LoadResult> loaded = load_or_report(options.args);
  if (!loaded) return kExitError;
  if (auto error = resolve_flow_names(*parsed.flow, loaded->inventory, flow_text)) {
    std::cerr << format_diagnostic(*error);
    return kExitError;
  }
  const Engine engine(loaded->inventory);
  const Decision d = engine.decide(*parsed.flow);
  if (options.format == "count" && !options.quiet) {
    VerdictCounts counts;
    counts.add(d.verdict);
    std::cout << verdict_counts_text(counts, 1);
  } else if (options.format == "json") {
    std::cout << query_json(loaded->inventory, *parsed.flow, d);
  } else if (!options.quiet) {
    std::cout << query_text(loaded->inventory, *parsed.flow, d) << not_evaluated_line();
  }
  return is_failure(d.verdict) ? kExitFindings : kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* sub = app.add_subcommand(
      "query",
      "decide whether security groups allow a flow, with the rules that do ('FLOW' is e.g. "
      "'tcp/22 from 10.0.0.5 to eni-0a1b')");
  sub->add_option("args", options->args, "input files or directories (or -), then the FLOW")
      ->required()
      ->type_name("INPUT... FLOW");
  sub->add_option("--batch", options->batch,
                  "decide one FLOW per line of FILE ('#' comments), printing JSON Lines (text "
                  "blocks with --format text)")
      ->type_name("FILE");
  sub->add_option("--format", options->format,
                  "output format; count prints only how many flows got each verdict")
      ->check(CLI::IsMember({"text", "json", "count"}))
      ->default_str("text");
  sub->add_option("--jobs", options->jobs,
                  "threads: parse the input files and (--batch) decide on N threads (the output is "
                  "the same for every N)")
      ->check(CLI::Range(1u, 256u))
      ->type_name("N");
  add_terraform_options(*sub);
  sub->add_flag("--stats", options->stats,
                "--batch: print the flow count and the parse, load and decide times (stderr)");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->add_flag("--quiet", options->quiet, "print nothing; only the exit status tells");
  add_ip_ranges_option(*sub);
  sub->callback([options, sub, &exit_code] {
    options->format_given = sub->count("--format") > 0;
    exit_code = run_query(*options);
  });
}

}  // namespace sgcheck::cli
