// compute_matrix() against the definition it optimises: every ordered pair of distinct interfaces
// decided by Engine::verdict(), cells merged per class pair (allow, deny, unknown, partial). Run on
// generated inventories, also with groups removed (undefined groups and references), interfaces
// without addresses and prefix lists without entries, for services of every kind. Entry point:
// the tests below.
#include <gtest/gtest.h>

#include <map>

#include "sgcheck/engine.h"
#include "sgcheck/gen.h"

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
        for (const MatrixCell& c : want.cells) ++seen[c.verdict];
      }
    }
  }
  // The inventories exercise every kind of cell.
  for (const Verdict v : {Verdict::allow, Verdict::deny, Verdict::unknown, Verdict::partial}) {
    EXPECT_GT(seen[v], 0) << verdict_name(v);
  }
}

}  // namespace
}  // namespace sgcheck
