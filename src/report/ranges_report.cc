// `ranges` reports: the snapshot of AWS's IP ranges in use (date, services, Regions) and the
// prefixes of one aws:SERVICE[@REGION] name, as text or JSON (small documents of fixed size: an
// nlohmann/json tree). Entry points: ranges_summary_text(), ranges_prefixes_text() and their
// _json twins.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "atoms/text.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using detail::join;

// The Regions and prefixes of each service: counted from the snapshot, once per report.
struct ServiceLine {
  std::string service;
  std::vector<std::string> regions;
  std::size_t prefixes = 0;
};

std::vector<ServiceLine> service_lines(const AwsRanges& ranges) {
  std::vector<ServiceLine> out;
  for (const std::string& service : ranges.services()) {
    out.push_back({service, ranges.regions_of(service), ranges.prefixes(service).size()});
  }
  return out;
}

// Names separated by ", ", in lines of at most 100 characters, each indented by two.
std::string wrapped(const std::vector<std::string>& names) {
  std::string out, line;
  for (const std::string& name : names) {
    if (!line.empty() && line.size() + name.size() + 2 > 100) {
      out += "  " + line + ",\n";
      line.clear();
    }
    line += (line.empty() ? "" : ", ") + name;
  }
  if (!line.empty()) out += "  " + line + "\n";
  return out;
}

// (Region, prefix) of a name: its own Region's, or every Region's.
std::vector<std::pair<std::string, Cidr>> name_prefixes(const AwsRanges& ranges,
                                                        const AwsRangeName& name) {
  std::vector<std::pair<std::string, Cidr>> out;
  const std::vector<std::string> regions =
      name.region.empty() ? ranges.regions_of(name.service) : std::vector{name.region};
  for (const std::string& region : regions) {
    for (const Cidr& cidr : ranges.prefixes(name.service, region)) out.emplace_back(region, cidr);
  }
  return out;
}

}  // namespace

std::string ranges_summary_text(const AwsRanges& ranges, const std::string& source) {
  std::string out = "AWS IP ranges of " + ranges.create_date() + " (syncToken " +
                    ranges.sync_token() + ", " + source +
                    "): " + std::to_string(ranges.prefix_count()) + " prefixes\n";
  const std::vector<ServiceLine> lines = service_lines(ranges);
  std::size_t width = 0, title_width = 0;
  for (const ServiceLine& l : lines) {
    width = std::max(width, l.service.size());
    title_width = std::max(title_width, aws_service_title(l.service).size());
  }
  out += std::to_string(lines.size()) + (lines.size() == 1 ? " service:\n" : " services:\n");
  for (const ServiceLine& l : lines) {
    // A service without a title of its own shows a blank column, not its code twice.
    const std::string title =
        aws_service_title(l.service) == l.service ? "" : aws_service_title(l.service);
    out += "  " + l.service + std::string(width - l.service.size() + 2, ' ') + title +
           std::string(title_width - title.size() + 2, ' ') + std::to_string(l.regions.size()) +
           (l.regions.size() == 1 ? " Region, " : " Regions, ") + std::to_string(l.prefixes) +
           (l.prefixes == 1 ? " prefix\n" : " prefixes\n");
  }
  out += std::to_string(ranges.regions().size()) +
         (ranges.regions().size() == 1 ? " Region:\n" : " Regions:\n") + wrapped(ranges.regions());
  return out;
}

std::string ranges_prefixes_text(const AwsRanges& ranges, const AwsRangeName& name) {
  std::string out;
  for (const auto& [region, cidr] : name_prefixes(ranges, name)) {
    out += (name.region.empty() ? region + " " : "") + to_string(cidr) + "\n";
  }
  return out;
}

std::string ranges_summary_json(const AwsRanges& ranges, const std::string& source) {
  nlohmann::ordered_json out = {{"create_date", ranges.create_date()},
                                {"sync_token", ranges.sync_token()},
                                {"source", source},
                                {"services", nlohmann::ordered_json::array()},
                                {"regions", ranges.regions()}};
  for (const ServiceLine& l : service_lines(ranges)) {
    out["services"].push_back({{"service", l.service},
                               {"title", aws_service_title(l.service)},
                               {"regions", l.regions},
                               {"prefixes", l.prefixes}});
  }
  return out.dump(2) + '\n';
}

std::string ranges_prefixes_json(const AwsRanges& ranges, const AwsRangeName& name) {
  nlohmann::ordered_json out = {{"service", name.service},
                                {"region", name.region.empty() ? nullptr : name.region},
                                {"create_date", ranges.create_date()},
                                {"prefixes", nlohmann::ordered_json::array()}};
  for (const auto& [region, cidr] : name_prefixes(ranges, name)) {
    out["prefixes"].push_back({{"prefix", to_string(cidr)}, {"region", region}});
  }
  return out.dump(2) + '\n';
}

}  // namespace sgcheck
