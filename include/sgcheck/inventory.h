// The inventory, as sgcheck reads it and as `gen` makes it. In this order:
// - Diagnostics: the one diagnostic type. Every parser (values, JSON, YAML, flows, policies) and
//   the linter report problems as Diagnostic values at a Location; format_diagnostic() is the one
//   printer, and its source excerpt (the quoted line and a caret) is the one printed under each
//   lint finding too.
// - The model: every security group, atomic rule, network interface, prefix list, VPC and peering
//   read from the inputs, merged into one model, each element with its source position. Entry
//   point: load_inventory() reads files, directories and "-" (format detected by content) and never
//   throws; input errors come back as diagnostics.
// - Generated inventories (`sgcheck gen`): random, valid, realistic inventories written as AWS CLI
//   describe output, for benchmarks (product.md §8, presets S and L), fuzzing and property tests.
//   Entry points: generate_inventory() (in memory) and write_inventory() (to a directory). Output
//   is a pure function of GenOptions: the same options give byte-identical files on every platform.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {

enum class Severity : std::uint8_t { error, warning, note };

// "error", "warning", "note".
const char* severity_name(Severity severity);

// A position in an input, of a diagnostic or a lint finding: the file as the user named it, 1-based
// line and column. The column counts bytes (UTF-8 code units), in text, JSON and SARIF alike; the
// caret under a quoted line counts characters, so that it sits under the character at the column
// after non-ASCII text. line == 0 means the position is unknown (then only the file is printed).
struct Location {
  Name file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  // "file:line:col", or "file" when the line is unknown.
  std::string to_string() const;
  // to_string() appended to `out`, without temporaries (checks naming many places).
  void append_to(std::string& out) const;
};

struct Diagnostic {
  Severity severity = Severity::error;
  // The catalogue id this diagnostic maps to when the linter reports it ("SG403"), or empty.
  std::string check;
  std::string message;
  Location location;
  // The text of the line at location.line, without its newline; empty when not known. A long line
  // (minified JSON, a Terraform plan on one line) holds only a window around the column, its cut
  // ends marked "...": see quote_source_line().
  std::string source_line;
  // The caret's byte column in source_line when it holds a window; 0: location.column.
  std::uint32_t source_column = 0;
};

// Sets d.source_line to `line`, or, when the line is longer than 240 characters, to a window of
// 200 characters around d.location.column (each diagnostic would otherwise copy the whole line).
// The window holds whole UTF-8 characters only.
void quote_source_line(Diagnostic& d, std::string_view line);

// gcc style: "file:line:col: error: message", then, when the source line is known, the line and a
// caret under the column: one space per character before it (a tab stays a tab), so that the caret
// sits under the character at the byte column whatever precedes it. Ends with a newline. Always
// valid UTF-8 (see valid_utf8()).
std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD: what a report
// quotes from an input (a source line, a name) is valid text whatever the input held. The caret
// under a quoted line counts such a byte as the one character it is shown as.
std::string valid_utf8(std::string_view text);

// `text` as a message quotes it: at most `max_chars` characters (whole UTF-8 characters), ending in
// "…" when cut, so that a 10,000-character name does not fill the terminal.
std::string cut_for_message(std::string_view text, std::size_t max_chars = 100);

// The source line around byte offset `offset` of `text` (without the newline).
std::string line_at(std::string_view text, std::size_t offset);

using Diagnostics = std::vector<Diagnostic>;

}  // namespace sgcheck

namespace sgcheck {

// Where an element came from: an index into Inventory::files and a 1-based line and column.
struct SourcePos {
  std::uint32_t file = 0;
  std::uint32_t line = 0;  // 0 = unknown
  std::uint32_t column = 0;
  bool operator==(const SourcePos&) const = default;
};

struct Tag {
  Name key;
  Name value;
};

enum class Direction : std::uint8_t { ingress, egress };
enum class PeerKind : std::uint8_t { cidr4, cidr6, prefix_list, group };

const char* direction_name(Direction direction);  // "ingress", "egress"
const char* peer_kind_name(PeerKind kind);        // "cidr4", "cidr6", "prefix-list", "group"

// What a reference to a group says besides the group, as the input gave it (empty when absent):
// the group's account, its VPC, and the peering it is reached over.
struct GroupReference {
  Name user_id;
  Name vpc_id;
  Name peering_id;
  Name peering_status;
  bool empty() const {
    return user_id.empty() && vpc_id.empty() && peering_id.empty() && peering_status.empty();
  }
  bool operator==(const GroupReference&) const = default;
};

// The one peer of an atomic rule.
struct Peer {
  Cidr cidr;  // cidr4, cidr6
  PeerKind kind = PeerKind::cidr4;
  Name id;  // prefix-list: pl-…; group: sg-…; cidr4/cidr6: the input's text when it is invalid
  // Group references only: what the input said besides the group; null when it said nothing (as
  // in most rules), so that a rule without it stays small. Shared and immutable (the copies of a
  // rule, and rules that say the same, may point at one value): read it through the accessors
  // below, which give "" when it is null.
  std::shared_ptr<const GroupReference> reference;

  Name user_id() const { return reference_or_empty().user_id; }
  Name vpc_id() const { return reference_or_empty().vpc_id; }
  Name peering_id() const { return reference_or_empty().peering_id; }
  Name peering_status() const { return reference_or_empty().peering_status; }
  // The reference to change: `reference` then points at a copy of what it held (or at a new,
  // empty one), which this peer alone holds.
  GroupReference& edit_reference();

 private:
  const GroupReference& reference_or_empty() const;
};

// Templates only: the protocol or ports a template leaves open until deployment, each as the input
// wrote it ("Ref FromPortParam"); empty when known. See service_unresolved().
struct UnresolvedService {
  std::string protocol;   // then Rule::protocol is -1 (any protocol might match)
  std::string from_port;  // then Rule::from_port is absent
  std::string to_port;    // then Rule::to_port is absent
  SourcePos location;     // where the first open value is written
  // CloudFormation only: the rule exists only when this template condition holds, and the inputs
  // do not decide it (it waits for a parameter without a Default): "IsProd", "not IsProd". Such a
  // rule is *conditional*: what it would allow is unknown, never allowed and never dropped. See
  // rule_conditional().
  std::string condition;
  SourcePos condition_location;  // where the condition is applied (the Fn::If or Condition key)
  bool any() const {
    return !protocol.empty() || !from_port.empty() || !to_port.empty() || !condition.empty();
  }
};

// An atomic rule: one direction, one protocol, one port or ICMP range, exactly one peer. A
// fixed-size record (160 bytes): its texts are Name handles, and what few rules have (a reference's
// account and VPC, a template's open values) sits behind shared pointers. (The members are ordered
// so that nothing pads the 16-byte-aligned Peer: inventories hold many rules.)
struct Rule {
  Direction direction = Direction::ingress;
  // false when a value of the rule was invalid (a diagnostic says which): it takes no part in
  // evaluation.
  bool valid = true;
  int protocol = kAllProtocols;  // canonical: -1 or 0..255
  // FromPort/ToPort as the input wrote them (nullopt when absent). See normalised_ports().
  std::optional<std::int32_t> from_port;
  std::optional<std::int32_t> to_port;
  SourcePos location;       // the most precise place: the peer entry
  SourcePos rule_location;  // the enclosing IpPermission / rule object
  Peer peer;
  Name id;  // sgr-…, or empty when the input has no rule ids
  Name description;
  std::vector<Tag> tags;
  // Templates only: the protocol, ports or condition the template leaves open (docs/iac.md); null
  // for nearly every rule, which then carries no room for them. Such a rule keeps its peer and the
  // known part of its service, and makes answers it might decide unknown. Shared and immutable
  // like Peer::reference: read it through unresolved().
  std::shared_ptr<const UnresolvedService> open_values;

  // *open_values, or an empty UnresolvedService (any() false) when the rule leaves nothing open.
  const UnresolvedService& unresolved() const;
  // The open values to change: `open_values` then points at a copy of what it held (or at a new,
  // empty one), which this rule alone holds.
  UnresolvedService& edit_unresolved();
};

// True when what the rule allows depends on an unresolved value: the protocol is open, or the
// protocol has ports (tcp, udp, icmp, icmpv6) and one of them is open. An open port of a protocol
// without ports changes nothing (AWS ignores it).
bool service_unresolved(const Rule& rule);
// True when the rule exists only under a template condition the inputs do not decide
// (UnresolvedService::condition).
inline bool rule_conditional(const Rule& rule) {
  return !rule.unresolved().condition.empty();
}
// True when the inputs do not settle what the rule allows: its service is unresolved or it is
// conditional. Every consumer reads such a rule as "might allow": unknown, never allow, never
// dropped. A rule without open values (nearly all) is answered by the first test.
inline bool rule_uncertain(const Rule& rule) {
  return rule.unresolved().any() && (rule_conditional(rule) || service_unresolved(rule));
}
// "only when condition IsProd holds, which the inputs do not decide" for a conditional rule, in
// the reasons of unknown answers and findings (empty for an unconditional rule).
std::string rule_condition_text(const Rule& rule);
// Where the condition is applied, or the rule's place when the reader gave none.
inline SourcePos rule_condition_location(const Rule& rule) {
  const SourcePos& at = rule.unresolved().condition_location;
  return at.line != 0 ? at : rule.location;
}
// "from port unresolved(Ref FromPortParam), to port unresolved(var.to)": the open fields as
// the input wrote them, in messages and `dump` (empty when the service is resolved).
std::string unresolved_service_text(const Rule& rule);
// The service of such a rule in flow notation with the open fields as written:
// "tcp/unresolved(Ref FromPortParam)-443", "unresolved(Fn::If UseUdp)/53", "icmp/8:unresolved(X)".
std::string unresolved_service_notation(const Rule& rule);
// The service of a rule in flow notation, with the ports AWS applies (none for -1 and protocols
// without ports): "tcp/22", "tcp/0-1023", "icmp/8:0", "icmp/8", "icmp", "proto/50", "all"; an open
// value as the input wrote it (unresolved_service_notation()). What `dump`, findings and baselines
// print.
std::string service_notation(const Rule& rule);

// The port range (tcp, udp), ICMP type/code (icmp, icmpv6; absent = -1), or nullopt where AWS
// ignores ports (-1 and every other protocol): the "from"/"to" of `dump`.
std::optional<std::pair<int, int>> normalised_ports(const Rule& rule);

enum class GroupOrigin : std::uint8_t { aws_api, cloudformation, terraform };

struct Group {
  Name id;  // sg-…
  Name name;
  Name description;
  Name vpc_id;
  Name owner_id;
  std::vector<Tag> tags;
  std::vector<Rule> rules;  // atomic rules, in input order
  SourcePos location;
  // true when only describe-security-group-rules output named the group (no name, VPC, tags).
  bool from_rules_only = false;
  // Where the group was declared: templates have their own egress defaults (SG407).
  GroupOrigin origin = GroupOrigin::aws_api;
  // Templates only: the template gives no egress rule. CloudFormation then keeps an allow-all IPv4
  // egress rule (present in `rules`, located at the group); Terraform removes all egress.
  bool template_without_egress = false;
  // Templates only: the CloudFormation logical id ("AppSG") or Terraform address
  // ("aws_security_group.web"), which names the group in messages until its physical id is known.
  Name template_name;
};

// True when `name` names a template group the way a user may write it: its logical id or resource
// address (Group::template_name), or "FILE#LogicalId" with the file as the user named it. The
// group's id is "FILE#LogicalId" when two files define the logical id, else the bare name.
struct Inventory;
bool names_template_group(const Inventory& inventory, const Group& group, std::string_view name);

struct Interface {
  Name id;  // eni-…
  Name vpc_id;
  Name subnet_id;
  // AvailabilityZone (describe-network-interfaces) or the instance's Placement.AvailabilityZone:
  // where the Region of aws:SERVICE names comes from. Not printed by `dump`.
  Name availability_zone;
  Name instance_id;
  Name type;    // InterfaceType, e.g. "interface", "nat_gateway"
  Name status;  // "in-use", "available"
  std::vector<Name> groups;
  std::vector<Address> private_ips;  // IPv4 first (primary first), then IPv6: what references match
  std::vector<Cidr> delegated_prefixes;  // Ipv4Prefixes / Ipv6Prefixes
  std::vector<Address> public_ips;       // public and Elastic IPs: never match references
  std::vector<Tag> tags;
  SourcePos location;
};

struct PrefixList {
  Name id;  // pl-…
  Name name;
  std::optional<Family> family;
  std::optional<int> max_entries;
  bool entries_known = false;  // false: only the id (and family, max entries) were given
  std::vector<Cidr> entries;
  SourcePos location;
};

struct Vpc {
  Name id;
  std::vector<Cidr> cidrs;  // IPv4 and IPv6 blocks
  bool is_default = false;
  SourcePos location;
};

struct Peering {
  Name id;  // pcx-…
  Name requester_vpc;
  Name accepter_vpc;
  Name status;  // Status.Code, e.g. "active"
  SourcePos location;
};

struct Inventory {
  std::vector<std::string> files;        // as the user named them; "-" for standard input
  std::vector<Group> groups;             // sorted by id
  std::vector<Interface> interfaces;     // sorted by id
  std::vector<PrefixList> prefix_lists;  // sorted by id
  std::vector<Vpc> vpcs;                 // sorted by id
  std::vector<Peering> peerings;         // sorted by id
  // Problems with values inside well-formed input (bad CIDR, port out of range, …), each with the
  // catalogue id it maps to. The rules concerned have valid == false.
  Diagnostics diagnostics;

  const Group* find_group(std::string_view id) const;
  const Interface* find_interface(std::string_view id) const;
  const PrefixList* find_prefix_list(std::string_view id) const;
  const Vpc* find_vpc(std::string_view id) const;
  Location location(const SourcePos& pos) const;  // with the file name
  std::size_t rule_count() const;
};

struct LoadLimits {
  std::uint64_t max_file_bytes = std::uint64_t{1} << 30;  // 1 GiB per file
  std::uint32_t max_depth = 64;                           // JSON/YAML nesting
  std::uint64_t max_rules = 10'000'000;                   // atomic rules in all
  // Threads that parse files (not a limit, but how much of the machine the load may use): with
  // more than one, files are parsed side by side; the inventory and diagnostics are the same.
  unsigned jobs = 1;
  // Terraform source (`.tf`) only, not limits either: variable values as `terraform plan -var
  // NAME=VALUE` and `-var-file FILE` take them, for every root module of the load.
  std::vector<std::string> terraform_vars;       // "NAME=VALUE"
  std::vector<std::string> terraform_var_files;  // *.tfvars files
};

struct LoadStats {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  double read_seconds = 0;   // reading files into memory
  double parse_seconds = 0;  // parsing and building the per-file model
  double merge_seconds = 0;  // merging, sorting, cross-checks
};

// A file that was read but holds no security-group input (package.json, a Kubernetes manifest).
struct SkippedInput {
  std::string file;    // as the user named it (or as found in a directory)
  std::string reason;  // "not security-group input"
};

struct LoadResult {
  // Everything the readable inputs hold, also when some inputs had errors: one bad file never hides
  // the rest (product.md §2).
  Inventory inventory;
  // Errors that make an input unusable (unreadable file, invalid JSON or YAML, a group defined
  // twice with different rules): non-empty means exit status 2, after the rest is reported.
  Diagnostics errors;
  std::vector<SkippedInput> skipped;  // in file-name order; their files are in inventory.files
  LoadStats stats;
  bool ok() const { return errors.empty(); }
};

// Reads every input (file, directory read recursively for *.json *.yaml *.yml *.template *.tf
// *.tfvars in name order, or "-" for standard input) and merges them into one inventory. A
// directory of `.tf` files is one Terraform module (a `.tf` file named alone stands for its
// directory), read as its plan would be.
LoadResult load_inventory(const std::vector<std::string>& inputs, const LoadLimits& limits = {});

// The same for in-memory documents, named as given: the seam for tests and fuzzers.
struct NamedBuffer {
  std::string name;
  std::string content;
};
LoadResult load_inventory_from_buffers(const std::vector<NamedBuffer>& buffers,
                                       const LoadLimits& limits = {});

}  // namespace sgcheck

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
