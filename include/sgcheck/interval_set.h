// Sets of integers as sorted, disjoint, non-adjacent closed intervals: the representation of address
// sets (IPv4 over 32 bits, IPv6 over 128 bits), port sets and protocol sets on which the engine is
// built. Every operation keeps the canonical form, so two sets are equal iff their intervals are.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace sgcheck {

using u128 = unsigned __int128;

template <typename T>
class IntervalSet {
 public:
  struct Interval {
    T lo;
    T hi;  // inclusive
    bool operator==(const Interval&) const = default;
  };

  IntervalSet() = default;
  static IntervalSet of(T lo, T hi) {
    IntervalSet s;
    s.add(lo, hi);
    return s;
  }
  static IntervalSet all() { return of(T{0}, max_value()); }

  // Adds [lo, hi]; an empty range (lo > hi) adds nothing. O(n): build large sets with from_unsorted.
  void add(T lo, T hi) {
    if (lo > hi) return;
    *this = unite(IntervalSet(std::vector<Interval>{{lo, hi}}));
  }

  // The union of any intervals, in any order (empty ones, lo > hi, are dropped). O(n log n).
  static IntervalSet from_unsorted(std::vector<Interval> parts) {
    std::erase_if(parts, [](const Interval& iv) { return iv.lo > iv.hi; });
    std::sort(parts.begin(), parts.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    return IntervalSet().unite(IntervalSet(std::move(parts)));
  }

  IntervalSet unite(const IntervalSet& other) const {
    std::vector<Interval> merged;
    merged.reserve(parts_.size() + other.parts_.size());
    std::merge(parts_.begin(), parts_.end(), other.parts_.begin(), other.parts_.end(),
               std::back_inserter(merged), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> out;
    for (const Interval& iv : merged) {
      if (!out.empty() && (iv.lo <= out.back().hi || adjacent(out.back().hi, iv.lo))) {
        out.back().hi = std::max(out.back().hi, iv.hi);
      } else {
        out.push_back(iv);
      }
    }
    return IntervalSet(std::move(out));
  }

  IntervalSet intersect(const IntervalSet& other) const {
    std::vector<Interval> out;
    std::size_t i = 0, j = 0;
    while (i < parts_.size() && j < other.parts_.size()) {
      const T lo = std::max(parts_[i].lo, other.parts_[j].lo);
      const T hi = std::min(parts_[i].hi, other.parts_[j].hi);
      if (lo <= hi) out.push_back({lo, hi});
      if (parts_[i].hi < other.parts_[j].hi) ++i; else ++j;
    }
    return IntervalSet(std::move(out));
  }

  IntervalSet subtract(const IntervalSet& other) const { return intersect(other.complement()); }

  IntervalSet complement() const {
    std::vector<Interval> out;
    T next = T{0};
    bool open = true;  // false once an interval reached the maximum
    for (const Interval& iv : parts_) {
      if (iv.lo > next) out.push_back({next, static_cast<T>(iv.lo - 1)});
      if (iv.hi == max_value()) {
        open = false;
        break;
      }
      next = static_cast<T>(iv.hi + 1);
    }
    if (open) out.push_back({next, max_value()});
    return IntervalSet(std::move(out));
  }

  bool contains(T value) const {
    auto it = std::upper_bound(parts_.begin(), parts_.end(), value,
                               [](T v, const Interval& iv) { return v < iv.lo; });
    return it != parts_.begin() && std::prev(it)->hi >= value;
  }
  bool contains(const IntervalSet& other) const { return other.subtract(*this).empty(); }
  bool overlaps(const IntervalSet& other) const { return !intersect(other).empty(); }
  bool empty() const { return parts_.empty(); }

  // The number of members, saturating at the largest u128 (the whole IPv6 space has 2^128).
  u128 size() const {
    u128 total = 0;
    for (const Interval& iv : parts_) {
      const u128 n = static_cast<u128>(iv.hi - iv.lo);  // members - 1
      const u128 room = ~u128{0} - total;
      if (n >= room) return ~u128{0};
      total += n + 1;
    }
    return total;
  }

  const std::vector<Interval>& intervals() const { return parts_; }
  bool operator==(const IntervalSet&) const = default;

 private:
  explicit IntervalSet(std::vector<Interval> parts) : parts_(std::move(parts)) {}
  // The members are unsigned: T{0} is the least, all bits set the greatest (also for u128, which
  // std::numeric_limits does not cover in strict C++20).
  static constexpr T max_value() { return static_cast<T>(~T{0}); }
  static bool adjacent(T hi, T lo) { return hi != max_value() && static_cast<T>(hi + 1) == lo; }

  std::vector<Interval> parts_;
};

using PortSet = IntervalSet<std::uint16_t>;
using Ipv4Set = IntervalSet<std::uint32_t>;
using Ipv6Set = IntervalSet<u128>;

}  // namespace sgcheck
