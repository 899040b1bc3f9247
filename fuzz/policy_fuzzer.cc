// Fuzz target for the policy language (product.md §6): the bytes are one policy file for
// policy::parse_policy(); a file that parses is also compiled and evaluated on a small fixed
// inventory (every peer kind, unknown prefix-list entries, an undefined group, tags, a default
// group, interfaces over several groups), so the fuzzer reaches the set algebra and the evaluator,
// not only the grammar. Entry point: LLVMFuzzerTestOneInput.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/engine/builders.h"
#include "policy/ast.h"
#include "policy/evaluate.h"

namespace {

using namespace sgcheck;
using namespace sgcheck::testing;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "policy_fuzzer: %s\n", what.c_str());
  std::abort();
}

Group tagged(Group g, std::vector<Tag> tags) {
  g.tags = std::move(tags);
  return g;
}

// Built once: what the clauses are judged on. Covers the cases that make verdicts unknown (pl-02
// has no entries, sg-09 is not defined, eni-03 has no addresses) next to exact ones.
const Inventory& fixed_inventory() {
  static const Inventory inventory = [] {
    using D = Direction;
    Inventory inv;
    inv.groups.push_back(
        tagged(group("sg-01", "vpc-0a",
                     {cidr_rule(D::ingress, kTcp, 80, 80, "0.0.0.0/0"),
                      cidr_rule(D::ingress, kTcp, 443, 443, "::/0"),
                      cidr_rule(D::ingress, kTcp, 22, 22, "198.51.100.0/24"),
                      cidr_rule(D::ingress, kTcp, 1000, 2000, "8.0.0.0/7"),
                      cidr_rule(D::egress, kAllProtocols, std::nullopt, std::nullopt, "0.0.0.0/0")},
                     "web"),
               {{Name("env"), Name("prod")}, {Name("team name"), Name("db core")}}));
    inv.groups.push_back(group("sg-02", "vpc-0a",
                               {ref_rule(D::ingress, kTcp, 5432, 5432, "sg-01"),
                                pl_rule(D::ingress, kTcp, 5432, 5432, "pl-01"),
                                cidr_rule(D::ingress, kUdp, 53, 53, "10.0.0.0/8"),
                                cidr_rule(D::ingress, kIcmp, 8, -1, "0.0.0.0/0"),
                                cidr_rule(D::egress, kTcp, 443, 443, "2000::/3")},
                               "db-main"));
    inv.groups.push_back(
        group("sg-03", "vpc-0a",
              {ref_rule(D::ingress, kAllProtocols, std::nullopt, std::nullopt, "sg-03"),
               cidr_rule(D::egress, kAllProtocols, std::nullopt, std::nullopt, "::/0")},
              "default"));
    inv.groups.push_back(group("sg-04", "vpc-0b",
                               {cidr_rule(D::ingress, kTcp, 0, 65535, "0.0.0.0/0"),
                                cidr_rule(D::ingress, kUdp, 0, 65535, "0.0.0.0/0"),
                                pl_rule(D::ingress, 50, std::nullopt, std::nullopt, "pl-02"),
                                cidr_rule(D::ingress, kIcmpv6, -1, -1, "2001:db8::/32"),
                                ref_rule(D::ingress, kTcp, 22, 22, "sg-09")},
                               "bastion"));
    inv.interfaces.push_back(iface("eni-01", "vpc-0a", {"sg-01", "sg-02"},
                                   {"10.0.0.1", "2001:db8::1"}, {"203.0.113.9"}));
    inv.interfaces.push_back(iface("eni-02", "vpc-0b", {"sg-04", "sg-05"}, {"10.1.0.5"}));
    inv.interfaces.push_back(iface("eni-03", "vpc-0a", {"sg-03", "sg-01"}, {}));
    inv.prefix_lists.push_back(
        prefix_list("pl-01", std::vector<std::string>{"10.8.0.0/16", "2001:db8:8::/48"}));
    inv.prefix_lists.push_back(prefix_list("pl-02", std::nullopt, Family::ipv4));
    Vpc a;
    a.id = "vpc-0a";
    a.cidrs = {cidr("10.0.0.0/16"), cidr("2001:db8::/56")};
    inv.vpcs.push_back(a);
    return finish(std::move(inv));
  }();
  return inventory;
}

// What every diagnostic of ours has: a message that is ours, and a place inside the file.
void check_errors(const policy::ParseResult& result, std::string_view text) {
  for (const Diagnostic& d : result.errors) {
    if (d.message.empty()) fail("an error without a message");
    if (d.message.find("parse error matching") != std::string::npos)
      fail("PEGTL's generic message leaked: " + d.message);
    if (d.location.line == 0) {
      if (text.size() <= (4u << 20)) fail("an error without a line: " + d.message);
      continue;  // "too large" is about the whole file
    }
    if (d.location.column == 0) fail("an error without a column: " + d.message);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (d.location.line > lines) fail("an error past the last line: " + d.message);
  }
}

// A valid file: every rule is complete, and evaluation yields errors with a place (targets no group
// has) and findings of its own rules at targets of the inventory, each with a witness.
void check_evaluation(const policy::PolicyFile& file) {
  std::set<std::string> ids;
  for (const policy::PolicyRule& rule : file.rules) {
    if (rule.info.id.empty() || !rule.has_title || !rule.has_severity || rule.clauses.empty())
      fail("a valid file with an incomplete rule " + rule.info.id);
    ids.insert(rule.info.id);
  }
  const Inventory& inv = fixed_inventory();
  const std::vector<policy::CompiledRule> compiled = policy::compile_rules(file);
  std::vector<Finding> findings;
  Diagnostics errors;
  policy::evaluate_rules(compiled, inv, findings, errors);
  for (const Diagnostic& d : errors) {
    if (d.location.line == 0 || d.location.column == 0)
      fail("an evaluation error without a place: " + d.message);
  }
  for (const Finding& f : findings) {
    if (ids.count(f.id.str()) == 0) fail("a finding of no rule of the file: " + f.id);
    const bool at_group = !f.group.empty() && inv.find_group(f.group) != nullptr;
    const bool at_interface = !f.interface.empty() && [&] {
      return std::any_of(inv.interfaces.begin(), inv.interfaces.end(),
                         [&](const Interface& x) { return x.id == f.interface; });
    }();
    if (at_group == at_interface)
      fail(f.id + ": a finding at neither or both of group and interface");
    if (!f.witness) fail(f.id + ": a finding without a witness: " + f.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const policy::ParseResult result = policy::parse_policy(text, "fuzz.sgp");
  check_errors(result, text);
  if (result.ok()) check_evaluation(result.file);
  return 0;
}
