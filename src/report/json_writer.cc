// The JSON string escaper (json_writer.h). The scan for a byte to look at (one to escape or a
// non-ASCII one; most strings have none) takes 16 bytes per step where SSE2 is there (every
// x86-64), else eight. Entry points: append_json_string(), append_json_string_array().
#include "report/json_writer.h"

#include <cstdint>
#include <cstring>

#include "atoms/excerpt.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sgcheck {

namespace {

using namespace std::string_view_literals;

// Whether the eight bytes may hold one to escape or a non-ASCII one.
bool needs_look(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t control = (word - 0x20 * kOnes) & ~word & kHigh;  // a byte below 0x20
  return (control | zero_byte(word ^ ('"' * kOnes)) | zero_byte(word ^ ('\\' * kOnes)) |
          (word & kHigh)) != 0;
}

// The offset where the bytes to escape or to check as UTF-8 may begin: none before it.
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
    // movemask takes each byte's top bit: set in the matches and in the non-ASCII bytes.
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(control, special), bytes)) != 0) return i;
  }
#endif
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (needs_look(word)) break;
  }
  return i;
}

// The bytes one U+FFFD replaces at text[i], where no well-formed character starts: the longest
// prefix of one that is there (a lead byte and the continuation bytes that fit it), else the byte
// alone. This is Unicode's "maximal subpart" practice, which nlohmann's decoder follows.
std::size_t ill_formed_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;                 // of the character the lead byte starts
  unsigned char low = 0x80, high = 0xBF;  // the range of the byte after the lead
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 1;
  }
  std::size_t k = 1;
  for (; k < length && i + k < text.size(); ++k) {
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) break;
  }
  return k;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = plain_prefix(text); i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch >= 0x80) {
      if (const std::size_t n = detail::utf8_character_length(text, i); n != 0) {
        i += n - 1;
        continue;
      }
      out.append(text, run, i - run);
      out += "\xEF\xBF\xBD"sv;  // U+FFFD REPLACEMENT CHARACTER
      i += ill_formed_length(text, i) - 1;
      run = i + 1;
      continue;
    }
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
