// The packet-decision engine: flow expressions (product.md §5), an Engine compiled once from an
// Inventory, and three-valued decisions with the rules that allow a flow and why others do not.
// Entry points: parse_flow() turns 'tcp/22 from 10.0.0.5 to eni-0a1' into a Flow; Engine(inventory)
// compiles; Engine::decide() answers with an explanation, Engine::verdict() without (the fast
// path); decide_batch() and count_verdicts() decide many flows on several threads;
// compute_exposure() and MatrixView answer per group, interface or class of interfaces.
//
// Semantics (aws-semantics.md §2): a flow A→B is allowed iff the egress rules of A's groups allow
// it (when A is an interface of the inventory) and the ingress rules of B's groups allow it (when B
// is). Rules only allow; groups on an interface pool their rules; return traffic is not evaluated.
// A side whose endpoint is outside the inventory is not-applicable. The answer is unknown when it
// depends on what the inventory lacks (a group it does not define, prefix-list entries, members of
// a group when it holds no interfaces), unless a resolved rule allows anyway.
//
// Endpoints: an address that is a private address of an interface *is* that interface (its egress
// rules apply, it is a member of its groups); an interface's public address reaches it on a
// translated path, where group references match nothing. eni-… and i-… stand for the interface's
// primary private address of the flow's family (IPv4 unless the other endpoint or the service is
// IPv6). sg-… is every interface carrying the group, and so is a group written by name (a
// template's logical id AppSG or resource address aws_security_group.web, see
// resolve_flow_names()); `internet` is every public address (internet4,
// or internet6 in an IPv6 flow) from outside the inventory, `internet4` and `internet6` that of one
// family (they fix the flow's family, as an address does); `all` as an endpoint is every address
// of the flow's family (0.0.0.0/0 or ::/0). A CIDR, sg-…, internet, all, a port range, the `all`
// service, or an ICMP service without a full type:code makes the flow a set question: its verdict
// is partial when some parts are allowed and others not, and the parts are listed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/values.h"

namespace sgcheck {

// ---- Flow expressions -------------------------------------------------------------------------

enum class EndpointKind : std::uint8_t {
  address,    // one IPv4 or IPv6 address
  cidr,       // a block of addresses (a set question)
  interface,  // eni-…
  instance,   // i-…
  group,      // sg-…: every interface carrying it
  internet,   // every public address outside the inventory (internet, internet4, internet6)
  aws_range,  // aws:SERVICE[@REGION]: AWS's published ranges of a service (a set question)
};

// aws:SERVICE or aws:SERVICE@REGION as a flow writes it (include/sgcheck/ranges.h), and what
// resolve_flow_names() makes of it: the Region (the name's own, or the other endpoint's) and the
// prefixes of both families there.
struct AwsEndpoint {
  std::string service;  // as written, checked against aws_ranges() when parsed
  std::string region;   // as written; empty: the other endpoint's Region
  bool resolved = false;
  std::string resolved_region;  // empty for a service that spans Regions named without one
  std::vector<Cidr> prefixes;   // IPv4 first
  // Where the Region came from and which snapshot was used, for a reason line.
  std::string note;
  // "aws:EC2_INSTANCE_CONNECT@ap-northeast-2": the name with the Region it resolved to.
  std::string resolved_name() const;
};

struct Endpoint {
  EndpointKind kind = EndpointKind::address;
  Cidr cidr;                 // address: the host block (/32 or /128); cidr: the block
  std::string id;            // interface, instance, group
  std::uint32_t column = 0;  // where the endpoint starts in the flow text (1-based), for errors
  // A group written by name (kind group): a template's logical id or resource address, or a group
  // name, as the flow wrote it. resolve_flow_names() sets `id` to the group it names; to_string()
  // prints the name.
  std::string name;
  // `internet4` / `internet6` (kind internet): the one family it stands for; `internet` leaves the
  // family to the flow.
  std::optional<Family> internet_family;
  // `all` (kind cidr): every address of the flow's family; parse_flow() sets `cidr` to 0.0.0.0/0 or
  // ::/0 once the flow's family is known. to_string() prints `all`.
  bool all_addresses = false;
  // aws:SERVICE[@REGION] (kind aws_range); shared and immutable, null for every other kind.
  std::shared_ptr<const AwsEndpoint> aws;
  std::string to_string() const;  // canonical text, as a flow expression writes it
  // The address family the endpoint fixes for its flow: an address's or a CIDR's (`all` once
  // resolved), internet4's or internet6's; none for ids, groups and `internet`.
  std::optional<Family> family() const;
};

// A set of packets' (protocol, destination port or ICMP type:code).
struct Service {
  int protocol = kAllProtocols;   // -1 = every protocol (`all`), else 0..255
  PortRange ports{0, 65535};      // tcp, udp: the destination ports
  IcmpTypeCode icmp;              // icmp, icmpv6: the type and code, -1 = all
  std::string to_string() const;  // "tcp/22", "udp/1000-2000", "icmp/8:0", "proto/50", "all"
  // True when the service is one packet kind: a single port, a full ICMP type:code, or a protocol
  // without ports. `all`, port ranges and ICMP wildcards are sets.
  bool is_point() const;
};

struct Flow {
  Service service;
  Endpoint source;
  Endpoint destination;
  std::string to_string() const;  // "tcp/22 from 10.0.0.5 to eni-0a1"
  bool is_point() const;          // a point service between two single endpoints
};

struct FlowParseResult {
  std::optional<Flow> flow;
  Diagnostic error;  // meaningful only when !flow: message, line:col and the source line
  // What was read other than written, for a flow that parsed: a CIDR with host bits set
  // (10.0.0.5/8) is read as its network (10.0.0.0/8).
  Diagnostics warnings;
  explicit operator bool() const { return flow.has_value(); }
};

// Parses one flow expression (PEGTL grammar, product.md §5). Never throws. `file` and `line` name
// the expression's place in the error (e.g. the --batch file and its line).
FlowParseResult parse_flow(std::string_view text, std::string_view file = "<flow>",
                           std::uint32_t line = 1);

// One ENDPOINT alone, as a flow writes it (exposure --target). `internet` and `all` keep no family
// (no flow decides one). A group written by name still needs resolve_endpoint_name().
struct EndpointParseResult {
  std::optional<Endpoint> endpoint;
  Diagnostic error;  // meaningful only when !endpoint
  Diagnostics warnings;
  explicit operator bool() const { return endpoint.has_value(); }
};
EndpointParseResult parse_endpoint(std::string_view text, std::string_view file = "<endpoint>",
                                   std::uint32_t line = 1);

// One SERVICE alone, as a flow writes it; any family.
struct ServiceParseResult {
  std::optional<Service> service;
  Diagnostic error;   // meaningful only when !service
  Diagnostics notes;  // what was read other than written (parse_matrix_service())
  explicit operator bool() const { return service.has_value(); }
};
ServiceParseResult parse_service(std::string_view text, std::string_view file = "<service>",
                                 std::uint32_t line = 1);
// The service of a matrix (matrix --service): one packet kind (Service::is_point()), of either
// family (icmpv6 makes the matrix IPv6). An ICMP type without a code (icmpv6/128, as ping is
// usually written) is read as its code 0, with a note, since echo and most types have only that
// code; a set of services (a port range, `all`) is an error.
ServiceParseResult parse_matrix_service(std::string_view text, std::string_view file = "--service");

// Resolves the endpoints a flow names by name against the inventory: a group id, a template
// group's logical id or resource address (Group::template_name), or a name only one group has
// (Group::name), in that order. Returns an error at the endpoint (line:col, the source line
// `text`) when a name matches no group or several; nothing when every name resolved. An
// aws:SERVICE endpoint gets its prefixes from aws_ranges(): in its own @REGION, else in the
// Region of the other endpoint (an interface's availability zone, or the Regions of the
// interfaces of its VPC or group); an error says so when there is no such Region or several.
std::optional<Diagnostic> resolve_flow_names(Flow& flow, const Inventory& inventory,
                                             std::string_view text,
                                             std::string_view file = "<flow>",
                                             std::uint32_t line = 1);
// The same for one endpoint (parse_endpoint()); nothing to do unless it is a group written by name.
std::optional<Diagnostic> resolve_endpoint_name(Endpoint& endpoint, const Inventory& inventory,
                                                std::string_view text,
                                                std::string_view file = "<endpoint>",
                                                std::uint32_t line = 1);

// ---- Decisions --------------------------------------------------------------------------------

enum class Verdict : std::uint8_t {
  allow,
  deny,
  unknown,
  partial,         // set questions: some parts allowed, others denied or unknown
  not_applicable,  // a side whose endpoint is outside the inventory
};
// "allow", "deny", "unknown", "partial", "not-applicable".
const char* verdict_name(Verdict verdict);

// An atomic rule of the inventory: Inventory::groups[group].rules[rule].
struct RuleRef {
  std::uint32_t group = 0;
  std::uint32_t rule = 0;
  bool operator==(const RuleRef&) const = default;
  auto operator<=>(const RuleRef&) const = default;
};

struct SideDecision {
  Verdict verdict = Verdict::not_applicable;
  std::vector<RuleRef> rules;  // every rule that allows (a part of) the flow on this side
  // The interfaces whose rules were evaluated ("eni-…"), and their groups, in order.
  std::vector<std::string> interfaces;
  std::vector<std::string> groups;
};

struct Decision {
  Verdict verdict = Verdict::unknown;
  SideDecision egress;
  SideDecision ingress;
  // Why a deny (the groups consulted, the nearest rule) or an unknown (what the inventory lacks),
  // and, whatever the verdict, what it rests on where AWS is silent (an address taken as the
  // interface whose delegated prefix holds it).
  std::vector<std::string> reasons;
  // Set questions only: the parts of the flow by verdict, each a flow expression
  // ("tcp/22 from 10.0.0.0/9 to eni-0a1 (10.0.1.5)").
  bool set_question = false;
  std::vector<std::string> allowed;
  std::vector<std::string> denied;
  std::vector<std::string> unknown;
};

// Compiled once from an inventory (which must outlive the engine and not change); decisions are
// const and thread-safe, and read the compiled tables without copying the model.
class Engine {
 public:
  explicit Engine(const Inventory& inventory);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The full answer: verdicts, allowing rules, reasons, and for set questions the parts.
  Decision decide(const Flow& flow) const;
  // decide() of each of `count` flows into out[0..count): the same answers, faster for many flows.
  void decide(const Flow* flows, std::size_t count, Decision* out) const;
  // The verdict alone; for point flows it allocates nothing.
  Verdict verdict(const Flow& flow) const;
  // verdict() of each of `count` flows into out[0..count): the same answers, faster for many flows
  // (the lookups of several flows overlap in memory).
  void verdicts(const Flow* flows, std::size_t count, Verdict* out) const;

  const Inventory& inventory() const;

  // The compiled tables, opaque here: the library's own modules read them (src/engine/).
  struct Impl;
  const Impl& impl() const;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Batches of flows (query --batch) ---------------------------------------------------------

// A batch file's flows: one flow expression per line; blank lines and '#' comments (whole or
// trailing) are skipped.
struct FlowBatchLine {
  std::uint32_t number = 0;  // 1-based line number in the file
  std::string_view text;     // the flow's text, without the comment and the line end
};
struct FlowBatch {
  std::vector<FlowBatchLine> lines;
  std::vector<Flow> flows;  // flows[i] is read from lines[i]
  // The indexes of the flows that name a group by name or an AWS range (aws:SERVICE), in order:
  // what resolve_flow_batch_names() resolves.
  std::vector<std::size_t> named;
  // Every line's errors and warnings (a CIDR read as its network), in line order.
  Diagnostics diagnostics;
  bool ok = true;  // false when a line is not a flow: then nothing is to be decided
};
// Parses every line of `text` (which the batch's lines point into: it must outlive them) on `jobs`
// threads; the result is the same for every `jobs`. `file` names the batch in diagnostics.
FlowBatch parse_flow_batch(std::string_view text, std::string_view file, unsigned jobs = 1);
// resolve_flow_names() of the flows `named` lists against the inventory: the errors, in line order
// (empty when every name resolved).
Diagnostics resolve_flow_batch_names(FlowBatch& batch, const Inventory& inventory,
                                     std::string_view file);

// How many flows got each verdict.
struct VerdictCounts {
  std::uint64_t by_verdict[5] = {};  // indexed by Verdict
  std::uint64_t of(Verdict verdict) const { return by_verdict[static_cast<int>(verdict)]; }
  void add(Verdict verdict) { ++by_verdict[static_cast<int>(verdict)]; }
  void add(const VerdictCounts& other) {
    for (int i = 0; i < 5; ++i) by_verdict[i] += other.by_verdict[i];
  }
  bool all_allowed() const;  // every flow counted was allowed
};

// verdict() of every flow, on `jobs` threads, counted: the fast path (no explanation).
VerdictCounts count_verdicts(const Engine& engine, const std::vector<Flow>& flows,
                             unsigned jobs = 1);

struct PointDecision;  // private (src/engine/): a point flow's decision in reused buffers

// One decision of decide_batch(), valid while its window is being rendered: what decide() answers
// but, for a point flow, without the sides' interfaces and groups (a batch writer needs neither,
// and leaving them out keeps a point decision free of allocations).
class BatchDecision {
 public:
  const Flow& flow() const { return *flow_; }
  Verdict verdict() const;
  Verdict side_verdict(Direction direction) const;  // SideDecision::verdict of egress or ingress
  const std::vector<RuleRef>& rules(Direction direction) const;  // SideDecision::rules
  std::size_t reason_count() const;                              // Decision::reasons
  std::string_view reason(std::size_t i) const;
  // A set question's whole Decision (its parts); nullptr for a point flow.
  const Decision* set_question() const {
    return decision_ != nullptr && decision_->set_question ? decision_ : nullptr;
  }

 private:
  friend struct BatchWindow;
  const Flow* flow_ = nullptr;
  const PointDecision* point_ = nullptr;  // a point flow's decision
  const Decision* decision_ = nullptr;    // a set question's
};

// Renders a window of consecutive decisions, in input order, by appending to `out`. Called on
// every thread of the batch at once, each thread with its own `out`.
using BatchRender =
    std::function<void(const BatchDecision* decisions, std::size_t count, std::string& out)>;
// Takes a rendered block (in input order).
using BatchWrite = std::function<void(std::string_view block)>;

// decide() of every flow, on `jobs` threads: the flows are decided in blocks, each block split
// over the threads; each thread renders its part's decisions, a window at a time, into a buffer of
// its own, and the buffers go to `write` in input order, so the output is the same for every
// `jobs`. A block is small enough for a thread's rendering to stay in the cache until it is
// written. Returns the verdict counts.
VerdictCounts decide_batch(const Engine& engine, const std::vector<Flow>& flows, unsigned jobs,
                           const BatchRender& render, const BatchWrite& write);

// ---- Exposure and matrix ---------------------------------------------------------------------

enum class InternetExposure : std::uint8_t { none, part, all };
const char* internet_exposure_name(InternetExposure e);  // "none", "part", "all"

// One line of an exposure: a set of services and the peers they are open to (or sent to).
struct ExposureLine {
  std::string services;            // "tcp/80, tcp/443", "icmp/8", "all"
  std::vector<std::string> peers;  // "0.0.0.0/0", "10.0.0.0/8", "sg-0bb (app)", "pl-0cc"
  // Whether the peers hold public addresses (internet4 / internet6): part of them, or all of one
  // family's.
  InternetExposure internet = InternetExposure::none;
  std::vector<RuleRef> rules;  // the rules it comes from
};

// What one group, or one interface over the union of its groups, admits inbound and sends outbound.
struct Exposure {
  std::string target;               // "sg-…" or "eni-…"
  std::string label;                // "group sg-0aa (web) in vpc-…", "interface eni-… (i-…)"
  std::vector<std::string> groups;  // an interface's groups
  std::vector<ExposureLine> inbound;
  std::vector<ExposureLine> outbound;
  std::vector<std::string> notes;  // what the inventory lacks (undefined groups, prefix lists)
};

// Every group and interface, or only `target` (sg-…, eni-…, or the interfaces of i-…). An unknown
// target gives an empty vector.
std::vector<Exposure> compute_exposure(const Inventory& inventory, std::string_view target = {});
// The first `max_targets` exposures of compute_exposure(inventory): groups, then interfaces.
std::vector<Exposure> compute_exposure_first(const Inventory& inventory, std::size_t max_targets);

// What `exposure --target TEXT` names, as compute_exposure() takes it: any endpoint a flow may name
// that stands for one group or interface (sg-…, a group's logical id, resource address, FILE#Id
// or name, eni-…, i-…, an address of an interface), resolved as flows resolve it. Returns the
// group, interface or instance id, or an error at TEXT's column (file "<target>").
struct ExposureTarget {
  std::string id;
  std::optional<Diagnostic> error;
  Diagnostics warnings;
};
ExposureTarget resolve_exposure_target(const Inventory& inventory, std::string_view text);

// Which interfaces can open `service` (one packet kind) to which, computed per class of interfaces
// with the same VPC and groups.
struct MatrixClass {
  std::string vpc;
  std::vector<std::string> groups;
  std::vector<std::string> interfaces;
};
struct MatrixCell {
  std::uint32_t from = 0;  // index into classes
  std::uint32_t to = 0;
  Verdict verdict = Verdict::deny;  // allow, deny, unknown, or partial (members differ)
};
struct MatrixPair {
  std::string from;  // eni-…
  std::string to;
  Verdict verdict = Verdict::deny;
};
struct Matrix {
  std::vector<MatrixClass> classes;
  std::vector<MatrixCell> cells;  // every ordered pair of classes with at least one member pair
  std::vector<MatrixPair> pairs;  // with want_pairs: every ordered pair of distinct interfaces
};
// Everything at once, in memory: for small inventories and tests (cells grow with classes², pairs
// with interfaces²). Any service; a point service goes through MatrixView.
Matrix compute_matrix(const Engine& engine, const Service& service, bool want_pairs);

// What one class's rules grant in one direction for the matrix's service: the peers whose packets
// its ingress admits (or to which its egress lets it open the service). A pair of interfaces is
// allowed iff the source's outbound grants match the destination and the destination's inbound
// grants match the source.
struct MatrixGrants {
  // Addresses matched, as canonical CIDRs (host blocks as addresses), prefix lists' entries
  // included: an interface is matched by its primary private address of the service's family.
  std::vector<std::string> cidrs;
  InternetExposure internet = InternetExposure::none;  // how much of the internet the CIDRs hold
  std::vector<std::string> groups;  // referenced groups (sg-…, sorted): their members match
  // Why some peers' answer is unknown (undefined groups, prefix lists without entries): a pair
  // these grants do not allow is then unknown, not denied.
  std::vector<std::string> unknown;
};

// The matrix of one point service (Service::is_point()) over classes of interfaces with the same
// VPC and groups, without materialising cells or pairs: per class its grants in both directions
// (size: classes × grants), and, when asked, the cells or pairs streamed to a visitor. The engine
// must outlive the view.
class MatrixView {
 public:
  MatrixView(const Engine& engine, const Service& service);
  ~MatrixView();
  MatrixView(MatrixView&&) noexcept;
  MatrixView& operator=(MatrixView&&) noexcept;
  MatrixView(const MatrixView&) = delete;
  MatrixView& operator=(const MatrixView&) = delete;

  // Classes in the order of their first member (interfaces sorted by id).
  const std::vector<MatrixClass>& classes() const;
  // Index into Inventory::interfaces of each member of the class, in the class's order.
  const std::vector<std::uint32_t>& members(std::uint32_t klass) const;
  // The class's inbound (ingress) or outbound (egress) grants.
  const MatrixGrants& grants(std::uint32_t klass, Direction direction) const;
  // Members without a private address of the service's family: every pair with them is unknown.
  const std::vector<std::string>& unaddressed(std::uint32_t klass) const;
  Family family() const;  // IPv4, or IPv6 for icmpv6 (as Engine::verdict() resolves eni-…)

  // Every ordered pair of classes with at least one pair of distinct members, source-major, with
  // the verdict of its member pairs (allow, deny, unknown, or partial when they differ).
  void for_each_cell(const std::function<void(const MatrixCell&)>& visit) const;
  // The same among the first `classes` classes only (a heat map of a large inventory's first
  // classes, without the cells of the others).
  void for_each_cell(std::uint32_t classes,
                     const std::function<void(const MatrixCell&)>& visit) const;
  // Every ordered pair of distinct interfaces (indices into Inventory::interfaces) with its
  // verdict, class pair by class pair in the order of for_each_cell.
  void for_each_pair(
      const std::function<void(std::uint32_t from, std::uint32_t to, Verdict)>& visit) const;

 private:
  struct Impl;  // the classes' tables (src/engine/matrix.cc)
  std::unique_ptr<Impl> impl_;
};

// One line describing an atomic rule as a flow fragment: "tcp/22 from 10.0.0.0/8",
// "all to sg-0bb (db)", "icmp/8:-1 from pl-0cc".
std::string describe_rule(const Inventory& inventory, RuleRef ref);

// ---- Services of rules (the group graph's edge labels and --service filter) -------------------

// What the rules allow together (settled or, for rules a template leaves open, might allow), one
// compact text naming each protocol once: "tcp/22, 443, 8080-8090, udp/53", "icmp/8:0", "all".
// Empty when they allow nothing.
std::string rules_services_text(const Inventory& inventory, const std::vector<RuleRef>& rules);
// Whether a valid rule allows (or might allow) some packet of `service` (any set of services).
bool rule_may_allow(const Rule& rule, const Service& service);

}  // namespace sgcheck
