#include "analyze/noise.h"

#include <algorithm>

namespace keyhole::analyze {

namespace {

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

}  // namespace

bool IsNoise(const rules::Rule& rule, std::string_view secret, std::string_view line,
             std::string_view path) {
  (void)path;
  if (rule.category != "generic") return false;
  // Subresource integrity and lockfile hashes: "sha512-<base64>".
  if (line.find("integrity") != std::string_view::npos && line.find("sha") != std::string_view::npos)
    return true;
  // Git SHAs and digests: plain hex of a hash length.
  if (IsHex(secret) && (secret.size() == 32 || secret.size() == 40 || secret.size() == 64)) return true;
  return false;
}

}  // namespace keyhole::analyze
