#include <gtest/gtest.h>

#include "analyze/base64.h"
#include "report/mask.h"
#include "report/report_util.h"
#include "support/test_util.h"
#include "report/reporter.h"

namespace keyhole::report {
namespace {

TEST(MaskedSnippet, ReplacesSecretWithPreview) {
  std::string line = "key = \"ABCDEFGHIJKLMNOP\";";
  EXPECT_EQ(MaskedSnippet(line, 7, 23, false), "key = \"ABCD…(16)\";");
}

TEST(MaskedSnippet, ShowSecretsKeepsTheSecret) {
  std::string line = "key = \"ABCDEFGHIJKLMNOP\";";
  EXPECT_EQ(MaskedSnippet(line, 7, 23, true), line);
}

TEST(MaskedSnippet, EscapesControlBytesAndInvalidUtf8) {
  std::string line = std::string("a\x1b[31m\xff b=") + "SECRETSECRET";
  std::string s = MaskedSnippet(line, 10, 22, false);
  EXPECT_EQ(s, "a\\x1b[31m\\xff b=SEC…(12)");
}

TEST(MaskedSnippet, ClampsSpanToTheLine) {
  EXPECT_EQ(MaskedSnippet("abcdefgh", 4, 400, false), "abcde…(4)");
  EXPECT_EQ(MaskedSnippet("abc", 10, 20, false), "abc");
  EXPECT_EQ(MaskedSnippet("abcdefgh", 6, 2, false), "abcdefgh");  // end < begin: empty span
}

TEST(MaskedSnippet, TrimsLongLinesAroundTheSecret) {
  std::string secret = "S3CR3T0123456789abcdef";
  std::string line = std::string(5000, 'x') + secret + std::string(5000, 'y');
  std::string s = MaskedSnippet(line, 5000, static_cast<uint32_t>(5000 + secret.size()), false);
  EXPECT_LE(CodePoints(s), 205u);
  EXPECT_EQ(s.rfind("…", 0), 0u) << "starts with an ellipsis";
  EXPECT_EQ(s.substr(s.size() - 3), "…");
  EXPECT_NE(s.find("xS3CR…(22)y"), std::string::npos) << s;
  EXPECT_EQ(s.find(secret), std::string::npos);
}

TEST(MaskedSnippet, ShortContextOnOneSideGoesToTheOther) {
  std::string line = "k=SECRETSECRET;" + std::string(1000, 'z');
  std::string s = MaskedSnippet(line, 2, 14, false);
  EXPECT_EQ(s.rfind("k=SEC…(12);", 0), 0u) << s;
  EXPECT_GE(CodePoints(s), 190u);
  EXPECT_LE(CodePoints(s), 205u);
}

TEST(MaskedSnippet, DoesNotSplitUtf8WhenTrimming) {
  std::string line;
  for (int i = 0; i < 300; ++i) line += "é";
  size_t begin = line.size();
  line += "SECRETSECRET";
  for (int i = 0; i < 300; ++i) line += "ü";
  std::string s =
      MaskedSnippet(line, static_cast<uint32_t>(begin), static_cast<uint32_t>(begin + 12), false);
  EXPECT_EQ(s.find("\\x"), std::string::npos) << "a split sequence would be escaped: " << s;
}

TEST(FirstSentence, StopsAtSentenceEnd) {
  EXPECT_EQ(FirstSentence("Rotate it now. Then more."), "Rotate it now.");
  EXPECT_EQ(FirstSentence("# Title line\nsecond line.\n\nOther para."), "Title line second line.");
  EXPECT_EQ(FirstSentence("See https://x.y/a.b for details"), "See https://x.y/a.b for details");
  EXPECT_EQ(FirstSentence(""), "");
}

TEST(ScrubSecret, ReplacesEveryCopy) {
  EXPECT_EQ(ScrubSecret("a=SECRETVALUE b=SECRETVALUE", "SECRETVALUE"), "a=SE…(11) b=SE…(11)");
  EXPECT_EQ(ScrubSecret("ab ab", "ab"), "ab ab");  // too short to scrub
}

}  // namespace
}  // namespace keyhole::report

namespace keyhole::report {
namespace {

std::vector<std::string> Masked(std::string_view text, bool literals = false) {
  std::vector<Span> spans = SecretLikeSpans(text, literals);
  MergeSpans(&spans);
  std::vector<std::string> out;
  for (auto [b, e] : spans) out.emplace_back(text.substr(b, e - b));
  return out;
}

using Strings = std::vector<std::string>;

TEST(SecretLikeSpans, LeaveWordsPathsUrlsAndReferencesAlone) {
  EXPECT_EQ(Masked("const url = \"https://api.acme.io/v1/orders\"; getUserProfile(req.body.password);"), Strings{});
  EXPECT_EQ(Masked("url: mysql2://app@mysql.acme.internal:3306/app_production"), Strings{});
  EXPECT_EQ(Masked("headers: { Authorization: 'Bearer ' + token, 'X-Auth': `Bearer ${token}` }"), Strings{});
  EXPECT_EQ(Masked("password: process.env.DB_PASSWORD, secret: ${SECRET}, token: <YOUR_TOKEN>"), Strings{});
  EXPECT_EQ(Masked("import jwt from \"jsonwebtoken\"; jwt.sign(payload, key, { algorithm: \"HS256\" })", true),
            Strings{});
}

TEST(SecretLikeSpans, MaskGeneratedValuesBoundValuesSchemesAndPemBodies) {
  std::string token = testing::RandomAlnum(901, 32), word = "tangerine";
  EXPECT_EQ(Masked("x = f(" + token + ")"), Strings{token});
  EXPECT_EQ(Masked("password = \"" + word + "\""), Strings{word});
  EXPECT_EQ(Masked("curl -H \"Authorization: Basic " + word + "42\""), Strings{word + "42"});
  EXPECT_EQ(Masked("GET /export?format=csv&access_token=" + word + "&x=1"), Strings{word});
  EXPECT_EQ(Masked("{\"k\": \"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----\"}"),
            Strings{"\\nMHcC\\n"});
  // Quoted literals only where asked (a finding whose span is not the secret).
  EXPECT_EQ(Masked("jwt.sign(p, \"k3y!" + word + "\")"), Strings{});
  EXPECT_EQ(Masked("jwt.sign(p, \"k3y!" + word + "\")", true), Strings{"k3y!" + word});
}

TEST(AddCopies, FindsPlainBase64AtEveryOffsetAndPercentEncodedCopies) {
  std::string secret = "s3cr3t:" + testing::RandomAlnum(902, 20);
  // base64("x" + secret) and base64("xy" + secret), computed by hand below.
  auto b64 = [](const std::string& in) { return keyhole::analyze::Base64Encode(in, /*url=*/false); };
  for (const std::string& encoded : {b64(secret), b64("x" + secret), b64("xy" + secret + "z")}) {
    std::string text = "v: " + encoded + " end";
    std::vector<Span> spans;
    AddCopies(text, secret, &spans);
    MergeSpans(&spans);
    ASSERT_EQ(spans.size(), 1u) << encoded;
    EXPECT_EQ(text.substr(spans[0].first, spans[0].second - spans[0].first), encoded) << "the whole blob";
  }
  std::string text = "a=" + secret + " b=s3cr3t%3A" + secret.substr(7);
  std::vector<Span> spans;
  AddCopies(text, secret, &spans);
  EXPECT_EQ(spans.size(), 2u);
}

}  // namespace
}  // namespace keyhole::report
