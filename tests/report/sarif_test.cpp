#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "report/sample_findings.h"
#include "report/sarif_reporter.h"
#include "support/sarif_validator.h"
#include "support/test_util.h"

namespace keyhole::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string WriteSarif(const std::vector<findings::Finding>& findings, const RunInfo& info) {
  std::ostringstream out;
  SarifReporter reporter;
  Status st = reporter.Write(findings, info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

std::string Describe(const testing::SarifValidation& v) {
  std::string s = v.problem;
  for (const std::string& m : v.messages) s += "\n  " + m;
  return s;
}

// Runs the validator on `text`, failing the test (not skipping it) if the tool is absent.
testing::SarifValidation Validate(const std::string& text) {
  testing::TempDir dir;
  fs::path file = dir.Write("report.sarif", text);
  testing::SarifValidation v = testing::ValidateSarif(file);
  EXPECT_TRUE(v.ran) << v.problem;
  return v;
}

findings::Finding Simple(const std::string& rule, Severity sev, int n) {
  return sample::MakeFinding(rule, "provider", "Fake token", sev, "Fake token",
                             "src/f" + std::to_string(n) + ".txt",
                             static_cast<uint32_t>(n % 1000 + 1), "token = @",
                             "tok_" + testing::RandomAlnum(static_cast<unsigned>(n), 24));
}

TEST(SarifValidator, AcceptsOurReportWithoutErrorsOrWarnings) {
  auto s = sample::MakeSample();
  testing::SarifValidation v = Validate(WriteSarif(s->findings, s->info));
  ASSERT_TRUE(v.ran) << v.problem;
  EXPECT_EQ(v.errors, 0) << Describe(v);
  EXPECT_EQ(v.warnings, 0) << Describe(v);
}

TEST(SarifValidator, AcceptsAnEmptyReport) {
  auto s = sample::MakeSample();
  testing::SarifValidation v = Validate(WriteSarif({}, s->info));
  ASSERT_TRUE(v.ran) << v.problem;
  EXPECT_EQ(v.errors, 0) << Describe(v);
}

// Proves the check above can fail: the same report, broken the way a careless writer would
// break it, is rejected.
TEST(SarifValidator, RejectsBrokenReport) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  json& loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  loc["region"]["startLine"] = 0;
  loc["artifactLocation"]["uri"] = "/absolute/path.js";
  testing::SarifValidation v = Validate(log.dump(2));
  ASSERT_TRUE(v.ran) << v.problem;
  EXPECT_GE(v.errors, 2) << Describe(v);
}

TEST(SarifValidator, RejectsNonSarifInput) {
  testing::TempDir dir;
  fs::path file = dir.Write("x.sarif", "{}");
  if (!fs::exists(testing::SarifMultitoolPath())) {
    FAIL() << "Sarif.Multitool missing at " << testing::SarifMultitoolPath()
           << ": run scripts/setup.sh";
  }
  testing::SarifValidation v = testing::ValidateSarif(file);
  // "{}" is not a SARIF log: either the tool refuses it or reports errors; never a pass.
  EXPECT_TRUE(!v.ran || v.errors > 0) << Describe(v);
}

TEST(Sarif, DriverListsExactlyTheRulesWithResults) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  std::set<std::string> ids;
  for (const json& r : log["runs"][0]["tool"]["driver"]["rules"]) ids.insert(r["id"]);
  std::set<std::string> expected;
  for (const auto& f : s->findings) expected.insert(f.rule_id);
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(ids.count("slack-webhook"), 0u);  // loaded, never matched
}

TEST(Sarif, RuleIndexPointsAtTheResultsRule) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(log["runs"][0]["results"].size(), s->findings.size());
  for (const json& r : log["runs"][0]["results"]) {
    int idx = r["ruleIndex"];
    ASSERT_LT(idx, static_cast<int>(rules.size()));
    EXPECT_EQ(rules[idx]["id"], r["ruleId"]);
  }
}

TEST(Sarif, RulesCarryGithubProperties) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  for (const json& r : log["runs"][0]["tool"]["driver"]["rules"]) {
    EXPECT_FALSE(r["fullDescription"]["text"].get<std::string>().empty()) << r["id"];
    EXPECT_FALSE(r["help"]["text"].get<std::string>().empty()) << r["id"];
    EXPECT_FALSE(r["help"]["markdown"].get<std::string>().empty()) << r["id"];
    EXPECT_TRUE(r["properties"].contains("security-severity")) << r["id"];
    EXPECT_EQ(r["properties"]["tags"][0], "security");
  }
  const json& hmac = log["runs"][0]["tool"]["driver"]["rules"][3];
  EXPECT_EQ(hmac["id"], "jwt-hmac-secret");
  EXPECT_EQ(hmac["name"], "JwtHmacSecret");
  EXPECT_EQ(hmac["properties"]["security-severity"], "9.5");
  EXPECT_EQ(hmac["defaultConfiguration"]["level"], "error");
}

TEST(Sarif, LevelFollowsSeverity) {
  std::vector<findings::Finding> v = {
      Simple("a", Severity::kCritical, 1), Simple("a", Severity::kHigh, 2),
      Simple("a", Severity::kMedium, 3), Simple("a", Severity::kLow, 4),
      Simple("a", Severity::kInfo, 5)};
  json log = json::parse(WriteSarif(v, RunInfo{}));
  std::vector<std::string> levels;
  for (const json& r : log["runs"][0]["results"]) levels.push_back(r["level"]);
  EXPECT_EQ(levels, (std::vector<std::string>{"error", "error", "warning", "note", "note"}));
}

TEST(Sarif, GitFindingCarriesCommitFacts) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  bool found = false;
  for (const json& r : log["runs"][0]["results"]) {
    if (r["ruleId"] != "github-pat") continue;
    found = true;
    EXPECT_EQ(r["properties"]["commit"], "9fceb02d0ae598e95dc970b74767f19372d61af8");
    EXPECT_EQ(r["properties"]["author"], "Alice Example");
    EXPECT_EQ(r["properties"]["email"], "alice@example.com");
    EXPECT_EQ(r["properties"]["date"], "2024-03-05T10:20:30Z");
  }
  EXPECT_TRUE(found);
}

TEST(Sarif, RunMetadataForGithub) {
  auto s = sample::MakeSample();
  s->info.automation_id = "keyhole-history";  // no '/': treated as a category
  json log = json::parse(WriteSarif(s->findings, s->info));
  const json& run = log["runs"][0];
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(run["automationDetails"]["id"], "keyhole-history/");
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///home/dev/my%20project/");
  EXPECT_EQ(run["tool"]["driver"]["semanticVersion"], "0.1.0");
  EXPECT_EQ(run["results"][0]["partialFingerprints"]["keyhole/v1"], s->findings[0].fingerprint);
}

TEST(Sarif, ScanErrorsMakeExecutionUnsuccessful) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  const json& inv = log["runs"][0]["invocations"][0];
  EXPECT_FALSE(inv["executionSuccessful"]);
  EXPECT_EQ(inv["toolExecutionNotifications"][0]["level"], "error");
  EXPECT_EQ(inv["toolExecutionNotifications"][0]["message"]["text"],
            "vendor/blob.dat: permission denied.");

  ScanStats clean;
  s->info.stats = &clean;
  json ok = json::parse(WriteSarif(s->findings, s->info));
  EXPECT_TRUE(ok["runs"][0]["invocations"][0]["executionSuccessful"]);
}

TEST(Sarif, RegionIsAlwaysOneBased) {
  findings::Finding f = Simple("a", Severity::kHigh, 1);
  f.location = {0, 0, 0, 0};
  json log = json::parse(WriteSarif({f}, RunInfo{}));
  const json& region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(region["startLine"], 1);
  EXPECT_EQ(region["startColumn"], 1);
  EXPECT_EQ(region["endLine"], 1);
  EXPECT_EQ(region["endColumn"], 1);
}

TEST(Sarif, TruncatesTo25000ResultsKeepingTheMostSevere) {
  std::vector<findings::Finding> v;
  const size_t kLow = kSarifMaxResults;  // already at the limit on their own
  v.reserve(kLow + 7);
  for (size_t i = 0; i < kLow; ++i)
    v.push_back(Simple("low-rule", Severity::kLow, static_cast<int>(i)));
  for (int i = 0; i < 7; ++i) v.push_back(Simple("critical-rule", Severity::kCritical, 100000 + i));
  json log = SarifLog(v, RunInfo{});
  const json& run = log["runs"][0];
  ASSERT_EQ(run["results"].size(), kSarifMaxResults);
  int critical = 0;
  for (const json& r : run["results"]) critical += r["ruleId"] == "critical-rule";
  EXPECT_EQ(critical, 7);
  const json& notes = run["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["level"], "warning");
  EXPECT_NE(notes[0]["message"]["text"].get<std::string>().find("7 of 25007 results were omitted"),
            std::string::npos)
      << notes[0];
}

TEST(Sarif, AtTheLimitNothingIsTruncated) {
  std::vector<findings::Finding> v;
  for (size_t i = 0; i < kSarifMaxResults; ++i)
    v.push_back(Simple("r", Severity::kLow, static_cast<int>(i)));
  json log = SarifLog(v, RunInfo{});
  EXPECT_EQ(log["runs"][0]["results"].size(), kSarifMaxResults);
  EXPECT_FALSE(log["runs"][0]["invocations"][0].contains("toolExecutionNotifications"));
}

TEST(Sarif, TruncatesRelatedLocationsTo100) {
  findings::Finding f = Simple("a", Severity::kCritical, 1);
  for (int i = 0; i < 150; ++i)
    f.related.push_back(
        {"other.js", {static_cast<uint32_t>(i + 1), 1, static_cast<uint32_t>(i + 1), 5}, "use"});
  findings::Finding g = Simple("a", Severity::kHigh, 2);
  g.related.push_back({"x.js", {1, 1, 1, 2}, "only one"});
  json log = SarifLog({f, g}, RunInfo{});
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results[0]["relatedLocations"].size(), kSarifMaxLocationsPerResult);
  EXPECT_EQ(results[0]["relatedLocations"][99]["id"], 100);
  EXPECT_EQ(results[0]["properties"]["related_locations_omitted"], 50);
  EXPECT_EQ(results[1]["relatedLocations"].size(), 1u);
  const json& notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0]["message"]["text"].get<std::string>().find(
                "50 related locations were omitted from 1 results"),
            std::string::npos)
      << notes[0];
}

TEST(SarifUri, PercentEncodesUnsafeBytes) {
  EXPECT_EQ(PercentEncodePath("src/app.js"), "src/app.js");
  EXPECT_EQ(PercentEncodePath("docs/my notes.md"), "docs/my%20notes.md");
  EXPECT_EQ(PercentEncodePath("bad\xff/x\ny.txt"), "bad%FF/x%0Ay.txt");
  EXPECT_EQ(PercentEncodePath("caf\xc3\xa9.txt"), "caf%C3%A9.txt");
  EXPECT_EQ(PercentEncodePath("a%20b#c?d"), "a%2520b%23c%3Fd");
  EXPECT_EQ(PercentEncodePath("c:/x"), "c%3A/x");  // not a scheme
  EXPECT_EQ(PercentEncodePath("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(PercentEncodePath("<stdin>"), "%3Cstdin%3E");
  EXPECT_EQ(PercentEncodePath("-._~"), "-._~");
}

TEST(SarifUri, DirectoryFileUriEndsWithSlash) {
  EXPECT_EQ(DirectoryFileUri("/home/dev/repo"), "file:///home/dev/repo/");
  EXPECT_EQ(DirectoryFileUri("/home/dev/repo/"), "file:///home/dev/repo/");
  EXPECT_EQ(DirectoryFileUri("/tmp/a b"), "file:///tmp/a%20b/");
  EXPECT_EQ(DirectoryFileUri("/"), "file:///");
}

TEST(SarifUri, ResultUriIsEncodedAndRelative) {
  auto s = sample::MakeSample();
  json log = json::parse(WriteSarif(s->findings, s->info));
  std::set<std::string> uris;
  for (const json& r : log["runs"][0]["results"]) {
    const json& a = r["locations"][0]["physicalLocation"]["artifactLocation"];
    EXPECT_EQ(a["uriBaseId"], "%SRCROOT%");
    uris.insert(a["uri"]);
  }
  EXPECT_EQ(uris.count("docs/setup%20notes%FF.md"), 1u);
}

TEST(SarifName, PascalCaseOfId) {
  EXPECT_EQ(PascalCase("jwt-hmac-secret"), "JwtHmacSecret");
  EXPECT_EQ(PascalCase("aws_access.key-id2"), "AwsAccessKeyId2");
  EXPECT_EQ(PascalCase("---"), "Rule");
}

}  // namespace
}  // namespace keyhole::report
