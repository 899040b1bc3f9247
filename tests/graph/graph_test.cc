// Tests of the group graph (src/graph/, include/sgcheck/graph.h) on inventories built in code:
// compact edge labels, peers by kind, the filters, severity from findings, the cut. The outputs of
// whole examples are golden cases (tests/golden/cases/graph-*).
#include <gtest/gtest.h>

#include <algorithm>

#include "../engine/builders.h"
#include "sgcheck/graph.h"
#include "sgcheck/lint.h"

namespace sgcheck {
namespace {

using namespace sgcheck::testing;

constexpr const char* kVpc = "vpc-0a";

// web admits icmp/8:0, tcp/22, 443, 8000-8100, udp/53 and proto/50 from the internet; app admits
// tcp/8080 from web and 10.0.0.0/8; db admits tcp/5432 from app.
Inventory three_groups() {
  Inventory inv;
  inv.groups.push_back(
      group("sg-01", kVpc,
            {cidr_rule(Direction::ingress, 6, 443, 443, "0.0.0.0/0"),
             cidr_rule(Direction::ingress, 6, 22, 22, "0.0.0.0/0"),
             cidr_rule(Direction::ingress, 6, 8000, 8100, "0.0.0.0/0"),
             cidr_rule(Direction::ingress, 17, 53, 53, "0.0.0.0/0"),
             cidr_rule(Direction::ingress, 1, 8, 0, "0.0.0.0/0"),
             cidr_rule(Direction::ingress, 50, std::nullopt, std::nullopt, "0.0.0.0/0")},
            "web"));
  inv.groups.push_back(group("sg-02", kVpc,
                             {ref_rule(Direction::ingress, 6, 8080, 8080, "sg-01"),
                              cidr_rule(Direction::ingress, 6, 8080, 8080, "10.0.0.0/8")},
                             "app"));
  inv.groups.push_back(
      group("sg-03", kVpc, {ref_rule(Direction::ingress, 6, 5432, 5432, "sg-02")}, "db"));
  // Each rule at its own place, where findings find it.
  for (std::uint32_t g = 0; g < inv.groups.size(); ++g) {
    for (std::uint32_t r = 0; r < inv.groups[g].rules.size(); ++r)
      inv.groups[g].rules[r].location = SourcePos{0, 10 * (g + 1) + r, 5};
  }
  inv.interfaces.push_back(iface("eni-01", kVpc, {"sg-01"}, {"10.0.1.1"}));
  inv.interfaces.push_back(iface("eni-02", kVpc, {"sg-02"}, {"10.0.2.1"}));
  inv.interfaces.push_back(iface("eni-03", kVpc, {"sg-02", "sg-03"}, {"10.0.3.1"}));
  return finish(std::move(inv));
}

const GraphNode* node(const Graph& g, const std::string& id) {
  for (const GraphNode& n : g.nodes)
    if (n.id == id) return &n;
  return nullptr;
}

const GraphEdge* edge(const Graph& g, const std::string& from, const std::string& to) {
  for (const GraphEdge& e : g.edges)
    if (g.nodes[e.from].id == from && g.nodes[e.to].id == to) return &e;
  return nullptr;
}

TEST(Graph, EdgesNameEachProtocolOnce) {
  const Inventory inv = three_groups();
  const Graph g = build_graph(inv, LintResult{}, GraphOptions{});
  const GraphEdge* web = edge(g, "internet4", "sg-01");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->services, "icmp/8:0, tcp/22, 443, 8000-8100, udp/53, proto/50");  // by number
  EXPECT_EQ(web->direction, Direction::ingress);
  ASSERT_NE(edge(g, "sg-01", "sg-02"), nullptr);
  EXPECT_EQ(edge(g, "sg-01", "sg-02")->services, "tcp/8080");
  ASSERT_NE(node(g, "private-1"), nullptr);
  EXPECT_EQ(node(g, "private-1")->cidrs, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(node(g, "sg-02")->interfaces, 2u);
}

TEST(Graph, ServiceDepthAndExposedOnly) {
  const Inventory inv = three_groups();
  GraphOptions options;
  options.service = parse_service("tcp/5432").service;
  Graph g = build_graph(inv, LintResult{}, options);
  ASSERT_EQ(g.edges.size(), 1u);
  EXPECT_EQ(node(g, "sg-01"), nullptr);  // no edge of web allows tcp/5432

  options = GraphOptions{};
  options.group_glob = "d?";  // db, by name
  g = build_graph(inv, LintResult{}, options);
  EXPECT_NE(node(g, "sg-03"), nullptr);
  EXPECT_EQ(node(g, "sg-02"), nullptr);
  options.depth = 1;
  g = build_graph(inv, LintResult{}, options);
  EXPECT_NE(node(g, "sg-02"), nullptr);
  EXPECT_EQ(node(g, "sg-01"), nullptr);
  options.depth = 2;
  g = build_graph(inv, LintResult{}, options);
  EXPECT_NE(node(g, "sg-01"), nullptr);

  options = GraphOptions{};
  options.exposed_only = true;
  g = build_graph(inv, LintResult{}, options);
  EXPECT_NE(node(g, "sg-01"), nullptr);
  EXPECT_EQ(node(g, "sg-02"), nullptr);  // only 10.0.0.0/8 and web: nothing public
}

TEST(Graph, FindingsColourTheirEdgesAndTheCutKeepsTheWorst) {
  const Inventory inv = three_groups();
  LintResult lint;
  Finding f;
  f.id = "SG102";
  f.severity = FindingSeverity::high;
  f.group = "sg-01";
  f.location = inv.location(inv.groups[0].rules[1].location);  // tcp/22 from 0.0.0.0/0
  lint.findings.push_back(f);
  GraphOptions options;
  options.max_nodes = 1;
  const Graph g = build_graph(inv, lint, options);
  EXPECT_TRUE(g.cut);
  EXPECT_EQ(g.groups_selected, 3u);
  ASSERT_NE(node(g, "sg-01"), nullptr);
  EXPECT_EQ(node(g, "sg-02"), nullptr);
  const GraphEdge* web = edge(g, "internet4", "sg-01");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->severity, FindingSeverity::high);
  EXPECT_EQ(web->findings, std::vector<std::string>{"SG102"});
}

}  // namespace
}  // namespace sgcheck
