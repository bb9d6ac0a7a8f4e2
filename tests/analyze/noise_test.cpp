#include "analyze/noise.h"

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using keyhole::testing::FakeGithubToken;
using keyhole::testing::RandomAlnum;

rules::Rule MakeRule(const std::string& category, std::vector<std::string> keywords = {}) {
  rules::Rule r;
  r.id = category + "-rule";
  r.category = category;
  r.keywords = std::move(keywords);
  return r;
}

TEST(IsNoise, GenericHexDigestsAndUuidsAreNoise) {
  rules::Rule generic = MakeRule("generic", {"secret"});
  std::string sha1 = "3f786850e387550fdab836ed7e6dc881de23001b";
  EXPECT_TRUE(IsNoise(generic, sha1, "secret_rev = \"" + sha1 + "\"", "src/a.py"));
  std::string uuid = "123e4567-e89b-42d3-a456-426614174000";
  EXPECT_TRUE(IsNoise(generic, uuid, "secret_id = '" + uuid + "'", "src/a.py"));
  std::string short_commit = "3f786850e3875";
  EXPECT_TRUE(IsNoise(generic, short_commit, "secret commit " + short_commit, "a.txt"));
}

TEST(IsNoise, GenericNamedDigestIsNoise) {
  // A wheel RECORD line: `auth.py` is the name, `sha256=<digest>` the value.
  rules::Rule generic = MakeRule("generic", {"auth"});
  std::string v = "sha256=" + RandomAlnum(5, 43);
  EXPECT_TRUE(IsNoise(generic, v, "pkg/auth.py," + v + ",2158", "pkg.dist-info/RECORD"));
}

TEST(IsNoise, GenericIdentifierValueIsNoise) {
  rules::Rule generic = MakeRule("generic", {"token"});
  EXPECT_TRUE(IsNoise(generic, "TKTokenDriverConfiguration",
                      "TOKENS = {'TKTokenDriverConfiguration', 'TKTokenKeyAlgorithm'}", "a.py"));
}

TEST(IsNoise, GenericRandomLettersAreNotNoise) {
  rules::Rule generic = MakeRule("generic", {"key"});
  EXPECT_FALSE(IsNoise(generic, "OHXGaQZ_UVqMmedZMHYLoQWe", "access_key: OHXGaQZ_UVqMmedZMHYLoQWe",
                       "values.yaml"));
}

TEST(IsNoise, GenericRandomSecretIsNotNoise) {
  rules::Rule generic = MakeRule("generic", {"secret"});
  std::string s = RandomAlnum(3, 32);
  EXPECT_FALSE(IsNoise(generic, s, "client_secret = \"" + s + "\"", "src/app.py"));
}

TEST(IsNoise, ProviderContextRuleKeepsHexSecrets) {
  // "twilio auth token = <32 hex>": the rule's context says the hex value is the secret.
  rules::Rule twilio = MakeRule("provider", {"twilio"});
  std::string hex = "0f3a9c1d7e5b2a4c6d8e0f1a3b5c7d9e";
  EXPECT_FALSE(IsNoise(twilio, hex, "TWILIO_AUTH_TOKEN=" + hex, "config/.env"));
}

TEST(IsNoise, LockfilesSilenceContextRulesButNotPrefixedTokens) {
  rules::Rule generic = MakeRule("generic", {"token"});
  std::string v = RandomAlnum(5, 40);
  EXPECT_TRUE(IsNoise(generic, v, "  token: " + v, "web/package-lock.json"));
  EXPECT_TRUE(IsNoise(generic, v, "token " + v, "go.sum"));
  EXPECT_TRUE(IsNoise(generic, v, "token " + v, "Cargo.lock"));
  rules::Rule github = MakeRule("provider", {"ghp_"});
  std::string gh = FakeGithubToken(5);
  EXPECT_FALSE(IsNoise(github, gh, "\"token\": \"" + gh + "\"", "package-lock.json"));
}

TEST(IsNoise, IntegrityHashesAreNoiseForEveryRule) {
  rules::Rule aws = MakeRule("provider", {"akia"});
  std::string line =
      "<script src=\"x.js\" integrity=\"sha384-oqVuAfXRKAKIAZ2ABCDEFGHIJKLMNOPq8Jx3n+1Cqk\">";
  EXPECT_TRUE(IsNoise(aws, "AKIAZ2ABCDEFGHIJKLMN", line, "index.html"));
  rules::Rule generic = MakeRule("generic", {"key"});
  std::string b64 = "oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K";
  EXPECT_TRUE(IsNoise(generic, b64, "\"integrity\": \"sha512-" + b64 + "\"", "x.json"));
}

TEST(IsNoise, DataUrisAreNoise) {
  rules::Rule aws = MakeRule("provider", {"akia"});
  std::string line = "background: url(data:image/png;base64,iVBORw0KGgoAKIAZ2ABCDEFGHIJKLMNxyz);";
  EXPECT_TRUE(IsNoise(aws, "AKIAZ2ABCDEFGHIJKLMN", line, "style.css"));
  std::string img = "<img src=\"data:image/png;base64,iVBORAKIAZ2ABCDEFGHIJKLMNw0KGgo\">";
  EXPECT_TRUE(IsNoise(aws, "AKIAZ2ABCDEFGHIJKLMN", img, "index.html"));
}

TEST(IsNoise, PrefixedTokenOnOrdinaryLineIsNotNoise) {
  rules::Rule aws = MakeRule("provider", {"akia"});
  EXPECT_FALSE(IsNoise(aws, "AKIAZ2ABCDEFGHIJKLMN", "aws_access_key_id = AKIAZ2ABCDEFGHIJKLMN",
                       "deploy/credentials"));
}

TEST(IsNoise, VendoredMinifiedBundlesSilenceContextRules) {
  rules::Rule generic = MakeRule("generic", {"apikey"});
  std::string v = RandomAlnum(8, 32);
  std::string line = "var apiKey=\"" + v + "\";";
  EXPECT_TRUE(IsNoise(generic, v, line, "static/vendor/jquery.min.js"));
  EXPECT_TRUE(IsNoise(generic, v, line, "node_modules/lib/dist/lib.js.map"));
  // The project's own code is not vendored: still reported.
  EXPECT_FALSE(IsNoise(generic, v, line, "src/app.js"));
  rules::Rule stripe = MakeRule("provider", {"sk_live_"});
  std::string key = "sk_live_" + RandomAlnum(9, 24);
  EXPECT_FALSE(IsNoise(stripe, key, "k=\"" + key + "\"", "vendor/x.min.js"));
}

}  // namespace
}  // namespace keyhole::analyze
