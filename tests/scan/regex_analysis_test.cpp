#include "scan/regex_analysis.h"

#include <gtest/gtest.h>

namespace keyhole::scan::internal {
namespace {

std::string LiteralOf(std::string_view regex) {
  auto lit = ExtractRequiredLiteral(regex);
  return lit ? lit->bytes : "<none>";
}

TEST(RegexAnalysisTest, PrefixLiteralBeforeClassIsRequired) {
  EXPECT_EQ(LiteralOf(R"(ghp_[0-9A-Za-z]{36})"), "ghp_");
  EXPECT_EQ(LiteralOf(R"(\b(AKIA[A-Z2-7]{16})\b)"), "AKIA");
}

TEST(RegexAnalysisTest, EscapedPunctuationJoinsTheLiteral) {
  EXPECT_EQ(LiteralOf(R"(https://hooks\.slack\.com/services/[A-Z0-9]+)"),
            "https://hooks.slack.com/services/");
}

TEST(RegexAnalysisTest, CaselessFlagMarksLiteralCaseless) {
  auto lit = ExtractRequiredLiteral(R"((?i)xox[baprs]-[0-9a-z-]{10,})");
  ASSERT_TRUE(lit.has_value());
  EXPECT_EQ(lit->bytes, "xox");
  EXPECT_TRUE(lit->caseless);
  auto sensitive = ExtractRequiredLiteral(R"(xox[baprs]-)");
  ASSERT_TRUE(sensitive.has_value());
  EXPECT_FALSE(sensitive->caseless);
}

TEST(RegexAnalysisTest, AlternationIsNotRequired) {
  EXPECT_EQ(LiteralOf(R"((?:AKIA|ASIA)[A-Z2-7]{16})"), "<none>");
  EXPECT_EQ(LiteralOf(R"(abcd|efgh)"), "<none>");
  // ...but a literal outside the alternation still is.
  EXPECT_EQ(LiteralOf(R"((?:a|b)_token_[0-9]+)"), "_token_");
}

std::string SetOf(std::string_view regex) {
  std::string out;
  for (const RequiredLiteral& lit : ExtractRequiredLiteralSet(regex)) {
    out += (out.empty() ? "" : ",") + lit.bytes + (lit.caseless ? "/i" : "");
  }
  return out.empty() ? "<none>" : out;
}

TEST(RegexAnalysisTest, RequiredAlternationGivesOneLiteralPerBranch) {
  EXPECT_EQ(SetOf(R"(\b((?:AKIA|ASIA|ABIA)[A-Z2-7]{16})\b)"), "AKIA,ASIA,ABIA");
  EXPECT_EQ(SetOf(R"(abcd|efgh)"), "abcd,efgh");
  EXPECT_EQ(SetOf(R"((?i)(?:oci|oracle)[a-z_]{0,20}token)"), "token/i");
}

TEST(RegexAnalysisTest, BranchesRecurseIntoNestedGroups) {
  EXPECT_EQ(SetOf(R"(\b((?:fo1_[A-Z]{4}|fm[12][ar]?_[A-Z]+)))"), "fo1_,fm");
  EXPECT_EQ(SetOf(R"((?:pat|sat)\.[A-Za-z0-9]{22})"), "pat,sat");
}

TEST(RegexAnalysisTest, SetIsEmptyWhenABranchHasNoLiteral) {
  EXPECT_EQ(SetOf(R"((?:AKIA|[A-Z]{4})[0-9]{8})"), "<none>");
  EXPECT_EQ(SetOf(R"((?:abc|)[0-9]{8})"), "<none>");
  EXPECT_EQ(SetOf(R"((?:abc|def)?[0-9]{8})"), "<none>");
}

TEST(RegexAnalysisTest, LongerSingleLiteralBeatsAWeakSet) {
  EXPECT_EQ(SetOf(R"((?:ab|cd)_secret_token_[0-9]+)"), "_secret_token_");
}

TEST(RegexAnalysisTest, OptionalCharactersBreakTheRun) {
  EXPECT_EQ(LiteralOf(R"(abc?defg)"), "defg");
  EXPECT_EQ(LiteralOf(R"(ab(?:cd)?e)"), "ab");
  EXPECT_EQ(LiteralOf(R"(xy+zzz)"), "zzz");
}

TEST(RegexAnalysisTest, RequiredGroupContentCounts) {
  EXPECT_EQ(LiteralOf(R"(BEGIN ((?:RSA )?PRIVATE KEY)-----)"), "PRIVATE KEY");
  EXPECT_EQ(LiteralOf(R"((?P<tok>sk_live_)[0-9a-zA-Z]{24})"), "sk_live_");
}

TEST(RegexAnalysisTest, UnknownSyntaxGivesNoLiteral) {
  EXPECT_EQ(LiteralOf(R"(abc\1def)"), "<none>");
  EXPECT_EQ(LiteralOf(R"(abc)def)"), "<none>");
}

TEST(RegexAnalysisTest, GenericAssignmentHasNoLiteral) {
  EXPECT_EQ(LiteralOf(R"((?i)(?:secret|token)\s*[:=]\s*["']([A-Za-z0-9]{16,})["'])"), "<none>");
}

TEST(RegexAnalysisTest, MultiLineDetection) {
  EXPECT_TRUE(IsMultiLine(R"(-----BEGIN PRIVATE KEY-----[\s\S]*?-----END)"));
  EXPECT_TRUE(IsMultiLine(R"((?s)begin.*end)"));
  EXPECT_TRUE(IsMultiLine(R"((?is)begin.*end)"));
  EXPECT_TRUE(IsMultiLine(R"(a\nb)"));
  EXPECT_FALSE(IsMultiLine(R"((?i)secret\s*=\s*"[^"]+")"));
}

TEST(RegexAnalysisTest, NewlineInNegatedClassKeepsRuleOnItsLine) {
  EXPECT_FALSE(IsMultiLine(R"re(secret\s*=\s*"([^"'\r\n]{3,200})")re"));
  EXPECT_FALSE(IsMultiLine(R"re(host=[^;'"\n]*?pwd=)re"));
}

TEST(RegexAnalysisTest, NewlineInPositiveClassIsMultiLine) {
  EXPECT_TRUE(IsMultiLine(R"(key[\r\n]+value)"));
  EXPECT_TRUE(IsMultiLine(R"([^a]\nb)"));
}

TEST(RegexAnalysisTest, BoundaryAssertionsOutsideClassesOnly) {
  EXPECT_TRUE(HasBoundaryAssertion(R"(^token=)"));
  EXPECT_TRUE(HasBoundaryAssertion(R"(token=\w+$)"));
  EXPECT_TRUE(HasBoundaryAssertion(R"(\Atoken)"));
  EXPECT_FALSE(HasBoundaryAssertion(R"(token=[^$]+)"));
  EXPECT_FALSE(HasBoundaryAssertion(R"(price\$[0-9]+)"));
}

TEST(RegexAnalysisTest, EscapeForHsEncodesEveryByte) {
  EXPECT_EQ(EscapeForHs("a.("), "\\x61\\x2e\\x28");
}

}  // namespace
}  // namespace keyhole::scan::internal

namespace keyhole::scan::internal {
namespace {

TEST(RegexAnalysisTest, BoundaryAssertionsAreDroppedOutsideClassesAndQuotes) {
  EXPECT_EQ(WithoutBoundaryAssertions(R"(^KEY=(\w+)(?:[;\s]|$))"), R"(KEY=(\w+)(?:[;\s]|))");
  EXPECT_EQ(WithoutBoundaryAssertions(R"(\Aa[$^]b\z)"), R"(a[$^]b)");
  EXPECT_EQ(WithoutBoundaryAssertions(R"(\Q^$\Ex\$)"), R"(\Q^$\Ex\$)");
  EXPECT_FALSE(WithoutBoundaryAssertions(R"(a$?)").has_value());
}

}  // namespace
}  // namespace keyhole::scan::internal
