// Canonical text for the values of sgcheck/values.h (RFC 5952 for IPv6), CIDR block arithmetic, the
// ValueError message, and to_cidrs(): the fewest CIDR blocks that cover an address set exactly.
// The parsers themselves are in grammar.cc.
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "atoms/bits.h"
#include "sgcheck/values.h"

namespace sgcheck {
namespace {

using detail::host_mask;
using detail::width_of;

// The decimal text of each byte value, at most three digits, and its length: a dotted quad is
// four copies from this table instead of digit arithmetic (query --batch writes two or three
// addresses per flow).
struct ByteText {
  char digits[3];
  std::uint8_t size;
};
constexpr std::array<ByteText, 256> kByteText = [] {
  std::array<ByteText, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    ByteText& t = table[byte];
    if (byte >= 100) t.digits[t.size++] = static_cast<char>('0' + byte / 100);
    if (byte >= 10) t.digits[t.size++] = static_cast<char>('0' + byte / 10 % 10);
    t.digits[t.size++] = static_cast<char>('0' + byte % 10);
  }
  return table;
}();

// The dotted quad appended to `out`, assembled in a small buffer first (one append).
void append_ipv4(std::string& out, std::uint32_t bits) {
  char text[16];  // "255.255.255.255"
  std::size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const ByteText& t = kByteText[bits >> shift & 0xff];
    std::memcpy(text + n, t.digits, 3);  // the bytes past t.size are overwritten next
    n += t.size;
    text[n++] = '.';
  }
  out.append(text, n - 1);
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
  if (is_ipv4_mapped(bits)) {
    std::string out = "::ffff:";
    append_ipv4(out, static_cast<std::uint32_t>(bits));
    return out;
  }
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
    out.push_back(Cidr{lo, family, static_cast<std::uint8_t>(prefix), false});
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
  std::string out;
  append_to(out, address);
  return out;
}

void append_to(std::string& out, const Address& address) {
  if (address.family == Family::ipv4) {
    append_ipv4(out, static_cast<std::uint32_t>(address.bits));
  } else {
    out += ipv6_text(address.bits);
  }
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
  std::string out =
      "expected " + expected + ", found " + (found.empty() ? "end of input" : quoted(found));
  if (!note.empty()) out += "; " + note;
  return out;
}

std::vector<Cidr> to_cidrs(const Ipv4Set& set) {
  return cover(Family::ipv4, set);
}
std::vector<Cidr> to_cidrs(const Ipv6Set& set) {
  return cover(Family::ipv6, set);
}

}  // namespace sgcheck
