// `sgcheck gen --groups N --interfaces M --seed S --out DIR`: writes a random, valid, realistic
// inventory as AWS CLI describe output (product.md §4, §8; docs/gen.md). Entry point:
// add_gen_command(). The generator itself is write_inventory() (include/sgcheck/inventory.h).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "sgcheck/inventory.h"

namespace sgcheck::cli {

namespace {

struct GenCommandOptions {
  GenOptions gen;
  std::string preset;
  std::string out;
  bool quiet = false;
  bool force = false;
};

// The preset sets the sizes; options given explicitly win over it.
std::optional<GenOptions> resolve(const GenCommandOptions& options, const CLI::App& sub) {
  GenOptions resolved = options.gen;
  if (options.preset.empty()) return resolved;
  const std::optional<GenOptions> preset = gen_preset(options.preset);
  if (!preset) return std::nullopt;
  if (sub.count("--groups") == 0) resolved.groups = preset->groups;
  if (sub.count("--interfaces") == 0) resolved.interfaces = preset->interfaces;
  if (sub.count("--rules-per-group") == 0) resolved.rules_per_group = preset->rules_per_group;
  return resolved;
}

int run_gen(GenCommandOptions options, const CLI::App& sub) {
  const std::optional<GenOptions> resolved = resolve(options, sub);
  if (!resolved) {
    std::cerr << "sgcheck gen: error: unknown preset '" << options.preset << "' (S or L)\n";
    return kExitError;
  }
  options.gen = *resolved;
  const auto start = std::chrono::steady_clock::now();
  GenSummary summary;
  const Diagnostics errors = write_inventory(options.gen, options.out, &summary, options.force);
  print_diagnostics(errors);
  if (!errors.empty()) return kExitError;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!options.quiet) {
    std::printf(
        "wrote %s: %u groups, %llu atomic rules (%llu risky), %u interfaces, %u VPCs, %u "
        "peerings, %u prefix lists; %.1f MB in %.2f s\n",
        options.out.c_str(), summary.groups, static_cast<unsigned long long>(summary.atomic_rules),
        static_cast<unsigned long long>(summary.risky_rules), summary.interfaces, summary.vpcs,
        summary.peerings, summary.prefix_lists, static_cast<double>(summary.bytes) / 1e6, seconds);
  }
  return kExitOk;
}

}  // namespace

void add_gen_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GenCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "gen", "write a random, valid, realistic inventory (AWS CLI JSON) into a directory");
  GenOptions& gen = options->gen;
  sub->add_option("--out", options->out, "output directory: new or empty (created when missing)")
      ->required()
      ->type_name("DIR");
  sub->add_option("--preset", options->preset,
                  "benchmark inventory: S (100 groups, 500 interfaces, ~1,000 rules) or L "
                  "(10,000 groups, 50,000 interfaces, ~250,000 rules); explicit options win")
      ->check(CLI::IsMember({"S", "L", "s", "l"}));
  sub->add_option("--groups", gen.groups, "security groups, one default group per VPC included")
      ->capture_default_str();
  sub->add_option("--interfaces", gen.interfaces, "network interfaces (one to five groups each)")
      ->capture_default_str();
  sub->add_option("--seed", gen.seed, "random seed: the same seed gives the same bytes")
      ->capture_default_str();
  sub->add_option("--vpcs", gen.vpcs, "VPCs (0: about sqrt(groups) / 2.5)")->capture_default_str();
  sub->add_option("--rules-per-group", gen.rules_per_group, "mean atomic rules per group")
      ->capture_default_str();
  sub->add_option("--reference-share", gen.reference_share,
                  "share of rules whose peer is a security group")
      ->capture_default_str();
  sub->add_option("--ipv6-share", gen.ipv6_share, "share of CIDR peers that are IPv6 (0: no IPv6)")
      ->capture_default_str();
  sub->add_option("--prefix-list-share", gen.prefix_list_share,
                  "share of rules whose peer is a prefix list")
      ->capture_default_str();
  sub->add_option("--risky-share", gen.risky_share,
                  "share of groups given one deliberately risky rule")
      ->capture_default_str();
  sub->add_flag("--rules-view", gen.rules_view,
                "also write security-group-rules.json (the same rules, flat, with sgr- ids)");
  sub->add_flag("--force", options->force,
                "write into a non-empty --out: remove gen's own files there first, keep the rest");
  sub->add_flag("--quiet", options->quiet, "print nothing on success");
  sub->callback([options, sub, &exit_code] { exit_code = run_gen(*options, *sub); });
}

}  // namespace sgcheck::cli
