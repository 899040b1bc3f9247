// Small text helpers every stage uses: joining strings with a separator and comparing with a
// lower-case ASCII word without a copy (peering statuses, "default", placeholders). Header only;
// entry points: join(), ascii_lower_equals().
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace sgcheck::detail {

// The parts with `separator` between them ("a, b"); an empty part before the first non-empty one
// adds no separator.
// Parts are std::string or Name.
template <typename Part>
std::string join(const std::vector<Part>& parts, std::string_view separator) {
  std::string out;
  for (const Part& part : parts) {
    if (!out.empty()) out += separator;
    out += std::string_view(part);
  }
  return out;
}

// Whether `text`, lower-cased in ASCII, is `lower`.
inline bool ascii_lower_equals(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
  return true;
}

}  // namespace sgcheck::detail
