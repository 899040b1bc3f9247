// The whole violation of a policy finding (product.md §6) against what a baseline recorded: parts
// put in canonical form, and what a finding's violation holds that a baseline entry does not (the
// baseline suppresses only what it recorded). Entry points: normalise_parts(), RecordedViolation.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sgcheck/lint.h"
#include "sgcheck/values.h"

namespace sgcheck::detail {

// Sorts the parts by family, protocol and keys and merges the adjacent ones (a port range that
// continues another of its protocol; consecutive protocols without ports), so that a violation has
// one spelling whatever order its pieces were found in.
void normalise_parts(std::vector<ViolationPart>& parts);
// The order of normalise_parts(): by family, protocol, first key, then certain before possible.
bool part_before(const ViolationPart& a, const ViolationPart& b);
// The merging of normalise_parts() alone, for parts already in its order.
void merge_sorted_parts(std::vector<ViolationPart>& parts);

// What the baseline entries of one fingerprint recorded, as sets: the parts' keys per family and
// protocol (certain ones, and certain or possible ones), and the contributing rules by group,
// direction and peer (what a rule allows beyond that is in the parts).
class RecordedViolation {
 public:
  // Adds an entry's record; false when the entry has none (a version-1 entry, or a built-in
  // check's), which then suppresses by fingerprint alone.
  bool add(const BaselineEntry& entry);

  // What `now` holds beyond the record, as texts: parts ("tcp/3389 over IPv4"), then rules
  // ("rule sg-0a1 ingress tcp/22 from ::/0"). Empty when the violation is the recorded one or
  // smaller. A part that is only possible now is covered by a recorded possible or certain one.
  std::vector<std::string> grown(const Violation& now) const;

 private:
  using Key = std::pair<int, int>;  // family, protocol
  std::map<Key, PortSet> certain_;
  std::map<Key, PortSet> possible_;  // certain or possible
  std::set<std::string> rules_;      // rule_identity() of each
};

// A rule's content without its service: "sg-0a1 ingress|from ::/0".
std::string rule_identity(std::string_view content);

// The service of a part without its family: "tcp/22", "icmp/8", "proto/2-5".
std::string part_service_text(const ViolationPart& part);

// What a baseline file records of a finding: its fingerprint and, for a policy finding, the texts
// of its violation's parts and the contents of its contributing rules.
BaselineEntry baseline_entry(const Finding& finding);

// Baseline entries indexed for matching findings against them, as --baseline matches: an entry
// without a violation covers its fingerprint alone; one with a violation covers a finding of that
// fingerprint while the finding's violation stays within the recorded one.
class BaselineIndex {
 public:
  explicit BaselineIndex(const std::vector<BaselineEntry>& entries);
  // True when an entry without a violation records the fingerprint.
  bool covers_fingerprint(const std::string& fingerprint) const {
    return fingerprints_.count(fingerprint) != 0;
  }
  bool has_fingerprint_entries() const { return !fingerprints_.empty(); }
  // For a finding whose fingerprint some entry with a violation records: what the finding holds
  // beyond the record (empty: covered). nullopt when no such entry records it.
  std::optional<std::vector<std::string>> beyond_record(const Finding& finding) const;

 private:
  std::set<std::string> fingerprints_;                // entries that cover by fingerprint alone
  std::map<std::string, RecordedViolation> recorded_;  // by fingerprint
};

}  // namespace sgcheck::detail
