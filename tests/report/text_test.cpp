#include <gtest/gtest.h>

#include <sstream>

#include "report/sample_findings.h"
#include "report/text_reporter.h"

namespace keyhole::report {
namespace {

std::string Write(const std::vector<findings::Finding>& v, const RunInfo& info) {
  std::ostringstream out;
  TextReporter r;
  Status st = r.Write(v, info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(TextReport, NoFindingsSaysSo) {
  auto s = sample::MakeSample();
  ScanStats clean;
  clean.files_scanned = 1;
  s->info.stats = &clean;
  EXPECT_EQ(Write({}, s->info),
            "No secrets found in 1 file. Scanned 0 bytes in 0.00 s\n");
}

TEST(TextReport, ColourOnlyWhenAsked) {
  auto s = sample::MakeSample();
  EXPECT_EQ(Write(s->findings, s->info).find('\x1b'), std::string::npos);
  s->info.color = true;
  EXPECT_NE(Write(s->findings, s->info).find("\x1b[1;31mcritical\x1b[0m"), std::string::npos);
}

TEST(TextReport, CaretSitsUnderTheMaskedSecret) {
  findings::Finding f = sample::MakeFinding("r", "generic", "d", Severity::kHigh, "m", "a.txt", 3,
                                            "    \tpassword = '@'", "hunter2hunter2");
  auto lines = Lines(Write({f}, RunInfo{}));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a.txt");
  EXPECT_EQ(lines[1], "  3:18  high  r  m");
  EXPECT_EQ(lines[2], "      password = 'hun…(14)'");
  EXPECT_EQ(lines[3], "                  ^~~~~~~~");
}

// A second copy of the secret before the reported one is masked too, and the caret still
// points at the reported one.
TEST(TextReport, EarlierCopyOfSecretIsMaskedAndCaretStaysAligned) {
  const std::string secret = "abcdefghijklmnopqrstuvwx";
  findings::Finding f = sample::MakeFinding("r", "generic", "d", Severity::kHigh, "m", "a.txt", 1,
                                            secret + " = '@'", secret);
  auto lines = Lines(Write({f}, RunInfo{}));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[2], "      abcd…(24) = 'abcd…(24)'");
  EXPECT_EQ(lines[3], "                   ^~~~~~~~~");
}

TEST(TextReport, GroupsByFileWithOnePathLine) {
  auto s = sample::MakeSample();
  std::string out = Write(s->findings, s->info);
  EXPECT_EQ(out.find("server/auth.js\n"), out.rfind("server/auth.js\n"));
  EXPECT_NE(out.find("\nserver/auth.js\n  3:17  critical  jwt-hmac-secret"), std::string::npos);
}

TEST(TextReport, EscapesControlCharactersInPathsAndLines) {
  findings::Finding f =
      sample::MakeFinding("r", "generic", "d", Severity::kHigh, "m\x1b]0;title\x07",
                          "evil\x1b[2J\n.txt", 1, "\x1b[31mx=@", "abcdefgh12345678");
  std::string out = Write({f}, RunInfo{});
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_NE(out.find("evil\\x1b[2J\\x0a.txt\n"), std::string::npos) << out;
}

TEST(TextReport, ShowsHintGitFactsAndRelated) {
  auto s = sample::MakeSample();
  std::string out = Write(s->findings, s->info);
  EXPECT_NE(out.find("      hint: Anyone with this secret can mint valid tokens.\n"),
            std::string::npos);
  EXPECT_NE(
      out.find(
          "      commit 9fceb02d0ae5 by Alice Example <alice@example.com> on 2024-03-05T10:20:30Z: "
          "Add deploy script\n"),
      std::string::npos);
  EXPECT_NE(out.find("      related: server/auth.js:3:17  the HMAC secret that signs this token\n"),
            std::string::npos);
}

TEST(TextReport, SummaryCountsSeveritiesSkipsErrorsAndNotes) {
  auto s = sample::MakeSample();
  s->info.seconds = 1.5;
  auto lines = Lines(Write(s->findings, s->info));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 3],
            "6 findings (2 critical, 2 high, 1 medium, 1 info) in 42 files (1.2 MB) in 1.50 s; "
            "9 skipped (--verbose for details); 1 error");
  EXPECT_EQ(lines[lines.size() - 2], "error: vendor/blob.dat: permission denied");
  EXPECT_EQ(lines[lines.size() - 1], "note: shallow clone: history is incomplete");
}

TEST(TextReport, VerboseBreaksDownSkippedFiles) {
  auto s = sample::MakeSample();
  s->info.seconds = 1.5;
  s->info.verbose = true;
  auto lines = Lines(Write(s->findings, s->info));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 3],
            "6 findings (2 critical, 2 high, 1 medium, 1 info) in 42 files (1.2 MB) in 1.50 s; "
            "skipped: 3 binary, 1 too large, 5 ignored; 1 error");
}

TEST(TextReport, SmallScansCountKilobytes) {
  auto s = sample::MakeSample();
  ScanStats clean;
  clean.files_scanned = 3;
  clean.bytes_scanned = 12345;
  s->info.stats = &clean;
  EXPECT_EQ(Write({}, s->info), "No secrets found in 3 files. Scanned 12.3 KB in 0.00 s\n");
}

TEST(TextReport, QuietPrintsFindingsOnly) {
  auto s = sample::MakeSample();
  s->info.quiet = true;
  std::string out = Write(s->findings, s->info);
  EXPECT_NE(out.find(s->findings[0].rule_id), std::string::npos) << out;
  EXPECT_EQ(out.find("findings ("), std::string::npos) << out;
  EXPECT_EQ(out.find("note: "), std::string::npos) << out;
  EXPECT_EQ(out.find("error: "), std::string::npos) << out;
  EXPECT_NE(out.substr(out.size() - 2), "\n\n") << "no trailing blank line";
}

TEST(TextReport, VerboseShowsFacts) {
  auto s = sample::MakeSample();
  EXPECT_EQ(Write(s->findings, s->info).find("facts: "), std::string::npos);
  s->info.verbose = true;
  EXPECT_NE(Write(s->findings, s->info).find("      facts: {\"alg\":\"HS256\""), std::string::npos);
}

}  // namespace
}  // namespace keyhole::report
