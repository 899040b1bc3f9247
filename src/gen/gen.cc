// The public face of the generator (include/sgcheck/inventory.h): presets, option checks, and
// turning a plan into named files in memory or on disk (into an empty directory, or with force over
// gen's own files only). Entry points: gen_preset(), check_gen_options(), generate_inventory(),
// write_inventory().
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "gen/plan.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

namespace {

constexpr std::uint32_t kMaxGroups = 200000;
constexpr std::uint32_t kMaxInterfaces = 1000000;

Diagnostic option_error(std::string message) {
  Diagnostic d;
  d.severity = Severity::error;
  d.message = std::move(message);
  d.location.file = "sgcheck gen";
  return d;
}

void check_share(Diagnostics& errors, const char* option, double value) {
  if (!(value >= 0 && value <= 1)) {
    errors.push_back(option_error(std::string(option) + " must be between 0 and 1"));
  }
}

}  // namespace

std::optional<GenOptions> gen_preset(std::string_view name) {
  GenOptions options;
  if (name == "S" || name == "s") {
    options.groups = 100;
    options.interfaces = 500;
    options.rules_per_group = 10;
    return options;
  }
  if (name == "L" || name == "l") {
    options.groups = 10000;
    options.interfaces = 50000;
    options.rules_per_group = 25;
    return options;
  }
  return std::nullopt;
}

Diagnostics check_gen_options(const GenOptions& options) {
  Diagnostics errors;
  if (options.groups < 1 || options.groups > kMaxGroups) {
    errors.push_back(option_error("--groups must be between 1 and " + std::to_string(kMaxGroups)));
  }
  if (options.interfaces > kMaxInterfaces) {
    errors.push_back(
        option_error("--interfaces must be at most " + std::to_string(kMaxInterfaces)));
  }
  if (options.vpcs > gen::kMaxVpcs) {
    errors.push_back(option_error("--vpcs must be at most " + std::to_string(gen::kMaxVpcs)));
  } else if (options.vpcs > options.groups) {
    errors.push_back(
        option_error("--vpcs must not exceed --groups (each VPC has a default group)"));
  }
  if (errors.empty() &&
      options.interfaces > std::uint64_t{gen::vpc_count(options)} * gen::kMaxInterfacesPerVpc) {
    errors.push_back(option_error("--interfaces: at most " +
                                  std::to_string(gen::kMaxInterfacesPerVpc) +
                                  " interfaces per VPC; raise --vpcs"));
  }
  if (!(options.rules_per_group >= 1 && options.rules_per_group <= 100)) {
    errors.push_back(option_error("--rules-per-group must be between 1 and 100"));
  }
  check_share(errors, "--reference-share", options.reference_share);
  check_share(errors, "--ipv6-share", options.ipv6_share);
  check_share(errors, "--prefix-list-share", options.prefix_list_share);
  check_share(errors, "--risky-share", options.risky_share);
  if (options.reference_share + options.prefix_list_share > 1) {
    errors.push_back(option_error("--reference-share plus --prefix-list-share must not exceed 1"));
  }
  return errors;
}

GenResult generate_inventory(const GenOptions& options) {
  GenResult result;
  result.errors = check_gen_options(options);
  if (!result.errors.empty()) return result;
  const gen::Plan plan = gen::make_plan(options);
  result.files.push_back({"security-groups.json", gen::write_security_groups(plan)});
  if (options.rules_view) {
    result.files.push_back(
        {"security-group-rules.json", gen::write_security_group_rules(plan, options.seed)});
  }
  result.files.push_back({"network-interfaces.json", gen::write_network_interfaces(plan)});
  result.files.push_back({"vpcs.json", gen::write_vpcs(plan)});
  result.files.push_back({"vpc-peering-connections.json", gen::write_peerings(plan)});
  result.files.push_back({"prefix-lists.json", gen::write_prefix_lists(plan)});
  for (const gen::PlanPrefixList& list : plan.prefix_lists) {
    result.files.push_back(
        {"prefix-list-entries/" + list.id + ".json", gen::write_prefix_list_entries(list)});
  }
  GenSummary& summary = result.summary;
  summary.vpcs = static_cast<std::uint32_t>(plan.vpcs.size());
  summary.peerings = static_cast<std::uint32_t>(plan.peerings.size());
  summary.groups = static_cast<std::uint32_t>(plan.groups.size());
  summary.interfaces = static_cast<std::uint32_t>(plan.interfaces.size());
  summary.prefix_lists = static_cast<std::uint32_t>(plan.prefix_lists.size());
  summary.atomic_rules = plan.atomic_rules;
  summary.risky_rules = plan.risky_rules;
  for (const NamedBuffer& file : result.files) summary.bytes += file.content.size();
  return result;
}

bool is_gen_file_name(std::string_view path) {
  static constexpr std::string_view kTopLevel[] = {
      "security-groups.json",         "security-group-rules.json",
      "network-interfaces.json",      "vpcs.json",
      "vpc-peering-connections.json", "prefix-lists.json"};
  if (std::find(std::begin(kTopLevel), std::end(kTopLevel), path) != std::end(kTopLevel)) {
    return true;
  }
  constexpr std::string_view kEntries = "prefix-list-entries/pl-";
  constexpr std::string_view kJson = ".json";
  if (!path.starts_with(kEntries) || !path.ends_with(kJson)) return false;
  const std::string_view hex =
      path.substr(kEntries.size(), path.size() - kEntries.size() - kJson.size());
  return !hex.empty() && std::all_of(hex.begin(), hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

namespace {

namespace fs = std::filesystem;

Diagnostic directory_error(const std::string& out_dir, std::string message) {
  Diagnostic d = option_error(std::move(message));
  d.location.file = out_dir;
  return d;
}

// Makes out_dir ready for a new inventory: missing or empty, or (force) rid of gen's own files.
// A directory holding anything else is refused: its files would be read with the new ones.
std::optional<Diagnostic> prepare_directory(const std::string& out_dir, bool force) {
  std::error_code ec;
  if (!fs::exists(out_dir, ec)) return std::nullopt;
  if (!fs::is_directory(out_dir, ec)) return directory_error(out_dir, "not a directory");
  if (fs::is_empty(out_dir, ec)) return std::nullopt;
  if (!force) {
    return directory_error(out_dir,
                           "the directory is not empty; gen writes a whole inventory, and files "
                           "left in it would be read with the new ones. Choose an empty or new "
                           "directory, or --force to remove gen's own files first (other files "
                           "are kept)");
  }
  for (const char* sub : {"", "prefix-list-entries"}) {
    const fs::path dir = fs::path(out_dir) / sub;
    if (!fs::is_directory(dir, ec)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = (fs::path(sub) / entry.path().filename()).generic_string();
      if (!is_gen_file_name(name) || !entry.is_regular_file(ec)) continue;
      if (!fs::remove(entry.path(), ec)) {
        return directory_error(entry.path().string(), "cannot remove: " + ec.message());
      }
    }
    if (ec) return directory_error(dir.string(), "cannot read the directory: " + ec.message());
  }
  return std::nullopt;
}

}  // namespace

Diagnostics write_inventory(const GenOptions& options, const std::string& out_dir,
                            GenSummary* summary, bool force) {
  GenResult result = generate_inventory(options);
  if (!result.errors.empty()) return result.errors;
  Diagnostics errors;
  if (std::optional<Diagnostic> error = prepare_directory(out_dir, force)) {
    errors.push_back(std::move(*error));
    return errors;
  }
  std::error_code ec;
  fs::create_directories(fs::path(out_dir) / "prefix-list-entries", ec);
  if (ec) {
    errors.push_back(option_error("cannot create " + out_dir + ": " + ec.message()));
    errors.back().location.file = out_dir;
    return errors;
  }
  for (const NamedBuffer& file : result.files) {
    const fs::path path = fs::path(out_dir) / file.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
    out.close();
    if (!out) {
      errors.push_back(option_error("cannot write the file"));
      errors.back().location.file = path.string();
    }
  }
  if (summary != nullptr) *summary = result.summary;
  return errors;
}

}  // namespace sgcheck
