// A point flow's Decision in storage reused from one flow to the next, for writers of many
// decisions (decide_batch()): the verdicts, the allowing rules by reference and the reasons as one
// text, without the interfaces and groups, and without allocating once the buffers have grown.
// Filled by decide_points() (decide.cc); read through BatchDecision.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sgcheck/engine.h"

namespace sgcheck {

// Each field is the Decision field decide() gives.
struct PointDecision {
  bool point = false;  // false: the flow is a set question, nothing else is set (ask decide())
  Verdict verdict = Verdict::unknown;
  Verdict egress = Verdict::not_applicable;
  Verdict ingress = Verdict::not_applicable;
  std::vector<RuleRef> egress_rules;  // SideDecision::rules: sorted, distinct
  std::vector<RuleRef> ingress_rules;
  // Decision::reasons, back to back: reason i is reason_text[reason_ends[i - 1] .. reason_ends[i]).
  std::string reason_text;
  std::vector<std::uint32_t> reason_ends;

  std::size_t reason_count() const { return reason_ends.size(); }
  std::string_view reason(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : reason_ends[i - 1];
    return std::string_view(reason_text).substr(begin, reason_ends[i] - begin);
  }
  void clear() {
    point = false;
    verdict = Verdict::unknown;
    egress = ingress = Verdict::not_applicable;
    egress_rules.clear();
    ingress_rules.clear();
    reason_text.clear();
    reason_ends.clear();
  }
};

// decide() of each point flow of `count` into out[0..count), as PointDecisions (their buffers
// reused); a set question gets out[i].point == false and is left to decide().
void decide_points(const Engine& engine, const Flow* flows, std::size_t count, PointDecision* out);

}  // namespace sgcheck
