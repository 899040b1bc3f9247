// Merges per-file readings into one Inventory (see merge.h): groups by id with the rule-identity
// check, interfaces (union of addresses, same groups required), prefix lists (metadata + entries),
// VPCs and peerings; then sorts everything by id. Entry point: merge_inventories().
#include "model/merge.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <tuple>
#include <type_traits>

#include "model/permute.h"

namespace sgcheck::detail {

namespace {

using RuleKey = RuleIdentity;

// The indices of `rules` in key order.
std::vector<std::size_t> key_order(const std::vector<Rule>& rules, std::vector<RuleKey>& keys) {
  keys.clear();
  for (const Rule& r : rules) keys.push_back(rule_identity(r));
  std::vector<std::size_t> order(rules.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  return order;
}

bool earlier(const SourcePos& a, const SourcePos& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

void fill(Name& into, Name from) {
  if (into.empty()) into = from;
}

template <typename T>
void fill(std::vector<T>& into, const std::vector<T>& from) {
  if (into.empty()) into = from;
}

template <typename T>
void add_missing(std::vector<T>& into, const std::vector<T>& from) {
  for (const T& item : from) {
    if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
  }
}

class Merger {
 public:
  Merger(Inventory& into, std::vector<Inventory>& parts, const std::vector<std::string_view>& texts)
      : into_(into), parts_(parts), texts_(texts) {}

  // Each takes every definition of one id (at least two), in file order, and appends the result.
  void groups(std::vector<Group>& definitions);
  void interfaces(std::vector<Interface>& definitions);
  void prefix_lists(std::vector<PrefixList>& definitions);
  void vpcs(std::vector<Vpc>& definitions);
  void peerings(std::vector<Peering>& definitions);
  Diagnostics take_errors() { return std::move(errors_); }

 private:
  // "<what> is defined twice with <difference>: first defined at <first>", at `second`.
  void conflict(const std::string& what, const char* difference, const SourcePos& first,
                const SourcePos& second);
  std::string source_line(const SourcePos& pos) const;
  void repeated(const std::string& what, const char* added, const SourcePos& first,
                const SourcePos& again);
  template <typename T, typename Unite>
  void coalesce_within_file(std::vector<T>& definitions, const char* added, Unite&& unite);
  bool same_rules(Group& base, const Group& other);
  Group merge_rule_views(std::vector<Group>& views);

  Inventory& into_;
  std::vector<Inventory>& parts_;
  const std::vector<std::string_view>& texts_;
  Diagnostics errors_;
  std::vector<RuleKey> keys_a_, keys_b_;
};

std::string Merger::source_line(const SourcePos& pos) const {
  if (pos.file >= texts_.size() || pos.line == 0) return {};
  const std::string_view text = texts_[pos.file];
  std::size_t at = 0;
  for (std::uint32_t line = 1; line < pos.line; ++line) {
    const void* newline = std::memchr(text.data() + at, '\n', text.size() - at);
    if (newline == nullptr) return {};
    at = static_cast<std::size_t>(static_cast<const char*>(newline) - text.data()) + 1;
  }
  return line_at(text, at);
}

void Merger::conflict(const std::string& what, const char* difference, const SourcePos& first,
                      const SourcePos& second) {
  Diagnostic d;
  d.severity = Severity::error;
  d.message = what + " is defined twice with different " + difference + ": first defined at " +
              into_.location(first).to_string();
  d.location = into_.location(second);
  d.source_line = source_line(second);
  errors_.push_back(std::move(d));
}

void Merger::repeated(const std::string& what, const char* added, const SourcePos& first,
                      const SourcePos& again) {
  Diagnostic d;
  d.severity = Severity::warning;
  d.message = what + " appears twice in this file; its " + added +
              " are added to the first definition at " + into_.location(first).to_string();
  d.location = into_.location(again);
  d.source_line = source_line(again);
  if (again.file < parts_.size()) parts_[again.file].diagnostics.push_back(std::move(d));
}

// AWS never lists a group or an interface twice in one response, but test data and anonymised dumps
// do (one id reused for several cases). Within one file the repeats are united, in input order,
// with a warning: the file still loads, every rule stays visible to the linter (which reports
// duplicates as SG401). Across files, disagreeing definitions are errors: two views of one account
// must agree.
template <typename T, typename Unite>
void Merger::coalesce_within_file(std::vector<T>& definitions, const char* added, Unite&& unite) {
  std::vector<T> kept;
  for (T& item : definitions) {
    auto same = std::find_if(kept.begin(), kept.end(), [&](const T& k) {
      if constexpr (std::is_same_v<T, Group>) {
        if (k.from_rules_only != item.from_rules_only) return false;
      }
      return k.location.file == item.location.file;
    });
    if (same == kept.end()) {
      kept.push_back(std::move(item));
      continue;
    }
    repeated(std::string(std::is_same_v<T, Group> ? "group " : "interface ") + item.id, added,
             same->location, item.location);
    unite(*same, item);
  }
  definitions = std::move(kept);
}

// True when both hold the same multiset of atomic rules; then fills base's missing rule ids,
// descriptions and tags from the matching rules of `other` (sorted keys pair them up).
bool Merger::same_rules(Group& base, const Group& other) {
  if (base.rules.size() != other.rules.size()) return false;
  const auto a = key_order(base.rules, keys_a_);
  const auto b = key_order(other.rules, keys_b_);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(keys_a_[a[i]] == keys_b_[b[i]])) return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    Rule& into = base.rules[a[i]];
    const Rule& from = other.rules[b[i]];
    fill(into.id, from.id);
    fill(into.description, from.description);
    fill(into.tags, from.tags);
  }
  return true;
}

// describe-security-group-rules output is paginated, so one group's rules may be spread over
// several files: the rules views of a group are united (a rule present in two views is kept once).
Group Merger::merge_rule_views(std::vector<Group>& views) {
  Group merged = std::move(views.front());
  std::vector<RuleKey> seen;
  for (const Rule& r : merged.rules) seen.push_back(rule_identity(r));
  std::sort(seen.begin(), seen.end());
  for (std::size_t v = 1; v < views.size(); ++v) {
    fill(merged.owner_id, views[v].owner_id);
    for (Rule& r : views[v].rules) {
      const RuleKey key = rule_identity(r);
      if (std::binary_search(seen.begin(), seen.end(), key)) continue;
      merged.rules.push_back(std::move(r));
    }
    seen.clear();
    for (const Rule& r : merged.rules) seen.push_back(rule_identity(r));
    std::sort(seen.begin(), seen.end());
  }
  return merged;
}

void Merger::groups(std::vector<Group>& definitions) {
  coalesce_within_file(definitions, "rules", [](Group& base, Group& g) {
    fill(base.name, g.name);
    fill(base.description, g.description);
    fill(base.vpc_id, g.vpc_id);
    fill(base.owner_id, g.owner_id);
    fill(base.tags, g.tags);
    for (Rule& r : g.rules) base.rules.push_back(std::move(r));
  });
  {
    std::vector<Group> full, rule_views;
    for (Group& g : definitions) (g.from_rules_only ? rule_views : full).push_back(std::move(g));
    if (full.empty()) {
      into_.groups.push_back(merge_rule_views(rule_views));
      return;
    }
    Group base = std::move(full.front());
    for (std::size_t i = 1; i < full.size(); ++i) {
      const Group& other = full[i];
      if (!same_rules(base, other)) {
        conflict("group " + base.id, "rules", base.location, other.location);
        continue;
      }
      fill(base.name, other.name);
      fill(base.description, other.description);
      fill(base.vpc_id, other.vpc_id);
      fill(base.owner_id, other.owner_id);
      fill(base.tags, other.tags);
    }
    if (!rule_views.empty()) {
      const Group view = merge_rule_views(rule_views);
      if (same_rules(base, view)) {
        fill(base.owner_id, view.owner_id);
      } else if (earlier(base.location, view.location)) {
        conflict("group " + base.id, "rules", base.location, view.location);
      } else {
        conflict("group " + base.id, "rules", view.location, base.location);
      }
    }
    into_.groups.push_back(std::move(base));
  }
}

void Merger::interfaces(std::vector<Interface>& definitions) {
  coalesce_within_file(definitions, "groups and addresses", [](Interface& base, Interface& eni) {
    fill(base.vpc_id, eni.vpc_id);
    fill(base.subnet_id, eni.subnet_id);
    fill(base.availability_zone, eni.availability_zone);
    fill(base.instance_id, eni.instance_id);
    fill(base.type, eni.type);
    fill(base.status, eni.status);
    fill(base.tags, eni.tags);
    add_missing(base.groups, eni.groups);
    add_missing(base.private_ips, eni.private_ips);
    add_missing(base.public_ips, eni.public_ips);
    add_missing(base.delegated_prefixes, eni.delegated_prefixes);
  });
  {
    Interface base = std::move(definitions.front());
    for (std::size_t i = 1; i < definitions.size(); ++i) {
      const Interface& other = definitions[i];
      std::vector<Name> a = base.groups, b = other.groups;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      a.erase(std::unique(a.begin(), a.end()), a.end());
      b.erase(std::unique(b.begin(), b.end()), b.end());
      if (a != b) {
        conflict("interface " + base.id, "security groups", base.location, other.location);
        continue;
      }
      fill(base.vpc_id, other.vpc_id);
      fill(base.subnet_id, other.subnet_id);
      fill(base.availability_zone, other.availability_zone);
      fill(base.instance_id, other.instance_id);
      fill(base.type, other.type);
      fill(base.status, other.status);
      fill(base.tags, other.tags);
      add_missing(base.private_ips, other.private_ips);
      add_missing(base.public_ips, other.public_ips);
      add_missing(base.delegated_prefixes, other.delegated_prefixes);
    }
    into_.interfaces.push_back(std::move(base));
  }
}

// describe-managed-prefix-lists gives the metadata, a {PrefixListId, Entries} file the entries.
void Merger::prefix_lists(std::vector<PrefixList>& definitions) {
  const auto sorted = [](std::vector<Cidr> cidrs) {
    std::sort(cidrs.begin(), cidrs.end(), [](const Cidr& x, const Cidr& y) {
      return std::tie(x.family, x.base, x.prefix) < std::tie(y.family, y.base, y.prefix);
    });
    cidrs.erase(std::unique(cidrs.begin(), cidrs.end()), cidrs.end());
    return cidrs;
  };
  {
    PrefixList base = std::move(definitions.front());
    for (std::size_t i = 1; i < definitions.size(); ++i) {
      PrefixList& other = definitions[i];
      fill(base.name, other.name);
      if (!base.family) base.family = other.family;
      if (!base.max_entries) base.max_entries = other.max_entries;
      if (!other.entries_known) continue;
      if (!base.entries_known) {
        base.entries_known = true;
        base.entries = std::move(other.entries);
      } else if (sorted(base.entries) != sorted(other.entries)) {
        conflict("prefix list " + base.id, "entries", base.location, other.location);
      }
    }
    into_.prefix_lists.push_back(std::move(base));
  }
}

void Merger::vpcs(std::vector<Vpc>& definitions) {
  {
    Vpc base = std::move(definitions.front());
    for (std::size_t i = 1; i < definitions.size(); ++i) {
      add_missing(base.cidrs, definitions[i].cidrs);
      base.is_default = base.is_default || definitions[i].is_default;
    }
    into_.vpcs.push_back(std::move(base));
  }
}

void Merger::peerings(std::vector<Peering>& definitions) {
  {
    Peering base = std::move(definitions.front());
    for (std::size_t i = 1; i < definitions.size(); ++i) {
      fill(base.requester_vpc, definitions[i].requester_vpc);
      fill(base.accepter_vpc, definitions[i].accepter_vpc);
      fill(base.status, definitions[i].status);
    }
    into_.peerings.push_back(std::move(base));
  }
}

// Where an element stands in the id order: the refs of a part (or of all parts) are sorted instead
// of the elements, which are large and moved once, at the end.
struct IdRef {
  std::uint64_t key;  // the 8 bytes of the id after the prefix all ids share, big-endian
  std::string_view id;
  std::uint32_t part;
  std::uint32_t index;
};

// Sorts refs by id, ties in (part, index) order. Ids share a long prefix ("eni-0", "sg-0"), so
// comparing them as strings is a memcmp call per comparison. Each gets the next 8 bytes as an
// integer (zero-padded): a smaller key is a lexicographically smaller id, equal keys fall back to
// the strings.
void sort_refs(std::vector<IdRef>& refs) {
  std::size_t shared = refs.empty() ? 0 : refs.front().id.size();
  for (const IdRef& r : refs) {
    const std::string_view first = refs.front().id;
    std::size_t n = 0;
    while (n < shared && n < r.id.size() && r.id[n] == first[n]) ++n;
    shared = n;
  }
  for (IdRef& r : refs) {
    r.key = 0;
    for (std::size_t k = 0; k < 8; ++k) {
      const std::size_t at = shared + k;
      r.key = (r.key << 8) | (at < r.id.size() ? static_cast<unsigned char>(r.id[at]) : 0u);
    }
  }
  // Describe output and `gen` often list elements by id: then checking costs one comparison per
  // element.
  const auto before = [](const IdRef& a, const IdRef& b) {
    if (a.key != b.key) return a.key < b.key;
    return std::tie(a.id, a.part, a.index) < std::tie(b.id, b.part, b.index);
  };
  if (!std::is_sorted(refs.begin(), refs.end(), before))
    std::sort(refs.begin(), refs.end(), before);
}

// Stable: repeats of an id keep their input order, which coalesce_within_file() relies on.
template <typename T>
void sort_by_id(std::vector<T>& items) {
  std::vector<IdRef> refs;
  refs.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    refs.push_back({0, items[i].id, 0, static_cast<std::uint32_t>(i)});
  }
  sort_refs(refs);
  std::vector<std::uint32_t> order;
  order.reserve(refs.size());
  bool moved = false;
  for (std::size_t j = 0; j < refs.size(); ++j) {
    order.push_back(refs[j].index);
    moved = moved || refs[j].index != j;
  }
  if (moved) apply_permutation(items, [&](std::size_t j) { return std::size_t{order[j]}; });
}

// The common case of merge_by_id(): one part holds every element of the kind, in strictly
// ascending id order (each kind usually comes from one file, and sort_part() ordered it). That
// part's vector is then the result as it is: moved whole instead of element by element into new
// memory, which would fault in new pages and hold both copies at once. False (nothing moved)
// otherwise.
template <typename T>
bool take_whole(std::vector<Inventory>& parts, std::vector<T> Inventory::*member,
                std::vector<T>& out) {
  if (!out.empty()) return false;
  std::vector<T>* holder = nullptr;
  for (Inventory& part : parts) {
    if ((part.*member).empty()) continue;
    if (holder != nullptr) return false;
    holder = &(part.*member);
  }
  if (holder == nullptr) return true;
  const auto not_before = [](const T& a, const T& b) { return !(a.id < b.id); };
  if (std::adjacent_find(holder->begin(), holder->end(), not_before) != holder->end()) return false;
  out = std::move(*holder);
  *holder = std::vector<T>();
  return true;
}

// Moves the elements of every part into `out`, sorted by id: an id defined once (the common case)
// is moved as it is; the definitions of an id defined several times go, in file order, to `merge`.
template <typename T, typename Merge>
void merge_by_id(std::vector<Inventory>& parts, std::vector<T> Inventory::*member,
                 std::vector<T>& out, Merge&& merge) {
  if (take_whole(parts, member, out)) return;
  std::vector<IdRef> refs;
  std::size_t total = 0;
  for (const Inventory& part : parts) total += (part.*member).size();
  refs.reserve(total);
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const auto& items = parts[p].*member;
    for (std::size_t i = 0; i < items.size(); ++i) {
      refs.push_back(
          {0, items[i].id, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(i)});
    }
  }
  sort_refs(refs);
  // Run boundaries first: moving an element out empties the string its ref views.
  std::vector<std::size_t> run_ends;
  for (std::size_t k = 1; k <= refs.size(); ++k) {
    if (k == refs.size() || refs[k].id != refs[k - 1].id) run_ends.push_back(k);
  }
  out.reserve(out.size() + run_ends.size());
  std::size_t begin = 0;
  std::vector<T> definitions;
  for (const std::size_t end : run_ends) {
    const auto take = [&](std::size_t k) -> T& {
      return (parts[refs[k].part].*member)[refs[k].index];
    };
    if (end - begin == 1) {
      out.push_back(std::move(take(begin)));
    } else {
      definitions.clear();
      for (std::size_t k = begin; k < end; ++k) definitions.push_back(std::move(take(k)));
      merge(definitions);
    }
    begin = end;
  }
  for (Inventory& part : parts) std::vector<T>().swap(part.*member);  // the moved-from shells
}

// A group of a template or plan named by its logical id or resource address rather than an AWS id,
// or the rules-only view of a group a template leaves to the deployment ("unresolved(Ref
// VpcSecurityGroup)", a parameter of that stack): that name means something only inside its file.
bool has_local_id(const Group& group) {
  if (group.origin == GroupOrigin::aws_api) return false;
  return (!group.template_name.empty() && group.id == group.template_name) ||
         group.id.rfind("unresolved(", 0) == 0;
}

// An interface or prefix list of a Terraform module named by its resource address (its AWS id is
// known only after apply): AWS ids are eni-…, i-…, pl-….
bool has_local_id(const Interface& eni) {
  return eni.id.rfind("aws_", 0) == 0 || eni.id.rfind("module.", 0) == 0;
}
bool has_local_id(const PrefixList& list) {
  return list.id.rfind("aws_", 0) == 0 || list.id.rfind("module.", 0) == 0;
}

// Renames, in one part, the local ids of `renamed` (old id -> new id): the groups, interfaces
// and prefix lists, and every reference to them from that part's rules and interfaces.
void rename_local_groups(Inventory& part,
                         const std::map<std::string, std::string, std::less<>>& renamed) {
  const auto rename = [&](Name& id) {
    if (const auto it = renamed.find(id.view()); it != renamed.end()) id = it->second;
  };
  for (Group& group : part.groups) {
    if (has_local_id(group)) rename(group.id);
    for (Rule& rule : group.rules)
      if (rule.peer.kind == PeerKind::group || rule.peer.kind == PeerKind::prefix_list)
        rename(rule.peer.id);
  }
  for (Interface& eni : part.interfaces) {
    if (has_local_id(eni)) {
      rename(eni.id);
      rename(eni.instance_id);
    }
    for (Name& id : eni.groups) rename(id);
  }
  for (PrefixList& list : part.prefix_lists)
    if (has_local_id(list)) rename(list.id);
}

// Every template and plan is its own namespace (product.md §2): a logical id or resource address
// that two files define names two groups, each then known as "FILE#LogicalId" (the file as the user
// named it); one defined by a single file keeps its bare name. AWS ids are global and merge as
// before.
void qualify_local_ids(std::vector<Inventory>& parts, const std::vector<std::string>& files) {
  std::map<std::string_view, std::size_t, std::less<>> defining_files;
  for (const Inventory& part : parts) {
    std::vector<std::string_view> ids;
    for (const Group& group : part.groups)
      if (has_local_id(group)) ids.push_back(group.id);
    for (const Interface& eni : part.interfaces)
      if (has_local_id(eni)) ids.push_back(eni.id);
    for (const PrefixList& list : part.prefix_lists)
      if (has_local_id(list)) ids.push_back(list.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (std::string_view id : ids) ++defining_files[id];
  }
  std::vector<std::string> shared;
  for (const auto& [id, count] : defining_files)
    if (count > 1) shared.emplace_back(id);
  if (shared.empty()) return;
  for (std::size_t p = 0; p < parts.size() && p < files.size(); ++p) {
    std::map<std::string, std::string, std::less<>> renamed;
    const auto qualify = [&](std::string_view id) {
      if (std::binary_search(shared.begin(), shared.end(), id))
        renamed.emplace(id, files[p] + "#" + std::string(id));
    };
    for (const Group& group : parts[p].groups)
      if (has_local_id(group)) qualify(group.id);
    for (const Interface& eni : parts[p].interfaces)
      if (has_local_id(eni)) qualify(eni.id);
    for (const PrefixList& list : parts[p].prefix_lists)
      if (has_local_id(list)) qualify(list.id);
    if (!renamed.empty()) rename_local_groups(parts[p], renamed);
  }
}

}  // namespace

Diagnostics merge_inventories(std::vector<Inventory>& parts, Inventory& into,
                              const std::vector<std::string_view>& texts,
                              const std::vector<std::string>* namespaces) {
  qualify_local_ids(parts, namespaces != nullptr ? *namespaces : into.files);
  Merger merger(into, parts, texts);
  merge_by_id(parts, &Inventory::groups, into.groups, [&](auto& d) { merger.groups(d); });
  merge_by_id(parts, &Inventory::interfaces, into.interfaces,
              [&](auto& d) { merger.interfaces(d); });
  merge_by_id(parts, &Inventory::prefix_lists, into.prefix_lists,
              [&](auto& d) { merger.prefix_lists(d); });
  merge_by_id(parts, &Inventory::vpcs, into.vpcs, [&](auto& d) { merger.vpcs(d); });
  merge_by_id(parts, &Inventory::peerings, into.peerings, [&](auto& d) { merger.peerings(d); });
  // Value diagnostics: by file (parts are in file order; a Terraform module's part holds those of
  // its files, in file-name order), then by position within the file.
  for (Inventory& part : parts) {
    std::stable_sort(part.diagnostics.begin(), part.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return std::tie(a.location.file, a.location.line, a.location.column) <
                              std::tie(b.location.file, b.location.line, b.location.column);
                     });
    for (Diagnostic& d : part.diagnostics) into.diagnostics.push_back(std::move(d));
    part.diagnostics.clear();
  }
  return merger.take_errors();
}

void sort_part(Inventory& part) {
  sort_by_id(part.groups);
  sort_by_id(part.interfaces);
  sort_by_id(part.prefix_lists);
  sort_by_id(part.vpcs);
  sort_by_id(part.peerings);
}

RuleIdentity rule_identity(const Rule& r) {
  const bool cidr = r.peer.kind == PeerKind::cidr4 || r.peer.kind == PeerKind::cidr6;
  return {r.direction,
          r.protocol,
          normalised_ports(r),
          r.peer.kind,
          cidr ? r.peer.cidr.family : Family::ipv4,
          cidr ? r.peer.cidr.base : u128{0},
          cidr ? r.peer.cidr.prefix : std::uint8_t{0},
          cidr ? std::string_view() : std::string_view(r.peer.id),
          r.unresolved().protocol,
          r.unresolved().from_port,
          r.unresolved().to_port};
}

}  // namespace sgcheck::detail
