// The generator's intermediate model: what `sgcheck gen` decided (VPCs, peerings, prefix lists,
// groups with their IpPermissions, interfaces) before it is written as AWS CLI JSON.
// make_plan() takes every random decision (plan.cc); write_*() only format (emit.cc).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/inventory.h"

namespace sgcheck::gen {

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kRegion = "us-east-1";

struct PlanSubnet {
  std::string id;
  std::string az;
  std::uint32_t base4 = 0;  // a /20
  bool is_public = false;
  std::uint32_t v6_index = 0;   // the /64 within the VPC's /56
  std::uint32_t next_host = 0;  // the next free host offset
};

struct PlanVpc {
  std::string id;
  std::uint32_t base4 = 0;  // a /16
  bool has_ipv6 = false;
  std::uint64_t v6_prefix = 0;  // the top 64 bits of the /56 (low 8 bits zero)
  bool is_default = false;
  std::string name;
  std::vector<PlanSubnet> subnets;
  std::vector<std::uint32_t> groups;  // indexes into Plan::groups, the default group first
  // Active peerings: the other VPC and the pcx- id.
  std::vector<std::pair<std::uint32_t, std::string>> peers;
};

struct PlanPeering {
  std::string id;
  std::uint32_t requester = 0;
  std::uint32_t accepter = 0;
  std::string status;  // Status.Code
};

struct PlanPrefixList {
  std::string id;
  std::string name;
  bool ipv6 = false;
  bool aws_managed = false;
  int max_entries = 0;
  std::vector<std::pair<std::string, std::string>> entries;  // CIDR, description
};

enum class PeerType : std::uint8_t { cidr4, cidr6, prefix_list, group };

struct PlanPeer {
  PeerType type = PeerType::cidr4;
  std::string value;            // the CIDR, pl- id or sg- id
  std::string description;      // empty: none
  std::uint32_t group_vpc = 0;  // group peers: the VPC of the referenced group
  std::string peering_id;       // group peers in another VPC: the active peering
};

// One IpPermission: a protocol and port range with all its peers (as AWS groups them).
struct PlanPermission {
  int protocol = -1;  // -1, 6, 17, 1, 58 or another number
  int from = -1;      // ports (tcp, udp) or ICMP type; unused for -1 and other numbers
  int to = -1;
  std::vector<PlanPeer> peers;
};

struct PlanGroup {
  std::string id;
  std::string name;
  std::string description;
  std::uint32_t vpc = 0;
  std::uint32_t role = 0;  // index into the role catalogue of plan.cc
  bool is_default = false;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<PlanPermission> ingress;
  std::vector<PlanPermission> egress;
};

struct PlanInterface {
  std::string id;
  std::uint32_t vpc = 0;
  std::uint32_t subnet = 0;
  std::string type;         // InterfaceType
  std::string instance_id;  // empty: not attached to an instance
  std::string description;
  std::string mac;
  std::vector<std::uint32_t> groups;    // indexes into Plan::groups
  std::vector<std::uint32_t> private4;  // primary first
  std::uint32_t public4 = 0;            // 0: none
  std::vector<std::string> ipv6;
};

struct Plan {
  std::vector<PlanVpc> vpcs;
  std::vector<PlanPeering> peerings;
  std::vector<PlanPrefixList> prefix_lists;
  std::vector<PlanGroup> groups;
  std::vector<PlanInterface> interfaces;
  std::uint64_t atomic_rules = 0;
  std::uint64_t risky_rules = 0;
};

inline constexpr std::uint32_t kMaxVpcs = 256;  // one 10.x.0.0/16 each
// Interfaces per VPC at most, so that its eight /19 subnets always have room.
inline constexpr std::uint32_t kMaxInterfacesPerVpc = 40000;

// The number of VPCs: options.vpcs, or about sqrt(groups) / 2.5, at least one per 20,000
// interfaces, at most one per group.
std::uint32_t vpc_count(const GenOptions& options);

// Every random decision for the options (which check_gen_options() accepted).
Plan make_plan(const GenOptions& options);

// The AWS CLI documents (emit.cc).
std::string write_security_groups(const Plan& plan);
// describe-security-group-rules: one flat object per atomic rule, with sgr- ids.
std::string write_security_group_rules(const Plan& plan, std::uint64_t seed);
std::string write_network_interfaces(const Plan& plan);
std::string write_vpcs(const Plan& plan);
std::string write_peerings(const Plan& plan);
std::string write_prefix_lists(const Plan& plan);
std::string write_prefix_list_entries(const PlanPrefixList& list);

// Text forms used by both halves.
// Joins parts in one allocation (also sidesteps GCC 12's false -Wrestrict on chains of +).
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (std::string_view part : parts) out.append(part);
  return out;
}
std::string ipv4_text(std::uint32_t address);
std::string cidr4_text(std::uint32_t base, int prefix);
// "2600:1f18:…::/56" style: the top 64 bits of an address, all of its low 64 bits zero.
std::string cidr6_text(std::uint64_t top, int prefix);
// The kinds of ids make_id() makes: the ids of one kind are unique.
enum IdKind : std::uint64_t {
  kVpcId = 1,
  kSubnetId,
  kPeeringId,
  kListId,
  kGroupId,
  kEniId,
  kInstanceId,
  kAttachmentId,
  kEndpointId,
  kRuleId
};
// `prefix` + "0" + 16 hex digits, unique per (kind, index) for one seed.
std::string make_id(std::string_view prefix, std::uint64_t seed, std::uint64_t kind,
                    std::uint64_t index);

}  // namespace sgcheck::gen
