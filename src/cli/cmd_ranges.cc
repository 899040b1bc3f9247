// `sgcheck ranges` prints the snapshot of AWS's IP ranges in use (its date, services and Regions);
// `sgcheck ranges SERVICE[@REGION]` (or aws:SERVICE[@REGION]) the prefixes of one name.
// --ip-ranges FILE reads a newer download instead. Entry point: add_ranges_command().
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/ranges.h"
#include "sgcheck/report.h"

namespace sgcheck::cli {

namespace {

struct RangesOptions {
  std::string name;
  std::string format = "text";
  bool from_file = false;
};

// SERVICE[@REGION], with or without "aws:", checked as a flow checks it: an error with a caret
// under the unknown part.
std::optional<AwsRangeName> read_name(const std::string& text) {
  const std::size_t start = text.rfind("aws:", 0) == 0 ? 4 : 0;
  const std::size_t at = text.find('@', start);
  AwsRangeName name{text.substr(start, at == std::string::npos ? std::string::npos : at - start),
                    at == std::string::npos ? std::string() : text.substr(at + 1)};
  bool at_region = false;
  std::string message = aws_name_error(aws_ranges(), name, at_region);
  if (message.empty()) return name;
  Diagnostic d;
  d.message = std::move(message);
  d.location = {Name("<ranges>"), 1, static_cast<std::uint32_t>((at_region ? at + 1 : start) + 1)};
  quote_source_line(d, text);
  print_diagnostics({d});
  return std::nullopt;
}

int run_ranges(const RangesOptions& options) {
  const AwsRanges& ranges = aws_ranges();
  const bool json = options.format == "json";
  if (options.name.empty()) {
    const std::string source = options.from_file ? "from --ip-ranges" : "built into sgcheck";
    std::cout << (json ? ranges_summary_json(ranges, source) : ranges_summary_text(ranges, source));
    return kExitOk;
  }
  const std::optional<AwsRangeName> name = read_name(options.name);
  if (!name) return kExitError;
  std::cout << (json ? ranges_prefixes_json(ranges, *name) : ranges_prefixes_text(ranges, *name));
  return kExitOk;
}

}  // namespace

void add_ranges_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RangesOptions>();
  CLI::App* sub = app.add_subcommand(
      "ranges",
      "AWS's published IP ranges that aws:SERVICE[@REGION] names: the snapshot's date, services "
      "and Regions, or the prefixes of SERVICE[@REGION]");
  sub->add_option("name", options->name,
                  "a service, optionally in one Region: EC2_INSTANCE_CONNECT@ap-northeast-2")
      ->type_name("SERVICE[@REGION]");
  sub->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  add_ip_ranges_option(*sub);
  sub->callback([options, sub, &exit_code] {
    options->from_file = sub->count("--ip-ranges") > 0;
    exit_code = run_ranges(*options);
  });
}

}  // namespace sgcheck::cli
