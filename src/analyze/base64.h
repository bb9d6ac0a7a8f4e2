// Base64 and base64url for analyzers (JWT segments, PEM bodies, JWK members) and for the
// reports' masking (the encoded forms of a secret). Both decoders accept missing padding
// and reject any byte outside their alphabet.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyhole::analyze {

// Standard alphabet (+/). Padding optional. nullopt on any other byte or a bad length.
std::optional<std::string> Base64Decode(std::string_view in);
// URL-safe alphabet (-_). Padding tolerated. nullopt on any other byte or a bad length.
std::optional<std::string> Base64UrlDecode(std::string_view in);
// `in` in the standard (+/) or, with `url`, the URL-safe (-_) alphabet, without padding.
std::string Base64Encode(std::string_view in, bool url);

}  // namespace keyhole::analyze
