#include "findings/finding.h"

#include <gtest/gtest.h>

#include "findings/filter.h"

namespace keyhole::findings {
namespace {

TEST(Fingerprint, DependsOnRulePathSecretNotLine) {
  std::string a = Fingerprint("jwt", "a.js", "eyJx");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, Fingerprint("jwt", "a.js", "eyJx"));
  EXPECT_NE(a, Fingerprint("jwt", "b.js", "eyJx"));
  EXPECT_NE(a, Fingerprint("aws", "a.js", "eyJx"));
  EXPECT_NE(a, Fingerprint("jwt", "a.js", "eyJy"));
}

TEST(Redact, ShowsAtMostAQuarter) {
  std::string secret = "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string r = Redact(secret);
  EXPECT_EQ(r, "ghp_…(40)");
  EXPECT_EQ(Redact("abc"), "…(3)");
  EXPECT_EQ(r.find("ABCD"), std::string::npos);
}

TEST(SecretHash, SaltedAndStable) {
  EXPECT_EQ(SecretHash("x"), SecretHash("x"));
  EXPECT_NE(SecretHash("x"), SecretHash("y"));
  EXPECT_EQ(SecretHash("x").size(), 64u);
}

TEST(Sort, ByPathLineColumnRule) {
  std::vector<Finding> v(3);
  v[0].path = "b"; v[1].path = "a"; v[1].location.start_line = 5; v[2].path = "a"; v[2].location.start_line = 2;
  SortFindings(v);
  EXPECT_EQ(v[0].path, "a");
  EXPECT_EQ(v[0].location.start_line, 2u);
  EXPECT_EQ(v[2].path, "b");
}

TEST(InlineAllow, AllMarkers) {
  EXPECT_TRUE(InlineAllowed("key = 'x' # keyhole:allow", ""));
  EXPECT_TRUE(InlineAllowed("key = 'x' // gitleaks:allow", ""));
  EXPECT_TRUE(InlineAllowed("key = 'x' # pragma: allowlist secret", ""));
  EXPECT_TRUE(InlineAllowed("key = 'x'", "# keyhole:allow-next-line"));
  EXPECT_TRUE(InlineAllowed("key = 'x'", "# pragma: allowlist nextline secret"));
  EXPECT_FALSE(InlineAllowed("key = 'x'", ""));
  EXPECT_FALSE(InlineAllowed("key = 'x' # keyhole:allow-next-line", ""));
  EXPECT_FALSE(InlineAllowed("key = 'x'", "# keyhole:allow"));
}

}  // namespace
}  // namespace keyhole::findings
