// `sgcheck exposure INPUT... [--target sg-…|AppSG|aws_security_group.web|eni-…|i-…|address]`: what
// each group and interface admits inbound and sends outbound, as service × peer lines with the
// internet marked; text or JSON. --target is read as a flow's endpoint (resolve_exposure_target()).
// Entry point: add_exposure_command().
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "sgcheck/engine.h"

namespace sgcheck::cli {

namespace {

using Json = nlohmann::ordered_json;

struct ExposureOptions {
  std::vector<std::string> inputs;
  std::string target;
  std::string format = "text";
  bool no_color = false;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

const char* internet_mark(InternetExposure e) {
  switch (e) {
    case InternetExposure::none:
      return "";
    case InternetExposure::part:
      return "  [internet: part]";
    case InternetExposure::all:
      return "  [internet]";
  }
  return "";
}

void print_lines(std::ostream& out, const char* title, const char* word,
                 const std::vector<ExposureLine>& lines) {
  if (lines.empty()) {
    out << "  " << title << ": nothing\n";
    return;
  }
  out << "  " << title << ":\n";
  for (const ExposureLine& l : lines) {
    out << "    " << l.services << " " << word << " " << join(l.peers) << internet_mark(l.internet)
        << "\n";
  }
}

Json lines_json(const Inventory& inv, const std::vector<ExposureLine>& lines) {
  Json out = Json::array();
  for (const ExposureLine& l : lines) {
    Json rules = Json::array();
    for (const RuleRef& ref : l.rules) {
      const Group& g = inv.groups[ref.group];
      const Rule& r = g.rules[ref.rule];
      rules.push_back({{"group", g.id},
                       {"rule", r.id.empty() ? Json(nullptr) : Json(r.id)},
                       {"location", inv.location(r.location).to_string()}});
    }
    out.push_back({{"services", l.services},
                   {"peers", l.peers},
                   {"internet", internet_exposure_name(l.internet)},
                   {"rules", std::move(rules)}});
  }
  return out;
}

int run_exposure(const ExposureOptions& options) {
  std::optional<LoadResult> loaded = load_or_report(options.inputs);
  if (!loaded) return kExitError;
  const Inventory& inv = loaded->inventory;
  std::string target_id;
  if (!options.target.empty()) {
    ExposureTarget target = resolve_exposure_target(inv, options.target);
    for (const Diagnostic& w : target.warnings) std::cerr << format_diagnostic(w);
    if (target.error) {
      std::cerr << format_diagnostic(*target.error);
      return kExitError;
    }
    target_id = std::move(target.id);
  }
  const std::vector<Exposure> all = compute_exposure(inv, target_id);
  if (options.format == "json") {
    Json out = Json::array();
    for (const Exposure& e : all) {
      out.push_back({{"target", e.target},
                     {"kind", inv.find_group(e.target) != nullptr ? "group" : "interface"},
                     {"groups", e.groups},
                     {"inbound", lines_json(inv, e.inbound)},
                     {"outbound", lines_json(inv, e.outbound)},
                     {"notes", e.notes}});
    }
    std::cout << Json{{"exposure", std::move(out)}}.dump() << "\n";
    return kExitOk;
  }
  for (const Exposure& e : all) {
    std::cout << e.label;
    if (!e.groups.empty()) std::cout << " with " << join(e.groups);
    std::cout << "\n";
    print_lines(std::cout, "inbound", "from", e.inbound);
    print_lines(std::cout, "outbound", "to", e.outbound);
    for (const std::string& note : e.notes) std::cout << "  note: " << note << "\n";
  }
  std::cout << "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet "
               "allowed here may still be dropped elsewhere.\n";
  return kExitOk;
}

}  // namespace

void add_exposure_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExposureOptions>();
  CLI::App* sub = app.add_subcommand(
      "exposure", "what each group and interface admits inbound and sends outbound, as sets");
  add_inputs_option(*sub, options->inputs);
  sub->add_option("--target", options->target,
                  "only this group, interface or instance, named as a flow names it: sg-…, a "
                  "logical id, resource address or group name, eni-…, i-…, or an address of an "
                  "interface")
      ->type_name("sg-…|NAME|eni-…|i-…|ADDRESS");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->callback([options, &exit_code] { exit_code = run_exposure(*options); });
}

}  // namespace sgcheck::cli
