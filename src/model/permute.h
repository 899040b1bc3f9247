// Reordering a vector in place by a permutation: position j takes the element that was at
// source_of(j). The permutation's cycles are followed, so each element is moved about once within
// the vector's own memory (no second vector to fault in and free: merged parts and findings run to
// hundreds of thousands of elements). Entry point: apply_permutation().
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace sgcheck::detail {

// source_of(j), for j in [0, items.size()), must be a permutation of that range.
template <typename T, typename SourceOf>
void apply_permutation(std::vector<T>& items, SourceOf&& source_of) {
  std::vector<bool> placed(items.size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (placed[i] || source_of(i) == i) continue;
    T held = std::move(items[i]);
    for (std::size_t j = i;;) {
      const std::size_t from = source_of(j);
      placed[j] = true;
      if (from == i) {
        items[j] = std::move(held);
        break;
      }
      items[j] = std::move(items[from]);
      j = from;
    }
  }
}

}  // namespace sgcheck::detail
