// Checks across the findings of a whole scan: forgeable tokens.
#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <unordered_set>

#include "analyze/analyze.h"
#include "analyze/base64.h"
#include "analyze/jwt.h"
#include "analyze/keys.h"

namespace keyhole::analyze {

namespace {

// Bounds the HMAC work of one scan (tokens × secrets); a repository with more distinct
// signing secrets than this is checked against the first ones (in report order).
constexpr size_t kMaxSecrets = 2000;

findings::RelatedLocation RelatedTo(const findings::Finding& f, std::string message) {
  return findings::RelatedLocation{f.path, f.location, std::move(message)};
}

bool IsHmacAlg(const std::string& alg) { return alg == "HS256" || alg == "HS384" || alg == "HS512"; }

// The candidate keys a signing-secret finding stands for: the literal, and (jjwt and
// others take base64 secrets) its base64 decoding when it is valid base64.
std::vector<std::string> KeysOf(const findings::Finding& f) {
  std::vector<std::string> keys;
  if (f.facts.value("key_type", "") == "jwk") {
    if (auto k = JwkSymmetricKey(f.secret)) keys.push_back(*k);
    return keys;
  }
  keys.push_back(f.secret);
  if (f.secret.size() >= 16) {
    if (auto d = Base64Decode(f.secret)) keys.push_back(*d);
  }
  return keys;
}

}  // namespace

const std::vector<std::string_view>& WeakJwtSecrets() {
  static const std::vector<std::string_view> kWeak = {
      "secret", "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret",
      "changeme", "change-me", "password", "123456", "12345678", "jwt_secret", "jwt-secret",
      "jwtsecret", "secretkey", "secret_key", "secret-key", "mysecret", "my_secret",
      "mysecretkey", "supersecret", "super-secret", "key", "test", "testing", "default",
      "qwerty", "admin", "shhhhh", "shhhhhhared-secret", "keyboard cat", "s3cr3t",
      "your_jwt_secret", "your-secret-key", "token", "abc123", "pass", "dev", "development",
  };
  return kWeak;
}

bool IsWeakJwtSecret(std::string_view secret) {
  const auto& weak = WeakJwtSecrets();
  return std::find(weak.begin(), weak.end(), secret) != weak.end();
}

void CrossAnalyze(std::vector<findings::Finding>& findings) {
  // Findings arrive in whatever order the worker threads finished their files. Visit them
  // in report order instead, so that which finding is linked as a token's signer (when a
  // secret occurs twice), the order of a secret's related tokens and which secrets the
  // kMaxSecrets cap keeps are the same on every run.
  std::vector<size_t> order(findings.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return findings::FindingLess(findings[a], findings[b]);
  });

  // Distinct HMAC secrets of this scan, each with the first finding that holds it.
  std::vector<std::pair<std::string, size_t>> secrets;
  std::unordered_set<std::string> seen;
  for (size_t o = 0; o < order.size() && secrets.size() < kMaxSecrets; ++o) {
    const size_t i = order[o];
    const findings::Finding& f = findings[i];
    if (!f.facts.value("hmac_secret", false)) continue;
    for (std::string& k : KeysOf(f)) {
      if (seen.insert(k).second) secrets.emplace_back(std::move(k), i);
    }
  }

  for (size_t t : order) {
    findings::Finding& token = findings[t];
    if (token.category != "jwt" || token.facts.value("jwe", false)) continue;
    std::string alg = token.facts.value("alg", "");
    if (!IsHmacAlg(alg)) continue;

    std::optional<size_t> signer;
    bool weak = false;
    for (const auto& [key, index] : secrets) {
      if (VerifyHmacJwt(token.secret, alg, key)) {
        signer = index;
        break;
      }
    }
    if (!signer) {
      for (std::string_view w : WeakJwtSecrets()) {
        if (VerifyHmacJwt(token.secret, alg, w)) {
          weak = true;
          break;
        }
      }
    }
    if (!signer && !weak) continue;

    token.severity = Severity::kCritical;
    token.facts["forgeable"] = true;
    if (weak) {
      token.facts["weak_secret"] = true;
      token.message = token.description +
                      " signed with a well-known weak secret: anyone can mint valid tokens";
      continue;
    }
    findings::Finding& secret = findings[*signer];
    token.message = token.description +
                    " whose signing secret is in this repository: anyone can mint valid tokens";
    token.related.push_back(RelatedTo(secret, "the HMAC secret that signs this token"));
    secret.related.push_back(RelatedTo(token, "a token this secret signs"));
    secret.facts["signs_found_token"] = true;
    if (secret.severity < Severity::kCritical) secret.severity = Severity::kCritical;
  }
}

}  // namespace keyhole::analyze
