// Canonical text for the values of sgcheck/values.h (RFC 5952 for IPv6), CIDR block arithmetic, the
// ValueError message, and to_cidrs(): the fewest CIDR blocks that cover an address set exactly.
// The parsers themselves are in grammar.cc.
#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "atoms/bits.h"
#include "sgcheck/values.h"

namespace sgcheck {
namespace {

using detail::host_mask;
using detail::width_of;

std::string ipv4_text(std::uint32_t bits) {
  return std::to_string(bits >> 24) + '.' + std::to_string(bits >> 16 & 0xff) + '.' +
         std::to_string(bits >> 8 & 0xff) + '.' + std::to_string(bits & 0xff);
}

// RFC 5952 §5: IPv4-mapped addresses (::ffff:0:0/96) keep their dotted-quad tail.
bool is_ipv4_mapped(u128 bits) {
  return (bits >> 32) == 0xffff;
}

// RFC 5952 §4.2: the longest run of two or more zero groups, the first one on a tie; {-1, 0} if
// none.
std::pair<int, int> longest_zero_run(const std::array<unsigned, 8>& groups) {
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_length && j - i >= 2) best_start = i, best_length = j - i;
    i = j == i ? i + 1 : j;
  }
  return {best_start, best_length};
}

std::string ipv6_text(u128 bits) {
  if (is_ipv4_mapped(bits)) return "::ffff:" + ipv4_text(static_cast<std::uint32_t>(bits));
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<unsigned>(bits >> (112 - 16 * i)) & 0xffff;
  }
  const auto [zero_start, zero_length] = longest_zero_run(groups);
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == zero_start) {
      out += "::";
      i += zero_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    char hex[8];
    std::snprintf(hex, sizeof hex, "%x", groups[static_cast<std::size_t>(i)]);
    out += hex;
  }
  return out;
}

// Printable text for an error message: quotes and backslashes escaped, control and non-ASCII bytes
// as \xNN (the input may be anything).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + '"';
}

// Splits [lo, hi] into the fewest aligned blocks, left to right: at each step the largest block
// that starts at `lo` (aligned) and ends by `hi`. Greedy is optimal for one range, and blocks never
// span the gaps between a set's intervals, so it is optimal for the set too.
void cover_range(Family family, u128 lo, u128 hi, std::vector<Cidr>& out) {
  const int width = width_of(family);
  while (true) {
    int prefix = 0;
    while (prefix < width &&
           ((lo & host_mask(width, prefix)) != 0 || host_mask(width, prefix) > hi - lo)) {
      ++prefix;
    }
    const u128 mask = host_mask(width, prefix);
    out.push_back(Cidr{family, lo, static_cast<std::uint8_t>(prefix), false});
    if (lo + mask >= hi) return;  // also stops before lo wraps past the top of the space
    lo += mask + 1;
  }
}

template <typename T>
std::vector<Cidr> cover(Family family, const IntervalSet<T>& set) {
  std::vector<Cidr> out;
  for (const auto& interval : set.intervals()) cover_range(family, interval.lo, interval.hi, out);
  return out;
}

}  // namespace

u128 Cidr::last() const {
  return base | host_mask(width_of(family), prefix);
}

bool Cidr::contains(const Address& address) const {
  return address.family == family && (address.bits & ~host_mask(width_of(family), prefix)) == base;
}

std::string to_string(const Address& address) {
  return address.family == Family::ipv4 ? ipv4_text(static_cast<std::uint32_t>(address.bits))
                                        : ipv6_text(address.bits);
}

std::string to_string(const Cidr& cidr) {
  return to_string(Address{cidr.family, cidr.base}) + '/' + std::to_string(cidr.prefix);
}

std::string protocol_name(int protocol) {
  switch (protocol) {
    case kAllProtocols:
      return "all";
    case kIcmp:
      return "icmp";
    case kTcp:
      return "tcp";
    case kUdp:
      return "udp";
    case kIcmpv6:
      return "icmpv6";
    default:
      return std::to_string(protocol);
  }
}

std::string ValueError::message() const {
  return "expected " + expected + ", found " + (found.empty() ? "end of input" : quoted(found));
}

std::vector<Cidr> to_cidrs(const Ipv4Set& set) {
  return cover(Family::ipv4, set);
}
std::vector<Cidr> to_cidrs(const Ipv6Set& set) {
  return cover(Family::ipv6, set);
}

}  // namespace sgcheck
