#include "analyze/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>
#include <string>
#include <vector>

#include "analyze/analyzers.h"
#include "analyze/base64.h"
#include "core/text.h"

namespace keyhole::analyze {

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find(sep, start);
    if (dot == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, dot - start));
    start = dot + 1;
    if (parts.size() > 5) return parts;  // already too many for a JWT
  }
}

nlohmann::json ParseObject(std::string_view segment) {
  std::optional<std::string> bytes = Base64UrlDecode(segment);
  if (!bytes) return nullptr;
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return nullptr;
  return j;
}

// Copies `key` from `from` to `to` when it is a string or a number (or, for aud, an array).
void CopyFact(const nlohmann::json& from, const char* key, nlohmann::json& to) {
  auto it = from.find(key);
  if (it == from.end()) return;
  if (it->is_string() || it->is_number() || it->is_boolean()) {
    to[key] = *it;
  } else if (it->is_array()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& v : *it) {
      if (v.is_string() && arr.size() < 16) arr.push_back(v);
    }
    to[key] = arr;
  }
}

const EVP_MD* HmacDigest(std::string_view alg) {
  if (alg == "HS256") return EVP_sha256();
  if (alg == "HS384") return EVP_sha384();
  if (alg == "HS512") return EVP_sha512();
  return nullptr;
}

}  // namespace

std::optional<DecodedJwt> DecodeJwt(std::string_view token) {
  std::vector<std::string_view> parts = Split(token, '.');
  if (parts.size() != 3 && parts.size() != 5) return std::nullopt;
  for (std::string_view p : parts) {
    if (p.size() > kMaxJwtSegment) return std::nullopt;
  }
  DecodedJwt d;
  d.jwe = parts.size() == 5;
  d.header = ParseObject(parts[0]);
  if (d.header.is_null()) return std::nullopt;
  auto alg = d.header.find("alg");
  if (alg == d.header.end() || !alg->is_string()) return std::nullopt;
  if (!d.jwe) {
    d.payload = ParseObject(parts[1]);
    d.signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
    d.signature = parts[2];
  }
  return d;
}

bool VerifyHmacJwt(std::string_view token, std::string_view alg, std::string_view key) {
  const EVP_MD* md = HmacDigest(alg);
  if (md == nullptr) return false;
  size_t last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  std::string_view input = token.substr(0, last_dot);
  std::optional<std::string> sig = Base64UrlDecode(token.substr(last_dot + 1));
  if (!sig) return false;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
           &mac_len) == nullptr) {
    return false;
  }
  if (sig->size() != mac_len) return false;
  return CRYPTO_memcmp(mac, sig->data(), mac_len) == 0;
}

Verdict AnalyzeJwt(Candidate& c) {
  std::optional<DecodedJwt> d = DecodeJwt(c.secret);
  if (!d) return Verdict::kDrop;
  findings::Finding& f = c.finding;
  nlohmann::json& facts = f.facts;
  for (const char* k : {"alg", "typ", "kid", "enc", "cty"}) CopyFact(d->header, k, facts);
  facts["jwe"] = d->jwe;
  std::string alg = d->header["alg"].get<std::string>();
  if (alg.size() > 32) alg = alg.substr(0, 32) + "...";  // hostile headers stay out of messages
  std::vector<std::string> notes;
  notes.push_back(d->jwe ? "encrypted (JWE), alg " + alg : "alg " + alg);

  bool alg_none = AsciiLower(alg) == "none";
  if (alg_none) {
    facts["alg_none"] = true;
    notes.push_back("unsigned (alg none): anyone can forge one");
  }

  if (d->payload.is_object()) {
    const nlohmann::json& p = d->payload;
    for (const char* k : {"iss", "sub", "aud", "iat", "exp", "role"}) CopyFact(p, k, facts);
    auto exp = p.find("exp");
    if (exp != p.end() && exp->is_number()) {
      bool expired = exp->get<double>() < static_cast<double>(std::time(nullptr));
      facts["expired"] = expired;
      if (expired) {
        f.severity = Lower(f.severity);
        notes.push_back("expired");
      }
    } else {
      facts["expired"] = false;
      f.severity = Raise(f.severity);
      notes.push_back("never expires (no exp claim)");
    }
    // Supabase project keys are JWTs whose role claim says what they can do.
    auto role = p.find("role");
    auto iss = p.find("iss");
    bool supabase = (iss != p.end() && iss->is_string() && iss->get<std::string>() == "supabase") ||
                    p.contains("ref");
    if (supabase && role != p.end() && role->is_string()) {
      facts["supabase"] = true;
      std::string r = role->get<std::string>();
      if (r == "service_role") {
        f.severity = Severity::kCritical;
        f.message = "Supabase service_role key: bypasses row-level security and grants full "
                    "database access";
        return Verdict::kKeep;
      }
      if (r == "anon") {
        f.severity = Severity::kInfo;
        facts["publishable"] = true;
        f.message = "Supabase anon key: publishable by design (access is governed by row-level "
                    "security)";
        return Verdict::kKeep;
      }
    }
  }

  // Whatever else lowered it: an unsigned token is accepted by a misconfigured verifier.
  if (alg_none && f.severity < Severity::kHigh) f.severity = Severity::kHigh;
  std::string msg = f.description + " (";
  for (size_t i = 0; i < notes.size(); ++i) {
    if (i) msg += "; ";
    msg += notes[i];
  }
  msg += ")";
  f.message = msg;
  return Verdict::kKeep;
}

}  // namespace keyhole::analyze
