// `sgcheck query INPUT... 'FLOW'` and `sgcheck query --batch FILE INPUT...`: decide flows with the
// engine and print the verdict, each side, the allowing rules and the reasons (text), or one JSON
// object per flow (product.md §4; --batch prints JSON Lines in input order, with --format text the
// text blocks of `query` one after the other, or with --format count only the verdict counts,
// which needs no explanation and takes the engine's fast path).
// Entry point: add_query_command().
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cli/commands.h"
#include "sgcheck/engine.h"

namespace sgcheck::cli {

namespace {

using Json = nlohmann::ordered_json;
// Literal pieces of the JSON Lines are appended as string_views: no strlen() per piece.
using namespace std::string_view_literals;

constexpr const char* kNotEvaluated =
    "Network ACLs, routing, gateways and host firewalls were not evaluated; a packet allowed here "
    "may still be dropped elsewhere.";

struct QueryOptions {
  std::vector<std::string> args;  // INPUT... then FLOW (without --batch)
  std::string batch;
  std::string format = "text";
  bool format_given = false;  // --batch writes JSON Lines unless --format says otherwise
  bool no_color = false;
  bool quiet = false;
  bool stats = false;
  unsigned jobs = 1;
};

Json side_json(const Inventory& inv, const SideDecision& side) {
  Json rules = Json::array();
  for (const RuleRef& ref : side.rules) {
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    rules.push_back({{"group", g.id},
                     {"rule", r.id.empty() ? Json(nullptr) : Json(r.id)},
                     {"location", inv.location(r.location).to_string()}});
  }
  return Json{{"verdict", verdict_name(side.verdict)}, {"rules", std::move(rules)}};
}

Json decision_json(const Inventory& inv, const Flow& flow, const Decision& d) {
  Json out{{"flow", flow.to_string()},
           {"verdict", verdict_name(d.verdict)},
           {"egress", side_json(inv, d.egress)},
           {"ingress", side_json(inv, d.ingress)},
           {"reasons", d.reasons}};
  if (d.set_question) {
    out["allowed"] = d.allowed;
    out["denied"] = d.denied;
    out["unknown"] = d.unknown;
  }
  return out;
}

const char* verdict_words(Verdict v) {
  switch (v) {
    case Verdict::allow:
      return "allowed by security groups";
    case Verdict::deny:
      return "denied by security groups";
    case Verdict::partial:
      return "partly allowed by security groups";
    case Verdict::unknown:
      return "unknown: the answer depends on what the inventory lacks";
    case Verdict::not_applicable:
      return "not applicable";
  }
  return "unknown";
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

void print_side(std::ostream& out, const Inventory& inv, const char* name,
                const SideDecision& side) {
  out << "  " << name << ": " << verdict_name(side.verdict);
  if (side.verdict == Verdict::not_applicable) {
    out << " (the " << (std::string(name) == "egress" ? "source" : "destination")
        << " is outside the inventory)\n";
    return;
  }
  std::vector<std::string> groups;
  for (const std::string& id : side.groups) {
    const Group* g = inv.find_group(id);
    groups.push_back(g == nullptr      ? id + " (not in the inventory)"
                     : g->name.empty() ? id
                                       : id + " (" + g->name + ")");
  }
  out << ", " << join(side.interfaces, ", ") << " with "
      << (groups.empty() ? std::string("no groups") : join(groups, ", ")) << "\n";
  for (const RuleRef& ref : side.rules) {
    const Group& g = inv.groups[ref.group];
    const Rule& r = g.rules[ref.rule];
    out << "    " << inv.location(r.location).to_string() << ": " << g.id;
    if (!r.id.empty()) out << " " << r.id;
    out << " allows " << describe_rule(inv, ref) << "\n";
  }
}

void print_text(std::ostream& out, const Inventory& inv, const Flow& flow, const Decision& d) {
  out << flow.to_string() << ": " << verdict_words(d.verdict) << "\n";
  print_side(out, inv, "egress", d.egress);
  print_side(out, inv, "ingress", d.ingress);
  if (d.set_question) {
    for (const std::string& part : d.allowed) out << "  allowed: " << part << "\n";
    for (const std::string& part : d.denied) out << "  denied: " << part << "\n";
    for (const std::string& part : d.unknown) out << "  unknown: " << part << "\n";
  }
  for (const std::string& reason : d.reasons) out << "  reason: " << reason << "\n";
}

bool is_failure(Verdict v) {
  return v != Verdict::allow;
}

// ---- --batch: one flow per line, decided in blocks, optionally on several threads --------------

// JSON string escaping for the JSON Lines hot path, byte-for-byte what nlohmann's dump() writes
// (ensure_ascii off: '"', '\\' and control characters escaped, \u00xx in lower case, UTF-8 as is).
// Hand-written because building, dumping and freeing an nlohmann tree per flow showed in the
// profile of the batch loop (bench/README.md); the bytes are the same (goldens, and cmp on 20,000
// flows of preset L against the tree-based output).
//
// The scan for a byte to escape (most strings have none) looks at 16 bytes per step where SSE2 is
// there (every x86-64), else at eight.
bool needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t control = (word - 0x20 * kOnes) & ~word & kHigh;  // a byte below 0x20
  return (control | zero_byte(word ^ ('"' * kOnes)) | zero_byte(word ^ ('\\' * kOnes))) != 0;
}

// The offset where the bytes to escape may begin: none before it.
std::size_t plain_prefix(std::string_view text) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1f);
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // Unsigned bytes up to 0x1f are those that min(byte, 0x1f) leaves as they are.
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, last_control), bytes);
    const __m128i special =
        _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash));
    if (_mm_movemask_epi8(_mm_or_si128(control, special)) != 0) return i;
  }
#endif
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (needs_escape(word)) break;
  }
  return i;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = plain_prefix(text); i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(text, run, i - run);
    run = i + 1;
    switch (ch) {
      case '"':
        out += "\\\""sv;
        break;
      case '\\':
        out += "\\\\"sv;
        break;
      case '\b':
        out += "\\b"sv;
        break;
      case '\f':
        out += "\\f"sv;
        break;
      case '\n':
        out += "\\n"sv;
        break;
      case '\r':
        out += "\\r"sv;
        break;
      case '\t':
        out += "\\t"sv;
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00"sv;
        out += kHex[ch >> 4];
        out += kHex[ch & 0xf];
      }
    }
  }
  out.append(text, run, text.size() - run);
  out += '"';
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

// The JSON of every rule as a side of a decision lists it, {"group":…,"rule":…,"location":…},
// written once per batch, in the model's order of groups and rules. A side's rules are then
// copied from one array: reading them from the model took the group, the rule and their id
// strings, each a cache miss on L, about a fifth of the JSON Lines time (bench/README.md).
class RuleJsonTable {
 public:
  explicit RuleJsonTable(const Inventory& inv) {
    std::size_t rules = 0;
    std::size_t bytes = 0;  // the text's size when nothing needs escaping
    first_.reserve(inv.groups.size());
    for (const Group& g : inv.groups) {
      first_.push_back(rules);
      rules += g.rules.size();
      for (const Rule& r : g.rules) {
        const std::size_t file =
            r.location.file < inv.files.size() ? inv.files[r.location.file].size() : 0;
        bytes += 64 + g.id.size() + r.id.size() + file;  // 64: the keys, quotes, line and column
      }
    }
    text_.reserve(bytes);
    ends_.reserve(rules + 1);
    ends_.push_back(0);
    std::string location;
    for (const Group& g : inv.groups) {
      for (const Rule& r : g.rules) {
        text_ += "{\"group\":"sv;
        append_json_string(text_, g.id);
        text_ += ",\"rule\":"sv;
        if (r.id.empty()) {
          text_ += "null"sv;
        } else {
          append_json_string(text_, r.id);
        }
        text_ += ",\"location\":"sv;
        location.clear();
        inv.location(r.location).append_to(location);
        append_json_string(text_, location);
        text_ += '}';
        ends_.push_back(text_.size());
      }
    }
  }

  std::string_view of(RuleRef ref) const {
    const std::size_t k = first_[ref.group] + ref.rule;
    return std::string_view(text_).substr(ends_[k], ends_[k + 1] - ends_[k]);
  }

  void prefetch(RuleRef ref) const {
    __builtin_prefetch(text_.data() + ends_[first_[ref.group] + ref.rule]);
  }

 private:
  std::vector<std::size_t> first_;  // per group: the index of its first rule
  std::vector<std::size_t> ends_;   // rule k's text is text_[ends_[k], ends_[k + 1])
  std::string text_;
};

void append_side(std::string& out, const RuleJsonTable& table, Verdict verdict,
                 const std::vector<RuleRef>& rules) {
  out += "{\"verdict\":\""sv;
  out += verdict_name(verdict);  // a fixed word: nothing to escape
  out += "\",\"rules\":["sv;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i > 0) out += ',';
    out += table.of(rules[i]);
  }
  out += "]}"sv;
}

// One line of --batch output: the object decision_json() builds, written directly.
void append_decision(std::string& out, const RuleJsonTable& table, const Flow& flow,
                     const Decision& d) {
  out += "{\"flow\":"sv;
  append_json_string(out, flow.to_string());
  out += ",\"verdict\":\""sv;
  out += verdict_name(d.verdict);
  out += "\",\"egress\":"sv;
  append_side(out, table, d.egress.verdict, d.egress.rules);
  out += ",\"ingress\":"sv;
  append_side(out, table, d.ingress.verdict, d.ingress.rules);
  out += ",\"reasons\":"sv;
  append_string_array(out, d.reasons);
  if (d.set_question) {
    out += ",\"allowed\":"sv;
    append_string_array(out, d.allowed);
    out += ",\"denied\":"sv;
    append_string_array(out, d.denied);
    out += ",\"unknown\":"sv;
    append_string_array(out, d.unknown);
  }
  out += "}\n"sv;
}

// Endpoint::to_string() appended to `out`, without its temporary strings for the endpoints of a
// point flow (the id as it is, an address's text).
void append_endpoint(std::string& out, const Endpoint& e) {
  switch (e.kind) {
    case EndpointKind::interface:
    case EndpointKind::instance:
      out += e.id;
      return;
    case EndpointKind::address:
      append_to(out, Address{e.cidr.family, e.cidr.base});
      return;
    default:
      out += e.to_string();
  }
}

// Flow::to_string() into `out` (cleared first), a buffer reused from one flow to the next.
void flow_text(std::string& out, const Flow& flow) {
  out = flow.service.to_string();
  out += " from "sv;
  append_endpoint(out, flow.source);
  out += " to "sv;
  append_endpoint(out, flow.destination);
}

// The same line from a point flow's PointDecision: the rules by reference, the reasons from their
// shared text, nothing copied into strings of their own.
void append_decision(std::string& out, const RuleJsonTable& table, const Flow& flow,
                     const PointDecision& d) {
  thread_local std::string text;
  flow_text(text, flow);
  out += "{\"flow\":"sv;
  append_json_string(out, text);
  out += ",\"verdict\":\""sv;
  out += verdict_name(d.verdict);
  out += "\",\"egress\":"sv;
  append_side(out, table, d.egress, d.egress_rules);
  out += ",\"ingress\":"sv;
  append_side(out, table, d.ingress, d.ingress_rules);
  out += ",\"reasons\":["sv;
  for (std::size_t i = 0; i < d.reason_count(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, d.reason(i));
  }
  out += "]}\n"sv;
}

// The rules' text that append_decision() copies for `count` decisions, so that their cache
// misses overlap instead of coming one after the other.
void prefetch_rule_json(const RuleJsonTable& table, const PointDecision* ds, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k) {
    for (const RuleRef& ref : ds[k].egress_rules) table.prefetch(ref);
    for (const RuleRef& ref : ds[k].ingress_rules) table.prefetch(ref);
  }
}

struct BatchLine {
  std::uint32_t number = 0;  // 1-based line number in the file
  std::string_view text;     // without the comment and the line end
};

// The flow lines of the batch text: blank lines and '#' comments (whole or trailing) skipped.
std::vector<BatchLine> batch_lines(std::string_view data) {
  std::vector<BatchLine> out;
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

std::optional<std::string> read_batch_text(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << path << ": error: cannot read the batch file\n";
      return std::nullopt;
    }
    in = &file;
  }
  std::ostringstream text;
  text << in->rdbuf();
  return std::move(text).str();
}

// Runs work(begin, end, part) on `jobs` contiguous parts of [0, n), part 0 on this thread.
template <typename Work>
void run_parts(std::size_t n, unsigned jobs, Work&& work) {
  jobs = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, n)));
  std::vector<std::thread> threads;
  for (unsigned part = 1; part < jobs; ++part) {
    threads.emplace_back([&, part] { work(n * part / jobs, n * (part + 1) / jobs, part); });
  }
  work(0, n / jobs, 0u);
  for (std::thread& t : threads) t.join();
}

// Parses every flow line; any bad flow is an input error: every diagnostic is printed, in line
// order, and nothing is decided. Warnings (a CIDR read as its network) are printed in the same
// order unless `quiet`.
std::optional<std::vector<Flow>> parse_batch(const std::vector<BatchLine>& lines,
                                             const std::string& path, unsigned jobs, bool quiet) {
  std::vector<Flow> flows(lines.size());
  std::vector<std::string> messages(jobs);
  std::vector<char> failed(jobs, 0);
  run_parts(lines.size(), jobs, [&](std::size_t begin, std::size_t end, unsigned part) {
    for (std::size_t i = begin; i < end; ++i) {
      FlowParseResult parsed = parse_flow(lines[i].text, path, lines[i].number);
      if (parsed) {
        flows[i] = std::move(*parsed.flow);
        if (quiet) continue;
        for (const Diagnostic& w : parsed.warnings) messages[part] += format_diagnostic(w);
      } else {
        messages[part] += format_diagnostic(parsed.error);
        failed[part] = 1;
      }
    }
  });
  for (const std::string& m : messages) std::cerr << m;
  if (std::find(failed.begin(), failed.end(), 1) != failed.end()) return std::nullopt;
  return flows;
}

// Verdict counts, per part of a block, added up in order.
struct Tally {
  std::uint64_t by_verdict[5] = {};
  void add(Verdict v) { ++by_verdict[static_cast<int>(v)]; }
  void add(const Tally& o) {
    for (int i = 0; i < 5; ++i) by_verdict[i] += o.by_verdict[i];
  }
  bool any_failure() const {
    for (int i = 0; i < 5; ++i) {
      if (i != static_cast<int>(Verdict::allow) && by_verdict[i] > 0) return true;
    }
    return false;
  }
};

// Decides the flows in blocks; each block is split over the threads, rendered into one buffer per
// thread, and written in input order, so the output is the same for every --jobs. The JSON Lines
// need the explanation (decide()); counts and --quiet need only the verdict (the fast path).
// Each thread's part of a block is 2,048 flows, so that its JSON Lines (about 550 bytes a flow)
// stay in the cache until they are written: with 16,384 flows a block, the 9 MB buffer went out
// to memory and back (callgrind, 8 MB last-level cache: 2.71 M -> 1.91 M misses for 50,000 flows
// on L).
Tally decide_batch(const Engine& engine, const std::vector<Flow>& flows, bool json, unsigned jobs) {
  const std::size_t block = (std::size_t{1} << 11) * jobs;
  Tally total;
  std::vector<std::string> buffers(jobs);
  std::vector<Tally> tallies(jobs);
  std::vector<std::vector<Verdict>> verdicts(jobs);
  std::vector<std::vector<PointDecision>> decisions(jobs);
  const std::optional<RuleJsonTable> table =
      json ? std::optional<RuleJsonTable>(std::in_place, engine.inventory()) : std::nullopt;
  for (std::size_t start = 0; start < flows.size(); start += block) {
    const std::size_t n = std::min(block, flows.size() - start);
    run_parts(n, jobs, [&](std::size_t begin, std::size_t end, unsigned part) {
      std::string& out = buffers[part];
      out.clear();
      if (!json) {
        std::vector<Verdict>& v = verdicts[part];
        v.resize(end - begin);
        engine.verdicts(flows.data() + start + begin, end - begin, v.data());
        for (const Verdict x : v) tallies[part].add(x);
        return;
      }
      // Point flows are decided together into reused PointDecisions (Engine::decide_points),
      // set questions one by one (decide()).
      constexpr std::size_t kWindow = 64;
      std::vector<PointDecision>& ds = decisions[part];
      ds.resize(kWindow);
      for (std::size_t i = start + begin; i < start + end; i += kWindow) {
        const std::size_t m = std::min(kWindow, start + end - i);
        engine.decide_points(flows.data() + i, m, ds.data());
        prefetch_rule_json(*table, ds.data(), m);
        for (std::size_t k = 0; k < m; ++k) {
          if (ds[k].point) {
            tallies[part].add(ds[k].verdict);
            append_decision(out, *table, flows[i + k], ds[k]);
          } else {
            const Decision d = engine.decide(flows[i + k]);
            tallies[part].add(d.verdict);
            append_decision(out, *table, flows[i + k], d);
          }
        }
      }
    });
    for (const std::string& b : buffers)
      std::cout.write(b.data(), static_cast<std::streamsize>(b.size()));
  }
  for (const Tally& t : tallies) total.add(t);
  return total;
}

// --batch --format text: each flow's block as `query` prints it, in input order, and the line on
// what was not evaluated once at the end. Every flow is explained, so this is the slow path.
Tally print_batch_text(const Engine& engine, const std::vector<Flow>& flows) {
  Tally tally;
  for (const Flow& flow : flows) {
    const Decision d = engine.decide(flow);
    tally.add(d.verdict);
    print_text(std::cout, engine.inventory(), flow, d);
  }
  std::cout << kNotEvaluated << "\n";
  return tally;
}

void print_counts(const Tally& t, std::size_t flows) {
  std::cout << "flows " << flows << "\n";
  for (const Verdict v : {Verdict::allow, Verdict::deny, Verdict::unknown, Verdict::partial}) {
    std::cout << verdict_name(v) << " " << t.by_verdict[static_cast<int>(v)] << "\n";
  }
}

int run_batch(const QueryOptions& options) {
  using Clock = std::chrono::steady_clock;
  // CPU time of the process (every thread): on a shared machine, decisions per CPU-second is the
  // per-core figure; wall time also counts the time other processes held the cores.
  const auto cpu_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  const unsigned jobs = std::max(1u, options.jobs);
  const auto t0 = Clock::now();
  const std::optional<std::string> text = read_batch_text(options.batch);
  if (!text) return kExitError;
  const std::vector<BatchLine> lines = batch_lines(*text);
  std::optional<std::vector<Flow>> flows = parse_batch(lines, options.batch, jobs, options.quiet);
  if (!flows) return kExitError;
  const auto t1 = Clock::now();
  std::optional<LoadResult> loaded = load_or_report(options.args, jobs);
  if (!loaded) return kExitError;
  // Groups written by name (AppSG, aws_security_group.web) need the inventory: every unknown name
  // is an input error, like a bad flow.
  bool names_ok = true;
  for (std::size_t i = 0; i < flows->size(); ++i) {
    if (auto error = resolve_flow_names((*flows)[i], loaded->inventory, lines[i].text,
                                        options.batch, lines[i].number)) {
      std::cerr << format_diagnostic(*error);
      names_ok = false;
    }
  }
  if (!names_ok) return kExitError;
  // The model, the engine and the flows are left for the process's end to reclaim.
  const Inventory& inventory = keep_until_exit([&] { return std::move(*loaded); }).inventory;
  const std::vector<Flow>* batch = &keep_until_exit([&] { return std::move(*flows); });
  const Engine& engine = keep_until_exit([&] { return Engine(inventory); });
  const auto t2 = Clock::now();
  const double cpu2 = cpu_ms();
  const bool blocks = !options.quiet && options.format_given && options.format == "text";
  const bool json = !options.quiet && !blocks && options.format != "count";
  const Tally tally =
      blocks ? print_batch_text(engine, *batch) : decide_batch(engine, *batch, json, jobs);
  if (options.format == "count" && !options.quiet) print_counts(tally, batch->size());
  std::cout.flush();
  const auto t3 = Clock::now();
  const double decide_cpu_ms = cpu_ms() - cpu2;
  if (options.stats) {
    const double decide_ms = ms(t2, t3);
    const auto rate = [&](double elapsed_ms) {
      return elapsed_ms > 0 ? static_cast<double>(batch->size()) * 1000.0 / elapsed_ms : 0.0;
    };
    std::fprintf(stderr,
                 "flows %zu\njobs %u\nparse %.3f ms\nload %.3f ms\ndecide %.3f ms\n"
                 "decide cpu %.3f ms\ndecisions/s %.0f\ndecisions/cpu-s %.0f\n",
                 batch->size(), jobs, ms(t0, t1), ms(t1, t2), decide_ms, decide_cpu_ms,
                 rate(decide_ms), rate(decide_cpu_ms));
  }
  return tally.any_failure() ? kExitFindings : kExitOk;
}

int run_query(QueryOptions options) {
  if (!options.batch.empty()) {
    if (options.args.empty()) {
      std::cerr << "sgcheck query: error: no INPUT given\n";
      return kExitError;
    }
    return run_batch(options);
  }
  if (options.args.size() < 2) {
    std::cerr << "sgcheck query: error: expected INPUT... 'FLOW' (or --batch FILE INPUT...)\n";
    return kExitError;
  }
  // The FLOW comes last; a flow written first is accepted too (the inputs are never flows).
  FlowParseResult parsed = parse_flow(options.args.back(), "<flow>", 1);
  std::string flow_text = options.args.back();
  if (parsed) {
    options.args.pop_back();
  } else if (FlowParseResult first = parse_flow(options.args.front(), "<flow>", 1)) {
    parsed = std::move(first);
    flow_text = options.args.front();
    options.args.erase(options.args.begin());
  } else {
    std::cerr << format_diagnostic(parsed.error);
    return kExitError;
  }
  if (!options.quiet) {
    for (const Diagnostic& w : parsed.warnings) std::cerr << format_diagnostic(w);
  }
  std::optional<LoadResult> loaded = load_or_report(options.args);
  if (!loaded) return kExitError;
  if (auto error = resolve_flow_names(*parsed.flow, loaded->inventory, flow_text)) {
    std::cerr << format_diagnostic(*error);
    return kExitError;
  }
  const Engine engine(loaded->inventory);
  const Decision d = engine.decide(*parsed.flow);
  if (options.format == "count" && !options.quiet) {
    Tally tally;
    tally.add(d.verdict);
    print_counts(tally, 1);
  } else if (options.format == "json") {
    std::cout << decision_json(loaded->inventory, *parsed.flow, d).dump() << "\n";
  } else if (!options.quiet) {
    print_text(std::cout, loaded->inventory, *parsed.flow, d);
    std::cout << kNotEvaluated << "\n";
  }
  return is_failure(d.verdict) ? kExitFindings : kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* sub = app.add_subcommand(
      "query",
      "decide whether security groups allow a flow, with the rules that do ('FLOW' is e.g. "
      "'tcp/22 from 10.0.0.5 to eni-0a1b')");
  sub->add_option("args", options->args, "input files or directories (or -), then the FLOW")
      ->required()
      ->type_name("INPUT... FLOW");
  sub->add_option("--batch", options->batch,
                  "decide one FLOW per line of FILE ('#' comments), printing JSON Lines (text "
                  "blocks with --format text)")
      ->type_name("FILE");
  sub->add_option("--format", options->format,
                  "output format; count prints only how many flows got each verdict")
      ->check(CLI::IsMember({"text", "json", "count"}))
      ->default_str("text");
  sub->add_option("--jobs", options->jobs,
                  "threads: parse the input files and (--batch) decide on N threads (the output is "
                  "the same for every N)")
      ->check(CLI::Range(1u, 256u))
      ->type_name("N");
  sub->add_flag("--stats", options->stats,
                "--batch: print the flow count and the parse, load and decide times (stderr)");
  sub->add_flag("--no-color", options->no_color, "never colour the output");
  sub->add_flag("--quiet", options->quiet, "print nothing; only the exit status tells");
  sub->callback([options, sub, &exit_code] {
    options->format_given = sub->count("--format") > 0;
    exit_code = run_query(*options);
  });
}

}  // namespace sgcheck::cli
