// Base64 and base64url decoding for analyzers (JWT segments, PEM bodies, JWK members).
// Both decoders accept missing padding and reject any byte outside their alphabet.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyhole::analyze {

// Standard alphabet (+/). Padding optional. nullopt on any other byte or a bad length.
std::optional<std::string> Base64Decode(std::string_view in);
// URL-safe alphabet (-_). Padding tolerated. nullopt on any other byte or a bad length.
std::optional<std::string> Base64UrlDecode(std::string_view in);

}  // namespace keyhole::analyze
