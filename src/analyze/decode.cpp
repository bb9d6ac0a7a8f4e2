#include "analyze/decode.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif
#include <optional>

#include "analyze/base64.h"
#include "core/text.h"

namespace keyhole::analyze {

namespace {

enum CharClass : uint8_t { kNone = 0, kAlpha = 1, kDigit = 2, kStd = 4, kUrl = 8 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['+'] = kStd;
  t['/'] = kStd;
  t['-'] = kUrl;
  t['_'] = kUrl;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

bool IsB64(unsigned char c) { return kClasses[c] != kNone; }

// Length of the valid UTF-8 sequence starting at s[i], or 0. `tail_ok`: a sequence cut
// by the end of `s` counts as valid (a decoded prefix may end mid-character).
size_t Utf8Length(std::string_view s, size_t i, bool tail_ok) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0) return 0;
  for (size_t k = 1; k < n; ++k) {
    if (i + k >= s.size()) return tail_ok ? s.size() - i : 0;
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

bool TextBytes(std::string_view s, bool tail_ok) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      ++i;
    } else if (c >= 0x80) {
      size_t n = Utf8Length(s, i, tail_ok);
      if (n == 0) return false;
      i += n;
    } else {
      return false;
    }
  }
  return true;
}

// Whether the run [b, e) of `data` is worth decoding, and with which alphabet.
bool Classify(std::string_view data, size_t b, size_t e, Encoding* enc) {
  uint8_t seen = 0;
  for (size_t i = b; i < e && data[i] != '='; ++i)
    seen |= kClasses[static_cast<unsigned char>(data[i])];
  bool padded = data[e - 1] == '=';
  if ((seen & kStd) && (seen & kUrl)) return false;  // two alphabets: not one encoding
  if (seen == kAlpha && !padded) return false;       // a word or an identifier
  if (!(seen & kAlpha)) return false;                // numbers, dashes: not base64 of text
  // Segments of dotted tokens (a.b.c): JWTs and versions are decoded by their analyzers.
  if (b > 0 && data[b - 1] == '.') return false;
  if (e + 1 < data.size() && data[e] == '.' && IsB64(static_cast<unsigned char>(data[e + 1])))
    return false;
  *enc = (seen & kUrl) ? Encoding::kBase64Url : Encoding::kBase64;
  return true;
}

// The 6-bit value of a character of either base64 alphabet (validity is checked elsewhere).
constexpr std::array<uint8_t, 256> MakeValues() {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<uint8_t>(i);
    t['a' + i] = static_cast<uint8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(52 + i);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}
constexpr std::array<uint8_t, 256> kValues = MakeValues();

// Whether the first 16 characters of `run` can encode 12 bytes of ASCII text (printable,
// tab, CR, LF), without decoding: in each 4-character group the first character holds the
// top 6 bits of a byte (0x09..0x7E: 2, 3 or 8..31), the second the top 4 bits of the next
// (0, 2..7), the third the top 2 bits of the third (0 or 1). A random run passes with
// probability ~1e-4; identifiers in code are most of the runs a scan meets.
bool HeadIsAscii(std::string_view run) {
  for (size_t g = 0; g + 3 < run.size() && g < 16; g += 4) {
    if (run[g + 2] == '=') break;  // padding: fewer bytes, checked by the decoder
    uint8_t v0 = kValues[static_cast<unsigned char>(run[g])];
    uint8_t v1 = kValues[static_cast<unsigned char>(run[g + 1])] & 15;
    if (!((v0 >= 8 && v0 <= 31) || v0 == 2 || v0 == 3)) return false;
    if (v1 == 1 || v1 > 7) return false;
    if ((kValues[static_cast<unsigned char>(run[g + 2])] & 3) > 1) return false;
  }
  return true;
}

std::optional<std::string> DecodeAs(Encoding enc, std::string_view s) {
  return enc == Encoding::kBase64Url ? Base64UrlDecode(s) : Base64Decode(s);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Characters of a URL (RFC 3986 unreserved, reserved and '%'): the extent of a
// percent-encoded run.
bool IsUrlChar(unsigned char c) {
  if (IsB64(c)) return true;
  switch (c) {
    case '%':
    case '.':
    case '~':
    case ':':
    case '?':
    case '#':
    case '[':
    case ']':
    case '@':
    case '!':
    case '$':
    case '&':
    case '(':
    case ')':
    case '*':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

// What one FindEncodedSpans call may still spend (DecodeLimits).
struct Budget {
  const DecodeLimits& limits;
  size_t spans = 0, candidates = 0, decoded_bytes = 0;

  bool Exhausted() const {
    return spans >= limits.max_spans || candidates >= limits.max_candidates;
  }
  // Accounts for a decoded span; false (and the budget closes) if it would exceed the limit.
  bool Take(size_t decoded) {
    if (decoded_bytes + decoded > limits.max_decoded_bytes) {
      candidates = limits.max_candidates;
      return false;
    }
    decoded_bytes += decoded;
    ++spans;
    return true;
  }
};

// A run with a scheme ("://", or its encoding %3A%2F%2F) or a query string: printf
// formats ("%02x%02x") and other '%' text are not URLs.
bool LooksLikeUrl(std::string_view run) {
  if (run.find("://") != std::string_view::npos) return true;
  std::string lower = AsciiLower(run);
  if (lower.find("%3a%2f%2f") != std::string::npos) return true;
  return run.find('=') != std::string_view::npos &&
         (run.find('?') != std::string_view::npos || run.find('&') != std::string_view::npos);
}

// Percent-encoded URL runs: found from their '%' with memchr, decoded whole.
void PercentSpans(std::string_view data, size_t rb, size_t re, Budget& budget,
                  std::vector<EncodedSpan>* out) {
  size_t i = rb;
  while (i < re && !budget.Exhausted()) {
    const void* p = std::memchr(data.data() + i, '%', re - i);
    if (p == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(p) - data.data());
    if (i + 2 >= re || HexValue(data[i + 1]) < 0 || HexValue(data[i + 2]) < 0) {
      ++i;
      continue;
    }
    size_t b = i, e = i;
    while (b > rb && IsUrlChar(static_cast<unsigned char>(data[b - 1]))) --b;
    while (e < re && IsUrlChar(static_cast<unsigned char>(data[e]))) ++e;
    ++budget.candidates;
    i = e;
    if (e - b > budget.limits.max_span || !LooksLikeUrl(data.substr(b, e - b))) continue;
    EncodedSpan span{b, e, Encoding::kPercent, {}};
    if (!PercentDecode(data.substr(b, e - b), &span.decoded) || !IsText(span.decoded)) continue;
    if (!budget.Take(span.decoded.size())) break;
    out->push_back(std::move(span));
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KEYHOLE_HAVE_AVX2_PATH 1
// The same classification with AVX2 and two nibble tables (one byte class per bit: the
// high nibble picks the rows 2..7 of ASCII, the low nibble the members of that row), ~9
// instructions per 32 bytes instead of ~25 per 16: the base64 filter was ~14% of a scan.
template <bool kPad>
__attribute__((target("avx2"))) uint64_t AlphabetMaskAvx2(const char* p) {
  // Bits: 1 row 2 (+ - /), 2 row 3 (digits, '=' if kPad), 4 rows 4 and 6 (letters but '@'
  // and '`'), 8 row 5 (P..Z, '_'), 16 row 7 (p..z).
  const __m256i hi_table = _mm256_setr_epi8(0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                            0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0);
  constexpr char kD = kPad ? 2 : 0;  // '=' is 0x3D
  const __m256i lo_table = _mm256_setr_epi8(
      2 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16,
      2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 4 | 8 | 16, 1 | 4,
      4, static_cast<char>(1 | 4 | kD), 4, 1 | 4 | 8,  //
      2 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16,
      2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 2 | 4 | 8 | 16, 4 | 8 | 16, 1 | 4,
      4, static_cast<char>(1 | 4 | kD), 4, 1 | 4 | 8);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  uint64_t m = 0;
  for (int j = 0; j < 64; j += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + j));
    const __m256i lo = _mm256_and_si256(v, nibble);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    const __m256i hit = _mm256_and_si256(_mm256_shuffle_epi8(lo_table, lo),
                                         _mm256_shuffle_epi8(hi_table, hi));
    const __m256i none = _mm256_cmpeq_epi8(hit, _mm256_setzero_si256());
    m |= static_cast<uint64_t>(~static_cast<uint32_t>(_mm256_movemask_epi8(none))) << j;
  }
  return m;
}

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have;
}
#endif

// Bit i set: data[pos + i] is in a base64 alphabet (or is '=' if `kPad`). Bytes past `end`
// count as not.
template <bool kPad = true>
uint64_t AlphabetMask(std::string_view data, size_t pos, size_t end) {
  uint64_t m = 0;
#ifdef KEYHOLE_HAVE_AVX2_PATH
  if (HaveAvx2()) {
    if (pos + 64 <= end) return AlphabetMaskAvx2<kPad>(data.data() + pos);
    // The last block of a region, zero-padded (NUL is in no alphabet): the byte loop below
    // cost ~1% of a scan, run twice at the end of every blob.
    alignas(32) char tail[64] = {};
    if (pos < end) std::memcpy(tail, data.data() + pos, end - pos);
    return AlphabetMaskAvx2<kPad>(tail);
  }
#endif
#ifdef __SSE2__
  if (pos + 64 <= end) {
    const __m128i lower_a = _mm_set1_epi8('a' - 1), lower_z = _mm_set1_epi8('z' + 1);
    const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1),
                  case_bit = _mm_set1_epi8(0x20);
    for (int j = 0; j < 64; j += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data.data() + pos + j));
      __m128i folded =
          _mm_or_si128(v, case_bit);  // 'A'..'Z' -> 'a'..'z'; bytes >= 0x80 stay negative
      __m128i alpha =
          _mm_and_si128(_mm_cmpgt_epi8(folded, lower_a), _mm_cmplt_epi8(folded, lower_z));
      __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d0), _mm_cmplt_epi8(v, d9));
      __m128i sym = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
      if (kPad) sym = _mm_or_si128(sym, _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
      __m128i any = _mm_or_si128(_mm_or_si128(alpha, digit), sym);
      m |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(any))) << j;
    }
    return m;
  }
#endif
  for (size_t i = 0; i < 64 && pos + i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(data[pos + i]);
    if (IsB64(c) || (kPad && c == '=')) m |= uint64_t{1} << i;
  }
  return m;
}

// Base64 runs. Alphabet bytes are classified 64 at a time (SSE2) on a fixed grid of
// blocks, each block once; a block is skipped unless 16 consecutive alphabet bytes start in
// it, so ordinary text (words and identifiers shorter than 16) costs a few instructions per
// 64 bytes. After a run, the bits it covered are cleared rather than the block classified
// again: long identifiers (C headers are full of them) made re-classifying at every run end
// the largest cost of the filter.
void Base64Spans(std::string_view data, size_t rb, size_t re, Budget& budget,
                 std::vector<EncodedSpan>* out) {
  const DecodeLimits& limits = budget.limits;
  static_assert(DecodeLimits{}.min_span >= 16, "the block filter finds runs of 16 or more");
  size_t lo = rb;    // a run never starts before the end of the previous one
  size_t base = rb;  // the block [base, base + 64) that `cur` classifies; `next` the one after
  uint64_t cur = AlphabetMask(data, base, re);
  uint64_t next = base + 64 < re ? AlphabetMask(data, base + 64, re) : 0;
  auto advance = [&] {
    base += 64;
    cur = next;
    next = base + 64 < re ? AlphabetMask(data, base + 64, re) : 0;
  };
  // Moves the grid to the block containing `pos` and clears the bits before it.
  auto skip_to = [&](size_t pos) {
    if (pos >= base + 128) {
      base = pos;
      cur = pos < re ? AlphabetMask(data, pos, re) : 0;
      next = pos + 64 < re ? AlphabetMask(data, pos + 64, re) : 0;
      return;
    }
    if (pos >= base + 64) advance();
    const size_t shift = pos - base;
    cur &= shift >= 64 ? 0 : ~uint64_t{0} << shift;
  };
  while (base < re && !budget.Exhausted()) {
    unsigned __int128 w = cur | (static_cast<unsigned __int128>(next) << 64);
    // Bit i of `r`: bits i..i+15 of `w` are all set.
    unsigned __int128 r = w & (w >> 1);
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 8;
    uint64_t starts = static_cast<uint64_t>(r);
    if (starts == 0) {
      advance();
      continue;
    }
    size_t k = base + static_cast<size_t>(__builtin_ctzll(starts));
    while (k < re && data[k] == '=') ++k;  // a window may open on padding
    if (k >= re || !IsB64(static_cast<unsigned char>(data[k]))) {
      skip_to(k + 1);
      continue;
    }
    size_t b = k, e = k + 1;
    while (b > lo && IsB64(static_cast<unsigned char>(data[b - 1]))) --b;
    while (e < re) {  // 64 bytes at a time: runs are often long identifiers
      const uint64_t outside = ~AlphabetMask<false>(data, e, re);
      if (outside != 0) {
        e += static_cast<size_t>(__builtin_ctzll(outside));
        break;
      }
      e += 64;
    }
    e = std::min(e, re);
    for (size_t pad = 0; e < re && data[e] == '=' && pad < 2; ++pad) ++e;
    lo = e;
    skip_to(e);
    // A run that follows "\" starts with an escape letter (a "\n" inside a string literal).
    if (b > rb && data[b - 1] == '\\') ++b;
    if (e - b < limits.min_span || e - b > limits.max_span) continue;
    // A run glued to a percent escape is part of a URL run (PercentSpans).
    if ((e < re && data[e] == '%') || (b > rb && data[b - 1] == '%')) continue;
    ++budget.candidates;
    std::string_view run = data.substr(b, e - b);
    Encoding enc;
    if (!HeadIsAscii(run) || !Classify(data, b, e, &enc)) continue;
    // Cheap rejection first: 16 characters decode to 12 bytes, which must already be text.
    std::optional<std::string> head = DecodeAs(enc, run.substr(0, 16));
    if (!head || !TextBytes(*head, true)) continue;
    std::optional<std::string> full = DecodeAs(enc, run);
    if (!full || full->empty() || !IsText(*full)) continue;
    if (!budget.Take(full->size())) break;
    out->push_back(EncodedSpan{b, e, enc, std::move(*full)});
  }
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kBase64:
      return "base64";
    case Encoding::kBase64Url:
      return "base64url";
    case Encoding::kPercent:
      return "percent";
  }
  return "?";
}

bool IsText(std::string_view bytes) { return TextBytes(bytes, false); }

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        any = true;
        continue;
      }
    }
    out->push_back(in[i]);
  }
  return any;
}

std::vector<EncodedSpan> FindEncodedSpans(std::string_view data, size_t region_begin,
                                          size_t region_end, const DecodeLimits& limits) {
  std::vector<EncodedSpan> out;
  if (region_end > data.size()) region_end = data.size();
  if (region_begin >= region_end) return out;
  Budget budget{limits};
  PercentSpans(data, region_begin, region_end, budget, &out);
  Base64Spans(data, region_begin, region_end, budget, &out);
  std::sort(out.begin(), out.end(),
            [](const EncodedSpan& a, const EncodedSpan& b) { return a.begin < b.begin; });
  // A base64 run inside a percent-encoded URL run (or the reverse): keep the first.
  size_t end = 0;
  std::erase_if(out, [&end](const EncodedSpan& s) {
    if (s.begin < end) return true;
    end = s.end;
    return false;
  });
  return out;
}

}  // namespace keyhole::analyze
