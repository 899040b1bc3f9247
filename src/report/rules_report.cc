// `rules` reports: the checks of the built-in policy pack and of policy files as aligned text or
// JSON (`rules list`, a small document of fixed size: an nlohmann/json tree, see json_writer.h),
// and the line `rules check` prints for a valid file. Entry points: check_list_text(),
// check_list_json(), policy_file_ok_line().
#include <algorithm>
#include <nlohmann/json.hpp>

#include "atoms/text.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using detail::join;

}  // namespace

std::string check_list_text(const std::vector<CheckInfo>& checks) {
  std::size_t width = 2;
  for (const CheckInfo& r : checks) width = std::max(width, r.id.size());
  std::string out;
  for (const CheckInfo& r : checks) {
    std::string line = r.id + std::string(width - r.id.size() + 2, ' ');
    const std::string severity = finding_severity_name(r.severity);
    line += severity + std::string(10 - severity.size(), ' ') + r.title;
    if (!r.refs.empty()) line += "  [" + join(r.refs, ", ") + "]";
    out += line + '\n';
  }
  return out;
}

std::string check_list_json(const std::vector<CheckInfo>& checks) {
  nlohmann::ordered_json out = {{"rules", nlohmann::ordered_json::array()}};
  for (const CheckInfo& r : checks) {
    out["rules"].push_back({{"id", r.id},
                            {"title", r.title},
                            {"severity", finding_severity_name(r.severity)},
                            {"refs", r.refs},
                            {"help", r.help}});
  }
  return out.dump(2) + '\n';
}

std::string policy_file_ok_line(const std::string& file, const std::vector<CheckInfo>& rules) {
  std::vector<std::string> ids;
  for (const CheckInfo& r : rules) ids.push_back(r.id);
  return file + ": ok, " + std::to_string(rules.size()) + (rules.size() == 1 ? " rule" : " rules") +
         (ids.empty() ? "" : " (" + join(ids, ", ") + ")") + '\n';
}

}  // namespace sgcheck
