// The group graph (`sgcheck graph`, the picture in `sgcheck report`): who may reach whom, as nodes
// and edges built from the inventory's rules, each edge labelled with the services its rules allow
// and coloured by the most severe lint finding it carries. Entry point: build_graph(); the
// renderings (DOT, Mermaid, SVG, JSON) are in include/sgcheck/report.h.
//
// Nodes are the groups (name, id, member interfaces; groups of one VPC whose edges are identical
// collapse into one node), the groups referenced but not in the inventory, and the peers of CIDR
// and prefix-list rules: the internet of each family (a CIDR holding every public address of it),
// private ranges (CIDRs without a public address) and other public CIDRs (each kind grouped into
// one node per set of nodes and directions it joins), prefix lists.
// An ingress rule of G with peer P is the edge P -> G; an egress rule of G is G -> P; one edge per
// (from, to, direction), holding its rules. VPCs are clusters of the groups.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/lint.h"

namespace sgcheck {

enum class GraphNodeKind : std::uint8_t {
  group,          // a group of the inventory (or several, collapsed)
  missing_group,  // referenced by a rule, not in the inventory
  internet4,      // CIDRs holding every public IPv4 address
  internet6,      // the same for IPv6
  private_cidrs,  // CIDRs without a public address, grouped by the groups that name them
  public_cidrs,   // CIDRs with some public addresses but not all of a family's, grouped likewise
  prefix_list,    // one prefix list
};
// "group", "missing-group", "internet4", "internet6", "private", "public", "prefix-list".
const char* graph_node_kind_name(GraphNodeKind kind);

struct GraphNode {
  std::string id;  // sg-…, pl-…, "internet4", "internet6", "private-N", "public-N"
  GraphNodeKind kind = GraphNodeKind::group;
  std::string name;  // a group's or prefix list's name (empty when it has none)
  std::string vpc;   // groups: the VPC (the cluster)
  // Groups: the ids of the groups it stands for (one, or several collapsed), sorted.
  std::vector<std::string> groups;
  std::size_t interfaces = 0;      // groups: interfaces carrying it (summed when collapsed)
  std::vector<std::string> cidrs;  // CIDR nodes: their CIDRs, canonical, sorted
  // Groups: the most severe finding on the group or on one of its edges.
  std::optional<FindingSeverity> severity;
};

struct GraphEdge {
  std::uint32_t from = 0;  // index into Graph::nodes
  std::uint32_t to = 0;
  Direction direction = Direction::ingress;  // ingress: `to` admits `from`; egress: `from` sends
  std::string services;  // rules_services_text() of the settled rules: "tcp/22, 443"
  std::string maybe;     // the same for the rules a template leaves open (unknown until deployed)
  bool matches = true;   // false: every rule is a reference across VPCs without peering (stale)
  std::optional<FindingSeverity> severity;  // the most severe finding on one of its rules
  std::vector<std::string> findings;        // the ids of those findings, sorted, once each
  std::vector<RuleRef> rules;               // every rule it stands for (of every collapsed group)
};

struct GraphOptions {
  std::string group_glob;          // --group: seeds by id, name or template name (fnmatch glob)
  std::optional<Service> service;  // --service: only edges whose rules allow some of it
  bool exposed_only = false;       // --exposed-only: seeds admitting public addresses
  std::size_t depth = 0;           // --depth: also groups within N references of a seed
  bool collapse = true;            // merge groups of one VPC whose edges are identical
  std::size_t max_nodes = 50;      // at most this many group nodes (0: no limit)
};

struct Graph {
  std::vector<GraphNode> nodes;  // groups by VPC and id, then the peers
  std::vector<GraphEdge> edges;  // by from, to, direction
  std::size_t groups_in_inventory = 0;
  std::size_t groups_selected = 0;  // group nodes before the max_nodes cut
  bool cut = false;                 // nodes were left out by max_nodes
};

// The graph of the inventory with the options' filters, then collapsing, then the cut to
// max_nodes: the group nodes with the most severe findings first, then the most edges, then by id;
// peers stay when an edge of a group shown names them. `lint` gives the findings that colour it
// (LintResult of run_lint() with the same inventory).
Graph build_graph(const Inventory& inventory, const LintResult& lint, const GraphOptions& options);

}  // namespace sgcheck
