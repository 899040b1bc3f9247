// `sgcheck matrix INPUT... --service S [--pairs]`: which interfaces can open one service to which,
// per class of interfaces with the same VPC and groups (text, JSON or CSV), or per pair with
// --pairs. Entry point: add_matrix_command().
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "cli/commands.h"
#include "sgcheck/engine.h"

namespace sgcheck::cli {

namespace {

using Json = nlohmann::ordered_json;

struct MatrixOptions {
  std::vector<std::string> inputs;
  std::string service;
  std::string format = "text";
  bool pairs = false;
  bool no_color = false;
};

// The service as a flow's SERVICE, parsed by the flow grammar through a dummy flow.
std::optional<Service> parse_service(const std::string& text) {
  const std::string flow = text + " from 10.0.0.1 to 10.0.0.2";
  FlowParseResult r = parse_flow(flow, "--service", 1);
  if (!r) {
    Diagnostic d = r.error;
    d.source_line = text;
    std::cerr << format_diagnostic(d);
    return std::nullopt;
  }
  if (!r.flow->service.is_point()) {
    std::cerr << "--service: error: the matrix needs one service, e.g. tcp/443 or icmp/8:0, not '"
              << text << "'\n";
    return std::nullopt;
  }
  return r.flow->service;
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

void print_text(const Matrix& m, const std::string& service, bool pairs) {
  std::cout << "matrix of " << service << ": " << m.classes.size() << " classes of interfaces\n";
  for (std::size_t i = 0; i < m.classes.size(); ++i) {
    const MatrixClass& c = m.classes[i];
    std::cout << "  class " << i + 1 << ": " << (c.vpc.empty() ? "(no VPC)" : c.vpc) << " with "
              << (c.groups.empty() ? std::string("no groups") : join(c.groups)) << ": "
              << join(c.interfaces) << "\n";
  }
  if (pairs) {
    for (const MatrixPair& p : m.pairs) {
      if (p.verdict != Verdict::deny) {
        std::cout << p.from << " -> " << p.to << ": " << verdict_name(p.verdict) << "\n";
      }
    }
  } else {
    for (const MatrixCell& c : m.cells) {
      if (c.verdict != Verdict::deny) {
        std::cout << "class " << c.from + 1 << " -> class " << c.to + 1 << ": "
                  << verdict_name(c.verdict) << "\n";
      }
    }
  }
  std::cout << "(pairs not listed are denied by security groups)\n"
            << "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet "
               "allowed here may still be dropped elsewhere.\n";
}

void print_json(const Matrix& m, const std::string& service, bool pairs) {
  Json classes = Json::array();
  for (std::size_t i = 0; i < m.classes.size(); ++i) {
    classes.push_back({{"class", i + 1},
                       {"vpc", m.classes[i].vpc},
                       {"groups", m.classes[i].groups},
                       {"interfaces", m.classes[i].interfaces}});
  }
  Json cells = Json::array();
  for (const MatrixCell& c : m.cells) {
    cells.push_back({{"from", c.from + 1}, {"to", c.to + 1}, {"verdict", verdict_name(c.verdict)}});
  }
  Json out{{"service", service}, {"classes", std::move(classes)}, {"cells", std::move(cells)}};
  if (pairs) {
    Json list = Json::array();
    for (const MatrixPair& p : m.pairs) {
      list.push_back({{"from", p.from}, {"to", p.to}, {"verdict", verdict_name(p.verdict)}});
    }
    out["pairs"] = std::move(list);
  }
  std::cout << out.dump() << "\n";
}

void print_csv(const Matrix& m, bool pairs) {
  if (pairs) {
    std::cout << "from,to,verdict\n";
    for (const MatrixPair& p : m.pairs) {
      std::cout << p.from << "," << p.to << "," << verdict_name(p.verdict) << "\n";
    }
    return;
  }
  std::cout << "from_class,to_class,verdict,from_interfaces,to_interfaces\n";
  for (const MatrixCell& c : m.cells) {
    std::cout << c.from + 1 << "," << c.to + 1 << "," << verdict_name(c.verdict) << ","
              << join(m.classes[c.from].interfaces, " ") << ","
              << join(m.classes[c.to].interfaces, " ") << "\n";
  }
}

// The output lists a cell per pair of classes (JSON every cell), and --pairs a line per pair of
// interfaces, all held in memory: past this many, refuse with a clear error instead of running out
// of memory (product.md §2: inputs are bounded). 4 million cells are 2,000 classes.
constexpr std::size_t kMaxCells = 4'000'000;

std::size_t class_count(const Inventory& inv) {
  std::set<std::pair<std::string_view, std::vector<std::string_view>>> classes;
  for (const Interface& x : inv.interfaces) {
    std::vector<std::string_view> groups(x.groups.begin(), x.groups.end());
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    classes.emplace(x.vpc_id, std::move(groups));
  }
  return classes.size();
}

bool within_limits(const Inventory& inv, bool pairs) {
  const std::size_t n = pairs ? inv.interfaces.size() : class_count(inv);
  if (n * n <= kMaxCells) return true;
  std::cerr << "sgcheck matrix: error: " << n
            << (pairs ? " interfaces make " : " classes of interfaces (same VPC and groups) make ")
            << n * n << (pairs ? " pairs" : " cells") << ", more than the " << kMaxCells
            << " this command lists; give it fewer inputs (e.g. one VPC's files)\n";
  return false;
}

int run_matrix(const MatrixOptions& options) {
  const std::optional<Service> service = parse_service(options.service);
  if (!service) return kExitError;
  std::optional<LoadResult> loaded = load_or_report(options.inputs);
  if (!loaded) return kExitError;
  if (!within_limits(loaded->inventory, options.pairs)) return kExitError;
  const Engine engine(loaded->inventory);
  const Matrix m = compute_matrix(engine, *service, options.pairs);
  const std::string name = service->to_string();
  if (options.format == "json") {
    print_json(m, name, options.pairs);
  } else if (options.format == "csv") {
    print_csv(m, options.pairs);
  } else {
    print_text(m, name, options.pairs);
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
  sub->add_flag("--pairs", options->pairs, "list every pair of interfaces, not only classes");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json", "csv"}))
      ->default_str("text");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->callback([options, &exit_code] { exit_code = run_matrix(*options); });
}

}  // namespace sgcheck::cli
