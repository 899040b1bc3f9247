// What realistic security groups are made of: the services (protocol and ports) rules open, the
// roles groups play (which services they expose, which tier reaches them) and the deliberately
// risky patterns. Data only; plan.cc draws from it. docs/gen.md describes the mix.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace sgcheck::gen {

struct Service {
  int protocol;       // -1, 6, 17, 1, 58, 50
  int from;           // port or ICMP type (-1: all)
  int to;             // port or ICMP code (-1: all)
  const char* label;  // for descriptions
};

// clang-format off
enum Svc : std::uint8_t {
  kHttps, kHttp, kSsh, kPostgres, kMysql, kRedis, kAppHttp, kAppHttps, kElastic,
  kElasticTransport, kMongo, kMemcached, kKafka, kZookeeper, kRabbit, kPrometheus, kNodeExporter,
  kGrafana, kConsul, kNfs, kMssql, kRdp, kSmtp, kGrpc, kEphemeral, kNodePorts, kAppRange,
  kMongoRange, kKubelet, kCassandra, kDnsUdp, kDnsTcp, kNtp, kIke, kIkeNat, kOpenVpn, kSyslog,
  kStatsd, kVxlan, kWireguard, kEchoRequest, kFragNeeded, kUnreachable, kTimeExceeded, kIcmpAll,
  kIcmpv6All, kIcmpv6Echo, kIcmpv6TooBig, kAll, kEsp, kServiceCount
};
// clang-format on

inline constexpr Service kServices[kServiceCount] = {
    {6, 443, 443, "HTTPS"},
    {6, 80, 80, "HTTP"},
    {6, 22, 22, "SSH"},
    {6, 5432, 5432, "PostgreSQL"},
    {6, 3306, 3306, "MySQL"},
    {6, 6379, 6379, "Redis"},
    {6, 8080, 8080, "app HTTP"},
    {6, 8443, 8443, "app HTTPS"},
    {6, 9200, 9200, "Elasticsearch"},
    {6, 9300, 9300, "Elasticsearch transport"},
    {6, 27017, 27017, "MongoDB"},
    {6, 11211, 11211, "Memcached"},
    {6, 9092, 9092, "Kafka"},
    {6, 2181, 2181, "ZooKeeper"},
    {6, 5672, 5672, "AMQP"},
    {6, 9090, 9090, "Prometheus"},
    {6, 9100, 9100, "node exporter"},
    {6, 3000, 3000, "Grafana"},
    {6, 8500, 8500, "Consul"},
    {6, 2049, 2049, "NFS"},
    {6, 1433, 1433, "SQL Server"},
    {6, 3389, 3389, "RDP"},
    {6, 25, 25, "SMTP"},
    {6, 50051, 50051, "gRPC"},
    {6, 1024, 65535, "ephemeral ports"},
    {6, 30000, 32767, "Kubernetes node ports"},
    {6, 8000, 8099, "app ports"},
    {6, 27017, 27019, "MongoDB cluster"},
    {6, 10250, 10250, "kubelet"},
    {6, 7000, 7001, "Cassandra gossip"},
    {17, 53, 53, "DNS"},
    {6, 53, 53, "DNS over TCP"},
    {17, 123, 123, "NTP"},
    {17, 500, 500, "IKE"},
    {17, 4500, 4500, "IPsec NAT-T"},
    {17, 1194, 1194, "OpenVPN"},
    {17, 514, 514, "syslog"},
    {17, 8125, 8125, "statsd"},
    {17, 4789, 4789, "VXLAN"},
    {17, 51820, 51820, "WireGuard"},
    {1, 8, -1, "ping"},
    {1, 3, 4, "path MTU discovery"},
    {1, 3, -1, "ICMP unreachable"},
    {1, 11, 0, "traceroute"},
    {1, -1, -1, "all ICMP"},
    {58, -1, -1, "all ICMPv6"},
    {58, 128, -1, "ping6"},
    {58, 2, 0, "ICMPv6 packet too big"},
    {-1, -1, -1, "all traffic"},
    {50, -1, -1, "ESP"},
};

struct WeightedService {
  Svc service;
  double weight;
};

// Which tier usually reaches a role's services (a group reference's target), if any.
enum class Upstream : std::uint8_t { none, web, app };

struct Role {
  const char* name;         // the role part of group names
  const char* description;  // the group description's start
  double weight;            // how common the role is
  bool internet_facing;     // HTTP(S) and ICMP peers may be 0.0.0.0/0 and ::/0
  bool cluster;             // members talk to each other: more self-references
  Upstream upstream;
  std::initializer_list<WeightedService> services;
};

inline const Role kRoles[] = {
    {"web",
     "public load balancer",
     8,
     true,
     false,
     Upstream::none,
     {{kHttps, 6}, {kHttp, 3}, {kEchoRequest, 1}, {kFragNeeded, 1}, {kIcmpv6TooBig, 0.5}}},
    {"app",
     "application servers",
     12,
     false,
     false,
     Upstream::web,
     {{kAppHttp, 4},
      {kAppHttps, 3},
      {kSsh, 2},
      {kPrometheus, 1},
      {kNodeExporter, 1},
      {kAppRange, 1},
      {kHttps, 2},
      {kGrpc, 1},
      {kEchoRequest, 0.5}}},
    {"api",
     "internal API",
     6,
     false,
     false,
     Upstream::app,
     {{kHttps, 4}, {kAppHttps, 2}, {kAppHttp, 2}, {kGrpc, 2}, {kNodeExporter, 1}}},
    {"db",
     "PostgreSQL database",
     6,
     false,
     false,
     Upstream::app,
     {{kPostgres, 8}, {kSsh, 1}, {kNodeExporter, 0.5}}},
    {"mysql", "MySQL database", 4, false, false, Upstream::app, {{kMysql, 8}, {kSsh, 1}}},
    {"mssql", "SQL Server database", 1, false, false, Upstream::app, {{kMssql, 6}, {kRdp, 1}}},
    {"cache",
     "Redis and Memcached cache",
     5,
     false,
     true,
     Upstream::app,
     {{kRedis, 6}, {kMemcached, 2}}},
    {"search",
     "Elasticsearch cluster",
     3,
     false,
     true,
     Upstream::app,
     {{kElastic, 5}, {kElasticTransport, 3}, {kHttps, 1}}},
    {"mongo",
     "MongoDB replica set",
     2,
     false,
     true,
     Upstream::app,
     {{kMongo, 5}, {kMongoRange, 2}}},
    {"kafka",
     "Kafka brokers",
     3,
     false,
     true,
     Upstream::app,
     {{kKafka, 6}, {kZookeeper, 2}, {kRabbit, 1}}},
    {"cassandra",
     "Cassandra ring",
     1,
     false,
     true,
     Upstream::app,
     {{kCassandra, 4}, {kNodeExporter, 1}}},
    {"bastion",
     "SSH bastion",
     3,
     false,
     false,
     Upstream::none,
     {{kSsh, 8}, {kEchoRequest, 1}, {kIcmpv6Echo, 0.5}}},
    {"k8s-nodes",
     "Kubernetes worker nodes",
     5,
     false,
     true,
     Upstream::web,
     {{kAll, 1.5},
      {kKubelet, 3},
      {kNodePorts, 2},
      {kHttps, 2},
      {kDnsUdp, 1},
      {kVxlan, 1},
      {kEphemeral, 0.5}}},
    {"monitoring",
     "Prometheus and Grafana",
     3,
     false,
     false,
     Upstream::none,
     {{kPrometheus, 3}, {kGrafana, 2}, {kNodeExporter, 3}, {kStatsd, 1}, {kSyslog, 1}}},
    {"vpn",
     "site-to-site VPN",
     1,
     false,
     false,
     Upstream::none,
     {{kIke, 3}, {kIkeNat, 3}, {kEsp, 2}, {kOpenVpn, 1}, {kWireguard, 1}}},
    {"dns",
     "DNS and NTP resolvers",
     1,
     false,
     false,
     Upstream::none,
     {{kDnsUdp, 4}, {kDnsTcp, 3}, {kNtp, 2}, {kUnreachable, 0.5}}},
    {"windows",
     "Windows hosts",
     2,
     false,
     false,
     Upstream::none,
     {{kRdp, 4}, {kHttps, 1}, {kTimeExceeded, 0.5}}},
    {"endpoints", "VPC interface endpoints", 3, false, false, Upstream::none, {{kHttps, 6}}},
    {"batch",
     "batch workers",
     3,
     false,
     true,
     Upstream::app,
     {{kSsh, 1}, {kNfs, 2}, {kAppRange, 1}, {kIcmpAll, 0.5}}},
    {"mail", "mail relay", 1, false, false, Upstream::app, {{kSmtp, 4}, {kHttps, 1}}},
    {"consul", "service discovery", 1, false, true, Upstream::none, {{kConsul, 4}, {kDnsUdp, 1}}},
    {"tunnel",
     "ICMP and IPv6 diagnostics",
     0.5,
     false,
     false,
     Upstream::none,
     {{kIcmpv6All, 2}, {kIcmpAll, 1}, {kTimeExceeded, 1}}},
};

// Services of restricted egress.
inline constexpr WeightedService kEgressServices[] = {
    {kHttps, 6}, {kHttp, 1},    {kDnsUdp, 2}, {kNtp, 1},     {kPostgres, 1},
    {kRedis, 1}, {kAppHttp, 1}, {kKafka, 1},  {kMysql, 0.5}, {kSmtp, 0.3},
};

// The deliberately risky rules (`--risky-share`), cycled over the chosen groups.
struct RiskyPattern {
  Svc service;
  const char* cidrs[2];  // one or two peers (the /1 split)
  const char* description;
};

inline constexpr RiskyPattern kRiskyPatterns[] = {
    {kSsh, {"0.0.0.0/0", nullptr}, "temporary SSH access"},
    {kRdp, {"0.0.0.0/0", nullptr}, "RDP for vendor support"},
    {kSsh, {"0.0.0.0/1", "128.0.0.0/1"}, "SSH from anywhere"},
    {kAll, {"::/0", nullptr}, "debug all IPv6"},
    {kPostgres, {"52.0.0.0/8", nullptr}, "analytics vendor"},
    {kAll, {"0.0.0.0/0", nullptr}, "open for load test"},
    {kMysql, {"0.0.0.0/0", nullptr}, "MySQL from anywhere"},
    {kEphemeral, {"10.0.0.0/8", nullptr}, "all high ports from the corporate network"},
};

inline const char* const kTeams[] = {"payments", "orders",  "search",   "identity", "catalog",
                                     "billing",  "data",    "platform", "ml",       "mobile",
                                     "growth",   "ledger",  "risk",     "shipping", "support",
                                     "checkout", "pricing", "media",    "auth",     "reporting"};
inline const char* const kEnvs[] = {"prod", "prod", "prod", "staging", "dev", "qa"};

}  // namespace sgcheck::gen
