// The lint driver (product.md §4 `lint`, §7 suppression): runs the families of checks, applies
// severity overrides, gives every finding a fingerprint, drops what is suppressed (--disable and
// the config, the `sgcheck:ignore` tag, the baseline) while counting it, and sorts what is left.
// Entry points: run_lint(), check_catalogue(). The one place of lint that uses the policy
// language (src/policy/): policy is below lint and never uses it.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "check/violation.h"
#include "lint/check.h"
#include "lint/check_support.h"
#include "model/permute.h"
#include "policy/policy.h"
#include "semantics/ids.h"

namespace sgcheck {

namespace {

using detail::CheckContext;

constexpr std::string_view kIgnoreTag = "sgcheck:ignore";

bool matches_any(const std::vector<std::string>& patterns, std::string_view id) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return check_pattern_matches(pattern, id);
  });
}

bool is_disabled(const LintOptions& options, std::string_view id) {
  return matches_any(options.disabled, id) || matches_any(options.config_disabled, id);
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

// ---- Fingerprints

// Fingerprints hash their parts as they come: the text hashed is never built.
void add_number(detail::Fnv1a& hash, long long number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  hash.add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

// What an atomic rule allows, as AWS identifies it: never its position, id or description.
// Hashes "direction|protocol|from-to|peer kind|peer".
void add_rule_content(detail::Fnv1a& hash, const Rule& rule) {
  hash.add(direction_name(rule.direction));
  hash.add("|");
  add_number(hash, rule.protocol);
  hash.add("|");
  if (const auto ports = normalised_ports(rule)) {
    add_number(hash, ports->first);
    hash.add("-");
    add_number(hash, ports->second);
  }
  hash.add("|");
  hash.add(peer_kind_name(rule.peer.kind));
  hash.add("|");
  const bool cidr = rule.peer.kind == PeerKind::cidr4 || rule.peer.kind == PeerKind::cidr6;
  if (cidr && rule.valid)
    hash.add(to_string(rule.peer.cidr));
  else
    hash.add(rule.peer.id);
}

// Hashes "protocol|port|type|code|direction|peer", a part empty when the witness has none.
void add_witness_content(detail::Fnv1a& hash, const Witness& w) {
  hash.add(w.protocol);
  for (const std::optional<int>* part : {&w.port, &w.type, &w.code}) {
    hash.add("|");
    if (*part) add_number(hash, **part);
  }
  hash.add("|");
  hash.add(direction_name(w.direction));
  hash.add("|");
  hash.add(w.peer);
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
// and to read its tags. Positions are one sorted array (binary search, no node per rule); at a
// position several rules share, the first in the inventory wins. Read-only once built, so the
// threads of the families share one.
class RuleIndex {
 public:
  explicit RuleIndex(const Inventory& inventory) {
    files_.reserve(inventory.files.size());
    for (std::uint32_t i = 0; i < inventory.files.size(); ++i)
      files_.insert(inventory.files[i], i);  // the first of equal names wins
    for (std::uint32_t g = 0; g < inventory.groups.size(); ++g)
      for (const Rule& rule : inventory.groups[g].rules) by_position_.push_back(entry(g, rule));
    std::sort(by_position_.begin(), by_position_.end(), before);
  }

  static constexpr std::uint32_t kNoFile = detail::IdIndex::kAbsent;

  // The index of `file` among the inventory's files, or kNoFile.
  std::uint32_t file_index(std::string_view file) const { return files_.find(file); }

  // The rule at `location`, whose file has index `file`.
  const Rule* at(std::uint32_t file, const Location& location) const {
    if (location.line == 0 || file == kNoFile) return nullptr;
    const auto it = std::lower_bound(by_position_.begin(), by_position_.end(), location,
                                     [file](const Entry& e, const Location& at) {
                                       if (e.file != file) return e.file < file;
                                       if (e.line != at.line) return e.line < at.line;
                                       return e.column < at.column;
                                     });
    return it != by_position_.end() && it->file == file && it->line == location.line &&
                   it->column == location.column
               ? it->rule
               : nullptr;
  }

 private:
  struct Entry {
    std::uint32_t file, line, column;  // the rule's position
    std::uint32_t group;               // its group's index in the inventory
    const Rule* rule;
  };
  static Entry entry(std::uint32_t group, const Rule& rule) {
    return {rule.location.file, rule.location.line, rule.location.column, group, &rule};
  }
  // Position, then inventory order (group, then place in the group's vector): a total order, so
  // std::sort gives what a stable sort by position would, without its buffer.
  static bool before(const Entry& a, const Entry& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    if (a.column != b.column) return a.column < b.column;
    if (a.group != b.group) return a.group < b.group;
    return a.rule < b.rule;
  }

  detail::IdIndex files_;  // file name → index into Inventory::files
  std::vector<Entry> by_position_;
};

// Groups (by id, else by template name) and interfaces by id, hashed: every finding asks for its
// subject's tags. The first of equal ids wins, as Inventory::find_group()'s search over the sorted
// vector does. Open addressing (IdIndex) to indexes into the inventory's vectors: a lookup reads
// one slot, where a std::unordered_map read a bucket, a node and the id's string.
class SubjectIndex {
 public:
  explicit SubjectIndex(const Inventory& inventory)
      : groups_(inventory.groups.data()),
        interfaces_(inventory.interfaces.data()),
        group_ids_(detail::index_by_id(inventory.groups)) {
    for (std::uint32_t i = 0; i < inventory.groups.size(); ++i)
      templates_.insert(inventory.groups[i].template_name, i);
    ignoring_.reserve(inventory.groups.size());
    for (const Group& g : inventory.groups) ignoring_.push_back(has_ignore_tag(g.tags) ? 1 : 0);
    index_tagged_interfaces(inventory.interfaces);
  }

  // Whether some tag's key starts with `sgcheck:ignore`: only such tags suppress.
  static bool has_ignore_tag(const std::vector<Tag>& tags) {
    return std::any_of(tags.begin(), tags.end(), [](const Tag& tag) {
      return std::string_view(tag.key).substr(0, kIgnoreTag.size()) == kIgnoreTag;
    });
  }
  // has_ignore_tag() of group g's tags, known for each group: most groups have tags, few of them
  // this one, and every finding asks of its group.
  bool may_ignore(const Group* g) const { return ignoring_[static_cast<std::size_t>(g - groups_)]; }

  const Group* group(std::string_view id) const {
    if (id.empty()) return nullptr;
    if (const std::uint32_t i = group_ids_.find(id); i != detail::IdIndex::kAbsent)
      return groups_ + i;
    const std::uint32_t i = templates_.find(id);
    return i == detail::IdIndex::kAbsent ? nullptr : groups_ + i;
  }
  // The tags of the first interface of that id, or nullptr when it has none or is not there.
  const std::vector<Tag>* interface_tags(std::string_view id) const {
    if (interface_ids_.empty()) return nullptr;
    const std::uint32_t i = interface_ids_.find(id);
    return i == detail::IdIndex::kAbsent ? nullptr : &interfaces_[i].tags;
  }

 private:
  // Only tags suppress, so only the first interface of each id that has tags is indexed (most
  // inventories tag none: no inserts, no table). The first of an id is known by its neighbour when
  // the vector is sorted by id, as load_inventory leaves it; otherwise every interface is indexed.
  void index_tagged_interfaces(const std::vector<Interface>& interfaces) {
    bool sorted = true;
    for (std::size_t i = 1; i < interfaces.size() && sorted; ++i)
      sorted = !(interfaces[i].id < interfaces[i - 1].id);
    for (std::uint32_t i = 0; i < interfaces.size(); ++i) {
      const bool first_of_id = i == 0 || interfaces[i].id != interfaces[i - 1].id;
      if (!sorted || (first_of_id && !interfaces[i].tags.empty()))
        interface_ids_.insert(interfaces[i].id, i);
    }
  }

  const Group* groups_;          // the inventory's
  const Interface* interfaces_;  // the inventory's
  detail::IdIndex group_ids_, templates_, interface_ids_;
  std::vector<char> ignoring_;  // by group index: has_ignore_tag()
};

// The hash of id "\n" group "\n" interface "\n" identity. The identity is the check's own key
// when it gave one (in `fingerprint`), else the content of `rule` (the one at the finding's
// position, or nullptr) and "#" and the witness (either may be missing), else the message without
// file names and positions.
std::string fingerprint_of(const Finding& f, const Inventory& inventory, const Rule* rule) {
  detail::Fnv1a hash;
  hash.add(f.id);
  hash.add("\n");
  hash.add(f.group);
  hash.add("\n");
  hash.add(f.interface);
  hash.add("\n");
  if (!f.fingerprint.empty()) {
    hash.add(f.fingerprint);
    return detail::hex16(hash.value());
  }
  if (rule != nullptr) add_rule_content(hash, *rule);
  if (f.witness) {
    hash.add("#");
    add_witness_content(hash, *f.witness);
  }
  if (rule == nullptr && !f.witness) hash.add(without_places(f.message, inventory.files));
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
      if (key[kIgnoreTag.size()] == ':' &&
          check_pattern_matches(key.substr(kIgnoreTag.size() + 1), id))
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
      if (token == "*" || check_pattern_matches(token, id)) return true;
      value.remove_prefix(token.size());
    }
  }
  return false;
}

bool suppressed_by_tag(const Finding& f, const SubjectIndex& subjects, const Rule* rule) {
  if (const Group* g = subjects.group(f.group);
      g != nullptr && subjects.may_ignore(g) && tag_ignores(g->tags, f.id))
    return true;
  if (const std::vector<Tag>* tags = subjects.interface_tags(f.interface);
      tags != nullptr && tag_ignores(*tags, f.id))
    return true;
  return rule != nullptr && tag_ignores(rule->tags, f.id);
}

// ---- The order

// By file, line, column, id and message, the order of the report: negative when x comes first,
// 0 when they are level, positive after. One call tells both "before" and "level", where two
// calls of a less-than compared the file names (mostly equal, so in full) twice.
int compare_findings(const Finding& x, const Finding& y) {
  if (const int c = x.location.file.compare(y.location.file); c != 0) return c;
  if (x.location.line != y.location.line) return x.location.line < y.location.line ? -1 : 1;
  if (x.location.column != y.location.column) return x.location.column < y.location.column ? -1 : 1;
  if (const int c = x.id.compare(y.id); c != 0) return c;
  return x.message.compare(y.message);
}

// Sorts one family's findings in place in the report's order, equal ones in the order found. The
// file names are ranked once, so a comparison is integers first; the keys are sorted, and the order
// is then applied in place (apply_permutation()): no second vector of findings.
void sort_findings(std::vector<Finding>& found) {
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
    if (const int c = x.id.compare(y.id); c != 0) return c < 0;
    if (const int c = x.message.compare(y.message); c != 0) return c < 0;
    return a.index < b.index;
  });
  detail::apply_permutation(found, [&](std::size_t p) { return std::size_t{keys[p].index}; });
}

// ---- Running the families

// What the driver does to each finding once its family has found it: the severity override, the
// fingerprint, and suppression (--disable and the config, the tag, the baseline). The indexes it
// reads are built on first use, once, by whichever thread needs them first: a clean inventory
// never pays for them.
class Triage {
 public:
  Triage(const Inventory& inventory, const LintOptions& options)
      : inventory_(inventory), options_(options), baseline_(options.baseline) {}

  // Triages `found` in place: the kept findings stay, in their order; returns how many were
  // suppressed.
  // Drops the suppressed findings of `found` and counts them by reason into `counts` (the first
  // reason that applies: --disable, config, tag, baseline).
  void apply(std::vector<Finding>& found, LintSummary& counts) {
    if (found.empty()) return;
    std::call_once(built_, [this] {
      rules_.emplace(inventory_);
      subjects_.emplace(inventory_);
    });
    std::size_t kept = 0;
    // A family's findings come in runs of one file: each run is looked up once. A copy, since the
    // findings move while they are kept.
    Name file;
    std::uint32_t file_index = RuleIndex::kNoFile;
    for (Finding& f : found) {
      if (!options_.severities.empty())
        if (const auto it = options_.severities.find(f.id.str()); it != options_.severities.end())
          f.severity = it->second;
      if (f.location.file != file) {
        file = f.location.file;
        file_index = rules_->file_index(file);
      }
      const Rule* rule = rules_->at(file_index, f.location);  // at the finding's position, if any
      f.fingerprint = fingerprint_of(f, inventory_, rule);
      std::size_t* reason = suppression(f, rule, counts);
      if (reason == nullptr && in_baseline(f)) reason = &counts.suppressed_by_baseline;
      if (reason != nullptr) {
        ++*reason;
        ++counts.suppressed;
        continue;
      }
      if (&f != &found[kept]) found[kept] = std::move(f);
      ++kept;
    }
    found.erase(found.begin() + static_cast<std::ptrdiff_t>(kept), found.end());
  }

 private:
  // The counter of the reason `f` is suppressed for, or nullptr when it is reported.
  std::size_t* suppression(const Finding& f, const Rule* rule, LintSummary& counts) const {
    if (matches_any(options_.disabled, f.id)) return &counts.suppressed_by_disable;
    if (matches_any(options_.config_disabled, f.id)) return &counts.suppressed_by_config;
    if (suppressed_by_tag(f, *subjects_, rule)) return &counts.suppressed_by_tag;
    return nullptr;
  }

  // True when the baseline suppresses `f`: it recorded its fingerprint alone (a built-in check,
  // or any entry of a version-1 file, whose policy fingerprints were the first witness's), or
  // recorded a violation that `f`'s does not exceed. A grown violation is reported, with what is
  // new since the baseline in its message and Violation::new_since_baseline.
  bool in_baseline(Finding& f) const {
    if (baseline_.covers_fingerprint(f.fingerprint)) return true;
    if (f.violation && baseline_.has_fingerprint_entries() &&
        baseline_.covers_fingerprint(legacy_fingerprint(f)))
      return true;
    std::optional<std::vector<std::string>> beyond = baseline_.beyond_record(f);
    if (!beyond) return false;
    std::vector<std::string> grown = std::move(*beyond);
    if (grown.empty()) return true;
    f.message += " (changed since the baseline: now also ";
    for (std::size_t i = 0; i < grown.size(); ++i) {
      if (i != 0) f.message += ", ";
      f.message += grown[i];
    }
    f.message += ")";
    auto changed = std::make_shared<Violation>(*f.violation);
    changed->new_since_baseline = std::move(grown);
    f.violation = std::move(changed);
    return false;
  }

  // The fingerprint a version-1 baseline gave a policy finding: of its first witness.
  std::string legacy_fingerprint(const Finding& f) const {
    Finding legacy;
    legacy.id = f.id;
    legacy.group = f.group;
    legacy.interface = f.interface;
    legacy.fingerprint = f.violation->legacy_key;
    return fingerprint_of(legacy, inventory_, nullptr);
  }

  const Inventory& inventory_;
  const LintOptions& options_;
  detail::BaselineIndex baseline_;
  std::once_flag built_;
  std::optional<RuleIndex> rules_;
  std::optional<SubjectIndex> subjects_;
};

// One family of checks (SG4, SG2, SG3, the policies) and what it left: its triaged findings (until
// they are merged), the policy files' errors, and what it threw. `cost` is its relative running
// time on a large inventory (with two threads busy, triage and sort included): the threads take the
// longest first. Graph must come before validity: the thread that ends first takes the longer.
struct Family {
  int cost;
  std::function<void(std::vector<Finding>&, Diagnostics&)> run;
  std::vector<Finding> kept{};
  LintSummary suppressed{};  // the suppressed_by counts
  Diagnostics errors{};
  std::exception_ptr failure{};
};

// The families in the serial order (validity, hygiene, graph, policies), each unless every one of
// its checks is disabled (then it costs nothing). Findings of a disabled check that a running
// family still produces are counted as suppressed by Triage.
std::vector<Family> families_to_run(const CheckContext& context,
                                    const CheckContext& policy_context) {
  const LintOptions& options = context.options;
  std::vector<Family> families;
  using Builtin = void (*)(const CheckContext&, std::vector<Finding>&);
  const std::tuple<std::string_view, int, Builtin> builtins[] = {
      {"SG4", 18, detail::run_validity_checks},
      {"SG2", 63, detail::run_hygiene_checks},
      {"SG3", 28, detail::run_graph_checks}};
  // Without a pattern every family runs: the catalogue is not built (at every start).
  const bool some_disabled = !options.disabled.empty() || !options.config_disabled.empty();
  for (const auto& [prefix, cost, run] : builtins) {
    if (some_disabled && all_disabled(options, ids_with_prefix(prefix))) continue;
    families.push_back({cost, [&context, run = run](std::vector<Finding>& out, Diagnostics&) {
                          run(context, out);
                        }});
  }
  std::vector<std::string> policy_ids;
  if (some_disabled)
    for (const CheckInfo& info : detail::builtin_policy_checks()) policy_ids.push_back(info.id);
  if (!options.policy_files.empty() || !some_disabled || !all_disabled(options, policy_ids)) {
    families.push_back({69, [&policy_context](std::vector<Finding>& out, Diagnostics& errors) {
                          detail::run_policy_checks(policy_context, out, errors);
                        }});
  }
  return families;
}

// The findings of the families finished so far, in the report's order; equal findings of two
// families in the serial order of the families. Each family is merged in as it ends, on its
// thread, so that only the last one's merge follows the checks. Merging into room already there
// goes from the back (a finding not yet moved is never overwritten); otherwise into a new vector
// with a little room for the small families that usually end last.
class MergedFindings {
 public:
  void add(std::vector<Finding>& found, std::uint32_t family) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (all_.empty()) {
      all_ = std::move(found);
      from_.assign(all_.size(), family);
    } else if (all_.capacity() >= all_.size() + found.size()) {
      merge_from_back(found, family);
    } else {
      merge_into_new(found, family);
    }
    found = std::vector<Finding>();
  }
  std::vector<Finding> take() { return std::move(all_); }

 private:
  // x of family fx before y of family fy in the merged order.
  static bool before(const Finding& x, std::uint32_t fx, const Finding& y, std::uint32_t fy) {
    const int c = compare_findings(x, y);
    return c < 0 || (c == 0 && fx < fy);
  }

  void merge_from_back(std::vector<Finding>& found, std::uint32_t family) {
    std::size_t i = all_.size(), j = found.size(), place = i + j;
    all_.resize(place);
    from_.resize(place);
    while (j > 0) {
      --place;
      if (i > 0 && before(found[j - 1], family, all_[i - 1], from_[i - 1])) {
        --i;
        all_[place] = std::move(all_[i]);
        from_[place] = from_[i];
      } else {
        --j;
        all_[place] = std::move(found[j]);
        from_[place] = family;
      }
    }
  }

  void merge_into_new(std::vector<Finding>& found, std::uint32_t family) {
    const std::size_t total = all_.size() + found.size();
    std::vector<Finding> merged;
    std::vector<std::uint32_t> from;
    merged.reserve(total + total / 16);
    from.reserve(total + total / 16);
    std::size_t i = 0, j = 0;
    while (i < all_.size() || j < found.size()) {
      if (j == found.size() || (i < all_.size() && !before(found[j], family, all_[i], from_[i]))) {
        merged.push_back(std::move(all_[i]));
        from.push_back(from_[i++]);
      } else {
        merged.push_back(std::move(found[j++]));
        from.push_back(family);
      }
    }
    all_ = std::move(merged);
    from_ = std::move(from);
  }

  std::mutex mutex_;
  std::vector<Finding> all_;
  std::vector<std::uint32_t> from_;  // the family of each finding in all_
};

// Runs, triages, sorts and merges every family, longest first (the policies, hygiene, graph,
// validity): with jobs >= 2 on two threads, so that they end close together and the triage of one
// family overlaps the checks of another (the policy checks themselves split over jobs - 1 threads);
// with one thread, so that the policy model is freed before the hygiene findings are made (a lower
// peak of memory). Each family keeps its own findings, so the result is the same for every
// jobs value; what a family threw is rethrown here, the first in the serial order.
void run_families(std::vector<Family>& families, Triage& triage, MergedFindings& merged,
                  unsigned jobs) {
  std::vector<Family*> longest_first;
  for (Family& family : families) longest_first.push_back(&family);
  std::stable_sort(longest_first.begin(), longest_first.end(),
                   [](const Family* a, const Family* b) { return a->cost > b->cost; });
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t k; (k = next++) < longest_first.size();) {
      Family& family = *longest_first[k];
      try {
        family.run(family.kept, family.errors);
        triage.apply(family.kept, family.suppressed);
        sort_findings(family.kept);
        merged.add(family.kept, static_cast<std::uint32_t>(&family - families.data()));
      } catch (...) {
        family.failure = std::current_exception();
      }
    }
  };
  if (jobs >= 2 && families.size() >= 2) {
    std::thread other(worker);
    worker();
    other.join();
  } else {
    worker();
  }
  for (const Family& family : families)
    if (family.failure) std::rethrow_exception(family.failure);
}

// Below this many rules the checks run on the calling thread whatever `jobs` says: starting a
// thread costs more than it saves on a small inventory (the pre-commit case).
constexpr std::size_t kSerialRules = 128;

// The driver's work on one context: the families with their triage and order, then one list.
LintResult run_checks(const CheckContext& context) {
  const Inventory& inventory = context.inventory;
  const LintOptions& options = context.options;
  const unsigned jobs = inventory.rule_count() < kSerialRules ? 1 : options.jobs;
  LintOptions policy_options = options;
  policy_options.jobs = jobs > 1 ? jobs - 1 : 1;  // 0 (library callers) is 1
  // The same engine and semantics, each built at most once whichever family asks first.
  const CheckContext policy_context{inventory, context.engine, policy_options, context.semantics};
  std::vector<Family> families = families_to_run(context, policy_context);
  Triage triage(inventory, options);
  MergedFindings merged;
  run_families(families, triage, merged, jobs);

  LintResult result;
  for (Family& family : families) {
    LintSummary& s = result.summary;
    s.suppressed += family.suppressed.suppressed;
    s.suppressed_by_tag += family.suppressed.suppressed_by_tag;
    s.suppressed_by_baseline += family.suppressed.suppressed_by_baseline;
    s.suppressed_by_disable += family.suppressed.suppressed_by_disable;
    s.suppressed_by_config += family.suppressed.suppressed_by_config;
    std::move(family.errors.begin(), family.errors.end(), std::back_inserter(result.errors));
  }
  result.findings = merged.take();
  result.summary.files = inventory.files.size();
  result.summary.config = options.config;
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

std::vector<CheckInfo> check_catalogue() {
  std::vector<CheckInfo> all = detail::builtin_check_list();
  for (CheckInfo& info : detail::builtin_policy_checks()) all.push_back(std::move(info));
  std::sort(all.begin(), all.end(),
            [](const CheckInfo& a, const CheckInfo& b) { return a.id < b.id; });
  return all;
}

}  // namespace sgcheck
