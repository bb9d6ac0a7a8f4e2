// No report format prints a raw secret unless asked to (and SARIF never does).
#include <gtest/gtest.h>

#include <sstream>

#include "report/reporter.h"
#include "report/sample_findings.h"

namespace keyhole::report {
namespace {

std::string Render(const char* format, const sample::Sample& s, const RunInfo& info) {
  std::ostringstream out;
  Status st = MakeReporter(format)->Write(s.findings, info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

// Also places a second copy of each secret on its line, in its message and in its facts,
// where a careless analyzer might put one.
std::unique_ptr<sample::Sample> LeakySample() {
  auto s = sample::MakeSample();
  for (findings::Finding& f : s->findings) {
    f.line += " // again: " + f.secret;
    f.message += " (" + f.secret + ")";
    f.facts["echo"] = f.secret;
    if (!f.related.empty()) f.related[0].message += " " + f.secret;
  }
  return s;
}

TEST(NoSecretLeak, NoFormatPrintsARawSecret) {
  auto s = LeakySample();
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    for (bool color : {false, true}) {
      for (bool verbose : {false, true}) {
        RunInfo info = s->info;
        info.color = color;
        info.verbose = verbose;
        std::string out = Render(format, *s, info);
        for (const std::string& secret : s->Secrets()) {
          EXPECT_EQ(out.find(secret), std::string::npos)
              << format << (color ? " color" : "") << (verbose ? " verbose" : "")
              << " leaks a secret";
        }
      }
    }
  }
}

// The check above can fail: with show_secrets the same outputs do contain the secrets.
TEST(NoSecretLeak, ShowSecretsPrintsThem) {
  auto s = sample::MakeSample();
  RunInfo info = s->info;
  info.show_secrets = true;
  for (const char* format : {"text", "json", "jsonl"}) {
    std::string out = Render(format, *s, info);
    for (const std::string& secret : s->Secrets()) {
      EXPECT_NE(out.find(secret), std::string::npos)
          << format << " hides a secret despite show_secrets";
    }
  }
}

TEST(NoSecretLeak, SarifNeverContainsSecretsEvenWithShowSecrets) {
  auto s = LeakySample();
  RunInfo info = s->info;
  info.show_secrets = true;
  std::string out = Render("sarif", *s, info);
  for (const std::string& secret : s->Secrets()) EXPECT_EQ(out.find(secret), std::string::npos);
}

}  // namespace
}  // namespace keyhole::report
