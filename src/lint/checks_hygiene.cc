// The built-in hygiene checks SG201–SG208 (product.md §7), each judged on what a rule allows rather
// than how it is written: redundancy (SG202) is set containment against the union of the group's
// other rules, "never matches" (SG205) follows the engine's family and reference semantics.
// Entry point: run_hygiene_checks(); each check is one function over one group's rules.
#include <array>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <set>

#include "atoms/text.h"
#include "lint/check_support.h"
#include "semantics/semantics.h"
#include "semantics/service.h"

namespace sgcheck::detail {
namespace {

constexpr int kWidePortRange = 1000;
constexpr std::size_t kMaxNamedCovers = 3;

bool is_default_group(const Group& g) {
  return g.name == "default";
}

bool is_self_reference(const Group& g, const Rule& r) {
  return r.peer.kind == PeerKind::group && r.peer.id == g.id;
}

// The parts joined in one allocation of the exact size: make_finding() would shrink the doubled
// capacity an operator+ chain leaves, a second allocation and copy for each message.
std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (const std::string_view part : parts) out += part;
  return out;
}

// Where the checks put their findings. run_hygiene_checks() runs them twice, first only counting,
// then making the findings into `out` reserved to its final size: growing it by doubling would move
// each finding again and fault in twice the pages.
class FindingSink {
 public:
  explicit FindingSink(std::vector<Finding>* out) : out_(out) {}  // nullptr: count only

  // `make` returns the Finding; it is called only when making.
  template <class Make>
  void add(Make make) {
    if (out_ == nullptr) {
      ++count_;
    } else {
      out_->push_back(make());
    }
  }
  std::size_t count() const { return count_; }

 private:
  std::vector<Finding>* out_;
  std::size_t count_ = 0;
};

// ---- SG201 -------------------------------------------------------------------------------------

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A view, not a copy: every rule's description is looked at (twice, see FindingSink).
std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Text a tool fills in when the author gave none.
bool is_placeholder(std::string_view description) {
  const std::string_view d = trimmed(description);
  return ascii_lower_equals(d, "managed by terraform") || ascii_lower_equals(d, "managed by pulumi");
}

// The rules AWS itself creates: in a default group all from the group, and in every group read from
// AWS the allow-all egress a new group starts with (all to 0.0.0.0/0 or ::/0). Nobody wrote them.
bool is_aws_default_rule(const Group& g, const Rule& r) {
  if (r.protocol != kAllProtocols) return false;
  if (r.direction == Direction::ingress) return is_default_group(g) && is_self_reference(g, r);
  return (is_default_group(g) || g.origin == GroupOrigin::aws_api) &&
         (r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6) &&
         r.peer.cidr.prefix == 0 && !r.peer.cidr.had_host_bits;
}

// A CloudFormation group without egress carries a synthesized allow-all rule at the group.
bool is_synthesized(const Group& g, const Rule& r) {
  return g.template_without_egress && r.direction == Direction::egress && r.location == g.location;
}

// What is wrong with the description, in parts for concat().
std::array<std::string_view, 3> missing_description(std::string_view description) {
  const std::string_view text = trimmed(description);
  if (text.empty()) return {"has no description", "", ""};
  return {"has only the placeholder description \"", text, "\""};
}

void check_descriptions(const Inventory& inv, const Group& g, FindingSink& out) {
  // A default group's description is AWS's and cannot be changed; a group read only from
  // describe-security-group-rules has no description field at all.
  if (!is_default_group(g) && !g.from_rules_only &&
      (trimmed(g.description).empty() || is_placeholder(g.description))) {
    out.add([&] {
      const auto missing = missing_description(g.description);
      Finding f = make_finding("SG201",
                               concat({"group ", g.id, " ", missing[0], missing[1], missing[2],
                                       "; describe what the group is for (the description can only "
                                       "be set when the group is created)"}),
                               inv.location(g.location));
      f.group = g.id;
      f.fingerprint = fingerprint("SG201", g.id, "group");
      return f;
    });
  }
  std::string text;  // rule_text(), one buffer for the group's rules
  for (const Rule& r : g.rules) {
    if (is_aws_default_rule(g, r) || is_synthesized(g, r)) continue;
    if (!trimmed(r.description).empty() && !is_placeholder(r.description)) continue;
    out.add([&] {
      text.clear();
      append_rule_text(text, r);
      const auto missing = missing_description(r.description);
      return rule_finding(inv, "SG201",
                          concat({direction_name(r.direction), " rule ", text, " ", missing[0],
                                  missing[1], missing[2], "; say what the rule is for"}),
                          g, r, text);
    });
  }
}

// ---- SG202 -------------------------------------------------------------------------------------

// ::ffff:0:0/96, the IPv4-mapped IPv6 block.
bool inside_ipv4_mapped(const Cidr& c) {
  if (c.family != Family::ipv6 || c.prefix < 96) return false;
  const u128 mapped = u128{0xffff} << 32;
  return (c.base >> 32) == (mapped >> 32);
}

// What a rule allows, as a box: protocols × service keys × peers. Peers are address sets per family
// (CIDRs, prefix lists with known entries) or an opaque token (a group reference, a prefix list
// without entries) that only the same token covers.
struct RuleBox {
  bool live = false;  // matches something: valid, usable, non-empty
  ServiceMatch service;
  Ipv6Set addresses[2];  // by family_index, already limited to the service's families
  PeerKind token_kind = PeerKind::group;
  std::string_view token;  // group or prefix-list id; empty for address peers
  std::uint8_t token_families = 0;
  double size = 0;  // log2 of the box's volume: the narrowest rules are judged first
};

RuleBox make_box(const Semantics& sem, RefState ref_state, const Rule& r) {
  RuleBox box;
  if (!r.valid || !rule_service(r, box.service)) return box;
  const std::uint8_t fams = box.service.families;
  auto add = [&](const Cidr& c) {
    // icmp with an IPv6 range, or an IPv4-mapped range, matches nothing (SG205's).
    if ((fams & family_bit(c.family)) == 0 || inside_ipv4_mapped(c)) return;
    Ipv6Set& set = box.addresses[family_index(c.family)];
    set = set.empty() ? Ipv6Set::of(c.first(), c.last())
                      : set.unite(Ipv6Set::of(c.first(), c.last()));
  };
  switch (r.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      add(r.peer.cidr);
      break;
    case PeerKind::prefix_list: {
      const PrefixList* pl = sem.find_prefix_list(r.peer.id);
      if (pl != nullptr && pl->entries_known) {
        for (const Cidr& e : pl->entries) add(e);
      } else {
        box.token_kind = PeerKind::prefix_list;
        box.token = r.peer.id;
        box.token_families = fams;
        if (pl != nullptr && pl->family) box.token_families &= family_bit(*pl->family);
      }
      break;
    }
    case PeerKind::group: {
      if (ref_state == RefState::unpeered || is_stale(ref_state)) return box;
      box.token_kind = PeerKind::group;
      box.token = r.peer.id;
      box.token_families = fams;
      break;
    }
  }
  double addresses = 0;
  for (const Ipv6Set& set : box.addresses) addresses += static_cast<double>(set.size());
  box.live = addresses > 0 || (!box.token.empty() && box.token_families != 0);
  const double protocols = box.service.protocol == kAllProtocols ? 256.0 : 1.0;
  const double keys = static_cast<double>(box.service.hi - box.service.lo) + 1.0;
  box.size = std::log2(protocols) + std::log2(keys) + (addresses > 0 ? std::log2(addresses) : 0);
  return box;
}

// AWS's identity of a rule (aws-semantics.md §5.8): exact duplicates are SG401's, never SG202's.
// `ports_a`/`ports_b` are normalised_ports() of each, computed once per rule by the caller.
using Ports = std::optional<std::pair<int, int>>;
bool same_rule(const Rule& a, const Ports& ports_a, const Rule& b, const Ports& ports_b) {
  if (a.protocol != b.protocol || ports_a != ports_b || a.peer.kind != b.peer.kind) {
    return false;
  }
  if (a.peer.kind == PeerKind::cidr4 || a.peer.kind == PeerKind::cidr6)
    return a.peer.cidr == b.peer.cidr;
  return a.peer.id == b.peer.id;
}

bool protocol_applies(const ServiceMatch& container, int protocol) {
  return container.protocol == kAllProtocols || container.protocol == protocol;
}

// Whether `containers` (their protocol applies) cover protocol `protocol`, keys [lo, hi], and the
// box's peer part in family `family` (address peers) or its token.
bool covers_piece(const RuleBox& box, const std::vector<const RuleBox*>& containers, int protocol,
                  std::uint32_t lo, std::uint32_t hi, int family, bool token) {
  // The distinct cuts, sorted (a small vector: a std::set would allocate a node per cut).
  std::vector<std::uint32_t> cuts{lo, hi + 1};
  std::vector<const RuleBox*> useful;
  const std::uint8_t bit = token ? box.token_families : (family == 0 ? kFamily4 : kFamily6);
  for (const RuleBox* c : containers) {
    if (!protocol_applies(c->service, protocol) || c->service.hi < lo || c->service.lo > hi)
      continue;
    if (token) {
      if (c->token != box.token || c->token_kind != box.token_kind ||
          (c->token_families & bit) != bit) {
        continue;
      }
    } else if (c->addresses[family].empty()) {
      continue;
    }
    useful.push_back(c);
    if (c->service.lo > lo) cuts.push_back(c->service.lo);
    if (c->service.hi < hi) cuts.push_back(static_cast<std::uint32_t>(c->service.hi) + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const std::uint32_t key = *it;
    Ipv6Set addresses;
    bool any = false;
    for (const RuleBox* c : useful) {
      if (c->service.lo > key || c->service.hi < key) continue;
      any = true;
      if (!token) {
        addresses =
            addresses.empty() ? c->addresses[family] : addresses.unite(c->addresses[family]);
      }
    }
    if (token ? !any : !addresses.contains(box.addresses[family])) return false;
  }
  return true;
}

bool covered(const RuleBox& box, const std::vector<const RuleBox*>& containers) {
  // The protocols to judge: the rule's own, or for `all` each protocol a container names plus one
  // that none names (where only other `all` rules count).
  std::vector<int> protocols;
  if (box.service.protocol != kAllProtocols) {
    protocols.push_back(box.service.protocol);
  } else {
    std::set<int> named;
    for (const RuleBox* c : containers)
      if (c->service.protocol != kAllProtocols) named.insert(c->service.protocol);
    protocols.assign(named.begin(), named.end());
    for (int p = 0; p <= 255; ++p) {
      if (!named.count(p)) {
        protocols.push_back(p);
        break;
      }
    }
  }
  for (const int p : protocols) {
    // `all` allows every key of every protocol; in ICMP over the wrong family only `all` helps.
    const std::uint32_t lo = box.service.lo, hi = box.service.hi;
    for (int f = 0; f < 2; ++f) {
      if (box.addresses[f].empty()) continue;
      if (box.service.protocol == kAllProtocols &&
          ((p == kIcmp && f == 1) || (p == kIcmpv6 && f == 0))) {
        std::vector<const RuleBox*> all_only;
        for (const RuleBox* c : containers)
          if (c->service.protocol == kAllProtocols) all_only.push_back(c);
        if (!covers_piece(box, all_only, p, lo, hi, f, false)) return false;
        continue;
      }
      if (!covers_piece(box, containers, p, lo, hi, f, false)) return false;
    }
    if (!box.token.empty() && !covers_piece(box, containers, p, lo, hi, 0, true)) return false;
  }
  return true;
}

bool services_overlap(const ServiceMatch& a, const ServiceMatch& b) {
  const bool protocols =
      a.protocol == kAllProtocols || b.protocol == kAllProtocols || a.protocol == b.protocol;
  return protocols && a.lo <= b.hi && b.lo <= a.hi;
}

// Whether the sets share a member: Ipv6Set::overlaps() without the intersection it builds.
bool sets_overlap(const Ipv6Set& a, const Ipv6Set& b) {
  const auto &x = a.intervals(), &y = b.intervals();
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (std::max(x[i].lo, y[j].lo) <= std::min(x[i].hi, y[j].hi)) return true;
    if (x[i].hi < y[j].hi) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

// The peer part of the boxes' overlap; the caller has compared their services.
bool peers_overlap(const RuleBox& a, const RuleBox& b) {
  if (!a.token.empty()) return a.token == b.token && a.token_kind == b.token_kind;
  return sets_overlap(a.addresses[0], b.addresses[0]) ||
         sets_overlap(a.addresses[1], b.addresses[1]);
}

// A live rule as the pair loop reads it first: 16 bytes, so that a group's rules sit in a few cache
// lines. Most pairs differ in protocol or ports and go no further.
struct Candidate {
  ServiceMatch service;
  std::uint32_t rule = 0;
  bool removed = false;
};

// The buffers of judge_redundancy() and check_redundancy(), kept from group to group so that a
// group allocates only what its boxes hold.
struct RedundancyScratch {
  std::vector<std::uint32_t> order;
  std::vector<RuleBox> boxes;
  std::vector<Ports> ports;
  std::vector<const RuleBox*> containers;
  std::vector<std::uint32_t> covering;
  std::vector<std::uint32_t> by_identity;  // the live rules sorted by AWS identity
  std::vector<std::uint32_t> class_of;     // rule -> its identity class
  std::vector<std::uint32_t> class_start;  // class c's rules: by_identity[start[c], start[c+1])
  std::vector<Candidate> candidates;       // by_identity's rules, in that order
  std::vector<std::uint32_t> position;     // rule -> its index in by_identity
  std::string by;                          // the message's covering rules
  std::string text;                        // the redundant rule's rule_text()
};

// A total order on AWS's identity of a rule whose equivalence is exactly same_rule().
bool identity_less(const Rule& a, const Ports& ports_a, const Rule& b, const Ports& ports_b) {
  if (a.protocol != b.protocol) return a.protocol < b.protocol;
  if (ports_a != ports_b) return ports_a < ports_b;
  if (a.peer.kind != b.peer.kind) return a.peer.kind < b.peer.kind;
  if (a.peer.kind == PeerKind::cidr4 || a.peer.kind == PeerKind::cidr6) {
    const Cidr &x = a.peer.cidr, &y = b.peer.cidr;
    if (x.family != y.family) return x.family < y.family;
    if (x.base != y.base) return x.base < y.base;
    return x.prefix < y.prefix;
  }
  return a.peer.id < b.peer.id;
}

// Groups the live rules of `order` into classes of same_rule(): exact copies never cover each
// other (SG401 reports them), so the pair loop skips a rule's whole class at once: a group holding
// one rule pasted many times would otherwise cost a pairwise test per pair of copies.
void classify_identities(const Group& g, RedundancyScratch& scratch) {
  std::vector<std::uint32_t>& by_identity = scratch.by_identity;
  by_identity.assign(scratch.order.begin(), scratch.order.end());
  const std::vector<Ports>& ports = scratch.ports;
  std::sort(by_identity.begin(), by_identity.end(), [&](std::uint32_t a, std::uint32_t b) {
    return identity_less(g.rules[a], ports[a], g.rules[b], ports[b]);
  });
  scratch.class_of.resize(g.rules.size());
  scratch.class_start.clear();
  for (std::size_t k = 0; k < by_identity.size(); ++k) {
    const std::uint32_t r = by_identity[k];
    if (k == 0 ||
        !same_rule(g.rules[by_identity[k - 1]], ports[by_identity[k - 1]], g.rules[r], ports[r])) {
      scratch.class_start.push_back(static_cast<std::uint32_t>(k));
    }
    scratch.class_of[r] = static_cast<std::uint32_t>(scratch.class_start.size() - 1);
  }
  scratch.class_start.push_back(static_cast<std::uint32_t>(by_identity.size()));
}

// The SG202 finding of rule `i`, covered by `covering` (sorted): up to three of them named in the
// message, every one in `related`.
Finding redundancy_finding(const Inventory& inv, const Group& g, std::uint32_t i,
                           const std::vector<std::uint32_t>& covering, RedundancyScratch& scratch) {
  std::vector<Location> related;
  related.reserve(covering.size());
  for (const std::uint32_t j : covering) related.push_back(finding_location(inv, g, g.rules[j]));
  // rule_with_place() of each named rule, reusing the locations just made.
  std::string& by = scratch.by;
  by.clear();
  for (std::size_t k = 0; k < covering.size() && k < kMaxNamedCovers; ++k) {
    if (k != 0) by += covering.size() == 2 ? " and " : ", ";
    append_rule_text(by, g.rules[covering[k]]);
    by += " (";
    related[k].append_to(by);
    by += ')';
  }
  if (covering.size() > kMaxNamedCovers) {
    by += " and ";
    by += std::to_string(covering.size() - kMaxNamedCovers);
    by += " more";
  }
  const Rule& r = g.rules[i];
  std::string& text = scratch.text;
  text.clear();
  append_rule_text(text, r);
  Finding f = rule_finding(inv, "SG202",
                           concat({text, " is already allowed by ", by,
                                   "; remove it or narrow the rules that cover it"}),
                           g, r, text);
  f.related = std::move(related);
  return f;
}

// Greedy and deterministic: narrowest rules first (ties: the later one in the input), each judged
// against the rules still kept, so every reported rule is covered by rules that are not reported
// and all of them can be removed together.
// Appends to `redundant` the SG202 verdicts of the group: for each redundant rule in the order
// judged, its index, the number of rules that cover it and their indexes, ascending.
void judge_redundancy(const Semantics& sem, const RefState* states, const Group& g,
                      RedundancyScratch& scratch, std::vector<std::uint32_t>& redundant) {
  for (const Direction d : {Direction::ingress, Direction::egress}) {
    std::vector<std::uint32_t>& order = scratch.order;
    std::vector<RuleBox>& boxes = scratch.boxes;
    std::vector<Ports>& ports = scratch.ports;
    order.clear();
    // Only the boxes and ports of this direction's rules are read, each made below: the others
    // keep what an earlier group left, rather than being cleared for every group and direction.
    boxes.resize(std::max(boxes.size(), g.rules.size()));
    ports.resize(std::max(ports.size(), g.rules.size()));
    for (std::uint32_t i = 0; i < g.rules.size(); ++i) {
      if (g.rules[i].direction != d) continue;
      boxes[i] = make_box(sem, states[i], g.rules[i]);
      if (!boxes[i].live) continue;
      order.push_back(i);
      ports[i] = normalised_ports(g.rules[i]);
    }
    if (order.size() < 2) continue;
    // A total order (the index breaks every tie), so std::sort gives what a stable sort gives,
    // without the buffer std::stable_sort allocates on every call.
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (boxes[a].size != boxes[b].size) return boxes[a].size < boxes[b].size;
      return a > b;
    });
    classify_identities(g, scratch);
    std::vector<Candidate>& candidates = scratch.candidates;
    candidates.clear();
    scratch.position.resize(g.rules.size());
    for (const std::uint32_t j : scratch.by_identity) {
      scratch.position[j] = static_cast<std::uint32_t>(candidates.size());
      candidates.push_back({boxes[j].service, j, false});
    }
    const std::size_t classes = scratch.class_start.size() - 1;
    for (const std::uint32_t i : order) {
      std::vector<const RuleBox*>& containers = scratch.containers;
      std::vector<std::uint32_t>& covering = scratch.covering;
      containers.clear();
      covering.clear();
      const ServiceMatch service = boxes[i].service;
      // Every live rule outside i's class that is still kept and overlaps it (the containers'
      // order does not matter: covered() takes their union, and `covering` is sorted below).
      for (std::size_t c = 0; c < classes; ++c) {
        if (c == scratch.class_of[i]) continue;
        for (std::uint32_t k = scratch.class_start[c]; k < scratch.class_start[c + 1]; ++k) {
          const Candidate& other = candidates[k];
          if (other.removed || !services_overlap(service, other.service) ||
              !peers_overlap(boxes[i], boxes[other.rule])) {
            continue;
          }
          containers.push_back(&boxes[other.rule]);
          covering.push_back(other.rule);
        }
      }
      if (containers.empty() || !covered(boxes[i], containers)) continue;
      candidates[scratch.position[i]].removed = true;
      std::sort(covering.begin(), covering.end());
      redundant.push_back(i);
      redundant.push_back(static_cast<std::uint32_t>(covering.size()));
      redundant.insert(redundant.end(), covering.begin(), covering.end());
    }
  }
}

// The findings of the verdicts [first, last) of judge_redundancy() on the group.
void check_redundancy(const Inventory& inv, const Group& g, const std::uint32_t* first,
                      const std::uint32_t* last, RedundancyScratch& scratch, FindingSink& out) {
  while (first != last) {
    const std::uint32_t i = first[0], n = first[1];
    out.add([&] {
      scratch.covering.assign(first + 2, first + 2 + n);
      return redundancy_finding(inv, g, i, scratch.covering, scratch);
    });
    first += 2 + n;
  }
}

// ---- SG203, SG204 ------------------------------------------------------------------------------

void check_wide(const Inventory& inv, const Group& g, FindingSink& out) {
  for (const Rule& r : g.rules) {
    // An unresolved protocol or port (templates) is no wide rule as written: its -1 is a stand-in.
    if (!r.valid || r.direction != Direction::ingress || is_self_reference(g, r) ||
        service_unresolved(r))
      continue;
    if (r.protocol == kAllProtocols) {
      out.add([&] {
        Finding f = rule_finding(
            inv, "SG204",
            concat({"all traffic (protocol -1, every protocol and port) from ", peer_text(r.peer),
                    " is allowed; name the protocols and ports the service needs"}),
            g, r);
        f.witness = std::make_shared<const Witness>(rule_witness(r));
        return f;
      });
      continue;
    }
    if (r.protocol != kTcp && r.protocol != kUdp) continue;
    const auto ports = normalised_ports(r);
    if (!ports || ports->second < ports->first) continue;
    const int width = ports->second - ports->first + 1;
    if (width <= kWidePortRange) continue;
    out.add([&] {
      const std::string text = rule_text(r);
      Finding f = rule_finding(inv, "SG203",
                               concat({text, " opens ", std::to_string(width),
                                       " ports; open only the ports the service uses"}),
                               g, r, text);
      f.witness = std::make_shared<const Witness>(rule_witness(r));
      return f;
    });
  }
}

// ---- SG205 -------------------------------------------------------------------------------------

// Why the rule's addresses can never match, or empty.
std::string address_mismatch(const Inventory& inv, const Rule& r) {
  const bool icmp4 = r.protocol == kIcmp, icmp6 = r.protocol == kIcmpv6;
  if (r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6) {
    // The CIDR is formatted only for a finding: nearly every rule has a CIDR and none.
    const Cidr& cidr = r.peer.cidr;
    if (icmp4 && cidr.family == Family::ipv6) {
      return "icmp with the IPv6 range " + to_string(cidr) +
             " never matches (icmp is IPv4 only); use icmpv6";
    }
    if (icmp6 && cidr.family == Family::ipv4) {
      return "icmpv6 with the IPv4 range " + to_string(cidr) +
             " never matches (icmpv6 is IPv6 only); use icmp";
    }
    if (inside_ipv4_mapped(cidr)) {
      return "the IPv4-mapped IPv6 range " + to_string(cidr) +
             " never matches: IPv4 packets are matched only by IPv4 ranges; write the IPv4 CIDR";
    }
    return {};
  }
  if (r.peer.kind == PeerKind::prefix_list && (icmp4 || icmp6)) {
    const PrefixList* pl = inv.find_prefix_list(r.peer.id);
    if (pl == nullptr || !pl->family) return {};
    const Family wrong = icmp4 ? Family::ipv6 : Family::ipv4;
    if (*pl->family != wrong) return {};
    return std::string(icmp4 ? "icmp" : "icmpv6") + " with the " + (icmp4 ? "IPv6" : "IPv4") +
           " prefix list " + r.peer.id + " never matches; use " + (icmp4 ? "icmpv6" : "icmp");
  }
  return {};
}

std::string stale_reason(const Inventory& inv, const Group& g, const Rule& r) {
  const Group* target = inv.find_group(r.peer.id);
  const std::string status = ascii_lower(r.peer.peering_status());
  if (peering_dead(status)) {
    return "the reference to " + r.peer.id + " is stale (its peering " +
           (r.peer.peering_id().empty() ? std::string() : r.peer.peering_id() + " ") + "is " +
           status + "), so the rule never matches; remove it or restore the peering";
  }
  const std::string_view target_vpc = target ? std::string_view(target->vpc_id) : r.peer.vpc_id();
  if (!g.vpc_id.empty() && !target_vpc.empty() && target_vpc != g.vpc_id) {
    return "the reference to " + r.peer.id + " in " + std::string(target_vpc) +
           " is stale (the peering of " + g.vpc_id + " and " + std::string(target_vpc) +
           " in the inventory is no longer active), so the rule never matches; remove it";
  }
  return "the reference to " + r.peer.id +
         " is stale (the describe output gives no owner, as AWS does for a deleted group), so "
         "the rule never matches; remove it";
}

void check_never_matches(const Inventory& inv, const RefState* states, const Group& g,
                         FindingSink& out) {
  for (std::size_t i = 0; i < g.rules.size(); ++i) {
    const Rule& r = g.rules[i];
    if (!r.valid) continue;
    std::string why = address_mismatch(inv, r);
    if (why.empty() && r.peer.kind == PeerKind::group && is_stale(states[i])) {
      why = stale_reason(inv, g, r);
    }
    if (why.empty()) continue;
    out.add([&] { return rule_finding(inv, "SG205", std::move(why), g, r); });
  }
}

// ---- SG206 -------------------------------------------------------------------------------------

// Ports written on a rule whose protocol has none. -1/-1 (how describe-security-group-rules shows
// -1), 0-0 (Terraform's required spelling for -1) and 0-65535 say "all" already.
bool misleading_ports(const Rule& r) {
  if (protocol_has_ports(r.protocol) || (!r.from_port && !r.to_port)) return false;
  const std::int32_t from = r.from_port.value_or(-1), to = r.to_port.value_or(-1);
  return !((from == -1 && to == -1) || (from == 0 && to == 0) || (from == 0 && to == 65535));
}

void check_ignored_ports(const Inventory& inv, const Group& g, FindingSink& out) {
  for (const Rule& r : g.rules) {
    if (!r.valid || service_unresolved(r) || !misleading_ports(r)) continue;
    out.add([&] {
      const std::int32_t from = r.from_port.value_or(-1), to = r.to_port.value_or(-1);
      const std::string written =
          from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to);
      const bool all = r.protocol == kAllProtocols;
      const std::string number = std::to_string(r.protocol);
      Finding f = rule_finding(
          inv, "SG206",
          (all ? "protocol -1" : "protocol " + number) + " with ports " + written + " allows " +
              (all ? "every protocol and port" : "all protocol-" + number + " traffic") +
              (r.direction == Direction::ingress ? " from " : " to ") + peer_text(r.peer) +
              ": AWS ignores the ports; remove them, or use tcp/udp to limit the ports",
          g, r);
      Witness w = rule_witness(r);
      if (all) {
        // A packet outside the written range shows what the ports do not limit.
        w.protocol = "tcp";
        w.port = to >= 0 && to < 65535 ? to + 1 : std::max(0, from - 1);
      }
      f.witness = std::make_shared<const Witness>(std::move(w));
      return f;
    });
  }
}

// ---- SG207, SG208 ------------------------------------------------------------------------------

void check_host_bits(const Inventory& inv, const Group& g, FindingSink& out) {
  for (const Rule& r : g.rules) {
    if (!r.valid || (r.peer.kind != PeerKind::cidr4 && r.peer.kind != PeerKind::cidr6) ||
        !r.peer.cidr.had_host_bits) {
      continue;
    }
    out.add([&] {
      const Cidr& c = r.peer.cidr;
      const unsigned bits = (c.family == Family::ipv4 ? 32u : 128u) - c.prefix;
      const std::string count =
          bits >= 64 ? "2^" + std::to_string(bits) : std::to_string(std::uint64_t{1} << bits);
      Finding f = rule_finding(inv, "SG207",
                               "the CIDR has host bits set: AWS stores it as " + to_string(c) +
                                   " (" + count + " addresses); write " + to_string(c) +
                                   ", or a host block (/32, /128) for one address",
                               g, r);
      f.witness = std::make_shared<const Witness>(rule_witness(r));
      return f;
    });
  }
}

void check_launch_wizard(const Inventory& inv, const Group& g, FindingSink& out) {
  if (g.name.rfind("launch-wizard-", 0) != 0) return;
  out.add([&] {
    Finding f = make_finding("SG208",
                             "group " + g.id + " (" + g.name +
                                 ") was made by the console launch wizard; replace it with a group "
                                 "named for its purpose",
                             inv.location(g.location));
    f.group = g.id;
    f.fingerprint = fingerprint("SG208", g.id, g.name);
    return f;
  });
}

// One group's checks in the report's order; `states` are its rules' and [first, last) its SG202
// verdicts.
void check_group(const Inventory& inv, const Group& g, const RefState* states,
                 const std::uint32_t* first, const std::uint32_t* last, RedundancyScratch& scratch,
                 FindingSink& out) {
  check_descriptions(inv, g, out);
  check_redundancy(inv, g, first, last, scratch, out);
  check_wide(inv, g, out);
  check_never_matches(inv, states, g, out);
  check_ignored_ports(inv, g, out);
  check_host_bits(inv, g, out);
  check_launch_wizard(inv, g, out);
}

}  // namespace

void run_hygiene_checks(const CheckContext& context, std::vector<Finding>& out) {
  const Inventory& inv = context.inventory;
  const Semantics& sem = context.semantics.get();
  RedundancyScratch scratch;
  // The first pass decides what is costly once, for the second: how each rule's group reference
  // stands (usable for other peers; read by SG202 and SG205), every rule's after the other, and
  // SG202's verdicts with where each group's end.
  std::vector<RefState> states(inv.rule_count(), RefState::usable);
  std::vector<std::uint32_t> redundant;
  std::vector<std::size_t> redundant_end(inv.groups.size());
  FindingSink counter(nullptr);
  std::size_t offset = 0;
  for (std::size_t k = 0; k < inv.groups.size(); ++k) {
    const Group& g = inv.groups[k];
    RefState* group_states = states.data() + offset;
    for (std::size_t i = 0; i < g.rules.size(); ++i) {
      const Rule& r = g.rules[i];
      if (r.valid && r.peer.kind == PeerKind::group) group_states[i] = sem.classify(g, r);
    }
    const std::size_t first = redundant.size();
    judge_redundancy(sem, group_states, g, scratch, redundant);
    redundant_end[k] = redundant.size();
    check_group(inv, g, group_states, redundant.data() + first, redundant.data() + redundant.size(),
                scratch, counter);
    offset += g.rules.size();
  }
  out.reserve(out.size() + counter.count());
  FindingSink maker(&out);
  offset = 0;
  for (std::size_t k = 0; k < inv.groups.size(); ++k) {
    const Group& g = inv.groups[k];
    const std::size_t first = k == 0 ? 0 : redundant_end[k - 1];
    check_group(inv, g, states.data() + offset, redundant.data() + first,
                redundant.data() + redundant_end[k], scratch, maker);
    offset += g.rules.size();
  }
}

}  // namespace sgcheck::detail
