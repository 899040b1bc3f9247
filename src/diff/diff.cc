// diff_inventories() (include/sgcheck/diff.h): matches the groups and interfaces of two
// inventories, compares what each matched pair admits (diff/access.h) and what lint finds on each
// side (matched as a baseline matches, check/violation.h). A group whose rules and referenced
// groups are the same on both sides is skipped without computing its sets.
#include <algorithm>
#include <array>
#include <future>
#include <map>
#include <set>
#include <tuple>

#include "check/violation.h"
#include "diff/access.h"
#include "lint/check_support.h"
#include "sgcheck/diff.h"

namespace sgcheck {

namespace {

using detail::AccessAtom;
using detail::Semantics;

constexpr std::string_view kStackTag = "aws:cloudformation:stack-name";
constexpr std::string_view kLogicalTag = "aws:cloudformation:logical-id";

std::string tag_value(const std::vector<Tag>& tags, std::string_view key) {
  for (const Tag& t : tags)
    if (t.key == key) return t.value.str();
  return {};
}

bool is_aws_group_id(std::string_view id) {
  return id.rfind("sg-", 0) == 0;
}

// A file's name for matching: its path relative to the input directory that holds it; a file
// named as an input is "" when its side has that one input, else its path as given.
std::string relative_name(const std::string& file, const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    if (file == input) return inputs.size() == 1 ? std::string() : file;
    std::string dir = input;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (file.size() > dir.size() && file.compare(0, dir.size(), dir) == 0 &&
        file[dir.size()] == '/')
      return file.substr(dir.size() + 1);
  }
  return file;
}

std::string file_stem(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::size_t dot = base.find('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// One side: its inventory, semantics, files' relative names, and each group's match key.
struct Side {
  const Inventory& inventory;
  Semantics semantics;
  std::vector<std::string> relative;  // by file index
  std::vector<std::string> key;       // by group: the key shared with its match
  std::vector<std::int64_t> match;    // by group: the other side's group, or -1
  // By group and direction: its atoms and open rules, collected on first use (atoms_of()).
  struct Collected {
    bool done = false;
    std::vector<AccessAtom> atoms;
    std::vector<std::string> open;
  };
  mutable std::vector<std::array<Collected, 2>> collected;

  Side(const Inventory& inv, const std::vector<std::string>& inputs)
      : inventory(inv),
        semantics(inv),
        key(inv.groups.size()),
        match(inv.groups.size(), -1),
        collected(inv.groups.size()) {
    for (const std::string& f : inv.files) relative.push_back(relative_name(f, inputs));
  }
  const std::string& file_of(const Group& g) const {
    static const std::string none;
    return g.location.file < relative.size() ? relative[g.location.file] : none;
  }
  std::string label(const Group& g) const {
    std::string out = g.id.str();
    if (!g.name.empty() && g.name != g.id) out += " (" + g.name + ")";
    return out;
  }
};

// The template key of a template group: "tmpl:FILE#LogicalId".
std::string template_key(const Side& side, const Group& g) {
  return "tmpl:" + side.file_of(g) + "#" + g.template_name;
}

// The template file (relative name, on `other`) a deployed stack's groups match.
std::optional<std::string> stack_template(const std::string& stack, const Side& other,
                                          const DiffOptions& options) {
  std::set<std::string> templates;
  for (const Group& g : other.inventory.groups)
    if (g.origin == GroupOrigin::cloudformation && !g.template_name.empty())
      templates.insert(other.file_of(g));
  for (const auto& [name, file] : options.stacks) {
    if (name != stack) continue;
    for (std::size_t i = 0; i < other.inventory.files.size(); ++i)
      if (other.inventory.files[i] == file || other.relative[i] == file) return other.relative[i];
    return file;
  }
  for (const std::string& t : templates)
    if (file_stem(t) == stack) return t;
  if (templates.size() == 1) return *templates.begin();
  return std::nullopt;
}

// The keys a group may be matched by, strongest first: its AWS id, its template key.
std::vector<std::string> match_keys(const Side& side, const Group& g, const Side& other,
                                    const DiffOptions& options) {
  std::vector<std::string> keys;
  if (is_aws_group_id(g.id)) keys.push_back("id:" + g.id);
  if (!g.template_name.empty()) {
    keys.push_back(template_key(side, g));
  } else {
    const std::string stack = tag_value(g.tags, kStackTag);
    const std::string logical = tag_value(g.tags, kLogicalTag);
    if (!stack.empty() && !logical.empty()) {
      if (const auto file = stack_template(stack, other, options))
        keys.push_back("tmpl:" + *file + "#" + logical);
    }
  }
  if (keys.empty()) keys.push_back("id:" + g.id);
  return keys;
}

void match_groups(Side& old_side, Side& new_side, const DiffOptions& options) {
  std::vector<std::vector<std::string>> old_keys, new_keys;
  for (const Group& g : old_side.inventory.groups)
    old_keys.push_back(match_keys(old_side, g, new_side, options));
  for (const Group& g : new_side.inventory.groups)
    new_keys.push_back(match_keys(new_side, g, old_side, options));
  // Pass 0 matches by the strongest key, pass 1 by any key among the groups left.
  for (int pass = 0; pass < 2; ++pass) {
    std::map<std::string, std::size_t> by_key;
    for (std::size_t i = 0; i < new_keys.size(); ++i) {
      if (new_side.match[i] >= 0) continue;
      for (std::size_t k = 0; k < new_keys[i].size() && (pass == 1 || k == 0); ++k)
        by_key.emplace(new_keys[i][k], i);
    }
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_side.match[i] >= 0) continue;
      for (std::size_t k = 0; k < old_keys[i].size() && (pass == 1 || k == 0); ++k) {
        const auto it = by_key.find(old_keys[i][k]);
        if (it == by_key.end() || new_side.match[it->second] >= 0) continue;
        old_side.match[i] = static_cast<std::int64_t>(it->second);
        new_side.match[it->second] = static_cast<std::int64_t>(i);
        old_side.key[i] = new_side.key[it->second] = old_keys[i][k];
        break;
      }
    }
  }
  for (std::size_t i = 0; i < old_keys.size(); ++i)
    if (old_side.match[i] < 0) old_side.key[i] = "old:" + old_keys[i].front();
  for (std::size_t i = 0; i < new_keys.size(); ++i)
    if (new_side.match[i] < 0) new_side.key[i] = "new:" + new_keys[i].front();
}

// The key a side gives the group `id` at `index` (Semantics::kAbsent when it has none), shared
// with the other side: its matched key without the side's prefix, or "id:" and the id.
std::string group_key(const Side& side, std::uint32_t index, Name id) {
  if (index == Semantics::kAbsent) return "id:" + id;
  const std::string& key = side.key[index];
  return key.starts_with("old:") || key.starts_with("new:") ? key.substr(4) : key;
}

// The key a side gives a referenced group (naming_of()'s, without the label).
std::string reference_key(const Side& side, Name id) {
  return group_key(side, side.semantics.group_index(id), id);
}

detail::GroupNaming naming_of(const Side& side) {
  return [&side](Name id, std::string& key, std::string& label) {
    const std::uint32_t index = side.semantics.group_index(id);
    key = group_key(side, index, id);
    label = index == Semantics::kAbsent ? id + " (not in the inventory)"
                                        : "group " + side.label(side.inventory.groups[index]);
  };
}

// A rule as text, its group references by key (to compare) or by label (to show), its prefix
// list by id and entries, and whether a reference can match at all: equal texts admit equally.
std::string rule_key(const Side& side, const Group& g, const Rule& r, bool for_display) {
  std::string out = std::string(direction_name(r.direction)) + " ";
  if (r.peer.kind == PeerKind::group) {
    std::string key, label;
    naming_of(side)(r.peer.id, key, label);
    out += service_notation(r) + (r.direction == Direction::ingress ? " from " : " to ");
    out += for_display ? label : key;
    if (!side.semantics.can_match(g, r)) out += " (can never match)";
  } else {
    out += detail::rule_text(r);
    if (!for_display && r.peer.kind == PeerKind::prefix_list) {
      if (const PrefixList* pl = side.semantics.find_prefix_list(r.peer.id);
          pl != nullptr && pl->entries_known)
        for (const Cidr& c : pl->entries) out += " " + to_string(c);
    }
  }
  if (!r.valid) out += " (invalid)";
  if (!for_display && rule_uncertain(r))
    out += " " + unresolved_service_text(r) + rule_condition_text(r);
  return out;
}

std::multiset<std::string> rule_keys(const Side& side, const Group& g) {
  std::multiset<std::string> out;
  for (const Rule& r : g.rules) out.insert(rule_key(side, g, r, false));
  return out;
}

// Whether two rules say the same in the same words (references by key, prefix lists by entries):
// the quick test before rule_keys() for the pairs of a large inventory, nearly all unchanged.
bool same_rule(const Side& old_side, const Group& o, const Rule& a, const Side& new_side,
               const Group& n, const Rule& b) {
  if (a.direction != b.direction || a.valid != b.valid || a.protocol != b.protocol ||
      a.from_port != b.from_port || a.to_port != b.to_port || a.peer.kind != b.peer.kind ||
      a.open_values || b.open_values)
    return false;
  switch (a.peer.kind) {
    case PeerKind::cidr4:
    case PeerKind::cidr6:
      return a.peer.cidr == b.peer.cidr && a.peer.id == b.peer.id;
    case PeerKind::prefix_list: {
      if (a.peer.id != b.peer.id) return false;
      const PrefixList* x = old_side.semantics.find_prefix_list(a.peer.id);
      const PrefixList* y = new_side.semantics.find_prefix_list(b.peer.id);
      if ((x == nullptr || !x->entries_known) != (y == nullptr || !y->entries_known)) return false;
      return x == nullptr || !x->entries_known || x->entries == y->entries;
    }
    case PeerKind::group:
      return old_side.semantics.can_match(o, a) == new_side.semantics.can_match(n, b) &&
             reference_key(old_side, a.peer.id) == reference_key(new_side, b.peer.id);
  }
  return false;
}

bool same_rules(const Side& old_side, const Group& o, const Side& new_side, const Group& n) {
  if (o.rules.size() != n.rules.size()) return false;
  for (std::size_t i = 0; i < o.rules.size(); ++i)
    if (!same_rule(old_side, o, o.rules[i], new_side, n, n.rules[i])) return false;
  return true;
}

// The textual changes of a pair (either may be null): what NEW has that OLD has not, and back.
void textual_changes(const Side& old_side, const Group* o, const Side& new_side, const Group* n,
                     SubjectDiff& out) {
  std::multiset<std::string> was = o ? rule_keys(old_side, *o) : std::multiset<std::string>{};
  std::multiset<std::string> now = n ? rule_keys(new_side, *n) : std::multiset<std::string>{};
  const auto list = [](const Side& side, const Group* g, std::multiset<std::string> other,
                       std::vector<std::string>& into) {
    if (g == nullptr) return;
    for (const Rule& r : g->rules) {
      const auto it = other.find(rule_key(side, *g, r, false));
      if (it != other.end()) {
        other.erase(it);
        continue;
      }
      into.push_back(rule_key(side, *g, r, true));
    }
    std::sort(into.begin(), into.end());
  };
  list(new_side, n, was, out.rules_added);
  list(old_side, o, now, out.rules_removed);
}

// What the groups admit together in one direction, with the rules left open. Each group's atoms
// are collected once per side and direction: an interface reuses those of its groups.
std::vector<AccessAtom> atoms_of(const Side& side, const std::vector<const Group*>& groups,
                                 Direction direction, std::vector<std::string>& open) {
  std::vector<AccessAtom> atoms;
  for (const Group* g : groups) {
    Side::Collected& c = side.collected[side.semantics.index_of(*g)][static_cast<int>(direction)];
    if (!c.done) {
      detail::collect_atoms(side.semantics, *g, direction, naming_of(side), c.atoms, c.open);
      c.done = true;
    }
    atoms.insert(atoms.end(), c.atoms.begin(), c.atoms.end());
    open.insert(open.end(), c.open.begin(), c.open.end());
  }
  return atoms;
}

// Access and open rules of two sets of groups (one group each, or an interface's groups).
void compare_groups(const Side& old_side, const std::vector<const Group*>& was,
                    const Side& new_side, const std::vector<const Group*>& now, SubjectDiff& out) {
  std::vector<std::string> open_was, open_now;
  for (const Direction d : {Direction::ingress, Direction::egress}) {
    const std::vector<AccessAtom> before = atoms_of(old_side, was, d, open_was);
    const std::vector<AccessAtom> after = atoms_of(new_side, now, d, open_now);
    detail::AccessDelta delta =
        detail::compare_access(old_side.inventory, before, new_side.inventory, after);
    (d == Direction::ingress ? out.ingress_added : out.egress_added) = std::move(delta.added);
    (d == Direction::ingress ? out.ingress_removed : out.egress_removed) = std::move(delta.removed);
  }
  std::sort(open_was.begin(), open_was.end());
  std::sort(open_now.begin(), open_now.end());
  std::set_difference(open_now.begin(), open_now.end(), open_was.begin(), open_was.end(),
                      std::back_inserter(out.open_added));
  std::set_difference(open_was.begin(), open_was.end(), open_now.begin(), open_now.end(),
                      std::back_inserter(out.open_removed));
}

std::string pair_label(const Side& old_side, const Group* o, const Side& new_side, const Group* n) {
  if (o == nullptr) return new_side.label(*n);
  if (n == nullptr || o->id == n->id) return old_side.label(*o);
  std::string out = o->id + " -> " + n->id;
  const Name name = !n->name.empty() ? n->name : o->name;
  if (!name.empty() && name != n->id) out += " (" + name + ")";
  return out;
}

// Every group added, removed or changed; `changed` (by NEW group) marks the matched pairs whose
// rules differ, for the interfaces.
std::vector<SubjectDiff> diff_groups(const Side& old_side, const Side& new_side,
                                     std::vector<bool>& changed_new, std::vector<bool>& changed_old,
                                     DiffSummary& summary) {
  std::vector<SubjectDiff> out;
  const auto& old_groups = old_side.inventory.groups;
  const auto& new_groups = new_side.inventory.groups;
  changed_new.assign(new_groups.size(), false);
  changed_old.assign(old_groups.size(), false);
  const auto add = [&](const Group* o, const Group* n) {
    SubjectDiff d;
    d.kind = o == nullptr ? DiffKind::added : n == nullptr ? DiffKind::removed : DiffKind::changed;
    if (o != nullptr) {
      d.old_id = o->id;
      d.old_location = old_side.inventory.location(o->location);
    }
    if (n != nullptr) {
      d.new_id = n->id;
      d.new_location = new_side.inventory.location(n->location);
    }
    d.label = pair_label(old_side, o, new_side, n);
    textual_changes(old_side, o, new_side, n, d);
    const std::vector<const Group*> was = o ? std::vector{o} : std::vector<const Group*>{};
    const std::vector<const Group*> now = n ? std::vector{n} : std::vector<const Group*>{};
    compare_groups(old_side, was, new_side, now, d);
    if (d.kind == DiffKind::changed) {
      if (d.access_changed())
        ++summary.groups_access_changed;
      else
        ++summary.groups_same_access;
    }
    out.push_back(std::move(d));
  };
  for (std::size_t i = 0; i < old_groups.size(); ++i) {
    if (old_side.match[i] < 0) {
      changed_old[i] = true;
      ++summary.groups_removed;
      add(&old_groups[i], nullptr);
      continue;
    }
    const auto j = static_cast<std::size_t>(old_side.match[i]);
    if (same_rules(old_side, old_groups[i], new_side, new_groups[j]) ||
        rule_keys(old_side, old_groups[i]) == rule_keys(new_side, new_groups[j]))
      continue;
    changed_old[i] = changed_new[j] = true;
    add(&old_groups[i], &new_groups[j]);
  }
  for (std::size_t j = 0; j < new_groups.size(); ++j) {
    if (new_side.match[j] >= 0) continue;
    changed_new[j] = true;
    ++summary.groups_added;
    add(nullptr, &new_groups[j]);
  }
  std::sort(out.begin(), out.end(),
            [](const SubjectDiff& a, const SubjectDiff& b) { return a.label < b.label; });
  return out;
}

std::vector<const Group*> groups_of(const Side& side, const Interface& x,
                                    std::vector<std::string>* keys,
                                    std::vector<std::string>* labels) {
  std::vector<const Group*> out;
  for (const Name& id : x.groups) {
    const std::uint32_t index = side.semantics.group_index(id);
    if (index == Semantics::kAbsent) {
      if (keys) keys->push_back("id:" + id);
      if (labels) labels->push_back(id.str());
      continue;
    }
    out.push_back(&side.inventory.groups[index]);
    std::string key = side.key[index];
    if (key.rfind("old:", 0) == 0 || key.rfind("new:", 0) == 0) key = key.substr(4);
    if (keys) keys->push_back(key);
    if (labels) labels->push_back(side.label(side.inventory.groups[index]));
  }
  return out;
}

std::vector<SubjectDiff> diff_interfaces(const Side& old_side, const Side& new_side,
                                         const std::vector<bool>& changed_new,
                                         const std::vector<bool>& changed_old,
                                         DiffSummary& summary) {
  std::vector<SubjectDiff> out;
  const auto& was = old_side.inventory.interfaces;
  const auto& now = new_side.inventory.interfaces;
  std::size_t i = 0, j = 0;
  while (i < was.size() || j < now.size()) {
    const Interface* o = nullptr;
    const Interface* n = nullptr;
    if (j == now.size() || (i < was.size() && was[i].id < now[j].id)) {
      o = &was[i++];
    } else if (i == was.size() || now[j].id < was[i].id) {
      n = &now[j++];
    } else {
      o = &was[i++];
      n = &now[j++];
    }
    if (o != nullptr && n != nullptr && o->groups == n->groups) {
      // The same group ids: nothing changes unless one of the groups did (or is matched
      // differently, which a changed id list would show).
      const auto changed = [](const Side& side, const Interface& x,
                              const std::vector<bool>& marks) {
        return std::any_of(x.groups.begin(), x.groups.end(), [&](Name id) {
          const std::uint32_t index = side.semantics.group_index(id);
          return index != Semantics::kAbsent && marks[index];
        });
      };
      if (!changed(old_side, *o, changed_old) && !changed(new_side, *n, changed_new)) continue;
    }
    std::vector<std::string> old_keys, new_keys, old_labels, new_labels;
    const std::vector<const Group*> old_groups =
        o ? groups_of(old_side, *o, &old_keys, &old_labels) : std::vector<const Group*>{};
    const std::vector<const Group*> new_groups =
        n ? groups_of(new_side, *n, &new_keys, &new_labels) : std::vector<const Group*>{};
    SubjectDiff d;
    d.kind = o == nullptr ? DiffKind::added : n == nullptr ? DiffKind::removed : DiffKind::changed;
    d.label = o ? o->id : n->id;
    if (o) {
      d.old_id = o->id;
      d.old_location = old_side.inventory.location(o->location);
    }
    if (n) {
      d.new_id = n->id;
      d.new_location = new_side.inventory.location(n->location);
    }
    for (std::size_t k = 0; k < new_keys.size(); ++k)
      if (std::find(old_keys.begin(), old_keys.end(), new_keys[k]) == old_keys.end())
        d.groups_attached.push_back(new_labels[k]);
    for (std::size_t k = 0; k < old_keys.size(); ++k)
      if (std::find(new_keys.begin(), new_keys.end(), old_keys[k]) == new_keys.end())
        d.groups_detached.push_back(old_labels[k]);
    if (d.kind == DiffKind::changed && d.groups_attached.empty() && d.groups_detached.empty()) {
      // Same groups: the access can differ only when one of them changed.
      const bool any_changed =
          std::any_of(
              old_groups.begin(), old_groups.end(),
              [&](const Group* g) { return changed_old[old_side.semantics.index_of(*g)]; }) ||
          std::any_of(new_groups.begin(), new_groups.end(),
                      [&](const Group* g) { return changed_new[new_side.semantics.index_of(*g)]; });
      if (!any_changed) continue;
    }
    compare_groups(old_side, old_groups, new_side, new_groups, d);
    if (d.kind == DiffKind::changed && !d.access_changed() && d.groups_attached.empty() &&
        d.groups_detached.empty() && d.open_added.empty() && d.open_removed.empty())
      continue;
    ++(d.kind == DiffKind::added     ? summary.interfaces_added
       : d.kind == DiffKind::removed ? summary.interfaces_removed
                                     : summary.interfaces_changed);
    out.push_back(std::move(d));
  }
  return out;
}

// OLD with each matched group renamed to its NEW id (references and interfaces too), so that the
// two sides' findings have comparable fingerprints; nullopt when every matched pair shares its id.
std::optional<Inventory> renamed_old(const Side& old_side, const Side& new_side) {
  std::map<std::string, std::string> rename;
  for (std::size_t i = 0; i < old_side.match.size(); ++i) {
    if (old_side.match[i] < 0) continue;
    const Group& o = old_side.inventory.groups[i];
    const Group& n = new_side.inventory.groups[static_cast<std::size_t>(old_side.match[i])];
    if (o.id != n.id) rename.emplace(o.id, n.id);
  }
  if (rename.empty()) return std::nullopt;
  Inventory inv = old_side.inventory;
  const auto renamed = [&](Name& id) {
    if (const auto it = rename.find(id.str()); it != rename.end()) id = it->second;
  };
  for (Group& g : inv.groups) {
    renamed(g.id);
    for (Rule& r : g.rules)
      if (r.peer.kind == PeerKind::group) renamed(r.peer.id);
  }
  for (Interface& x : inv.interfaces)
    for (Name& id : x.groups) renamed(id);
  std::stable_sort(inv.groups.begin(), inv.groups.end(),
                   [](const Group& a, const Group& b) { return a.id < b.id; });
  return inv;
}

// The same violation: the same parts and the same contributing rules (by content, in any order;
// nearly always in the same order, which is tried first).
bool same_violation(const Finding& a, const Finding& b) {
  if (!a.violation || !b.violation) return !a.violation && !b.violation;
  const Violation& x = *a.violation;
  const Violation& y = *b.violation;
  if (x.parts != y.parts || x.rules.size() != y.rules.size()) return false;
  const auto same_content = [](const ContributingRule& p, const ContributingRule& q) {
    return p.content == q.content;
  };
  if (std::equal(x.rules.begin(), x.rules.end(), y.rules.begin(), same_content)) return true;
  const auto contents = [](const Violation& v) {
    std::vector<std::string_view> out;
    for (const ContributingRule& r : v.rules) out.push_back(r.content);
    std::sort(out.begin(), out.end());
    return out;
  };
  return contents(x) == contents(y);
}

// The findings of `findings` that the record of `recorded` does not cover, as a baseline of
// `recorded` would decide. A finding with the fingerprint and violation of a recorded one is
// covered at once; the others are judged by a baseline index of the recorded findings with their
// fingerprints (most findings of a large inventory take the first path).
std::vector<Finding> not_recorded(const std::vector<Finding>& findings,
                                  const std::vector<Finding>& recorded) {
  std::vector<std::pair<std::string_view, const Finding*>> by_fingerprint;
  by_fingerprint.reserve(recorded.size());
  for (const Finding& f : recorded) by_fingerprint.emplace_back(f.fingerprint, &f);
  std::sort(by_fingerprint.begin(), by_fingerprint.end());
  std::vector<const Finding*> undecided;
  std::set<std::string_view> undecided_fingerprints;
  for (const Finding& f : findings) {
    auto it = std::lower_bound(
        by_fingerprint.begin(), by_fingerprint.end(), std::string_view(f.fingerprint),
        [](const auto& entry, std::string_view fp) { return entry.first < fp; });
    bool covered = false;
    for (; it != by_fingerprint.end() && it->first == f.fingerprint && !covered; ++it)
      covered = same_violation(f, *it->second);
    if (covered) continue;
    undecided.push_back(&f);
    undecided_fingerprints.insert(f.fingerprint);
  }
  std::vector<BaselineEntry> entries;
  for (const Finding& r : recorded)
    if (undecided_fingerprints.count(r.fingerprint) != 0)
      entries.push_back(detail::baseline_entry(r));
  const detail::BaselineIndex index(entries);
  std::vector<Finding> out;
  for (const Finding* f : undecided) {
    if (index.covers_fingerprint(f->fingerprint)) continue;
    const std::optional<std::vector<std::string>> beyond = index.beyond_record(*f);
    if (beyond && beyond->empty()) continue;
    out.push_back(*f);
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.severity, a.location.file, a.location.line, a.location.column, a.id) <
           std::tie(b.severity, b.location.file, b.location.line, b.location.column, b.id);
  });
  return out;
}

}  // namespace

const char* diff_kind_name(DiffKind kind) {
  switch (kind) {
    case DiffKind::added:
      return "added";
    case DiffKind::removed:
      return "removed";
    case DiffKind::changed:
      break;
  }
  return "changed";
}

bool DiffResult::admits_new() const {
  const auto any = [](const std::vector<SubjectDiff>& list) {
    return std::any_of(list.begin(), list.end(),
                       [](const SubjectDiff& d) { return d.admits_new(); });
  };
  // Traffic reaches interfaces: when both sides know them, a rule moved between two groups of the
  // same interfaces admits nothing new.
  return summary.interfaces_compared ? any(interfaces) : any(groups);
}

DiffResult diff_inventories(const Inventory& old_inventory, const Inventory& new_inventory,
                            const DiffOptions& options) {
  DiffResult result;
  Side old_side(old_inventory, options.old_inputs);
  Side new_side(new_inventory, options.new_inputs);
  match_groups(old_side, new_side, options);

  // Lint of each side on its own thread (with options.lint.jobs threads inside), beside the
  // comparison of the access on this one: the three are independent, and the findings and sets
  // are the same whatever runs first.
  const std::optional<Inventory> renamed = renamed_old(old_side, new_side);
  const bool threads = options.lint.jobs > 1;
  const auto launch = threads ? std::launch::async : std::launch::deferred;
  std::future<LintResult> before = std::async(
      launch, [&] { return run_lint(renamed ? *renamed : old_inventory, options.lint); });
  std::future<LintResult> after =
      std::async(launch, [&] { return run_lint(new_inventory, options.lint); });

  DiffSummary& summary = result.summary;
  summary.old_files = old_inventory.files.size();
  summary.new_files = new_inventory.files.size();
  summary.old_groups = old_inventory.groups.size();
  summary.new_groups = new_inventory.groups.size();
  std::vector<bool> changed_new, changed_old;
  result.groups = diff_groups(old_side, new_side, changed_new, changed_old, summary);
  summary.interfaces_compared =
      !old_inventory.interfaces.empty() && !new_inventory.interfaces.empty();
  if (summary.interfaces_compared)
    result.interfaces = diff_interfaces(old_side, new_side, changed_new, changed_old, summary);

  const LintResult old_lint = before.get();
  const LintResult new_lint = after.get();
  // A policy that cannot be evaluated on either side is an error (each reported once).
  result.errors = old_lint.errors;
  for (const Diagnostic& d : new_lint.errors)
    if (std::none_of(result.errors.begin(), result.errors.end(), [&](const Diagnostic& e) {
          return e.message == d.message && e.location.to_string() == d.location.to_string();
        }))
      result.errors.push_back(d);
  result.new_findings = not_recorded(new_lint.findings, old_lint.findings);
  result.fixed_findings = not_recorded(old_lint.findings, new_lint.findings);
  return result;
}

}  // namespace sgcheck
