// SARIF from real scans (directory, --history, --diff) through the SARIF Multitool with
// GitHub's ingestion rules, and a golden file of the demo scan.
// KEYHOLE_UPDATE_GOLDEN=1 rewrites fixtures/expected/demo_scan.sarif instead of comparing.
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "support/sarif_validator.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Describe(const SarifValidation& v) {
  std::string s = v.problem;
  for (const std::string& m : v.messages) s += "\n  " + m;
  return s;
}

// Runs `keyhole scan args... --format sarif -o FILE`, expects `exit_code` (1: findings),
// validates FILE, returns the log.
json ScanAndValidate(const std::vector<std::string>& args, const fs::path& cwd = {}, int exit_code = 1) {
  TempDir out;
  fs::path file = out.path() / "keyhole.sarif";
  std::vector<std::string> a = {"scan"};
  a.insert(a.end(), args.begin(), args.end());
  a.insert(a.end(), {"--format", "sarif", "-o", file.string()});
  CommandResult r = RunKeyhole(a, cwd);
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  SarifValidation v = ValidateSarif(file);
  EXPECT_TRUE(v.ran) << v.problem;
  EXPECT_EQ(v.errors, 0) << Describe(v);
  EXPECT_EQ(v.warnings, 0) << Describe(v);
  json log = json::parse(ReadFile(file), nullptr, false);
  EXPECT_FALSE(log.is_discarded());
  return log;
}

// A repository whose second commit adds a secret that its third commit deletes.
struct HistoryRepo {
  TempDir dir;
  std::string token = FakeGithubToken(501);
  std::string base, leak;
  HistoryRepo() {
    dir.Write("README.md", "# app\n");
    Git(dir.path(), {"init", "-q"});
    Git(dir.path(), {"add", "-A"});
    Git(dir.path(), {"commit", "-q", "-m", "initial"});
    base = Head();
    dir.Write("deploy/ci.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");
    Git(dir.path(), {"add", "-A"});
    Git(dir.path(), {"commit", "-q", "-m", "add deploy script"});
    leak = Head();
    dir.Write("deploy/ci.sh", "#!/bin/sh\nexport GH_TOKEN=\"$CI_TOKEN\"\n");
    Git(dir.path(), {"commit", "-q", "-am", "use the CI secret"});
  }
  std::string Head() {
    std::string h = Git(dir.path(), {"rev-parse", "HEAD"});
    return h.substr(0, h.find('\n'));
  }
};

TEST(SarifScan, DemoScanPassesTheValidator) {
  json log = ScanAndValidate({(SourceDir() / "fixtures/demo").string()});
  ASSERT_TRUE(log.contains("runs"));
  EXPECT_GE(log["runs"][0]["results"].size(), 5u);
}

TEST(SarifScan, AutomationIdNamesTheMode) {
  json log = ScanAndValidate({(SourceDir() / "fixtures/demo").string()});
  EXPECT_EQ(log["runs"][0]["automationDetails"]["id"], "keyhole/directory/");
}

TEST(SarifScan, AutomationIdCanBeSet) {
  json log = ScanAndValidate({(SourceDir() / "fixtures/demo").string(), "--automation-id", "nightly/demo/"});
  EXPECT_EQ(log["runs"][0]["automationDetails"]["id"], "nightly/demo/");
}

TEST(SarifScan, HistoryScanPassesTheValidatorAndCarriesTheCommit) {
  HistoryRepo repo;
  json log = ScanAndValidate({"--history", repo.dir.path().string()});
  const json& run = log["runs"][0];
  EXPECT_EQ(run["automationDetails"]["id"], "keyhole/history/");
  ASSERT_EQ(run["results"].size(), 1u) << run["results"].dump(2);
  const json& props = run["results"][0]["properties"];
  EXPECT_EQ(props["commit"], repo.leak);
  EXPECT_EQ(props["author"], "Test Author");
  EXPECT_EQ(props["email"], "author@example.com");
  EXPECT_NE(props["date"].get<std::string>().find("2024-01-02"), std::string::npos) << props.dump();
  EXPECT_EQ(log.dump().find(repo.token), std::string::npos) << "the secret leaked into SARIF";
}

TEST(SarifScan, DiffScanPassesTheValidator) {
  HistoryRepo repo;
  json log = ScanAndValidate({"--diff", repo.base + ".." + repo.leak, repo.dir.path().string()});
  const json& run = log["runs"][0];
  EXPECT_EQ(run["automationDetails"]["id"], "keyhole/diff/");
  ASSERT_EQ(run["results"].size(), 1u) << run["results"].dump(2);
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "deploy/ci.sh");
}

// A failed scan's SARIF (an unknown revision) is still a valid log GitHub accepts, and
// says that the run failed.
TEST(SarifScan, FailedScanIsValidAndSaysItFailed) {
  HistoryRepo repo;
  json log = ScanAndValidate({repo.dir.path().string(), "--diff", "no-such-rev..HEAD"}, {}, /*exit_code=*/2);
  ASSERT_FALSE(log.is_discarded());
  const json& inv = log["runs"][0]["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false);
  EXPECT_NE(inv["toolExecutionNotifications"][0]["message"]["text"].get<std::string>().find("no-such-rev"),
            std::string::npos)
      << inv.dump();
}

// The demo scan's SARIF, byte for byte, with the machine-specific root URI and the rules
// hash replaced.
TEST(SarifScan, DemoScanMatchesGoldenFile) {
  TempDir out;
  fs::path file = out.path() / "demo.sarif";
  CommandResult r =
      RunKeyhole({"scan", (SourceDir() / "fixtures/demo").string(), "--format", "sarif", "-o", file.string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json log = json::parse(ReadFile(file));
  json& root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
  ASSERT_TRUE(root.is_string()) << log["runs"][0]["originalUriBaseIds"].dump();
  std::string uri = root.get<std::string>();
  EXPECT_EQ(uri.rfind("file:///", 0), 0u) << uri;
  EXPECT_EQ(uri.back(), '/') << uri;
  root = "file:///SRCROOT/";
  // The rules hash changes with every rule edit; the golden file pins the report's shape.
  std::function<void(json&)> mask_hash = [&](json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "rules_hash") it.value() = "RULES_HASH";
        else mask_hash(it.value());
      }
    } else if (j.is_array()) {
      for (json& e : j) mask_hash(e);
    }
  };
  mask_hash(log);
  std::string actual = log.dump(2) + "\n";

  fs::path golden = SourceDir() / "fixtures/expected/demo_scan.sarif";
  const char* update = std::getenv("KEYHOLE_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing: run with KEYHOLE_UPDATE_GOLDEN=1";
  std::string expected = ReadFile(golden);
  if (actual == expected) return;
  size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  size_t from = actual.rfind('\n', at) == std::string::npos ? 0 : actual.rfind('\n', at) + 1;
  ADD_FAILURE() << "demo SARIF differs from " << golden << " at byte " << at << ":\n  expected: "
                << expected.substr(from, 160) << "\n  actual:   " << actual.substr(from, 160)
                << "\nif the change is intended (rules or analyzers changed), rerun with KEYHOLE_UPDATE_GOLDEN=1";
}

}  // namespace
}  // namespace keyhole::testing
