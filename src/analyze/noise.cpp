#include "analyze/noise.h"

#include <algorithm>
#include <string>

#include "analyze/wordlike.h"
#include "core/text.h"

namespace keyhole::analyze {

namespace {

bool IsHexChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsHex(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsHexChar); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

std::string_view Basename(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// 8-4-4-4-12 hex.
bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHexChar(s[i])) return false;
  }
  return true;
}

// The whitespace/quote-delimited token of `line` that contains [pos, pos+len).
std::string_view EnclosingToken(std::string_view line, size_t pos, size_t len) {
  auto is_delim = [](char c) {
    return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '`' || c == '(' || c == ')' ||
           c == '<' || c == '>' || c == '[' || c == ']';
  };
  size_t b = pos;
  while (b > 0 && !is_delim(line[b - 1])) --b;
  size_t e = std::min(line.size(), pos + len);
  while (e < line.size() && !is_delim(line[e])) ++e;
  return line.substr(b, e - b);
}

// The secret sits inside an SRI / lockfile hash ("sha512-<base64>") or a `data:` URI.
bool InsideHashOrDataUri(std::string_view secret, std::string_view line) {
  size_t pos = line.find(secret);
  if (pos == std::string_view::npos) return false;
  std::string token = AsciiLower(EnclosingToken(line, pos, secret.size()));
  for (std::string_view p : {"sha1-", "sha256-", "sha384-", "sha512-"}) {
    if (token.rfind(p, 0) == 0) return true;
  }
  if (token.rfind("data:", 0) == 0 || Contains(token, "url(data:")) return true;
  return Contains(token, ";base64,") && Contains(token, "data:");
}

bool IsLockfile(std::string_view path) {
  static constexpr std::string_view kLockfiles[] = {
      "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",    "pnpm-lock.yaml",
      "bun.lockb",         "Cargo.lock",          "go.sum",       "poetry.lock",
      "Pipfile.lock",      "Gemfile.lock",        "composer.lock", "pubspec.lock",
      "Podfile.lock",      "packages.lock.json",  "flake.lock",   "mix.lock",
      "gradle.lockfile",   "uv.lock",             "pdm.lock",     "deno.lock",
      "Package.resolved",  "conan.lock",          "paket.lock",   "shard.lock",
  };
  std::string_view base = Basename(path);
  return std::find(std::begin(kLockfiles), std::end(kLockfiles), base) != std::end(kLockfiles);
}

bool IsVendoredPath(std::string_view path) {
  std::string p = "/" + AsciiLower(path);
  for (std::string_view d : {"/node_modules/", "/vendor/", "/vendors/", "/bower_components/",
                             "/third_party/", "/third-party/", "/thirdparty/", "/jspm_packages/",
                             "/.yarn/", "/pods/", "/external/", "/deps/"}) {
    if (Contains(p, d)) return true;
  }
  return false;
}

bool IsMinifiedOrSourceMap(std::string_view path, std::string_view line) {
  std::string p = AsciiLower(path);
  for (std::string_view s : {".min.js", ".min.mjs", ".min.css", "-min.js", ".map", ".bundle.js",
                             ".chunk.js", ".prod.js"}) {
    if (EndsWith(p, s)) return true;
  }
  // A single very long line of JS is a minified bundle whatever its name.
  return line.size() > 5000 && (EndsWith(p, ".js") || EndsWith(p, ".mjs") || EndsWith(p, ".cjs"));
}

// A rule whose secret starts with one of its own literal prefixes (ghp_, AKIA, xoxb-): the
// format alone identifies it, so context-based noise heuristics do not apply.
bool IsPrefixAnchored(const rules::Rule& rule, std::string_view secret) {
  if (rule.category == "generic") return false;
  std::string lower = AsciiLower(secret.substr(0, 32));
  for (const std::string& k : rule.keywords) {
    if (k.size() >= 3 && lower.rfind(k, 0) == 0) return true;
  }
  return false;
}

// Hash-shaped values near words that say they are hashes or commits.
bool LooksLikeDigest(std::string_view secret, std::string_view line) {
  if (!IsHex(secret)) return false;
  size_t n = secret.size();
  if (n == 32 || n == 40 || n == 56 || n == 64 || n == 96 || n == 128) return true;
  if (n < 7) return false;
  std::string l = AsciiLower(line);
  for (std::string_view w : {"commit", "sha", "rev", "hash", "digest", "checksum", "md5",
                             "etag", "object", "tree", "parent"}) {
    if (Contains(l, w)) return true;
  }
  return false;
}

}  // namespace

bool IsNoise(const rules::Rule& rule, std::string_view secret, std::string_view line,
             std::string_view path) {
  // Base64 runs inside integrity hashes and data: URIs can contain anything, including
  // a literal token prefix, so these apply to every rule.
  if (InsideHashOrDataUri(secret, line)) return true;
  if (IsPrefixAnchored(rule, secret)) return false;

  // Context-anchored and generic rules: files whose content is hashes or third-party code.
  if (IsLockfile(path)) return true;
  if (IsVendoredPath(path) && IsMinifiedOrSourceMap(path, line)) return true;

  if (rule.category != "generic") return false;
  // Generic rules only: a provider rule's context ("twilio auth token = <32 hex>") says a
  // hex or UUID value is the secret; a generic rule has no such evidence.
  if (Contains(line, "integrity") && Contains(line, "sha")) return true;
  if (IsUuid(secret)) return true;
  // `sha256=<digest>` (wheel RECORD files, checksum manifests): a hash, named as one.
  std::string head = AsciiLower(secret.substr(0, 8));
  for (std::string_view p : {"sha1=", "sha224=", "sha256=", "sha384=", "sha512=", "md5="}) {
    if (head.rfind(p, 0) == 0) return true;
  }
  // Letters and punctuation in word-shaped runs: an identifier, reference or phrase
  // (`settings.SECRET_TOKEN`, `HTTPServerToken`), not a generated value.
  if (IsWordShaped(secret)) return true;
  return LooksLikeDigest(secret, line);
}

}  // namespace keyhole::analyze
