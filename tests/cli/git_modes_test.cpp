// End-to-end tests of the git scan modes (--history, --staged, --diff) through the keyhole
// binary, on real repositories built with the git CLI in temp dirs: what is reported, with
// which commit facts, and which exit code.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <set>
#include <sstream>

#include "source/git_test_support.h"
#include "support/sarif_validator.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using source::testing::Repo;

std::string Token(unsigned seed) { return FakeGithubToken(seed); }
std::string SecretLine(unsigned seed) { return "token = \"" + Token(seed) + "\"\n"; }

struct Scan {
  CommandResult r;
  json report;
  // The findings whose secret is `secret` (the scan runs with --show-secrets).
  std::vector<json> Of(const std::string& secret) const {
    std::vector<json> out;
    if (!report.contains("findings")) return out;
    for (const json& f : report["findings"]) {
      if (f.value("secret", "") == secret) out.push_back(f);
    }
    return out;
  }
  bool Found(const std::string& secret) const { return !Of(secret).empty(); }
  const json& summary() const { return report["summary"]; }
  std::string Notes() const { return summary().is_object() ? summary()["notes"].dump() : ""; }
  std::string Errors() const { return summary().is_object() ? summary()["errors"].dump() : ""; }
};

// `keyhole scan <args> --format json --show-secrets --no-progress <path>`.
Scan ScanJson(const fs::path& path, std::vector<std::string> args) {
  std::vector<std::string> argv = {"scan"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--format", "json", "--show-secrets", "--no-progress", path.string()});
  Scan s;
  s.r = RunKeyhole(argv);
  s.report = json::parse(s.r.out, nullptr, false);
  EXPECT_FALSE(s.report.is_discarded()) << "not JSON: " << s.r.out << "\nstderr: " << s.r.err;
  return s;
}

fs::path LooseObjectPath(const Repo& r, const std::string& oid) {
  return r.path() / ".git" / "objects" / oid.substr(0, 2) / oid.substr(2);
}

void Overwrite(const fs::path& p, const std::string& bytes) {
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// ---------------------------------------------------------------------------------------
// --history

TEST(GitHistoryCli, DeletedSecretIsReportedWithTheIntroducingCommitInJson) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  std::string intro = r.Commit("config/app.env", SecretLine(1), "Add app config\n\nmore text",
                               {"--author=Alice Example <alice@example.com>"});
  r.Git({"rm", "-q", "config/app.env"});
  r.Git({"commit", "-q", "-m", "remove the secret"});
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.report["mode"], "history");
  auto hits = s.Of(Token(1));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  const json& f = hits[0];
  EXPECT_EQ(f["path"], "config/app.env");
  EXPECT_EQ(f["blob_id"], r.RevParse(intro + ":config/app.env"));
  EXPECT_EQ(f["git"]["commit"], intro);
  EXPECT_EQ(f["git"]["author"], "Alice Example");
  EXPECT_EQ(f["git"]["email"], "alice@example.com");
  EXPECT_EQ(f["git"]["date"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(f["git"]["summary"], "Add app config");
}

TEST(GitHistoryCli, SarifCarriesCommitFactsInPropertiesAndValidates) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  std::string intro = r.Commit("config/app.env", SecretLine(2), "Add app config",
                               {"--author=Alice Example <alice@example.com>"});
  r.Git({"rm", "-q", "config/app.env"});
  r.Git({"commit", "-q", "-m", "remove the secret"});
  fs::path sarif = r.root() / "out.sarif";
  CommandResult res = RunKeyhole({"scan", "--history", "--format", "sarif", "--no-progress", "-o",
                                  sarif.string(), r.path().string()});
  EXPECT_EQ(res.exit_code, 1) << res.err;
  json log = json::parse(ReadFile(sarif), nullptr, false);
  ASSERT_FALSE(log.is_discarded());
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << log.dump(2);
  const json& props = results[0]["properties"];
  EXPECT_EQ(props["commit"], intro);
  EXPECT_EQ(props["author"], "Alice Example");
  EXPECT_EQ(props["email"], "alice@example.com");
  EXPECT_EQ(props["date"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(props["summary"], "Add app config");
  EXPECT_EQ(props["blob_id"], r.RevParse(intro + ":config/app.env"));
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "config/app.env");

  SarifValidation v = ValidateSarif(sarif);
  ASSERT_TRUE(v.ran) << v.problem;
  EXPECT_EQ(v.errors, 0) << ::testing::PrintToString(v.messages);
}

TEST(GitHistoryCli, TextOutputShowsTheCommitAuthorAndDate) {
  Repo r;
  std::string intro = r.Commit("app.env", SecretLine(3), "Add app config",
                               {"--author=Alice Example <alice@example.com>"});
  CommandResult res = RunKeyhole({"scan", "--history", "--no-progress", "--color", "never", r.path().string()});
  EXPECT_EQ(res.exit_code, 1) << res.err;
  EXPECT_NE(res.out.find("commit " + intro.substr(0, 12) + " by Alice Example <alice@example.com> on "
                         "2024-01-02T03:04:05Z: Add app config"),
            std::string::npos)
      << res.out;
  EXPECT_EQ(res.out.find(Token(3)), std::string::npos) << "the secret is printed in full";
}

TEST(GitHistoryCli, SecretOnlyOnASideBranchIsReported) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"checkout", "-q", "-b", "side"});
  std::string side = r.Commit("side.env", SecretLine(4), "side work");
  r.Git({"checkout", "-q", "main"});
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(4));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], side);
}

TEST(GitHistoryCli, SecretOnlyReachableFromATagIsReported) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"checkout", "-q", "-b", "release-prep"});
  std::string tagged = r.Commit("release.env", SecretLine(5), "release config");
  r.Git({"tag", "-a", "v1.0", "-m", "release 1.0"});
  r.Git({"checkout", "-q", "main"});
  r.Git({"branch", "-q", "-D", "release-prep"});
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(5));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], tagged);
}

TEST(GitHistoryCli, SecretOnlyInTheStashIsReported) {
  Repo r;
  r.Commit("app.env", "token = placeholder\n", "initial");
  r.Write("app.env", SecretLine(6));
  r.Git({"stash", "-q"});
  ASSERT_EQ(ReadFile(r.path() / "app.env"), "token = placeholder\n");
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.Of(Token(6)).size(), 1u) << s.r.out;
}

TEST(GitHistoryCli, SecretInAnOlderStashEntryIsReported) {
  Repo r;
  r.Commit("app.env", "token = placeholder\n", "initial");
  r.Write("app.env", SecretLine(12));
  r.Git({"stash", "-q"});
  r.Write("app.env", "token = other\n");
  r.Git({"stash", "-q"});  // the secret is now stash@{1}, only in refs/stash's reflog
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.Of(Token(12)).size(), 1u) << s.r.out;
}

TEST(GitHistoryCli, SecretInPackedObjectsAfterAggressiveGcIsReported) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  std::string intro = r.Commit("app.env", SecretLine(7), "add config");
  r.Git({"rm", "-q", "app.env"});
  r.Git({"commit", "-q", "-m", "remove"});
  r.Git({"gc", "-q", "--aggressive", "--prune=now"});
  ASSERT_FALSE(fs::exists(LooseObjectPath(r, r.RevParse(intro + ":app.env"))));
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(7));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], intro);
}

TEST(GitHistoryCli, BranchNarrowsTheScanToThatBranch) {
  Repo r;
  r.Commit("main.env", SecretLine(8), "main secret");
  r.Git({"checkout", "-q", "-b", "side"});
  r.Commit("side.env", SecretLine(9), "side secret");
  r.Git({"checkout", "-q", "main"});
  Scan s = ScanJson(r.path(), {"--history", "--branch", "main"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(Token(8))) << s.r.out;
  EXPECT_FALSE(s.Found(Token(9))) << s.r.out;
}

TEST(GitHistoryCli, UnknownBranchIsExit2NamingIt) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  CommandResult res = RunKeyhole({"scan", "--history", "--branch", "no-such-branch", "--no-progress",
                                  r.path().string()});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_NE(res.err.find("no-such-branch"), std::string::npos) << res.err;
}

TEST(GitHistoryCli, BlobInFiftyCommitsIsReportedOnce) {
  Repo r;
  std::string intro = r.Commit("app.env", SecretLine(10), "add config");
  for (int i = 0; i < 49; ++i) r.Commit("counter.txt", std::to_string(i) + "\n", "tick " + std::to_string(i));
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(10));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], intro);
  // app.env once, and each of the 49 versions of counter.txt once.
  EXPECT_EQ(s.summary()["files_scanned"], 50);
}

TEST(GitHistoryCli, RenamedFileIsReportedOnceAtItsFirstPath) {
  Repo r;
  std::string intro = r.Commit("old/app.env", SecretLine(11), "add config");
  r.Git({"mv", "old", "new"});
  r.Git({"commit", "-q", "-m", "rename"});
  r.Git({"checkout", "-q", "-b", "copy"});
  r.Commit("copy/app.env", SecretLine(11), "same content elsewhere");
  r.Git({"checkout", "-q", "main"});
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(11));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["path"], "old/app.env");
  EXPECT_EQ(hits[0]["git"]["commit"], intro);
}

// ---------------------------------------------------------------------------------------
// --staged

TEST(GitStagedCli, OnlyTheNewSecretInAFileIsReported) {
  Repo r;
  r.Commit("app.env", SecretLine(20), "existing secret");
  r.Write("app.env", SecretLine(20) + "other = 1\n" + SecretLine(21));
  r.Git({"add", "app.env"});
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.report["mode"], "staged");
  EXPECT_FALSE(s.Found(Token(20))) << s.r.out;
  auto hits = s.Of(Token(21));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["location"]["start_line"], 3);
}

TEST(GitStagedCli, CleanStagedChangeExitsZero) {
  Repo r;
  r.Commit("app.env", SecretLine(22), "existing secret");
  r.Write("app.env", SecretLine(22) + "timeout = 30\n");
  r.Git({"add", "app.env"});
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_EQ(s.summary()["files_scanned"], 1);
  EXPECT_EQ(s.summary()["findings"], 0);
}

TEST(GitStagedCli, DeletedFileIsNotScanned) {
  Repo r;
  r.Commit("app.env", SecretLine(23), "existing secret");
  r.Git({"rm", "-q", "app.env"});
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_EQ(s.summary()["files_scanned"], 0);
}

TEST(GitStagedCli, SecretStagedButRemovedFromTheWorkingCopyIsReported) {
  Repo r;
  r.Commit("app.env", "a = 1\n", "initial");
  r.Write("app.env", "a = 1\n" + SecretLine(24));
  r.Git({"add", "app.env"});
  r.Write("app.env", "a = 1\n");
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(Token(24))) << s.r.out;
}

TEST(GitStagedCli, SecretOnlyInTheWorkingCopyIsNotReported) {
  Repo r;
  r.Commit("app.env", "a = 1\n", "initial");
  r.Write("app.env", "a = 1\nb = 2\n");
  r.Git({"add", "app.env"});
  r.Write("app.env", "a = 1\nb = 2\n" + SecretLine(25));
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_FALSE(s.Found(Token(25)));
  EXPECT_EQ(s.summary()["files_scanned"], 1);
}

TEST(GitStagedCli, FreshRepositoryWithoutCommitsScansTheIndex) {
  Repo r;
  r.Write("app.env", SecretLine(26));
  r.Write("README.md", "hello\n");
  r.Git({"add", "."});
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(Token(26))) << s.r.out;
  EXPECT_EQ(s.summary()["files_scanned"], 2);
}

TEST(GitStagedCli, LinkedWorktreeScansItsOwnIndex) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  fs::path wt = r.root() / "linked";
  r.Git({"worktree", "add", "-q", "-b", "feature", wt.string()});
  std::ofstream(wt / "app.env") << SecretLine(27);
  Git(wt, {"add", "app.env"});
  Scan in_wt = ScanJson(wt, {"--staged"});
  EXPECT_EQ(in_wt.r.exit_code, 1) << in_wt.r.err;
  EXPECT_TRUE(in_wt.Found(Token(27))) << in_wt.r.out;
  // The main work tree has nothing staged.
  Scan in_main = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(in_main.r.exit_code, 0) << in_main.r.out;
  EXPECT_FALSE(in_main.Found(Token(27)));
}

// ---------------------------------------------------------------------------------------
// --diff

// main: app.env with an old secret; feature (from main): app.env gains a new secret and
// new.env is added with another.
struct TwoBranches {
  Repo r;
  std::string base, head;
  TwoBranches() {
    r.Commit("app.env", SecretLine(30), "existing secret");
    base = r.Head();
    r.Git({"checkout", "-q", "-b", "feature"});
    r.Commit("app.env", SecretLine(30) + SecretLine(31), "add a key",
             {"--author=Bob Builder <bob@example.com>"});
    head = r.Commit("new.env", SecretLine(32), "add another key", {"--author=Bob Builder <bob@example.com>"});
  }
};

TEST(GitDiffCli, RangeReportsOnlyWhatTheHeadAdds) {
  TwoBranches t;
  t.r.Git({"checkout", "-q", "main"});
  Scan s = ScanJson(t.r.path(), {"--diff", "main..feature"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.report["mode"], "diff");
  EXPECT_FALSE(s.Found(Token(30))) << s.r.out;
  ASSERT_EQ(s.Of(Token(31)).size(), 1u) << s.r.out;
  ASSERT_EQ(s.Of(Token(32)).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(Token(32))[0]["git"]["commit"], t.head);
  EXPECT_EQ(s.Of(Token(32))[0]["git"]["author"], "Bob Builder");
}

TEST(GitDiffCli, SingleRevisionMeansUpToHead) {
  TwoBranches t;  // feature is checked out
  Scan s = ScanJson(t.r.path(), {"--diff", "main"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_FALSE(s.Found(Token(30))) << s.r.out;
  EXPECT_TRUE(s.Found(Token(31))) << s.r.out;
  EXPECT_TRUE(s.Found(Token(32))) << s.r.out;
}

TEST(GitDiffCli, ThreeDotRangeStartsAtTheMergeBase) {
  TwoBranches t;
  // After the fork, main rotates the old secret away. Against main's tip the feature
  // branch "adds" the old line back; against the merge base it does not.
  t.r.Git({"checkout", "-q", "main"});
  t.r.Commit("app.env", "token = from-vault\n", "rotate");
  Scan three = ScanJson(t.r.path(), {"--diff", "main...feature"});
  EXPECT_EQ(three.r.exit_code, 1) << three.r.err;
  EXPECT_FALSE(three.Found(Token(30))) << three.r.out;
  EXPECT_TRUE(three.Found(Token(31))) << three.r.out;
  Scan two = ScanJson(t.r.path(), {"--diff", "main..feature"});
  EXPECT_TRUE(two.Found(Token(30))) << two.r.out;
}

TEST(GitDiffCli, BadRevisionIsExit2NamingIt) {
  TwoBranches t;
  CommandResult res = RunKeyhole({"scan", "--diff", "main..no-such-ref", "--no-progress", t.r.path().string()});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_NE(res.err.find("no-such-ref"), std::string::npos) << res.err;
}

TEST(GitDiffCli, CleanRangeExitsZeroDespiteOldSecrets) {
  TwoBranches t;
  t.r.Git({"checkout", "-q", "main"});
  t.r.Git({"checkout", "-q", "-b", "docs"});
  t.r.Commit("README.md", "# docs\n", "docs only");
  Scan s = ScanJson(t.r.path(), {"--diff", "main..docs"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_EQ(s.summary()["files_scanned"], 1);
}

// The README's pull-request gate: a CI checkout (a clone with full history, detached at
// the PR head) runs `keyhole scan --diff BASE_SHA..HEAD_SHA`.
TEST(GitDiffCli, PullRequestGateFromTheReadme) {
  Repo origin;
  origin.Commit("src/app.js", "const x = 1;\n", "initial");
  origin.Commit("config/old.env", SecretLine(40), "legacy secret");  // already on main
  std::string base = origin.Head();
  origin.Git({"checkout", "-q", "-b", "clean-pr"});
  origin.Commit("src/app.js", "const x = 2;\n", "refactor");
  std::string clean_head = origin.Head();
  origin.Git({"checkout", "-q", "main"});
  origin.Git({"checkout", "-q", "-b", "leaky-pr"});
  origin.Commit("src/app.js", "const x = 3;\n", "feature");
  origin.Commit("src/api.js", "const key = \"" + Token(41) + "\";\n", "call the API",
                {"--author=Eve Dev <eve@example.com>"});
  std::string leaky_head = origin.Head();
  origin.Git({"checkout", "-q", "main"});
  origin.Commit("docs.md", "# docs\n", "main moves on");

  Git(origin.root(), {"clone", "-q", "file://" + origin.path().string(), "ci"});
  fs::path ci = origin.root() / "ci";
  Git(ci, {"fetch", "-q", "origin", "clean-pr", "leaky-pr"});

  Git(ci, {"checkout", "-q", "--detach", clean_head});
  Scan clean = ScanJson(ci, {"--diff", base + ".." + clean_head});
  EXPECT_EQ(clean.r.exit_code, 0) << clean.r.out << clean.r.err;

  Git(ci, {"checkout", "-q", "--detach", leaky_head});
  fs::path out = origin.root() / "keyhole.json";
  CommandResult leaky = RunKeyhole({"scan", "--diff", base + ".." + leaky_head, "--format", "json", "-o",
                                    out.string(), "--no-progress"},
                                   ci);
  EXPECT_EQ(leaky.exit_code, 1) << leaky.err;
  json report = json::parse(ReadFile(out), nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  ASSERT_EQ(report["findings"].size(), 1u) << report.dump(2);
  EXPECT_EQ(report["findings"][0]["path"], "src/api.js");
  EXPECT_EQ(report["findings"][0]["git"]["commit"], leaky_head);
  EXPECT_EQ(ReadFile(out).find(Token(41)), std::string::npos) << "secret in full in the CI artifact";
  // The same gate with remote-tracking names.
  Scan named = ScanJson(ci, {"--diff", "origin/main...origin/leaky-pr"});
  EXPECT_EQ(named.r.exit_code, 1) << named.r.err;
  EXPECT_TRUE(named.Found(Token(41)));
  EXPECT_FALSE(named.Found(Token(40)));
}

// ---------------------------------------------------------------------------------------
// Robustness: unusual and damaged repositories.

TEST(GitRobustnessCli, EmptyRepositoryHistoryExitsZero) {
  Repo r;
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_EQ(s.summary()["files_scanned"], 0);
  EXPECT_EQ(s.summary()["errors"].size(), 0u);
}

TEST(GitRobustnessCli, EmptyRepositoryStagedExitsZero) {
  Repo r;
  Scan s = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_EQ(s.summary()["files_scanned"], 0);
}

TEST(GitRobustnessCli, BareRepositoryHistoryIsScanned) {
  Repo r;
  std::string intro = r.Commit("app.env", SecretLine(50), "add config");
  r.Commit("b.txt", "b\n", "more");
  Git(r.root(), {"clone", "-q", "--bare", r.path().string(), "bare.git"});
  Scan s = ScanJson(r.root() / "bare.git", {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(50));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], intro);
  EXPECT_EQ(s.summary()["files_scanned"], 2);
}

TEST(GitRobustnessCli, ShallowCloneIsScannedWithANote) {
  Repo r;
  r.Commit("old.env", SecretLine(51), "old secret");
  r.Git({"rm", "-q", "old.env"});
  r.Git({"commit", "-q", "-m", "remove"});
  std::string tip = r.Commit("new.env", SecretLine(52), "new secret");
  Git(r.root(), {"clone", "-q", "--depth", "1", "file://" + r.path().string(), "shallow"});
  Scan s = ScanJson(r.root() / "shallow", {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  auto hits = s.Of(Token(52));
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["git"]["commit"], tip);
  EXPECT_FALSE(s.Found(Token(51)));  // before the cut: not in the clone
  EXPECT_NE(s.Notes().find("shallow clone"), std::string::npos) << s.Notes();
  EXPECT_EQ(s.summary()["errors"].size(), 0u) << s.Errors();
}

TEST(GitRobustnessCli, ShallowCloneWithoutFindingsExitsZero) {
  Repo r;
  r.Commit("a.txt", "a\n", "one");
  r.Commit("b.txt", "b\n", "two");
  Git(r.root(), {"clone", "-q", "--depth", "1", "file://" + r.path().string(), "shallow"});
  Scan s = ScanJson(r.root() / "shallow", {"--history"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
  EXPECT_NE(s.Notes().find("shallow clone"), std::string::npos) << s.Notes();
  EXPECT_EQ(s.summary()["files_scanned"], 2);
}

TEST(GitRobustnessCli, SubmoduleIsListedNotEntered) {
  Repo lib("lib");
  lib.Commit("lib.env", SecretLine(53), "library secret");
  Repo r;
  r.Commit("app.env", SecretLine(54), "app secret");
  r.Git({"-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.path().string(), "vendor/lib"});
  r.Git({"commit", "-q", "-m", "add submodule"});
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(Token(54))) << s.r.out;
  EXPECT_FALSE(s.Found(Token(53))) << s.r.out;
  EXPECT_NE(s.Notes().find("vendor/lib"), std::string::npos) << s.Notes();
  EXPECT_EQ(s.summary()["errors"].size(), 0u) << s.Errors();
}

TEST(GitRobustnessCli, LfsPointerIsNotScannedAsContent) {
  Repo r;
  std::string pointer =
      "version https://git-lfs.github.com/spec/v1\n"
      "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
      "size 12345\n";
  r.Commit("assets/model.bin", pointer, "add model via LFS");
  r.Commit("app.env", SecretLine(55), "config");
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(Token(55)));
  EXPECT_EQ(s.summary()["files_scanned"], 1);
  EXPECT_EQ(s.summary()["skipped_ignored"], 1);
}

// Two committed files: a good one with a secret (must still be reported) and a victim
// whose object the test damages.
struct DamagedRepo {
  Repo r;
  std::string victim;  // the victim blob's id
  DamagedRepo() {
    r.Commit("good.env", SecretLine(60), "good");
    r.Commit("victim.txt", "victim content that is long enough to compress\n", "victim");
    victim = r.RevParse("HEAD:victim.txt");
  }
};

// What every damaged-object scan must show: exit 2, the other blobs still scanned (token
// `seed` found), and exactly one error, on victim.txt. Returns that error's message.
std::string ExpectOnlyVictimLost(const Scan& s, unsigned seed) {
  EXPECT_EQ(s.r.exit_code, 2);
  EXPECT_TRUE(s.Found(Token(seed))) << s.r.out;
  if (s.summary()["errors"].size() != 1u) {
    ADD_FAILURE() << "expected exactly one error: " << s.Errors();
    return "";
  }
  EXPECT_EQ(s.summary()["errors"][0]["path"], "victim.txt");
  return s.summary()["errors"][0]["message"].get<std::string>();
}

TEST(GitRobustnessCli, CorruptLooseObjectIsExit2NamingItAndTheRestIsScanned) {
  DamagedRepo d;
  Overwrite(LooseObjectPath(d.r, d.victim), "\x13\x37 garbage bytes, not zlib \xff\xfe\x00\x01");
  Scan s = ScanJson(d.r.path(), {"--history"});
  std::string msg = ExpectOnlyVictimLost(s, 60);
  EXPECT_NE(msg.find(d.victim), std::string::npos) << msg;
  EXPECT_EQ(msg.find("not a blob"), std::string::npos) << "corruption misreported: " << msg;
  EXPECT_NE(s.r.err.find("could not be scanned"), std::string::npos) << s.r.err;
}

TEST(GitRobustnessCli, TruncatedLooseObjectIsExit2NamingIt) {
  DamagedRepo d;
  fs::path obj = LooseObjectPath(d.r, d.victim);
  std::string bytes = ReadFile(obj);
  Overwrite(obj, bytes.substr(0, bytes.size() / 2));
  Scan s = ScanJson(d.r.path(), {"--history"});
  EXPECT_NE(ExpectOnlyVictimLost(s, 60).find(d.victim), std::string::npos);
}

// libgit2 1.5 loops forever on a truncated loose object (libgit2#7342); the diff-based
// modes refuse such a repository up front instead.
TEST(GitRobustnessCli, TruncatedObjectInStagedScanIsExit2NamingIt) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Write("victim.txt", "staged victim content that is long enough to compress well\n");
  r.Git({"add", "."});
  std::string victim = Repo::Trim(r.Git({"rev-parse", ":victim.txt"}));
  fs::path obj = LooseObjectPath(r, victim);
  std::string bytes = ReadFile(obj);
  Overwrite(obj, bytes.substr(0, bytes.size() / 2));
  CommandResult res = RunKeyhole({"scan", "--staged", "--no-progress", r.path().string()});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_NE(res.err.find(victim), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("truncated"), std::string::npos) << res.err;
}

TEST(GitRobustnessCli, TruncatedObjectInDiffScanIsExit2NamingIt) {
  DamagedRepo d;
  fs::path obj = LooseObjectPath(d.r, d.victim);
  std::string bytes = ReadFile(obj);
  Overwrite(obj, bytes.substr(0, bytes.size() / 2));
  CommandResult res = RunKeyhole({"scan", "--diff", "HEAD~1", "--no-progress", d.r.path().string()});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_NE(res.err.find(d.victim), std::string::npos) << res.err;
}

TEST(GitRobustnessCli, MissingLooseObjectIsExit2NamingIt) {
  DamagedRepo d;
  fs::remove(LooseObjectPath(d.r, d.victim));
  Scan s = ScanJson(d.r.path(), {"--history"});
  std::string msg = ExpectOnlyVictimLost(s, 60);
  EXPECT_NE(msg.find(d.victim), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(GitRobustnessCli, MissingObjectInStagedScanIsExit2) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Write("good.env", SecretLine(61));
  r.Write("victim.txt", "staged victim\n");
  r.Git({"add", "."});
  fs::remove(LooseObjectPath(r, Repo::Trim(r.Git({"rev-parse", ":victim.txt"}))));
  Scan s = ScanJson(r.path(), {"--staged"});
  ExpectOnlyVictimLost(s, 61);
}

// The offset of `oid`'s entry in the repository's single pack (from git verify-pack).
uint64_t PackOffset(const Repo& r, const fs::path& pack, const std::string& oid) {
  fs::path idx = pack;
  idx.replace_extension(".idx");
  std::string out = r.Git({"verify-pack", "-v", idx.string()});
  size_t at = out.find(oid + " ");
  if (at == std::string::npos) return 0;
  std::istringstream line(out.substr(at, out.find('\n', at) - at));
  std::string id, type;
  uint64_t size = 0, packed = 0, offset = 0;
  line >> id >> type >> size >> packed >> offset;
  return offset;
}

fs::path OnlyPack(const Repo& r) {
  fs::path pack;
  for (const auto& e : fs::directory_iterator(r.path() / ".git" / "objects" / "pack")) {
    if (e.path().extension() == ".pack") pack = e.path();
  }
  return pack;
}

TEST(GitRobustnessCli, CorruptObjectInAPackIsExit2NamingItAndTheRestIsScanned) {
  DamagedRepo d;
  d.r.Git({"gc", "-q", "--prune=now"});
  fs::path pack = OnlyPack(d.r);
  ASSERT_FALSE(pack.empty());
  uint64_t offset = PackOffset(d.r, pack, d.victim);
  ASSERT_GT(offset, 0u);
  std::string bytes = ReadFile(pack);
  // Past the entry's 1-2 byte header, into its zlib stream.
  for (uint64_t i = offset + 4; i < offset + 12 && i < bytes.size(); ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  Overwrite(pack, bytes);
  Scan s = ScanJson(d.r.path(), {"--history"});
  EXPECT_NE(ExpectOnlyVictimLost(s, 60).find(d.victim), std::string::npos);
}

TEST(GitRobustnessCli, PackFullOfGarbageIsExit2WithAClearMessage) {
  DamagedRepo d;
  d.r.Git({"gc", "-q", "--prune=now"});
  fs::path pack = OnlyPack(d.r);
  ASSERT_FALSE(pack.empty());
  std::string bytes = ReadFile(pack);
  for (size_t i = 12; i + 20 < bytes.size(); i += 3) bytes[i] = static_cast<char>(bytes[i] ^ 0xff);
  Overwrite(pack, bytes);
  Scan s = ScanJson(d.r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 2);
  ASSERT_FALSE(s.summary()["errors"].empty()) << s.r.out;
  // The commit the branch points at cannot be read: the error names the ref and the object.
  std::string errors = s.Errors();
  EXPECT_NE(errors.find("refs/heads/main"), std::string::npos) << errors;
  EXPECT_NE(errors.find(d.r.Head()), std::string::npos) << errors;
  EXPECT_NE(s.r.err.find("could not be scanned"), std::string::npos) << s.r.err;
}

TEST(GitRobustnessCli, TenThousandRefsScanEachBlobOnce) {
  Repo r;
  std::vector<std::string> commits;
  commits.push_back(r.Commit("app.env", SecretLine(62), "secret"));
  commits.push_back(r.Commit("b.txt", "b\n", "two"));
  commits.push_back(r.Commit("c.txt", "c\n", "three"));
  // Written as packed-refs (what a big mirror has), sorted by name as git requires.
  std::vector<std::string> lines;
  for (int i = 0; i < 10000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "refs/heads/b%05d", i);
    lines.push_back(commits[static_cast<size_t>(i) % commits.size()] + " " + name);
  }
  lines.push_back(commits.back() + " refs/heads/main");
  std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
    return a.substr(41) < b.substr(41);
  });
  fs::remove(r.path() / ".git" / "refs" / "heads" / "main");
  std::ofstream packed(r.path() / ".git" / "packed-refs");
  packed << "# pack-refs with: peeled fully-peeled sorted \n";
  for (const std::string& l : lines) packed << l << "\n";
  packed.close();
  ASSERT_EQ(Repo::Trim(r.Git({"for-each-ref", "--count=20000", "--format=x"})).size(), 10001u * 2 - 1);
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_EQ(s.Of(Token(62)).size(), 1u) << s.r.out;
  EXPECT_EQ(s.summary()["files_scanned"], 3);
  EXPECT_EQ(s.summary()["errors"].size(), 0u) << s.Errors();
}

TEST(GitRobustnessCli, RepositoryOwnedByAnotherUserIsScanned) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown the repository to another user";
  Repo r;
  r.Commit("app.env", SecretLine(63), "secret");
  keyhole::testing::Run({"chown", "-R", "65534:65534", r.path().string()});
  // git itself refuses this repository (safe.directory): the case is real.
  CommandResult git = keyhole::testing::Run({"git", "-C", r.path().string(), "rev-parse", "HEAD"}, {}, {},
                          {"GIT_CONFIG_NOSYSTEM=1", "HOME=" + r.root().string()});
  EXPECT_NE(git.exit_code, 0);
  Scan history = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(history.r.exit_code, 1) << history.r.err;
  EXPECT_TRUE(history.Found(Token(63)));
  EXPECT_EQ(history.summary()["errors"].size(), 0u) << history.Errors();
  Scan staged = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(staged.r.exit_code, 0) << staged.r.out << staged.r.err;
}

TEST(GitRobustnessCli, DotGitFileLinkingToTheGitDirWorks) {
  Repo r;
  std::string intro = r.Commit("app.env", SecretLine(64), "secret");
  fs::rename(r.path() / ".git", r.root() / "elsewhere.git");
  std::ofstream(r.path() / ".git") << "gitdir: " << (r.root() / "elsewhere.git").string() << "\n";
  Scan history = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(history.r.exit_code, 1) << history.r.err;
  ASSERT_EQ(history.Of(Token(64)).size(), 1u) << history.r.out;
  EXPECT_EQ(history.Of(Token(64))[0]["git"]["commit"], intro);
  r.Write("new.env", SecretLine(65));
  Git(r.path(), {"add", "new.env"});
  Scan staged = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(staged.r.exit_code, 1) << staged.r.err;
  EXPECT_TRUE(staged.Found(Token(65)));
  EXPECT_FALSE(staged.Found(Token(64)));
}

TEST(GitRobustnessCli, NotARepositoryIsExit2) {
  TempDir d;
  d.Write("a.txt", "a\n");
  CommandResult res = RunKeyhole({"scan", "--history", "--no-progress", d.path().string()});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_NE(res.err.find("not a git repository"), std::string::npos) << res.err;
}

}  // namespace
}  // namespace keyhole::testing
