// compute_matrix() and MatrixView against the definition they optimise: every ordered pair of
// distinct interfaces decided by Engine::verdict() (and, in the RapidCheck property, by the slow
// reference evaluator), cells merged per class pair (allow, deny, unknown, partial); and the
// per-class grants, the default output, checked by re-deriving every pair's verdict from them
// alone. Run on generated inventories, also with groups removed (undefined groups and references),
// interfaces without addresses and prefix lists without entries, for services of every kind, and
// on RapidCheck's random inventories (generators.h). Entry point: the tests below.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "generators.h"
#include "reference.h"
#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"

namespace sgcheck {
namespace {

Verdict merge(std::optional<Verdict> seen, Verdict v) {
  if (!seen || *seen == v) return v;
  if (*seen == Verdict::allow || v == Verdict::allow || *seen == Verdict::partial ||
      v == Verdict::partial) {
    return Verdict::partial;
  }
  return Verdict::unknown;
}

// The obviously-correct matrix: one verdict() per pair, in class order.
Matrix pairwise(const Engine& engine, const Service& service,
                const std::vector<MatrixClass>& classes) {
  Matrix m;
  m.classes = classes;
  for (std::uint32_t a = 0; a < classes.size(); ++a) {
    for (std::uint32_t b = 0; b < classes.size(); ++b) {
      std::optional<Verdict> cell;
      for (const std::string& from : classes[a].interfaces) {
        for (const std::string& to : classes[b].interfaces) {
          if (from == to) continue;
          Flow f;
          f.service = service;
          f.source.kind = EndpointKind::interface;
          f.source.id = from;
          f.destination.kind = EndpointKind::interface;
          f.destination.id = to;
          const Verdict v = engine.verdict(f);
          cell = merge(cell, v);
          m.pairs.push_back({from, to, v});
        }
      }
      if (cell) m.cells.push_back({a, b, *cell});
    }
  }
  return m;
}

Service service(const char* text) {
  const std::string flow = std::string(text) + " from 10.0.0.1 to 10.0.0.2";
  return parse_flow(flow).flow->service;
}

Inventory generated(std::uint64_t seed, bool damaged) {
  GenOptions options = *gen_preset("S");
  options.seed = seed;
  options.groups = 16;
  options.interfaces = 40;
  options.ipv6_share = 0.3;
  options.prefix_list_share = 0.1;
  const GenResult gen = generate_inventory(options);
  Inventory inv = load_inventory_from_buffers(gen.files).inventory;
  if (damaged) {
    // Undefined groups (members and references then unknown), interfaces without addresses, prefix
    // lists whose entries are missing.
    for (std::size_t i = inv.groups.size(); i-- > 0;) {
      if (i % 5 == 2) inv.groups.erase(inv.groups.begin() + static_cast<std::ptrdiff_t>(i));
    }
    for (std::size_t i = 0; i < inv.interfaces.size(); i += 7)
      inv.interfaces[i].private_ips.clear();
    for (std::size_t i = 0; i < inv.prefix_lists.size(); i += 2) {
      inv.prefix_lists[i].entries_known = false;
      inv.prefix_lists[i].entries.clear();
    }
  }
  return inv;
}

void expect_same(const Matrix& got, const Matrix& want, bool pairs) {
  ASSERT_EQ(got.cells.size(), want.cells.size());
  for (std::size_t i = 0; i < want.cells.size(); ++i) {
    EXPECT_EQ(got.cells[i].from, want.cells[i].from);
    EXPECT_EQ(got.cells[i].to, want.cells[i].to);
    EXPECT_EQ(got.cells[i].verdict, want.cells[i].verdict)
        << "cell " << want.cells[i].from << " -> " << want.cells[i].to;
  }
  if (!pairs) return;
  ASSERT_EQ(got.pairs.size(), want.pairs.size());
  for (std::size_t i = 0; i < want.pairs.size(); ++i) {
    EXPECT_EQ(got.pairs[i].from, want.pairs[i].from);
    EXPECT_EQ(got.pairs[i].to, want.pairs[i].to);
    EXPECT_EQ(got.pairs[i].verdict, want.pairs[i].verdict);
  }
}

// ---- the grants alone decide every pair ----------------------------------------------------

const Address* primary(const Interface& x, Family family) {
  for (const Address& a : x.private_ips) {
    if (a.family == family) return &a;
  }
  return nullptr;
}

// Whether the grants name `remote` at `address`: a CIDR holding the address, or a group it carries.
bool grants_match(const MatrixGrants& g, const Interface& remote, const Address& address) {
  for (const std::string& text : g.cidrs) {
    const ValueResult<Cidr> cidr =
        text.find('/') == std::string::npos
            ? parse_cidr(text + (address.family == Family::ipv4 ? "/32" : "/128"))
            : parse_cidr(text);
    if (!cidr) ADD_FAILURE() << "grant CIDR does not parse: " << text;
    if (cidr && cidr->contains(address)) return true;
  }
  return std::any_of(g.groups.begin(), g.groups.end(), [&](const std::string& id) {
    return std::find(remote.groups.begin(), remote.groups.end(), id) != remote.groups.end();
  });
}

Verdict side_from_grants(const MatrixGrants& g, const Interface& remote, const Address& address) {
  if (grants_match(g, remote, address)) return Verdict::allow;
  return g.unknown.empty() ? Verdict::deny : Verdict::unknown;
}

// A pair's verdict from the two classes' grants, as the output tells a reader to combine them.
Verdict verdict_from_grants(const MatrixView& view, const Inventory& inv, std::uint32_t a,
                            std::uint32_t b, std::uint32_t from, std::uint32_t to) {
  const Address* src = primary(inv.interfaces[from], view.family());
  const Address* dst = primary(inv.interfaces[to], view.family());
  if (src == nullptr || dst == nullptr) return Verdict::unknown;
  const Verdict egress =
      side_from_grants(view.grants(a, Direction::egress), inv.interfaces[to], *dst);
  const Verdict ingress =
      side_from_grants(view.grants(b, Direction::ingress), inv.interfaces[from], *src);
  if (egress == Verdict::deny || ingress == Verdict::deny) return Verdict::deny;
  if (egress == Verdict::unknown || ingress == Verdict::unknown) return Verdict::unknown;
  return Verdict::allow;
}

// Every pair of the view: its streamed verdict, the verdict from the grants and `decide` agree,
// and every streamed cell is the merge of its pairs. Returns a failure message, empty when none.
template <typename Decide>
std::string check_view(const MatrixView& view, const Inventory& inv, Decide decide) {
  std::vector<std::uint32_t> class_of(inv.interfaces.size());
  for (std::uint32_t k = 0; k < view.classes().size(); ++k) {
    for (const std::uint32_t i : view.members(k)) class_of[i] = k;
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, Verdict> want_cells;
  std::string failure;
  std::size_t pairs = 0;
  view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
    ++pairs;
    const std::uint32_t a = class_of[from], b = class_of[to];
    const Verdict want = decide(inv.interfaces[from].id.str(), inv.interfaces[to].id.str());
    const Verdict granted = verdict_from_grants(view, inv, a, b, from, to);
    if (failure.empty() && (v != want || granted != want)) {
      failure = inv.interfaces[from].id + " -> " + inv.interfaces[to].id + ": matrix " +
                verdict_name(v) + ", from grants " + verdict_name(granted) + ", decision " +
                verdict_name(want);
    }
    auto [it, inserted] = want_cells.try_emplace({a, b}, want);
    if (!inserted) it->second = merge(it->second, want);
  });
  const std::size_t n = inv.interfaces.size();
  if (failure.empty() && pairs != n * (n - (n > 0 ? 1 : 0))) failure = "not every pair streamed";
  std::size_t cells = 0;
  std::pair<std::uint32_t, std::uint32_t> last{0, 0};
  view.for_each_cell([&](const MatrixCell& c) {
    const auto it = want_cells.find({c.from, c.to});
    if (!failure.empty()) return;
    if (it == want_cells.end() || it->second != c.verdict) {
      failure = "cell " + std::to_string(c.from) + " -> " + std::to_string(c.to) + ": " +
                verdict_name(c.verdict);
    } else if (cells > 0 && std::pair{c.from, c.to} <= last) {
      failure = "cells out of order";
    }
    last = {c.from, c.to};
    ++cells;
  });
  if (failure.empty() && cells != want_cells.size()) failure = "not every cell streamed";
  return failure;
}

Flow interface_pair(const Service& s, const std::string& from, const std::string& to) {
  Flow f;
  f.service = s;
  f.source.kind = EndpointKind::interface;
  f.source.id = from;
  f.destination.kind = EndpointKind::interface;
  f.destination.id = to;
  return f;
}

TEST(Matrix, ClassCellsAgreeWithEveryPair) {
  const char* services[] = {"tcp/22",   "tcp/443",      "tcp/5432", "udp/53",
                            "icmp/8:0", "icmpv6/128:0", "proto/50"};
  std::map<Verdict, int> seen;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    for (const bool damaged : {false, true}) {
      const Inventory inv = generated(seed, damaged);
      const Engine engine(inv);
      for (const char* text : services) {
        SCOPED_TRACE(std::string(text) + " seed " + std::to_string(seed) +
                     (damaged ? " damaged" : ""));
        const Service s = service(text);
        const Matrix cells = compute_matrix(engine, s, false);
        const Matrix with_pairs = compute_matrix(engine, s, true);
        const Matrix want = pairwise(engine, s, cells.classes);
        ASSERT_EQ(cells.classes.size(), with_pairs.classes.size());
        expect_same(cells, want, false);
        expect_same(with_pairs, want, true);
        const MatrixView view(engine, s);
        EXPECT_EQ(check_view(view, inv,
                             [&](const std::string& from, const std::string& to) {
                               return engine.verdict(interface_pair(s, from, to));
                             }),
                  "");
        for (const MatrixCell& c : want.cells) ++seen[c.verdict];
      }
    }
  }
  // The inventories exercise every kind of cell.
  for (const Verdict v : {Verdict::allow, Verdict::deny, Verdict::unknown, Verdict::partial}) {
    EXPECT_GT(seen[v], 0) << verdict_name(v);
  }
}

// The grants of a class on a small inventory built by hand: CIDRs canonical, host blocks as
// addresses, references as group ids, the internet marked, unknowns explained.
TEST(Matrix, GrantsOfAClass) {
  const Inventory inv = load_inventory_from_buffers(generate_inventory([] {
                                                      GenOptions o = *gen_preset("S");
                                                      o.groups = 12;
                                                      o.interfaces = 30;
                                                      o.seed = 3;
                                                      return o;
                                                    }())
                                                        .files)
                            .inventory;
  const Engine engine(inv);
  const MatrixView view(engine, service("tcp/22"));
  ASSERT_FALSE(view.classes().empty());
  std::size_t members = 0;
  for (std::uint32_t k = 0; k < view.classes().size(); ++k) {
    members += view.members(k).size();
    EXPECT_EQ(view.members(k).size(), view.classes()[k].interfaces.size());
    for (const Direction d : {Direction::ingress, Direction::egress}) {
      const MatrixGrants& g = view.grants(k, d);
      EXPECT_TRUE(std::is_sorted(g.groups.begin(), g.groups.end()));
      for (const std::string& text : g.cidrs) {
        const bool host = text.find('/') == std::string::npos;
        const ValueResult<Cidr> cidr = host ? parse_cidr(text + "/32") : parse_cidr(text);
        ASSERT_TRUE(cidr) << text;
        EXPECT_EQ(host ? to_string(Address{cidr->family, cidr->base}) : to_string(*cidr), text);
      }
      if (std::find(g.cidrs.begin(), g.cidrs.end(), "0.0.0.0/0") != g.cidrs.end()) {
        EXPECT_EQ(g.internet, InternetExposure::all);
      }
      if (g.cidrs.empty()) {
        EXPECT_EQ(g.internet, InternetExposure::none);
      }
    }
  }
  EXPECT_EQ(members, inv.interfaces.size());
}

// On random inventories (generators.h: undefined groups, references across VPCs, prefix lists
// without entries, interfaces without addresses), every pair and cell of the matrix equals the
// reference evaluator's decision of that pair, and so does the verdict derived from the grants.
RC_GTEST_PROP(MatrixProperty, EveryPairAndCellAgreesWithTheReference, ()) {
  using namespace sgcheck::testing;
  const Inventory inv = *gen_inventory();
  const Engine engine(inv);
  const Family family = *rc::gen::element(Family::ipv4, Family::ipv6);
  const Service s = *gen_point_service(family);
  const MatrixView view(engine, s);
  const std::string failure =
      check_view(view, inv, [&](const std::string& from, const std::string& to) {
        return reference_verdict(inv, interface_pair(s, from, to));
      });
  RC_ASSERT(failure == std::string());
}

}  // namespace
}  // namespace sgcheck
