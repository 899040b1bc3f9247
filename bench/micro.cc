// Google Benchmark micro-benchmarks of the hot paths: value parsing (X3), interval-set
// operations, one flow parse (PEGTL), one decision (verdict and full explanation), a batch of
// verdicts, and one group's exposure, on an inventory generated in memory with `sgcheck gen`'s
// generator (preset S).
// Run: build-perf/bench/sgcheck_micro [--benchmark_filter=Verdict]. Never part of `meson test`.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/values.h"

namespace {

using namespace sgcheck;

void BM_ParseCidr4(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_cidr("10.123.45.0/24"));
}
BENCHMARK(BM_ParseCidr4);

void BM_ParseCidr6(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_cidr("2600:1f18:4015:b302::/64"));
}
BENCHMARK(BM_ParseCidr6);

void BM_ParsePortRange(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_port_range("1024-65535"));
}
BENCHMARK(BM_ParsePortRange);

// N random /24 and /16 blocks, as the CIDR rules of a group pool them.
std::vector<Ipv4Set::Interval> random_blocks(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Ipv4Set::Interval> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t size = (rng() & 1) ? 256 : 65536;
    const std::uint32_t base = rng() & ~(size - 1);
    out.push_back({base, base + size - 1});
  }
  return out;
}

void BM_IntervalSetBuild(benchmark::State& state) {
  const auto blocks = random_blocks(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) benchmark::DoNotOptimize(Ipv4Set::from_unsorted(blocks));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_IntervalSetBuild)->Arg(16)->Arg(1024);

void BM_IntervalSetContains(benchmark::State& state) {
  const Ipv4Set set =
      Ipv4Set::from_unsorted(random_blocks(static_cast<std::size_t>(state.range(0)), 1));
  std::uint32_t x = 12345;
  for (auto _ : state) {
    x = x * 1664525u + 1013904223u;
    benchmark::DoNotOptimize(set.contains(x));
  }
}
BENCHMARK(BM_IntervalSetContains)->Arg(16)->Arg(1024);

void BM_IntervalSetSubtract(benchmark::State& state) {
  const Ipv4Set a = Ipv4Set::from_unsorted(random_blocks(256, 1));
  const Ipv4Set b = Ipv4Set::from_unsorted(random_blocks(256, 2));
  for (auto _ : state) benchmark::DoNotOptimize(a.subtract(b));
}
BENCHMARK(BM_IntervalSetSubtract);

// One engine over preset S (100 groups, 500 interfaces), built once for all engine benchmarks.
struct Fixture {
  LoadResult loaded;
  std::unique_ptr<Engine> engine;
  std::vector<Flow> flows;  // point flows between interfaces and outside addresses
  std::vector<std::string> texts;

  Fixture() {
    const GenResult gen = generate_inventory(*gen_preset("S"));
    loaded = load_inventory_from_buffers(gen.files);
    engine = std::make_unique<Engine>(loaded.inventory);
    std::mt19937 rng(7);
    const char* services[] = {"tcp/22", "tcp/443", "tcp/5432", "udp/53", "icmp/8:0"};
    const auto& xs = loaded.inventory.interfaces;
    for (int i = 0; i < 1024; ++i) {
      const std::string src =
          (i % 4 == 0) ? "203.0.113." + std::to_string(i % 250 + 1) : xs[rng() % xs.size()].id.str();
      texts.push_back(std::string(services[rng() % 5]) + " from " + src + " to " +
                      xs[rng() % xs.size()].id);
      flows.push_back(*parse_flow(texts.back()).flow);
    }
  }
  static const Fixture& get() {
    static const Fixture f;
    return f;
  }
};

void BM_ParseFlow(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse_flow(f.texts[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseFlow);

void BM_Verdict(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.engine->verdict(f.flows[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Verdict);

// Engine::verdicts() over the 1,024 flows at once (the batch path of query --format count).
void BM_VerdictBatch(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  std::vector<Verdict> out(f.flows.size());
  for (auto _ : state) {
    f.engine->verdicts(f.flows.data(), f.flows.size(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.flows.size()));
}
BENCHMARK(BM_VerdictBatch);

void BM_Decide(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.engine->decide(f.flows[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide);

void BM_GroupExposure(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  const auto& groups = f.loaded.inventory.groups;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(compute_exposure(f.loaded.inventory, groups[i++ % groups.size()].id));
  }
}
BENCHMARK(BM_GroupExposure);

void BM_Compile(benchmark::State& state) {
  const Fixture& f = Fixture::get();
  for (auto _ : state) benchmark::DoNotOptimize(Engine(f.loaded.inventory));
}
BENCHMARK(BM_Compile);

}  // namespace

BENCHMARK_MAIN();
