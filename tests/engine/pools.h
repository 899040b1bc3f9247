// The small pools of ids, addresses and ports that random inventories and flows are drawn from, shared
// by the RapidCheck generators (generators.h) and the differential fuzz target, so that references,
// prefix lists and interfaces collide often enough to exercise every rule of the semantics.
#pragma once

#include <string>
#include <vector>

namespace sgcheck::testing {

inline const std::vector<std::string>& vpc_pool() {
  static const std::vector<std::string> pool{"vpc-0a", "vpc-0b", "vpc-0c"};
  return pool;
}
// sg-05 and sg-06 are never defined: references to them are unresolved.
inline const std::vector<std::string>& group_pool() {
  static const std::vector<std::string> pool{"sg-01", "sg-02", "sg-03", "sg-04", "sg-05", "sg-06"};
  return pool;
}
// pl-01 has entries, pl-02 only its family, pl-03 is not in the inventory.
inline const std::vector<std::string>& prefix_list_pool() {
  static const std::vector<std::string> pool{"pl-01", "pl-02", "pl-03"};
  return pool;
}
inline const std::vector<std::string>& address4_pool() {
  static const std::vector<std::string> pool{"10.0.0.1",     "10.0.0.2",   "10.0.0.3",
                                             "10.0.1.9",     "10.1.0.5",   "198.51.100.7",
                                             "198.51.100.8", "203.0.113.9"};
  return pool;
}
inline const std::vector<std::string>& address6_pool() {
  static const std::vector<std::string> pool{"2001:db8::1", "2001:db8::2", "2001:db8:1::3",
                                             "2600::5", "2600::6"};
  return pool;
}
inline const std::vector<int>& port_pool() {
  static const std::vector<int> pool{0, 21, 22, 23, 80, 443, 1000, 5432, 65535};
  return pool;
}

}  // namespace sgcheck::testing
