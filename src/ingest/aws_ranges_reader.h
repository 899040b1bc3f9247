// What ingest does with AWS's IP ranges besides reading a newer file (load_aws_ranges() in
// include/sgcheck/ranges.h): AWS-managed prefix lists given without entries take them from the
// snapshot in use. Entry point: fill_managed_prefix_lists(), called once the inputs are merged.
#pragma once

#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// Every prefix list named as AWS names its managed lists
// (com.amazonaws.REGION.ec2-instance-connect, com.amazonaws.global.cloudfront.origin-facing,
// com.amazonaws.REGION.s3, …) whose entries the inputs did not give gets the snapshot's prefixes of
// that service, Region and family, with a warning saying so. The snapshot is not read unless such a
// list is present.
void fill_managed_prefix_lists(Inventory& inventory);

}  // namespace sgcheck::detail
