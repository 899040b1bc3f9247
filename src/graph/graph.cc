// The group graph of include/sgcheck/graph.h: nodes and edges from the rules (through Semantics:
// which references can match, what each rule's service is), edges coloured by lint's findings,
// then the filters (--service, --group, --exposed-only, --depth), collapsing and the cut to
// max_nodes. Entry point: build_graph().
#include <fnmatch.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "policy/sets.h"
#include "semantics/semantics.h"
#include "semantics/service.h"
#include "sgcheck/graph.h"

namespace sgcheck {

const char* graph_node_kind_name(GraphNodeKind kind) {
  switch (kind) {
    case GraphNodeKind::group:
      return "group";
    case GraphNodeKind::missing_group:
      return "missing-group";
    case GraphNodeKind::internet4:
      return "internet4";
    case GraphNodeKind::internet6:
      return "internet6";
    case GraphNodeKind::private_cidrs:
      return "private";
    case GraphNodeKind::public_cidrs:
      return "public";
    case GraphNodeKind::prefix_list:
      return "prefix-list";
  }
  return "group";
}

namespace {

using detail::Semantics;

// How a CIDR peer is drawn: which kind of node, by what public addresses it holds.
GraphNodeKind cidr_kind(const Cidr& cidr) {
  if (cidr.family == Family::ipv4) {
    const Ipv4Set set = to_set4(cidr);
    static const Ipv4Set internet = policy::internet4();
    if (set.contains(internet)) return GraphNodeKind::internet4;
    return set.overlaps(internet) ? GraphNodeKind::public_cidrs : GraphNodeKind::private_cidrs;
  }
  const Ipv6Set set = to_set6(cidr);
  static const Ipv6Set internet = policy::internet6();
  if (set.contains(internet)) return GraphNodeKind::internet6;
  return set.overlaps(internet) ? GraphNodeKind::public_cidrs : GraphNodeKind::private_cidrs;
}

// Whether a prefix list's known entries hold public addresses (an exposure, for --exposed-only).
bool prefix_list_public(const PrefixList* list) {
  if (list == nullptr || !list->entries_known) return false;
  return std::any_of(list->entries.begin(), list->entries.end(),
                     [](const Cidr& c) { return cidr_kind(c) != GraphNodeKind::private_cidrs; });
}

// CIDRs in address order, IPv4 first ("10.0.0.0/8" < "192.168.0.0/16" < "2001:db8::/32").
bool cidr_order(const std::string& a, const std::string& b) {
  const ValueResult<Cidr> x = parse_cidr(a), y = parse_cidr(b);
  if (!x || !y) return a < b;
  return std::tie(x->family, x->base, x->prefix) < std::tie(y->family, y->base, y->prefix);
}

bool severer(std::optional<FindingSeverity> a, std::optional<FindingSeverity> b) {
  return a && (!b || *a < *b);
}
void raise(std::optional<FindingSeverity>& to, FindingSeverity s) {
  if (!to || s < *to) to = s;
}

// The rules of one edge while it is built.
struct EdgeRules {
  std::vector<RuleRef> settled;
  std::vector<RuleRef> uncertain;
  bool matches = false;
};
using EdgeKey = std::tuple<std::uint32_t, std::uint32_t, Direction>;

class Builder {
 public:
  Builder(const Inventory& inventory, const LintResult& lint)
      : inv_(inventory), sem_(inventory), lint_(lint) {}

  Graph build(const GraphOptions& options) {
    add_group_nodes();
    group_cidrs();
    add_edges();
    colour();
    if (options.service) keep_edges_allowing(*options.service);
    select(options);
    if (options.collapse) collapse();
    Graph g;
    g.groups_in_inventory = inv_.groups.size();
    g.groups_selected = count_groups();
    if (options.max_nodes != 0 && g.groups_selected > options.max_nodes) {
      cut(options.max_nodes);
      g.cut = true;
    }
    merge_cidr_nodes();
    finish(g);
    return g;
  }

 private:
  struct Node {
    GraphNode node;
    bool kept = true;
    bool public_addresses = false;  // a peer of exposure: internet, public CIDRs, such lists
  };
  struct Edge {
    GraphEdge edge;
    std::vector<RuleRef> uncertain;  // the rules of edge.rules a template leaves open
    bool kept = true;
  };

  std::uint32_t add_node(GraphNode node) {
    nodes_.push_back({std::move(node)});
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  // Node i is group i, so that rules find their group's node by index.
  void add_group_nodes() {
    std::unordered_map<std::string_view, std::size_t> members;
    for (const Interface& x : inv_.interfaces)
      for (const Name& g : x.groups) ++members[g];
    for (const Group& g : inv_.groups) {
      GraphNode n;
      n.id = g.id;
      n.kind = GraphNodeKind::group;
      n.name = g.name.empty() ? g.template_name : g.name;
      n.vpc = g.vpc_id;
      n.groups = {g.id.str()};
      const auto found = members.find(g.id);
      n.interfaces = found == members.end() ? 0 : found->second;
      add_node(std::move(n));
    }
  }

  // The node a peer id names (missing groups, prefix lists, the internet), made on first use.
  std::uint32_t named_node(const std::string& id, GraphNodeKind kind, std::string name = {}) {
    const auto [it, added] = named_.try_emplace(id, 0);
    if (!added) return it->second;
    GraphNode n;
    n.id = id;
    n.kind = kind;
    n.name = std::move(name);
    it->second = add_node(std::move(n));
    return it->second;
  }

  // Each rule that takes part: f(group index, rule index, rule, whether the inputs leave it open).
  template <typename F>
  void for_each_rule(F&& f) {
    for (std::uint32_t gi = 0; gi < inv_.groups.size(); ++gi) {
      const Group& g = inv_.groups[gi];
      for (std::uint32_t ri = 0; ri < g.rules.size(); ++ri) {
        const Rule& r = g.rules[ri];
        detail::ServiceMatch s;
        if (!r.valid) continue;
        const detail::RuleServiceKind kind = detail::service_of(r, s);
        if (kind == detail::RuleServiceKind::none) continue;
        const bool cidr = r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6;
        if (cidr && (s.families & detail::family_bit(r.peer.cidr.family)) == 0) continue;
        f(gi, ri, r, kind == detail::RuleServiceKind::uncertain);
      }
    }
  }

  // Private and other public CIDRs: one node per CIDR until merge_cidr_nodes().
  void group_cidrs() {
    std::set<std::string> seen;
    for_each_rule([&](std::uint32_t, std::uint32_t, const Rule& r, bool) {
      if (r.peer.kind != PeerKind::cidr4 && r.peer.kind != PeerKind::cidr6) return;
      const GraphNodeKind kind = cidr_kind(r.peer.cidr);
      if (kind == GraphNodeKind::internet4 || kind == GraphNodeKind::internet6) return;
      std::string cidr = to_string(r.peer.cidr);
      if (cidr_node_.count(cidr)) return;
      GraphNode n;
      n.kind = kind;
      n.cidrs = {cidr};
      const std::uint32_t index = add_node(std::move(n));
      nodes_[index].public_addresses = kind == GraphNodeKind::public_cidrs;
      cidr_node_.emplace(std::move(cidr), index);
    });
  }

  std::uint32_t peer_node(const Rule& r) {
    switch (r.peer.kind) {
      case PeerKind::cidr4:
      case PeerKind::cidr6: {
        const GraphNodeKind kind = cidr_kind(r.peer.cidr);
        if (kind == GraphNodeKind::internet4 || kind == GraphNodeKind::internet6) {
          const std::uint32_t n =
              named_node(graph_node_kind_name(kind), kind,
                         kind == GraphNodeKind::internet4 ? "internet (IPv4)" : "internet (IPv6)");
          nodes_[n].public_addresses = true;
          return n;
        }
        return cidr_node_.at(to_string(r.peer.cidr));
      }
      case PeerKind::prefix_list: {
        const PrefixList* list = sem_.find_prefix_list(r.peer.id);
        const std::uint32_t n = named_node(r.peer.id.str(), GraphNodeKind::prefix_list,
                                           list != nullptr ? list->name.str() : std::string());
        nodes_[n].public_addresses = prefix_list_public(list);
        return n;
      }
      case PeerKind::group:
        break;
    }
    const std::uint32_t target = sem_.group_index(r.peer.id);
    if (target != Semantics::kAbsent) return target;
    return named_node(r.peer.id.str(), GraphNodeKind::missing_group);
  }

  void add_edges() {
    std::map<EdgeKey, EdgeRules> edges;
    for_each_rule([&](std::uint32_t gi, std::uint32_t ri, const Rule& r, bool uncertain) {
      const std::uint32_t peer = peer_node(r);
      const EdgeKey key = r.direction == Direction::ingress ? EdgeKey{peer, gi, r.direction}
                                                            : EdgeKey{gi, peer, r.direction};
      EdgeRules& e = edges[key];
      (uncertain ? e.uncertain : e.settled).push_back({gi, ri});
      e.matches = e.matches || r.peer.kind != PeerKind::group || sem_.can_match(inv_.groups[gi], r);
    });
    for (auto& [key, rules] : edges) {
      Edge e;
      e.edge.from = std::get<0>(key);
      e.edge.to = std::get<1>(key);
      e.edge.direction = std::get<2>(key);
      e.edge.matches = rules.matches;
      e.edge.rules = std::move(rules.settled);
      e.edge.rules.insert(e.edge.rules.end(), rules.uncertain.begin(), rules.uncertain.end());
      std::sort(e.edge.rules.begin(), e.edge.rules.end());
      e.uncertain = std::move(rules.uncertain);
      std::sort(e.uncertain.begin(), e.uncertain.end());
      edges_.push_back(std::move(e));
    }
  }

  // Each finding raises the edges holding a rule at one of its places, and its group's node.
  void colour() {
    std::unordered_map<std::string_view, std::uint64_t> file_numbers;
    for (std::size_t i = 0; i < inv_.files.size(); ++i) file_numbers.try_emplace(inv_.files[i], i);
    auto key = [](std::uint64_t file, std::uint64_t line, std::uint64_t column) {
      return file << 48 | line << 20 | column;
    };
    std::vector<std::pair<std::uint64_t, std::uint32_t>> edges_at;  // (place, edge), sorted
    for (std::uint32_t i = 0; i < edges_.size(); ++i) {
      for (const RuleRef& ref : edges_[i].edge.rules) {
        const Rule& r = inv_.groups[ref.group].rules[ref.rule];
        if (r.location.line == 0) continue;  // an unknown place names no rule
        edges_at.emplace_back(key(r.location.file, r.location.line, r.location.column), i);
        if (r.rule_location != r.location && r.rule_location.line != 0) {
          const SourcePos& at = r.rule_location;
          edges_at.emplace_back(key(at.file, at.line, at.column), i);
        }
      }
    }
    std::sort(edges_at.begin(), edges_at.end());
    for (const Finding& f : lint_.findings) {
      std::set<std::uint32_t> hit;
      auto at = [&](const Location& where) {
        const auto file = file_numbers.find(where.file);
        if (file == file_numbers.end()) return;
        const std::uint64_t place = key(file->second, where.line, where.column);
        auto it = std::lower_bound(edges_at.begin(), edges_at.end(), std::make_pair(place, 0u));
        for (; it != edges_at.end() && it->first == place; ++it) hit.insert(it->second);
      };
      at(f.location);
      for (const Location& l : f.related) at(l);
      if (f.violation)
        for (const ContributingRule& c : f.violation->rules) at(c.location);
      for (const std::uint32_t i : hit) {
        raise(edges_[i].edge.severity, f.severity);
        edges_[i].edge.findings.push_back(f.id.str());
      }
      const std::uint32_t g = f.group.empty() ? Semantics::kAbsent : sem_.group_index(f.group);
      if (g != Semantics::kAbsent) raise(nodes_[g].node.severity, f.severity);
    }
    for (Edge& e : edges_) {
      std::sort(e.edge.findings.begin(), e.edge.findings.end());
      e.edge.findings.erase(std::unique(e.edge.findings.begin(), e.edge.findings.end()),
                            e.edge.findings.end());
      for (const std::uint32_t n : {e.edge.from, e.edge.to})
        if (nodes_[n].node.kind == GraphNodeKind::group && e.edge.severity)
          raise(nodes_[n].node.severity, *e.edge.severity);
    }
  }

  void keep_edges_allowing(const Service& service) {
    for (Edge& e : edges_) {
      e.kept = std::any_of(e.edge.rules.begin(), e.edge.rules.end(), [&](const RuleRef& ref) {
        return rule_may_allow(inv_.groups[ref.group].rules[ref.rule], service);
      });
    }
    // A group without an edge for the service says nothing about it.
    std::vector<bool> touched(nodes_.size(), false);
    for (const Edge& e : edges_)
      if (e.kept) touched[e.edge.from] = touched[e.edge.to] = true;
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) nodes_[n].kept = touched[n];
  }

  bool is_group(std::uint32_t n) const { return nodes_[n].node.kind == GraphNodeKind::group; }

  bool matches_glob(const std::string& glob, std::uint32_t n) const {
    auto match = [&](Name text) {
      return !text.empty() && fnmatch(glob.c_str(), text.c_str(), 0) == 0;
    };
    const Group& g = inv_.groups[n];
    return match(g.id) || match(g.name) || match(g.template_name);
  }

  // The groups that admit public addresses: an ingress edge from the internet, a public CIDR or
  // a prefix list with public entries.
  std::vector<bool> exposed_groups() const {
    std::vector<bool> exposed(nodes_.size(), false);
    for (const Edge& e : edges_) {
      if (e.kept && e.edge.direction == Direction::ingress && e.edge.matches &&
          nodes_[e.edge.from].public_addresses)
        exposed[e.edge.to] = true;
    }
    return exposed;
  }

  // Seeds (--group, --exposed-only), the groups within --depth references of them, then the peers
  // their edges name.
  void select(const GraphOptions& options) {
    std::vector<bool> keep(nodes_.size(), false);
    std::deque<std::pair<std::uint32_t, std::size_t>> queue;
    const std::vector<bool> exposed = options.exposed_only ? exposed_groups() : keep;
    for (std::uint32_t n = 0; n < inv_.groups.size(); ++n) {
      if (!nodes_[n].kept) continue;
      if (!options.group_glob.empty() && !matches_glob(options.group_glob, n)) continue;
      if (options.exposed_only && !exposed[n]) continue;
      keep[n] = true;
      queue.emplace_back(n, 0);
    }
    if (options.depth > 0) {
      std::vector<std::vector<std::uint32_t>> next(nodes_.size());
      for (const Edge& e : edges_) {
        if (!e.kept || !is_group(e.edge.from) || !is_group(e.edge.to)) continue;
        next[e.edge.from].push_back(e.edge.to);
        next[e.edge.to].push_back(e.edge.from);
      }
      while (!queue.empty()) {
        const auto [n, d] = queue.front();
        queue.pop_front();
        if (d == options.depth) continue;
        for (const std::uint32_t m : next[n]) {
          if (keep[m]) continue;
          keep[m] = true;
          queue.emplace_back(m, d + 1);
        }
      }
    }
    for (std::uint32_t n = 0; n < nodes_.size(); ++n)
      if (is_group(n)) nodes_[n].kept = keep[n];
    keep_touched_peers();
  }

  // Edges between kept groups and peers stay; peers stay when a kept edge names them.
  void keep_touched_peers() {
    std::vector<bool> touched(nodes_.size(), false);
    for (Edge& e : edges_) {
      const bool ends_kept = (!is_group(e.edge.from) || nodes_[e.edge.from].kept) &&
                             (!is_group(e.edge.to) || nodes_[e.edge.to].kept) &&
                             (is_group(e.edge.from) || is_group(e.edge.to));
      e.kept = e.kept && ends_kept;
      if (e.kept) touched[e.edge.from] = touched[e.edge.to] = true;
    }
    for (std::uint32_t n = 0; n < nodes_.size(); ++n)
      if (!is_group(n)) nodes_[n].kept = touched[n];
  }

  // Groups of one VPC whose shown edges are the same (the other end, direction, services,
  // findings; a reference to itself as "self") become one node.
  void collapse() {
    std::vector<std::string> signature(nodes_.size());
    for (const Edge& e : edges_) {
      if (!e.kept) continue;
      for (const bool outgoing : {true, false}) {
        const std::uint32_t self = outgoing ? e.edge.from : e.edge.to;
        const std::uint32_t other = outgoing ? e.edge.to : e.edge.from;
        if (!is_group(self)) continue;
        std::string& s = signature[self];
        s += outgoing ? ">" : "<";
        s += other == self ? "self" : nodes_[other].node.id;
        s += direction_name(e.edge.direction);
        append_services_key(s, e);
        s += e.edge.matches ? "|m" : "|s";
        s += e.edge.severity ? finding_severity_name(*e.edge.severity) : "";
        for (const std::string& f : e.edge.findings) s += ',' + f;
        s += '\n';
      }
    }
    std::map<std::tuple<std::string, std::string, int>, std::uint32_t> first;
    std::vector<std::uint32_t> into(nodes_.size());
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
      into[n] = n;
      if (!is_group(n) || !nodes_[n].kept) continue;
      const int severity = nodes_[n].node.severity ? static_cast<int>(*nodes_[n].node.severity) : 9;
      const auto [it, added] = first.try_emplace({nodes_[n].node.vpc, signature[n], severity}, n);
      if (added) continue;
      GraphNode& target = nodes_[it->second].node;
      target.groups.push_back(nodes_[n].node.id);
      target.interfaces += nodes_[n].node.interfaces;
      nodes_[n].kept = false;
      into[n] = it->second;
    }
    merge_edges(into);
  }

  // Re-points edges at the nodes they merged into, one edge per (from, to, direction), holding
  // the rules, findings and labels of the edges it replaces.
  void merge_edges(const std::vector<std::uint32_t>& into) {
    std::map<EdgeKey, std::uint32_t> seen;
    std::set<std::uint32_t> grown;
    for (std::uint32_t i = 0; i < edges_.size(); ++i) {
      Edge& e = edges_[i];
      if (!e.kept) continue;
      e.edge.from = into[e.edge.from];
      e.edge.to = into[e.edge.to];
      const auto [it, added] = seen.try_emplace({e.edge.from, e.edge.to, e.edge.direction}, i);
      if (added) continue;
      Edge& target = edges_[it->second];
      target.edge.rules.insert(target.edge.rules.end(), e.edge.rules.begin(), e.edge.rules.end());
      target.uncertain.insert(target.uncertain.end(), e.uncertain.begin(), e.uncertain.end());
      target.edge.findings.insert(target.edge.findings.end(), e.edge.findings.begin(),
                                  e.edge.findings.end());
      if (e.edge.severity) raise(target.edge.severity, *e.edge.severity);
      target.edge.matches = target.edge.matches || e.edge.matches;
      grown.insert(it->second);
      e.kept = false;
    }
    for (const std::uint32_t i : grown) {
      GraphEdge& edge = edges_[i].edge;
      std::sort(edge.rules.begin(), edge.rules.end());
      std::sort(edges_[i].uncertain.begin(), edges_[i].uncertain.end());
      std::sort(edge.findings.begin(), edge.findings.end());
      edge.findings.erase(std::unique(edge.findings.begin(), edge.findings.end()),
                          edge.findings.end());
    }
  }

  // What the edge's rules allow, settled and uncertain, as a key for comparing edges (the labels
  // are made only for the edges shown, in finish()).
  void append_services_key(std::string& key, const Edge& e) const {
    std::vector<std::tuple<int, int, int, bool>> services;
    for (const RuleRef& ref : e.edge.rules) {
      detail::ServiceMatch m;
      const Rule& r = inv_.groups[ref.group].rules[ref.rule];
      detail::service_of(r, m);
      services.emplace_back(m.protocol, m.lo, m.hi,
                            std::binary_search(e.uncertain.begin(), e.uncertain.end(), ref));
    }
    std::sort(services.begin(), services.end());
    services.erase(std::unique(services.begin(), services.end()), services.end());
    for (const auto& [protocol, lo, hi, uncertain] : services) {
      key += '|' + std::to_string(protocol) + '/' + std::to_string(lo) + '-' + std::to_string(hi) +
             (uncertain ? "?" : "");
    }
  }

  // The labels of a shown edge: what its settled and its uncertain rules allow.
  void label(Edge& e) const {
    std::vector<RuleRef> settled;
    std::set_difference(e.edge.rules.begin(), e.edge.rules.end(), e.uncertain.begin(),
                        e.uncertain.end(), std::back_inserter(settled));
    e.edge.services = rules_services_text(inv_, settled);
    e.edge.maybe = rules_services_text(inv_, e.uncertain);
  }

  // CIDR nodes of one kind joined to the same nodes in the same directions become one node.
  void merge_cidr_nodes() {
    std::vector<std::vector<std::pair<std::uint32_t, int>>> neighbours(nodes_.size());
    for (const Edge& e : edges_) {
      if (!e.kept) continue;
      const int direction = static_cast<int>(e.edge.direction);
      neighbours[e.edge.from].emplace_back(e.edge.to, direction);
      neighbours[e.edge.to].emplace_back(e.edge.from, direction + 2);
    }
    std::map<std::pair<GraphNodeKind, std::vector<std::pair<std::uint32_t, int>>>, std::uint32_t>
        first;
    std::vector<std::uint32_t> into(nodes_.size());
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
      into[n] = n;
      const GraphNodeKind kind = nodes_[n].node.kind;
      if (!nodes_[n].kept ||
          (kind != GraphNodeKind::private_cidrs && kind != GraphNodeKind::public_cidrs))
        continue;
      std::sort(neighbours[n].begin(), neighbours[n].end());
      const auto [it, added] = first.try_emplace({kind, neighbours[n]}, n);
      if (added) continue;
      std::vector<std::string>& cidrs = nodes_[it->second].node.cidrs;
      cidrs.insert(cidrs.end(), nodes_[n].node.cidrs.begin(), nodes_[n].node.cidrs.end());
      nodes_[n].kept = false;
      into[n] = it->second;
    }
    merge_edges(into);
  }

  std::size_t count_groups() const {
    return static_cast<std::size_t>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) {
      return n.kept && n.node.kind == GraphNodeKind::group;
    }));
  }

  // The most severe findings first, then the most edges, then by id.
  void cut(std::size_t max_nodes) {
    std::vector<std::size_t> degree(nodes_.size(), 0);
    for (const Edge& e : edges_) {
      if (!e.kept) continue;
      ++degree[e.edge.from];
      if (e.edge.to != e.edge.from) ++degree[e.edge.to];
    }
    std::vector<std::uint32_t> groups;
    for (std::uint32_t n = 0; n < nodes_.size(); ++n)
      if (is_group(n) && nodes_[n].kept) groups.push_back(n);
    std::sort(groups.begin(), groups.end(), [&](std::uint32_t a, std::uint32_t b) {
      const auto& sa = nodes_[a].node.severity;
      const auto& sb = nodes_[b].node.severity;
      if (severer(sa, sb) || severer(sb, sa)) return severer(sa, sb);
      if (degree[a] != degree[b]) return degree[a] > degree[b];
      return nodes_[a].node.id < nodes_[b].node.id;
    });
    for (std::size_t i = max_nodes; i < groups.size(); ++i) nodes_[groups[i]].kept = false;
    keep_touched_peers();
  }

  // The kept nodes in their order (groups by VPC and id, then missing groups, the internet, the
  // CIDR nodes by their first CIDR, prefix lists), CIDR nodes numbered, edges re-pointed.
  void finish(Graph& g) {
    std::vector<std::uint32_t> order;
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
      if (!nodes_[n].kept) continue;
      order.push_back(n);
      std::sort(nodes_[n].node.cidrs.begin(), nodes_[n].node.cidrs.end(), cidr_order);
    }
    auto rank = [&](std::uint32_t n) {
      const GraphNode& x = nodes_[n].node;
      return std::make_tuple(static_cast<int>(x.kind), x.vpc, x.cidrs.empty() ? x.id : x.cidrs[0]);
    };
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return rank(a) < rank(b); });
    std::vector<std::uint32_t> position(nodes_.size(), 0);
    std::size_t private_count = 0, public_count = 0;
    for (const std::uint32_t n : order) {
      GraphNode node = nodes_[n].node;
      std::sort(node.groups.begin(), node.groups.end());
      if (node.kind == GraphNodeKind::private_cidrs)
        node.id = "private-" + std::to_string(++private_count);
      if (node.kind == GraphNodeKind::public_cidrs)
        node.id = "public-" + std::to_string(++public_count);
      position[n] = static_cast<std::uint32_t>(g.nodes.size());
      g.nodes.push_back(std::move(node));
    }
    for (Edge& e : edges_) {
      if (!e.kept) continue;
      label(e);
      GraphEdge edge = e.edge;
      edge.from = position[edge.from];
      edge.to = position[edge.to];
      g.edges.push_back(std::move(edge));
    }
    std::sort(g.edges.begin(), g.edges.end(), [](const GraphEdge& a, const GraphEdge& b) {
      return std::tie(a.from, a.to, a.direction) < std::tie(b.from, b.to, b.direction);
    });
  }

  const Inventory& inv_;
  const Semantics sem_;
  const LintResult& lint_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::unordered_map<std::string, std::uint32_t> named_;
  std::unordered_map<std::string, std::uint32_t> cidr_node_;
};

}  // namespace

Graph build_graph(const Inventory& inventory, const LintResult& lint, const GraphOptions& options) {
  return Builder(inventory, lint).build(options);
}

}  // namespace sgcheck
