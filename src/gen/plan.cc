// Every random decision of `sgcheck gen`: VPCs and their peerings, prefix lists, groups with
// roles and IpPermissions (peers grouped per protocol and port, as AWS returns them), interfaces
// with one to five groups of their VPC. Entry point: make_plan(). The result is valid input by
// construction: unique ids and names, canonical CIDRs, no duplicate rule, no rule quota exceeded,
// references only within a VPC or across an active peering.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "gen/catalogue.h"
#include "gen/plan.h"
#include "gen/random.h"

namespace sgcheck::gen {

namespace {

// Streams of the seed, one per kind of decision.
enum Stream : std::uint64_t { kVpcStream = 1, kListStream, kGroupStream, kRuleStream, kEniStream };

constexpr int kSubnetsPerVpc = 8;  // /19 each: 8190 usable addresses
constexpr std::uint32_t kSubnetHosts = 8190;
constexpr int kRuleQuota = 60;           // per group, direction and family (aws-semantics §3.1)
constexpr double kSelfShare = 0.25;      // of group references, in roles that are not clusters
constexpr double kCrossVpcShare = 0.15;  // of group references, when the VPC has active peers

std::uint32_t ipv4(int a, int b, int c, int d) {
  return (static_cast<std::uint32_t>(a) << 24) | (static_cast<std::uint32_t>(b) << 16) |
         (static_cast<std::uint32_t>(c) << 8) | static_cast<std::uint32_t>(d);
}

// The external addresses rules name: offices, on-premises networks, partners (fixed per seed).
struct Sites {
  std::vector<std::string> offices4;   // public office ranges
  std::vector<std::string> onprem4;    // private ranges reached over VPN / Direct Connect
  std::vector<std::string> partners4;  // partner /32s and /24s
  std::vector<std::string> offices6;
};

Sites make_sites(Rng& rng) {
  Sites sites;
  for (int i = 0; i < 16; ++i) sites.offices4.push_back(cidr4_text(ipv4(203, 0, 113, i * 16), 28));
  for (int i = 0; i < 16; ++i) {
    sites.offices4.push_back(cidr4_text(ipv4(198, 51, 100, 1 + i * 13), 32));
  }
  for (int i = 0; i < 8; ++i) sites.onprem4.push_back(cidr4_text(ipv4(172, 20 + i, 0, 0), 16));
  for (int i = 0; i < 8; ++i) sites.onprem4.push_back(cidr4_text(ipv4(192, 168, 10 * i, 0), 24));
  for (int i = 0; i < 24; ++i) {
    const int a = std::array{34, 35, 52, 54, 13, 18}[rng.below(6)];
    const int b = static_cast<int>(rng.between(1, 254));
    const int c = static_cast<int>(rng.between(0, 255));
    sites.partners4.push_back(
        i % 3 == 0 ? cidr4_text(ipv4(a, b, c, 0), 24)
                   : cidr4_text(ipv4(a, b, c, static_cast<int>(rng.between(1, 254))), 32));
  }
  for (int i = 0; i < 12; ++i) {
    sites.offices6.push_back(cidr6_text(0x20010db800000000ULL | (0x100ULL + i * 0x11) << 16, 48));
  }
  return sites;
}

// The rule budget of one group: AWS counts rules per direction and family (a group reference in
// both families, a prefix list by its MaxEntries).
struct Quota {
  int used[2][2] = {{0, 0}, {0, 0}};  // [egress][ipv6]
  bool take(bool egress, int v4, int v6) {
    int* u = used[egress ? 1 : 0];
    if (u[0] + v4 > kRuleQuota || u[1] + v6 > kRuleQuota) return false;
    u[0] += v4;
    u[1] += v6;
    return true;
  }
};

class Planner {
 public:
  explicit Planner(const GenOptions& options) : options_(options) {}

  Plan run() {
    Rng vpc_rng(options_.seed, kVpcStream);
    sites_ = make_sites(vpc_rng);
    make_vpcs(vpc_rng);
    make_peerings(vpc_rng);
    Rng list_rng(options_.seed, kListStream);
    make_prefix_lists(list_rng);
    Rng group_rng(options_.seed, kGroupStream);
    make_groups(group_rng);
    Rng rule_rng(options_.seed, kRuleStream);
    make_rules(rule_rng);
    Rng eni_rng(options_.seed, kEniStream);
    make_interfaces(eni_rng);
    return std::move(plan_);
  }

 private:
  std::string id(std::string_view prefix, IdKind kind, std::uint64_t index) const {
    return make_id(prefix, options_.seed, kind, index);
  }
  bool ipv6_enabled() const { return options_.ipv6_share > 0; }

  // ---- VPCs, subnets, peerings

  void make_vpcs(Rng& rng) {
    const std::uint32_t count = vpc_count(options_);
    std::vector<int> octets(256);
    for (int i = 0; i < 256; ++i) octets[i] = i;
    shuffle(rng, octets);
    for (std::uint32_t v = 0; v < count; ++v) {
      PlanVpc vpc;
      vpc.id = id("vpc-", kVpcId, v);
      vpc.base4 = ipv4(10, octets[v], 0, 0);
      vpc.has_ipv6 = ipv6_enabled() && rng.chance(0.5 + options_.ipv6_share);
      const std::uint64_t block = 0x4000 + v * 0x35 + rng.below(0x30);
      vpc.v6_prefix = 0x26001f1800000000ULL | block << 16 | (rng.between(1, 255) << 8);
      vpc.name = std::string(kEnvs[v % std::size(kEnvs)]) + "-vpc-" + std::to_string(v + 1);
      static constexpr const char* kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
      for (int s = 0; s < kSubnetsPerVpc; ++s) {
        PlanSubnet subnet;
        subnet.id = id("subnet-", kSubnetId, std::uint64_t{v} * kSubnetsPerVpc + s);
        subnet.az = kZones[s % 3];
        subnet.base4 = vpc.base4 + (static_cast<std::uint32_t>(s) << 13);
        subnet.is_public = s < 2;
        subnet.v6_index = static_cast<std::uint32_t>(s);
        subnet.next_host = 4 + static_cast<std::uint32_t>(rng.below(64));  // AWS reserves .0-.3
        vpc.subnets.push_back(std::move(subnet));
      }
      plan_.vpcs.push_back(std::move(vpc));
    }
  }

  // A spanning tree (each VPC after the first peers with an earlier one), plus a few extra
  // links; about one in ten is still pending acceptance (and carries no references).
  void make_peerings(Rng& rng) {
    const auto n = static_cast<std::uint32_t>(plan_.vpcs.size());
    std::unordered_set<std::uint64_t> linked;
    auto add = [&](std::uint32_t a, std::uint32_t b) {
      if (a == b || !linked.insert(std::uint64_t{std::min(a, b)} << 32 | std::max(a, b)).second) {
        return;
      }
      PlanPeering peering;
      peering.id = id("pcx-", kPeeringId, plan_.peerings.size());
      peering.requester = a;
      peering.accepter = b;
      peering.status = rng.chance(0.1) ? "pending-acceptance" : "active";
      if (peering.status == "active") {
        plan_.vpcs[a].peers.emplace_back(b, peering.id);
        plan_.vpcs[b].peers.emplace_back(a, peering.id);
      }
      plan_.peerings.push_back(std::move(peering));
    };
    for (std::uint32_t v = 1; v < n; ++v) {
      if (rng.chance(0.8)) add(v, static_cast<std::uint32_t>(rng.below(v)));
    }
    for (std::uint32_t extra = n / 4; extra > 0; --extra) {
      add(static_cast<std::uint32_t>(rng.below(n)), static_cast<std::uint32_t>(rng.below(n)));
    }
  }

  // ---- prefix lists

  void make_prefix_lists(Rng& rng) {
    add_aws_list("com.amazonaws.us-east-1.s3",
                 {"52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19", "16.182.0.0/16", "18.34.0.0/19"});
    add_aws_list("com.amazonaws.us-east-1.dynamodb",
                 {"3.218.180.0/22", "52.94.0.0/22", "52.119.224.0/20"});
    const std::uint32_t customer = std::clamp(options_.groups / 100, 3u, 200u);
    for (std::uint32_t i = 0; i < customer; ++i) {
      PlanPrefixList list;
      list.id = id("pl-", kListId, plan_.prefix_lists.size());
      list.ipv6 = ipv6_enabled() && rng.chance(0.2);
      const int size = static_cast<int>(rng.between(2, 6));
      std::unordered_set<std::string> seen;
      static constexpr const char* kKinds[] = {"corp-offices", "vpn-users", "partners",
                                               "monitoring"};
      const char* kind = kKinds[rng.below(4)];
      for (int attempt = 0; attempt < 4 * size && static_cast<int>(list.entries.size()) < size;
           ++attempt) {
        std::string cidr = list.ipv6 ? rng.pick(sites_.offices6) : list_entry(rng, kind);
        if (!seen.insert(cidr).second) continue;
        list.entries.emplace_back(std::move(cidr), entry_description(kind, list.entries.size()));
      }
      list.name = std::string(kind) + (list.ipv6 ? "-v6-" : "-") + std::to_string(i + 1);
      list.max_entries =
          static_cast<int>(list.entries.size()) + static_cast<int>(rng.between(0, 4));
      plan_.prefix_lists.push_back(std::move(list));
    }
  }

  void add_aws_list(const char* name, std::initializer_list<const char*> cidrs) {
    PlanPrefixList list;
    list.id = id("pl-", kListId, plan_.prefix_lists.size());
    list.name = name;
    list.aws_managed = true;
    for (const char* cidr : cidrs) list.entries.emplace_back(cidr, "");
    list.max_entries = static_cast<int>(list.entries.size());
    plan_.prefix_lists.push_back(std::move(list));
  }

  std::string list_entry(Rng& rng, std::string_view kind) {
    if (kind == "corp-offices") return rng.pick(sites_.offices4);
    if (kind == "vpn-users") return rng.pick(sites_.onprem4);
    if (kind == "partners") return rng.pick(sites_.partners4);
    return cidr4_text(rng.pick(plan_.vpcs).base4, 16);
  }

  static std::string entry_description(std::string_view kind, std::size_t index) {
    return std::string(kind == "corp-offices" ? "office "
                       : kind == "partners"   ? "partner "
                                              : "site ") +
           std::to_string(index + 1);
  }

  // ---- groups

  void make_groups(Rng& rng) {
    for (std::uint32_t v = 0; v < plan_.vpcs.size(); ++v) add_default_group(v);
    // The other groups spread over the VPCs with uneven sizes.
    std::vector<double> vpc_weights;
    for (std::size_t v = 0; v < plan_.vpcs.size(); ++v) vpc_weights.push_back(0.5 + rng.real());
    std::vector<double> role_weights;
    for (const Role& role : kRoles) role_weights.push_back(role.weight);
    std::vector<std::unordered_set<std::string>> names(plan_.vpcs.size());
    const auto extra = options_.groups - static_cast<std::uint32_t>(plan_.vpcs.size());
    for (std::uint32_t i = 0; i < extra; ++i) {
      PlanGroup group;
      group.vpc = static_cast<std::uint32_t>(rng.weighted(vpc_weights));
      group.role = static_cast<std::uint32_t>(rng.weighted(role_weights));
      const Role& role = kRoles[group.role];
      const char* team = kTeams[rng.below(std::size(kTeams))];
      const char* env = kEnvs[rng.below(std::size(kEnvs))];
      std::string base = std::string(team) + "-" + env + "-" + role.name;
      group.name = base;
      for (int n = 2; !names[group.vpc].insert(group.name).second; ++n) {
        group.name = base + "-" + std::to_string(n);
      }
      group.description = std::string(role.description) + " for " + team + " (" + env + ")";
      group.tags = {{"Name", group.name}, {"team", team}, {"env", env}};
      if (rng.chance(0.4))
        group.tags.emplace_back("managed-by", rng.chance(0.7) ? "terraform" : "cloudformation");
      add_group(std::move(group));
    }
  }

  void add_default_group(std::uint32_t v) {
    PlanGroup group;
    group.vpc = v;
    group.is_default = true;
    group.name = "default";
    group.description = "default VPC security group";
    add_group(std::move(group));
  }

  void add_group(PlanGroup group) {
    group.id = id("sg-", kGroupId, plan_.groups.size());
    plan_.vpcs[group.vpc].groups.push_back(static_cast<std::uint32_t>(plan_.groups.size()));
    plan_.groups.push_back(std::move(group));
  }

  // ---- rules

  struct GroupRules {
    std::uint32_t index;
    Quota quota;
    std::uint64_t count = 0;
  };

  void make_rules(Rng& rng) {
    std::vector<bool> risky = choose_risky(rng);
    const double mean = others_mean();
    std::uint64_t risky_cycle = rng.below(std::size(kRiskyPatterns));
    for (std::uint32_t g = 0; g < plan_.groups.size(); ++g) {
      GroupRules state{g, {}, 0};
      if (plan_.groups[g].is_default) {
        default_rules(state);
      } else {
        const auto target = static_cast<std::uint64_t>(
            std::max<long>(1, std::lround(mean * (0.3 + 1.4 * rng.real()))));
        egress_rules(rng, state, target);
        if (risky[g]) risky_rule(state, kRiskyPatterns[risky_cycle++ % std::size(kRiskyPatterns)]);
        ingress_rules(rng, state, target > state.count ? target - state.count : 1);
      }
      plan_.atomic_rules += state.count;
    }
  }

  // The mean of the non-default groups, so that the whole inventory averages rules_per_group.
  double others_mean() const {
    const double defaults = static_cast<double>(plan_.vpcs.size());
    const double others = static_cast<double>(plan_.groups.size()) - defaults;
    if (others <= 0) return options_.rules_per_group;
    const double total = options_.rules_per_group * static_cast<double>(plan_.groups.size());
    return std::max(1.0, (total - 2.5 * defaults) / others);
  }

  std::vector<bool> choose_risky(Rng& rng) {
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t g = 0; g < plan_.groups.size(); ++g) {
      if (!plan_.groups[g].is_default) candidates.push_back(g);
    }
    shuffle(rng, candidates);
    auto count = static_cast<std::size_t>(std::lround(options_.risky_share * candidates.size()));
    if (options_.risky_share > 0 && count == 0) count = 1;
    count = std::min(count, candidates.size());
    std::vector<bool> risky(plan_.groups.size(), false);
    for (std::size_t i = 0; i < count; ++i) risky[candidates[i]] = true;
    return risky;
  }

  // The default group as AWS creates it: all traffic from itself, all egress.
  void default_rules(GroupRules& state) {
    PlanPeer self = group_peer(state.index, "");
    add_peer(state, false, kServices[kAll], std::move(self));
    all_egress(state);
  }

  void all_egress(GroupRules& state) {
    const PlanGroup& group = plan_.groups[state.index];
    add_peer(state, true, kServices[kAll], cidr_peer(PeerType::cidr4, "0.0.0.0/0", ""));
    if (plan_.vpcs[group.vpc].has_ipv6) {
      add_peer(state, true, kServices[kAll], cidr_peer(PeerType::cidr6, "::/0", ""));
    }
  }

  void egress_rules(Rng& rng, GroupRules& state, std::uint64_t target) {
    if (rng.chance(0.7)) {
      all_egress(state);
      return;
    }
    const std::uint64_t wanted = std::max<std::uint64_t>(1, target / 4);
    std::vector<double> weights;
    for (const WeightedService& ws : kEgressServices) weights.push_back(ws.weight);
    for (std::uint64_t attempt = 0; state.count < wanted && attempt < 4 * wanted + 8; ++attempt) {
      const Service& service = kServices[kEgressServices[rng.weighted(weights)].service];
      add_peer(state, true, service, choose_peer(rng, state, service, true));
    }
  }

  void ingress_rules(Rng& rng, GroupRules& state, std::uint64_t wanted) {
    const Role& role = kRoles[plan_.groups[state.index].role];
    std::vector<double> weights;
    for (const WeightedService& ws : role.services) {
      const bool v6_only = kServices[ws.service].protocol == 58;
      weights.push_back(v6_only && !ipv6_enabled() ? 0.0 : ws.weight);
    }
    const std::uint64_t goal = state.count + wanted;
    for (std::uint64_t attempt = 0; state.count < goal && attempt < 4 * wanted + 8; ++attempt) {
      const Service& service = kServices[(role.services.begin() + rng.weighted(weights))->service];
      int peers = 1;
      while (peers < 6 && rng.chance(0.45)) ++peers;
      for (int p = 0; p < peers && state.count < goal; ++p) {
        add_peer(state, false, service, choose_peer(rng, state, service, false));
      }
    }
  }

  void risky_rule(GroupRules& state, const RiskyPattern& pattern) {
    for (const char* cidr : pattern.cidrs) {
      if (cidr == nullptr) break;
      const bool v6 = std::string_view(cidr).find(':') != std::string_view::npos;
      const char* text = v6 && !ipv6_enabled() ? "0.0.0.0/0" : cidr;
      const PeerType type = v6 && ipv6_enabled() ? PeerType::cidr6 : PeerType::cidr4;
      if (add_peer(state, false, kServices[pattern.service],
                   cidr_peer(type, text, pattern.description))) {
        ++plan_.risky_rules;
      }
    }
  }

  // Adds one atomic rule to the IpPermission of its service (made on first use), unless the
  // same peer is already there or the quota is full. Returns whether it was added.
  bool add_peer(GroupRules& state, bool egress, const Service& service, PlanPeer peer) {
    if (peer.value.empty()) return false;
    PlanGroup& group = plan_.groups[state.index];
    std::vector<PlanPermission>& permissions = egress ? group.egress : group.ingress;
    auto it = std::find_if(permissions.begin(), permissions.end(), [&](const PlanPermission& p) {
      return p.protocol == service.protocol && p.from == service.from && p.to == service.to;
    });
    if (it != permissions.end()) {
      for (const PlanPeer& existing : it->peers) {
        if (existing.type == peer.type && existing.value == peer.value) return false;
      }
    }
    if (!state.quota.take(egress, weight(peer, false), weight(peer, true))) return false;
    if (it == permissions.end()) {
      permissions.push_back({service.protocol, service.from, service.to, {}});
      it = permissions.end() - 1;
    }
    ++added_[static_cast<int>(peer.type)];
    it->peers.push_back(std::move(peer));
    ++state.count;
    return true;
  }

  // What a peer costs in the quota of one family.
  int weight(const PlanPeer& peer, bool ipv6) const {
    switch (peer.type) {
      case PeerType::cidr4:
        return ipv6 ? 0 : 1;
      case PeerType::cidr6:
        return ipv6 ? 1 : 0;
      case PeerType::group:
        return 1;
      case PeerType::prefix_list: {
        const PlanPrefixList& list = *find_list(peer.value);
        return list.ipv6 == ipv6 ? list.max_entries : 0;
      }
    }
    return 1;
  }

  const PlanPrefixList* find_list(const std::string& id) const {
    for (const PlanPrefixList& list : plan_.prefix_lists) {
      if (list.id == id) return &list;
    }
    return nullptr;
  }

  // ---- peers

  PlanPeer choose_peer(Rng& rng, const GroupRules& state, const Service& service, bool egress) {
    // The shares are steered towards their targets: the fixed rules (default groups, allow-all
    // egress) are CIDRs and would otherwise dilute them.
    const double ref = steer(options_.reference_share, added_[3], total_added());
    const double pl = options_.prefix_list_share;
    const double cidr = std::max(0.0, 1.0 - options_.reference_share - pl);
    static constexpr PeerType kTypes[] = {PeerType::cidr4, PeerType::prefix_list, PeerType::group};
    PeerType type = kTypes[rng.weighted(std::array{cidr, pl, ref})];
    if (service.protocol == -1 && !egress) type = PeerType::group;  // all traffic: from groups
    const double v6 = steer(options_.ipv6_share, added_[1], added_[0] + added_[1]);
    if (type == PeerType::cidr4 && rng.chance(v6)) type = PeerType::cidr6;
    // ICMP matches one family only (a mismatch is a rule that never matches: SG205).
    if (service.protocol == 1 && type == PeerType::cidr6) type = PeerType::cidr4;
    if (service.protocol == 58 && type == PeerType::cidr4) type = PeerType::cidr6;
    const std::string description = rng.chance(0.85) ? describe(rng, service, type) : "";
    switch (type) {
      case PeerType::group:
        return choose_group(rng, state, description);
      case PeerType::prefix_list: {
        PlanPeer peer = choose_list(rng, service, egress, description);
        if (!peer.value.empty()) return peer;
        return cidr_peer(PeerType::cidr4, choose_cidr4(rng, state, service, egress), description);
      }
      case PeerType::cidr6:
        return cidr_peer(PeerType::cidr6, choose_cidr6(rng, state, service, egress), description);
      case PeerType::cidr4:
        break;
    }
    return cidr_peer(PeerType::cidr4, choose_cidr4(rng, state, service, egress), description);
  }

  static bool public_service(const Service& service) {
    return (service.protocol == 6 && (service.from == 443 || service.from == 80)) ||
           service.protocol == 1 || service.protocol == 58;
  }

  std::string choose_cidr4(Rng& rng, const GroupRules& state, const Service& service, bool egress) {
    const PlanGroup& group = plan_.groups[state.index];
    const PlanVpc& vpc = plan_.vpcs[group.vpc];
    const bool internet = egress ? (public_service(service) || service.from == 123)
                                 : kRoles[group.role].internet_facing && public_service(service);
    if (internet && rng.chance(0.6)) return "0.0.0.0/0";
    if (kRoles[group.role].name == std::string_view("vpn") && !egress)
      return rng.pick(sites_.partners4);
    switch (rng.weighted(std::array{0.25, 0.2, vpc.peers.empty() ? 0.0 : 0.15, 0.2, 0.1, 0.1})) {
      case 0:
        return cidr4_text(vpc.base4, 16);
      case 1:
        return cidr4_text(rng.pick(vpc.subnets).base4, 19);
      case 2: {
        const PlanVpc& other = plan_.vpcs[rng.pick(vpc.peers).first];
        return rng.chance(0.5) ? cidr4_text(other.base4, 16)
                               : cidr4_text(rng.pick(other.subnets).base4, 19);
      }
      case 3:
        return rng.pick(sites_.onprem4);
      case 4:
        return rng.pick(sites_.offices4);
      default:
        return rng.pick(sites_.partners4);
    }
  }

  std::string choose_cidr6(Rng& rng, const GroupRules& state, const Service& service, bool egress) {
    const PlanGroup& group = plan_.groups[state.index];
    const PlanVpc& vpc = plan_.vpcs[group.vpc];
    const bool internet = egress ? public_service(service)
                                 : kRoles[group.role].internet_facing && public_service(service);
    if (internet && rng.chance(0.6)) return "::/0";
    if (vpc.has_ipv6 && rng.chance(0.6)) {
      return rng.chance(0.5) ? cidr6_text(vpc.v6_prefix, 56)
                             : cidr6_text(vpc.v6_prefix | rng.pick(vpc.subnets).v6_index, 64);
    }
    return rng.pick(sites_.offices6);
  }

  // Customer lists for ingress, AWS service lists (S3, DynamoDB) for HTTPS egress; the list's
  // family must match ICMP's. Empty value when no list fits.
  PlanPeer choose_list(Rng& rng, const Service& service, bool egress,
                       const std::string& description) {
    std::vector<const PlanPrefixList*> fits;
    for (const PlanPrefixList& list : plan_.prefix_lists) {
      if (list.aws_managed != (egress && service.from == 443 && service.protocol == 6)) continue;
      if ((service.protocol == 1 && list.ipv6) || (service.protocol == 58 && !list.ipv6)) continue;
      fits.push_back(&list);
    }
    PlanPeer peer;
    peer.type = PeerType::prefix_list;
    if (fits.empty()) return peer;
    const PlanPrefixList& list = *rng.pick(fits);
    peer.value = list.id;
    peer.description = list.aws_managed ? "" : description;
    return peer;
  }

  // Self, the tier upstream, another group of the VPC, or a group across an active peering.
  PlanPeer choose_group(Rng& rng, const GroupRules& state, const std::string& description) {
    const PlanGroup& group = plan_.groups[state.index];
    const PlanVpc& vpc = plan_.vpcs[group.vpc];
    const Role& role = kRoles[group.role];
    if (rng.chance(role.cluster ? 0.5 : kSelfShare) || vpc.groups.size() < 3) {
      if (vpc.peers.empty() || rng.chance(0.7)) return group_peer(state.index, description);
    }
    if (!vpc.peers.empty() && rng.chance(kCrossVpcShare)) {
      const auto& [other, peering] = rng.pick(vpc.peers);
      const std::vector<std::uint32_t>& candidates = plan_.vpcs[other].groups;
      const std::uint32_t target = candidates[rng.below(candidates.size())];
      PlanPeer peer = group_peer(target, description);
      peer.peering_id = peering;
      return peer;
    }
    if (vpc.groups.size() < 2) return group_peer(state.index, description);
    const std::uint32_t target = upstream_group(rng, vpc, role.upstream);
    return group_peer(target, description);
  }

  std::uint32_t upstream_group(Rng& rng, const PlanVpc& vpc, Upstream upstream) {
    if (upstream != Upstream::none && rng.chance(0.7)) {
      const std::string_view wanted = upstream == Upstream::web ? "web" : "app";
      for (int attempt = 0; attempt < 6; ++attempt) {
        const std::uint32_t g = vpc.groups[1 + rng.below(vpc.groups.size() - 1)];
        if (kRoles[plan_.groups[g].role].name == wanted) return g;
      }
    }
    return vpc.groups[1 + rng.below(vpc.groups.size() - 1)];  // any but the default group
  }

  PlanPeer group_peer(std::uint32_t target, const std::string& description) const {
    PlanPeer peer;
    peer.type = PeerType::group;
    peer.value = plan_.groups[target].id;
    peer.group_vpc = plan_.groups[target].vpc;
    peer.description = description;
    return peer;
  }

  static PlanPeer cidr_peer(PeerType type, std::string cidr, std::string description) {
    PlanPeer peer;
    peer.type = type;
    peer.value = std::move(cidr);
    peer.description = std::move(description);
    return peer;
  }

  // "PostgreSQL from app tier", "HTTPS from office", …
  static std::string describe(Rng& rng, const Service& service, PeerType type) {
    static constexpr const char* kFromCidr[] = {
        "corporate network", "office", "VPN users", "partner", "peered VPC", "private subnets"};
    static constexpr const char* kFromGroup[] = {"app tier", "web tier",   "cluster members",
                                                 "workers",  "monitoring", "bastion"};
    const char* source = type == PeerType::group ? kFromGroup[rng.below(std::size(kFromGroup))]
                                                 : kFromCidr[rng.below(std::size(kFromCidr))];
    return std::string(service.label) + " from " + source;
  }

  // ---- interfaces

  void make_interfaces(Rng& rng) {
    const std::vector<std::uint32_t> per_vpc = interfaces_per_vpc();
    std::uint64_t public_count = 0;
    for (std::uint32_t v = 0; v < plan_.vpcs.size(); ++v) {
      PlanVpc& vpc = plan_.vpcs[v];
      const std::vector<double> popularity = group_popularity(rng, vpc);
      for (std::uint32_t i = 0; i < per_vpc[v]; ++i) {
        PlanInterface eni;
        eni.id = id("eni-", kEniId, plan_.interfaces.size());
        eni.vpc = v;
        const double kind = rng.real();
        eni.type = kind < 0.9 ? "interface" : kind < 0.96 ? "lambda" : "vpc_endpoint";
        if (eni.type == "interface")
          eni.instance_id = id("i-", kInstanceId, plan_.interfaces.size());
        if (eni.type == "lambda") {
          eni.description = "AWS Lambda VPC ENI-" +
                            std::string(kTeams[rng.below(std::size(kTeams))]) + "-worker-" +
                            id("", kAttachmentId, plan_.interfaces.size()).substr(1, 8);
        } else if (eni.type == "vpc_endpoint") {
          eni.description =
              "VPC Endpoint Interface " + id("vpce-", kEndpointId, plan_.interfaces.size());
        }
        eni.groups = choose_groups(rng, vpc, popularity);
        place(rng, vpc, eni);
        if (vpc.subnets[eni.subnet].is_public && eni.type == "interface" && rng.chance(0.6)) {
          eni.public4 = public_address(public_count++);
        }
        eni.mac = mac_address(rng);
        plan_.interfaces.push_back(std::move(eni));
      }
    }
  }

  // Interfaces follow the groups: a VPC with more groups has more interfaces. At most 40,000 per
  // VPC, so that the /19 subnets always have room.
  std::vector<std::uint32_t> interfaces_per_vpc() const {
    const std::size_t n = plan_.vpcs.size();
    std::vector<std::uint32_t> counts(n, 0);
    std::uint64_t assigned = 0;
    for (std::size_t v = 0; v < n; ++v) {
      counts[v] = static_cast<std::uint32_t>(std::uint64_t{options_.interfaces} *
                                             plan_.vpcs[v].groups.size() / plan_.groups.size());
      counts[v] = std::min(counts[v], kMaxInterfacesPerVpc);
      assigned += counts[v];
    }
    for (std::size_t v = 0; assigned < options_.interfaces; v = (v + 1) % n) {
      if (counts[v] < kMaxInterfacesPerVpc) {
        ++counts[v];
        ++assigned;
      }
    }
    return counts;
  }

  std::vector<double> group_popularity(Rng& rng, const PlanVpc& vpc) {
    std::vector<double> weights;
    for (std::size_t i = 0; i < vpc.groups.size(); ++i) {
      const double r = rng.real();
      weights.push_back(i == 0 ? 0.3 : 0.2 + 5 * r * r * r);  // a few popular groups
    }
    return weights;
  }

  std::vector<std::uint32_t> choose_groups(Rng& rng, const PlanVpc& vpc,
                                           const std::vector<double>& popularity) {
    const std::size_t wanted = std::min<std::size_t>(
        vpc.groups.size(), 1 + rng.weighted(std::array{55.0, 25.0, 12.0, 5.0, 3.0}));
    std::vector<std::uint32_t> chosen;
    for (int attempt = 0; chosen.size() < wanted && attempt < 20; ++attempt) {
      const std::uint32_t g = vpc.groups[rng.weighted(popularity)];
      if (std::find(chosen.begin(), chosen.end(), g) == chosen.end()) chosen.push_back(g);
    }
    return chosen;
  }

  // A primary private address in a subnet with room, sometimes secondaries, and IPv6 in
  // dual-stack VPCs.
  void place(Rng& rng, PlanVpc& vpc, PlanInterface& eni) {
    auto s = static_cast<std::uint32_t>(rng.below(vpc.subnets.size()));
    while (vpc.subnets[s].next_host >= kSubnetHosts) s = (s + 1) % vpc.subnets.size();
    eni.subnet = s;
    PlanSubnet& subnet = vpc.subnets[s];
    int addresses = 1;
    if (eni.type == "interface" && rng.chance(0.1))
      addresses += static_cast<int>(rng.between(1, 2));
    for (int a = 0; a < addresses && subnet.next_host < kSubnetHosts; ++a) {
      eni.private4.push_back(subnet.base4 + subnet.next_host);
      subnet.next_host += 1 + static_cast<std::uint32_t>(rng.below(2));
    }
    if (vpc.has_ipv6 && rng.chance(0.6))
      eni.ipv6.push_back(ipv6_address(rng, vpc.v6_prefix | subnet.v6_index));
  }

  // All eight groups non-zero, so the text is canonical without "::".
  static std::string ipv6_address(Rng& rng, std::uint64_t top) {
    char buffer[48];
    const auto group = [&] { return static_cast<unsigned>(rng.between(1, 0xffff)); };
    std::snprintf(buffer, sizeof buffer, "%x:%x:%x:%x:%x:%x:%x:%x", unsigned(top >> 48),
                  unsigned(top >> 32) & 0xffff, unsigned(top >> 16) & 0xffff,
                  unsigned(top) & 0xffff, group(), group(), group(), group());
    return buffer;
  }

  // Distinct public addresses from four Amazon pools, scattered within each.
  static std::uint32_t public_address(std::uint64_t n) {
    static constexpr std::uint32_t kPools[] = {0x03500000, 0x36A00000, 0x2CC00000, 0x12CC0000};
    // Scattered with an odd multiplier (a bijection mod 2^17); no .0 or .255 host.
    const std::uint32_t slot = static_cast<std::uint32_t>((n / 4) * 2654435761ULL) & 0x1ffff;
    return kPools[n % 4] + (slot / 254) * 256 + slot % 254 + 1;
  }

  static std::string mac_address(Rng& rng) {
    char buffer[24];
    const std::uint64_t bits = rng.next();
    std::snprintf(buffer, sizeof buffer, "%02x:%02x:%02x:%02x:%02x:%02x",
                  0x02 | (unsigned(bits) & 0x0c), unsigned(bits >> 8) & 0xff,
                  unsigned(bits >> 16) & 0xff, unsigned(bits >> 24) & 0xff,
                  unsigned(bits >> 32) & 0xff, unsigned(bits >> 40) & 0xff);
    return buffer;
  }

  template <typename T>
  static void shuffle(Rng& rng, std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
  }

  // A probability raised while the achieved share lags the target, lowered while it leads.
  static double steer(double target, std::uint64_t achieved, std::uint64_t total) {
    return static_cast<double>(achieved) < target * static_cast<double>(total) ? target * 1.5
                                                                               : target * 0.5;
  }
  std::uint64_t total_added() const { return added_[0] + added_[1] + added_[2] + added_[3]; }

  const GenOptions& options_;
  std::uint64_t added_[4] = {0, 0, 0, 0};  // atomic rules so far by PeerType
  Sites sites_;
  Plan plan_;
};

}  // namespace

std::string ipv4_text(std::uint32_t address) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                (address >> 8) & 0xff, address & 0xff);
  return buffer;
}

std::string cidr4_text(std::uint32_t base, int prefix) {
  return ipv4_text(base) + "/" + std::to_string(prefix);
}

std::string cidr6_text(std::uint64_t top, int prefix) {
  // The low 64 bits are zero, so the longest zero run is the tail: print the leading non-zero
  // groups (inner zeros as "0"), then "::" (RFC 5952).
  int groups = 4;
  while (groups > 0 && ((top >> (16 * (4 - groups))) & 0xffff) == 0) --groups;
  std::string text;
  char buffer[8];
  for (int i = 0; i < groups; ++i) {
    std::snprintf(buffer, sizeof buffer, "%x", unsigned(top >> (48 - 16 * i)) & 0xffff);
    if (i > 0) text += ':';
    text += buffer;
  }
  return text + "::/" + std::to_string(prefix);
}

std::string make_id(std::string_view prefix, std::uint64_t seed, std::uint64_t kind,
                    std::uint64_t index) {
  const std::uint64_t key = mix64(seed * 0x9e3779b97f4a7c15ULL + kind);
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "0%016llx",
                static_cast<unsigned long long>(mix64(index ^ key)));
  return std::string(prefix) + buffer;
}

std::uint32_t vpc_count(const GenOptions& options) {
  if (options.vpcs > 0) return options.vpcs;
  const auto by_groups = static_cast<std::uint32_t>(std::lround(std::sqrt(options.groups) / 2.5));
  const std::uint32_t by_interfaces = options.interfaces / 20000 + 1;
  return std::clamp(std::max(by_groups, by_interfaces), 1u,
                    std::max(1u, std::min(options.groups, 256u)));
}

Plan make_plan(const GenOptions& options) {
  return Planner(options).run();
}

}  // namespace sgcheck::gen
