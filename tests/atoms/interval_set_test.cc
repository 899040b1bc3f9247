// Unit tests for sgcheck::IntervalSet (include/sgcheck/values.h): the set operations on fixed
// examples, adjacency merging, from_unsorted, and the edges of the value range (0, the maximum, and
// the u128 size that saturates for the full IPv6 space).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {
namespace {

// "[lo-hi] [lo-hi]" for readable failures and compact expectations.
template <typename T>
std::string dump(const IntervalSet<T>& set) {
  std::string out;
  for (const auto& iv : set.intervals()) {
    if (!out.empty()) out += ' ';
    // Appended piece by piece: gcc 12 warns (-Wrestrict, a false positive) on "[" + to_string().
    out += '[';
    out += std::to_string(static_cast<unsigned long long>(iv.lo));
    out += '-';
    out += std::to_string(static_cast<unsigned long long>(iv.hi));
    out += ']';
  }
  return out;
}

PortSet ports(std::vector<PortSet::Interval> parts) {
  return PortSet::from_unsorted(std::move(parts));
}

TEST(IntervalSetTest, AddMergesOverlapsAndNeighbours) {
  PortSet s;
  EXPECT_TRUE(s.empty());
  s.add(10, 20);
  s.add(30, 40);
  EXPECT_EQ(dump(s), "[10-20] [30-40]");
  s.add(21, 29);  // adjacent on both sides: one interval
  EXPECT_EQ(dump(s), "[10-40]");
  s.add(5, 12);
  s.add(38, 50);
  EXPECT_EQ(dump(s), "[5-50]");
  s.add(60, 59);  // empty range adds nothing
  EXPECT_EQ(dump(s), "[5-50]");
  s.add(52, 52);  // a gap of one value stays a gap
  EXPECT_EQ(dump(s), "[5-50] [52-52]");
}

TEST(IntervalSetTest, FromUnsorted) {
  EXPECT_EQ(dump(ports({{30, 40}, {1, 2}, {3, 3}, {35, 50}, {9, 8}, {100, 100}})),
            "[1-3] [30-50] [100-100]");
  EXPECT_EQ(dump(ports({})), "");
  EXPECT_EQ(dump(ports({{5, 4}})), "");
  EXPECT_EQ(dump(ports({{0, 65535}, {7, 9}})), "[0-65535]");
  // The same members in any order make equal sets.
  EXPECT_EQ(ports({{1, 5}, {6, 10}}), ports({{6, 10}, {1, 5}}));
  EXPECT_EQ(ports({{1, 10}}), ports({{6, 10}, {1, 5}}));
}

TEST(IntervalSetTest, Unite) {
  EXPECT_EQ(dump(ports({{1, 5}}).unite(ports({{10, 20}}))), "[1-5] [10-20]");
  EXPECT_EQ(dump(ports({{1, 5}}).unite(ports({{6, 20}}))), "[1-20]");
  EXPECT_EQ(dump(ports({{1, 5}, {30, 40}}).unite(ports({{3, 35}}))), "[1-40]");
  EXPECT_EQ(dump(PortSet().unite(ports({{7, 7}}))), "[7-7]");
  EXPECT_EQ(dump(ports({{65535, 65535}}).unite(ports({{0, 0}}))), "[0-0] [65535-65535]");
  EXPECT_EQ(dump(ports({{0, 100}}).unite(ports({{101, 65535}}))), "[0-65535]");
}

TEST(IntervalSetTest, Intersect) {
  EXPECT_EQ(dump(ports({{1, 10}}).intersect(ports({{5, 20}}))), "[5-10]");
  EXPECT_EQ(dump(ports({{1, 10}, {20, 30}}).intersect(ports({{5, 25}}))), "[5-10] [20-25]");
  EXPECT_EQ(dump(ports({{1, 10}}).intersect(ports({{11, 20}}))), "");
  EXPECT_EQ(dump(ports({{1, 10}, {12, 20}}).intersect(ports({{10, 12}}))), "[10-10] [12-12]");
  EXPECT_EQ(dump(PortSet::all().intersect(ports({{80, 80}, {443, 443}}))), "[80-80] [443-443]");
  EXPECT_TRUE(ports({{1, 10}}).overlaps(ports({{10, 11}})));
  EXPECT_FALSE(ports({{1, 10}}).overlaps(ports({{11, 12}})));
}

TEST(IntervalSetTest, Subtract) {
  EXPECT_EQ(dump(ports({{1, 10}}).subtract(ports({{4, 6}}))), "[1-3] [7-10]");
  EXPECT_EQ(dump(ports({{1, 10}}).subtract(ports({{1, 10}}))), "");
  EXPECT_EQ(dump(ports({{1, 10}}).subtract(ports({{0, 1}, {10, 65535}}))), "[2-9]");
  EXPECT_EQ(dump(PortSet::all().subtract(ports({{0, 0}}))), "[1-65535]");
  EXPECT_EQ(dump(PortSet::all().subtract(ports({{65535, 65535}}))), "[0-65534]");
}

TEST(IntervalSetTest, Complement) {
  EXPECT_EQ(dump(PortSet().complement()), "[0-65535]");
  EXPECT_EQ(dump(PortSet::all().complement()), "");
  EXPECT_EQ(dump(ports({{0, 0}}).complement()), "[1-65535]");
  EXPECT_EQ(dump(ports({{65535, 65535}}).complement()), "[0-65534]");
  EXPECT_EQ(dump(ports({{10, 20}, {30, 40}}).complement()), "[0-9] [21-29] [41-65535]");
  const PortSet s = ports({{0, 3}, {9, 9}, {65000, 65535}});
  EXPECT_EQ(s.complement().complement(), s);
}

TEST(IntervalSetTest, Contains) {
  const PortSet s = ports({{10, 20}, {30, 30}});
  EXPECT_FALSE(s.contains(std::uint16_t{9}));
  EXPECT_TRUE(s.contains(std::uint16_t{10}));
  EXPECT_TRUE(s.contains(std::uint16_t{20}));
  EXPECT_FALSE(s.contains(std::uint16_t{21}));
  EXPECT_TRUE(s.contains(std::uint16_t{30}));
  EXPECT_FALSE(s.contains(std::uint16_t{31}));
  EXPECT_FALSE(PortSet().contains(std::uint16_t{0}));
  EXPECT_TRUE(PortSet::all().contains(std::uint16_t{65535}));
  EXPECT_TRUE(s.contains(ports({{12, 15}, {30, 30}})));
  EXPECT_FALSE(s.contains(ports({{12, 21}})));
  EXPECT_TRUE(s.contains(PortSet()));
  EXPECT_FALSE(PortSet().contains(s));
}

TEST(IntervalSetTest, Size) {
  EXPECT_EQ(PortSet().size(), u128{0});
  EXPECT_EQ(PortSet::all().size(), u128{65536});
  EXPECT_EQ(ports({{1, 1}, {10, 19}}).size(), u128{11});
  EXPECT_EQ(Ipv4Set::all().size(), u128{1} << 32);
  // 2^128 members do not fit in u128: the size saturates at its maximum.
  EXPECT_EQ(Ipv6Set::all().size(), ~u128{0});
  // One member fewer fits exactly.
  EXPECT_EQ(Ipv6Set::of(1, ~u128{0}).size(), ~u128{0});
  EXPECT_EQ(Ipv6Set::of(0, ~u128{0} - 1).size(), ~u128{0});
  EXPECT_EQ(Ipv6Set::of(2, ~u128{0}).size(), ~u128{0} - 1);
  // Two intervals that together are everything but one address.
  Ipv6Set split = Ipv6Set::of(0, 99);
  split.add(101, ~u128{0});
  EXPECT_EQ(split.size(), ~u128{0});
  EXPECT_EQ(split.intervals().size(), 2u);
}

TEST(IntervalSetTest, Ipv6Edges) {
  const u128 max = ~u128{0};
  EXPECT_EQ(Ipv6Set::of(0, max).complement(), Ipv6Set());
  EXPECT_EQ(Ipv6Set().complement(), Ipv6Set::all());
  const Ipv6Set top = Ipv6Set::of(max, max);
  EXPECT_EQ(top.complement(), Ipv6Set::of(0, max - 1));
  EXPECT_EQ(top.unite(Ipv6Set::of(0, max - 1)), Ipv6Set::all());
  EXPECT_TRUE(top.contains(max));
  EXPECT_FALSE(top.contains(max - 1));
  EXPECT_EQ(Ipv6Set::all().subtract(top), Ipv6Set::of(0, max - 1));
  // Adjacency at the top must not wrap around to 0.
  Ipv6Set ends = Ipv6Set::of(max, max);
  ends.add(0, 0);
  EXPECT_EQ(ends.intervals().size(), 2u);
}

}  // namespace
}  // namespace sgcheck
