// `sgcheck exposure INPUT... [--target sg-…|AppSG|aws_security_group.web|eni-…|i-…|address]`: what
// each group and interface admits inbound and sends outbound, as service × peer lines with the
// internet marked; text or JSON. --target is read as a flow's endpoint (resolve_exposure_target()).
// Entry point: add_exposure_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/engine.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct ExposureOptions {
  std::vector<std::string> inputs;
  std::string target;
  std::string format = "text";
  bool no_color = false;
};

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
    write_exposure_json(std::cout, inv, all);
  } else {
    write_exposure_text(std::cout, all);
  }
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
