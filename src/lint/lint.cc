// The lint driver (product.md §4 `lint`, §7 suppression): runs the families of checks, applies
// severity overrides, gives every finding a fingerprint, drops what is suppressed (--disable and
// the config, the `sgcheck:ignore` tag, the baseline) while counting it, and sorts what is left.
// Entry point: run_lint().
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iterator>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "lint/check.h"
#include "lint/check_support.h"
#include "policy/policy.h"

namespace sgcheck {

namespace {

using detail::CheckContext;

constexpr std::string_view kIgnoreTag = "sgcheck:ignore";

// "SG2*" matches every SG2xx id; anything else must match exactly.
bool id_matches(std::string_view pattern, std::string_view id) {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return id.substr(0, pattern.size()) == pattern;
  }
  return pattern == id;
}

bool is_disabled(const LintOptions& options, std::string_view id) {
  return std::any_of(options.disabled.begin(), options.disabled.end(),
                     [&](const std::string& pattern) { return id_matches(pattern, id); });
}

bool all_disabled(const LintOptions& options, const std::vector<std::string>& ids) {
  return std::all_of(ids.begin(), ids.end(),
                     [&](const std::string& id) { return is_disabled(options, id); });
}

std::vector<std::string> ids_with_prefix(std::string_view prefix) {
  std::vector<std::string> ids;
  for (const CheckInfo& info : check_catalogue())
    if (info.id.substr(0, prefix.size()) == prefix) ids.push_back(info.id);
  return ids;
}

// Runs each family unless every one of its checks is disabled (then it costs nothing). Findings of
// a disabled check that a running family still produces are counted as suppressed later.
// With options.jobs >= 2 the built-in families (SG4, SG2, SG3) run on a second thread while this
// one runs the policy checks (themselves split over jobs - 1 threads): the two halves take about
// as long on L. Each half appends to its own vector and they are joined in the serial order, so
// the findings are the same for every jobs value.
void run_families(const CheckContext& context, std::vector<Finding>& out, Diagnostics& errors) {
  const LintOptions& options = context.options;
  const auto builtin_families = [&](std::vector<Finding>& found) {
    if (!all_disabled(options, ids_with_prefix("SG4"))) detail::run_validity_checks(context, found);
    if (!all_disabled(options, ids_with_prefix("SG2"))) detail::run_hygiene_checks(context, found);
    if (!all_disabled(options, ids_with_prefix("SG3"))) detail::run_graph_checks(context, found);
  };
  std::vector<std::string> policy_ids;
  for (const CheckInfo& info : detail::builtin_policy_checks()) policy_ids.push_back(info.id);
  const bool policies = !options.policy_files.empty() || !all_disabled(options, policy_ids);
  if (options.jobs <= 1 || !policies) {
    builtin_families(out);
    if (policies) detail::run_policy_checks(context, out, errors);
    return;
  }
  LintOptions policy_options = options;
  policy_options.jobs = options.jobs - 1;
  const CheckContext policy_context{context.inventory, context.engine, policy_options};
  std::vector<Finding> policy_found;
  std::exception_ptr failure;
  std::thread other([&] {
    try {
      builtin_families(out);
    } catch (...) {  // rethrown on this thread, as the serial run would throw it
      failure = std::current_exception();
    }
  });
  try {
    detail::run_policy_checks(policy_context, policy_found, errors);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (failure) std::rethrow_exception(failure);
  out.insert(out.end(), std::make_move_iterator(policy_found.begin()),
             std::make_move_iterator(policy_found.end()));
}

// ---- Fingerprints

// What an atomic rule allows, as AWS identifies it: never its position, id or description.
std::string rule_content(const Rule& rule) {
  std::string out = direction_name(rule.direction);
  out += '|';
  out += std::to_string(rule.protocol);
  out += '|';
  if (const auto ports = normalised_ports(rule)) {
    out += std::to_string(ports->first);
    out += '-';
    out += std::to_string(ports->second);
  }
  out += '|';
  out += peer_kind_name(rule.peer.kind);
  out += '|';
  const bool cidr = rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6;
  out += cidr && rule.valid ? to_string(rule.peer.cidr) : rule.peer.id;
  return out;
}

std::string witness_content(const Witness& w) {
  std::string out = w.protocol;
  out += '|';
  if (w.port) out += std::to_string(*w.port);
  out += '|';
  if (w.type) out += std::to_string(*w.type);
  out += '|';
  if (w.code) out += std::to_string(*w.code);
  out += '|';
  out += direction_name(w.direction);
  out += '|';
  out += w.peer;
  return out;
}

// A message without the positions it may quote ("first copy at a.json:12:9" → "first copy at
// a.json"), so that reformatting does not change it.
std::string without_positions(std::string_view message) {
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    std::size_t j = i;
    int groups = 0;
    while (j < message.size() && message[j] == ':' && j + 1 < message.size() &&
           std::isdigit(static_cast<unsigned char>(message[j + 1]))) {
      ++j;
      while (j < message.size() && std::isdigit(static_cast<unsigned char>(message[j]))) ++j;
      ++groups;
    }
    if (groups >= 2) {
      i = j;
      continue;
    }
    out += message[i++];
  }
  return out;
}

// The message without file names and positions, so that moving a group to another file keeps it.
std::string without_places(std::string_view message, const std::vector<std::string>& files) {
  std::string out = without_positions(message);
  for (const std::string& file : files) {
    if (file.empty()) continue;
    for (std::size_t at = out.find(file); at != std::string::npos; at = out.find(file, at))
      out.erase(at, file.size());
  }
  return out;
}

// Finds the atomic rule a finding points at (its peer entry's position), to fingerprint by content
// and to read its tags. Built on first use: a clean inventory never pays for it. Positions are one
// sorted array (binary search, no node per rule); at a position several rules share, the first
// in the inventory wins.
class RuleIndex {
 public:
  explicit RuleIndex(const Inventory& inventory) : inventory_(inventory) {}

  const Rule* at(const Location& location) {
    if (location.line == 0) return nullptr;
    if (!built_) build();
    const auto file = files_.find(location.file);
    if (file == files_.end()) return nullptr;
    const Key key{file->second, location.line, location.column};
    const auto it = std::lower_bound(
        by_position_.begin(), by_position_.end(), key,
        [](const std::pair<Key, const Rule*>& entry, const Key& k) { return entry.first < k; });
    return it != by_position_.end() && it->first == key ? it->second : nullptr;
  }

 private:
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;

  void build() {
    built_ = true;
    for (std::uint32_t i = 0; i < inventory_.files.size(); ++i)
      files_.try_emplace(inventory_.files[i], i);
    by_position_.reserve(inventory_.rule_count());
    for (const Group& group : inventory_.groups)
      for (const Rule& rule : group.rules)
        by_position_.emplace_back(Key{rule.location.file, rule.location.line, rule.location.column},
                                  &rule);
    std::stable_sort(by_position_.begin(), by_position_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  const Inventory& inventory_;
  bool built_ = false;
  std::unordered_map<std::string_view, std::uint32_t> files_;
  std::vector<std::pair<Key, const Rule*>> by_position_;
};

// Groups (by id, else by template name) and interfaces by id, hashed: every finding asks for its
// subject's tags. The first of equal ids wins, as Inventory::find_group()'s search over the sorted
// vector does.
class SubjectIndex {
 public:
  explicit SubjectIndex(const Inventory& inventory) {
    for (const Group& g : inventory.groups) groups_.try_emplace(g.id, &g);
    for (const Group& g : inventory.groups) templates_.try_emplace(g.template_name, &g);
    for (const Interface& x : inventory.interfaces) interfaces_.try_emplace(x.id, &x);
  }

  const Group* group(const std::string& id) const {
    if (id.empty()) return nullptr;
    if (const auto it = groups_.find(id); it != groups_.end()) return it->second;
    const auto it = templates_.find(id);
    return it == templates_.end() ? nullptr : it->second;
  }
  const Interface* interface(const std::string& id) const {
    const auto it = interfaces_.find(id);
    return it == interfaces_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const Group*> groups_, templates_;
  std::unordered_map<std::string_view, const Interface*> interfaces_;
};

// check id + group/interface + identity: the check's own key when it gave one (in `fingerprint`),
// else the content of the rule at the finding's position and the witness, else the message
// without file names and positions.
std::string fingerprint_of(Finding& f, const Inventory& inventory, RuleIndex& rules) {
  std::string identity = std::move(f.fingerprint);
  if (identity.empty()) {
    if (const Rule* rule = rules.at(f.location)) identity = rule_content(*rule);
    if (f.witness) {
      identity += '#';
      identity += witness_content(*f.witness);
    }
    if (identity.empty()) identity = without_places(f.message, inventory.files);
  }
  // The hash of id "\n" group "\n" interface "\n" identity, without building that text.
  detail::Fnv1a hash;
  hash.add(f.id);
  for (const std::string* part : {&f.group, &f.interface, &identity}) {
    hash.add("\n");
    hash.add(*part);
  }
  return detail::hex16(hash.value());
}

// ---- Suppression by tag

// "SG102", "ACME-DB-1", "SG2*", "*": upper case, digits and dashes, with a digit or a final '*'.
bool looks_like_id(std::string_view token) {
  if (token == "*") return true;
  if (token.size() > 1 && token.back() == '*') {
    token.remove_suffix(1);
    return std::all_of(token.begin(), token.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return std::isupper(u) || std::isdigit(u) || c == '-' || c == '_';
    });
  }
  if (token.empty() || !std::isalpha(static_cast<unsigned char>(token.front()))) return false;
  bool digit = false;
  for (const char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isupper(u) || std::isdigit(u) || c == '-' || c == '_')) return false;
    digit = digit || std::isdigit(u);
  }
  return digit;
}

// `sgcheck:ignore` = "SG102,SG201 reason text": the leading ids (separated by commas or spaces, "*"
// for every check) up to the first word that is not one. A key `sgcheck:ignore:SG102` ignores that
// id whatever its value.
bool tag_ignores(const std::vector<Tag>& tags, std::string_view id) {
  for (const Tag& tag : tags) {
    const std::string_view key = tag.key;
    if (key.substr(0, kIgnoreTag.size()) != kIgnoreTag) continue;
    if (key.size() > kIgnoreTag.size()) {
      if (key[kIgnoreTag.size()] == ':' && id_matches(key.substr(kIgnoreTag.size() + 1), id))
        return true;
      continue;
    }
    std::string_view value = tag.value;
    while (!value.empty()) {
      const std::size_t start = value.find_first_not_of(", \t");
      if (start == std::string_view::npos) break;
      value.remove_prefix(start);
      const std::size_t end = value.find_first_of(", \t");
      const std::string_view token = value.substr(0, end);
      if (!looks_like_id(token)) break;
      if (token == "*" || id_matches(token, id)) return true;
      value.remove_prefix(token.size());
    }
  }
  return false;
}

bool suppressed_by_tag(const Finding& f, const SubjectIndex& subjects, RuleIndex& rules) {
  if (const Group* g = subjects.group(f.group); g != nullptr && tag_ignores(g->tags, f.id))
    return true;
  if (const Interface* eni = subjects.interface(f.interface);
      eni != nullptr && tag_ignores(eni->tags, f.id))
    return true;
  const Rule* rule = rules.at(f.location);
  return rule != nullptr && tag_ignores(rule->tags, f.id);
}

// Keeps found[kept[0]], found[kept[1]]… (kept ascending) and sorts them in place by file, line,
// column, id and message: no second vector of findings. The file names are ranked once, so a
// comparison is integers first; the keys sorted are small, and std::sort makes exactly the
// comparisons and moves it would make on the kept findings in that order (the comparator answers
// alike), so ties end where they always did. The order found is then applied by following its
// cycles, a move per finding.
void sort_findings(std::vector<Finding>& found, const std::vector<std::uint32_t>& kept) {
  for (std::uint32_t j = 0; j < kept.size(); ++j)
    if (kept[j] != j) found[j] = std::move(found[kept[j]]);
  found.erase(found.begin() + static_cast<std::ptrdiff_t>(kept.size()), found.end());
  std::vector<std::string_view> files;  // runs of one file are common: each run once
  for (const Finding& f : found)
    if (files.empty() || files.back() != f.location.file) files.push_back(f.location.file);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  struct Key {
    std::uint32_t file, line, column, index;
  };
  std::vector<Key> keys;
  keys.reserve(found.size());
  std::string_view previous;
  std::uint32_t rank = 0;
  for (std::uint32_t i = 0; i < found.size(); ++i) {
    const Location& at = found[i].location;
    if (keys.empty() || at.file != previous) {
      previous = at.file;
      rank = static_cast<std::uint32_t>(std::lower_bound(files.begin(), files.end(), previous) -
                                        files.begin());
    }
    keys.push_back({rank, at.line, at.column, i});
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    if (a.column != b.column) return a.column < b.column;
    const Finding& x = found[a.index];
    const Finding& y = found[b.index];
    return std::tie(x.id, x.message) < std::tie(y.id, y.message);
  });
  // Position p takes the finding at keys[p].index; `index` is reset to p once p is filled.
  for (std::uint32_t start = 0; start < keys.size(); ++start) {
    if (keys[start].index == start) continue;
    Finding held = std::move(found[start]);
    std::uint32_t p = start;
    for (;;) {
      const std::uint32_t from = keys[p].index;
      keys[p].index = p;
      if (from == start) {
        found[p] = std::move(held);
        break;
      }
      found[p] = std::move(found[from]);
      p = from;
    }
  }
}

// The driver's work on one context: the families, then severities, fingerprints, suppression
// and the order.
LintResult run_checks(const CheckContext& context) {
  const Inventory& inventory = context.inventory;
  const LintOptions& options = context.options;
  LintResult result;
  std::vector<Finding> found;
  run_families(context, found, result.errors);

  RuleIndex rules(inventory);
  const SubjectIndex subjects(inventory);
  const std::set<std::string> baseline(options.baseline.begin(), options.baseline.end());
  std::vector<std::uint32_t> kept;  // indexes into `found`: each finding is moved once, sorted
  kept.reserve(found.size());
  for (std::uint32_t i = 0; i < found.size(); ++i) {
    Finding& f = found[i];
    if (const auto it = options.severities.find(f.id); it != options.severities.end())
      f.severity = it->second;
    f.fingerprint = fingerprint_of(f, inventory, rules);
    if (is_disabled(options, f.id) || suppressed_by_tag(f, subjects, rules) ||
        baseline.count(f.fingerprint) != 0) {
      ++result.summary.suppressed;
      continue;
    }
    kept.push_back(i);
  }
  sort_findings(found, kept);
  result.findings = std::move(found);

  result.summary.files = inventory.files.size();
  result.summary.groups = inventory.groups.size();
  result.summary.rules = inventory.rule_count();
  result.summary.findings = result.findings.size();
  return result;
}

}  // namespace

LintResult run_lint(const Inventory& inventory, const Engine& engine, const LintOptions& options) {
  return run_checks(CheckContext{inventory, engine, options});
}

LintResult run_lint(const Inventory& inventory, const LintOptions& options) {
  return run_checks(CheckContext{inventory, detail::EngineRef(inventory), options});
}

}  // namespace sgcheck
