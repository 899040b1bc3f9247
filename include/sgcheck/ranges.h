// AWS's own address ranges by name: the snapshot of AWS's published ip-ranges.json built into the
// binary (data/aws/), or a newer download (load_aws_ranges()), and what names them: `aws:SERVICE`
// and `aws:SERVICE@REGION` in flows and policies, and AWS-managed prefix lists
// (com.amazonaws.REGION.ec2-instance-connect, …). Entry points: aws_ranges() (the snapshot in use,
// decoded on first use: a command that names no service never reads it), use_aws_ranges(),
// AwsRanges::prefixes(), aws_name_error(), aws_managed_list().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/inventory.h"
#include "sgcheck/values.h"

namespace sgcheck {

// One prefix of the published file: `ip_prefix` or `ipv6_prefix` with its service and Region.
struct AwsPrefix {
  std::string service;  // "EC2_INSTANCE_CONNECT"
  std::string region;   // "ap-northeast-2", or "GLOBAL"
  Cidr cidr;
};

// A snapshot of AWS's IP ranges: the prefixes by service, Region and family. Cheap to copy (the
// data is shared and immutable).
class AwsRanges {
 public:
  AwsRanges();  // empty
  // The snapshot the binary was built with.
  static AwsRanges builtin();
  // From the entries of a file (load_aws_ranges()); duplicates are kept once.
  static AwsRanges from_prefixes(std::string sync_token, std::string create_date,
                                 std::vector<AwsPrefix> prefixes);

  const std::string& sync_token() const;
  const std::string& create_date() const;            // as the file writes it: "2026-08-22-15-17-05"
  const std::vector<std::string>& services() const;  // sorted
  const std::vector<std::string>& regions() const;   // sorted, "GLOBAL" included
  std::size_t prefix_count() const;
  bool has_service(std::string_view service) const;
  bool has_region(std::string_view region) const;
  // The Regions that hold prefixes of `service`, sorted.
  std::vector<std::string> regions_of(std::string_view service) const;
  // The prefixes of `service` in `region` (every Region when `region` is empty), of `family` only
  // when given: IPv4 first, each family sorted, each prefix once.
  std::vector<Cidr> prefixes(std::string_view service, std::string_view region = {},
                             std::optional<Family> family = std::nullopt) const;
  // The Region of an availability zone: the longest Region of the snapshot that the zone's name
  // starts with, followed by a letter or '-' ("ap-northeast-2a", Local Zones "us-west-2-lax-1a");
  // empty when none.
  std::string region_of_zone(std::string_view zone) const;
  // aws_range_title(): the service and Region that publish `cidr` as their one prefix of its
  // family; an index built on the first call.
  std::string title_of(const Cidr& cidr) const;

  struct Data;  // src/ranges/

 private:
  std::shared_ptr<const Data> data_;
};

// The snapshot that names resolve against: the built-in one (decoded on the first call) unless
// use_aws_ranges() gave another. Set it before any work starts (the CLI does, for --ip-ranges);
// it is read by parse_flow(), the policy parser, load_inventory() and lint.
const AwsRanges& aws_ranges();
void use_aws_ranges(AwsRanges ranges);

// Reads an ip-ranges.json as AWS publishes it (syncToken, createDate, prefixes, ipv6_prefixes).
// Errors (unreadable file, invalid JSON, a bad prefix) come back as diagnostics at file:line:col.
struct AwsRangesLoad {
  std::optional<AwsRanges> ranges;
  Diagnostics errors;
};
AwsRangesLoad load_aws_ranges(const std::string& path);
AwsRangesLoad parse_aws_ranges(std::string_view json, std::string_view name);

// ---- Names ------------------------------------------------------------------------------------

// A name as a flow or policy writes it: `aws:SERVICE` (region empty) or `aws:SERVICE@REGION`.
// Service and Region are matched case-sensitively, as AWS spells them.
struct AwsRangeName {
  std::string service;
  std::string region;
  std::string to_string() const;  // "aws:EC2_INSTANCE_CONNECT@ap-northeast-2"
};

// What is wrong with a name, against `ranges`: an unknown service or Region, with the near names
// ("unknown AWS service EC2_INSTANCE_CONECT in aws:…; near names: EC2_INSTANCE_CONNECT"), or a
// Region where the service has no prefixes. Empty when the name is good. `at_region` says which
// part the message is about (where the caret goes).
std::string aws_name_error(const AwsRanges& ranges, const AwsRangeName& name, bool& at_region);

// True for the services whose traffic comes from every Region (CloudFront, its origin-facing
// range, Route 53 health checks, Global Accelerator): without @REGION, such a name stands for the
// service's prefixes in every Region, not the endpoint's own.
bool aws_service_spans_regions(std::string_view service);

// "EC2 Instance Connect" for EC2_INSTANCE_CONNECT, and so on for the services users meet in
// security groups; the code itself for others. What findings and answers call a range.
std::string aws_service_title(std::string_view service);

// The prefixes a name stands for in `region` (the name's own when it has one), of `family` only
// when given. `region` empty and a service that spans Regions: every Region's.
std::vector<Cidr> aws_name_prefixes(const AwsRanges& ranges, const AwsRangeName& name,
                                    std::string_view region,
                                    std::optional<Family> family = std::nullopt);

// The service and Region whose one prefix of its family is exactly `cidr`, when exactly one
// (service, Region) publishes it so: the name findings print for a rule's range ("EC2 Instance
// Connect, ap-northeast-2"). AMAZON and EC2, which cover the others broadly, name nothing. Empty
// when none.
std::string aws_range_title(const AwsRanges& ranges, const Cidr& cidr);

// ---- AWS-managed prefix lists -----------------------------------------------------------------

// What a prefix list name of AWS's (com.amazonaws.REGION.SERVICE, com.amazonaws.global.…) stands
// for: the service of the ranges, its Region (empty: every Region), the family the name says
// (".ipv6." in the name), and its weight for the rules quota when AWS documents one (CloudFront
// origin-facing 55, S3 1, DynamoDB 1, VPC Lattice 10, Ground Station 5).
struct AwsManagedList {
  std::string service;  // empty when the list is AWS's but not in ip-ranges.json (VPC Lattice)
  std::string region;
  std::optional<Family> family;
  std::optional<int> weight;
};
std::optional<AwsManagedList> aws_managed_list(std::string_view name);

}  // namespace sgcheck
