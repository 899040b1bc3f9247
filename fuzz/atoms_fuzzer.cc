// Fuzz target for the value grammars (include/sgcheck/values.h): every parse_* function on the
// input bytes. Beyond "never crash", it checks the contracts: canonical text reparses to the same
// value, results are in range, errors point inside the text. Entry point: LLVMFuzzerTestOneInput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sgcheck/values.h"

namespace {

using namespace sgcheck;

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "atoms_fuzzer: %s for input \"%.*s\"\n", what,
               static_cast<int>(input.size()), input.data());
  std::abort();
}

void check(bool ok, const char* what, std::string_view input) {
  if (!ok) fail(what, input);
}

template <typename T>
void check_error(const ValueResult<T>& result, std::string_view input) {
  if (result) return;
  check(result.error.offset <= input.size(), "error offset beyond the text", input);
  check(!result.error.message().empty(), "empty error message", input);
}

void check_address(const ValueResult<Address>& result, std::string_view input) {
  check_error(result, input);
  if (!result) return;
  if (result->family == Family::ipv4) check(result->bits >> 32 == 0, "IPv4 above 32 bits", input);
  const std::string text = to_string(*result);
  const ValueResult<Address> again = parse_address(text);
  check(again && *again == *result, "address text does not reparse to the same address", input);
}

void check_cidr(const ValueResult<Cidr>& result, std::string_view input) {
  check_error(result, input);
  if (!result) return;
  const Cidr& cidr = *result;
  const int width = cidr.family == Family::ipv4 ? 32 : 128;
  check(cidr.prefix <= width, "prefix longer than the family", input);
  check(cidr.first() <= cidr.last(), "first address after last", input);
  if (cidr.family == Family::ipv4) check(cidr.last() >> 32 == 0, "IPv4 block above 32 bits", input);
  const u128 host_mask = cidr.prefix == 0       ? ~u128{0} >> (128 - width)
                         : cidr.prefix >= width ? u128{0}
                                                : (u128{1} << (width - cidr.prefix)) - 1;
  check((cidr.base & host_mask) == 0, "base has host bits set", input);
  const std::string text = to_string(cidr);
  const ValueResult<Cidr> again = parse_cidr(text);
  check(again && *again == cidr, "canonical CIDR does not reparse to the same block", input);
  check(!again->had_host_bits, "canonical CIDR text has host bits", input);
  check(to_string(*again) == text, "canonical CIDR text is not stable", input);
  check(cidr.contains(Address{cidr.family, cidr.first()}), "block does not contain its base",
        input);
  check(cidr.contains(Address{cidr.family, cidr.last()}), "block does not contain its last", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const ValueResult<Address> v4 = parse_ipv4(input);
  const ValueResult<Address> v6 = parse_ipv6(input);
  const ValueResult<Address> any = parse_address(input);
  check_address(v4, input);
  check_address(v6, input);
  check_address(any, input);
  if (v4)
    check(v4->family == Family::ipv4 && any && *any == *v4, "parse_ipv4 and parse_address disagree",
          input);
  if (v6)
    check(v6->family == Family::ipv6 && any && *any == *v6, "parse_ipv6 and parse_address disagree",
          input);

  const ValueResult<Cidr> c4 = parse_cidr4(input);
  const ValueResult<Cidr> c6 = parse_cidr6(input);
  const ValueResult<Cidr> c = parse_cidr(input);
  check_cidr(c4, input);
  check_cidr(c6, input);
  check_cidr(c, input);
  if (c4)
    check(c4->family == Family::ipv4 && c && *c == *c4, "parse_cidr4 and parse_cidr disagree",
          input);
  if (c6)
    check(c6->family == Family::ipv6 && c && *c == *c6, "parse_cidr6 and parse_cidr disagree",
          input);
  if (c && c->family == Family::ipv4) {
    const Ipv4Set set = to_set4(*c);
    check(to_cidrs(set).size() == 1 && to_cidrs(set)[0] == *c, "to_cidrs(to_set4(c)) != {c}",
          input);
  }

  const ValueResult<std::uint16_t> port = parse_port(input);
  check_error(port, input);
  const ValueResult<PortRange> range = parse_port_range(input);
  check_error(range, input);
  if (range) check(range->from <= range->to, "port range from > to", input);
  if (port)
    check(range && range->from == *port && range->to == *port, "port is not a range of one", input);

  const ValueResult<int> protocol = parse_protocol(input);
  check_error(protocol, input);
  if (protocol) {
    check(*protocol >= -1 && *protocol <= 255, "protocol out of range", input);
    const ValueResult<int> again = parse_protocol(protocol_name(*protocol));
    check(again && *again == *protocol, "protocol_name does not reparse", input);
  }

  const ValueResult<IcmpTypeCode> icmp = parse_icmp(input);
  check_error(icmp, input);
  if (icmp) {
    check(icmp->type >= -1 && icmp->type <= 255 && icmp->code >= -1 && icmp->code <= 255,
          "ICMP type or code out of range", input);
    check(icmp->type != -1 || icmp->code == -1, "ICMP type -1 with a code", input);
  }
  return 0;
}
