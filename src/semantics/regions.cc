// Regions of interfaces, groups and VPCs from the interfaces' availability zones (regions.h).
#include "semantics/regions.h"

#include <algorithm>

namespace sgcheck::detail {

namespace {

void add_region(std::vector<std::string>& out, std::string region) {
  if (region.empty() || std::find(out.begin(), out.end(), region) != out.end()) return;
  out.push_back(std::move(region));
}

std::vector<std::string> sorted(std::vector<std::string> regions) {
  std::sort(regions.begin(), regions.end());
  return regions;
}

}  // namespace

std::vector<std::string> vpc_regions(const Inventory& inventory, const AwsRanges& ranges,
                                     Name vpc_id) {
  std::vector<std::string> out;
  if (vpc_id.empty()) return out;
  for (const Interface& eni : inventory.interfaces) {
    if (eni.vpc_id == vpc_id && !eni.availability_zone.empty())
      add_region(out, ranges.region_of_zone(eni.availability_zone));
  }
  return sorted(std::move(out));
}

std::vector<std::string> interface_regions(const Inventory& inventory, const AwsRanges& ranges,
                                           const Interface& eni) {
  const std::string own = ranges.region_of_zone(eni.availability_zone);
  if (!own.empty()) return {own};
  return vpc_regions(inventory, ranges, eni.vpc_id);
}

std::vector<std::string> group_regions(const Inventory& inventory, const AwsRanges& ranges,
                                       const Group& group) {
  // A group belongs to one VPC, and a VPC to one Region.
  std::vector<std::string> out = vpc_regions(inventory, ranges, group.vpc_id);
  if (!out.empty()) return out;
  for (const Interface& eni : inventory.interfaces) {
    if (std::find(eni.groups.begin(), eni.groups.end(), group.id) == eni.groups.end()) continue;
    for (std::string& r : interface_regions(inventory, ranges, eni)) add_region(out, std::move(r));
  }
  return sorted(std::move(out));
}

}  // namespace sgcheck::detail
