// parse_point_flow(): the common point flow of a batch (tcp/443 from 10.0.0.5 to eni-0a1b) read in
// one pass over its bytes, without the grammar's backtracking, actions and exceptions. Anything
// it does not recognise goes to the grammar (flow.cc), which alone words errors; the flow_robust
// test checks on random and mutated lines that both read the same Flow. Entry point:
// parse_point_flow().
#include "engine/point_flow.h"

namespace sgcheck::detail {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A position in the text and the few shapes the fast path reads; each read advances past what it
// matched and returns true, or returns false (the caller then gives up the whole line).
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  std::size_t at() const { return at_; }
  std::string_view since(std::size_t start) const { return text_.substr(start, at_ - start); }

  bool word(std::string_view w) {
    if (text_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    return true;
  }
  // 1 to 5 decimal digits without a leading zero, at most `max`.
  bool number(std::uint32_t max, std::uint32_t& value) {
    const std::size_t start = at_;
    value = 0;
    while (at_ < text_.size() && is_digit(text_[at_]) && at_ - start < 6) {
      value = value * 10 + static_cast<std::uint32_t>(text_[at_] - '0');
      ++at_;
    }
    const std::size_t digits = at_ - start;
    if (digits == 0 || digits > 5 || (digits > 1 && text_[start] == '0')) return false;
    return value <= max;
  }
  bool hex_digits() {
    const std::size_t start = at_;
    while (at_ < text_.size() && is_hex(text_[at_])) ++at_;
    return at_ > start;
  }
  void skip_blanks() {
    while (at_ < text_.size() && is_blank(text_[at_])) ++at_;
  }
  bool at_blank_or_end() const { return at_ == text_.size() || is_blank(text_[at_]); }
  bool at_end() const { return at_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// tcp/PORT, udp/PORT or icmp/TYPE:CODE.
bool read_service(Cursor& in, Service& out) {
  out = Service{};
  std::uint32_t first = 0, second = 0;
  const bool tcp = in.word("tcp/");
  if (tcp || in.word("udp/")) {
    out.protocol = tcp ? kTcp : kUdp;
    if (!in.number(65535, first)) return false;
    out.ports = PortRange{static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(first)};
    return true;
  }
  if (!in.word("icmp/") || !in.number(255, first) || !in.word(":") || !in.number(255, second))
    return false;
  out.protocol = kIcmp;
  out.icmp = IcmpTypeCode{static_cast<int>(first), static_cast<int>(second)};
  return true;
}

// A dotted IPv4 address as a host block (what parse_cidr() makes of it).
bool read_ipv4(Cursor& in, Cidr& out) {
  std::uint32_t bits = 0;
  for (int octet = 0; octet < 4; ++octet) {
    std::uint32_t value = 0;
    if (octet > 0 && !in.word(".")) return false;
    if (!in.number(255, value)) return false;
    bits = bits << 8 | value;
  }
  out = Cidr{u128{bits}, Family::ipv4, 32, false};
  return true;
}

// eni-HEX, i-HEX or an IPv4 address, ending at a blank or the end of the text.
bool read_endpoint(Cursor& in, Endpoint& out) {
  const std::size_t start = in.at();
  out.column = static_cast<std::uint32_t>(start + 1);
  out.name.clear();
  out.internet_family.reset();
  out.all_addresses = false;
  out.aws.reset();
  out.cidr = Cidr{};
  const bool interface = in.word("eni-");
  if (interface || in.word("i-")) {
    if (!in.hex_digits() || !in.at_blank_or_end()) return false;
    out.kind = interface ? EndpointKind::interface : EndpointKind::instance;
    out.id.assign(in.since(start));
    return true;
  }
  out.kind = EndpointKind::address;
  out.id.clear();
  return read_ipv4(in, out.cidr) && in.at_blank_or_end();
}

}  // namespace

bool parse_point_flow(std::string_view text, Flow& out) {
  Cursor in(text);
  in.skip_blanks();
  if (!read_service(in, out.service) || !in.word(" from ")) return false;
  if (!read_endpoint(in, out.source) || !in.word(" to ")) return false;
  if (!read_endpoint(in, out.destination)) return false;
  in.skip_blanks();
  return in.at_end();
}

}  // namespace sgcheck::detail
