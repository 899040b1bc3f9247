// `sgcheck query INPUT... 'FLOW'` and `sgcheck query --batch FILE INPUT...`: decide flows with the
// engine and print the verdict, each side, the allowing rules and the reasons (text), or one JSON
// object per flow (product.md §4; --batch always prints JSON Lines, in input order).
// Entry point: add_query_command().
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "sgcheck/engine.h"

namespace sgcheck::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kNotEvaluated =
    "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet allowed here "
    "may still be dropped elsewhere.";

struct QueryOptions {
  std::vector<std::string> args;  // INPUT... then FLOW (without --batch)
  std::string batch;
  std::string format = "text";
  bool no_color = false;
  bool quiet = false;
};

Json side_json(const Inventory& inv, const SideDecision& side) {
  Json rules = Json::array();
  for (const RuleRef& ref : side.rules) {
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    rules.push_back({{"group", g.id},
                     {"rule", r.id.empty() ? Json(nullptr) : Json(r.id)},
                     {"location", inv.location(r.location).to_string()}});
  }
  return Json{{"verdict", verdict_name(side.verdict)}, {"rules", std::move(rules)}};
}

Json decision_json(const Inventory& inv, const Flow& flow, const Decision& d) {
  Json out{{"flow", flow.to_string()},
           {"verdict", verdict_name(d.verdict)},
           {"egress", side_json(inv, d.egress)},
           {"ingress", side_json(inv, d.ingress)},
           {"reasons", d.reasons}};
  if (d.set_question) {
    out["allowed"] = d.allowed;
    out["denied"] = d.denied;
    out["unknown"] = d.unknown;
  }
  return out;
}

const char* verdict_words(Verdict v) {
  switch (v) {
    case Verdict::allow:
      return "allowed by security groups";
    case Verdict::deny:
      return "denied by security groups";
    case Verdict::partial:
      return "partly allowed by security groups";
    case Verdict::unknown:
      return "unknown: the answer depends on what the inventory lacks";
    case Verdict::not_applicable:
      return "not applicable";
  }
  return "unknown";
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

void print_side(std::ostream& out, const Inventory& inv, const char* name,
                const SideDecision& side) {
  out << "  " << name << ": " << verdict_name(side.verdict);
  if (side.verdict == Verdict::not_applicable) {
    out << " (the " << (std::string(name) == "egress" ? "source" : "destination")
        << " is outside the inventory)\n";
    return;
  }
  std::vector<std::string> groups;
  for (const std::string& id : side.groups) {
    const Group* g = inv.find_group(id);
    groups.push_back(g == nullptr      ? id + " (not in the inventory)"
                     : g->name.empty() ? id
                                       : id + " (" + g->name + ")");
  }
  out << ", " << join(side.interfaces, ", ") << " with "
      << (groups.empty() ? std::string("no groups") : join(groups, ", ")) << "\n";
  for (const RuleRef& ref : side.rules) {
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    out << "    " << inv.location(r.location).to_string() << ": " << g.id;
    if (!r.id.empty()) out << " " << r.id;
    out << " allows " << describe_rule(inv, ref) << "\n";
  }
}

void print_text(std::ostream& out, const Inventory& inv, const Flow& flow, const Decision& d) {
  out << flow.to_string() << ": " << verdict_words(d.verdict) << "\n";
  print_side(out, inv, "egress", d.egress);
  print_side(out, inv, "ingress", d.ingress);
  if (d.set_question) {
    for (const std::string& part : d.allowed) out << "  allowed: " << part << "\n";
    for (const std::string& part : d.denied) out << "  denied: " << part << "\n";
    for (const std::string& part : d.unknown) out << "  unknown: " << part << "\n";
  }
  for (const std::string& reason : d.reasons) out << "  reason: " << reason << "\n";
}

bool is_failure(Verdict v) {
  return v != Verdict::allow;
}

// Reads the batch file: one flow per line; blank lines and '#' comments (whole or trailing)
// skipped. Any bad flow is an input error: every diagnostic is printed and nothing is decided.
std::optional<std::vector<Flow>> read_batch(const std::string& path) {
  std::ifstream file(path);
  std::istream* in = &file;
  if (path == "-") in = &std::cin;
  if (path != "-" && !file) {
    std::cerr << path << ": error: cannot read the batch file\n";
    return std::nullopt;
  }
  std::vector<Flow> flows;
  bool ok = true;
  std::string line;
  for (std::uint32_t n = 1; std::getline(*in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line = line.substr(0, line.find('#'));  // a comment runs to the end of the line
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    FlowParseResult parsed = parse_flow(line, path, n);
    if (!parsed) {
      std::cerr << format_diagnostic(parsed.error);
      ok = false;
      continue;
    }
    flows.push_back(std::move(*parsed.flow));
  }
  if (!ok) return std::nullopt;
  return flows;
}

int run_batch(const QueryOptions& options) {
  std::optional<std::vector<Flow>> flows = read_batch(options.batch);
  if (!flows) return kExitError;
  std::optional<LoadResult> loaded = load_or_report(options.args);
  if (!loaded) return kExitError;
  const Engine engine(loaded->inventory);
  int status = kExitOk;
  std::string buffer;
  for (const Flow& flow : *flows) {
    const Decision d = engine.decide(flow);
    if (is_failure(d.verdict)) status = kExitFindings;
    buffer += decision_json(loaded->inventory, flow, d).dump();
    buffer += '\n';
    if (buffer.size() > (1u << 16)) {
      std::cout << buffer;
      buffer.clear();
    }
  }
  std::cout << buffer;
  return status;
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
  if (parsed) {
    options.args.pop_back();
  } else if (FlowParseResult first = parse_flow(options.args.front(), "<flow>", 1)) {
    parsed = std::move(first);
    options.args.erase(options.args.begin());
  } else {
    std::cerr << format_diagnostic(parsed.error);
    return kExitError;
  }
  std::optional<LoadResult> loaded = load_or_report(options.args);
  if (!loaded) return kExitError;
  const Engine engine(loaded->inventory);
  const Decision d = engine.decide(*parsed.flow);
  if (options.format == "json") {
    std::cout << decision_json(loaded->inventory, *parsed.flow, d).dump() << "\n";
  } else if (!options.quiet) {
    print_text(std::cout, loaded->inventory, *parsed.flow, d);
    std::cout << kNotEvaluated << "\n";
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
                  "decide one FLOW per line of FILE ('#' comments), printing JSON Lines")
      ->type_name("FILE");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->add_flag("--quiet", options->quiet, "print nothing; only the exit status tells");
  sub->callback([options, &exit_code] { exit_code = run_query(*options); });
}

}  // namespace sgcheck::cli
