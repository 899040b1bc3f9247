// `query` answers: one flow's decision as text or as one JSON line, the verdict counts, and the
// JSON Lines of query --batch, written directly (the batch is a hot path: a tree per flow showed in
// its profile) with every rule's JSON prepared once per batch. Entry points: query_text(),
// query_json(), verdict_counts_text(), QueryJsonLines.
#include <string>

#include "report/json_writer.h"
#include "report/rule_json.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

// Literal pieces are appended as string_views: no strlen() per piece.
using namespace std::string_view_literals;

constexpr std::string_view kNotEvaluated =
    "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet allowed here "
    "may still be dropped elsewhere.\n";

// ---- Text

const char* verdict_words(Verdict v) {
  switch (v) {
    case Verdict::allow:
      return "allowed by security groups";
    case Verdict::deny:
      return "denied by security groups";
    case Verdict::partial:
      return "partly allowed by security groups";
    case Verdict::unknown:
      return "unknown: the answer depends on what the inventory lacks";
    case Verdict::not_applicable:
      return "not applicable";
  }
  return "unknown";
}

void append_joined(std::string& out, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", "sv;
    out += items[i];
  }
}

// "sg-0aa (web)"; the id alone for an unnamed group; marked when the inventory lacks it.
std::string group_label(const Inventory& inv, const std::string& id) {
  const Group* g = inv.find_group(id);
  if (g == nullptr) return id + " (not in the inventory)";
  return g->name.empty() ? id : id + " (" + g->name + ")";
}

void append_side_text(std::string& out, const Inventory& inv, Direction direction,
                      const SideDecision& side) {
  const bool egress = direction == Direction::egress;
  out += egress ? "  egress: "sv : "  ingress: "sv;
  out += verdict_name(side.verdict);
  if (side.verdict == Verdict::not_applicable) {
    out += egress ? " (the source is outside the inventory)\n"sv
                  : " (the destination is outside the inventory)\n"sv;
    return;
  }
  std::vector<std::string> groups;
  for (const std::string& id : side.groups) groups.push_back(group_label(inv, id));
  out += ", "sv;
  append_joined(out, side.interfaces);
  out += " with "sv;
  if (groups.empty()) {
    out += "no groups"sv;
  } else {
    append_joined(out, groups);
  }
  out += '\n';
  for (const RuleRef& ref : side.rules) {
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    out += "    "sv;
    inv.location(r.location).append_to(out);
    out += ": "sv;
    out += g.id;
    if (!r.id.empty()) {
      out += ' ';
      out += r.id;
    }
    out += " allows "sv;
    out += describe_rule(inv, ref);
    out += '\n';
  }
}

void append_lines(std::string& out, std::string_view label, const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    out += label;
    out += item;
    out += '\n';
  }
}

// ---- JSON

// Endpoint::to_string() appended to `out`, without its temporary strings for the endpoints of a
// point flow (the id as it is, an address's text).
void append_endpoint(std::string& out, const Endpoint& e) {
  switch (e.kind) {
    case EndpointKind::interface:
    case EndpointKind::instance:
      out += e.id;
      return;
    case EndpointKind::address:
      append_to(out, Address{e.cidr.family, e.cidr.base});
      return;
    default:
      out += e.to_string();
  }
}

// Flow::to_string() into `out` (cleared first), a buffer reused from one flow to the next.
void flow_text(std::string& out, const Flow& flow) {
  out = flow.service.to_string();
  out += " from "sv;
  append_endpoint(out, flow.source);
  out += " to "sv;
  append_endpoint(out, flow.destination);
}

// A Decision read as a BatchDecision is, so that one writer serves both.
class DecisionFields {
 public:
  DecisionFields(const Flow& flow, const Decision& d) : flow_(flow), d_(d) {}
  const Flow& flow() const { return flow_; }
  Verdict verdict() const { return d_.verdict; }
  Verdict side_verdict(Direction direction) const { return side(direction).verdict; }
  const std::vector<RuleRef>& rules(Direction direction) const { return side(direction).rules; }
  std::size_t reason_count() const { return d_.reasons.size(); }
  std::string_view reason(std::size_t i) const { return d_.reasons[i]; }
  const Decision* set_question() const { return d_.set_question ? &d_ : nullptr; }

 private:
  const SideDecision& side(Direction direction) const {
    return direction == Direction::egress ? d_.egress : d_.ingress;
  }
  const Flow& flow_;
  const Decision& d_;
};

// {"verdict":…,"rules":[…]}, each rule's JSON from append_rule(out, ref).
template <typename AppendRule>
void append_side_json(std::string& out, Verdict verdict, const std::vector<RuleRef>& rules,
                      const AppendRule& append_rule) {
  out += "{\"verdict\":\""sv;
  out += verdict_name(verdict);  // a fixed word: nothing to escape
  out += "\",\"rules\":["sv;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i > 0) out += ',';
    append_rule(out, rules[i]);
  }
  out += "]}"sv;
}

// One decision's JSON line: {"flow","verdict","egress","ingress","reasons"} and a set question's
// "allowed", "denied", "unknown".
template <typename Fields, typename AppendRule>
void append_decision_json(std::string& out, const Fields& d, const AppendRule& append_rule) {
  thread_local std::string text;
  flow_text(text, d.flow());
  out += "{\"flow\":"sv;
  append_json_string(out, text);
  out += ",\"verdict\":\""sv;
  out += verdict_name(d.verdict());
  out += "\",\"egress\":"sv;
  append_side_json(out, d.side_verdict(Direction::egress), d.rules(Direction::egress), append_rule);
  out += ",\"ingress\":"sv;
  append_side_json(out, d.side_verdict(Direction::ingress), d.rules(Direction::ingress),
                   append_rule);
  out += ",\"reasons\":["sv;
  for (std::size_t i = 0; i < d.reason_count(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, d.reason(i));
  }
  out += ']';
  if (const Decision* set = d.set_question()) {
    out += ",\"allowed\":"sv;
    append_json_string_array(out, set->allowed);
    out += ",\"denied\":"sv;
    append_json_string_array(out, set->denied);
    out += ",\"unknown\":"sv;
    append_json_string_array(out, set->unknown);
  }
  out += "}\n"sv;
}

}  // namespace

void append_rule_json(std::string& out, const Inventory& inv, RuleRef ref, std::string& location) {
  const Group& g = inv.groups[ref.group];
  const Rule& r = g.rules[ref.rule];
  out += "{\"group\":"sv;
  append_json_string(out, g.id);
  out += ",\"rule\":"sv;
  if (r.id.empty()) {
    out += "null"sv;
  } else {
    append_json_string(out, r.id);
  }
  out += ",\"location\":"sv;
  location.clear();
  inv.location(r.location).append_to(location);
  append_json_string(out, location);
  out += '}';
}

std::string not_evaluated_line() {
  return std::string(kNotEvaluated);
}

std::string query_text(const Inventory& inventory, const Flow& flow, const Decision& decision) {
  std::string out = flow.to_string();
  out += ": "sv;
  out += verdict_words(decision.verdict);
  out += '\n';
  append_side_text(out, inventory, Direction::egress, decision.egress);
  append_side_text(out, inventory, Direction::ingress, decision.ingress);
  if (decision.set_question) {
    append_lines(out, "  allowed: "sv, decision.allowed);
    append_lines(out, "  denied: "sv, decision.denied);
    append_lines(out, "  unknown: "sv, decision.unknown);
  }
  append_lines(out, "  reason: "sv, decision.reasons);
  return out;
}

std::string query_json(const Inventory& inventory, const Flow& flow, const Decision& decision) {
  std::string out;
  std::string location;
  append_decision_json(out, DecisionFields(flow, decision), [&](std::string& to, RuleRef ref) {
    append_rule_json(to, inventory, ref, location);
  });
  return out;
}

std::string verdict_counts_text(const VerdictCounts& counts, std::size_t flows) {
  std::string out = "flows " + std::to_string(flows) + "\n";
  for (const Verdict v : {Verdict::allow, Verdict::deny, Verdict::unknown, Verdict::partial}) {
    out += verdict_name(v);
    out += ' ';
    out += std::to_string(counts.of(v));
    out += '\n';
  }
  return out;
}

// The JSON of every rule, written once, in the model's order of groups and rules: a side's rules
// are copied from one array instead of read from the model (the group, the rule and their id
// strings, each a cache miss on a large inventory).
struct QueryJsonLines::Impl {
  std::vector<std::size_t> first;  // per group: the index of its first rule
  std::vector<std::size_t> ends;   // rule k's JSON is text[ends[k], ends[k + 1])
  std::string text;

  explicit Impl(const Inventory& inv) {
    std::size_t rules = 0;
    std::size_t bytes = 0;  // the text's size when nothing needs escaping
    first.reserve(inv.groups.size());
    for (const Group& g : inv.groups) {
      first.push_back(rules);
      rules += g.rules.size();
      for (const Rule& r : g.rules) {
        const std::size_t file =
            r.location.file < inv.files.size() ? inv.files[r.location.file].size() : 0;
        bytes += 64 + g.id.size() + r.id.size() + file;  // 64: the keys, quotes, line and column
      }
    }
    text.reserve(bytes);
    ends.reserve(rules + 1);
    ends.push_back(0);
    std::string location;
    for (std::uint32_t g = 0; g < inv.groups.size(); ++g) {
      for (std::uint32_t r = 0; r < inv.groups[g].rules.size(); ++r) {
        append_rule_json(text, inv, RuleRef{g, r}, location);
        ends.push_back(text.size());
      }
    }
  }

  std::string_view of(RuleRef ref) const {
    const std::size_t k = first[ref.group] + ref.rule;
    return std::string_view(text).substr(ends[k], ends[k + 1] - ends[k]);
  }

  void prefetch(RuleRef ref) const {
    __builtin_prefetch(text.data() + ends[first[ref.group] + ref.rule]);
  }
};

QueryJsonLines::QueryJsonLines(const Inventory& inventory)
    : impl_(std::make_unique<Impl>(inventory)) {}
QueryJsonLines::~QueryJsonLines() = default;

void QueryJsonLines::append(const BatchDecision* decisions, std::size_t count,
                            std::string& out) const {
  const Impl& rules = *impl_;
  // The rules' JSON the lines copy, fetched first so that their cache misses overlap instead of
  // coming one after the other.
  for (std::size_t k = 0; k < count; ++k) {
    for (const RuleRef& ref : decisions[k].rules(Direction::egress)) rules.prefetch(ref);
    for (const RuleRef& ref : decisions[k].rules(Direction::ingress)) rules.prefetch(ref);
  }
  const auto append_rule = [&](std::string& to, RuleRef ref) { to += rules.of(ref); };
  for (std::size_t k = 0; k < count; ++k) append_decision_json(out, decisions[k], append_rule);
}

}  // namespace sgcheck
