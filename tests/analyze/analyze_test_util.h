// Test helpers for analyze/: a naive reference scanner (every rule's RE2 over the whole
// text, honouring `path`) so AnalyzeBlob can be tested on real rule files before the
// Vectorscan scanner is wired in, and small builders for tokens.
#pragma once

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "core/blob.h"
#include "rules/embedded.h"
#include "scan/scanner.h"

#include <toml++/toml.h>

namespace keyhole::analyze::testing {

inline RE2::Options ReOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

// A minimal reader for the fields of keyhole rule files that analyze/ looks at (the real
// loader lives in rules/; this keeps analyze/'s tests independent of it).
inline rules::RuleSet ParseRules(std::string_view text, std::string_view name) {
  rules::RuleSet set;
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    ADD_FAILURE() << name << ": " << e.description();
    return set;
  }
  toml::array* arr = doc["rules"].as_array();
  if (arr == nullptr) return set;
  auto strings = [](toml::node_view<toml::node> v) {
    std::vector<std::string> out;
    if (auto* a = v.as_array()) {
      for (auto& e : *a) out.push_back(e.value_or(std::string()));
    }
    return out;
  };
  for (auto& node : *arr) {
    toml::table& t = *node.as_table();
    rules::Rule r;
    r.id = t["id"].value_or(std::string());
    r.description = t["description"].value_or(std::string());
    r.category = t["category"].value_or(std::string("generic"));
    r.severity = ParseSeverity(t["severity"].value_or(std::string("medium"))).value_or(Severity::kMedium);
    r.regex = t["regex"].value_or(std::string());
    r.secret_group = static_cast<int>(t["secretGroup"].value_or(int64_t{0}));
    r.keywords = strings(t["keywords"]);
    r.entropy = t["entropy"].value_or(0.0);
    r.path = t["path"].value_or(std::string());
    r.analyzer = t["analyzer"].value_or(std::string());
    r.examples = strings(t["examples"]);
    r.negative_examples = strings(t["negative_examples"]);
    r.tags = strings(t["tags"]);
    r.source_file = std::string(name);
    set.rules.push_back(std::move(r));
  }
  return set;
}

// example_path of a rule (the real loader has a field for it on main).
inline std::string ExamplePath(std::string_view text, const std::string& id) {
  toml::table doc = toml::parse(text);
  if (auto* arr = doc["rules"].as_array()) {
    for (auto& node : *arr) {
      toml::table& t = *node.as_table();
      if (t["id"].value_or(std::string()) == id) return t["example_path"].value_or(std::string());
    }
  }
  return {};
}

// The rule files analyze/ owns.
inline bool IsAnalyzeRuleFile(std::string_view name) {
  return name == "jwt.toml" || name == "keys.toml" || name == "signing-secrets.toml" ||
         name == "frontend.toml";
}

inline std::vector<scan::Match> NaiveScan(const rules::RuleSet& set, std::string_view data,
                                          std::string_view path) {
  std::vector<scan::Match> out;
  for (size_t i = 0; i < set.rules.size(); ++i) {
    const rules::Rule& rule = set.rules[i];
    if (rule.regex.empty()) continue;
    if (!rule.path.empty()) {
      RE2 path_re(rule.path, ReOptions());
      if (!RE2::PartialMatch(path, path_re)) continue;
    }
    RE2 re(rule.regex, ReOptions());
    if (!re.ok()) continue;
    std::vector<re2::StringPiece> g(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
    size_t pos = 0;
    while (pos <= data.size() &&
           re.Match(data, pos, data.size(), RE2::UNANCHORED, g.data(), static_cast<int>(g.size()))) {
      scan::Match m;
      m.rule_index = i;
      m.match_begin = static_cast<size_t>(g[0].data() - data.data());
      m.match_end = m.match_begin + g[0].size();
      size_t sg = static_cast<size_t>(rule.secret_group);
      if (sg >= g.size() || g[sg].data() == nullptr) sg = 0;
      m.secret_begin = static_cast<size_t>(g[sg].data() - data.data());
      m.secret_end = m.secret_begin + g[sg].size();
      out.push_back(m);
      pos = m.match_end > pos ? m.match_end : pos + 1;
    }
  }
  std::sort(out.begin(), out.end(), [](const scan::Match& a, const scan::Match& b) {
    return a.secret_begin != b.secret_begin ? a.secret_begin < b.secret_begin
                                            : a.rule_index < b.rule_index;
  });
  return out;
}

// The embedded rules of analyze/'s own rule files, loaded once.
inline const rules::RuleSet& Defaults() {
  static const rules::RuleSet* set = [] {
    auto* all = new rules::RuleSet;
    for (size_t i = 0; i < rules::kEmbeddedRuleFileCount; ++i) {
      const rules::EmbeddedFile& f = rules::kEmbeddedRuleFiles[i];
      if (!IsAnalyzeRuleFile(f.name)) continue;
      rules::RuleSet one = ParseRules(f.text, f.name);
      for (auto& r : one.rules) all->rules.push_back(std::move(r));
    }
    return all;
  }();
  return *set;
}

// Scans `text` as the file `path` with the default rules and analyzes it.
inline std::vector<findings::Finding> AnalyzeText(const std::string& text, const std::string& path,
                                                  const AnalyzeOptions& options = {}) {
  Blob blob(Origin{path, "", std::nullopt}, text);
  std::vector<findings::Finding> out;
  AnalyzeBlob(blob, Defaults(), NaiveScan(Defaults(), blob.bytes(), path), options, &out);
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
