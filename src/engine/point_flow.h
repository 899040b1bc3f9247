// The fast path of parse_flow() for the shape most flow lines of a batch have, and parse_flow()'s
// grammar alone, private to the engine (and its tests, which check that the two agree on any text).
// Entry points: parse_point_flow(), parse_flow_grammar().
#pragma once

#include <cstdint>
#include <string_view>

#include "sgcheck/engine.h"

namespace sgcheck::detail {

// Reads `text` into `out` when it is exactly `SERVICE from ENDPOINT to ENDPOINT` with SERVICE
// tcp/PORT, udp/PORT or icmp/TYPE:CODE and each ENDPOINT a dotted IPv4 address, eni-HEX or i-HEX,
// in lower case, single spaces between the words, blanks at most around the whole, and numbers
// without leading zeros: the same Flow the grammar makes of it, with no warning possible. Returns
// false for any other text, leaving `out` unspecified: then the grammar decides (and words any
// error).
bool parse_point_flow(std::string_view text, Flow& out);

// parse_flow() without the fast path: the PEGTL grammar and the checks on the whole flow.
FlowParseResult parse_flow_grammar(std::string_view text, std::string_view file,
                                   std::uint32_t line);

}  // namespace sgcheck::detail
