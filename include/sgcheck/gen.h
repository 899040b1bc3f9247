// `sgcheck gen`: random, valid, realistic inventories written as AWS CLI describe output, for
// benchmarks (product.md §8, presets S and L), fuzzing and property tests. Entry points:
// generate_inventory() (in memory) and write_inventory() (to a directory).
// Output is a pure function of GenOptions: the same options give byte-identical files on every
// platform (own PRNG and distributions, no std:: distributions, no unordered iteration).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/diagnostic.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

// What to generate. The shares are probabilities in [0, 1]; docs/gen.md describes the mix.
struct GenOptions {
  std::uint64_t seed = 1;
  std::uint32_t groups = 100;      // security groups, one `default` group per VPC included
  std::uint32_t interfaces = 500;  // network interfaces, each with one to five groups of its VPC
  std::uint32_t vpcs = 0;          // 0: about sqrt(groups) / 2.5, at least what the interfaces need
  double rules_per_group = 10;  // mean atomic rules per group (the 60-per-direction quota caps it)
  double reference_share = 0.30;    // share of atomic rules whose peer is a group
  double ipv6_share = 0.15;         // share of CIDR peers that are IPv6 (0: no IPv6 anywhere)
  double prefix_list_share = 0.05;  // share of atomic rules whose peer is a prefix list
  double risky_share = 0.05;        // share of groups given one deliberately risky rule
  // Also write security-group-rules.json (describe-security-group-rules: the same rules, flat,
  // with sgr- ids), which ingest merges with security-groups.json.
  bool rules_view = false;
};

// The benchmark inventories of product.md §8: "S" (100 groups, ~1,000 atomic rules, 500
// interfaces) and "L" (10,000 groups, ~250,000 atomic rules, 50,000 interfaces). nullopt for an
// unknown name. The seed and shares keep their defaults.
std::optional<GenOptions> gen_preset(std::string_view name);

// Problems with the options (a count of zero, a share outside [0, 1], more interfaces than the
// VPCs' subnets hold, …), one error diagnostic each; empty when the options can be generated.
Diagnostics check_gen_options(const GenOptions& options);

// What was generated, for the CLI's summary line and for tests.
struct GenSummary {
  std::uint32_t vpcs = 0;
  std::uint32_t peerings = 0;
  std::uint32_t groups = 0;
  std::uint32_t interfaces = 0;
  std::uint32_t prefix_lists = 0;
  std::uint64_t atomic_rules = 0;  // ingress + egress, one per peer entry
  std::uint64_t risky_rules = 0;   // of which deliberately risky
  std::uint64_t bytes = 0;         // total size of the files
};

struct GenResult {
  // Paths relative to the output directory ("security-groups.json",
  // "prefix-list-entries/pl-….json", …) with their content; they load with
  // load_inventory_from_buffers() as they are.
  std::vector<NamedBuffer> files;
  GenSummary summary;
  Diagnostics errors;  // from check_gen_options(); files is empty when there are any
};

GenResult generate_inventory(const GenOptions& options);

// Generates and writes the files into out_dir (created, with parents, when missing). An existing
// out_dir must be empty: files left from another run would merge with the new inventory when it is
// read. With `force`, what gen writes (is_gen_file_name()) is removed from out_dir first and
// anything else is left as it is. Returns errors for bad options, a non-empty out_dir without
// `force`, or failed writes; `summary`, when given, receives what was written.
Diagnostics write_inventory(const GenOptions& options, const std::string& out_dir,
                            GenSummary* summary = nullptr, bool force = false);

// Whether `path` (relative to the output directory, '/'-separated) is a name gen writes:
// security-groups.json, security-group-rules.json, network-interfaces.json, vpcs.json,
// vpc-peering-connections.json, prefix-lists.json or prefix-list-entries/pl-HEX.json.
bool is_gen_file_name(std::string_view path);

}  // namespace sgcheck
