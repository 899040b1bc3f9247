// Policy findings' whole violations (product.md §6): the text of a part and its inverse, parts in
// canonical form, and the comparison with what a baseline recorded (docs/lint.md, "A baseline").
// Entry points: violation_part_text(), parse_violation_part(), normalise_parts(),
// RecordedViolation.
#include "check/violation.h"

#include <algorithm>
#include <charconv>

namespace sgcheck {

namespace {

constexpr std::string_view kOver = " over ";
constexpr std::string_view kUnknown = " (unknown)";

const char* family_word(Family f) {
  return f == Family::ipv4 ? "IPv4" : "IPv6";
}

std::string number(int n) {
  return std::to_string(n);
}

// "8:0": an ICMP key as type:code.
std::string icmp_key(int key) {
  return number(key / 256) + ":" + number(key % 256);
}

}  // namespace

std::string detail::part_service_text(const ViolationPart& p) {
  const int protocol = p.protocol_first;
  if (p.protocol_first != p.protocol_last) {
    std::string out = "proto/";
    out.append(number(p.protocol_first)).append("-").append(number(p.protocol_last));
    return out;
  }
  std::string out = protocol_has_ports(protocol) ? protocol_name(protocol) : "proto";
  if (protocol == kTcp || protocol == kUdp) {
    out += '/';
    out += number(p.lo);
    if (p.hi != p.lo) out.append("-").append(number(p.hi));
  } else if (protocol == kIcmp || protocol == kIcmpv6) {
    if (p.lo == 0 && p.hi == 65535) return out;
    out += '/';
    if (p.lo % 256 == 0 && p.hi == p.lo + 255) {
      out += number(p.lo / 256);
    } else {
      out += icmp_key(p.lo);
      if (p.hi != p.lo) out.append("-").append(icmp_key(p.hi));
    }
  } else {
    out += '/';
    out += number(protocol);
  }
  return out;
}

namespace {

std::optional<int> parse_number(std::string_view text, int max) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < 0 || n > max)
    return std::nullopt;
  return n;
}

// "A-B" or "A" (then B = A), each read by `one`.
template <typename One>
std::optional<std::pair<int, int>> parse_range(std::string_view text, One&& one) {
  const std::size_t dash = text.find('-');
  const auto lo = one(text.substr(0, dash));
  const auto hi = dash == std::string_view::npos ? lo : one(text.substr(dash + 1));
  if (!lo || !hi || *hi < *lo) return std::nullopt;
  return std::pair{*lo, *hi};
}

std::optional<int> parse_icmp_key(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto type = parse_number(text.substr(0, colon), 255);
  const auto code = parse_number(text.substr(colon + 1), 255);
  if (!type || !code) return std::nullopt;
  return *type * 256 + *code;
}

// The service of a part: what part_service_text() writes.
bool parse_service(std::string_view text, ViolationPart& p) {
  const std::size_t slash = text.find('/');
  const std::string_view name = text.substr(0, slash);
  const std::string_view rest =
      slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
  const auto set = [&](int first, int last, int lo, int hi) {
    p.protocol_first = static_cast<std::uint8_t>(first);
    p.protocol_last = static_cast<std::uint8_t>(last);
    p.lo = static_cast<std::uint16_t>(lo);
    p.hi = static_cast<std::uint16_t>(hi);
    return true;
  };
  if (name == "tcp" || name == "udp") {
    const auto ports = parse_range(rest, [](std::string_view t) { return parse_number(t, 65535); });
    return ports && set(name == "tcp" ? kTcp : kUdp, name == "tcp" ? kTcp : kUdp, ports->first,
                        ports->second);
  }
  if (name == "icmp" || name == "icmpv6") {
    const int protocol = name == "icmp" ? kIcmp : kIcmpv6;
    if (slash == std::string_view::npos) return set(protocol, protocol, 0, 65535);
    if (rest.find(':') == std::string_view::npos) {
      const auto type = parse_number(rest, 255);
      return type && set(protocol, protocol, *type * 256, *type * 256 + 255);
    }
    const auto keys = parse_range(rest, parse_icmp_key);
    return keys && set(protocol, protocol, keys->first, keys->second);
  }
  if (name == "proto") {
    const auto protocols =
        parse_range(rest, [](std::string_view t) { return parse_number(t, 255); });
    if (!protocols) return false;
    for (int q = protocols->first; q <= protocols->second; ++q)
      if (protocol_has_ports(q)) return false;
    return set(protocols->first, protocols->second, 0, 0);
  }
  return false;
}

bool without_ports(const ViolationPart& p) {
  return p.lo == 0 && p.hi == 0 && !protocol_has_ports(p.protocol_first) &&
         !protocol_has_ports(p.protocol_last);
}

}  // namespace

std::string violation_part_text(const ViolationPart& part) {
  std::string out = detail::part_service_text(part);
  out += kOver;
  out += family_word(part.family);
  if (part.maybe) out += kUnknown;
  return out;
}

std::optional<ViolationPart> parse_violation_part(std::string_view text) {
  ViolationPart p;
  if (text.size() > kUnknown.size() && text.substr(text.size() - kUnknown.size()) == kUnknown) {
    p.maybe = true;
    text.remove_suffix(kUnknown.size());
  }
  const std::size_t over = text.rfind(kOver);
  if (over == std::string_view::npos) return std::nullopt;
  const std::string_view family = text.substr(over + kOver.size());
  if (family == "IPv4") {
    p.family = Family::ipv4;
  } else if (family == "IPv6") {
    p.family = Family::ipv6;
  } else {
    return std::nullopt;
  }
  if (!parse_service(text.substr(0, over), p)) return std::nullopt;
  return p;
}

namespace detail {
namespace {

// Sorts `items`, which usually come as a few ascending runs (a policy finding over `all` has a
// part per protocol, in order, for each of its hits): the runs are merged one into the next,
// about one comparison per item and run where a sort costs log n; many runs are sorted.
template <typename T, typename Less>
void sort_runs(std::vector<T>& items, Less less) {
  constexpr std::size_t kMaxRuns = 16;
  std::size_t runs = 1;
  for (std::size_t i = 1; i < items.size() && runs <= kMaxRuns; ++i)
    if (less(items[i], items[i - 1])) ++runs;
  if (runs > kMaxRuns) {
    std::sort(items.begin(), items.end(), less);
    return;
  }
  auto sorted_end = std::is_sorted_until(items.begin(), items.end(), less);
  while (sorted_end != items.end()) {
    const auto run_end = std::is_sorted_until(sorted_end, items.end(), less);
    std::inplace_merge(items.begin(), sorted_end, run_end, less);
    sorted_end = run_end;
  }
}

}  // namespace

bool part_before(const ViolationPart& a, const ViolationPart& b) {
  return std::tuple(a.family, a.protocol_first, a.lo, a.maybe) <
         std::tuple(b.family, b.protocol_first, b.lo, b.maybe);
}

void normalise_parts(std::vector<ViolationPart>& parts) {
  sort_runs(parts, part_before);
  merge_sorted_parts(parts);
}

void merge_sorted_parts(std::vector<ViolationPart>& parts) {
  std::size_t kept = 0;  // parts[0, kept) is the merged list; merged in place
  for (const ViolationPart& p : parts) {
    if (kept != 0) {
      ViolationPart& last = parts[kept - 1];
      const bool alike = last.family == p.family && last.maybe == p.maybe;
      const bool same_protocol = last.protocol_first == last.protocol_last &&
                                 p.protocol_first == p.protocol_last &&
                                 last.protocol_first == p.protocol_first;
      if (alike && same_protocol && p.lo <= last.hi + 1) {
        last.hi = std::max(last.hi, p.hi);
        continue;
      }
      if (alike && without_ports(last) && without_ports(p) &&
          p.protocol_first <= last.protocol_last + 1) {
        last.protocol_last = std::max(last.protocol_last, p.protocol_last);
        continue;
      }
    }
    parts[kept++] = p;
  }
  parts.resize(kept);
  parts.shrink_to_fit();  // a violation keeps a few parts of the hundreds it may be found in
}

std::string rule_identity(std::string_view content) {
  // "GROUP DIRECTION SERVICE from|to PEER": the peer and the word before it are the last two
  // words; the service is the word before them (a template's open service may hold spaces, but
  // it is cut the same way on both sides of the comparison).
  const std::size_t peer = content.rfind(' ');
  if (peer == std::string_view::npos) return std::string(content);
  const std::size_t way = content.rfind(' ', peer - 1);
  if (way == std::string_view::npos || way == 0) return std::string(content);
  const std::size_t service = content.rfind(' ', way - 1);
  if (service == std::string_view::npos) return std::string(content);
  return std::string(content.substr(0, service)) + "|" + std::string(content.substr(way + 1));
}

bool RecordedViolation::add(const BaselineEntry& entry) {
  if (!entry.violation) return false;
  for (const std::string& text : *entry.violation) {
    const std::optional<ViolationPart> p = parse_violation_part(text);
    if (!p) continue;  // a part this version cannot read covers nothing
    for (int q = p->protocol_first; q <= p->protocol_last; ++q) {
      const Key key{static_cast<int>(p->family), q};
      possible_[key].add(p->lo, p->hi);
      if (!p->maybe) certain_[key].add(p->lo, p->hi);
    }
  }
  for (const std::string& rule : entry.rules) rules_.insert(rule_identity(rule));
  return true;
}

std::vector<std::string> RecordedViolation::grown(const Violation& now) const {
  std::vector<ViolationPart> added;
  for (const ViolationPart& p : now.parts) {
    const auto& recorded = p.maybe ? possible_ : certain_;
    for (int q = p.protocol_first; q <= p.protocol_last; ++q) {
      PortSet left = PortSet::of(p.lo, p.hi);
      if (const auto it = recorded.find(Key{static_cast<int>(p.family), q}); it != recorded.end())
        left = left.subtract(it->second);
      for (const auto& iv : left.intervals()) {
        ViolationPart n = p;
        n.protocol_first = n.protocol_last = static_cast<std::uint8_t>(q);
        n.lo = iv.lo;
        n.hi = iv.hi;
        added.push_back(n);
      }
    }
  }
  normalise_parts(added);
  std::vector<std::string> out;
  for (const ViolationPart& p : added) out.push_back(violation_part_text(p));
  for (const ContributingRule& rule : now.rules)
    if (rules_.count(rule_identity(rule.content)) == 0) out.push_back("rule " + rule.content);
  return out;
}

BaselineEntry baseline_entry(const Finding& finding) {
  BaselineEntry entry;
  entry.fingerprint = finding.fingerprint;
  if (!finding.violation) return entry;
  std::vector<std::string>& parts = entry.violation.emplace();
  for (const ViolationPart& p : finding.violation->parts) parts.push_back(violation_part_text(p));
  for (const ContributingRule& r : finding.violation->rules) entry.rules.push_back(r.content);
  return entry;
}

BaselineIndex::BaselineIndex(const std::vector<BaselineEntry>& entries) {
  for (const BaselineEntry& entry : entries) {
    if (entry.violation)
      recorded_[entry.fingerprint].add(entry);
    else
      fingerprints_.insert(entry.fingerprint);
  }
}

std::optional<std::vector<std::string>> BaselineIndex::beyond_record(const Finding& finding) const {
  const auto recorded = recorded_.find(finding.fingerprint);
  if (recorded == recorded_.end()) return std::nullopt;
  if (!finding.violation) return std::vector<std::string>{};
  return recorded->second.grown(*finding.violation);
}

}  // namespace detail

}  // namespace sgcheck
