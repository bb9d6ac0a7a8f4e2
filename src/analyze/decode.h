// Decoders: finds base64, base64url and percent-encoded spans in a blob and decodes the
// ones that decode to text, so that the decoded bytes can go through the same scanner and
// analyzers (analyze.cpp does that, recursively, and reports findings at the encoded span).
// Random base64-alphabet runs (identifiers, hashes, binary blobs) decode to bytes that are
// not text and are dropped here, cheaply: the first 12 decoded bytes are checked first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyhole::analyze {

enum class Encoding { kBase64, kBase64Url, kPercent };

// "base64", "base64url", "percent": the `encoding` fact of a decoded finding.
std::string_view EncodingName(Encoding e);

// Bounds that keep hostile input cheap. Defaults:
//   min_span (16)             shorter runs are words and identifiers; base64("user:pw1") is 12,
//                             so basic-auth values rely on their own rule, not on this.
//                             Values below 16 act as 16 (the block filter looks for 16)
//   max_span (64 KiB)         a base64 PEM key or dockerconfigjson is a few KiB at most
//   max_spans (64)            decoded spans returned per call (per blob and depth)
//   max_candidates (4096)     runs looked at per call, text or not (minified bundles)
//   max_decoded_bytes (1 MiB) total decoded bytes returned per call
struct DecodeLimits {
  size_t min_span = 16;
  size_t max_span = 64 * 1024;
  size_t max_spans = 64;
  size_t max_candidates = 4096;
  size_t max_decoded_bytes = 1024 * 1024;
};

struct EncodedSpan {
  size_t begin = 0, end = 0;  // the encoded bytes in the input
  Encoding encoding = Encoding::kBase64;
  std::string decoded;  // text: printable ASCII, whitespace or valid UTF-8
};

// The spans of data[region_begin, region_end) that decode to text, in order of position.
// Skipped: runs of letters only (words, identifiers), segments of dotted tokens (JWT
// segments are the JWT analyzer's business), runs that mix the two base64 alphabets.
std::vector<EncodedSpan> FindEncodedSpans(std::string_view data, size_t region_begin,
                                          size_t region_end, const DecodeLimits& limits = {});

// True if `bytes` is text: no control bytes but tab/CR/LF, high bytes only in valid UTF-8.
bool IsText(std::string_view bytes);

// Decodes %XX escapes (and nothing else). False if there is no valid escape.
bool PercentDecode(std::string_view in, std::string* out);

}  // namespace keyhole::analyze
