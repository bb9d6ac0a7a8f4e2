// Golden files: every format's output for the fixed sample, compared byte for byte.
// KEYHOLE_UPDATE_GOLDEN=1 rewrites fixtures/expected/report.* instead of comparing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report/reporter.h"
#include "report/sample_findings.h"
#include "support/test_util.h"

namespace keyhole::report {
namespace {

namespace fs = std::filesystem;

std::string Render(const std::string& format, const sample::Sample& s) {
  std::ostringstream out;
  auto reporter = MakeReporter(format);
  EXPECT_NE(reporter, nullptr) << format;
  if (!reporter) return {};
  Status st = reporter->Write(s.findings, s.info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

void CheckGolden(const std::string& format, const std::string& file) {
  auto s = sample::MakeSample();
  std::string actual = Render(format, *s);
  fs::path golden = testing::SourceDir() / "fixtures/expected" / file;
  const char* update = std::getenv("KEYHOLE_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing: run with KEYHOLE_UPDATE_GOLDEN=1";
  std::string expected = testing::ReadFile(golden);
  if (actual == expected) return;
  // Point at the first differing line instead of dumping two whole reports.
  std::istringstream a(actual), e(expected);
  std::string la, le;
  int line = 0;
  while (true) {
    ++line;
    bool more_a = static_cast<bool>(std::getline(a, la));
    bool more_e = static_cast<bool>(std::getline(e, le));
    if (!more_a && !more_e) break;
    if (la != le || more_a != more_e) break;
  }
  ADD_FAILURE() << "output differs from " << golden << " at line " << line
                << ":\n  expected: " << le << "\n  actual:   " << la
                << "\nif the change is intended, rerun with KEYHOLE_UPDATE_GOLDEN=1";
}

TEST(ReportGolden, JsonMatchesGoldenFile) { CheckGolden("json", "report.json"); }
TEST(ReportGolden, SarifMatchesGoldenFile) { CheckGolden("sarif", "report.sarif"); }
TEST(ReportGolden, TextMatchesGoldenFile) { CheckGolden("text", "report.txt"); }
TEST(ReportGolden, JsonlMatchesGoldenFile) { CheckGolden("jsonl", "report.jsonl"); }

TEST(ReportGolden, OutputIsIdenticalAcrossRuns) {
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    auto a = sample::MakeSample();
    auto b = sample::MakeSample();
    EXPECT_EQ(Render(format, *a), Render(format, *b)) << format;
  }
}

}  // namespace
}  // namespace keyhole::report
