// Shared helpers of the built-in hygiene (SG2xx) and graph (SG3xx) checks: where a finding points,
// the canonical text of a rule (messages and fingerprints), its witness and its finding. How group
// references stand (SG202, SG205, SG301, SG302, SG304) is Semantics::classify()'s
// (semantics/semantics.h), so that one problem is reported once.
// Entry points: finding_location(), rule_text(), fingerprint(), rule_finding().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "lint/check.h"
#include "semantics/semantics.h"
#include "semantics/service.h"

namespace sgcheck::detail {

// The rule's peer entry, else the rule object, else the group (product.md §4: most precise place).
inline Location finding_location(const Inventory& inv, const Group& group, const Rule& rule) {
  if (rule.location.line != 0) return inv.location(rule.location);
  if (rule.rule_location.line != 0) return inv.location(rule.rule_location);
  return inv.location(group.location);
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The peer as AWS stores it: the canonical CIDR, or the pl-/sg- id.
inline std::string peer_text(const Peer& peer) {
  if (peer.kind == PeerKind::cidr4 || peer.kind == PeerKind::cidr6) {
    return peer.id.empty() ? to_string(peer.cidr) : peer.id.str();
  }
  return peer.id.str();
}

// rule_text() appended to `out`: a check naming many rules reuses one buffer.
inline void append_rule_text(std::string& out, const Rule& rule) {
  out += service_notation(rule);
  out += rule.direction == Direction::ingress ? " from " : " to ";
  const Peer& peer = rule.peer;
  if ((peer.kind == PeerKind::cidr4 || peer.kind == PeerKind::cidr6) && peer.id.empty()) {
    out += to_string(peer.cidr);
  } else {
    out += peer.id;  // peer_text(), without its copy
  }
}

// "tcp/22 from 10.0.0.0/8", "all to sg-0bb": canonical, without names or positions.
inline std::string rule_text(const Rule& rule) {
  std::string out;
  out.reserve(48);  // most rules' text: one allocation instead of one per part
  append_rule_text(out, rule);
  return out;
}

// "ingress tcp/22 from 10.0.0.0/8 (sgs.json:14:9)": a rule named in another finding's message.
inline std::string rule_with_place(const Inventory& inv, const Group& group, const Rule& rule) {
  return rule_text(rule) + " (" + finding_location(inv, group, rule).to_string() + ")";
}

// FNV-1a, 64 bits: stable across platforms and releases, which std::hash is not. Fed in parts:
// hashing "a" then "b" is hashing "ab".
class Fnv1a {
 public:
  void add(std::string_view text) {
    for (const char c : text) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// 16 lower-case hex digits, as "%016llx" prints them.
inline std::string hex16(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 15];
  return out;
}

// Stable across reformatting and reordering: the check, the subject (group or interface) and the
// canonical rule text, hashed (FNV-1a, 64 bits) to 16 hex digits.
// The text may come in parts, hashed as if joined: no key string is built.
inline std::string fingerprint(std::string_view id, std::string_view subject,
                               std::initializer_list<std::string_view> text) {
  Fnv1a hash;
  for (const std::string_view part : {id, subject}) {
    hash.add(part);
    hash.add("\x1f");  // a separator no text contains
  }
  for (const std::string_view part : text) hash.add(part);
  hash.add("\x1f");
  return hex16(hash.value());
}
inline std::string fingerprint(std::string_view id, std::string_view subject,
                               std::string_view text) {
  return fingerprint(id, subject, {text});
}

// The witness of a rule: its first packet (lowest port, the ICMP type/code as written) and peer.
inline Witness rule_witness(const Rule& rule) {
  Witness w;
  w.protocol = protocol_name(rule.protocol);
  w.direction = rule.direction;
  w.peer = peer_text(rule.peer);
  const std::optional<std::pair<int, int>> ports = normalised_ports(rule);
  if (ports && (rule.protocol == kTcp || rule.protocol == kUdp)) w.port = ports->first;
  if (ports && (rule.protocol == kIcmp || rule.protocol == kIcmpv6)) {
    w.type = ports->first;
    w.code = ports->second;
  }
  return w;
}

// A finding about one rule of a group, with location, group, rule id and fingerprint filled;
// `text` is rule_text(rule), when the caller has it already.
inline Finding rule_finding(const Inventory& inv, std::string_view id, std::string message,
                            const Group& group, const Rule& rule, std::string_view text) {
  Finding f = make_finding(id, std::move(message), finding_location(inv, group, rule));
  f.group = group.id;
  f.rule = rule.id;
  f.fingerprint = fingerprint(id, group.id, {direction_name(rule.direction), " ", text});
  return f;
}

inline Finding rule_finding(const Inventory& inv, std::string_view id, std::string message,
                            const Group& group, const Rule& rule) {
  return rule_finding(inv, id, std::move(message), group, rule, rule_text(rule));
}

}  // namespace sgcheck::detail
