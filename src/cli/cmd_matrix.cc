// `sgcheck matrix INPUT... --service S [--cells] [--pairs]`: which interfaces can open one service
// to which. By default, per class of interfaces with the same VPC and groups, what its rules grant
// inbound and outbound (CIDRs, referenced groups, the internet marked): output that grows with the
// classes, not with their pairs. --cells resolves the grants to every ordered pair of classes,
// --pairs to every pair of interfaces, both streamed as they are computed. Text, JSON or CSV.
// Entry point: add_matrix_command().
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
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
  bool cells = false;
  bool pairs = false;
  bool no_color = false;
};

// The service as a flow's SERVICE, of either family (icmpv6 makes the matrix IPv6). The matrix
// decides one packet kind: an ICMP type without a code (icmpv6/128, as ping is usually written) is
// read as its code 0, with a note, since echo and most types have only that code.
std::optional<Service> read_service(const std::string& text) {
  ServiceParseResult r = parse_service(text, "--service", 1);
  if (!r) {
    std::cerr << format_diagnostic(r.error);
    return std::nullopt;
  }
  Service& service = *r.service;
  const bool icmp = service.protocol == kIcmp || service.protocol == kIcmpv6;
  if (icmp && service.icmp.type != -1 && service.icmp.code == -1) {
    service.icmp.code = 0;
    std::cerr << "--service: note: " << text << " is read as " << service.to_string()
              << " (the matrix decides one packet kind; give TYPE:CODE for another code)\n";
  }
  if (!r.service->is_point()) {
    std::cerr << "--service: error: the matrix needs one service, e.g. tcp/443 or icmp/8:0, not '"
              << cut_for_message(text) << "'\n";
    return std::nullopt;
  }
  return r.service;
}

// stdout through one buffer: cells and pairs can be hundreds of millions of lines.
class Output {
 public:
  ~Output() { flush(); }
  Output& operator<<(std::string_view s) {
    buffer_ += s;
    if (buffer_.size() >= kFlushAt) flush();
    return *this;
  }
  Output& operator<<(std::uint64_t n) { return *this << std::string_view(std::to_string(n)); }
  void flush() {
    std::cout.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 20;
  std::string buffer_;
};

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

const char* family_name(Family f) {
  return f == Family::ipv4 ? "IPv4" : "IPv6";
}

// "sg-0aa (web)", or the id alone when the group is unnamed or not in the inventory.
class GroupLabels {
 public:
  explicit GroupLabels(const Inventory& inv) {
    for (const Group& g : inv.groups) {
      if (!g.name.empty()) names_.emplace(g.id, g.name);
    }
  }
  std::string operator()(const std::string& id) const {
    const auto it = names_.find(id);
    return it == names_.end() ? id : id + " (" + it->second + ")";
  }

 private:
  std::map<std::string, std::string, std::less<>> names_;
};

// ---- text ------------------------------------------------------------------------------------

void text_grants(Output& out, const GroupLabels& labels, const char* what, const MatrixGrants& g) {
  std::vector<std::string> peers = g.cidrs;
  for (const std::string& id : g.groups) peers.push_back(labels(id));
  out << "  " << what << ": " << (peers.empty() ? std::string("nothing") : join(peers));
  if (g.internet == InternetExposure::all) out << "  [internet]";
  if (g.internet == InternetExposure::part) out << "  [internet: part]";
  out << "\n";
}

void text_classes(Output& out, const MatrixView& view, const Inventory& inv,
                  const std::string& service) {
  const GroupLabels labels(inv);
  const std::vector<MatrixClass>& classes = view.classes();
  out << "matrix of " << service << ": " << std::uint64_t{classes.size()}
      << " classes of interfaces (same VPC and groups)\n";
  const std::string inbound = "inbound " + service + " from";
  const std::string outbound = "outbound " + service + " to";
  for (std::uint32_t k = 0; k < classes.size(); ++k) {
    const MatrixClass& c = classes[k];
    out << "class " << std::uint64_t{k + 1} << ": " << (c.vpc.empty() ? "(no VPC)" : c.vpc)
        << " with " << (c.groups.empty() ? std::string("no groups") : join(c.groups)) << ": "
        << join(c.interfaces) << "\n";
    const MatrixGrants& in = view.grants(k, Direction::ingress);
    const MatrixGrants& eg = view.grants(k, Direction::egress);
    text_grants(out, labels, inbound.c_str(), in);
    text_grants(out, labels, outbound.c_str(), eg);
    for (const std::string& r : in.unknown) out << "  unknown inbound: " << r << "\n";
    for (const std::string& r : eg.unknown) out << "  unknown outbound: " << r << "\n";
    if (!view.unaddressed(k).empty()) {
      out << "  unknown: no private " << family_name(view.family())
          << " address: " << join(view.unaddressed(k)) << "\n";
    }
  }
}

void print_text(const MatrixView& view, const Inventory& inv, const std::string& service,
                const MatrixOptions& options) {
  Output out;
  text_classes(out, view, inv, service);
  if (!options.cells && !options.pairs) {
    out << "(a pair of interfaces is allowed when the source's outbound grants match the "
           "destination's private address or groups and the destination's inbound grants match "
           "the source's; --cells lists the pairs of classes, --pairs the pairs of interfaces)\n";
  }
  if (options.cells) {
    view.for_each_cell([&](const MatrixCell& c) {
      if (c.verdict == Verdict::deny) return;
      out << "class " << std::uint64_t{c.from + 1} << " -> class " << std::uint64_t{c.to + 1}
          << ": " << verdict_name(c.verdict) << "\n";
    });
    out << "(pairs of classes not listed are denied by security groups)\n";
  }
  if (options.pairs) {
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      if (v == Verdict::deny) return;
      out << inv.interfaces[from].id << " -> " << inv.interfaces[to].id << ": " << verdict_name(v)
          << "\n";
    });
    out << "(pairs of interfaces not listed are denied by security groups)\n";
  }
  out << "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet "
         "allowed here may still be dropped elsewhere.\n";
}

// ---- JSON: one object at a time (nlohmann), the arrays written around them -------------------

Json json_grants(const MatrixGrants& g) {
  return Json{{"cidrs", g.cidrs},
              {"internet", internet_exposure_name(g.internet)},
              {"groups", g.groups},
              {"unknown", g.unknown}};
}

void print_json(const MatrixView& view, const Inventory& inv, const std::string& service,
                const MatrixOptions& options) {
  Output out;
  out << "{\"service\":" << Json(service).dump()
      << ",\"family\":" << Json(view.family() == Family::ipv4 ? "ipv4" : "ipv6").dump()
      << ",\"classes\":[";
  const std::vector<MatrixClass>& classes = view.classes();
  for (std::uint32_t k = 0; k < classes.size(); ++k) {
    const MatrixClass& c = classes[k];
    const Json object{{"class", k + 1},
                      {"vpc", c.vpc},
                      {"groups", c.groups},
                      {"interfaces", c.interfaces},
                      {"inbound", json_grants(view.grants(k, Direction::ingress))},
                      {"outbound", json_grants(view.grants(k, Direction::egress))},
                      {"unaddressed", view.unaddressed(k)}};
    out << (k == 0 ? "" : ",") << object.dump();
  }
  out << "]";
  if (options.cells) {
    out << ",\"cells\":[";
    bool first = true;
    view.for_each_cell([&](const MatrixCell& c) {
      out << (first ? "{\"from\":" : ",{\"from\":") << std::uint64_t{c.from + 1}
          << ",\"to\":" << std::uint64_t{c.to + 1} << ",\"verdict\":\"" << verdict_name(c.verdict)
          << "\"}";
      first = false;
    });
    out << "]";
  }
  if (options.pairs) {
    // Each id escaped once by nlohmann; the pairs only put them together.
    std::vector<std::string> ids;
    ids.reserve(inv.interfaces.size());
    for (const Interface& x : inv.interfaces) ids.push_back(Json(x.id).dump());
    out << ",\"pairs\":[";
    bool first = true;
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      out << (first ? "{\"from\":" : ",{\"from\":") << ids[from] << ",\"to\":" << ids[to]
          << ",\"verdict\":\"" << verdict_name(v) << "\"}";
      first = false;
    });
    out << "]";
  }
  out << "}\n";
}

// ---- CSV: one table (classes and grants, --cells, or --pairs) ---------------------------------

void csv_grants_row(Output& out, std::uint32_t k, const MatrixClass& c, const char* direction,
                    const MatrixGrants& g, const std::vector<std::string>& unaddressed) {
  out << std::uint64_t{k + 1} << "," << csv_field(c.vpc) << "," << csv_field(join(c.groups, " "))
      << "," << csv_field(join(c.interfaces, " ")) << "," << direction << ","
      << csv_field(join(g.cidrs, " ")) << "," << internet_exposure_name(g.internet) << ","
      << csv_field(join(g.groups, " ")) << "," << csv_field(join(g.unknown, "; ")) << ","
      << csv_field(join(unaddressed, " ")) << "\n";
}

void print_csv(const MatrixView& view, const Inventory& inv, const MatrixOptions& options) {
  Output out;
  const std::vector<MatrixClass>& classes = view.classes();
  if (options.pairs) {
    std::vector<std::string> ids;  // each id quoted once, not once per pair
    ids.reserve(inv.interfaces.size());
    for (const Interface& x : inv.interfaces) ids.push_back(csv_field(x.id));
    out << "from,to,verdict\n";
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      out << ids[from] << "," << ids[to] << "," << verdict_name(v) << "\n";
    });
  } else if (options.cells) {
    std::vector<std::string> members;
    for (const MatrixClass& c : classes) members.push_back(csv_field(join(c.interfaces, " ")));
    out << "from_class,to_class,verdict,from_interfaces,to_interfaces\n";
    view.for_each_cell([&](const MatrixCell& c) {
      out << std::uint64_t{c.from + 1} << "," << std::uint64_t{c.to + 1} << ","
          << verdict_name(c.verdict) << "," << members[c.from] << "," << members[c.to] << "\n";
    });
  } else {
    out << "class,vpc,groups,interfaces,direction,cidrs,internet,peer_groups,unknown,"
           "unaddressed\n";
    for (std::uint32_t k = 0; k < classes.size(); ++k) {
      csv_grants_row(out, k, classes[k], "inbound", view.grants(k, Direction::ingress),
                     view.unaddressed(k));
      csv_grants_row(out, k, classes[k], "outbound", view.grants(k, Direction::egress),
                     view.unaddressed(k));
    }
  }
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
  const Engine engine(loaded->inventory);
  const MatrixView view(engine, *service);
  const std::string name = service->to_string();
  if (options.format == "json") {
    print_json(view, loaded->inventory, name, options);
  } else if (options.format == "csv") {
    print_csv(view, loaded->inventory, options);
  } else {
    print_text(view, loaded->inventory, name, options);
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
