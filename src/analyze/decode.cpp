#include "analyze/decode.h"

#include <array>
#include <optional>

#include "analyze/base64.h"

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
  size_t candidates = 0, decoded_bytes = 0;
  size_t i = region_begin;
  while (i < region_end && out.size() < limits.max_spans && candidates < limits.max_candidates) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == '%' && i + 2 < region_end && HexValue(data[i + 1]) >= 0 &&
        HexValue(data[i + 2]) >= 0) {
      // A percent escape: the URL run around it, decoded as a whole.
      size_t b = i, e = i;
      while (b > region_begin && IsUrlChar(static_cast<unsigned char>(data[b - 1]))) --b;
      while (e < region_end && IsUrlChar(static_cast<unsigned char>(data[e]))) ++e;
      ++candidates;
      i = e;
      if (e - b > limits.max_span || (!out.empty() && b < out.back().end)) continue;
      EncodedSpan span{b, e, Encoding::kPercent, {}};
      if (!PercentDecode(data.substr(b, e - b), &span.decoded) || !IsText(span.decoded)) continue;
      if (decoded_bytes + span.decoded.size() > limits.max_decoded_bytes) break;
      decoded_bytes += span.decoded.size();
      out.push_back(std::move(span));
      continue;
    }
    if (!IsB64(c)) {
      ++i;
      continue;
    }
    size_t b = i;
    while (i < region_end && IsB64(static_cast<unsigned char>(data[i]))) ++i;
    size_t pad = 0;
    while (i < region_end && data[i] == '=' && pad < 2) ++i, ++pad;
    size_t e = i;
    // A run that follows "\" starts with an escape letter (a "\n" inside a string literal).
    if (b > region_begin && data[b - 1] == '\\') ++b;
    if (e - b < limits.min_span || e - b > limits.max_span) continue;
    // A run glued to a percent escape is part of a URL run, handled above.
    if (e < region_end && data[e] == '%') continue;
    ++candidates;
    Encoding enc;
    if (!Classify(data, b, e, &enc)) continue;
    std::string_view run = data.substr(b, e - b);
    // Cheap rejection first: 16 characters decode to 12 bytes, which must already be text.
    std::optional<std::string> head = DecodeAs(enc, run.substr(0, 16));
    if (!head || !TextBytes(*head, true)) continue;
    std::optional<std::string> full = DecodeAs(enc, run);
    if (!full || full->empty() || !IsText(*full)) continue;
    if (decoded_bytes + full->size() > limits.max_decoded_bytes) break;
    decoded_bytes += full->size();
    out.push_back(EncodedSpan{b, e, enc, std::move(*full)});
  }
  return out;
}

}  // namespace keyhole::analyze
