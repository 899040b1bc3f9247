// AwsRanges: the table built from data/aws/ip-ranges.json at build time holds what the JSON reader
// reads from the same file, service by service and Region by Region; names, zones and managed
// prefix lists as the flows, policies and SG405 use them.
#include <gtest/gtest.h>

#include "sgcheck/ranges.h"

namespace sgcheck {
namespace {

std::vector<std::string> texts(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  for (const Cidr& c : cidrs) out.push_back(to_string(c));
  return out;
}

TEST(Ranges, BuiltInTableHoldsWhatTheReaderReadsFromTheSameFile) {
  const AwsRanges builtin = AwsRanges::builtin();
  const AwsRangesLoad loaded = load_aws_ranges(SGCHECK_IP_RANGES);
  ASSERT_TRUE(loaded.ranges) << (loaded.errors.empty() ? "" : loaded.errors[0].message);
  const AwsRanges& file = *loaded.ranges;
  EXPECT_EQ(builtin.create_date(), file.create_date());
  EXPECT_EQ(builtin.sync_token(), file.sync_token());
  EXPECT_EQ(builtin.services(), file.services());
  EXPECT_EQ(builtin.regions(), file.regions());
  EXPECT_EQ(builtin.prefix_count(), file.prefix_count());
  for (const std::string& service : builtin.services()) {
    EXPECT_EQ(builtin.regions_of(service), file.regions_of(service)) << service;
    for (const std::string& region : builtin.regions_of(service)) {
      EXPECT_EQ(texts(builtin.prefixes(service, region)), texts(file.prefixes(service, region)))
          << service << " in " << region;
    }
  }
}

TEST(Ranges, InstanceConnectInSeoul) {
  const AwsRanges ranges = AwsRanges::builtin();
  EXPECT_EQ(texts(ranges.prefixes("EC2_INSTANCE_CONNECT", "ap-northeast-2")),
            (std::vector<std::string>{"13.209.1.56/29", "2406:da12:1e1:d900::/56"}));
  EXPECT_EQ(texts(ranges.prefixes("EC2_INSTANCE_CONNECT", "ap-northeast-2", Family::ipv4)),
            (std::vector<std::string>{"13.209.1.56/29"}));
  EXPECT_TRUE(ranges.prefixes("EC2_INSTANCE_CONNECT", "GLOBAL").empty());
  EXPECT_TRUE(ranges.prefixes("NO_SUCH_SERVICE").empty());
}

TEST(Ranges, RegionOfZone) {
  const AwsRanges ranges = AwsRanges::builtin();
  EXPECT_EQ(ranges.region_of_zone("ap-northeast-2a"), "ap-northeast-2");
  EXPECT_EQ(ranges.region_of_zone("us-west-2-lax-1a"), "us-west-2");
  EXPECT_EQ(ranges.region_of_zone("us-east-1"), "");  // a Region is not a zone
  EXPECT_EQ(ranges.region_of_zone("mars-north-1a"), "");
  EXPECT_EQ(ranges.region_of_zone(""), "");
}

TEST(Ranges, NameErrorsListNearNames) {
  const AwsRanges ranges = AwsRanges::builtin();
  bool at_region = true;
  EXPECT_EQ(aws_name_error(ranges, {"EC2_INSTANCE_CONNECT", "ap-northeast-2"}, at_region), "");
  const std::string service = aws_name_error(ranges, {"EC2_INSTANCE_CONECT", ""}, at_region);
  EXPECT_FALSE(at_region);
  EXPECT_NE(service.find("near names: EC2_INSTANCE_CONNECT"), std::string::npos) << service;
  const std::string region = aws_name_error(ranges, {"S3", "eu-west-9"}, at_region);
  EXPECT_TRUE(at_region);
  EXPECT_NE(region.find("unknown AWS Region eu-west-9; near names: eu-west-1"), std::string::npos)
      << region;
  EXPECT_NE(aws_name_error(ranges, {"EC2_INSTANCE_CONNECT", "GLOBAL"}, at_region)
                .find("AWS publishes no EC2_INSTANCE_CONNECT range in GLOBAL"),
            std::string::npos);
}

TEST(Ranges, TitleOfARangeNamesOneServiceInOneRegion) {
  const AwsRanges ranges = AwsRanges::builtin();
  EXPECT_EQ(ranges.title_of(*parse_cidr("18.206.107.24/29")), "EC2 Instance Connect, us-east-1");
  EXPECT_EQ(ranges.title_of(*parse_cidr("18.206.107.24/30")), "");
  EXPECT_EQ(ranges.title_of(*parse_cidr("0.0.0.0/0")), "");
}

TEST(Ranges, ManagedPrefixListsByName) {
  const auto eic = aws_managed_list("com.amazonaws.ap-northeast-2.ec2-instance-connect");
  ASSERT_TRUE(eic);
  EXPECT_EQ(eic->service, "EC2_INSTANCE_CONNECT");
  EXPECT_EQ(eic->region, "ap-northeast-2");
  EXPECT_FALSE(eic->weight);
  const auto cloudfront = aws_managed_list("com.amazonaws.global.ipv6.cloudfront.origin-facing");
  ASSERT_TRUE(cloudfront);
  EXPECT_EQ(cloudfront->service, "CLOUDFRONT_ORIGIN_FACING");
  EXPECT_EQ(cloudfront->region, "");
  EXPECT_EQ(cloudfront->family, Family::ipv6);
  EXPECT_EQ(cloudfront->weight, 55);
  EXPECT_EQ(aws_managed_list("com.amazonaws.us-east-1.s3")->weight, 1);
  EXPECT_EQ(aws_managed_list("com.amazonaws.us-east-1.vpc-lattice")->weight, 10);
  EXPECT_FALSE(aws_managed_list("corp-ranges"));
}

TEST(Ranges, AFileWithABadPrefixIsAnErrorAtItsLineAndColumn) {
  const AwsRangesLoad bad = parse_aws_ranges(
      "{\"syncToken\": \"1\", \"createDate\": \"d\",\n \"prefixes\": [{\"ip_prefix\": "
      "\"10.0.0.300/8\", \"region\": \"r\", \"service\": \"S\"}], \"ipv6_prefixes\": []}",
      "x.json");
  ASSERT_FALSE(bad.ranges);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].location.to_string(), "x.json:2:37");  // at "300"
}

}  // namespace
}  // namespace sgcheck
