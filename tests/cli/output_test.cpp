// What a person sees: the text report from the real binary, colour decisions, --quiet and
// --verbose, help text, and the progress line (on a pseudo-terminal made by script(1)).
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Two files, one with two findings: enough to see grouping.
struct TwoFiles {
  TempDir dir;
  std::string gh1 = FakeGithubToken(601), gh2 = FakeGithubToken(602), aws = FakeAwsKeyId(603);
  TwoFiles() {
    dir.Write("deploy/release.sh", "#!/bin/sh\nexport GH_TOKEN=" + gh1 + "\nexport OTHER=" + gh2 + "\n");
    dir.Write("config/aws.ini", "[default]\naws_access_key_id = " + aws + "\n");
  }
};

// Runs `command` under script(1), so keyhole's stdout and stderr are a terminal.
CommandResult RunOnTerminal(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  std::string cmd = KeyholeBinary().string();
  for (const std::string& a : args) cmd += " '" + a + "'";
  return Run({"script", "-qefc", cmd, "/dev/null"}, {}, {}, env);
}

TEST(TextOutput, FindingsAreGroupedByFile) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  size_t headers = 0, release_at = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "deploy/release.sh") ++headers, release_at = i;
    if (lines[i] == "config/aws.ini") ++headers;
  }
  EXPECT_EQ(headers, 2u) << r.out;  // each file named once
  ASSERT_LT(release_at + 1, lines.size());
  EXPECT_EQ(lines[release_at + 1].rfind("  2:17  ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\n  3:14  "), std::string::npos) << "second finding under the same header\n" << r.out;
}

TEST(TextOutput, CaretSitsUnderTheMaskedSecret) {
  TempDir d;
  std::string token = FakeGithubToken(604);
  d.Write("a.sh", "export GH_TOKEN=" + token + "\n");
  CommandResult r = RunKeyhole({"scan", d.path().string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret leaked";
  std::vector<std::string> lines = Lines(r.out);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    size_t at = lines[i].find("export GH_TOKEN=");
    if (at == std::string::npos) continue;
    size_t secret_col = at + std::string("export GH_TOKEN=").size();
    EXPECT_EQ(lines[i].substr(secret_col, 4), "ghp_") << lines[i];  // a masked preview
    EXPECT_EQ(lines[i + 1].find('^'), secret_col) << lines[i] << "\n" << lines[i + 1];
    EXPECT_EQ(lines[i + 1].find_first_not_of(' '), secret_col) << lines[i + 1];
    return;
  }
  ADD_FAILURE() << "no snippet line in\n" << r.out;
}

TEST(TextOutput, EachFindingHasAHint) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string()});
  size_t hints = 0;
  for (const std::string& l : Lines(r.out)) hints += l.rfind("      hint: ", 0) == 0;
  EXPECT_EQ(hints, 3u) << r.out;
}

TEST(TextOutput, SummaryLineCountsFilesBytesSeveritiesAndTime) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string()});
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(std::regex_match(lines.back(), std::regex(R"(3 findings \(\d+ \w+(, \d+ \w+)*\) in 2 files \(\d+ bytes\) in \d+\.\d\d s)")))
      << lines.back();
}

TEST(TextOutput, QuietPrintsFindingsOnly) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("findings ("), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(TextOutput, QuietCleanScanPrintsNothing) {
  TempDir d;
  d.Write("a.txt", "nothing to see\n");
  CommandResult r = RunKeyhole({"scan", d.path().string(), "-q"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST(TextOutput, VerboseAddsFactsAndSkipCounts) {
  TwoFiles t;
  t.dir.Write("image.bin", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  CommandResult plain = RunKeyhole({"scan", t.dir.path().string()});
  CommandResult verbose = RunKeyhole({"scan", t.dir.path().string(), "--verbose"});
  EXPECT_EQ(plain.out.find("facts: "), std::string::npos) << plain.out;
  EXPECT_NE(verbose.out.find("      facts: "), std::string::npos) << verbose.out;
  EXPECT_NE(plain.out.find("1 skipped (--verbose for details)"), std::string::npos) << plain.out;
  EXPECT_NE(verbose.out.find("skipped: 1 binary, 0 too large, 0 ignored; 0 errors"), std::string::npos)
      << verbose.out;
}

TEST(Colour, AlwaysColoursAPipe) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string(), "--color", "always"});
  EXPECT_NE(r.out.find("\x1b["), std::string::npos);
  EXPECT_EQ(r.out.find(t.gh1), std::string::npos) << "secret leaked";
}

TEST(Colour, AutoDoesNotColourAPipe) {
  TwoFiles t;
  CommandResult r = testing::Run({KeyholeBinary().string(), "scan", t.dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
}

TEST(Colour, AutoColoursATerminal) {
  TwoFiles t;
  CommandResult r = RunOnTerminal({"scan", t.dir.path().string(), "--no-progress"}, {"TERM=xterm", "NO_COLOR="});
  EXPECT_NE(r.out.find("\x1b[1;4m"), std::string::npos) << r.out;
}

TEST(Colour, NoColorIsHonouredOnATerminal) {
  TwoFiles t;
  CommandResult r = RunOnTerminal({"scan", t.dir.path().string(), "--no-progress"}, {"TERM=xterm", "NO_COLOR=1"});
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
}

TEST(Colour, NeverMeansNeverOnATerminal) {
  TwoFiles t;
  CommandResult r = RunOnTerminal({"scan", t.dir.path().string(), "--color", "never", "--no-progress"}, {"TERM=xterm"});
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
}

// KEYHOLE_PROGRESS_DELAY_MS=0 makes the line appear at once, so these do not race the scan.
TEST(Progress, DrawnOnATerminal) {
  TwoFiles t;
  CommandResult r = RunOnTerminal({"scan", t.dir.path().string(), "--color", "never"},
                                  {"TERM=xterm", "KEYHOLE_PROGRESS_DELAY_MS=0"});
  EXPECT_NE(r.out.find("\r\x1b[Kkeyhole: 0 files"), std::string::npos) << r.out;
}

TEST(Progress, NotDrawnWhenStderrIsNotATerminal) {
  TwoFiles t;
  CommandResult r = RunKeyhole({"scan", t.dir.path().string()}, {}, {}, {"KEYHOLE_PROGRESS_DELAY_MS=0"});
  EXPECT_EQ(r.err.find("files,"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST(Progress, NoProgressSuppressesItOnATerminal) {
  TwoFiles t;
  CommandResult r = RunOnTerminal({"scan", t.dir.path().string(), "--no-progress"},
                                  {"TERM=xterm", "KEYHOLE_PROGRESS_DELAY_MS=0"});
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("keyhole: 0 files"), std::string::npos) << r.out;
}

TEST(Progress, QuietSuppressesItOnATerminal) {
  TwoFiles t;
  CommandResult r =
      RunOnTerminal({"scan", t.dir.path().string(), "-q"}, {"TERM=xterm", "KEYHOLE_PROGRESS_DELAY_MS=0"});
  EXPECT_EQ(r.out.find("keyhole: 0 files"), std::string::npos) << r.out;
}

TEST(Help, TopLevelHelpHasExamplesAndNamesTheProgram) {
  CommandResult r = RunKeyhole({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: keyhole "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Examples:"), std::string::npos) << r.out;
}

TEST(Help, EveryCommandHasExamples) {
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"scan"}, {"rules"}, {"rules", "list"}, {"rules", "check"}, {"rules", "explain"}, {"baseline"},
           {"baseline", "create"}, {"baseline", "prune"}, {"hook"}, {"hook", "install"}, {"hook", "uninstall"}}) {
    cmd.push_back("--help");
    CommandResult r = RunKeyhole(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0];
    EXPECT_NE(r.out.find("Examples:\n  keyhole " + cmd[0]), std::string::npos) << cmd[0] << "\n" << r.out;
  }
}

TEST(Help, NoRawTypeNamesOrDefaultsLeak) {
  CommandResult r = RunKeyhole({"scan", "--help"});
  EXPECT_EQ(r.out.find("{false}"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" TEXT"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace keyhole::testing
