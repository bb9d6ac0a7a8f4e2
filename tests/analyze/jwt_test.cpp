#include "analyze/jwt.h"

#include <gtest/gtest.h>

#include <ctime>

#include "analyze/analyzers.h"
#include "analyze/base64.h"
#include "analyze_test_util.h"

namespace keyhole::analyze {
namespace {

using testing::AnalyzeText;
using testing::B64Url;
using testing::Hs;
using testing::MintJwt;
using testing::OfRule;

std::string Exp(long delta) { return std::to_string(static_cast<long>(std::time(nullptr)) + delta); }

TEST(Base64, UrlDecodeAcceptsMissingAndPresentPadding) {
  EXPECT_EQ(Base64UrlDecode("eyJhIjoxfQ").value(), "{\"a\":1}");
  EXPECT_EQ(Base64UrlDecode("eyJhIjoxfQ==").value(), "{\"a\":1}");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), "\xfb\xff");
}

TEST(Base64, RejectsBytesOutsideTheAlphabetAndImpossibleLengths) {
  EXPECT_FALSE(Base64UrlDecode("eyJ+IjoxfQ").has_value());  // '+' is not base64url
  EXPECT_FALSE(Base64Decode("ab-c").has_value());           // '-' is not standard base64
  EXPECT_FALSE(Base64UrlDecode("abcde").has_value());       // 5 chars: 6 dangling bits
  EXPECT_FALSE(Base64Decode("MIIE...").has_value());
}

TEST(DecodeJwt, ReadsHeaderAndPayloadOfAJws) {
  auto d = DecodeJwt(Hs("{\"sub\":\"u1\"}", "k"));
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->jwe);
  EXPECT_EQ(d->header["alg"], "HS256");
  EXPECT_EQ(d->payload["sub"], "u1");
}

TEST(DecodeJwt, HeaderWithPaddingIsAccepted) {
  std::string t = B64Url("{\"alg\":\"HS256\"}") + "==." + B64Url("{\"sub\":\"x\"}") + ".c2ln";
  EXPECT_TRUE(DecodeJwt(t).has_value());
}

TEST(DecodeJwt, InvalidBase64HeaderIsNotAJwt) {
  EXPECT_FALSE(DecodeJwt("ey!!!!.eyJzdWIiOiJ4In0.c2ln").has_value());
}

TEST(DecodeJwt, NonJsonHeaderIsNotAJwt) {
  EXPECT_FALSE(DecodeJwt(B64Url("{alg: HS256") + "." + B64Url("{}") + ".c2ln").has_value());
  EXPECT_FALSE(DecodeJwt(B64Url("[\"alg\"]") + "." + B64Url("{}") + ".c2ln").has_value());
}

TEST(DecodeJwt, HeaderWithoutAlgIsNotAJwt) {
  EXPECT_FALSE(DecodeJwt(MintJwt("{\"typ\":\"JWT\"}", "{\"sub\":\"x\"}")).has_value());
  EXPECT_FALSE(DecodeJwt(MintJwt("{\"alg\":256}", "{\"sub\":\"x\"}")).has_value());
}

TEST(DecodeJwt, WrongSegmentCountIsNotAJwt) {
  std::string h = B64Url("{\"alg\":\"HS256\"}");
  EXPECT_FALSE(DecodeJwt(h + "." + h).has_value());
  EXPECT_FALSE(DecodeJwt(h + ".a.b.c").has_value());
  EXPECT_FALSE(DecodeJwt(h + ".a.b.c.d.e").has_value());
}

TEST(DecodeJwt, HugeSegmentIsRejectedWithoutDecoding) {
  std::string payload = "{\"sub\":\"" + std::string(kMaxJwtSegment, 'a') + "\"}";
  EXPECT_FALSE(DecodeJwt(Hs(payload, "k")).has_value());
}

TEST(DecodeJwt, FiveSegmentsAreAJwe) {
  std::string t = B64Url("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + "." +
                  B64Url(std::string(256, '\x11')) + "." + B64Url("123456789012") + "." +
                  B64Url(std::string(40, 'c')) + "." + B64Url("0123456789abcdef");
  auto d = DecodeJwt(t);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->jwe);
  EXPECT_TRUE(d->payload.is_null());
}

TEST(VerifyHmacJwt, VerifiesHs256Hs384Hs512WithTheRightKeyOnly) {
  for (std::string alg : {"HS256", "HS384", "HS512"}) {
    std::string t = Hs("{\"sub\":\"x\"}", "right-key", alg);
    EXPECT_TRUE(VerifyHmacJwt(t, alg, "right-key")) << alg;
    EXPECT_FALSE(VerifyHmacJwt(t, alg, "wrong-key")) << alg;
  }
  EXPECT_FALSE(VerifyHmacJwt(Hs("{}", "k"), "RS256", "k"));
}

TEST(JwtAnalyzer, ReportsClaimsAsFactsButNeverTheSignature) {
  std::string t = Hs("{\"sub\":\"user-1\",\"iss\":\"https://issuer.test\",\"aud\":[\"api\"],"
                     "\"iat\":1700000000,\"exp\":" + Exp(3600) + "}",
                     "k");
  auto fs = OfRule(AnalyzeText("const token = \"" + t + "\";\n", "server/client.js"), "jwt");
  ASSERT_EQ(fs.size(), 1u);
  const auto& facts = fs[0].facts;
  EXPECT_EQ(facts["alg"], "HS256");
  EXPECT_EQ(facts["typ"], "JWT");
  EXPECT_EQ(facts["sub"], "user-1");
  EXPECT_EQ(facts["iss"], "https://issuer.test");
  EXPECT_EQ(facts["aud"][0], "api");
  EXPECT_EQ(facts["iat"], 1700000000);
  EXPECT_EQ(facts["expired"], false);
  std::string dump = facts.dump();
  EXPECT_EQ(dump.find(t.substr(t.rfind('.') + 1)), std::string::npos);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
}

TEST(JwtAnalyzer, ExpiredTokenIsLowerSeverity) {
  std::string t = Hs("{\"sub\":\"u\",\"exp\":" + Exp(-3600) + "}", "k");
  auto fs = OfRule(AnalyzeText("token=" + t + "\n", "server/a.txt"), "jwt");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].facts["expired"], true);
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
}

TEST(JwtAnalyzer, TokenWithoutExpIsHigherSeverity) {
  std::string t = Hs("{\"sub\":\"u\"}", "k");
  auto fs = OfRule(AnalyzeText("token=" + t + "\n", "server/a.txt"), "jwt");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_NE(fs[0].message.find("no exp"), std::string::npos);
}

TEST(JwtAnalyzer, AlgNoneIsFlaggedAndAtLeastHigh) {
  std::string t = B64Url("{\"alg\":\"none\"}") + "." +
                  B64Url("{\"sub\":\"admin\",\"exp\":" + Exp(-60) + "}") + ".";
  auto fs = OfRule(AnalyzeText("x = \"" + t + "\"\n", "server/a.py"), "jwt");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].facts["alg_none"], true);
  EXPECT_GE(fs[0].severity, Severity::kHigh);  // even though it is expired
  EXPECT_NE(fs[0].message.find("alg none"), std::string::npos);
}

TEST(JwtAnalyzer, LookAlikeWithoutJsonHeaderIsDropped) {
  std::string fake = B64Url("{\"just text") + "." + B64Url("{\"sub\":\"x\"}") + ".c2lnbmF0dXJl";
  ASSERT_EQ(fake.substr(0, 2), "ey");
  EXPECT_TRUE(OfRule(AnalyzeText("t = \"" + fake + "\"\n", "a.js"), "jwt").empty());
}

TEST(JwtAnalyzer, SupabaseServiceRoleIsCriticalAndAnonIsInfo) {
  std::string svc = Hs("{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnop\",\"role\":\"service_role\","
                       "\"exp\":" + Exp(86400) + "}", "k");
  std::string anon = Hs("{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnop\",\"role\":\"anon\","
                        "\"exp\":" + Exp(86400) + "}", "k");
  auto fs = AnalyzeText("SUPABASE_SERVICE_ROLE_KEY=" + svc + "\nSUPABASE_ANON_KEY=" + anon + "\n",
                        "server/.env");
  fs = OfRule(fs, "jwt");
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_NE(fs[0].message.find("service_role"), std::string::npos);
  EXPECT_EQ(fs[1].severity, Severity::kInfo);
  EXPECT_NE(fs[1].message.find("publishable by design"), std::string::npos);
}

TEST(JwtAnalyzer, JweIsReportedWithJweFact) {
  std::string t = B64Url("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + ".." + B64Url("123456789012") +
                  "." + B64Url(std::string(40, 'c')) + "." + B64Url("0123456789abcdef");
  auto fs = OfRule(AnalyzeText("session = \"" + t + "\"\n", "server/a.js"), "jwe");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].facts["jwe"], true);
  EXPECT_EQ(fs[0].facts["enc"], "A256GCM");
}

TEST(JwtAnalyzer, CafTokenAssignmentIsReportedOnceAsCafToken) {
  std::string t = Hs("{\"sub\":\"caf-client\",\"exp\":" + Exp(3600) + "}", "k");
  auto fs = AnalyzeText("CAF_TOKEN=" + t + "\n", "server/.env");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "caf-token");
  EXPECT_TRUE(AnalyzeText("\"Authorization\": \"Bearer $CAF_TOKEN\"\n", "docs.json").empty());
}

}  // namespace
}  // namespace keyhole::analyze
