// Helpers of the white-box tests of the built-in hygiene and graph checks: small AWS CLI documents
// written in code (a group, its permissions, interfaces, prefix lists, peerings), loaded with
// load_inventory_from_buffers, linted by run_hygiene_checks / run_graph_checks directly.
// Entry points: Doc (builds the JSON), lint(), of() (findings of one check).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lint/check.h"
#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck::test {

// One IpPermission: `peers` is the inside of the lists, e.g.
// R"("IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "x"}])".
inline std::string perm(const std::string& protocol, const std::string& ports,
                        const std::string& peers) {
  std::string out = "{\"IpProtocol\": \"" + protocol + "\"";
  if (!ports.empty()) out += ", " + ports;
  return out + ", " + peers + "}";
}
inline std::string ports(int from, int to) {
  return "\"FromPort\": " + std::to_string(from) + ", \"ToPort\": " + std::to_string(to);
}
inline std::string cidr(const std::string& c, const std::string& description = "d") {
  return R"("IpRanges": [{"CidrIp": ")" + c + R"(", "Description": ")" + description + "\"}]";
}
inline std::string cidr6(const std::string& c) {
  return R"("Ipv6Ranges": [{"CidrIpv6": ")" + c + R"(", "Description": "d"}])";
}
inline std::string pl(const std::string& id) {
  return R"("PrefixListIds": [{"PrefixListId": ")" + id + R"(", "Description": "d"}])";
}
inline std::string group_ref(const std::string& group, const std::string& extra = "") {
  return R"("UserIdGroupPairs": [{"GroupId": ")" + group +
         R"(", "UserId": "111122223333", "Description": "d")" +
         (extra.empty() ? "" : ", " + extra) + "}]";
}

inline std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",\n") + p;
  return out;
}

struct SgSpec {
  explicit SgSpec(std::string id_, std::string vpc_ = "vpc-a", std::string name_ = "app",
                  std::string description_ = "application tier")
      : id(std::move(id_)),
        vpc(std::move(vpc_)),
        name(std::move(name_)),
        description(std::move(description_)) {}
  std::string id;
  std::string vpc;
  std::string name;
  std::string description;
  std::vector<std::string> ingress;
  std::vector<std::string> egress;
};

inline std::string security_groups(const std::vector<SgSpec>& groups) {
  std::string out = "{\"SecurityGroups\": [\n";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const SgSpec& g = groups[i];
    out += "{\"GroupId\": \"" + g.id + "\", \"GroupName\": \"" + g.name +
           "\", \"Description\": \"" + g.description + "\", \"VpcId\": \"" + g.vpc +
           "\", \"OwnerId\": \"111122223333\",\n" + "\"IpPermissions\": [\n" + join(g.ingress) +
           "],\n\"IpPermissionsEgress\": [\n" + join(g.egress) + "]}" +
           (i + 1 < groups.size() ? ",\n" : "\n");
  }
  return out + "]}\n";
}

struct EniSpec {
  EniSpec(std::string id_, std::string vpc_, std::vector<std::string> groups_, std::string address_)
      : id(std::move(id_)),
        vpc(std::move(vpc_)),
        groups(std::move(groups_)),
        address(std::move(address_)) {}
  std::string id;
  std::string vpc;
  std::vector<std::string> groups;
  std::string address;
};

inline std::string network_interfaces(const std::vector<EniSpec>& enis) {
  std::string out = "{\"NetworkInterfaces\": [\n";
  for (std::size_t i = 0; i < enis.size(); ++i) {
    const EniSpec& e = enis[i];
    std::vector<std::string> groups;
    for (const std::string& g : e.groups) groups.push_back("{\"GroupId\": \"" + g + "\"}");
    out += "{\"NetworkInterfaceId\": \"" + e.id + "\", \"VpcId\": \"" + e.vpc +
           "\", \"SubnetId\": \"subnet-1\", \"Status\": \"in-use\", \"InterfaceType\": "
           "\"interface\", " +
           "\"Groups\": [" + join(groups) + "], \"PrivateIpAddress\": \"" + e.address +
           "\", \"PrivateIpAddresses\": [{\"Primary\": true, \"PrivateIpAddress\": \"" + e.address +
           "\"}]}" + (i + 1 < enis.size() ? ",\n" : "\n");
  }
  return out + "]}\n";
}

struct Linted {
  LoadResult load;
  std::vector<Finding> findings;

  std::vector<Finding> of(const std::string& id) const {
    std::vector<Finding> out;
    for (const Finding& f : findings)
      if (f.id == id) out.push_back(f);
    return out;
  }
  std::string dump() const {
    std::string out;
    for (const Finding& f : findings)
      out += f.id + " " + f.location.to_string() + " " + f.message + "\n";
    return out;
  }
};

// Loads the documents and runs both families of checks (hygiene, then graph).
inline Linted lint(const std::vector<NamedBuffer>& docs) {
  Linted out;
  out.load = load_inventory_from_buffers(docs);
  EXPECT_TRUE(out.load.ok()) << (out.load.errors.empty() ? "" : out.load.errors[0].message);
  const Engine engine(out.load.inventory);
  const LintOptions options;
  const detail::CheckContext context{out.load.inventory, engine, options};
  detail::run_hygiene_checks(context, out.findings);
  detail::run_graph_checks(context, out.findings);
  return out;
}

inline Linted lint_groups(const std::vector<SgSpec>& groups, const std::vector<EniSpec>& enis = {},
                          const std::vector<NamedBuffer>& more = {}) {
  std::vector<NamedBuffer> docs{{"sgs.json", security_groups(groups)}};
  if (!enis.empty()) docs.push_back({"enis.json", network_interfaces(enis)});
  for (const NamedBuffer& b : more) docs.push_back(b);
  return lint(docs);
}

}  // namespace sgcheck::test
