// The values security-group rules are made of: IPv4/IPv6 addresses, CIDRs, ports, protocols, ICMP
// type:code, and the sets of them. Parsing is exact (Boost.Spirit X3 grammars in src/atoms/) and
// never throws: a failure is a ValueError naming what was expected and where. Canonical text forms
// come from to_string(). Sets (IntervalSet) are sorted, disjoint, non-adjacent closed intervals of
// integers: address sets (IPv4 over 32 bits, IPv6 over 128 bits), port sets and protocol sets.
// Every operation keeps the canonical form, so two sets are equal iff their intervals are.
// Names (ids, names, descriptions, tags) are interned once as 32-bit handles (Name).
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
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

  // Adds [lo, hi]; an empty range (lo > hi) adds nothing. O(n): build large sets with
  // from_unsorted.
  void add(T lo, T hi) {
    if (lo > hi) return;
    *this = unite(IntervalSet(std::vector<Interval>{{lo, hi}}));
  }

  // The union of any intervals, in any order (empty ones, lo > hi, are dropped). O(n log n).
  static IntervalSet from_unsorted(std::vector<Interval> parts) {
    std::erase_if(parts, [](const Interval& iv) { return iv.lo > iv.hi; });
    std::sort(parts.begin(), parts.end(),
              [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    return IntervalSet().unite(IntervalSet(std::move(parts)));
  }

  IntervalSet unite(const IntervalSet& other) const {
    std::vector<Interval> merged;
    merged.reserve(parts_.size() + other.parts_.size());
    std::merge(parts_.begin(), parts_.end(), other.parts_.begin(), other.parts_.end(),
               std::back_inserter(merged),
               [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
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
      if (parts_[i].hi < other.parts_[j].hi)
        ++i;
      else
        ++j;
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

namespace sgcheck {

// A piece of input text that names or describes something (an id such as "sg-0a1", a group name, a
// description, a tag): interned once, in one pool for the whole process, and held as a 32-bit
// handle. Equal texts have equal handles, so equality and hashing cost an integer compare; order
// is the text's byte order (sorting by Name is sorting by text, whatever order the handles were
// made in). A Name resolves to its text anywhere (view()), also without its inventory: the pool is
// shared by every inventory of the process (two inventories compared by `diff` hold the same
// handles for the same ids) and only grows, so a process that loads many different inventories
// keeps every text it has seen. Interning is thread-safe; view() takes no lock. The default Name is
// the empty text.
class Name {
 public:
  Name() = default;
  // Interns `text` (explicit: a pool lookup, never a free conversion).
  explicit Name(std::string_view text);
  explicit Name(const std::string& text) : Name(std::string_view(text)) {}
  explicit Name(const char* text) : Name(std::string_view(text)) {}
  // Assigning text interns it: what readers do with each id they read.
  Name& operator=(std::string_view text) { return *this = Name(text); }
  Name& operator=(const std::string& text) { return *this = Name(text); }
  Name& operator=(const char* text) { return *this = Name(text); }

  std::string_view view() const;
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string(view()); }
  const char* c_str() const;  // the text followed by a NUL
  const char* data() const { return view().data(); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return handle_ == 0; }
  // What std::string offered to read text, on the text.
  bool starts_with(std::string_view prefix) const { return view().starts_with(prefix); }
  bool ends_with(std::string_view suffix) const { return view().ends_with(suffix); }
  std::size_t find(std::string_view what, std::size_t from = 0) const {
    return view().find(what, from);
  }
  std::size_t find(char what, std::size_t from = 0) const { return view().find(what, from); }
  std::size_t rfind(std::string_view what, std::size_t from = std::string_view::npos) const {
    return view().rfind(what, from);
  }
  std::size_t rfind(char what, std::size_t from = std::string_view::npos) const {
    return view().rfind(what, from);
  }
  std::string_view substr(std::size_t from, std::size_t count = std::string_view::npos) const {
    return view().substr(from, count);
  }
  int compare(std::string_view other) const { return view().compare(other); }
  // std::hash<std::string_view> of the text, computed once when interned.
  std::size_t hash() const;
  std::uint32_t handle() const { return handle_; }

  friend bool operator==(Name a, Name b) { return a.handle_ == b.handle_; }
  friend bool operator==(Name a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(Name a, Name b) {
    if (a.handle_ == b.handle_) return std::strong_ordering::equal;
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(Name a, std::string_view b) { return a.view() <=> b; }

 private:
  std::uint32_t handle_ = 0;
};

// text + name, name + text: what std::string + std::string did.
inline std::string operator+(std::string text, Name name) {
  text.append(name.view());
  return text;
}
inline std::string operator+(Name name, std::string_view text) {
  std::string out(name.view());
  out.append(text);
  return out;
}
inline std::string operator+(const char* text, Name name) {
  std::string out(text);
  out.append(name.view());
  return out;
}

// Writes the text (test output, diagnostics of the tests).
std::ostream& operator<<(std::ostream& out, Name name);

}  // namespace sgcheck

template <>
struct std::hash<sgcheck::Name> {
  std::size_t operator()(sgcheck::Name name) const noexcept { return name.hash(); }
};

namespace sgcheck {

enum class Family : std::uint8_t { ipv4, ipv6 };

// An address of either family. IPv4 addresses live in the low 32 bits of `bits`.
struct Address {
  Family family = Family::ipv4;
  u128 bits = 0;
  bool operator==(const Address&) const = default;
  auto operator<=>(const Address&) const = default;
};

// A CIDR block, canonical: the host bits of `base` are clear. `had_host_bits` records that the text
// had host bits set (AWS stores the canonical form; the linter reports it as SG207).
// (The base comes first, so that the block takes 32 bytes instead of 48.)
struct Cidr {
  u128 base = 0;
  Family family = Family::ipv4;
  std::uint8_t prefix = 0;
  bool had_host_bits = false;

  u128 first() const { return base; }
  u128 last() const;  // the highest address of the block
  bool contains(const Address& address) const;
  bool operator==(const Cidr& other) const {
    return family == other.family && base == other.base && prefix == other.prefix;
  }
};

struct PortRange {
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  bool operator==(const PortRange&) const = default;
};

// ICMP type and code; -1 means every type (then the code is -1 too) or every code of the type.
struct IcmpTypeCode {
  int type = -1;
  int code = -1;
  bool operator==(const IcmpTypeCode&) const = default;
};

// Canonical protocol numbers (aws-semantics.md §1.2).
inline constexpr int kAllProtocols = -1;
inline constexpr int kIcmp = 1;
inline constexpr int kTcp = 6;
inline constexpr int kUdp = 17;
inline constexpr int kIcmpv6 = 58;

// True for the protocols whose FromPort/ToPort mean something: tcp, udp (ports), icmp, icmpv6
// (type/code). For -1 and every other number AWS ignores the ports.
inline bool protocol_has_ports(int protocol) {
  return protocol == kTcp || protocol == kUdp || protocol == kIcmp || protocol == kIcmpv6;
}

// Canonical text: "10.0.0.0/8", "2001:db8::/32" (RFC 5952), "10.0.1.5", "2001:db8::15".
std::string to_string(const Address& address);
std::string to_string(const Cidr& cidr);
// to_string() appended to `out`, without a temporary string for an IPv4 address (hot paths that
// write many addresses: query --batch).
void append_to(std::string& out, const Address& address);
// "tcp", "udp", "icmp", "icmpv6", "all" for -1, else the decimal number.
std::string protocol_name(int protocol);

// Why a value did not parse: the byte offset in the parsed text where it went wrong, what was
// expected there (a grammar rule's name, e.g. "port number (0-65535)") and what was found.
struct ValueError {
  std::size_t offset = 0;
  std::string expected;
  std::string found;  // the offending text, empty at the end of the input
  std::string note;   // what is wrong when "expected …" alone does not say it, or empty
  // `expected port number (0-65535), found "70000"` / `…, found end of input`, then `; ` and the
  // note: `expected port number (22-65535), found "21"; the range ends below its start`.
  std::string message() const;
};

template <typename T>
struct ValueResult {
  std::optional<T> value;
  ValueError error;  // meaningful only when !value

  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
};

// Each parser accepts the whole text or fails (no leading/trailing space).
ValueResult<Address> parse_ipv4(std::string_view text);
ValueResult<Address> parse_ipv6(std::string_view text);  // every RFC 4291 form, any case
ValueResult<Address> parse_address(std::string_view text);
ValueResult<Cidr> parse_cidr4(std::string_view text);  // "a.b.c.d/n", 0 <= n <= 32
ValueResult<Cidr> parse_cidr6(std::string_view text);  // "x::y/n", 0 <= n <= 128
// Either family; a bare address is a host block (/32 or /128).
ValueResult<Cidr> parse_cidr(std::string_view text);
ValueResult<std::uint16_t> parse_port(std::string_view text);
ValueResult<PortRange> parse_port_range(std::string_view text);  // "P" or "P-Q" with P <= Q
// Names (tcp, udp, icmp, icmpv6, all) case-insensitively, -1, or a number 0-255. Gives the
// canonical number (-1 for all).
ValueResult<int> parse_protocol(std::string_view text);
// "T" or "T:C" with T, C in -1..255; T = -1 requires C = -1 (or no code).
ValueResult<IcmpTypeCode> parse_icmp(std::string_view text);

// The IPv4 set or IPv6 set a CIDR covers, as an interval.
inline Ipv4Set to_set4(const Cidr& c) {
  return Ipv4Set::of(static_cast<std::uint32_t>(c.first()), static_cast<std::uint32_t>(c.last()));
}
inline Ipv6Set to_set6(const Cidr& c) {
  return Ipv6Set::of(c.first(), c.last());
}

// The fewest CIDRs whose union is exactly the set, in address order (for display).
std::vector<Cidr> to_cidrs(const Ipv4Set& set);
std::vector<Cidr> to_cidrs(const Ipv6Set& set);

}  // namespace sgcheck
