// JWT/JWE decoding: what a candidate token is, without verifying anything but structure.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace keyhole::analyze {

// Segments longer than this are not decoded (bounds work on hostile input; real JWT
// headers and payloads are a few hundred bytes, large ones a few KiB).
inline constexpr size_t kMaxJwtSegment = 64 * 1024;

struct DecodedJwt {
  bool jwe = false;                 // 5 segments (compact JWE)
  nlohmann::json header;            // always a JSON object with "alg"
  nlohmann::json payload;           // JWS with a JSON payload: the claims object; else null
  std::string_view signing_input;   // JWS: "header.payload" (what the signature covers)
  std::string_view signature;       // JWS: the base64url signature segment
};

// Decodes a compact JWS (3 segments) or JWE (5 segments). nullopt when it is not a JWT:
// wrong segment count, a segment over kMaxJwtSegment, invalid base64url, or a header
// that is not a JSON object with a string "alg".
std::optional<DecodedJwt> DecodeJwt(std::string_view token);

// True if `token` is an HS256/384/512 JWS (per `alg`) whose signature verifies with `key`.
// Constant-time comparison; false for any other alg or a malformed token.
bool VerifyHmacJwt(std::string_view token, std::string_view alg, std::string_view key);

}  // namespace keyhole::analyze

namespace keyhole::analyze {

// Well-known weak HMAC secrets (defaults, tutorials, the jwt.io sample secret), tried
// offline against every HS256/384/512 token.
const std::vector<std::string_view>& WeakJwtSecrets();
bool IsWeakJwtSecret(std::string_view secret);

}  // namespace keyhole::analyze
