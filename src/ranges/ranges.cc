// AwsRanges: the snapshot of AWS's IP ranges as blocks of prefixes per (service, Region, family),
// the built-in one read from the generated table (aws_ranges_table.inc) on first use, the active
// one (aws_ranges(), use_aws_ranges()), and what names ranges: aws:SERVICE[@REGION] with its
// errors and near names, service titles, and AWS-managed prefix lists by name.
#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <tuple>

#include "atoms/text.h"
#include "sgcheck/ranges.h"

namespace sgcheck {

namespace ranges_table {
// One block of the generated table: the prefixes of a service in a Region, of one family.
struct TableBlock {
  std::uint8_t service;
  std::uint8_t region;
  std::uint8_t family;  // 4 or 6
  std::uint32_t offset;
  std::uint32_t count;
};
}  // namespace ranges_table

}  // namespace sgcheck

#include "ranges/aws_ranges_table.inc"

namespace sgcheck {

// A block of prefixes, as in the table: indexes into the names, and where its bytes start.
struct Block {
  std::uint32_t service = 0;
  std::uint32_t region = 0;
  Family family = Family::ipv4;
  std::uint32_t offset = 0;
  std::uint32_t count = 0;
};

struct AwsRanges::Data {
  std::string sync_token;
  std::string create_date;
  std::vector<std::string> services;
  std::vector<std::string> regions;
  std::vector<Block> blocks;  // sorted by service, region, family
  // Each prefix: its length, then the (length + 7) / 8 leading bytes of its address. The built-in
  // table's bytes are constant data, read in place.
  std::string owned_bytes;
  std::string_view bytes;
  std::size_t prefix_count = 0;
  // aws_range_title()'s index, built on its first call: the blocks of one prefix, by prefix, with
  // the block's index (-1 when several services publish that prefix alone).
  mutable std::once_flag titles_once;
  mutable std::vector<std::pair<Cidr, std::int32_t>> titles;
};

namespace {

std::size_t address_bytes(std::uint8_t length) {
  return (length + 7u) / 8u;
}

// Calls f(cidr) for each prefix of a block.
template <typename F>
void for_each_prefix(std::string_view bytes, const Block& block, F&& f) {
  std::size_t at = block.offset;
  for (std::uint32_t i = 0; i < block.count; ++i) {
    const auto length = static_cast<std::uint8_t>(bytes[at++]);
    const std::size_t width = block.family == Family::ipv4 ? 4 : 16;
    u128 bits = 0;
    for (std::size_t b = 0; b < width; ++b) {
      const u128 byte = b < address_bytes(length) ? static_cast<unsigned char>(bytes[at + b]) : 0;
      bits = (bits << 8) | byte;
    }
    at += address_bytes(length);
    f(Cidr{bits, block.family, length, false});
  }
}

void append_prefix(std::string& bytes, const Cidr& cidr) {
  bytes += static_cast<char>(cidr.prefix);
  const int width = cidr.family == Family::ipv4 ? 4 : 16;
  for (std::size_t b = 0; b < address_bytes(cidr.prefix); ++b) {
    bytes += static_cast<char>((cidr.base >> (8 * (width - 1 - static_cast<int>(b)))) & 0xff);
  }
}

std::size_t index_of(const std::vector<std::string>& names, std::string_view name) {
  auto it = std::lower_bound(names.begin(), names.end(), name);
  return it != names.end() && *it == name ? static_cast<std::size_t>(it - names.begin())
                                          : names.size();
}

const AwsRanges::Data& empty_data() {
  static const AwsRanges::Data kEmpty;
  return kEmpty;
}

}  // namespace

AwsRanges::AwsRanges() = default;

AwsRanges AwsRanges::builtin() {
  namespace t = ranges_table;
  auto data = std::make_shared<Data>();
  data->sync_token = t::kSyncToken;
  data->create_date = t::kCreateDate;
  data->services.assign(std::begin(t::kServices), std::end(t::kServices));
  data->regions.assign(std::begin(t::kRegions), std::end(t::kRegions));
  data->blocks.reserve(std::size(t::kBlocks));
  for (const t::TableBlock& b : t::kBlocks) {
    data->blocks.push_back(
        {b.service, b.region, b.family == 4 ? Family::ipv4 : Family::ipv6, b.offset, b.count});
    data->prefix_count += b.count;
  }
  data->bytes = std::string_view(t::kPrefixBytes, t::kPrefixBytesSize);
  AwsRanges out;
  out.data_ = std::move(data);
  return out;
}

AwsRanges AwsRanges::from_prefixes(std::string sync_token, std::string create_date,
                                   std::vector<AwsPrefix> prefixes) {
  auto data = std::make_shared<Data>();
  data->sync_token = std::move(sync_token);
  data->create_date = std::move(create_date);
  for (const AwsPrefix& p : prefixes) {
    data->services.push_back(p.service);
    data->regions.push_back(p.region);
  }
  for (auto* names : {&data->services, &data->regions}) {
    std::sort(names->begin(), names->end());
    names->erase(std::unique(names->begin(), names->end()), names->end());
  }
  struct Keyed {
    std::uint32_t service, region;
    Cidr cidr;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(prefixes.size());
  for (const AwsPrefix& p : prefixes) {
    keyed.push_back({static_cast<std::uint32_t>(index_of(data->services, p.service)),
                     static_cast<std::uint32_t>(index_of(data->regions, p.region)), p.cidr});
  }
  const auto key = [](const Keyed& k) {
    return std::make_tuple(k.service, k.region, k.cidr.family, k.cidr.base, k.cidr.prefix);
  };
  std::sort(keyed.begin(), keyed.end(),
            [&](const Keyed& a, const Keyed& b) { return key(a) < key(b); });
  keyed.erase(std::unique(keyed.begin(), keyed.end(),
                          [&](const Keyed& a, const Keyed& b) { return key(a) == key(b); }),
              keyed.end());
  for (const Keyed& k : keyed) {
    if (data->blocks.empty() || data->blocks.back().service != k.service ||
        data->blocks.back().region != k.region || data->blocks.back().family != k.cidr.family) {
      data->blocks.push_back({k.service, k.region, k.cidr.family,
                              static_cast<std::uint32_t>(data->owned_bytes.size()), 0});
    }
    append_prefix(data->owned_bytes, k.cidr);
    ++data->blocks.back().count;
  }
  data->prefix_count = keyed.size();
  data->bytes = data->owned_bytes;
  AwsRanges out;
  out.data_ = std::move(data);
  return out;
}

#define SGCHECK_RANGES_DATA (data_ ? *data_ : empty_data())

const std::string& AwsRanges::sync_token() const {
  return SGCHECK_RANGES_DATA.sync_token;
}
const std::string& AwsRanges::create_date() const {
  return SGCHECK_RANGES_DATA.create_date;
}
const std::vector<std::string>& AwsRanges::services() const {
  return SGCHECK_RANGES_DATA.services;
}
const std::vector<std::string>& AwsRanges::regions() const {
  return SGCHECK_RANGES_DATA.regions;
}
std::size_t AwsRanges::prefix_count() const {
  return SGCHECK_RANGES_DATA.prefix_count;
}
bool AwsRanges::has_service(std::string_view service) const {
  return index_of(services(), service) < services().size();
}
bool AwsRanges::has_region(std::string_view region) const {
  return index_of(regions(), region) < regions().size();
}

std::vector<std::string> AwsRanges::regions_of(std::string_view service) const {
  const Data& d = SGCHECK_RANGES_DATA;
  const std::size_t s = index_of(d.services, service);
  std::vector<std::string> out;
  for (const Block& b : d.blocks) {
    if (b.service == s && (out.empty() || out.back() != d.regions[b.region])) {
      out.push_back(d.regions[b.region]);
    }
  }
  return out;
}

std::vector<Cidr> AwsRanges::prefixes(std::string_view service, std::string_view region,
                                      std::optional<Family> family) const {
  const Data& d = SGCHECK_RANGES_DATA;
  const std::size_t s = index_of(d.services, service);
  const std::size_t r = region.empty() ? d.regions.size() : index_of(d.regions, region);
  std::vector<Cidr> out;
  if (s == d.services.size() || (!region.empty() && r == d.regions.size())) return out;
  for (const Block& b : d.blocks) {
    if (b.service != s || (!region.empty() && b.region != r)) continue;
    if (family && b.family != *family) continue;
    for_each_prefix(d.bytes, b, [&out](const Cidr& c) { out.push_back(c); });
  }
  const auto key = [](const Cidr& c) { return std::make_tuple(c.family, c.base, c.prefix); };
  std::sort(out.begin(), out.end(), [&](const Cidr& a, const Cidr& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string AwsRanges::region_of_zone(std::string_view zone) const {
  std::string best;
  for (const std::string& region : regions()) {
    if (zone.size() <= region.size() || zone.substr(0, region.size()) != region) continue;
    const char next = zone[region.size()];
    const bool follows = (next >= 'a' && next <= 'z') || next == '-';
    if (follows && region.size() > best.size()) best = region;
  }
  return best;
}

#undef SGCHECK_RANGES_DATA

namespace {

std::mutex& active_mutex() {
  static std::mutex m;
  return m;
}
std::unique_ptr<AwsRanges>& active_slot() {
  static std::unique_ptr<AwsRanges> slot;
  return slot;
}

}  // namespace

const AwsRanges& aws_ranges() {
  const std::lock_guard<std::mutex> lock(active_mutex());
  std::unique_ptr<AwsRanges>& slot = active_slot();
  if (!slot) slot = std::make_unique<AwsRanges>(AwsRanges::builtin());
  return *slot;
}

void use_aws_ranges(AwsRanges ranges) {
  const std::lock_guard<std::mutex> lock(active_mutex());
  active_slot() = std::make_unique<AwsRanges>(std::move(ranges));
}

// ---- Names ------------------------------------------------------------------------------------

std::string AwsRangeName::to_string() const {
  return "aws:" + service + (region.empty() ? "" : "@" + region);
}

namespace {

// Edit distance of two names, ignoring case: how near a misspelt name is to a known one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Up to five known names near `name`: the same letters in another case, names that contain it or
// that it contains, and names a few edits away, nearest first.
std::vector<std::string> near_names(std::string_view name, const std::vector<std::string>& known) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& k : known) {
    std::string k_lower = k;
    for (char& c : k_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t d = edit_distance(name, k);
    const bool contains = !lower.empty() && (k_lower.find(lower) != std::string::npos ||
                                             lower.find(k_lower) != std::string::npos);
    if (d <= limit || contains) scored.emplace_back(contains ? std::min(d, limit) : d, k);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 5; ++i) out.push_back(scored[i].second);
  return out;
}

std::string near_text(std::string_view name, const std::vector<std::string>& known) {
  const std::vector<std::string> near = near_names(name, known);
  if (near.empty()) return "";
  return "; near names: " + detail::join(near, ", ");
}

}  // namespace

std::string aws_name_error(const AwsRanges& ranges, const AwsRangeName& name, bool& at_region) {
  at_region = false;
  const std::string service = cut_for_message(name.service);
  if (!ranges.has_service(name.service)) {
    return "unknown AWS service " + service + " in the snapshot of " + ranges.create_date() +
           near_text(name.service, ranges.services()) + " (`sgcheck ranges` lists them)";
  }
  if (name.region.empty()) return "";
  at_region = true;
  const std::string region = cut_for_message(name.region);
  if (!ranges.has_region(name.region)) {
    return "unknown AWS Region " + region + near_text(name.region, ranges.regions()) +
           " (`sgcheck ranges` lists them)";
  }
  const std::vector<std::string> regions = ranges.regions_of(name.service);
  if (std::find(regions.begin(), regions.end(), name.region) == regions.end()) {
    return "AWS publishes no " + service + " range in " + region + near_text(name.region, regions) +
           " (`sgcheck ranges " + service + "` lists its Regions)";
  }
  return "";
}

bool aws_service_spans_regions(std::string_view service) {
  static constexpr std::array<std::string_view, 6> kSpanning{
      "CLOUDFRONT", "CLOUDFRONT_ORIGIN_FACING", "GLOBALACCELERATOR",
      "ROUTE53",    "ROUTE53_HEALTHCHECKS",     "ROUTE53_HEALTHCHECKS_PUBLISHING"};
  return std::find(kSpanning.begin(), kSpanning.end(), service) != kSpanning.end();
}

std::string aws_service_title(std::string_view service) {
  struct Title {
    std::string_view code, title;
  };
  static constexpr std::array<Title, 10> kTitles{{
      {"EC2_INSTANCE_CONNECT", "EC2 Instance Connect"},
      {"CLOUDFRONT_ORIGIN_FACING", "CloudFront origin-facing"},
      {"CLOUDFRONT", "CloudFront"},
      {"ROUTE53_HEALTHCHECKS", "Route 53 health checks"},
      {"ROUTE53_HEALTHCHECKS_PUBLISHING", "Route 53 health check publishing"},
      {"ROUTE53", "Route 53"},
      {"GLOBALACCELERATOR", "Global Accelerator"},
      {"S3", "S3"},
      {"DYNAMODB", "DynamoDB"},
      {"API_GATEWAY", "API Gateway"},
  }};
  for (const Title& t : kTitles) {
    if (t.code == service) return std::string(t.title);
  }
  return std::string(service);
}

std::vector<Cidr> aws_name_prefixes(const AwsRanges& ranges, const AwsRangeName& name,
                                    std::string_view region, std::optional<Family> family) {
  if (!name.region.empty()) region = name.region;
  return ranges.prefixes(name.service, region, family);
}

namespace {

std::tuple<Family, u128, std::uint8_t> cidr_key(const Cidr& c) {
  return {c.family, c.base, c.prefix};
}

}  // namespace

std::string AwsRanges::title_of(const Cidr& cidr) const {
  if (!data_) return "";
  const Data& d = *data_;
  std::call_once(d.titles_once, [&d] {
    for (std::size_t i = 0; i < d.blocks.size(); ++i) {
      const Block& b = d.blocks[i];
      const std::string& service = d.services[b.service];
      // AMAZON and EC2 cover the others broadly: a prefix is named by its narrower service.
      if (b.count != 1 || service == "AMAZON" || service == "EC2") continue;
      for_each_prefix(d.bytes, b, [&](const Cidr& c) {
        d.titles.emplace_back(c, static_cast<std::int32_t>(i));
      });
    }
    std::sort(d.titles.begin(), d.titles.end(),
              [](const auto& a, const auto& b) { return cidr_key(a.first) < cidr_key(b.first); });
    for (std::size_t i = 1; i < d.titles.size(); ++i) {
      if (d.titles[i].first == d.titles[i - 1].first)
        d.titles[i].second = d.titles[i - 1].second = -1;
    }
  });
  const auto it = std::lower_bound(
      d.titles.begin(), d.titles.end(), cidr_key(cidr),
      [](const auto& entry, const auto& key) { return cidr_key(entry.first) < key; });
  if (it == d.titles.end() || !(it->first == cidr) || it->second < 0) return "";
  const Block& b = d.blocks[static_cast<std::size_t>(it->second)];
  return aws_service_title(d.services[b.service]) + ", " + d.regions[b.region];
}

std::string aws_range_title(const AwsRanges& ranges, const Cidr& cidr) {
  return ranges.title_of(cidr);
}

// ---- AWS-managed prefix lists -----------------------------------------------------------------

std::optional<AwsManagedList> aws_managed_list(std::string_view name) {
  constexpr std::string_view kPrefix = "com.amazonaws.";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = name.substr(kPrefix.size());
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  AwsManagedList out;
  const std::string_view region = rest.substr(0, dot);
  if (region != "global") out.region = std::string(region);
  std::string_view what = rest.substr(dot + 1);
  if (what.substr(0, 5) == "ipv6.") {
    out.family = Family::ipv6;
    what.remove_prefix(5);
  }
  struct Known {
    std::string_view suffix, service;
    int weight;  // 0: AWS documents none
  };
  static constexpr std::array<Known, 7> kKnown{{
      {"cloudfront.origin-facing", "CLOUDFRONT_ORIGIN_FACING", 55},
      {"s3", "S3", 1},
      {"dynamodb", "DYNAMODB", 1},
      {"ec2-instance-connect", "EC2_INSTANCE_CONNECT", 0},
      {"route53-healthchecks", "ROUTE53_HEALTHCHECKS", 0},
      {"vpc-lattice", "", 10},
      {"groundstation", "", 5},
  }};
  for (const Known& k : kKnown) {
    if (what != k.suffix) continue;
    out.service = std::string(k.service);
    if (k.weight != 0) out.weight = k.weight;
    return out;
  }
  return out;
}

}  // namespace sgcheck
