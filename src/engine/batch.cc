// Deciding many flows (query --batch): the batch file's lines parsed on several threads, and the
// flows decided in blocks split over the threads, each thread rendering its part into its own
// buffer, written in input order. Point flows are decided a window at a time into reused
// PointDecisions (decide_points()), so that a window's memory accesses overlap and a decision
// allocates nothing. Entry points: parse_flow_batch(), count_verdicts(), decide_batch().
#include <algorithm>
#include <thread>

#include "engine/point_decision.h"
#include "engine/point_flow.h"
#include "sgcheck/engine.h"

namespace sgcheck {

namespace {

// Each thread's part of a block: few enough flows that its rendering (JSON Lines: hundreds of bytes
// a flow) stays in the cache until it is written.
constexpr std::size_t kFlowsPerPart = std::size_t{1} << 11;

// The flow lines of the batch text: blank lines and '#' comments (whole or trailing) skipped.
std::vector<FlowBatchLine> batch_lines(std::string_view data) {
  std::vector<FlowBatchLine> out;
  std::uint32_t number = 0;
  while (!data.empty()) {
    ++number;
    const std::size_t end = data.find('\n');
    std::string_view line = data.substr(0, end);
    data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = line.substr(0, line.find('#'));  // a comment runs to the end of the line
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    out.push_back({number, line});
  }
  return out;
}

// Whether resolve_flow_names() has anything to do for the flow: a group written by name, or an
// AWS range.
bool names_something(const Flow& flow) {
  for (const Endpoint* e : {&flow.source, &flow.destination}) {
    if (e->kind == EndpointKind::group && !e->name.empty()) return true;
    if (e->kind == EndpointKind::aws_range) return true;
  }
  return false;
}

unsigned thread_count(std::size_t n, unsigned jobs) {
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, n)));
}

// Runs work(begin, end, part) on `jobs` contiguous parts of [0, n), part 0 on this thread.
template <typename Work>
void run_parts(std::size_t n, unsigned jobs, Work&& work) {
  jobs = thread_count(n, jobs);
  std::vector<std::thread> threads;
  for (unsigned part = 1; part < jobs; ++part) {
    threads.emplace_back([&, part] { work(n * part / jobs, n * (part + 1) / jobs, part); });
  }
  work(0, n / jobs, 0u);
  for (std::thread& t : threads) t.join();
}

}  // namespace

FlowBatch parse_flow_batch(std::string_view text, std::string_view file, unsigned jobs) {
  FlowBatch batch;
  batch.lines = batch_lines(text);
  jobs = std::max(1u, jobs);
  // On one thread each flow is made where it is parsed, while its memory is in the cache; threads
  // parse into flows made beforehand.
  const bool one_thread = thread_count(batch.lines.size(), jobs) == 1;
  if (one_thread) {
    batch.flows.reserve(batch.lines.size());
  } else {
    batch.flows.resize(batch.lines.size());
  }
  std::vector<Diagnostics> diagnostics(jobs);
  std::vector<std::vector<std::size_t>> named(jobs);
  std::vector<char> failed(jobs, 0);
  run_parts(batch.lines.size(), jobs, [&](std::size_t begin, std::size_t end, unsigned part) {
    for (std::size_t i = begin; i < end; ++i) {
      const FlowBatchLine& line = batch.lines[i];
      Flow& flow = one_thread ? batch.flows.emplace_back() : batch.flows[i];
      // The common point flow first: it names nothing and never warns.
      if (detail::parse_point_flow(line.text, flow)) continue;
      FlowParseResult parsed = detail::parse_flow_grammar(line.text, file, line.number);
      if (parsed) {
        flow = std::move(*parsed.flow);
        if (names_something(flow)) named[part].push_back(i);
        for (Diagnostic& w : parsed.warnings) diagnostics[part].push_back(std::move(w));
      } else {
        diagnostics[part].push_back(std::move(parsed.error));
        failed[part] = 1;
      }
    }
  });
  for (Diagnostics& part : diagnostics) {
    for (Diagnostic& d : part) batch.diagnostics.push_back(std::move(d));
  }
  for (const std::vector<std::size_t>& part : named) {
    batch.named.insert(batch.named.end(), part.begin(), part.end());
  }
  batch.ok = std::find(failed.begin(), failed.end(), 1) == failed.end();
  return batch;
}

Diagnostics resolve_flow_batch_names(FlowBatch& batch, const Inventory& inventory,
                                     std::string_view file) {
  Diagnostics errors;
  for (const std::size_t i : batch.named) {
    const FlowBatchLine& line = batch.lines[i];
    if (auto error = resolve_flow_names(batch.flows[i], inventory, line.text, file, line.number))
      errors.push_back(std::move(*error));
  }
  return errors;
}

bool VerdictCounts::all_allowed() const {
  for (int i = 0; i < 5; ++i) {
    if (i != static_cast<int>(Verdict::allow) && by_verdict[i] > 0) return false;
  }
  return true;
}

VerdictCounts count_verdicts(const Engine& engine, const std::vector<Flow>& flows, unsigned jobs) {
  jobs = std::max(1u, jobs);
  const std::size_t block = kFlowsPerPart * jobs;
  std::vector<VerdictCounts> counts(jobs);
  std::vector<std::vector<Verdict>> verdicts(jobs);
  for (std::size_t start = 0; start < flows.size(); start += block) {
    const std::size_t n = std::min(block, flows.size() - start);
    run_parts(n, jobs, [&](std::size_t begin, std::size_t end, unsigned part) {
      std::vector<Verdict>& v = verdicts[part];
      v.resize(end - begin);
      engine.verdicts(flows.data() + start + begin, end - begin, v.data());
      for (const Verdict x : v) counts[part].add(x);
    });
  }
  VerdictCounts total;
  for (const VerdictCounts& c : counts) total.add(c);
  return total;
}

Verdict BatchDecision::verdict() const {
  return point_ != nullptr ? point_->verdict : decision_->verdict;
}

Verdict BatchDecision::side_verdict(Direction direction) const {
  const bool egress = direction == Direction::egress;
  if (point_ != nullptr) return egress ? point_->egress : point_->ingress;
  return egress ? decision_->egress.verdict : decision_->ingress.verdict;
}

const std::vector<RuleRef>& BatchDecision::rules(Direction direction) const {
  const bool egress = direction == Direction::egress;
  if (point_ != nullptr) return egress ? point_->egress_rules : point_->ingress_rules;
  return egress ? decision_->egress.rules : decision_->ingress.rules;
}

std::size_t BatchDecision::reason_count() const {
  return point_ != nullptr ? point_->reason_count() : decision_->reasons.size();
}

std::string_view BatchDecision::reason(std::size_t i) const {
  return point_ != nullptr ? point_->reason(i) : std::string_view(decision_->reasons[i]);
}

// One thread's window of decisions, its buffers reused from one window to the next: point flows
// are decided together (decide_points()), set questions one by one (decide()).
struct BatchWindow {
  static constexpr std::size_t kSize = 64;
  PointDecision points[kSize];
  Decision set_questions[kSize];
  BatchDecision decisions[kSize];

  // Decides flows[0..count) (count <= kSize) into decisions[0..count), counted.
  void decide(const Engine& engine, const Flow* flows, std::size_t count, VerdictCounts& counts) {
    decide_points(engine, flows, count, points);
    for (std::size_t k = 0; k < count; ++k) {
      BatchDecision& d = decisions[k];
      d.flow_ = &flows[k];
      if (points[k].point) {
        d.point_ = &points[k];
        d.decision_ = nullptr;
      } else {
        set_questions[k] = engine.decide(flows[k]);
        d.point_ = nullptr;
        d.decision_ = &set_questions[k];
      }
      counts.add(d.verdict());
    }
  }
};

VerdictCounts decide_batch(const Engine& engine, const std::vector<Flow>& flows, unsigned jobs,
                           const BatchRender& render, const BatchWrite& write) {
  jobs = std::max(1u, jobs);
  const std::size_t block = kFlowsPerPart * jobs;
  std::vector<std::string> buffers(jobs);
  std::vector<VerdictCounts> counts(jobs);
  std::vector<std::unique_ptr<BatchWindow>> windows(jobs);
  for (auto& w : windows) w = std::make_unique<BatchWindow>();
  for (std::size_t start = 0; start < flows.size(); start += block) {
    const std::size_t n = std::min(block, flows.size() - start);
    run_parts(n, jobs, [&](std::size_t begin, std::size_t end, unsigned part) {
      std::string& out = buffers[part];
      out.clear();
      BatchWindow& window = *windows[part];
      for (std::size_t i = start + begin; i < start + end; i += BatchWindow::kSize) {
        const std::size_t m = std::min(BatchWindow::kSize, start + end - i);
        window.decide(engine, flows.data() + i, m, counts[part]);
        render(window.decisions, m, out);
      }
    });
    for (unsigned part = 0; part < thread_count(n, jobs); ++part) write(buffers[part]);
  }
  VerdictCounts total;
  for (const VerdictCounts& c : counts) total.add(c);
  return total;
}

}  // namespace sgcheck
