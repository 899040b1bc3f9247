// The JSON string escaper (json_writer.h). The scan for a byte to escape (most strings have none)
// looks at 16 bytes per step where SSE2 is there (every x86-64), else at eight.
// Entry points: append_json_string(), append_json_string_array().
#include "report/json_writer.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sgcheck {

namespace {

using namespace std::string_view_literals;

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

}  // namespace

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

void append_json_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

}  // namespace sgcheck
