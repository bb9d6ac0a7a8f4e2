// Decoders: span finding and decoding (decode.h), and decoded findings through AnalyzeBlob
// with the real rules and Scanner.
#include "analyze/decode.h"

#include <gtest/gtest.h>

#include <random>

#include "analyze/base64.h"
#include "depth_test_util.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using testing::ScanWithDefaults;

std::string B64(std::string_view s, bool pad = true) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  if (i < s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    if (i + 1 < s.size()) v |= uint8_t(s[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : (pad ? '=' : '\0');
    if (pad) out += '=';
  }
  std::erase(out, '\0');
  return out;
}

const findings::Finding* Find(const std::vector<findings::Finding>& fs, std::string_view id) {
  for (const auto& f : fs) {
    if (f.rule_id == id) return &f;
  }
  return nullptr;
}

TEST(FindEncodedSpans, FindsBase64OfTextWithItsOffsets) {
  std::string enc = B64("postgres://app:Q7v2Lk9xRt4mWz@db.acme.internal/app");
  std::string text = "  DATABASE_URL: " + enc + "\n";
  auto spans = FindEncodedSpans(text, 0, text.size());
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, text.find(enc));
  EXPECT_EQ(spans[0].end, text.find(enc) + enc.size());
  EXPECT_EQ(spans[0].encoding, Encoding::kBase64);
  EXPECT_EQ(spans[0].decoded, "postgres://app:Q7v2Lk9xRt4mWz@db.acme.internal/app");
}

TEST(FindEncodedSpans, FindsRunsAtEveryAlignment) {
  // Runs are found by probing every min_span-th byte: a run must be found wherever it
  // starts, padding included ("cHJvZHVjdGlvbg==" is 14 alphabet bytes and 2 of padding).
  for (const std::string& plain :
       {std::string("production"), std::string("a longer line of plain text")}) {
    for (size_t shift = 0; shift < 20; ++shift) {
      std::string text = std::string(shift, ' ') + "v: " + B64(plain) + "\n";
      auto spans = FindEncodedSpans(text, 0, text.size());
      ASSERT_EQ(spans.size(), 1u) << plain << " shifted by " << shift;
      EXPECT_EQ(spans[0].decoded, plain);
      EXPECT_EQ(spans[0].begin, shift + 3);
    }
  }
}

TEST(FindEncodedSpans, BinaryGarbageIdentifiersAndJwtSegmentsAreSkipped) {
  std::mt19937 rng(7);
  std::string random_bytes;
  for (int i = 0; i < 48; ++i) random_bytes += static_cast<char>(rng() & 0xFF);
  std::string text = "digest: " + B64(random_bytes) + "\n" +
                     "const thisIsAVeryLongIdentifierName = getUserAuthenticationToken();\n" +
                     "token = eyJhbGciOiJIUzI1NiJ9." +
                     B64("{\"sub\":\"1234567890\",\"x\":1}", false) + ".abc\n";
  EXPECT_TRUE(FindEncodedSpans(text, 0, text.size()).empty());
}

TEST(FindEncodedSpans, DecodesPercentEncodedUrls) {
  std::string text = "redirect=https%3A%2F%2Fci%3AQ7v2Lk9xRt4mWz%40git.acme.io%2Frepo\n";
  auto spans = FindEncodedSpans(text, 0, text.size());
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].encoding, Encoding::kPercent);
  EXPECT_EQ(spans[0].decoded, "redirect=https://ci:Q7v2Lk9xRt4mWz@git.acme.io/repo");
}

TEST(FindEncodedSpans, StaysInsideTheRegionAndTheSpanLimit) {
  std::string one = B64("the quick brown fox jumps over it");
  std::string text;
  for (int i = 0; i < 10; ++i) text += "v" + std::to_string(i) + ": " + one + "\n";
  DecodeLimits limits;
  limits.max_spans = 3;
  EXPECT_EQ(FindEncodedSpans(text, 0, text.size(), limits).size(), 3u);
  size_t second_line = text.find('\n') + 1;
  auto spans = FindEncodedSpans(text, 0, second_line);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_LT(spans[0].end, second_line);
}

TEST(FindEncodedSpans, TotalDecodedBytesAreBounded) {
  std::string one = B64(std::string(300, 'a') + " padding text to decode");
  std::string text;
  for (int i = 0; i < 20; ++i) text += "v: " + one + "\n";
  DecodeLimits limits;
  limits.max_decoded_bytes = 1000;
  auto spans = FindEncodedSpans(text, 0, text.size(), limits);
  size_t total = 0;
  for (const auto& s : spans) total += s.decoded.size();
  EXPECT_LE(total, 1000u);
  EXPECT_EQ(spans.size(), 3u);
}

TEST(FindEncodedSpans, ShortRunsAreNotDecoded) {
  std::string text = "port: " + B64("5432") + "\nenv: " + B64("prod") + "\n";
  EXPECT_TRUE(FindEncodedSpans(text, 0, text.size()).empty());
}

TEST(IsText, AcceptsUtf8AndRejectsControlBytes) {
  EXPECT_TRUE(IsText("héllo wörld\n\ttab"));
  EXPECT_FALSE(IsText(std::string("abc\0def", 7)));
  EXPECT_FALSE(IsText("abc\xff"));
  EXPECT_FALSE(IsText("abc\x01"));
}

TEST(PercentDecode, DecodesEscapesOnly) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%20b%2Fc+d%zz", &out));
  EXPECT_EQ(out, "a b/c+d%zz");
  EXPECT_FALSE(PercentDecode("no escapes", &out));
}

// --- Through AnalyzeBlob -------------------------------------------------------------

std::string KubernetesSecret(const std::string& key, const std::string& value) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  " + key +
         ": " + B64(value) + "\n";
}

TEST(DecodedFindings, ProviderTokenInASecretIsReportedAtTheEncodedSpan) {
  std::string token = keyhole::testing::FakeGithubToken(3);
  std::string text = KubernetesSecret("VENDOR_TOKEN", token);
  auto fs = ScanWithDefaults(text, "k8s/secret.yaml");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  const auto& f = fs[0];
  EXPECT_EQ(f.secret, token);
  EXPECT_EQ(f.facts["encoding"], "base64");
  EXPECT_EQ(f.tags, std::vector<std::string>{"decoded"});
  EXPECT_EQ(f.location.start_line, 7u);
  EXPECT_EQ(f.location.start_column, 17u);  // "  VENDOR_TOKEN: " is 16 bytes
  EXPECT_EQ(f.location.end_column, 17u + B64(token).size());
  EXPECT_EQ(f.line.substr(f.line_secret_begin, f.line_secret_end - f.line_secret_begin),
            B64(token));
}

TEST(DecodedFindings, NothingIsDecodedWithoutAScanner) {
  std::string token = keyhole::testing::FakeGithubToken(3);
  for (const auto& f :
       ScanWithDefaults(KubernetesSecret("VENDOR_TOKEN", token), "k8s/secret.yaml", false)) {
    EXPECT_NE(f.secret, token);
    EXPECT_TRUE(f.tags.empty());
  }
}

TEST(DecodedFindings, TheKeyOfTheEncodedValueGivesItsContext) {
  std::string text = KubernetesSecret("DB_PASSWORD", "Zq8vH2uRx9LmT3nW");
  auto fs = ScanWithDefaults(text, "k8s/secret.yaml");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].secret, "Zq8vH2uRx9LmT3nW");
  EXPECT_EQ(fs[0].location.start_line, 7u);
}

TEST(DecodedFindings, PlaceholdersAndPlainWordsYieldNothing) {
  for (const std::string& v : {std::string("changeme-please-now"), std::string("production"),
                               std::string("your-api-key-here")}) {
    auto fs = ScanWithDefaults(KubernetesSecret("API_TOKEN", v), "k8s/secret.yaml");
    EXPECT_TRUE(fs.empty()) << v << ": " << testing::RuleIds(fs);
  }
}

TEST(DecodedFindings, RandomBase64YieldsNothing) {
  std::mt19937 rng(11);
  std::string text = "data:\n";
  for (int i = 0; i < 20; ++i) {
    std::string bytes;
    for (int k = 0; k < 32; ++k) bytes += static_cast<char>(rng() & 0xFF);
    text += "  blob" + std::to_string(i) + ": " + B64(bytes) + "\n";
  }
  auto fs = ScanWithDefaults(text, "k8s/config.yaml");
  EXPECT_TRUE(fs.empty()) << testing::RuleIds(fs);
}

TEST(DecodedFindings, NestedEncodingsAreDecodedToTheDepthLimit) {
  std::string token = keyhole::testing::FakeGithubToken(5);
  std::string text = "blob: " + B64(B64(token)) + "\n";
  auto two = ScanWithDefaults(text, "x.yaml", true, 2);
  ASSERT_EQ(two.size(), 1u) << testing::RuleIds(two);
  EXPECT_EQ(two[0].facts["encoding"], "base64+base64");
  EXPECT_TRUE(ScanWithDefaults(text, "x.yaml", true, 1).empty());
}

TEST(DecodedFindings, Base64WrappedPrivateKeyIsFound) {
  std::string pem =
      keyhole::testing::ReadFile(keyhole::testing::SourceDir() / "fixtures/keys/rsa_pkcs8.pem");
  ASSERT_FALSE(pem.empty());
  auto fs = ScanWithDefaults("data:\n  tls.key: " + B64(pem) + "\n", "k8s/tls.yaml");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "private-key");
  EXPECT_EQ(fs[0].location.start_line, 2u);
}

TEST(DecodedFindings, DockerConfigJsonInASecretIsDecodedTwice) {
  std::string auth = B64("robot:Q7v2Lk9xRt4mWz3p");
  std::string json = "{\"auths\":{\"registry.acme.io\":{\"auth\":\"" + auth + "\"}}}";
  auto fs = ScanWithDefaults(KubernetesSecret(".dockerconfigjson", json), "k8s/pull-secret.yaml");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "docker-config-auth");
  EXPECT_EQ(fs[0].facts["username"], "robot");
  EXPECT_EQ(fs[0].location.start_line, 7u);
}

TEST(DecodedFindings, PercentEncodedPasswordInAUrlIsFound) {
  std::string text = "next = \"https%3A%2F%2Fci%3AQ7v2Lk9xRt4mWz%40git.acme.io%2Frepo\"\n";
  auto fs = ScanWithDefaults(text, "app/config.py");
  const auto* f = Find(fs, "generic-password-in-url");
  ASSERT_NE(f, nullptr) << testing::RuleIds(fs);
  EXPECT_EQ(f->facts["encoding"], "percent");
}

}  // namespace
}  // namespace keyhole::analyze
