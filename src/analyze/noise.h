// Noise: matches that are structurally something else — lockfile and SRI integrity hashes,
// git SHAs, UUIDs, plain hex digests, base64 `data:` URIs, vendored minified bundles.
// Applies mostly to generic and entropy-based rules; a provider rule with a strong
// format (ghp_, AKIA) is not noise just because it sits in a lockfile.
#pragma once

#include <string_view>

#include "rules/rule.h"

namespace keyhole::analyze {

// True if the candidate `secret` of `rule`, found on `line` of the file at `path`, is noise.
bool IsNoise(const rules::Rule& rule, std::string_view secret, std::string_view line,
             std::string_view path);

}  // namespace keyhole::analyze
