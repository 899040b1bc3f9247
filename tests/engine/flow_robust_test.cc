// Bad input for the flow parser (suite robust, rerun under ASan+UBSan by scripts/test): random text
// and mutated good flows never crash parse_flow, and every error is one of our own messages with a
// position inside the line (or just past its end).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

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

}  // namespace
}  // namespace sgcheck
