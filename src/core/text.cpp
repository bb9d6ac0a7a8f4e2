#include "core/text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace keyhole {

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  const char* p = text.data();
  const size_t n = text.size();
  // Every byte decides alone (with one byte of look-ahead for CRLF), so the text can be
  // classified 16 bytes at a time and only the terminators visited: the byte-at-a-time loop
  // was ~7% of a scan of source text (an index is built for every blob with a candidate).
  auto visit = [&](size_t i) {
    if (p[i] == '\n') {
      starts_.push_back(i + 1);
    } else if (p[i] == '\r' && !(i + 1 < n && p[i + 1] == '\n')) {
      starts_.push_back(i + 1);  // lone CR; in CRLF the '\n' ends the line
    }
  };
  size_t i = 0;
#ifdef __SSE2__
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    unsigned bits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr))));
    while (bits != 0) {
      visit(i + static_cast<size_t>(__builtin_ctz(bits)));
      bits &= bits - 1;
    }
  }
#endif
  for (; i < n; ++i) visit(i);
}

Position LineIndex::At(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t line_idx = static_cast<size_t>(it - starts_.begin()) - 1;
  const size_t start = starts_[line_idx];
  // Code points in [from, to): every byte that is not a UTF-8 continuation byte starts
  // one (invalid bytes count as one).
  auto count = [this](size_t from, size_t to) {
    uint32_t n = 0;
    for (size_t i = from; i < to; ++i) n += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
    return n;
  };
  uint32_t col;
  if (line_idx == cached_line_ && offset >= cached_offset_) {
    col = cached_col_ + count(cached_offset_, offset);
  } else if (line_idx == cached_line_ && cached_offset_ - offset < offset - start) {
    col = cached_col_ - count(offset, cached_offset_);
  } else {
    col = 1 + count(start, offset);
  }
  cached_line_ = line_idx;
  cached_offset_ = offset;
  cached_col_ = col;
  return Position{static_cast<uint32_t>(line_idx + 1), col};
}

size_t LineIndex::LineStart(uint32_t line) const {
  if (line == 0) return 0;
  size_t idx = std::min<size_t>(line - 1, starts_.size() - 1);
  return starts_[idx];
}

std::string_view LineIndex::Line(uint32_t line) const {
  if (line == 0 || line > starts_.size()) return {};
  size_t begin = starts_[line - 1];
  size_t end = line < starts_.size() ? starts_[line] : text_.size();
  while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return text_.substr(begin, end - begin);
}

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0.0;
  std::array<uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double h = 0.0;
  const double n = static_cast<double>(s.size());
  for (uint32_t c : counts) {
    if (c == 0) continue;
    double p = c / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Returns 0 if not UTF-16, 1 for little-endian, 2 for big-endian; *skip = BOM length.
int DetectUtf16(std::string_view data, size_t* skip) {
  *skip = 0;
  if (data.size() >= 2) {
    unsigned char a = data[0], b = data[1];
    if (a == 0xFF && b == 0xFE) { *skip = 2; return 1; }
    if (a == 0xFE && b == 0xFF) { *skip = 2; return 2; }
  }
  // Heuristic: in the first KiB, NULs sit in every other byte (ASCII-heavy UTF-16).
  size_t n = std::min<size_t>(data.size(), 1024) & ~size_t{1};
  if (n < 4) return 0;
  size_t even_nul = 0, odd_nul = 0;
  for (size_t i = 0; i < n; i += 2) {
    if (data[i] == 0) ++even_nul;
    if (data[i + 1] == 0) ++odd_nul;
  }
  size_t pairs = n / 2;
  if (odd_nul * 10 >= pairs * 9 && even_nul == 0) return 1;
  if (even_nul * 10 >= pairs * 9 && odd_nul == 0) return 2;
  return 0;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool DecodeUtf16(std::string_view data, std::string* utf8) {
  size_t skip = 0;
  int kind = DetectUtf16(data, &skip);
  if (kind == 0) return false;
  utf8->clear();
  utf8->reserve(data.size() / 2);
  auto unit = [&](size_t i) -> uint32_t {
    unsigned char a = data[i], b = data[i + 1];
    return kind == 1 ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (size_t i = skip; i + 1 < data.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < data.size()) {
      uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), utf8);
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    AppendUtf8(u, utf8);
  }
  return true;
}

bool LooksBinary(std::string_view data) {
  std::string_view head = data.substr(0, 8192);
  if (head.empty()) return false;
  // Fast path: printable ASCII, tab, LF and CR only (most source files) is text.
  auto plain = [](unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r'; };
  size_t i = 0;
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f), tab = _mm_set1_epi8('\t'),
                lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= head.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(head.data() + i));
    // Signed: bytes from 0x80 are negative, so "< 0x20" also catches them.
    __m128i odd = _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del));
    odd = _mm_andnot_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr)),
                           odd);
    if (_mm_movemask_epi8(odd) != 0) break;
  }
#endif
  while (i < head.size() && plain(static_cast<unsigned char>(head[i]))) ++i;
  if (i == head.size()) return false;
  size_t skip = 0;
  if (DetectUtf16(data, &skip) != 0) return false;
  size_t control = 0, invalid = 0;
  for (size_t i = 0; i < head.size();) {
    const unsigned char c = static_cast<unsigned char>(head[i]);
    if (c < 0x80) {
      // NUL and the C0 controls no text format uses; 0x7f (DEL) too.
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '\b' && c != 0x1b) ||
          c == 0x7f) {
        ++control;
      }
      ++i;
      continue;
    }
    // A multi-byte UTF-8 sequence (lead byte and continuation bytes), else one invalid byte.
    // A sequence cut by the end of the head counts as valid.
    const size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0;
    for (size_t k = 1; valid && k < len && i + k < head.size(); ++k) {
      valid = (static_cast<unsigned char>(head[i + k]) & 0xC0) == 0x80;
    }
    if (valid) {
      i += len;
    } else {
      ++invalid;
      ++i;
    }
  }
  return control * 10 > head.size() || (control + invalid) * 10 > head.size() * 3;
}

std::string TextRuns(std::string_view data, bool* any_run, size_t min_run) {
  std::string out(data.size(), ' ');
  *any_run = false;
  auto printable = [](unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; };
  size_t i = 0;
  while (i < data.size()) {
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == '\n') {
      out[i++] = '\n';
      continue;
    }
    if (!printable(c)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < data.size() && printable(static_cast<unsigned char>(data[end]))) ++end;
    if (end - i >= min_run) {
      std::copy(data.begin() + static_cast<std::ptrdiff_t>(i), data.begin() + static_cast<std::ptrdiff_t>(end),
                out.begin() + static_cast<std::ptrdiff_t>(i));
      *any_run = true;
    }
    i = end;
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string EscapeForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  static const char* kHex = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (valid && len == 1 && (c < 0x20 || c == 0x7F) && c != '\t') valid = false;
    if (!valid) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

}  // namespace keyhole
