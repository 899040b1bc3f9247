// The AWS Region of what an inventory holds, for names of AWS's ranges without @REGION: an
// interface's Region comes from its availability zone, and an interface without one, a group or a
// VPC takes the Regions of the interfaces of its VPC. Entry points: interface_regions(),
// group_regions(), vpc_regions(), interface_region_note().
#pragma once

#include <string>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/ranges.h"

namespace sgcheck::detail {

// The Regions of the interfaces of `vpc_id` that have an availability zone, sorted, each once.
std::vector<std::string> vpc_regions(const Inventory& inventory, const AwsRanges& ranges,
                                     Name vpc_id);
// The interface's Region (from its availability zone), else its VPC's Regions.
std::vector<std::string> interface_regions(const Inventory& inventory, const AwsRanges& ranges,
                                           const Interface& eni);
// The Regions of the group's VPC, else of the interfaces that carry the group.
std::vector<std::string> group_regions(const Inventory& inventory, const AwsRanges& ranges,
                                       const Group& group);

}  // namespace sgcheck::detail
