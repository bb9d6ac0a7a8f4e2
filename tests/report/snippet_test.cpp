#include <gtest/gtest.h>

#include "report/report_util.h"
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
