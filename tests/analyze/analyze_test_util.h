// Test helpers for analyze/: scan a text with the real scanner and default rules and
// analyze it; small builders for tokens.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "core/blob.h"
#include "rules/loader.h"
#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace keyhole::analyze::testing {

// The default rules (every embedded rule file), loaded once.
inline const rules::RuleSet& Defaults() {
  static const rules::RuleSet* set = [] {
    Result<rules::RuleSet> r = rules::DefaultRules();
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      return new rules::RuleSet;
    }
    return new rules::RuleSet(std::move(r).value());
  }();
  return *set;
}

// Scans `text` as the file `path` with the real scanner and the default rules, then
// analyzes it (as one blob of a scan, before CrossAnalyze), applying the rules' allowlists
// unless `options` brings its own.
inline std::vector<findings::Finding> AnalyzeText(const std::string& text, const std::string& path,
                                                  AnalyzeOptions options = {}) {
  static const findings::AllowlistFilter* filter = [] {
    auto built = findings::AllowlistFilter::Build(Defaults());
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    return built.ok() ? std::move(built).value().release() : nullptr;
  }();
  if (options.allowlist == nullptr) options.allowlist = filter;
  static const scan::RuleDatabase* db = [] {
    auto built = scan::RuleDatabase::Build(Defaults());
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    return built.ok() ? std::move(built).value().release() : nullptr;
  }();
  std::vector<findings::Finding> out;
  if (db == nullptr) return out;
  scan::Scanner scanner(*db);
  std::vector<scan::Match> matches;
  EXPECT_TRUE(scanner.Scan(text, path, &matches).ok());
  Blob blob(Origin{path, "", std::nullopt}, text);
  AnalyzeBlob(blob, Defaults(), matches, options, &out);
  return out;
}

inline std::vector<findings::Finding> OfRule(const std::vector<findings::Finding>& all,
                                             const std::string& rule_id) {
  std::vector<findings::Finding> out;
  for (const auto& f : all) {
    if (f.rule_id == rule_id) out.push_back(f);
  }
  return out;
}

}  // namespace keyhole::analyze::testing

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace keyhole::analyze::testing {

inline std::string B64Url(std::string_view in) {
  static constexpr char kAlpha[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlpha[(v >> (6 * k)) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
    out.push_back(kAlpha[(v >> 6) & 63]);
  }
  return out;
}

// A compact JWS with `header` and `payload` (JSON text), HMAC-signed with `key` when the
// header's alg is HS256/384/512 (`alg` picks the digest), else with a fixed fake signature.
inline std::string MintJwt(const std::string& header, const std::string& payload,
                           const std::string& key = "fixture-key-not-secret",
                           const std::string& alg = "HS256") {
  std::string input = B64Url(header) + "." + B64Url(payload);
  const EVP_MD* md = alg == "HS384" ? EVP_sha384() : alg == "HS512" ? EVP_sha512() : EVP_sha256();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

inline std::string Hs(const std::string& payload, const std::string& key,
                      const std::string& alg = "HS256") {
  return MintJwt("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", payload, key, alg);
}

}  // namespace keyhole::analyze::testing
