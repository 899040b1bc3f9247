// Helpers shared by the ingest tests: loading in-memory documents and finding the line:col of a
// piece of text the way an editor would, so that expected positions are computed, never hard-coded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sgcheck/inventory.h"

namespace sgcheck::test {

inline LoadResult load_one(const std::string& name, const std::string& content,
                           const LoadLimits& limits = {}) {
  return load_inventory_from_buffers({{name, content}}, limits);
}

// 1-based line and column of byte `offset` of `text`, counted naively.
inline std::pair<std::uint32_t, std::uint32_t> line_col(std::string_view text, std::size_t offset) {
  std::uint32_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// "name:line:col" of the `nth` (0-based) occurrence of `needle`, plus `delta` bytes.
inline std::string where(const std::string& name, std::string_view text, std::string_view needle,
                         int nth = 0, std::size_t delta = 0) {
  std::size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string_view::npos; ++i) at = text.find(needle, at + 1);
  if (at == std::string_view::npos) {
    std::string missing(needle);
    missing += " not found";
    return missing;
  }
  const auto [line, column] = line_col(text, at + delta);
  return name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

inline std::string where(const Inventory& inventory, const SourcePos& pos) {
  return inventory.location(pos).to_string();
}

// All errors, one format_diagnostic() each, for failure messages.
inline std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const Diagnostic& d : result.errors) out += format_diagnostic(d);
  return out;
}

}  // namespace sgcheck::test
