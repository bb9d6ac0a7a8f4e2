// How much a string reads like words of code or prose rather than random characters
// (entropy alone is a weak judge of generic secrets: docs/ARCHITECTURE.md, "analyze").
// Identifiers and references (`AutoTokenizer.from_pretrained`, `getSecretFromVault`,
// `HTTPServerToken`) are made of letter pairs common in words; random letters
// (`OHXGaQZ_UVqMmedZ`) are not.
#pragma once

#include <string_view>

namespace keyhole::analyze {

// The share of adjacent letter pairs inside the words of `s` (split at non-letters and at
// camelCase boundaries, compared case-insensitively) that are common in code and prose.
// 1.0 for identifiers and English; about 0.4 for random letters (99% of random
// 20-40-letter strings score below 0.7). Returns 1.0 when `s` has no letter pair.
double WordLikeness(std::string_view s);

// True if `s` reads as an identifier, dotted reference, path or phrase rather than a
// generated value: letters (and `_.-/`) scoring WordLikeness >= 0.7, or with at most two
// digits, 8+ letter pairs and >= 0.85 (`Base64Encoder`). Other symbols: never.
bool IsWordShaped(std::string_view s);

}  // namespace keyhole::analyze
