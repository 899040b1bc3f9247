// RapidCheck properties for the atoms stage: IntervalSet<uint8_t> against a naive std::bitset<256>
// model; to_cidrs against a trie decomposition that is minimal by construction; and the value
// parsers against their printers (every RFC 4291 spelling of an address parses back to it, errors
// stay inside the text and name a rule).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {
namespace {

// ---- IntervalSet<uint8_t> against std::bitset<256> ----

using Small = IntervalSet<std::uint8_t>;
using Model = std::bitset<256>;
using Parts = std::vector<Small::Interval>;

// Intervals of any shape: arbitrary (often wide, sometimes empty: lo > hi) and short ones, so that
// sets have gaps, neighbours and overlaps.
rc::Gen<Parts> gen_parts() {
  auto any = rc::gen::apply(
      [](std::uint8_t lo, std::uint8_t hi) {
        return Small::Interval{lo, hi};
      },
      rc::gen::arbitrary<std::uint8_t>(), rc::gen::arbitrary<std::uint8_t>());
  auto short_one = rc::gen::apply(
      [](std::uint8_t lo, int length) {
        return Small::Interval{lo, static_cast<std::uint8_t>(std::min(255, lo + length))};
      },
      rc::gen::arbitrary<std::uint8_t>(), rc::gen::inRange(0, 8));
  return rc::gen::container<Parts>(rc::gen::oneOf(any, short_one));
}

Model model_of(const Parts& parts) {
  Model m;
  for (const auto& iv : parts) {
    for (int v = iv.lo; v <= iv.hi; ++v) m.set(static_cast<std::size_t>(v));
  }
  return m;
}

Model model_of(const Small& set) {
  return model_of(set.intervals());
}

// Sorted, disjoint, non-adjacent, non-empty intervals: the form that makes == mean set equality.
bool canonical(const Small& set) {
  const Parts& parts = set.intervals();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].lo > parts[i].hi) return false;
    if (i > 0 && parts[i].lo <= parts[i - 1].hi + 1) return false;
  }
  return true;
}

RC_GTEST_PROP(IntervalSetModel, FromUnsortedMatchesModel, ()) {
  const Parts parts = *gen_parts();
  const Small set = Small::from_unsorted(parts);
  RC_ASSERT(canonical(set));
  RC_ASSERT(model_of(set) == model_of(parts));
}

RC_GTEST_PROP(IntervalSetModel, AddOneByOneEqualsFromUnsorted, ()) {
  const Parts parts = *gen_parts();
  Small set;
  for (const auto& iv : parts) set.add(iv.lo, iv.hi);
  RC_ASSERT(canonical(set));
  RC_ASSERT(set == Small::from_unsorted(parts));
}

RC_GTEST_PROP(IntervalSetModel, OperationsMatchModel, ()) {
  const Small a = Small::from_unsorted(*gen_parts());
  const Small b = Small::from_unsorted(*gen_parts());
  const Model ma = model_of(a), mb = model_of(b);
  const Small u = a.unite(b), i = a.intersect(b), d = a.subtract(b), c = a.complement();
  RC_ASSERT(canonical(u) && canonical(i) && canonical(d) && canonical(c));
  RC_ASSERT(model_of(u) == (ma | mb));
  RC_ASSERT(model_of(i) == (ma & mb));
  RC_ASSERT(model_of(d) == (ma & ~mb));
  RC_ASSERT(model_of(c) == ~ma);
  RC_ASSERT(a.contains(b) == (mb & ~ma).none());
  RC_ASSERT(a.overlaps(b) == (ma & mb).any());
  RC_ASSERT((a == b) == (ma == mb));
}

RC_GTEST_PROP(IntervalSetModel, MembershipAndSize, ()) {
  const Small set = Small::from_unsorted(*gen_parts());
  const Model m = model_of(set);
  for (int v = 0; v < 256; ++v) {
    RC_ASSERT(set.contains(static_cast<std::uint8_t>(v)) == m.test(static_cast<std::size_t>(v)));
  }
  RC_ASSERT(set.size() == u128{m.count()});
  RC_ASSERT(set.empty() == m.none());
}

// Equal members give equal sets, however they were put together.
RC_GTEST_PROP(IntervalSetModel, EqualityIsCanonical, ()) {
  const Small set = Small::from_unsorted(*gen_parts());
  const Model m = model_of(set);
  Parts singles;
  for (int v = 255; v >= 0; --v) {
    if (m.test(static_cast<std::size_t>(v))) {
      singles.push_back({static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v)});
    }
  }
  RC_ASSERT(Small::from_unsorted(singles) == set);
  RC_ASSERT(set.complement().complement() == set);
}

// ---- to_cidrs ----

u128 host_mask(int width, int prefix) {
  return prefix >= width ? u128{0} : (~u128{0} >> (128 - width)) >> prefix;
}

// The maximal blocks of the binary trie that lie inside [lo, hi], left to right. Every CIDR cover
// of the range uses blocks inside it, each inside one maximal block, so this is the fewest
// possible.
void trie_cover(Family family, u128 lo, u128 hi, u128 node, int prefix, std::vector<Cidr>& out) {
  const int width = family == Family::ipv4 ? 32 : 128;
  const u128 node_last = node | host_mask(width, prefix);
  if (node_last < lo || node > hi) return;
  if (lo <= node && node_last <= hi) {
    out.push_back(Cidr{node, family, static_cast<std::uint8_t>(prefix), false});
    return;
  }
  const u128 half = u128{1} << (width - prefix - 1);
  trie_cover(family, lo, hi, node, prefix + 1, out);
  trie_cover(family, lo, hi, node | half, prefix + 1, out);
}

bool same_blocks(const std::vector<Cidr>& a, const std::vector<Cidr>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Addresses that hit the interesting places: anywhere, near 0, near the top, near a power of two.
rc::Gen<std::uint32_t> gen_ipv4_bits() {
  return rc::gen::oneOf(rc::gen::arbitrary<std::uint32_t>(),
                        rc::gen::inRange<std::uint32_t>(0, 300),
                        rc::gen::map(rc::gen::inRange<std::uint32_t>(0, 300),
                                     [](std::uint32_t d) { return 0xffffffffu - d; }),
                        rc::gen::apply(
                            [](int bit, int d) {
                              return (std::uint32_t{1} << bit) + static_cast<std::uint32_t>(d) - 4;
                            },
                            rc::gen::inRange(2, 32), rc::gen::inRange(0, 8)));
}

rc::Gen<u128> gen_ipv6_bits() {
  return rc::gen::oneOf(
      rc::gen::apply([](std::uint64_t hi, std::uint64_t lo) { return u128{hi} << 64 | lo; },
                     rc::gen::arbitrary<std::uint64_t>(), rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 300),
                   [](std::uint64_t d) { return u128{d}; }),
      rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 300),
                   [](std::uint64_t d) { return ~u128{d}; }),
      // Groups that are often zero, so that printing has runs to compress.
      rc::gen::map(rc::gen::container<std::vector<int>>(8, rc::gen::inRange(0, 3)),
                   [](const std::vector<int>& kinds) {
                     u128 bits = 0;
                     for (int k : kinds) bits = bits << 16 | (k == 0 ? 0 : k == 1 ? 1 : 0xabcd);
                     return bits;
                   }));
}

RC_GTEST_PROP(ToCidrs, SingleRangeIsMinimal4, ()) {
  std::uint32_t lo = *gen_ipv4_bits(), hi = *gen_ipv4_bits();
  if (lo > hi) std::swap(lo, hi);
  std::vector<Cidr> want;
  trie_cover(Family::ipv4, lo, hi, 0, 0, want);
  RC_ASSERT(same_blocks(to_cidrs(Ipv4Set::of(lo, hi)), want));
}

RC_GTEST_PROP(ToCidrs, SingleRangeIsMinimal6, ()) {
  u128 lo = *gen_ipv6_bits(), hi = *gen_ipv6_bits();
  if (lo > hi) std::swap(lo, hi);
  std::vector<Cidr> want;
  trie_cover(Family::ipv6, lo, hi, 0, 0, want);
  RC_ASSERT(same_blocks(to_cidrs(Ipv6Set::of(lo, hi)), want));
}

RC_GTEST_PROP(ToCidrs, UnionIsTheSet, ()) {
  const auto bounds = *rc::gen::container<std::vector<std::uint32_t>>(gen_ipv4_bits());
  std::vector<Ipv4Set::Interval> parts;
  for (std::size_t i = 0; i + 1 < bounds.size(); i += 2) {
    parts.push_back({std::min(bounds[i], bounds[i + 1]), std::max(bounds[i], bounds[i + 1])});
  }
  const Ipv4Set set = Ipv4Set::from_unsorted(parts);
  const std::vector<Cidr> cidrs = to_cidrs(set);
  Ipv4Set back;
  for (std::size_t i = 0; i < cidrs.size(); ++i) {
    RC_ASSERT(cidrs[i].family == Family::ipv4);
    RC_ASSERT((cidrs[i].base & host_mask(32, cidrs[i].prefix)) == 0);  // canonical blocks
    if (i > 0) RC_ASSERT(cidrs[i - 1].last() < cidrs[i].first());      // address order, disjoint
    back = back.unite(to_set4(cidrs[i]));
  }
  RC_ASSERT(back == set);
}

// ---- parsers against printers ----

RC_GTEST_PROP(ValuesRoundTrip, Ipv4, ()) {
  const Address a{Family::ipv4, *gen_ipv4_bits()};
  const ValueResult<Address> back = parse_ipv4(to_string(a));
  RC_ASSERT(back && *back == a);
}

RC_GTEST_PROP(ValuesRoundTrip, Ipv6Canonical, ()) {
  const Address a{Family::ipv6, *gen_ipv6_bits()};
  const std::string text = to_string(a);
  const ValueResult<Address> back = parse_ipv6(text);
  RC_ASSERT(back && *back == a);
  // RFC 5952: lowercase, at most one "::", never for a single zero group ("…:0:…" stays).
  RC_ASSERT(std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'F'; }));
  const auto gap = text.find("::");
  RC_ASSERT(gap == std::string::npos || text.find("::", gap + 1) == std::string::npos);
}

// Any RFC 4291 spelling: any case, optional leading zeros, `::` over any run of zero groups, a
// dotted IPv4 tail.
RC_GTEST_PROP(ValuesRoundTrip, Ipv6AnySpelling, ()) {
  const u128 bits = *gen_ipv6_bits();
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<unsigned>(bits >> (112 - 16 * i)) & 0xffff;
  const bool dotted = *rc::gen::arbitrary<bool>();
  const int last_group = dotted ? 6 : 8;  // groups 6 and 7 are the dotted tail
  // Pick a run of zero groups to compress, if any.
  std::vector<std::pair<int, int>> runs;
  for (int s = 0; s < last_group; ++s) {
    for (int e = s; e < last_group && groups[e] == 0; ++e) runs.push_back({s, e + 1});
  }
  std::pair<int, int> gap{-1, -1};
  if (!runs.empty() && *rc::gen::arbitrary<bool>()) {
    gap = runs[*rc::gen::inRange<std::size_t>(0, runs.size())];
  }
  std::string text;
  for (int i = 0; i < last_group; ++i) {
    if (i == gap.first) text += "::";
    if (i >= gap.first && i < gap.second) continue;
    if (!text.empty() && text.back() != ':') text += ':';
    char buf[8];
    std::snprintf(buf, sizeof buf, *rc::gen::arbitrary<bool>() ? "%x" : "%04X", groups[i]);
    text += buf;
  }
  if (dotted) {
    if (!text.empty() && text.back() != ':') text += ':';
    text += std::to_string(groups[6] >> 8) + '.' + std::to_string(groups[6] & 0xff) + '.' +
            std::to_string(groups[7] >> 8) + '.' + std::to_string(groups[7] & 0xff);
  }
  RC_TAG(gap.first >= 0, dotted);
  const ValueResult<Address> back = parse_ipv6(text);
  RC_ASSERT(back);
  RC_ASSERT(back->bits == bits);
}

RC_GTEST_PROP(ValuesRoundTrip, CidrCanonicalises, ()) {
  const bool v6 = *rc::gen::arbitrary<bool>();
  const Address a =
      v6 ? Address{Family::ipv6, *gen_ipv6_bits()} : Address{Family::ipv4, *gen_ipv4_bits()};
  const int width = v6 ? 128 : 32;
  const int prefix = *rc::gen::inRange(0, width + 1);
  const ValueResult<Cidr> c = parse_cidr(to_string(a) + "/" + std::to_string(prefix));
  RC_ASSERT(c);
  RC_ASSERT(c->family == a.family && c->prefix == prefix);
  RC_ASSERT(c->base == (a.bits & ~host_mask(width, prefix)));
  RC_ASSERT(c->had_host_bits == ((a.bits & host_mask(width, prefix)) != 0));
  RC_ASSERT(c->contains(a));
  RC_ASSERT(c->first() <= a.bits && a.bits <= c->last());
  // The canonical text reads back as the same block, now without host bits.
  const ValueResult<Cidr> again = parse_cidr(to_string(*c));
  RC_ASSERT(again && *again == *c && !again->had_host_bits);
}

RC_GTEST_PROP(ValuesRoundTrip, NumbersInRange, (std::uint32_t n, int small)) {
  RC_ASSERT(static_cast<bool>(parse_port(std::to_string(n))) == (n <= 65535));
  const int p = small % 300;
  RC_ASSERT(static_cast<bool>(parse_protocol(std::to_string(p))) == (p >= -1 && p <= 255));
  RC_ASSERT(static_cast<bool>(parse_icmp(std::to_string(p))) == (p >= -1 && p <= 255));
}

// Whatever the text, a parser either succeeds or reports an error inside the text that names what
// it expected (a rule name, never a mangled type) and shows what is really there.
template <typename T>
void check_error(std::string_view text, const ValueResult<T>& result) {
  if (result) return;
  const ValueError& e = result.error;
  RC_ASSERT(e.offset <= text.size());
  RC_ASSERT(text.substr(e.offset).starts_with(e.found));
  RC_ASSERT(e.found.size() <= 20u);
  RC_ASSERT(!e.expected.empty());
  RC_ASSERT(e.expected.find("boost") == std::string::npos);
  RC_ASSERT(e.found.empty() == (e.offset == text.size()));
}

RC_GTEST_PROP(ValuesErrors, StayInsideTheText, ()) {
  const std::string text = *rc::gen::container<std::string>(
      rc::gen::elementOf(std::string("0123456789abcdefABCDEFx:./- \x01\xc3\xff")));
  check_error(text, parse_ipv4(text));
  check_error(text, parse_ipv6(text));
  check_error(text, parse_address(text));
  check_error(text, parse_cidr4(text));
  check_error(text, parse_cidr6(text));
  check_error(text, parse_cidr(text));
  check_error(text, parse_port(text));
  check_error(text, parse_port_range(text));
  check_error(text, parse_protocol(text));
  check_error(text, parse_icmp(text));
}

}  // namespace
}  // namespace sgcheck
