// The reachability matrix of one service: interfaces grouped into classes with the same VPC and
// groups; for each ordered pair of classes, the verdicts of their member pairs (allow, deny,
// unknown, or partial when members differ, e.g. through CIDR rules). Entry point: compute_matrix().
#include <map>

#include "sgcheck/engine.h"

namespace sgcheck {
namespace {

using ClassKey = std::pair<std::string, std::vector<std::string>>;  // VPC, sorted groups

Flow pair_flow(const Service& service, const std::string& from, const std::string& to) {
  Flow f;
  f.service = service;
  f.source.kind = EndpointKind::interface;
  f.source.id = from;
  f.destination.kind = EndpointKind::interface;
  f.destination.id = to;
  return f;
}

Verdict merge(std::optional<Verdict> seen, Verdict v) {
  if (!seen || *seen == v) return v;
  if (*seen == Verdict::allow || v == Verdict::allow || *seen == Verdict::partial ||
      v == Verdict::partial) {
    return Verdict::partial;
  }
  return Verdict::unknown;  // deny and unknown members: unknown
}

}  // namespace

Matrix compute_matrix(const Engine& engine, const Service& service, bool want_pairs) {
  const Inventory& inv = engine.inventory();
  Matrix m;
  std::map<ClassKey, std::uint32_t> index;
  for (const Interface& x : inv.interfaces) {
    std::vector<std::string> groups = x.groups;
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    auto [it, inserted] =
        index.try_emplace(ClassKey{x.vpc_id, groups}, static_cast<std::uint32_t>(m.classes.size()));
    if (inserted) m.classes.push_back(MatrixClass{x.vpc_id, groups, {}});
    m.classes[it->second].interfaces.push_back(x.id);
  }
  for (std::uint32_t a = 0; a < m.classes.size(); ++a) {
    for (std::uint32_t b = 0; b < m.classes.size(); ++b) {
      std::optional<Verdict> cell;
      for (const std::string& from : m.classes[a].interfaces) {
        for (const std::string& to : m.classes[b].interfaces) {
          if (from == to) continue;
          const Verdict v = engine.verdict(pair_flow(service, from, to));
          cell = merge(cell, v);
          if (want_pairs) m.pairs.push_back(MatrixPair{from, to, v});
          // Without pairs, a mixed cell needs no more members.
          if (!want_pairs && *cell == Verdict::partial) break;
        }
        if (!want_pairs && cell && *cell == Verdict::partial) break;
      }
      if (cell) m.cells.push_back(MatrixCell{a, b, *cell});
    }
  }
  return m;
}

}  // namespace sgcheck
