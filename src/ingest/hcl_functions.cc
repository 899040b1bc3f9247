// The Terraform functions that security-group code uses, over known values; an unknown argument
// or an unsupported function gives an unknown value naming it (never a guess). cidrsubnet,
// cidrhost and cidrsubnets compute on the atoms' address values (values.h). Entry point:
// call_function().
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "ingest/hcl_eval.h"
#include "sgcheck/values.h"

namespace sgcheck::detail {

namespace {

using Kind = HclValue::Kind;

struct Call {
  std::string_view name;
  std::vector<HclValue>& args;
  HclPos pos;
  std::string_view text;

  HclValue error() const {
    HclValue v = HclValue::unknown(std::string(text), pos);
    v.error = true;
    return v;
  }
  HclValue list(std::vector<HclValue> items) const {
    HclValue v;
    v.kind = Kind::list;
    v.items = std::move(items);
    v.pos = pos;
    return v;
  }
};

bool text_of(const HclValue& v, std::string& out) {
  return to_text(v, out);
}

bool integer_of(const HclValue& v, long long& out) {
  double n = 0;
  if (v.kind == Kind::number) {
    n = v.number;
  } else if (v.kind == Kind::string) {
    char* end = nullptr;
    n = std::strtod(v.text.c_str(), &end);
    if (v.text.empty() || end != v.text.c_str() + v.text.size()) return false;
  } else {
    return false;
  }
  if (std::floor(n) != n || std::fabs(n) > 1e18) return false;
  out = static_cast<long long>(n);
  return true;
}

bool items_of(const HclValue& v, std::vector<HclValue>& out) {
  if (v.kind == Kind::list) {
    out.insert(out.end(), v.items.begin(), v.items.end());
    return true;
  }
  if (v.kind == Kind::object) {
    for (const auto& m : v.members) out.push_back(m.second);
    return true;
  }
  return false;
}

// Unknown elements make the whole unknown where a function must look at every element.
const HclValue* unknown_inside(const HclValue& v) {
  if (!v.known()) return &v;
  for (const HclValue& i : v.items)
    if (const HclValue* u = unknown_inside(i)) return u;
  return nullptr;
}

std::vector<HclValue> distinct_items(const std::vector<HclValue>& items) {
  std::vector<HclValue> out;
  for (const HclValue& v : items) {
    const bool seen = v.known() || !v.ref.empty()
                          ? std::any_of(out.begin(), out.end(),
                                        [&](const HclValue& o) { return values_equal(o, v); })
                          : false;
    if (!seen) out.push_back(v);
  }
  return out;
}

void flatten_into(const HclValue& v, std::vector<HclValue>& out) {
  if (v.kind == Kind::list) {
    for (const HclValue& i : v.items) flatten_into(i, out);
  } else {
    out.push_back(v);
  }
}

// Terraform's format verbs over known arguments: %s %d %v %q %%, with widths left out.
bool format_text(std::string_view spec, const std::vector<HclValue>& args, std::string& out) {
  std::size_t next = 0;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out += spec[i];
      continue;
    }
    if (++i >= spec.size()) return false;
    if (spec[i] == '%') {
      out += '%';
      continue;
    }
    // Flags and width: '-' pads on the right, '0' with zeros; a precision is not supported.
    bool left = false, zero = false;
    for (; i < spec.size() &&
           (spec[i] == '-' || spec[i] == '0' || spec[i] == '+' || spec[i] == '#' || spec[i] == ' ');
         ++i) {
      left = left || spec[i] == '-';
      zero = zero || spec[i] == '0';
    }
    std::size_t width = 0;
    for (; i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])); ++i)
      width = width * 10 + static_cast<std::size_t>(spec[i] - '0');
    if (i >= spec.size() || next >= args.size() || spec[i] == '.' || width > 1000) return false;
    const char verb = spec[i];
    if (verb != 's' && verb != 'd' && verb != 'v' && verb != 'q') return false;
    std::string text;
    const HclValue& arg = args[next++];
    if (!text_of(arg, text)) return false;
    if (verb == 'd') {
      if (arg.kind != Kind::number && !(arg.kind == Kind::string && !text.empty())) return false;
      double n = 0;
      if (arg.kind == Kind::number)
        n = arg.number;
      else if (!(std::istringstream(text) >> n))
        return false;
      if (std::floor(n) != n) return false;
      text = number_text(n);
    }
    if (verb == 'q') text = "\"" + text + "\"";
    if (text.size() < width) {
      const std::string pad(width - text.size(), zero && !left && verb == 'd' ? '0' : ' ');
      if (left)
        text += pad;
      else if (zero && verb == 'd' && !text.empty() && text[0] == '-')
        text = "-" + pad + text.substr(1);
      else
        text = pad + text;
    }
    out += text;
  }
  return true;
}

// The n-th subnet of `newbits` more bits inside `prefix` (Terraform's cidrsubnet).
std::optional<Cidr> subnet_of(const Cidr& prefix, long long newbits, long long number) {
  const int width = prefix.family == Family::ipv4 ? 32 : 128;
  if (newbits < 0 || prefix.prefix + newbits > width || number < 0) return std::nullopt;
  if (newbits < 63 && number >= (1LL << newbits)) return std::nullopt;
  Cidr out = prefix;
  out.prefix = static_cast<std::uint8_t>(prefix.prefix + newbits);
  out.base = prefix.base | (static_cast<u128>(number) << (width - out.prefix));
  out.had_host_bits = false;
  return out;
}

HclValue cidr_function(const Call& c) {
  const auto parsed = [&](std::size_t i) -> std::optional<Cidr> {
    std::string text;
    if (i >= c.args.size() || !text_of(c.args[i], text)) return std::nullopt;
    const auto cidr = parse_cidr(text);
    if (!cidr || text.find('/') == std::string::npos) return std::nullopt;
    return *cidr;
  };
  const std::optional<Cidr> prefix = parsed(0);
  if (!prefix) return c.error();
  if (c.name == "cidrsubnet") {
    long long newbits = 0, number = 0;
    if (c.args.size() != 3 || !integer_of(c.args[1], newbits) || !integer_of(c.args[2], number))
      return c.error();
    const auto subnet = subnet_of(*prefix, newbits, number);
    if (!subnet) return c.error();
    return HclValue::string_value(to_string(*subnet), c.pos);
  }
  if (c.name == "cidrsubnets") {
    std::vector<HclValue> out;
    const int width = prefix->family == Family::ipv4 ? 32 : 128;
    u128 next = prefix->base;
    for (std::size_t i = 1; i < c.args.size(); ++i) {
      long long newbits = 0;
      if (!integer_of(c.args[i], newbits) || newbits < 1 || prefix->prefix + newbits > width)
        return c.error();
      const int length = prefix->prefix + static_cast<int>(newbits);
      const u128 size = length >= width ? 1 : (static_cast<u128>(1) << (width - length));
      next = (next + size - 1) / size * size;  // aligned to the block's size
      Cidr subnet = *prefix;
      subnet.prefix = static_cast<std::uint8_t>(length);
      subnet.base = next;
      if (!prefix->contains(Address{prefix->family, next})) return c.error();
      out.push_back(HclValue::string_value(to_string(subnet), c.pos));
      next += size;
    }
    return c.list(std::move(out));
  }
  // cidrhost: the n-th address, counted from the end when negative.
  long long number = 0;
  if (c.args.size() != 2 || !integer_of(c.args[1], number)) return c.error();
  const int width = prefix->family == Family::ipv4 ? 32 : 128;
  const int host_bits = width - prefix->prefix;
  const u128 span = host_bits >= 128 ? ~static_cast<u128>(0) : (static_cast<u128>(1) << host_bits);
  const u128 offset = number >= 0 ? static_cast<u128>(number) : span - static_cast<u128>(-number);
  if ((number >= 0 && host_bits < 127 && offset >= span) ||
      (number < 0 && static_cast<u128>(-number) > span))
    return c.error();
  return HclValue::string_value(to_string(Address{prefix->family, prefix->base + offset}), c.pos);
}

// min() and max() of whole numbers.
HclValue extreme(const Call& c, bool largest) {
  if (c.args.empty()) return c.error();
  long long best = 0;
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    long long n = 0;
    if (!integer_of(c.args[i], n)) return c.error();
    best = i == 0 ? n : largest ? std::max(best, n) : std::min(best, n);
  }
  return HclValue::number_value(static_cast<double>(best), c.pos);
}

using Function = std::function<HclValue(Call&)>;

const std::map<std::string_view, Function>& functions() {
  static const std::map<std::string_view, Function> table = {
      {"concat",
       [](Call& c) {
         std::vector<HclValue> out;
         for (const HclValue& a : c.args)
           if (!items_of(a, out) || a.kind != Kind::list) return c.error();
         return c.list(std::move(out));
       }},
      {"flatten",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list) return c.error();
         std::vector<HclValue> out;
         flatten_into(c.args[0], out);
         return c.list(std::move(out));
       }},
      {"distinct",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list) return c.error();
         return c.list(distinct_items(c.args[0].items));
       }},
      {"toset",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list) return c.error();
         std::vector<HclValue> out = distinct_items(c.args[0].items);
         // A set of strings iterates in lexical order.
         if (std::all_of(out.begin(), out.end(),
                         [](const HclValue& v) { return v.kind == Kind::string; }))
           std::stable_sort(out.begin(), out.end(),
                            [](const HclValue& a, const HclValue& b) { return a.text < b.text; });
         return c.list(std::move(out));
       }},
      {"tolist",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list) return c.error();
         return c.args[0];
       }},
      {"tomap",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::object) return c.error();
         return c.args[0];
       }},
      {"merge",
       [](Call& c) {
         HclValue out;
         out.kind = Kind::object;
         out.pos = c.pos;
         for (const HclValue& a : c.args) {
           if (a.kind == Kind::null) continue;
           if (a.kind != Kind::object) return c.error();
           for (const auto& [k, v] : a.members) {
             auto it = std::find_if(out.members.begin(), out.members.end(),
                                    [&](const auto& m) { return m.first == k; });
             if (it != out.members.end())
               it->second = v;
             else
               out.members.emplace_back(k, v);
           }
         }
         std::sort(out.members.begin(), out.members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
         return out;
       }},
      {"lookup",
       [](Call& c) {
         if (c.args.size() < 2 || c.args.size() > 3 || c.args[0].kind != Kind::object)
           return c.error();
         std::string key;
         if (!text_of(c.args[1], key)) return c.error();
         if (const HclValue* v = c.args[0].member(key)) return *v;
         if (c.args.size() == 3) return c.args[2];
         return c.error();
       }},
      {"length",
       [](Call& c) {
         if (c.args.size() != 1) return c.error();
         const HclValue& a = c.args[0];
         if (a.kind == Kind::list)
           return HclValue::number_value(static_cast<double>(a.items.size()), c.pos);
         if (a.kind == Kind::object)
           return HclValue::number_value(static_cast<double>(a.members.size()), c.pos);
         if (a.kind == Kind::string)
           return HclValue::number_value(static_cast<double>(a.text.size()), c.pos);
         return c.error();
       }},
      {"format",
       [](Call& c) {
         std::string spec, out;
         if (c.args.empty() || !text_of(c.args[0], spec)) return c.error();
         std::vector<HclValue> rest(c.args.begin() + 1, c.args.end());
         if (!format_text(spec, rest, out)) return c.error();
         return HclValue::string_value(std::move(out), c.pos);
       }},
      {"join",
       [](Call& c) {
         std::string sep, out;
         if (c.args.size() < 2 || !text_of(c.args[0], sep)) return c.error();
         bool first = true;
         for (std::size_t i = 1; i < c.args.size(); ++i) {
           if (c.args[i].kind != Kind::list) return c.error();
           for (const HclValue& v : c.args[i].items) {
             std::string t;
             if (!text_of(v, t)) return c.error();
             if (!first) out += sep;
             first = false;
             out += t;
           }
         }
         return HclValue::string_value(std::move(out), c.pos);
       }},
      {"split",
       [](Call& c) {
         std::string sep, text;
         if (c.args.size() != 2 || !text_of(c.args[0], sep) || !text_of(c.args[1], text) ||
             sep.empty())
           return c.error();
         std::vector<HclValue> out;
         std::size_t start = 0;
         for (;;) {
           const std::size_t at = text.find(sep, start);
           out.push_back(HclValue::string_value(text.substr(start, at - start), c.pos));
           if (at == std::string::npos) break;
           start = at + sep.size();
         }
         return c.list(std::move(out));
       }},
      {"coalesce",
       [](Call& c) {
         for (const HclValue& a : c.args)
           if (a.kind != Kind::null && !(a.kind == Kind::string && a.text.empty())) return a;
         return c.error();
       }},
      {"coalescelist",
       [](Call& c) {
         for (const HclValue& a : c.args)
           if (a.kind == Kind::list && !a.items.empty()) return a;
         return c.list({});
       }},
      {"compact",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list) return c.error();
         std::vector<HclValue> out;
         for (const HclValue& v : c.args[0].items)
           if (v.kind != Kind::null && !(v.kind == Kind::string && v.text.empty()))
             out.push_back(v);
         return c.list(std::move(out));
       }},
      {"keys",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::object) return c.error();
         std::vector<HclValue> out;
         for (const auto& m : c.args[0].members)
           out.push_back(HclValue::string_value(m.first, c.pos));
         return c.list(std::move(out));
       }},
      {"values",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::object) return c.error();
         std::vector<HclValue> out;
         for (const auto& m : c.args[0].members) out.push_back(m.second);
         return c.list(std::move(out));
       }},
      {"contains",
       [](Call& c) {
         if (c.args.size() != 2 || c.args[0].kind != Kind::list) return c.error();
         for (const HclValue& v : c.args[0].items)
           if (values_equal(v, c.args[1])) return HclValue::bool_value(true, c.pos);
         return HclValue::bool_value(false, c.pos);
       }},
      {"element",
       [](Call& c) {
         long long i = 0;
         if (c.args.size() != 2 || c.args[0].kind != Kind::list || c.args[0].items.empty() ||
             !integer_of(c.args[1], i) || i < 0)
           return c.error();
         return c.args[0].items[static_cast<std::size_t>(i) % c.args[0].items.size()];
       }},
      {"tostring",
       [](Call& c) {
         std::string t;
         if (c.args.size() != 1 || !text_of(c.args[0], t)) return c.error();
         return HclValue::string_value(std::move(t), c.pos);
       }},
      {"tonumber",
       [](Call& c) {
         long long n = 0;
         if (c.args.size() == 1 && c.args[0].kind == Kind::number) return c.args[0];
         if (c.args.size() != 1 || !integer_of(c.args[0], n)) return c.error();
         return HclValue::number_value(static_cast<double>(n), c.pos);
       }},
      {"lower",
       [](Call& c) {
         std::string t;
         if (c.args.size() != 1 || !text_of(c.args[0], t)) return c.error();
         for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
         return HclValue::string_value(std::move(t), c.pos);
       }},
      {"upper",
       [](Call& c) {
         std::string t;
         if (c.args.size() != 1 || !text_of(c.args[0], t)) return c.error();
         for (char& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
         return HclValue::string_value(std::move(t), c.pos);
       }},
      {"trimspace",
       [](Call& c) {
         std::string t;
         if (c.args.size() != 1 || !text_of(c.args[0], t)) return c.error();
         const std::size_t a = t.find_first_not_of(" \t\r\n");
         const std::size_t b = t.find_last_not_of(" \t\r\n");
         return HclValue::string_value(a == std::string::npos ? "" : t.substr(a, b - a + 1), c.pos);
       }},
      {"replace",
       [](Call& c) {
         std::string t, from, to;
         if (c.args.size() != 3 || !text_of(c.args[0], t) || !text_of(c.args[1], from) ||
             !text_of(c.args[2], to) || from.empty() || from.front() == '/')
           return c.error();  // a /regex/ is not supported: unknown
         std::string out;
         std::size_t start = 0;
         for (std::size_t at; (at = t.find(from, start)) != std::string::npos;
              start = at + from.size())
           out += t.substr(start, at - start) + to;
         out += t.substr(start);
         return HclValue::string_value(std::move(out), c.pos);
       }},
      {"min", [](Call& c) { return extreme(c, false); }},
      {"max", [](Call& c) { return extreme(c, true); }},
      {"range",
       [](Call& c) {
         long long start = 0, end = 0, step = 1;
         const std::size_t n = c.args.size();
         if (n == 1   ? !integer_of(c.args[0], end)
             : n == 2 ? !integer_of(c.args[0], start) || !integer_of(c.args[1], end)
             : n == 3 ? !integer_of(c.args[0], start) || !integer_of(c.args[1], end) ||
                            !integer_of(c.args[2], step)
                      : true)
           return c.error();
         if (step == 0 || (end - start) / step > 1024) return c.error();
         std::vector<HclValue> out;
         for (long long i = start; step > 0 ? i < end : i > end; i += step)
           out.push_back(HclValue::number_value(static_cast<double>(i), c.pos));
         return c.list(std::move(out));
       }},
      {"zipmap",
       [](Call& c) {
         if (c.args.size() != 2 || c.args[0].kind != Kind::list || c.args[1].kind != Kind::list ||
             c.args[0].items.size() != c.args[1].items.size())
           return c.error();
         HclValue out;
         out.kind = Kind::object;
         out.pos = c.pos;
         for (std::size_t i = 0; i < c.args[0].items.size(); ++i) {
           std::string k;
           if (!text_of(c.args[0].items[i], k)) return c.error();
           out.members.emplace_back(k, c.args[1].items[i]);
         }
         std::stable_sort(out.members.begin(), out.members.end(),
                          [](const auto& a, const auto& b) { return a.first < b.first; });
         return out;
       }},
      {"setunion",
       [](Call& c) {
         std::vector<HclValue> all;
         for (const HclValue& a : c.args)
           if (a.kind != Kind::list || !items_of(a, all)) return c.error();
         return c.list(distinct_items(all));
       }},
      {"one",
       [](Call& c) {
         if (c.args.size() != 1 || c.args[0].kind != Kind::list || c.args[0].items.size() > 1)
           return c.error();
         if (c.args[0].items.empty()) {
           HclValue null;
           null.pos = c.pos;
           return null;
         }
         return c.args[0].items[0];
       }},
      {"cidrsubnet", cidr_function},
      {"cidrhost", cidr_function},
      {"cidrsubnets", cidr_function},
  };
  return table;
}

// Functions that read every element (and so need each one known).
bool needs_known_elements(std::string_view name) {
  return name != "concat" && name != "flatten" && name != "distinct" && name != "toset" &&
         name != "tolist" && name != "merge" && name != "lookup" && name != "length" &&
         name != "coalesce" && name != "compact" && name != "values" && name != "element" &&
         name != "setunion" && name != "one" && name != "coalescelist" && name != "keys" &&
         name != "zipmap" && name != "tomap";
}

}  // namespace

HclValue call_function(std::string_view name, std::vector<HclValue>& args, HclPos pos,
                       std::string_view call_text) {
  const auto& table = functions();
  const auto it = table.find(name);
  if (it == table.end())
    return HclValue::unknown("unsupported function " + std::string(name) + "()", pos);
  // An unknown argument itself makes the result unknown; unknown elements of a list only where
  // the function looks at them.
  for (const HclValue& a : args) {
    if (!a.known()) return HclValue::unknown(a.text, pos, {});
    if (needs_known_elements(name))
      if (const HclValue* u = unknown_inside(a)) return HclValue::unknown(u->text, pos);
  }
  Call call{name, args, pos, call_text};
  return it->second(call);
}

}  // namespace sgcheck::detail
