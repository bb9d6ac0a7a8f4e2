// Issue 13, "a gate nobody can walk around": each test is a way a committer could once
// get a secret past `keyhole scan` (directory, --staged, --diff or --history) without
// an error, run through the keyhole binary on a real repository or tree in a temp dir.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "source/git_test_support.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using source::testing::Repo;

struct Scan {
  CommandResult r;
  json report;
  // The findings whose secret is `secret` (the scan runs with --show-secrets).
  std::vector<json> Of(const std::string& secret) const {
    std::vector<json> out;
    for (const json& f : report.value("findings", json::array())) {
      if (f.value("secret", "") == secret) out.push_back(f);
    }
    return out;
  }
  bool Found(const std::string& secret) const { return !Of(secret).empty(); }
  const json& summary() const { return report["summary"]; }
  std::string Notes() const { return summary().is_object() ? summary()["notes"].dump() : ""; }
};

// `keyhole scan <args> --format json --show-secrets --no-progress <path>`.
Scan ScanJson(const fs::path& path, std::vector<std::string> args = {}) {
  std::vector<std::string> argv = {"scan"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--format", "json", "--show-secrets", "--no-progress", path.string()});
  Scan s;
  s.r = RunKeyhole(argv);
  s.report = json::parse(s.r.out, nullptr, false);
  EXPECT_FALSE(s.report.is_discarded()) << "not JSON: " << s.r.out << "\nstderr: " << s.r.err;
  if (s.report.is_discarded()) s.report = json::object();
  return s;
}

std::string SecretLine(unsigned seed) { return "token = \"" + FakeGithubToken(seed) + "\"\n"; }

// ---------------------------------------------------------------------------------------
// Item 4: .gitignore applies only to untracked files, as in git.

TEST(Walkaround, TrackedFileMatchingGitignoreIsScanned) {
  Repo r;
  r.Write(".gitignore", ".env\n");
  r.Write(".env", SecretLine(401));
  r.Git({"add", ".gitignore"});
  r.Git({"add", "-f", ".env"});
  r.Git({"commit", "-q", "-m", "config"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  ASSERT_EQ(s.Of(FakeGithubToken(401)).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(FakeGithubToken(401))[0]["path"], ".env");
}

// A pull request that adds `*` to .gitignore must not hide the files it (or anyone) committed.
TEST(Walkaround, StarInGitignoreDoesNotHideCommittedFiles) {
  Repo r;
  r.Commit("src/deploy.sh", "export GH_TOKEN=" + FakeGithubToken(402) + "\n", "deploy script");
  r.Write(".gitignore", "*\n");  // ignores itself too: added with -f, as the PR would
  r.Git({"add", "-f", ".gitignore"});
  r.Git({"commit", "-q", "-m", "ignore everything"});
  r.Write("src/untracked.sh", "export GH_TOKEN=" + FakeGithubToken(403) + "\n");  // never added
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(402))) << s.r.out;
  // Untracked and ignored: still left out, as git leaves it out.
  EXPECT_FALSE(s.Found(FakeGithubToken(403))) << s.r.out;
}

// An ignored directory is entered when it holds a tracked file; its untracked files stay out.
TEST(Walkaround, TrackedFileInAnIgnoredDirectoryIsScanned) {
  Repo r;
  r.Write(".gitignore", "build/\n");
  r.Write("build/keep/settings.ini", SecretLine(404));
  r.Write("build/out.log", SecretLine(405));
  r.Git({"add", ".gitignore"});
  r.Git({"add", "-f", "build/keep/settings.ini"});
  r.Git({"commit", "-q", "-m", "settings"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(404))) << s.r.out;
  EXPECT_FALSE(s.Found(FakeGithubToken(405))) << s.r.out;
  // Scanning the ignored subdirectory itself scans everything in it (asked for explicitly).
  Scan sub = ScanJson(r.path() / "build");
  EXPECT_TRUE(sub.Found(FakeGithubToken(404))) << sub.r.out;
  EXPECT_TRUE(sub.Found(FakeGithubToken(405))) << sub.r.out;
}

// Staged but not yet committed is tracked too.
TEST(Walkaround, StagedIgnoredFileIsScannedByTheDirectoryScan) {
  Repo r;
  r.Commit(".gitignore", "secrets/\n", "ignore");
  r.Write("secrets/prod.env", SecretLine(406));
  r.Git({"add", "-f", "secrets/prod.env"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(406))) << s.r.out;
}

}  // namespace
}  // namespace keyhole::testing
