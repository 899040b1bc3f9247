// Reading a newer ip-ranges.json (--ip-ranges FILE) with simdjson into AwsRanges, and filling the
// AWS-managed prefix lists of an inventory that came without their entries from the snapshot.
// Entry points: load_aws_ranges(), parse_aws_ranges() (include/sgcheck/ranges.h),
// fill_managed_prefix_lists() (ingest/aws_ranges_reader.h).
#include <simdjson.h>

#include "ingest/aws_ranges_reader.h"
#include "ingest/json_reader.h"
#include "sgcheck/ranges.h"

namespace sgcheck {

namespace {

using detail::InputError;
using detail::JsonFailure;
using detail::JsonReader;
using detail::What;
namespace od = simdjson::ondemand;

constexpr std::uint32_t kMaxDepth = 16;

// One element of "prefixes" or "ipv6_prefixes": its prefix (under `prefix_key`), service and
// Region.
AwsPrefix read_prefix(JsonReader& reader, od::value& value, std::string_view prefix_key) {
  od::object object;
  const std::size_t at = reader.offset(value);
  if (!reader.object(value, What{"prefixes", true}, object))
    throw InputError{at, "expected an object in the prefix list"};
  AwsPrefix p;
  bool have_prefix = false;
  reader.for_each_field(object, [&](std::string_view key, od::value v) {
    if (key == prefix_key) {
      const std::size_t where = reader.offset(v);
      const std::optional<std::string_view> text = reader.string(v, What{prefix_key});
      const ValueResult<Cidr> cidr = text ? parse_cidr(*text) : ValueResult<Cidr>{};
      if (!text) throw InputError{where, "invalid " + std::string(prefix_key) + ": null"};
      if (!cidr) {
        throw InputError{reader.string_char(where, cidr.error.offset),
                         "invalid " + std::string(prefix_key) + ": " + cidr.error.message()};
      }
      p.cidr = *cidr;
      have_prefix = true;
    } else if (key == "service") {
      p.service = reader.copy_string(v, What{"service"});
    } else if (key == "region") {
      p.region = reader.copy_string(v, What{"region"});
    }
  });
  if (!have_prefix || p.service.empty() || p.region.empty()) {
    throw InputError{at, "expected \"" + std::string(prefix_key) +
                             "\", \"service\" and \"region\" in each prefix"};
  }
  return p;
}

}  // namespace

AwsRangesLoad parse_aws_ranges(std::string_view json, std::string_view name) {
  AwsRangesLoad out;
  const std::string file(name);
  const simdjson::padded_string content(json);
  const std::string_view text(content.data(), content.size());
  Diagnostics ignored;
  JsonReader reader(text, 0, file, ignored);
  try {
    if (const auto deep = detail::find_excess_depth(text, kMaxDepth))
      throw InputError{*deep, detail::depth_message(kMaxDepth)};
    od::parser parser;
    od::document document;
    JsonReader::check(parser.iterate(content).get(document));
    od::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS)
      throw InputError{0, "expected a JSON object (AWS's ip-ranges.json)"};
    std::string sync_token, create_date;
    std::vector<AwsPrefix> prefixes;
    bool have_prefixes = false;
    reader.for_each_field(object, [&](std::string_view key, od::value v) {
      if (key == "syncToken") sync_token = reader.copy_string(v, What{"syncToken"});
      if (key == "createDate") create_date = reader.copy_string(v, What{"createDate"});
      if (key != "prefixes" && key != "ipv6_prefixes") return;
      have_prefixes = true;
      const std::string_view prefix_key = key == "prefixes" ? "ip_prefix" : "ipv6_prefix";
      od::array array;
      if (!reader.array(v, What{key}, array)) return;
      reader.for_each_element(
          array, [&](od::value e) { prefixes.push_back(read_prefix(reader, e, prefix_key)); });
    });
    if (!have_prefixes)
      throw InputError{0, "expected \"prefixes\" and \"ipv6_prefixes\" (AWS's ip-ranges.json)"};
    out.ranges = AwsRanges::from_prefixes(std::move(sync_token), std::move(create_date),
                                          std::move(prefixes));
  } catch (const InputError& e) {
    out.errors.push_back(detail::error_at_offset(file, text, e.offset, e.message));
  } catch (const JsonFailure& e) {
    const auto problem = detail::find_syntax_error(text, kMaxDepth);
    out.errors.push_back(detail::error_at_offset(
        file, text, problem ? problem->offset : std::string_view::npos,
        "invalid JSON: " + (problem ? problem->message : simdjson::error_message(e.code))));
  }
  return out;
}

AwsRangesLoad load_aws_ranges(const std::string& path) {
  simdjson::padded_string content;
  if (simdjson::padded_string::load(path).get(content) != simdjson::SUCCESS) {
    AwsRangesLoad out;
    Diagnostic d;
    d.message = "cannot read the IP ranges file";
    d.location.file = path;
    out.errors.push_back(std::move(d));
    return out;
  }
  return parse_aws_ranges(std::string_view(content.data(), content.size()), path);
}

namespace detail {

void fill_managed_prefix_lists(Inventory& inventory) {
  for (PrefixList& list : inventory.prefix_lists) {
    if (list.entries_known) continue;
    const std::optional<AwsManagedList> managed = aws_managed_list(list.name);
    if (!managed || managed->service.empty()) continue;
    const AwsRanges& ranges = aws_ranges();  // decoded here, when a list needs it
    if (!ranges.has_service(managed->service)) continue;
    const Family family = list.family ? *list.family : managed->family.value_or(Family::ipv4);
    list.entries = ranges.prefixes(managed->service, managed->region, family);
    if (list.entries.empty()) continue;
    list.entries_known = true;
    std::string entries;
    for (const Cidr& cidr : list.entries)
      entries += (entries.empty() ? "" : ", ") + to_string(cidr);
    if (list.entries.size() > 4) entries = std::to_string(list.entries.size()) + " prefixes";
    Diagnostic note;
    note.severity = Severity::warning;
    note.message =
        "prefix list " + list.id + " (" + list.name +
        ") has no entries in the inputs; its entries are taken from AWS's IP ranges of " +
        ranges.create_date() + ", " + managed->service +
        (managed->region.empty() ? "" : " in " + managed->region) + ": " + entries;
    note.location = inventory.location(list.location);
    inventory.diagnostics.push_back(std::move(note));
  }
}

}  // namespace detail

}  // namespace sgcheck
