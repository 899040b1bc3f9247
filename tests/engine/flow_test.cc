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

}  // namespace
}  // namespace sgcheck
