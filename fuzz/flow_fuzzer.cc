// Fuzz target for flow expressions (the PEGTL grammar of product.md §5, include/sgcheck/engine.h):
// parse_flow on the input bytes. Beyond "never crash": a parsed flow prints as text that parses to
// the same text, and an error names a column inside the text with a message a user can read (never
// PEGTL's default "parse error matching …"). Entry point: LLVMFuzzerTestOneInput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sgcheck/engine.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "flow_fuzzer: %s for input \"%.*s\"\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

void check_error(const sgcheck::Diagnostic& error, std::string_view text) {
  if (error.message.empty()) fail("empty error message", text);
  if (error.message.find("parse error matching") != std::string::npos)
    fail("PEGTL's default message reached the user", text);
  if (error.location.line == 0) fail("error without a line", text);
}

void check_round_trip(const sgcheck::Flow& flow, std::string_view text) {
  const std::string printed = flow.to_string();
  const sgcheck::FlowParseResult again = sgcheck::parse_flow(printed);
  if (!again) fail("the canonical text of a flow does not parse", text);
  if (again.flow->to_string() != printed) fail("the canonical text is not stable", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sgcheck::FlowParseResult result = sgcheck::parse_flow(text, "<fuzz>", 1);
  if (result)
    check_round_trip(*result.flow, text);
  else
    check_error(result.error, text);
  return 0;
}
