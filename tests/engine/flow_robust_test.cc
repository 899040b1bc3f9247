// Bad input for the flow parser (suite robust, rerun under ASan+UBSan by scripts/test): random text
// and mutated good flows never crash parse_flow, and every error is one of our own messages with a
// position inside the line (or just past its end); the fast path for common point flows
// (engine/point_flow.h) reads what the grammar reads, and leaves the rest, errors included, to it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "engine/point_flow.h"
#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

void check_result(const std::string& text) {
  const FlowParseResult r = parse_flow(text, "robust", 3);
  if (r) {
    // Whatever parsed prints back as a flow that parses to the same text.
    const FlowParseResult again = parse_flow(r.flow->to_string());
    RC_ASSERT(static_cast<bool>(again));
    RC_ASSERT(again.flow->to_string() == r.flow->to_string());
    return;
  }
  RC_ASSERT(!r.error.message.empty());
  RC_ASSERT(r.error.message.find("parse error matching") == std::string::npos);
  RC_ASSERT(r.error.location.line == 3u);
  RC_ASSERT(r.error.location.column >= 1u);
  RC_ASSERT(r.error.location.column <= text.size() + 1);
}

RC_GTEST_PROP(FlowRobust, RandomTextNeverCrashes, ()) {
  const std::string alphabet = "tcpudimv6alrofngesx-/:.0123456789abcdef #\t\n\r\x80\xff";
  const auto text = *rc::gen::container<std::string>(rc::gen::elementOf(alphabet));
  check_result(text);
}

RC_GTEST_PROP(FlowRobust, MutatedFlowsNeverCrash, ()) {
  const std::vector<std::string> good = {
      "tcp/22 from 10.0.0.1 to eni-0a1b",        "udp/1000-2000 from 10.0.0.0/8 to sg-0aa",
      "icmp/8:0 from internet to i-0abc",        "icmpv6 from 2001:db8::/32 to eni-01",
      "proto/50 from 192.0.2.1 to 198.51.100.7", "all from sg-01 to sg-02"};
  std::string text = *rc::gen::elementOf(good);
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        text.erase(at, 1);
        break;
      case 1:
        text.insert(at, 1, *rc::gen::elementOf(std::string("-/:. 9aZ\xff")));
        break;
      default:
        text[at] = *rc::gen::elementOf(std::string("0-/: xf"));
        break;
    }
  }
  check_result(text);
}

// Every field of a parsed flow, as text: two flows are the same when these are.
std::string endpoint_fields(const Endpoint& e) {
  std::string out;
  for (const std::string& field :
       {std::to_string(static_cast<int>(e.kind)), std::to_string(static_cast<int>(e.cidr.family)),
        to_string(Address{e.cidr.family, e.cidr.base}), std::to_string(e.cidr.prefix),
        std::to_string(e.cidr.had_host_bits), e.id, std::to_string(e.column), e.name,
        e.internet_family ? std::to_string(static_cast<int>(*e.internet_family)) : "-",
        std::to_string(e.all_addresses), e.aws ? e.aws->service : "-"}) {
    out += field;
    out += '|';
  }
  return out;
}

std::string flow_fields(const Flow& f) {
  return std::to_string(f.service.protocol) + "|" + std::to_string(f.service.ports.from) + "-" +
         std::to_string(f.service.ports.to) + "|" + std::to_string(f.service.icmp.type) + ":" +
         std::to_string(f.service.icmp.code) + " / " + endpoint_fields(f.source) + " / " +
         endpoint_fields(f.destination);
}

std::string result_fields(const FlowParseResult& r) {
  std::string out = r ? "flow " + flow_fields(*r.flow) : "error " + format_diagnostic(r.error);
  for (const Diagnostic& w : r.warnings) out += "\nwarning " + format_diagnostic(w);
  return out;
}

// The fast path reads exactly what the grammar reads; parse_flow() (fast path, then grammar)
// answers as the grammar alone, errors and their positions included.
void check_fast_path(const std::string& text) {
  const FlowParseResult grammar = detail::parse_flow_grammar(text, "fast", 7);
  RC_ASSERT(result_fields(parse_flow(text, "fast", 7)) == result_fields(grammar));
  Flow fast;
  const bool taken = detail::parse_point_flow(text, fast);
  RC_CLASSIFY(taken, "fast path");
  RC_CLASSIFY(static_cast<bool>(grammar), "grammar reads a flow");
  if (taken) {
    RC_ASSERT(static_cast<bool>(grammar));
    RC_ASSERT(grammar.warnings.empty());
    RC_ASSERT(flow_fields(fast) == flow_fields(*grammar.flow));
  }
}

// Lines made of the words of point flows, each word well formed 19 times in 20, else nearly:
// numbers out of range or with leading zeros, other cases, doubled or missing blanks, ids that are
// not hexadecimal, and the endpoints and services the fast path leaves to the grammar.
std::string often(const std::string& good, const std::vector<std::string>& bad) {
  // At full size: inRange() leans to its low end at the small sizes a run starts with.
  return *rc::gen::resize(100, rc::gen::inRange(0, 20)) < 19 ? good : *rc::gen::elementOf(bad);
}

// A number in 0..max, one time in ten a bound (0, max or max + 1), else nearly a number.
std::string number(int max) {
  if (*rc::gen::resize(100, rc::gen::inRange(0, 10)) == 0)
    return std::to_string(*rc::gen::element(0, max, max + 1));
  return often(std::to_string(*rc::gen::inRange(0, max + 1)),
               {"00", "01", "99999", "123456", "", "-1", "1a"});
}

std::string service() {
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return often("tcp/", {"TCP/", "tcp", "tcp//"}) + number(65535);
    case 1:
      return often("udp/", {"Udp/", "udp:"}) + often(number(65535), {"53-54", "1-"});
    case 2:
      return often("icmp/", {"icmpv6/", "ICMP/"}) + number(255) + often(":", {"", "::", "-"}) +
             number(255);
    default:
      return *rc::gen::element<std::string>("tcp/22-23", "icmp/8", "icmpv6/128:0", "proto/50",
                                            "all");
  }
}

std::string hex_id(const char* prefix) {
  const std::string digits = "0123456789abcdefABCDEF";
  return often(prefix, {"ENI-", "sg-", "i_", "eni"}) +
         *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::elementOf(digits))) +
         often("", {"g", ".", "/8", "#", "-1"});
}

std::string endpoint() {
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return number(255) + often(".", {"", ".."}) + number(255) + "." + number(255) + "." +
             number(255) + often("", {"/8", "/32", ".1", ":", "x"});
    case 1:
      return hex_id("eni-");
    case 2:
      return hex_id("i-");
    default:
      return *rc::gen::element<std::string>("10.0.0.5/8", "2001:db8::1", "internet", "all", "AppSG",
                                            "aws:S3", "fe80::1", "sg-0a");
  }
}

std::string blank() {
  return often(" ", {"  ", "\t", "", " \t"});
}

std::string near_point_flow() {
  const auto edge = [] { return often("", {" ", "\t", " x", "\n"}); };
  return edge() + service() + blank() + often("from", {"FROM", "fro", "fromm"}) + blank() +
         endpoint() + blank() + often("to", {"To", "too", "t"}) + blank() + endpoint() + edge();
}

RC_GTEST_PROP(FlowRobust, FastPathReadsWhatTheGrammarReads, ()) {
  check_fast_path(near_point_flow());
}

RC_GTEST_PROP(FlowRobust, FastPathAgreesOnRandomText, ()) {
  const std::string alphabet = "tcpudimfromtoen-/:.0123456789abcdef \t";
  check_fast_path(*rc::gen::container<std::string>(rc::gen::elementOf(alphabet)));
}

// The fast path is taken for the common shapes (else the properties above would test nothing).
TEST(FlowRobust, FastPathTakesCommonPointFlows) {
  for (const char* text :
       {"tcp/443 from 10.0.0.5 to eni-0a1b", "udp/53 from i-0abc to 0.0.0.0",
        "icmp/8:0 from eni-0a to i-0b", "  tcp/0 from 255.255.255.255 to eni-0\t"}) {
    Flow fast;
    EXPECT_TRUE(detail::parse_point_flow(text, fast)) << text;
    const FlowParseResult grammar = detail::parse_flow_grammar(text, "fast", 1);
    ASSERT_TRUE(grammar) << text;
    EXPECT_EQ(flow_fields(fast), flow_fields(*grammar.flow)) << text;
  }
  Flow fast;
  for (const char* text :
       {"tcp/22-23 from 10.0.0.5 to eni-0a", "tcp/022 from 10.0.0.5 to eni-0a",
        "tcp/22 from 10.0.0.5 to eni-0a # x", "TCP/22 from 10.0.0.5 to eni-0a"}) {
    EXPECT_FALSE(detail::parse_point_flow(text, fast)) << text;
  }
}

}  // namespace
}  // namespace sgcheck
