// One finding as the lint reports write it, for the other reports that list findings (diff): the
// gcc-style text block with its excerpt, and the JSON object. Entry points: append_finding(),
// write_finding().
#pragma once

#include <string>

#include "report/json_writer.h"
#include "sgcheck/lint.h"

namespace sgcheck::detail {

// `file:line:col: severity: ID message`, then the source line and a caret when `source` is given.
void append_finding(std::string& out, const Finding& f, const std::string* source, bool color);
// The finding's object of the JSON report.
void write_finding(JsonWriter& json, const Finding& f);

}  // namespace sgcheck::detail
