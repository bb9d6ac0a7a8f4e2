#include "analyze/checksum.h"

#include <string>

#include <gtest/gtest.h>
#include <zlib.h>

#include "analyze/analyze.h"
#include "analyze/analyzer.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using keyhole::testing::FakeGithubToken;
using keyhole::testing::RandomAlnum;

std::string Base64Url(const std::string& bytes) {
  static const char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kChars[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kChars[(acc << (6 - bits)) & 63];
  return out;
}

// A macaroon v2 with the given location: header, one caveat, signature.
std::string FakePypiToken(const std::string& location, unsigned seed) {
  std::string m(1, '\x02');
  auto field = [&m](int type, const std::string& data) {
    m += static_cast<char>(type);
    m += static_cast<char>(data.size());
    m += data;
  };
  field(1, location);
  field(2, RandomAlnum(seed, 60));
  m += '\0';
  field(2, "{\"version\": 1, \"permissions\": \"user\"}");
  m += '\0';
  m += '\0';
  field(6, RandomAlnum(seed + 1, 32));
  return "pypi-" + Base64Url(m);
}

// Runs analyzer `name` on `secret`; returns its verdict.
Verdict RunAnalyzer(const char* name, const std::string& secret) {
  AnalyzerFn fn = FindAnalyzer(name);
  EXPECT_NE(fn, nullptr) << name;
  if (fn == nullptr) return Verdict::kKeep;
  rules::Rule rule;
  findings::Finding finding;
  Candidate c{rule, secret, secret, "config.yml", secret, 0, finding};
  return fn(c);
}

TEST(Crc32, MatchesZlib) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::string s = RandomAlnum(seed, 1 + seed * 3);
    EXPECT_EQ(Crc32(s), static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(s.data()),
                                                     static_cast<uInt>(s.size()))));
  }
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(Base62, PadsToWidth) {
  EXPECT_EQ(Base62(0, 6), "000000");
  EXPECT_EQ(Base62(61, 6), "00000z");
  EXPECT_EQ(Base62(62, 2), "10");
}

TEST(GithubChecksum, AcceptsGeneratedTokens) {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    std::string t = FakeGithubToken(seed);
    EXPECT_TRUE(HasValidCrc32Suffix(t)) << t;
    EXPECT_EQ(RunAnalyzer("github-checksum", t), Verdict::kKeep);
  }
}

TEST(GithubChecksum, RejectsOneChangedCharacter) {
  std::string t = FakeGithubToken(7);
  t[10] = t[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(HasValidCrc32Suffix(t));
  EXPECT_EQ(RunAnalyzer("github-checksum", t), Verdict::kDrop);
}

TEST(GithubChecksum, RejectsRandomLookalike) {
  std::string t = "ghp_" + RandomAlnum(99, 36);
  EXPECT_EQ(RunAnalyzer("github-checksum", t), Verdict::kDrop);
}

TEST(GithubChecksum, AppliesToOtherGithubPrefixes) {
  std::string body = FakeGithubToken(3).substr(4);
  EXPECT_EQ(RunAnalyzer("github-checksum", "gho_" + body), Verdict::kKeep);
  EXPECT_EQ(RunAnalyzer("github-checksum", "ghs_" + body), Verdict::kKeep);
  EXPECT_EQ(RunAnalyzer("github-checksum", "ghs_" + RandomAlnum(5, 36)), Verdict::kDrop);
}

TEST(GithubChecksum, KeepsFormatsWithoutKnownChecksum) {
  std::string fine_grained = "github_pat_" + RandomAlnum(1, 22) + "_" + RandomAlnum(2, 59);
  EXPECT_EQ(RunAnalyzer("github-checksum", fine_grained), Verdict::kKeep);
}

TEST(NpmChecksum, AcceptsValidAndRejectsInvalid) {
  std::string good = "npm_" + FakeGithubToken(11).substr(4);
  EXPECT_EQ(RunAnalyzer("npm-checksum", good), Verdict::kKeep);
  EXPECT_EQ(RunAnalyzer("npm-checksum", "npm_" + RandomAlnum(12, 36)), Verdict::kDrop);
}

TEST(PypiMacaroon, AcceptsPypiAndTestPypi) {
  std::string t = FakePypiToken("pypi.org", 1);
  EXPECT_EQ(t.rfind("pypi-AgEIcHlwaS5vcmc", 0), 0u) << t;
  EXPECT_TRUE(IsPypiMacaroon(t));
  EXPECT_TRUE(IsPypiMacaroon(FakePypiToken("test.pypi.org", 2)));
  EXPECT_EQ(RunAnalyzer("pypi-macaroon", t), Verdict::kKeep);
}

TEST(PypiMacaroon, RejectsOtherLocationsAndGarbage) {
  EXPECT_FALSE(IsPypiMacaroon(FakePypiToken("evil.example", 3)));
  EXPECT_FALSE(IsPypiMacaroon("pypi-AgEIcHlwaS5vcmc"));  // no identifier
  EXPECT_EQ(RunAnalyzer("pypi-macaroon", "pypi-" + RandomAlnum(4, 120)), Verdict::kDrop);
}

TEST(Bech32, ValidatesChecksum) {
  // BIP-173 test vectors.
  EXPECT_TRUE(IsValidBech32("A12UEL5L"));
  EXPECT_TRUE(IsValidBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
  EXPECT_FALSE(IsValidBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"));
  EXPECT_FALSE(IsValidBech32("A12uEL5L"));  // mixed case
}

TEST(AgeBech32, RejectsRandomAgeLookalike) {
  static const char kCharset[] = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
  std::string body;
  for (char ch : RandomAlnum(8, 58)) body += kCharset[static_cast<unsigned char>(ch) % 32];
  EXPECT_EQ(RunAnalyzer("age-bech32", "AGE-SECRET-KEY-1" + body), Verdict::kDrop);
}

TEST(Base64Json, AcceptsSentryAndGrafanaShapes) {
  std::string payload = Base64Url(R"({"iat":1700000000,"url":"https://sentry.io","org":"acme"})");
  std::string sentry = "sntrys_" + payload + "_" + RandomAlnum(9, 43);
  EXPECT_EQ(RunAnalyzer("base64-json", sentry), Verdict::kKeep);
  std::string grafana = "glc_" + Base64Url(R"({"o":"1","n":"ci","k":"abc","m":{"r":"us"}})");
  EXPECT_EQ(RunAnalyzer("base64-json", grafana), Verdict::kKeep);
}

TEST(Base64Json, RejectsNonJsonPayload) {
  EXPECT_EQ(RunAnalyzer("base64-json", "glc_" + RandomAlnum(10, 80)), Verdict::kDrop);
  EXPECT_EQ(RunAnalyzer("base64-json", "sntrys_eyJ" + RandomAlnum(11, 40) + "_abc"), Verdict::kDrop);
}

TEST(AnalyzerRegistry, KnowsChecksumAnalyzers) {
  for (const char* n : {"github-checksum", "npm-checksum", "pypi-macaroon", "age-bech32",
                        "base64-json"})
    EXPECT_TRUE(IsKnownAnalyzer(n)) << n;
}

}  // namespace
}  // namespace keyhole::analyze
