// Writes a Plan as the AWS CLI prints it (`aws ec2 describe-*`, default JSON output): the key
// order, nesting and empty lists of real describe output (aws-semantics.md §4.1, §4.3, §4.5).
// Entry points: write_security_groups(), write_network_interfaces(), write_vpcs(),
// write_peerings(), write_prefix_lists(), write_prefix_list_entries(). No randomness here.
#include <cstdio>

#include "gen/plan.h"
#include "gen/random.h"
#include "report/json_writer.h"

namespace sgcheck::gen {

namespace {

// The AWS CLI indents its JSON by four spaces.
constexpr std::size_t kAwsCliIndent = 4;

const char* protocol_text(int protocol) {
  switch (protocol) {
    case -1:
      return "-1";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "icmpv6";
    default:
      return nullptr;
  }
}

// One IpPermission: the ports only where AWS prints them, then the four peer lists.
void write_permission(JsonWriter& w, const Plan& plan, const PlanPermission& permission) {
  w.begin_object();
  const char* name = protocol_text(permission.protocol);
  w.field("IpProtocol", name != nullptr ? std::string(name) : std::to_string(permission.protocol));
  if (permission.protocol == 6 || permission.protocol == 17 || permission.protocol == 1 ||
      permission.protocol == 58) {
    w.field("FromPort", permission.from);
    w.field("ToPort", permission.to);
  }
  w.key("UserIdGroupPairs");
  w.begin_array();
  for (const PlanPeer& peer : permission.peers) {
    if (peer.type != PeerType::group) continue;
    w.begin_object();
    if (!peer.description.empty()) w.field("Description", peer.description);
    w.field("UserId", kAccount);
    w.field("GroupId", peer.value);
    if (!peer.peering_id.empty()) {
      w.field("VpcId", plan.vpcs[peer.group_vpc].id);
      w.field("VpcPeeringConnectionId", peer.peering_id);
      w.field("PeeringStatus", "active");
    }
    w.end_object();
  }
  w.end_array();
  const auto peer_list = [&](const char* list, PeerType type, const char* key) {
    w.key(list);
    w.begin_array();
    for (const PlanPeer& peer : permission.peers) {
      if (peer.type != type) continue;
      w.begin_object();
      if (type == PeerType::prefix_list) {
        if (!peer.description.empty()) w.field("Description", peer.description);
        w.field(key, peer.value);
      } else {
        w.field(key, peer.value);
        if (!peer.description.empty()) w.field("Description", peer.description);
      }
      w.end_object();
    }
    w.end_array();
  };
  peer_list("IpRanges", PeerType::cidr4, "CidrIp");
  peer_list("Ipv6Ranges", PeerType::cidr6, "CidrIpv6");
  peer_list("PrefixListIds", PeerType::prefix_list, "PrefixListId");
  w.end_object();
}

void write_tags(JsonWriter& w, const char* key,
                const std::vector<std::pair<std::string, std::string>>& tags) {
  w.key(key);
  w.begin_array();
  for (const auto& [name, value] : tags) {
    w.begin_object();
    w.field("Key", name);
    w.field("Value", value);
    w.end_object();
  }
  w.end_array();
}

// "2024-03-01T12:34:56+00:00" from seconds since 1970 (days to civil date: H. Hinnant's algorithm).
std::string timestamp(std::int64_t seconds) {
  const std::int64_t days = seconds / 86400, rest = seconds % 86400;
  const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld+00:00",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return buffer;
}

std::string dns_name(std::uint32_t address) {
  std::string text = ipv4_text(address);
  for (char& c : text) c = c == '.' ? '-' : c;
  return text;
}

void write_interface(JsonWriter& w, const Plan& plan, const PlanInterface& eni, std::size_t index) {
  const PlanVpc& vpc = plan.vpcs[eni.vpc];
  const PlanSubnet& subnet = vpc.subnets[eni.subnet];
  const auto association = [&] {
    w.key("Association");
    w.begin_object();
    w.field("IpOwnerId", "amazon");
    w.field("PublicDnsName", concat({"ec2-", dns_name(eni.public4), ".compute-1.amazonaws.com"}));
    w.field("PublicIp", ipv4_text(eni.public4));
    w.end_object();
  };
  w.begin_object();
  if (eni.public4 != 0) association();
  w.key("Attachment");
  w.begin_object();
  // Attached some time in 2023-2024, derived from the position: emit.cc draws nothing.
  w.field("AttachTime", timestamp(1672531200 + static_cast<std::int64_t>(mix64(index) % 63072000)));
  w.field("AttachmentId", "eni-attach-" + eni.id.substr(4));
  w.field("DeleteOnTermination", eni.type == "interface");
  w.field("DeviceIndex", eni.type == "interface" ? 0 : 1);
  w.field("NetworkCardIndex", 0);
  if (!eni.instance_id.empty()) {
    w.field("InstanceId", eni.instance_id);
    w.field("InstanceOwnerId", kAccount);
  } else {
    w.field("InstanceOwnerId", eni.type == "lambda" ? "amazon-aws" : "amazon-vpce");
  }
  w.field("Status", "attached");
  w.end_object();
  w.field("AvailabilityZone", subnet.az);
  w.field("Description", eni.description);
  w.key("Groups");
  w.begin_array();
  for (std::uint32_t g : eni.groups) {
    w.begin_object();
    w.field("GroupName", plan.groups[g].name);
    w.field("GroupId", plan.groups[g].id);
    w.end_object();
  }
  w.end_array();
  w.field("InterfaceType", eni.type);
  w.key("Ipv6Addresses");
  w.begin_array();
  for (const std::string& address : eni.ipv6) {
    w.begin_object();
    w.field("Ipv6Address", address);
    w.field("IsPrimaryIpv6", false);
    w.end_object();
  }
  w.end_array();
  w.field("MacAddress", eni.mac);
  w.field("NetworkInterfaceId", eni.id);
  w.field("OwnerId", kAccount);
  w.field("PrivateDnsName", concat({"ip-", dns_name(eni.private4.front()), ".ec2.internal"}));
  w.field("PrivateIpAddress", ipv4_text(eni.private4.front()));
  w.key("PrivateIpAddresses");
  w.begin_array();
  for (std::size_t a = 0; a < eni.private4.size(); ++a) {
    w.begin_object();
    if (a == 0 && eni.public4 != 0) association();
    w.field("Primary", a == 0);
    w.field("PrivateDnsName", concat({"ip-", dns_name(eni.private4[a]), ".ec2.internal"}));
    w.field("PrivateIpAddress", ipv4_text(eni.private4[a]));
    w.end_object();
  }
  w.end_array();
  if (eni.type != "interface")
    w.field("RequesterId", eni.type == "lambda" ? "AROAEXAMPLELAMBDA" : "AIDAEXAMPLEVPCE");
  w.field("RequesterManaged", eni.type != "interface");
  w.field("SourceDestCheck", true);
  w.field("Status", "in-use");
  w.field("SubnetId", subnet.id);
  w.empty_array("TagSet");
  w.field("VpcId", vpc.id);
  w.end_object();
}

void write_peer_vpc_info(JsonWriter& w, const char* key, const PlanVpc& vpc, bool full) {
  w.key(key);
  w.begin_object();
  if (full) {
    const std::string cidr = cidr4_text(vpc.base4, 16);
    w.field("CidrBlock", cidr);
    w.key("CidrBlockSet");
    w.begin_array();
    w.begin_object();
    w.field("CidrBlock", cidr);
    w.end_object();
    w.end_array();
    if (vpc.has_ipv6) {
      w.key("Ipv6CidrBlockSet");
      w.begin_array();
      w.begin_object();
      w.field("Ipv6CidrBlock", cidr6_text(vpc.v6_prefix, 56));
      w.end_object();
      w.end_array();
    }
  }
  w.field("OwnerId", kAccount);
  if (full) {
    w.key("PeeringOptions");
    w.begin_object();
    w.field("AllowDnsResolutionFromRemoteVpc", false);
    w.field("AllowEgressFromLocalClassicLinkToRemoteVpc", false);
    w.field("AllowEgressFromLocalVpcToRemoteClassicLink", false);
    w.end_object();
  }
  w.field("VpcId", vpc.id);
  w.field("Region", kRegion);
  w.end_object();
}

// One flat rule of describe-security-group-rules: ports always present (-1 where they do not
// apply), exactly one peer key.
void write_flat_rule(JsonWriter& w, const Plan& plan, const PlanGroup& group,
                     const PlanPermission& permission, const PlanPeer& peer, bool egress,
                     const std::string& rule_id) {
  w.begin_object();
  w.field("SecurityGroupRuleId", rule_id);
  w.field("GroupId", group.id);
  w.field("GroupOwnerId", kAccount);
  w.field("IsEgress", egress);
  const char* name = protocol_text(permission.protocol);
  w.field("IpProtocol", name != nullptr ? std::string(name) : std::to_string(permission.protocol));
  const bool ports = permission.protocol == 6 || permission.protocol == 17 ||
                     permission.protocol == 1 || permission.protocol == 58;
  w.field("FromPort", ports ? permission.from : -1);
  w.field("ToPort", ports ? permission.to : -1);
  switch (peer.type) {
    case PeerType::cidr4:
      w.field("CidrIpv4", peer.value);
      break;
    case PeerType::cidr6:
      w.field("CidrIpv6", peer.value);
      break;
    case PeerType::prefix_list:
      w.field("PrefixListId", peer.value);
      break;
    case PeerType::group:
      w.key("ReferencedGroupInfo");
      w.begin_object();
      w.field("GroupId", peer.value);
      w.field("UserId", kAccount);
      if (!peer.peering_id.empty()) {
        w.field("VpcId", plan.vpcs[peer.group_vpc].id);
        w.field("VpcPeeringConnectionId", peer.peering_id);
        w.field("PeeringStatus", "active");
      }
      w.end_object();
      break;
  }
  if (!peer.description.empty()) w.field("Description", peer.description);
  w.empty_array("Tags");
  w.field("SecurityGroupRuleArn",
          concat({"arn:aws:ec2:", kRegion, ":", kAccount, ":security-group-rule/", rule_id}));
  w.end_object();
}

}  // namespace

std::string write_security_group_rules(const Plan& plan, std::uint64_t seed) {
  std::string out;
  out.reserve(plan.atomic_rules * 450 + 64);
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("SecurityGroupRules");
  w.begin_array();
  std::uint64_t next = 0;
  for (const PlanGroup& group : plan.groups) {
    for (const bool egress : {false, true}) {
      for (const PlanPermission& permission : egress ? group.egress : group.ingress) {
        for (const PlanPeer& peer : permission.peers) {
          write_flat_rule(w, plan, group, permission, peer, egress,
                          make_id("sgr-", seed, kRuleId, next++));
        }
      }
    }
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_security_groups(const Plan& plan) {
  std::string out;
  out.reserve(plan.atomic_rules * 400 + plan.groups.size() * 1200);
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("SecurityGroups");
  w.begin_array();
  for (const PlanGroup& group : plan.groups) {
    w.begin_object();
    w.field("Description", group.description);
    w.field("GroupName", group.name);
    w.key("IpPermissions");
    w.begin_array();
    for (const PlanPermission& p : group.ingress) write_permission(w, plan, p);
    w.end_array();
    w.field("OwnerId", kAccount);
    w.field("GroupId", group.id);
    w.key("IpPermissionsEgress");
    w.begin_array();
    for (const PlanPermission& p : group.egress) write_permission(w, plan, p);
    w.end_array();
    write_tags(w, "Tags", group.tags);
    w.field("VpcId", plan.vpcs[group.vpc].id);
    w.field("SecurityGroupArn",
            concat({"arn:aws:ec2:", kRegion, ":", kAccount, ":security-group/", group.id}));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_network_interfaces(const Plan& plan) {
  std::string out;
  out.reserve(plan.interfaces.size() * 2200 + 64);
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("NetworkInterfaces");
  w.begin_array();
  for (std::size_t i = 0; i < plan.interfaces.size(); ++i)
    write_interface(w, plan, plan.interfaces[i], i);
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_vpcs(const Plan& plan) {
  std::string out;
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("Vpcs");
  w.begin_array();
  for (std::size_t v = 0; v < plan.vpcs.size(); ++v) {
    const PlanVpc& vpc = plan.vpcs[v];
    const std::string cidr = cidr4_text(vpc.base4, 16);
    const std::string suffix = vpc.id.substr(4);
    w.begin_object();
    w.field("CidrBlock", cidr);
    w.field("DhcpOptionsId", "dopt-" + suffix.substr(0, 8));
    w.field("State", "available");
    w.field("VpcId", vpc.id);
    w.field("OwnerId", kAccount);
    w.field("InstanceTenancy", "default");
    if (vpc.has_ipv6) {
      w.key("Ipv6CidrBlockAssociationSet");
      w.begin_array();
      w.begin_object();
      w.field("AssociationId", "vpc-cidr-assoc-1" + suffix.substr(1));
      w.field("Ipv6CidrBlock", cidr6_text(vpc.v6_prefix, 56));
      w.key("Ipv6CidrBlockState");
      w.begin_object();
      w.field("State", "associated");
      w.end_object();
      w.field("NetworkBorderGroup", kRegion);
      w.field("Ipv6Pool", "Amazon");
      w.end_object();
      w.end_array();
    }
    w.key("CidrBlockAssociationSet");
    w.begin_array();
    w.begin_object();
    w.field("AssociationId", "vpc-cidr-assoc-" + suffix);
    w.field("CidrBlock", cidr);
    w.key("CidrBlockState");
    w.begin_object();
    w.field("State", "associated");
    w.end_object();
    w.end_object();
    w.end_array();
    w.field("IsDefault", vpc.is_default);
    write_tags(w, "Tags", {{"Name", vpc.name}});
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_peerings(const Plan& plan) {
  std::string out;
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("VpcPeeringConnections");
  w.begin_array();
  for (const PlanPeering& peering : plan.peerings) {
    const bool active = peering.status == "active";
    w.begin_object();
    write_peer_vpc_info(w, "AccepterVpcInfo", plan.vpcs[peering.accepter], active);
    write_peer_vpc_info(w, "RequesterVpcInfo", plan.vpcs[peering.requester], true);
    w.key("Status");
    w.begin_object();
    w.field("Code", peering.status);
    w.field("Message",
            active ? std::string("Active") : concat({"Pending Acceptance by ", kAccount}));
    w.end_object();
    write_tags(
        w, "Tags",
        {{"Name", plan.vpcs[peering.requester].name + "-to-" + plan.vpcs[peering.accepter].name}});
    w.field("VpcPeeringConnectionId", peering.id);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_prefix_lists(const Plan& plan) {
  std::string out;
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.key("PrefixLists");
  w.begin_array();
  for (const PlanPrefixList& list : plan.prefix_lists) {
    const char* owner = list.aws_managed ? "AWS" : kAccount;
    w.begin_object();
    w.field("PrefixListId", list.id);
    w.field("AddressFamily", list.ipv6 ? "IPv6" : "IPv4");
    w.field("State", "create-complete");
    w.field("PrefixListArn",
            concat({"arn:aws:ec2:", kRegion, ":", list.aws_managed ? "aws" : kAccount,
                    ":prefix-list/", list.id}));
    w.field("PrefixListName", list.name);
    w.field("MaxEntries", list.max_entries);
    w.field("Version", 1);
    w.empty_array("Tags");
    w.field("OwnerId", owner);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

std::string write_prefix_list_entries(const PlanPrefixList& list) {
  std::string out;
  JsonWriter w(out, kAwsCliIndent);
  w.begin_object();
  w.field("PrefixListId", list.id);
  w.key("Entries");
  w.begin_array();
  for (const auto& [cidr, description] : list.entries) {
    w.begin_object();
    w.field("Cidr", cidr);
    if (!description.empty()) w.field("Description", description);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
  return out;
}

}  // namespace sgcheck::gen
