// Flow expressions: the grammar has no cycles without progress (pegtl::analyze), good flows parse
// to the right values and print back canonically, and every bad flow gets our own message at the
// right column — never PEGTL's generic text.
#include <gtest/gtest.h>

#include <tuple>

#include <tao/pegtl/contrib/analyze.hpp>

#include "engine/flow_grammar.h"
#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

TEST(FlowGrammar, AnalyzeFindsNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<flow_grammar::flow>(), 0u);
  EXPECT_EQ(tao::pegtl::analyze<flow_grammar::service>(), 0u);
  EXPECT_EQ(tao::pegtl::analyze<flow_grammar::endpoint>(), 0u);
}

struct GoodCase {
  const char* text;
  const char* canonical;
  bool point;
};

TEST(FlowParse, GoodFlowsRoundTrip) {
  const GoodCase cases[] = {
      {"tcp/22 from 203.0.113.9 to eni-0a1b2c3d", "tcp/22 from 203.0.113.9 to eni-0a1b2c3d", true},
      {"TCP/22 FROM 10.0.0.1 TO i-0abc", "tcp/22 from 10.0.0.1 to i-0abc", true},
      {"  udp/1000-2000 from 10.0.0.0/8 to sg-0aa  ", "udp/1000-2000 from 10.0.0.0/8 to sg-0aa",
       false},
      {"icmp from internet to eni-01", "icmp from internet to eni-01", false},
      {"icmp/8 from 10.0.0.1 to 10.0.0.2", "icmp/8 from 10.0.0.1 to 10.0.0.2", false},
      {"icmp/8:0 from 10.0.0.1 to 10.0.0.2", "icmp/8:0 from 10.0.0.1 to 10.0.0.2", true},
      {"icmpv6/128:0 from 2001:DB8::1 to 2001:db8::2",
       "icmpv6/128:0 from 2001:db8::1 to 2001:db8::2", true},
      {"proto/50 from 10.0.0.1 to eni-01", "proto/50 from 10.0.0.1 to eni-01", true},
      {"proto/6 from 10.0.0.1 to eni-01", "tcp/0-65535 from 10.0.0.1 to eni-01", false},
      {"all from 10.1.2.3/16 to internet", "all from 10.1.0.0/16 to internet", false},
      {"tcp/443 from ::/0 to eni-01", "tcp/443 from ::/0 to eni-01", false},
      // Groups by name (template logical ids, Terraform addresses), and IPv6 with letters first.
      {"tcp/443 from internet to AppSG", "tcp/443 from internet to AppSG", false},
      {"tcp/22 from module.ops.aws_security_group.bastion to aws_security_group.web[0]",
       "tcp/22 from module.ops.aws_security_group.bastion to aws_security_group.web[0]", false},
      {"tcp/22 from fe80::1 to abcd::/16", "tcp/22 from fe80::1 to abcd::/16", false},
      {"tcp/22 from internetSG to eni-01", "tcp/22 from internetSG to eni-01", false},
  };
  for (const GoodCase& c : cases) {
    FlowParseResult r = parse_flow(c.text);
    ASSERT_TRUE(r) << c.text << ": " << format_diagnostic(r.error);
    EXPECT_EQ(r.flow->to_string(), c.canonical);
    EXPECT_EQ(r.flow->is_point(), c.point) << c.text;
  }
}

TEST(FlowParse, Values) {
  FlowParseResult r = parse_flow("udp/53-54 from 10.0.0.0/24 to eni-0a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.flow->service.protocol, kUdp);
  EXPECT_EQ(r.flow->service.ports, (PortRange{53, 54}));
  EXPECT_EQ(r.flow->source.kind, EndpointKind::cidr);
  EXPECT_EQ(r.flow->source.cidr.prefix, 24);
  EXPECT_EQ(r.flow->destination.kind, EndpointKind::interface);
  EXPECT_EQ(r.flow->destination.id, "eni-0a");
  EXPECT_EQ(r.flow->destination.column, 31u);
}

struct BadCase {
  const char* text;
  std::uint32_t column;
  const char* message;
};

TEST(FlowParse, BadFlowsHaveOwnMessagesAndColumns) {
  const BadCase cases[] = {
      {"", 1, "expected a service"},
      {"http from a to b", 1, "expected a service"},
      {"tcp from 1.2.3.4 to eni-1", 4, "expected '/' after the protocol"},
      {"tcp/ from 1.2.3.4 to eni-1", 5, "expected a port or port range"},
      {"tcp/70000 from 1.2.3.4 to eni-1", 5, "invalid port range: expected port number (0-65535)"},
      {"tcp/30-20 from 1.2.3.4 to eni-1", 8, "invalid port range"},
      {"icmp/-1:3 from 1.2.3.4 to eni-1", 9, "invalid ICMP type:code"},
      {"proto/300 from 1.2.3.4 to eni-1", 7, "invalid protocol number"},
      {"tcp/22x from 1.2.3.4 to eni-1", 7, "expected a space and 'from'"},
      {"tcp/22 frm 1.2.3.4 to eni-1", 8, "expected 'from' after the service"},
      {"tcp/22 from 1.2.3 to eni-1", 18, "invalid address or CIDR"},
      {"tcp/22 from 10.0.0.300 to eni-1", 20, "invalid address or CIDR"},
      {"tcp/22 from 10.0.0.0/33 to eni-1", 22, "invalid address or CIDR"},
      {"tcp/22 from @home to eni-1", 13, "expected an endpoint"},
      {"tcp/22 from eni-zz to eni-1", 17, "expected hexadecimal digits"},
      {"tcp/22 from 1.2.3.4 too eni-1", 21, "expected 'to' after the source"},
      {"tcp/22 from 1.2.3.4 to", 23, "expected a space, then an endpoint"},
      {"tcp/22 from 1.2.3.4 to eni-1 extra", 30, "unexpected text after the destination"},
      {"tcp/22 from 10.0.0.1 to 2001:db8::1", 25, "address family differs"},
      {"icmp/8:0 from 2001:db8::1 to eni-1", 15, "icmp is IPv4 only"},
      {"icmpv6 from eni-1 to 10.0.0.1", 22, "icmpv6 is IPv6 only"},
  };
  for (const BadCase& c : cases) {
    FlowParseResult r = parse_flow(c.text, "batch.txt", 7);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error.message.find(c.message), std::string::npos)
        << c.text << " gave: " << r.error.message;
    EXPECT_EQ(r.error.message.find("parse error matching"), std::string::npos) << c.text;
    EXPECT_EQ(r.error.location.file, "batch.txt");
    EXPECT_EQ(r.error.location.line, 7u);
    EXPECT_EQ(r.error.location.column, c.column) << c.text << " gave: " << r.error.message;
    EXPECT_EQ(r.error.source_line, c.text);
  }
}

// Names resolve against the inventory: a group id, a template name, or a unique group name; an
// unknown or ambiguous name is an error at the endpoint.
TEST(FlowNames, ResolveToGroupIdsOrFailWithACaret) {
  Inventory inv;
  inv.files = {"plan.json"};
  for (const auto& [id, template_name, name] :
       {std::tuple{"AppSG", "AppSG", "app"}, std::tuple{"sg-0a", "aws_security_group.web", "web"},
        std::tuple{"sg-0b", "", "dup"}, std::tuple{"sg-0c", "", "dup"}}) {
    Group g;
    g.id = id;
    g.template_name = template_name;
    g.name = name;
    inv.groups.push_back(g);
  }
  FlowParseResult r = parse_flow("tcp/22 from aws_security_group.web to AppSG");
  ASSERT_TRUE(r) << format_diagnostic(r.error);
  EXPECT_FALSE(resolve_flow_names(*r.flow, inv, "tcp/22 from aws_security_group.web to AppSG"));
  EXPECT_EQ(r.flow->source.kind, EndpointKind::group);
  EXPECT_EQ(r.flow->source.id, "sg-0a");
  EXPECT_EQ(r.flow->destination.id, "AppSG");
  EXPECT_EQ(r.flow->to_string(), "tcp/22 from aws_security_group.web to AppSG");

  r = parse_flow("tcp/22 from web to app");
  ASSERT_TRUE(r);
  EXPECT_FALSE(resolve_flow_names(*r.flow, inv, "tcp/22 from web to app"));
  EXPECT_EQ(r.flow->source.id, "sg-0a");

  const std::string text = "tcp/22 from 10.0.0.1 to AppSg";
  r = parse_flow(text);
  ASSERT_TRUE(r);
  std::optional<Diagnostic> error = resolve_flow_names(*r.flow, inv, text);
  ASSERT_TRUE(error);
  EXPECT_EQ(format_diagnostic(*error),
            "<flow>:1:25: error: no security group of the inventory is named AppSg (expected a "
            "group id, a template's logical id or resource address, or a group name)\n"
            "  tcp/22 from 10.0.0.1 to AppSg\n"
            "                          ^\n");
  r = parse_flow("tcp/22 from dup to AppSG");
  ASSERT_TRUE(r);
  error = resolve_flow_names(*r.flow, inv, "tcp/22 from dup to AppSG");
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("dup names several security groups (sg-0b, sg-0c)"),
            std::string::npos);
  EXPECT_EQ(error->location.column, 13u);
}

TEST(FlowParse, DiagnosticPrintsCaretUnderTheColumn) {
  FlowParseResult r = parse_flow("tcp/22 from 10.0.0.300 to eni-1");
  ASSERT_FALSE(r);
  EXPECT_EQ(format_diagnostic(r.error),
            "<flow>:1:20: error: invalid address or CIDR: expected IPv4 octet (0-255), found "
            "\"300\"\n"
            "  tcp/22 from 10.0.0.300 to eni-1\n"
            "                     ^\n");
}

// Regression: internet4, internet6 and `all` as endpoints were taken for group names.
TEST(FlowParse, AddressKeywordsAreEndpoints) {
  FlowParseResult r = parse_flow("tcp/443 from internet6 to eni-01");
  ASSERT_TRUE(r) << r.error.message;
  EXPECT_EQ(r.flow->source.kind, EndpointKind::internet);
  EXPECT_EQ(r.flow->source.family(), Family::ipv6);
  EXPECT_EQ(r.flow->to_string(), "tcp/443 from internet6 to eni-01");
  r = parse_flow("tcp/443 from INTERNET4 to eni-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.flow->source.family(), Family::ipv4);
  EXPECT_EQ(r.flow->to_string(), "tcp/443 from internet4 to eni-01");
  r = parse_flow("tcp/443 from internet to eni-01");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r.flow->source.family());  // the flow decides

  // `all` takes the family of the rest of the flow.
  r = parse_flow("tcp/22 from all to eni-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.flow->source.kind, EndpointKind::cidr);
  EXPECT_EQ(to_string(r.flow->source.cidr), "0.0.0.0/0");
  EXPECT_EQ(r.flow->to_string(), "tcp/22 from all to eni-01");
  EXPECT_FALSE(r.flow->is_point());
  r = parse_flow("tcp/22 from all to 2001:db8::1");
  ASSERT_TRUE(r);
  EXPECT_EQ(to_string(r.flow->source.cidr), "::/0");
  r = parse_flow("icmpv6 from eni-01 to all");
  ASSERT_TRUE(r);
  EXPECT_EQ(to_string(r.flow->destination.cidr), "::/0");
  r = parse_flow("all from all to all");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.flow->to_string(), "all from all to all");

  // The family checks see the keywords' families.
  r = parse_flow("icmp from internet6 to eni-01");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.message.find("icmp is IPv4 only"), std::string::npos);
  EXPECT_EQ(r.error.location.column, 11u);
  r = parse_flow("tcp/22 from internet4 to 2001:db8::1");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.message.find("address family differs"), std::string::npos);

  // Longer words stay names.
  for (const char* name : {"internet-gw", "all_hosts", "allow", "internet6x"}) {
    r = parse_flow(std::string("tcp/22 from ") + name + " to eni-01");
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(r.flow->source.kind, EndpointKind::group) << name;
    EXPECT_EQ(r.flow->source.name, name);
  }
}

// Regression: 10.0.0.5/8 was read as 10.0.0.0/8 without a word.
TEST(FlowParse, CidrWithHostBitsIsItsNetworkWithAWarning) {
  const std::string text = "tcp/22 from 10.0.0.5/8 to eni-01";
  FlowParseResult r = parse_flow(text, "flows.txt", 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.flow->to_string(), "tcp/22 from 10.0.0.0/8 to eni-01");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(format_diagnostic(r.warnings.front()),
            "flows.txt:3:13: warning: 10.0.0.5/8 has host bits set; read as its network "
            "10.0.0.0/8\n"
            "  tcp/22 from 10.0.0.5/8 to eni-01\n"
            "              ^\n");
  EXPECT_TRUE(parse_flow("tcp/22 from 10.0.0.0/8 to eni-01").warnings.empty());
}

// Regression: tcp/22-21 said only which ports were expected.
TEST(FlowParse, ReversedPortRangeSaysSo) {
  FlowParseResult r = parse_flow("tcp/22-21 from 10.0.0.1 to eni-01");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.message,
            "invalid port range: expected port number (22-65535), found \"21\"; the range ends "
            "below its start");
  EXPECT_EQ(r.error.location.column, 8u);
}

// Regression: a 10,000-character name was quoted whole, twice.
TEST(FlowNames, OverlongNameIsCutInTheMessage) {
  const std::string name(10000, 'a');
  const std::string text = "tcp/22 from " + name + " to eni-01";
  FlowParseResult r = parse_flow(text);
  ASSERT_TRUE(r);
  std::optional<Diagnostic> error = resolve_flow_names(*r.flow, Inventory{}, text);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find(std::string(100, 'a') + "… (expected"), std::string::npos);
  EXPECT_EQ(error->message.find(std::string(101, 'a')), std::string::npos);
  EXPECT_LT(format_diagnostic(*error).size(), 600u);
}

TEST(FlowParse, EndpointAndServiceAlone) {
  EndpointParseResult e = parse_endpoint(" internet6 ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e.endpoint->to_string(), "internet6");
  e = parse_endpoint("eni-01 extra");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error.message, "unexpected text after the endpoint");
  ServiceParseResult s = parse_service("icmpv6/128");
  ASSERT_TRUE(s);
  EXPECT_EQ(s.service->to_string(), "icmpv6/128");
  s = parse_service("tcp/22 from");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error.message, "unexpected text after the service");
}

TEST(ExposureTarget, AcceptsWhatAFlowNames) {
  Inventory inv;
  Group web;
  web.id = "sg-0a";
  web.name = "web";
  inv.groups.push_back(web);
  Interface x;
  x.id = "eni-01";
  x.instance_id = "i-01";
  x.groups = {Name("sg-0a")};
  x.private_ips = {*parse_address("10.0.0.5")};
  x.public_ips = {*parse_address("203.0.113.5")};
  inv.interfaces.push_back(x);
  for (const auto& [text, id] :
       {std::pair{"sg-0a", "sg-0a"}, std::pair{"web", "sg-0a"}, std::pair{"eni-01", "eni-01"},
        std::pair{"i-01", "i-01"}, std::pair{"10.0.0.5", "eni-01"},
        std::pair{"203.0.113.5", "eni-01"}}) {
    const ExposureTarget t = resolve_exposure_target(inv, text);
    EXPECT_FALSE(t.error) << text << ": " << t.error->message;
    EXPECT_EQ(t.id, id) << text;
    EXPECT_FALSE(compute_exposure(inv, t.id).empty()) << text;
  }
  for (const auto& [text, message] :
       {std::pair{"sg-0b", "sg-0b is not in the inventory"},
        std::pair{"eni-02", "eni-02 is not in the inventory"},
        std::pair{"10.0.0.6", "10.0.0.6 is not an address of an interface"},
        std::pair{"10.0.0.0/8", "10.0.0.0/8 stands for many addresses"},
        std::pair{"internet", "internet stands for many addresses"},
        std::pair{"db", "no security group of the inventory is named db"}}) {
    const ExposureTarget t = resolve_exposure_target(inv, text);
    ASSERT_TRUE(t.error) << text;
    EXPECT_NE(t.error->message.find(message), std::string::npos) << t.error->message;
    EXPECT_EQ(t.error->location.file, "<target>");
  }
}

}  // namespace
}  // namespace sgcheck
