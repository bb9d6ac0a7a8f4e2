// Offline structure checks for token formats that carry one: GitHub's and npm's CRC32
// suffix, PyPI's macaroon body, age's bech32 checksum, base64-encoded JSON payloads
// (Sentry org tokens, Grafana Cloud tokens). A random string that merely looks like a
// token fails them, so they cut false positives without any network call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace keyhole::analyze {

// Standard CRC-32 (IEEE 802.3, the zlib one).
uint32_t Crc32(std::string_view data);

// `value` in base62 (0-9A-Za-z), left-padded with '0' to `width` digits.
std::string Base62(uint32_t value, int width);

// True if `token` is "<prefix>_<30 chars><6 chars>" and the last 6 chars are the base62
// CRC32 of the 30-char body (GitHub ghp_/gho_/ghu_/ghs_/ghr_ and npm_ tokens).
bool HasValidCrc32Suffix(std::string_view token);

// True if `token` is "pypi-<base64url>" whose body decodes to a version-2 macaroon whose
// location is pypi.org or test.pypi.org and which has a non-empty identifier.
bool IsPypiMacaroon(std::string_view token);

// True if `s` is a valid bech32 string (BIP-173 checksum, any length, one case).
bool IsValidBech32(std::string_view s);

// True if `token` holds a base64/base64url-encoded JSON object: from its first "eyJ" to the
// end (or, for Sentry "sntrys_" tokens, to the last '_').
bool HasBase64JsonPayload(std::string_view token);

// Lenient base64 decoder for both alphabets; stops at '=' or the first foreign byte.
std::string DecodeBase64Any(std::string_view in);

}  // namespace keyhole::analyze
