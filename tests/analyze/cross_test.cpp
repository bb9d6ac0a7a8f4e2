// Forgeable tokens: HS* JWTs whose signature verifies with a secret found in the scan or
// with a well-known weak secret.
#include <gtest/gtest.h>

#include <ctime>

#include "analyze/analyze.h"
#include "analyze_test_util.h"

namespace keyhole::analyze {
namespace {

using testing::AnalyzeText;
using testing::Hs;
using testing::OfRule;

std::string Claims() {
  return "{\"sub\":\"u-7\",\"exp\":" + std::to_string(std::time(nullptr) + 3600) + "}";
}

std::vector<findings::Finding> Scan(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<findings::Finding> all;
  for (const auto& [path, text] : files) {
    auto fs = AnalyzeText(text, path);
    all.insert(all.end(), fs.begin(), fs.end());
  }
  CrossAnalyze(all);
  return all;
}

TEST(CrossAnalyze, TokenSignedWithASecretFoundElsewhereIsForgeableAndLinked) {
  const std::string secret = "Qm9w-fixture-hmac-7f3a";
  std::string token = Hs(Claims(), secret);
  auto all = Scan({{"server/config.js", "const JWT_SECRET = \"" + secret + "\";\n"},
                   {"scripts/call.sh", "curl -H \"Authorization: Bearer " + token + "\" https://x\n"}});
  auto tokens = OfRule(all, "jwt");
  auto secrets = OfRule(all, "signing-secret-assignment");
  ASSERT_EQ(tokens.size(), 1u);
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(tokens[0].severity, Severity::kCritical);
  EXPECT_EQ(tokens[0].facts["forgeable"], true);
  EXPECT_NE(tokens[0].message.find("anyone can mint valid tokens"), std::string::npos);
  ASSERT_EQ(tokens[0].related.size(), 1u);
  EXPECT_EQ(tokens[0].related[0].path, "server/config.js");
  EXPECT_EQ(tokens[0].related[0].location.start_line, 1u);
  ASSERT_EQ(secrets[0].related.size(), 1u);
  EXPECT_EQ(secrets[0].related[0].path, "scripts/call.sh");
  EXPECT_EQ(tokens[0].message.find(secret), std::string::npos);
}

// Worker threads hand findings over in any order; the links must not depend on it. The
// secret occurs in two files and signs two tokens, all given in reverse report order:
// each token links the secret's first occurrence in report order, and that occurrence
// lists the tokens in report order.
TEST(CrossAnalyze, LinksFollowReportOrderNotArrivalOrder) {
  const std::string secret = "Zx81-fixture-hmac-c0de";
  std::string token1 = Hs(Claims(), secret), token2 = Hs("{\"sub\":\"u-8\"}", secret);
  auto all = Scan({{"z/call.sh", "curl -H \"Authorization: Bearer " + token2 + "\" https://x\n"},
                   {"y/call.sh", "curl -H \"Authorization: Bearer " + token1 + "\" https://x\n"},
                   {"b/config.js", "const JWT_SECRET = \"" + secret + "\";\n"},
                   {"a/config.js", "const JWT_SECRET = \"" + secret + "\";\n"}});
  auto tokens = OfRule(all, "jwt");
  ASSERT_EQ(tokens.size(), 2u);
  for (const auto& t : tokens) {
    ASSERT_EQ(t.related.size(), 1u) << t.path;
    EXPECT_EQ(t.related[0].path, "a/config.js") << t.path;
  }
  auto secrets = OfRule(all, "signing-secret-assignment");
  ASSERT_EQ(secrets.size(), 2u);
  for (const auto& s : secrets) {
    if (s.path != "a/config.js") {
      EXPECT_TRUE(s.related.empty()) << s.path;
      continue;
    }
    ASSERT_EQ(s.related.size(), 2u);
    EXPECT_EQ(s.related[0].path, "y/call.sh");
    EXPECT_EQ(s.related[1].path, "z/call.sh");
  }
}

TEST(CrossAnalyze, TokenSignedWithAWeakSecretIsForgeable) {
  for (std::string alg : {"HS256", "HS384", "HS512"}) {
    auto all = Scan({{"a.txt", "token: " + Hs(Claims(), "your-256-bit-secret", alg) + "\n"}});
    auto tokens = OfRule(all, "jwt");
    ASSERT_EQ(tokens.size(), 1u) << alg;
    EXPECT_EQ(tokens[0].facts["forgeable"], true) << alg;
    EXPECT_EQ(tokens[0].facts["weak_secret"], true) << alg;
    EXPECT_EQ(tokens[0].severity, Severity::kCritical) << alg;
  }
}

TEST(CrossAnalyze, Hs512TokenVerifiesAgainstFoundSecret) {
  const std::string secret = "hs512-fixture-secret-0a1b2c3d4e5f";
  auto all = Scan({{"server/.env", "JWT_SECRET=" + secret + "\n"},
                   {"a.txt", "token: " + Hs(Claims(), secret, "HS512") + "\n"}});
  auto tokens = OfRule(all, "jwt");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].facts["forgeable"], true);
  EXPECT_FALSE(tokens[0].facts.contains("weak_secret"));
}

TEST(CrossAnalyze, TokenWithAnUnknownSecretIsNotForgeable) {
  auto all = Scan({{"server/config.js", "const JWT_SECRET = \"some-other-secret-991\";\n"},
                   {"a.txt", "token: " + Hs(Claims(), "the-real-key-not-in-repo") + "\n"}});
  auto tokens = OfRule(all, "jwt");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_FALSE(tokens[0].facts.contains("forgeable"));
  EXPECT_EQ(tokens[0].severity, Severity::kHigh);
  EXPECT_TRUE(tokens[0].related.empty());
}

}  // namespace
}  // namespace keyhole::analyze
