// Table tests for the value parsers of sgcheck/values.h (re2 parse_test style): each row is an
// input and either its canonical text or "error@OFFSET: MESSAGE", verbatim. Also the canonical
// printers, CIDR arithmetic, protocol names and to_cidrs on fixed sets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {
namespace {

struct Row {
  const char* input;
  const char* want;  // canonical text, or "error@OFFSET: MESSAGE"
};

// The outcome of a parse as one comparable string.
template <typename T, typename Show>
std::string outcome(const ValueResult<T>& result, Show show) {
  if (!result)
    return "error@" + std::to_string(result.error.offset) + ": " + result.error.message();
  return show(*result);
}

std::string show_address(const Address& a) {
  return to_string(a);
}
std::string show_cidr(const Cidr& c) {
  return to_string(c) + (c.had_host_bits ? " (host bits)" : "");
}
std::string show_number(int n) {
  return std::to_string(n);
}
std::string show_range(const PortRange& r) {
  return std::to_string(r.from) + "-" + std::to_string(r.to);
}
std::string show_icmp(const IcmpTypeCode& t) {
  return std::to_string(t.type) + ":" + std::to_string(t.code);
}

template <typename Parse, typename Show>
void check_table(const std::vector<Row>& rows, Parse parse, Show show) {
  for (const Row& row : rows) {
    EXPECT_EQ(outcome(parse(row.input), show), row.want) << "input: \"" << row.input << "\"";
  }
}

TEST(ValuesTest, Ipv4) {
  check_table(
      {
          {"0.0.0.0", "0.0.0.0"},
          {"255.255.255.255", "255.255.255.255"},
          {"10.0.1.5", "10.0.1.5"},
          {"0.10.100.200", "0.10.100.200"},
          {"1.2.3.256", "error@6: expected IPv4 octet (0-255), found \"256\""},
          {"300.1.1.1", "error@0: expected IPv4 octet (0-255), found \"300\""},
          {"1.2.3.99999999999999999999999999",
           "error@6: expected IPv4 octet (0-255), found \"99999999999999999999\""},
          // Leading zeros read as octal elsewhere (inet_aton): rejected, not guessed.
          {"010.1.1.1", "error@0: expected IPv4 octet without leading zeros, found \"010\""},
          {"1.2.3.00", "error@6: expected IPv4 octet without leading zeros, found \"00\""},
          {"1.2.3", "error@5: expected '.', found end of input"},
          {"1.2.3.", "error@6: expected IPv4 octet (0-255), found end of input"},
          {"1..2.3", "error@2: expected IPv4 octet (0-255), found \".2.3\""},
          {"1.2.3.-4", "error@6: expected IPv4 octet (0-255), found \"-4\""},
          {"1.2.3.4.5", "error@7: expected end of input, found \".5\""},
          {"1.2.3.4x", "error@7: expected end of input, found \"x\""},
          {"1.2.3.4 ", "error@7: expected end of input, found \" \""},
          {" 1.2.3.4", "error@0: expected IPv4 address, found \" 1.2.3.4\""},
          {"1", "error@0: expected IPv4 address, found \"1\""},
          {"abc", "error@0: expected IPv4 address, found \"abc\""},
          {"::1", "error@0: expected IPv4 address, found \"::1\""},
          {"", "error@0: expected IPv4 address, found end of input"},
      },
      parse_ipv4, show_address);
}

// append_to() adds to what `out` holds (query --batch writes addresses into a line being built),
// with the same text as to_string(); IPv4-mapped IPv6 keeps its dotted tail.
TEST(ValuesTest, AppendToKeepsWhatIsThereAndWritesTheCanonicalText) {
  std::string out = "from ";
  append_to(out, Address{Family::ipv4, 0x0a00010fu});
  out += " to ";
  append_to(out, Address{Family::ipv4, 0xffffffffu});
  out += ", ";
  append_to(out, Address{Family::ipv4, 0});
  out += ", ";
  append_to(out, *parse_ipv6("2001:db8::15"));
  out += ", ";
  append_to(out, *parse_ipv6("::ffff:192.0.2.128"));
  EXPECT_EQ(out, "from 10.0.1.15 to 255.255.255.255, 0.0.0.0, 2001:db8::15, ::ffff:192.0.2.128");
}

TEST(ValuesTest, Ipv6) {
  check_table(
      {
          // Every RFC 4291 §2.2 form, printed per RFC 5952.
          {"::", "::"},
          {"::1", "::1"},
          {"1::", "1::"},
          {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
          {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},  // one zero group is not compressed
          {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
          {"1:2::7:8", "1:2::7:8"},
          {"0:0:0:0:0:0:0:0", "::"},
          {"0:0:0:0:0:0:0:1", "::1"},
          {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
          {"0001:02:003:4::", "1:2:3:4::"},
          {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},    // the longest zero run
          {"1:0:0:2:2:0:0:3", "1::2:2:0:0:3"},  // the leftmost of equal runs
          {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
          {"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
          // Case.
          {"2001:DB8::A", "2001:db8::a"},
          {"FE80::aBcD", "fe80::abcd"},
          {"ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
          // Embedded IPv4; only IPv4-mapped addresses keep the dotted tail (RFC 5952 §5).
          {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
          {"::FFFF:a00:1", "::ffff:10.0.0.1"},
          {"0:0:0:0:0:ffff:10.0.0.1", "::ffff:10.0.0.1"},
          {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
          {"::1.2.3.4", "::102:304"},
          {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
          // Errors.
          {"1:2:3:4:5:6:7:8:9", "error@0: expected IPv6 address, found \"1:2:3:4:5:6:7:8:9\""},
          {"1:2:3:4:5:6:7", "error@0: expected IPv6 address, found \"1:2:3:4:5:6:7\""},
          {"1:2:3:4:5:6:7:8::", "error@0: expected IPv6 address, found \"1:2:3:4:5:6:7:8::\""},
          {"::1:2:3:4:5:6:7:8", "error@0: expected IPv6 address, found \"::1:2:3:4:5:6:7:8\""},
          {"1::2::3", "error@0: expected IPv6 address, found \"1::2::3\""},
          {"12345::", "error@0: expected IPv6 group (1-4 hex digits), found \"12345\""},
          {"1::00000", "error@3: expected IPv6 group (1-4 hex digits), found \"00000\""},
          {"1.2.3.4", "error@0: expected IPv6 address, found \"1.2.3.4\""},
          {"1.2.3.4::", "error@0: expected IPv6 address, found \"1.2.3.4::\""},
          {"::1.2.3.4:5", "error@0: expected IPv6 address, found \"::1.2.3.4:5\""},
          {"1:2:3:4:5:6:7:1.2.3.4",
           "error@0: expected IPv6 address, found \"1:2:3:4:5:6:7:1.2.3.\""},
          {"::ffff:1.2.3", "error@12: expected '.', found end of input"},
          {"::ffff:1.2.3.256", "error@13: expected IPv4 octet (0-255), found \"256\""},
          {"::ffff:01.2.3.4", "error@7: expected IPv4 octet without leading zeros, found \"01\""},
          {":", "error@0: expected IPv6 address, found \":\""},
          {":::", "error@0: expected IPv6 address, found \":::\""},
          {"1:", "error@0: expected IPv6 address, found \"1:\""},
          {":1", "error@0: expected IPv6 address, found \":1\""},
          {"1::g", "error@0: expected IPv6 address, found \"1::g\""},
          {"g::", "error@0: expected IPv6 address, found \"g::\""},
          {" ::1", "error@0: expected IPv6 address, found \" ::1\""},
          {"fe80::1%eth0", "error@7: expected end of input, found \"%eth0\""},  // no zone ids
          {"", "error@0: expected IPv6 address, found end of input"},
      },
      parse_ipv6, show_address);
}

TEST(ValuesTest, Address) {
  check_table(
      {
          {"10.0.0.1", "10.0.0.1"},
          {"::1", "::1"},
          {"2001:DB8::1", "2001:db8::1"},
          {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
          {"1.2.3.4:80", "error@7: expected end of input, found \":80\""},
          {"1.2.3.256", "error@6: expected IPv4 octet (0-255), found \"256\""},
          {"foo", "error@0: expected IP address, found \"foo\""},
          {"1::2::3", "error@0: expected IP address, found \"1::2::3\""},
          {"", "error@0: expected IP address, found end of input"},
      },
      parse_address, show_address);
  EXPECT_EQ(parse_address("10.0.0.1")->family, Family::ipv4);
  EXPECT_EQ(parse_address("::a00:1")->family, Family::ipv6);
}

TEST(ValuesTest, Cidr4) {
  check_table(
      {
          {"10.0.0.0/8", "10.0.0.0/8"},
          {"0.0.0.0/0", "0.0.0.0/0"},
          {"1.2.3.4/32", "1.2.3.4/32"},
          {"10.0.0.1/16", "10.0.0.0/16 (host bits)"},
          {"1.2.3.4/0", "0.0.0.0/0 (host bits)"},
          {"67.221.169.243/0", "0.0.0.0/0 (host bits)"},
          {"100.68.0.18/18", "100.68.0.0/18 (host bits)"},
          {"10.0.0.0/08", "10.0.0.0/8"},  // a prefix length is plain decimal
          {"10.0.0.0/33", "error@9: expected prefix length (0-32), found \"33\""},
          {"10.0.0.0/-1", "error@9: expected prefix length (0-32), found \"-1\""},
          {"10.0.0.0/", "error@9: expected prefix length (0-32), found end of input"},
          {"10.0.0.0", "error@8: expected '/', found end of input"},
          {"10.0.0.0/8/8", "error@10: expected end of input, found \"/8\""},
          {"10/8", "error@0: expected IPv4 CIDR, found \"10\""},
          {"::/0", "error@0: expected IPv4 CIDR, found \"::\""},
          {"", "error@0: expected IPv4 CIDR, found end of input"},
      },
      parse_cidr4, show_cidr);
}

TEST(ValuesTest, Cidr6) {
  check_table(
      {
          {"::/0", "::/0"},
          {"2001:db8::/32", "2001:db8::/32"},
          {"::1/128", "::1/128"},
          {"2001:DB8:0:0::/48", "2001:db8::/48"},
          {"2001:db8::1/64", "2001:db8::/64 (host bits)"},
          {"ffff:ffff::/1", "8000::/1 (host bits)"},
          {"::ffff:0:0/96", "::ffff:0.0.0.0/96"},
          {"2001:db8::/129", "error@11: expected prefix length (0-128), found \"129\""},
          {"2001:db8::", "error@10: expected '/', found end of input"},
          {"10.0.0.0/8", "error@0: expected IPv6 CIDR, found \"10.0.0.0\""},
      },
      parse_cidr6, show_cidr);
}

TEST(ValuesTest, CidrEitherFamily) {
  check_table(
      {
          {"10.0.0.1/16", "10.0.0.0/16 (host bits)"},
          {"1.2.3.4", "1.2.3.4/32"},  // a bare address is a host block
          {"::1", "::1/128"},
          {"2001:db8::1/64", "2001:db8::/64 (host bits)"},
          {"::/0", "::/0"},
          {"10.0.0.0/33", "error@9: expected prefix length (0-32), found \"33\""},
          {"::/129", "error@3: expected prefix length (0-128), found \"129\""},
          {"1.2.3.4/", "error@8: expected prefix length (0-32), found end of input"},
          {"foo", "error@0: expected CIDR, found \"foo\""},
          {"", "error@0: expected CIDR, found end of input"},
      },
      parse_cidr, show_cidr);
}

TEST(ValuesTest, Port) {
  check_table(
      {
          {"0", "0"},
          {"80", "80"},
          {"65535", "65535"},
          {"065535", "65535"},
          {"65536", "error@0: expected port number (0-65535), found \"65536\""},
          {"70000", "error@0: expected port number (0-65535), found \"70000\""},
          {"-1", "error@0: expected port number (0-65535), found \"-1\""},
          {"+80", "error@0: expected port number (0-65535), found \"+80\""},
          {"99999999999999999999999999",
           "error@0: expected port number (0-65535), found \"99999999999999999999\""},
          {"80x", "error@2: expected end of input, found \"x\""},
          {" 80", "error@0: expected port number (0-65535), found \" 80\""},
          {"", "error@0: expected port number (0-65535), found end of input"},
      },
      parse_port, show_number);
}

TEST(ValuesTest, PortRange) {
  check_table(
      {
          {"80", "80-80"},
          {"0-65535", "0-65535"},
          {"80-90", "80-90"},
          {"443-443", "443-443"},
          {"90-80",
           "error@3: expected port number (90-65535), found \"80\"; the range ends below its "
           "start"},
          {"80-", "error@3: expected port number (0-65535), found end of input"},
          {"80-65536", "error@3: expected port number (0-65535), found \"65536\""},
          {"-80", "error@0: expected port number (0-65535), found \"-80\""},
          {"80-90-100", "error@5: expected end of input, found \"-100\""},
          {"80 - 90", "error@2: expected end of input, found \" - 90\""},
      },
      parse_port_range, show_range);
}

TEST(ValuesTest, Protocol) {
  check_table(
      {
          {"tcp", "6"},
          {"TCP", "6"},
          {"Tcp", "6"},
          {"udp", "17"},
          {"icmp", "1"},
          {"ICMP", "1"},
          {"icmpv6", "58"},
          {"ICMPv6", "58"},
          {"all", "-1"},
          {"All", "-1"},
          {"-1", "-1"},
          {"0", "0"},
          {"6", "6"},
          {"58", "58"},
          {"255", "255"},
          {"047", "47"},
          {"256",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found "
           "\"256\""},
          {"esp",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found "
           "\"esp\""},
          {"tcpx",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found "
           "\"tcpx\""},
          {"icmpv7",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), "
           "found \"icmpv7\""},
          {"-2",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found "
           "\"-2\""},
          {"-10",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found "
           "\"-10\""},
          {"",
           "error@0: expected protocol (tcp, udp, icmp, icmpv6, all, -1 or 0-255), found end "
           "of input"},
          {"tcp ", "error@3: expected end of input, found \" \""},
          {"6.0", "error@1: expected end of input, found \".0\""},
      },
      parse_protocol, show_number);
}

TEST(ValuesTest, Icmp) {
  check_table(
      {
          {"8", "8:-1"},
          {"8:0", "8:0"},
          {"8:-1", "8:-1"},
          {"-1", "-1:-1"},
          {"-1:-1", "-1:-1"},
          {"0:0", "0:0"},
          {"255:255", "255:255"},
          {"-1:3", "error@3: expected ICMP code -1 (the type is -1), found \"3\""},
          {"256", "error@0: expected ICMP type (-1-255), found \"256\""},
          {"-2", "error@0: expected ICMP type (-1-255), found \"-2\""},
          {"8:256", "error@2: expected ICMP code (-1-255), found \"256\""},
          {"8:-10", "error@2: expected ICMP code (-1-255), found \"-10\""},
          {"8:", "error@2: expected ICMP code (-1-255), found end of input"},
          {"8:3:1", "error@3: expected end of input, found \":1\""},
          {"x", "error@0: expected ICMP type (-1-255), found \"x\""},
          {"", "error@0: expected ICMP type (-1-255), found end of input"},
      },
      parse_icmp, show_icmp);
}

TEST(ValuesTest, ErrorMessageIsVerbatim) {
  EXPECT_EQ(parse_port("70000").error.message(), "expected port number (0-65535), found \"70000\"");
  EXPECT_EQ(parse_port("").error.message(), "expected port number (0-65535), found end of input");
  // Whatever the input holds, the message is printable.
  EXPECT_EQ(parse_port("\x01").error.message(), "expected port number (0-65535), found \"\\x01\"");
  EXPECT_EQ(parse_port("\"").error.message(), "expected port number (0-65535), found \"\\\"\"");
  EXPECT_EQ(parse_port("\\").error.message(), "expected port number (0-65535), found \"\\\\\"");
  // Bytes over 0x7f match nothing (and never reach <cctype> as negative chars).
  EXPECT_EQ(parse_protocol("tcp\xc3").error.message(), "expected end of input, found \"\\xc3\"");
  EXPECT_EQ(parse_ipv6("\xff::1").error.message(), "expected IPv6 address, found \"\\xff::1\"");
  const ValueError error = parse_cidr4("10.0.0.0/33").error;
  EXPECT_EQ(error.offset, 9u);
  EXPECT_EQ(error.expected, "prefix length (0-32)");
  EXPECT_EQ(error.found, "33");
}

TEST(ValuesTest, CidrArithmetic) {
  const Cidr v4 = *parse_cidr("10.1.0.0/16");
  EXPECT_EQ(v4.first(), 0x0a010000u);
  EXPECT_EQ(v4.last(), 0x0a01ffffu);
  EXPECT_TRUE(v4.contains(*parse_address("10.1.255.255")));
  EXPECT_FALSE(v4.contains(*parse_address("10.2.0.0")));
  EXPECT_FALSE(v4.contains(Address{Family::ipv6, 0x0a010001}));  // families never mix
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->last(), 0xffffffffu);
  EXPECT_EQ(parse_cidr("1.2.3.4/32")->last(), 0x01020304u);

  const Cidr all6 = *parse_cidr("::/0");
  EXPECT_EQ(all6.last(), ~u128{0});
  EXPECT_TRUE(all6.contains(*parse_address("ffff::1")));
  EXPECT_FALSE(all6.contains(*parse_address("1.2.3.4")));
  const Cidr host6 = *parse_cidr("2001:db8::1");
  EXPECT_EQ(host6.first(), host6.last());
  EXPECT_TRUE(host6.contains(*parse_address("2001:db8::1")));
  EXPECT_FALSE(host6.contains(*parse_address("2001:db8::2")));

  EXPECT_EQ(to_set4(v4), Ipv4Set::of(0x0a010000u, 0x0a01ffffu));
  EXPECT_EQ(to_set6(all6), Ipv6Set::all());
  // Equality ignores had_host_bits: both are the same block.
  EXPECT_EQ(*parse_cidr("10.0.0.1/8"), *parse_cidr("10.0.0.0/8"));
}

TEST(ValuesTest, ProtocolNames) {
  EXPECT_EQ(protocol_name(kAllProtocols), "all");
  EXPECT_EQ(protocol_name(kTcp), "tcp");
  EXPECT_EQ(protocol_name(kUdp), "udp");
  EXPECT_EQ(protocol_name(kIcmp), "icmp");
  EXPECT_EQ(protocol_name(kIcmpv6), "icmpv6");
  EXPECT_EQ(protocol_name(47), "47");
  EXPECT_EQ(protocol_name(0), "0");
  for (int p = -1; p <= 255; ++p) {
    const ValueResult<int> back = parse_protocol(protocol_name(p));
    ASSERT_TRUE(back) << p;
    EXPECT_EQ(*back, p);
  }
}

std::vector<std::string> cidr_texts(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  for (const Cidr& c : cidrs) out.push_back(to_string(c));
  return out;
}

using Texts = std::vector<std::string>;

TEST(ValuesTest, ToCidrs) {
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv4Set())), Texts{});
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv4Set::all())), Texts{"0.0.0.0/0"});
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv6Set::all())), Texts{"::/0"});
  EXPECT_EQ(cidr_texts(to_cidrs(to_set4(*parse_cidr("10.0.0.0/24")))), Texts{"10.0.0.0/24"});
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv4Set::of(0x0a000001u, 0x0a000006u))),
            (Texts{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv4Set::of(0xfffffffeu, 0xffffffffu))),
            Texts{"255.255.255.254/31"});
  // Two adjacent blocks that are not buddies stay two.
  EXPECT_EQ(cidr_texts(to_cidrs(Ipv4Set::of(0x0a000100u, 0x0a0002ffu))),
            (Texts{"10.0.1.0/24", "10.0.2.0/24"}));
  // The complement of 10.0.0.0/8: everything else, in address order.
  EXPECT_EQ(cidr_texts(to_cidrs(to_set4(*parse_cidr("10.0.0.0/8")).complement())),
            (Texts{"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3",
                   "64.0.0.0/2", "128.0.0.0/1"}));
  // Everything but ::: one block per bit.
  const std::vector<Cidr> all_but_zero = to_cidrs(Ipv6Set::of(1, ~u128{0}));
  ASSERT_EQ(all_but_zero.size(), 128u);
  EXPECT_EQ(to_string(all_but_zero.front()), "::1/128");
  EXPECT_EQ(to_string(all_but_zero.back()), "8000::/1");
  for (const Cidr& c : to_cidrs(Ipv4Set::of(5, 1000))) EXPECT_EQ(c.family, Family::ipv4);
}

}  // namespace
}  // namespace sgcheck
