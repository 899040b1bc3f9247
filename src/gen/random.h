// The generator's randomness: xoshiro256** seeded through splitmix64, with its own uniform,
// Bernoulli and weighted choices, so that `sgcheck gen --seed S` gives the same bytes with any
// standard library (std:: distributions are not specified bit for bit). Entry point: Rng.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sgcheck::gen {

// One step of splitmix64: a bijection of 64-bit values, also used to make unique ids.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  // `stream` separates independent sequences of one seed (VPCs, groups, interfaces …), so that
  // changing one count does not reshuffle everything else.
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = mix64(seed) ^ mix64(stream * 0x632be59bd9b4e019ULL + 1);
    for (std::uint64_t& word : state_) word = x = mix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) (n > 0), by multiply-shift: the bias is below 2^-32 for our n.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1) with 53 bits.
  double real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return real() < p; }

  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

  // An index drawn with the given non-negative weights (not all zero).
  template <typename W>
  std::size_t weighted(const W& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = real() * total;
    std::size_t i = 0, last_positive = 0;
    for (double w : weights) {
      if (w > 0) {
        if (r < w) return i;
        last_positive = i;
      }
      r -= w;
      ++i;
    }
    return last_positive;  // rounding left r at the very top
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace sgcheck::gen
