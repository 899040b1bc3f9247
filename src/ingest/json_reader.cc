// Typed access to simdjson on-demand values with positions, and the two byte scanners of the ingest
// stage: the nesting-depth check (every document) and the syntax-error locator (error path only).
// Entry points: JsonReader, LineIndex::locate(), find_excess_depth(), find_syntax_error().
#include "ingest/json_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sgcheck::detail {

// ---- positions
// ---------------------------------------------------------------------------------------

namespace {

// The number of '\n' in [begin, end). The readers ask for the position of every rule and interface,
// so this runs over the whole document: 16 bytes per step where SSE2 is there (every x86-64), with
// byte counters flushed before they can overflow.
std::size_t count_newlines(const char* begin, const char* end) {
  std::size_t count = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  while (end - begin >= 16) {
    const std::size_t blocks =
        std::min<std::size_t>(static_cast<std::size_t>(end - begin) / 16, 255);
    __m128i counters = _mm_setzero_si128();
    for (std::size_t i = 0; i < blocks; ++i, begin += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begin));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));  // +1 per match
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  return count + static_cast<std::size_t>(std::count(begin, end, '\n'));
}

// The offset just after the last '\n' before `offset`; the caller knows there is one at or after
// `floor`. Values sit a few dozen bytes into their line (indentation, the key), so the search goes
// back 16 bytes per step where SSE2 is there, instead of a byte per step on every position asked.
std::size_t after_last_newline(const char* data, std::size_t floor, std::size_t offset) {
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  while (offset - floor >= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + offset - 16));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)));
    if (mask != 0) return offset - 16 + static_cast<std::size_t>(std::bit_width(mask));
    offset -= 16;
  }
#endif
  while (data[offset - 1] != '\n') --offset;
  return offset;
}

}  // namespace

std::pair<std::uint32_t, std::uint32_t> LineIndex::locate(std::size_t offset) {
  if (offset > text_.size()) offset = text_.size();
  const char* data = text_.data();
  if (offset < offset_) {
    // Behind the cursor (a diagnostic about a value read earlier): step back instead of rescanning
    // from the start, so that many diagnostics in a large file stay linear.
    for (std::size_t at = offset; at < offset_;) {
      const void* newline = std::memchr(data + at, '\n', offset_ - at);
      if (newline == nullptr) break;
      at = static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
      --line_;
    }
    line_start_ = offset;
    while (line_start_ > 0 && data[line_start_ - 1] != '\n') --line_start_;
    offset_ = offset;
  }
  if (const std::size_t newlines = count_newlines(data + offset_, data + offset); newlines != 0) {
    line_ += newlines;
    line_start_ = after_last_newline(data, offset_, offset);
  }
  offset_ = offset;
  return {static_cast<std::uint32_t>(line_), static_cast<std::uint32_t>(offset - line_start_ + 1)};
}

Diagnostic error_at_offset(const std::string& file, std::string_view text, std::size_t offset,
                           std::string message) {
  Diagnostic d;
  d.message = std::move(message);
  d.location.file = file;
  LineIndex lines(text);
  const auto [line, column] = lines.locate(offset);
  d.location.line = line;
  d.location.column = column;
  quote_source_line(d, line_at(text, offset));
  return d;
}

std::string depth_message(std::uint32_t max_depth) {
  return "nesting deeper than " + std::to_string(max_depth) + " levels";
}

// ---- depth check
// -------------------------------------------------------------------------------------

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

// True when one of the 8 bytes of `word` may be '"', '[', ']', '{' or '}' (SWAR zero-byte test; a
// few other bytes such as 'y' and '_' pass too, which only costs a closer look).
inline bool may_hold_structure(std::uint64_t word) {
  const auto has_zero = [](std::uint64_t v) { return ((v - kOnes) & ~v & (kOnes * 0x80)) != 0; };
  // '[' ']' '{' '}' all become 0x79 under (c | 0x20) & 0xF9.
  const std::uint64_t brackets = ((word | (kOnes * 0x20)) & (kOnes * 0xF9)) ^ (kOnes * 0x79);
  return has_zero(brackets) || has_zero(word ^ (kOnes * '"'));
}

}  // namespace

std::optional<std::size_t> find_excess_depth(std::string_view text, std::uint32_t max_depth) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  std::uint32_t depth = 0;
  while (p < end) {
    // Whitespace, numbers and punctuation between strings: skip 8 bytes at a time when possible.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if (!may_hold_structure(word)) {
        p += 8;
        continue;
      }
    }
    const char c = *p;
    if (c == '"') {  // skip the string: memchr to each quote, escaped when after an odd run of '\'
      ++p;
      for (;;) {
        const auto* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
        if (quote == nullptr) return std::nullopt;  // unterminated: simdjson reports it
        const char* run = quote;
        while (run > p && run[-1] == '\\') --run;
        p = quote + 1;
        if (((quote - run) & 1) == 0) break;
      }
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return static_cast<std::size_t>(p - begin);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    ++p;
  }
  return std::nullopt;
}

// ---- the scan before simdjson indexes a large document
// ------------------------------------------------------

namespace {

// What the scan carries from one byte (or 64-byte block) to the next.
struct IndexScan {
  std::uint32_t max_depth = 0;
  std::uint64_t max_tokens = 0;
  std::uint32_t depth = 0;
  std::uint64_t tokens = 0;  // simdjson's structurals: brackets, ',', ':', strings, other scalars
  bool in_string = false;
  bool escaped = false;      // the previous byte was a '\\' inside a string
  bool after_scalar = false;  // the previous byte belongs to a number or a literal
};

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One byte of the scan; false when it passes a limit (at this byte).
bool scan_byte(IndexScan& s, char c) {
  if (s.in_string) {
    if (s.escaped)
      s.escaped = false;
    else if (c == '\\')
      s.escaped = true;
    else if (c == '"')
      s.in_string = false;
    return true;
  }
  const bool scalar = !json_space(c) && c != '"' && c != ',' && c != ':' && c != '{' &&
                      c != '}' && c != '[' && c != ']';
  if (!scalar || !s.after_scalar) ++s.tokens;
  s.after_scalar = scalar;
  if (c == '"') {
    s.in_string = true;
  } else if (c == '{' || c == '[') {
    if (++s.depth > s.max_depth) return false;
  } else if ((c == '}' || c == ']') && s.depth > 0) {
    --s.depth;
  }
  return s.tokens <= s.max_tokens;
}

#if defined(__SSE2__)
// The bytes of a 64-byte block equal to `c`, as a bit mask (bit i: byte i).
inline std::uint64_t equal_mask(const __m128i (&chunks)[4], char c) {
  const __m128i wanted = _mm_set1_epi8(c);
  std::uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunks[i], wanted)));
    mask |= std::uint64_t{bits} << (16 * i);
  }
  return mask;
}

// Bit i set when an odd number of bits at or below i are set in `x`: with the quotes of a block
// (none escaped), the bytes inside a string opened in the block.
inline std::uint64_t prefix_xor(std::uint64_t x) {
  for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
  return x;
}

// A block of 64 bytes without '\\' (nearly every block of a describe output), by bit masks; false
// when it passes a limit (`at` is then the byte), as scan_byte().
// Built twice, chosen at load time: the x86-64 baseline has no popcnt instruction (std::popcount
// is then a call per mask, a tenth of a large file's load), the CPUs sgcheck runs on have.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
bool scan_block(IndexScan& s, const char* block, std::size_t& at) {
  __m128i chunks[4];
  for (int i = 0; i < 4; ++i)
    chunks[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
  const std::uint64_t quote = equal_mask(chunks, '"');
  const std::uint64_t inside = prefix_xor(quote) ^ (s.in_string ? ~std::uint64_t{0} : 0);
  const std::uint64_t outside = ~(inside | quote);
  const std::uint64_t open = (equal_mask(chunks, '{') | equal_mask(chunks, '[')) & outside;
  const std::uint64_t close = (equal_mask(chunks, '}') | equal_mask(chunks, ']')) & outside;
  const std::uint64_t punctuation = (equal_mask(chunks, ',') | equal_mask(chunks, ':')) & outside;
  const std::uint64_t space = equal_mask(chunks, ' ') | equal_mask(chunks, '\t') |
                              equal_mask(chunks, '\n') | equal_mask(chunks, '\r');
  const std::uint64_t scalar = outside & ~(open | close | punctuation | space);
  const std::uint64_t scalar_starts = scalar & ~((scalar << 1) | (s.after_scalar ? 1 : 0));
  const std::uint64_t string_starts = quote & inside;
  s.tokens += static_cast<std::uint64_t>(
      std::popcount(open | close | punctuation | scalar_starts | string_starts));
  s.in_string = (inside >> 63) != 0;
  s.after_scalar = (scalar >> 63) != 0;
  const auto opens = static_cast<std::uint32_t>(std::popcount(open));
  const auto closes = static_cast<std::uint32_t>(std::popcount(close));
  if (s.depth + opens <= s.max_depth && closes <= s.depth) {
    s.depth = s.depth + opens - closes;
  } else {  // the order of the brackets matters: walk them
    for (std::uint64_t brackets = open | close; brackets != 0; brackets &= brackets - 1) {
      const int i = std::countr_zero(brackets);
      if ((open >> i) & 1) {
        if (++s.depth > s.max_depth) {
          at += static_cast<std::size_t>(i);
          return false;
        }
      } else if (s.depth > 0) {
        --s.depth;
      }
    }
  }
  return s.tokens <= s.max_tokens;
}
#endif

}  // namespace

std::optional<SyntaxProblem> check_before_indexing(std::string_view text, std::uint32_t max_depth) {
  IndexScan s;
  s.max_depth = max_depth;
  s.max_tokens = max_index_tokens(text.size());
  std::size_t at = 0;
  const auto problem = [&](std::size_t offset) {
    if (s.depth > max_depth) return SyntaxProblem{offset, depth_message(max_depth)};
    return SyntaxProblem{offset, "more than " + std::to_string(s.max_tokens) +
                                     " JSON tokens (values, brackets, ',' and ':') in " +
                                     std::to_string(text.size()) +
                                     " bytes: too dense to index within the memory limit"};
  };
#if defined(__SSE2__)
  while (text.size() - at >= 64) {
    const char* block = text.data() + at;
    if (!s.escaped && std::memchr(block, '\\', 64) == nullptr) {
      std::size_t where = at;
      if (!scan_block(s, block, where)) return problem(where);
      at += 64;
      continue;
    }
    for (const std::size_t end = at + 64; at < end; ++at)
      if (!scan_byte(s, text[at])) return problem(at);
  }
#endif
  for (; at < text.size(); ++at)
    if (!scan_byte(s, text[at])) return problem(at);
  return std::nullopt;
}

namespace {

// od::document keeps its json_iterator protected, and json_iterator the end of its tokens. A
// pointer to member named through a derived class is the lawful way to reach them
// ([class.protected]).
struct DocumentTokens : od::document {
  static od::json_iterator of(od::document& document) {
    return od::json_iterator(document.*(&DocumentTokens::iter));
  }
};
struct TokenRange : od::json_iterator {
  // The structural indexes from the iterator's position to the end: the offsets of the tokens in
  // the buffer, in order.
  static std::pair<const std::uint32_t*, const std::uint32_t*> of(const od::json_iterator& it) {
    return {it.position(), (it.*(&TokenRange::end_position))()};
  }
};

}  // namespace

std::optional<std::size_t> find_excess_depth(od::document& document, const char* begin,
                                             std::uint32_t max_depth) {
  // Over the index array itself: json_iterator's at_end() reloads the end through the parser at
  // every token, and this loop runs once per token of every input.
  const auto [first, last] = TokenRange::of(DocumentTokens::of(document));
  std::uint32_t depth = 0;
  for (const std::uint32_t* at = first; at != last; ++at) {
    const char c = begin[*at];
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return static_cast<std::size_t>(*at);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// ---- syntax locator
// ----------------------------------------------------------------------------------

namespace {

// The length of the valid UTF-8 sequence at s[i] (a non-ASCII lead byte), or 0 (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return byte(k) >= lo && byte(k) <= hi;
  };
  const unsigned lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (lead == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (lead >= 0xE1 && lead <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (lead == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ", found 'x'" / ", found byte 0x00" / ", found end of input": what sits at s[i].
std::string found_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return ", found end of input";
  const auto c = static_cast<unsigned char>(s[i]);
  if (c >= 0x20 && c < 0x7F) return std::string(", found '") + static_cast<char>(c) + "'";
  static const char kHex[] = "0123456789ABCDEF";
  return std::string(", found byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

enum class Want { value, value_or_close, key_or_close, key, colon, after_value, done };

class SyntaxScanner {
 public:
  SyntaxScanner(std::string_view text, std::uint32_t max_depth, Documents documents)
      : s_(text), max_depth_(max_depth), documents_(documents) {}

  std::optional<SyntaxProblem> run() {
    Want want = Want::value;
    for (;;) {
      skip_space();
      if (i_ == s_.size()) {
        if (want == Want::done) return std::nullopt;
        return problem(i_, "unexpected end of input");
      }
      const char c = s_[i_];
      switch (want) {
        case Want::done:
          // Another object or array after one: the next document of a concatenated file.
          if (documents_ == Documents::several && container_ && (c == '{' || c == '[')) {
            want = Want::value;
            break;
          }
          return problem(i_, "unexpected content after the top-level value");
        case Want::colon:
          if (c != ':') return problem(i_, "expected ':' after an object key" + found_at(s_, i_));
          ++i_;
          want = Want::value;
          break;
        case Want::key_or_close:
        case Want::key:
          if (c == '}' && want == Want::key_or_close) {
            ++i_;
            stack_.pop_back();
            want = after_value();
          } else if (c == '"') {
            if (auto p = scan_string()) return p;
            want = Want::colon;
          } else {
            return problem(i_, std::string(want == Want::key ? "expected a string key after ','"
                                                             : "expected a string key or '}'") +
                                   found_at(s_, i_));
          }
          break;
        case Want::after_value:
          if (stack_.back() == '{') {
            if (c == ',')
              want = Want::key;
            else if (c == '}')
              stack_.pop_back();
            else
              return problem(i_, "expected ',' or '}' after an object member" + found_at(s_, i_));
          } else {
            if (c == ',')
              want = Want::value;
            else if (c == ']')
              stack_.pop_back();
            else
              return problem(i_, "expected ',' or ']' after an array element" + found_at(s_, i_));
          }
          ++i_;
          if (want == Want::after_value) want = after_value();
          break;
        case Want::value_or_close:
          if (c == ']') {
            ++i_;
            stack_.pop_back();
            want = after_value();
            break;
          }
          [[fallthrough]];
        case Want::value:
          if (auto p = scan_value(want)) return p;
          break;
      }
    }
  }

 private:
  Want after_value() const { return stack_.empty() ? Want::done : Want::after_value; }

  static std::optional<SyntaxProblem> problem(std::size_t at, std::string message) {
    return SyntaxProblem{at, std::move(message)};
  }

  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  // A value starts at s_[i_]; sets `want` to what follows it.
  std::optional<SyntaxProblem> scan_value(Want& want) {
    const char c = s_[i_];
    if (stack_.empty()) container_ = c == '{' || c == '[';
    if (c == '{' || c == '[') {
      if (stack_.size() >= max_depth_) return problem(i_, depth_message(max_depth_));
      stack_.push_back(c);
      ++i_;
      want = c == '{' ? Want::key_or_close : Want::value_or_close;
      return std::nullopt;
    }
    std::optional<SyntaxProblem> p;
    if (c == '"')
      p = scan_string();
    else if (c == '-' || is_digit(c))
      p = scan_number();
    else if (c == 't' || c == 'f' || c == 'n')
      p = scan_literal();
    else if (static_cast<unsigned char>(c) >= 0x80 && utf8_length(s_, i_) == 0)
      p = problem(i_, "invalid UTF-8");
    else
      p = problem(i_, "expected a value" + found_at(s_, i_));
    if (!p) want = after_value();
    return p;
  }

  std::optional<SyntaxProblem> scan_string() {
    const std::size_t open = i_++;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return std::nullopt;
      }
      if (c == '\\') {
        const char e = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
        if (e == 'u') {
          for (std::size_t k = 2; k < 6; ++k) {
            if (i_ + k >= s_.size() || !is_hex(s_[i_ + k])) {
              return problem(i_, "invalid \\u escape in string");
            }
          }
          i_ += 6;
        } else if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
          i_ += 2;
        } else {
          return problem(i_, "invalid escape in string");
        }
      } else if (c < 0x20) {
        return problem(i_, "unescaped control character in string" + found_at(s_, i_));
      } else if (c >= 0x80) {
        const std::size_t n = utf8_length(s_, i_);
        if (n == 0) return problem(i_, "invalid UTF-8");
        i_ += n;
      } else {
        ++i_;
      }
    }
    return problem(open, "unterminated string");
  }

  std::optional<SyntaxProblem> scan_number() {
    const auto digits = [&] {
      const std::size_t start = i_;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
      return i_ > start;
    };
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      return problem(i_, "invalid number: expected a digit" + found_at(s_, i_));
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits())
        return problem(i_, "invalid number: expected a digit after '.'" + found_at(s_, i_));
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return problem(i_, "invalid number: expected an exponent" + found_at(s_, i_));
    }
    return std::nullopt;
  }

  std::optional<SyntaxProblem> scan_literal() {
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return std::nullopt;
      }
    }
    return problem(i_,
                   "expected a value (true, false, null, a number, a string, an object or an "
                   "array)" +
                       found_at(s_, i_));
  }

  std::string_view s_;
  std::uint32_t max_depth_;
  Documents documents_;
  bool container_ = false;  // the last top-level value is an object or an array
  std::size_t i_ = 0;
  std::vector<char> stack_;  // '{' or '[', at most max_depth_ entries
};

}  // namespace

std::optional<SyntaxProblem> find_syntax_error(std::string_view text, std::uint32_t max_depth,
                                               Documents documents) {
  return SyntaxScanner(text, max_depth, documents).run();
}

// ---- JsonReader
// --------------------------------------------------------------------------------------

std::size_t JsonReader::offset(od::value& value) {
  const std::string_view token = value.raw_json_token();
  return static_cast<std::size_t>(token.data() - text_.data());
}

SourcePos JsonReader::pos(std::size_t offset) {
  if (offset >= next_release_) {
    release_before_(offset - kReleaseStep / 2);
    next_release_ = offset + kReleaseStep;
  }
  const auto [line, column] = lines_.locate(offset);
  return SourcePos{file_, line, column};
}

void JsonReader::fail(std::size_t offset, std::string message) const {
  throw InputError{offset, std::move(message)};
}

namespace {

const char* type_name(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "a value";
}

od::json_type type_of(od::value& value) {
  od::json_type type;
  JsonReader::check(value.type().get(type));
  return type;
}

}  // namespace

void JsonReader::type_error(od::value& value, const char* expected, What what) {
  const std::size_t at = offset(value);
  std::string message = std::string("expected ") + expected + " for ";
  if (what.element) message += "an element of ";
  message += '"';
  message += what.key;
  message += "\", found ";
  message += type_name(type_of(value));
  fail(at, std::move(message));
}

bool JsonReader::is_null(od::value& value) {
  return type_of(value) == od::json_type::null;
}

bool JsonReader::is_object(od::value& value) {
  return type_of(value) == od::json_type::object;
}

bool JsonReader::object(od::value& value, What what, od::object& out) {
  const od::json_type type = type_of(value);
  if (type == od::json_type::null) return false;
  if (type != od::json_type::object) type_error(value, "an object", what);
  check(value.get_object().get(out));
  return true;
}

bool JsonReader::array(od::value& value, What what, od::array& out) {
  const od::json_type type = type_of(value);
  if (type == od::json_type::null) return false;
  if (type != od::json_type::array) type_error(value, "an array", what);
  check(value.get_array().get(out));
  return true;
}

namespace {

// The length of a string's content up to its closing quote, or npos when a backslash comes first.
// `content` follows the opening quote of a string token, which stage 1 has checked to be closed
// inside the document; the document is followed by SIMDJSON_PADDING bytes, so reading 8 bytes at a
// time may run past the quote but never past the buffer.
std::size_t unescaped_length(const char* content) {
  const auto has_zero = [](std::uint64_t v) { return ((v - kOnes) & ~v & (kOnes * 0x80)) != 0; };
  const char* p = content;
  for (;;) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if (has_zero(word ^ (kOnes * '"')) || has_zero(word ^ (kOnes * '\\'))) break;
    p += 8;
  }
  while (*p != '"' && *p != '\\') ++p;
  return *p == '"' ? static_cast<std::size_t>(p - content) : std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> JsonReader::string(od::value& value, What what) {
  // A string without a backslash is its content: viewed in place instead of unescaped into a copy
  // in the parser's buffer (stage 1 has validated the UTF-8 and the control characters of every
  // string). Every string member of the input comes here, so the common case looks at the token's
  // first byte instead of asking simdjson for the type.
  const char* const token = value.raw_json_token().data();
  if (*token == '"') {
    if (const std::size_t n = unescaped_length(token + 1); n != std::string_view::npos) {
      return std::string_view(token + 1, n);
    }
  }
  const od::json_type type = type_of(value);
  if (type == od::json_type::null) return std::nullopt;
  if (type != od::json_type::string) type_error(value, "a string", what);
  std::string_view out;
  check(value.get_string().get(out));
  return out;
}

std::string JsonReader::copy_string(od::value& value, What what) {
  const auto text = string(value, what);
  return text ? std::string(*text) : std::string();
}

Name JsonReader::name(od::value& value, What what) {
  const auto text = string(value, what);
  return text ? Name(*text) : Name();
}

std::optional<std::int64_t> JsonReader::integer(od::value& value, What what) {
  const od::json_type type = type_of(value);
  if (type == od::json_type::null) return std::nullopt;
  if (type != od::json_type::number) type_error(value, "an integer", what);
  const std::size_t at = offset(value);
  std::int64_t out = 0;
  const simdjson::error_code code = value.get_int64().get(out);
  if (code == simdjson::NUMBER_ERROR) throw JsonFailure{code};  // malformed: the locator says where
  if (code != simdjson::SUCCESS) {
    // A well-formed number that is not a 64-bit integer (1.5, 1e3, 2^70): name it in the message.
    std::size_t end = at;
    while (end < text_.size() && std::strchr("0123456789+-.eE", text_[end]) != nullptr) ++end;
    std::string message = "expected an integer for ";
    if (what.element) message += "an element of ";
    message += '"';
    message += what.key;
    message += "\", found the number ";
    message += text_.substr(at, std::min<std::size_t>(end - at, 40));
    fail(at, std::move(message));
  }
  return out;
}

std::optional<bool> JsonReader::boolean(od::value& value, What what) {
  const od::json_type type = type_of(value);
  if (type == od::json_type::null) return std::nullopt;
  if (type != od::json_type::boolean) type_error(value, "a boolean", what);
  bool out = false;
  check(value.get_bool().get(out));
  return out;
}

void JsonReader::warn(const char* check_id, std::size_t offset, std::string message) {
  Diagnostic d;
  d.severity = Severity::warning;
  d.check = check_id;
  d.message = std::move(message);
  const SourcePos p = pos(offset);
  d.location.line = p.line;
  d.location.column = p.column;
  d.location.file = std::string(name_);
  quote_source_line(d, line_at(text_, offset));
  diagnostics_.push_back(std::move(d));
}

}  // namespace sgcheck::detail
