// The gate cannot be walked around: the pre-commit hook sees the index git is committing
// (`git commit -a`, `git commit <path>`), a failed scan never writes a report that reads
// "clean", reports are replaced atomically (no truncated or stale report, no symlink
// followed), and an empty --diff endpoint is an error. Real git, real files.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void WriteIn(const fs::path& root, const std::string& rel, const std::string& content) {
  fs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel, std::ios::binary) << content;
}

class CommitGate : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = home_.path() / "repo";
    fs::create_directories(repo_);
    Git(repo_, {"init", "-q"});
    WriteIn(repo_, "README.md", "# project\n");
    WriteIn(repo_, "deploy.sh", "#!/bin/sh\necho deploy\n");
    Git(repo_, {"add", "-A"});
    Git(repo_, {"commit", "-q", "-m", "initial"});
  }

  CommandResult GitHooked(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv, repo_, {}, HookEnv(home_.path()));
  }

  void InstallKeyholeHook() {
    CommandResult r = RunKeyhole({"hook", "install", "--repo", repo_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Whether the last commit is still "initial" (the hook refused the new one).
  bool NothingCommitted() { return Git(repo_, {"log", "-1", "--format=%s"}) == "initial\n"; }

  TempDir home_;
  fs::path repo_;
};

TEST_F(CommitGate, CommitAllOfAModifiedTrackedFileIsScanned) {
  InstallKeyholeHook();
  const std::string token = FakeGithubToken(1301);
  WriteIn(repo_, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");  // not staged
  CommandResult r = GitHooked({"commit", "-q", "-a", "-m", "x"});
  EXPECT_NE(r.exit_code, 0) << "git commit -a went past the hook: " << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("github-pat"), std::string::npos) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find(token), std::string::npos) << "the secret leaked";
  EXPECT_TRUE(NothingCommitted());
}

TEST_F(CommitGate, CommitOfANamedPathIsScanned) {
  InstallKeyholeHook();
  const std::string token = FakeGithubToken(1302);
  WriteIn(repo_, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");
  // `git commit <path>` builds a temporary index (next-index-*.lock) from HEAD + <path>.
  CommandResult r = GitHooked({"commit", "-q", "-m", "x", "deploy.sh"});
  EXPECT_NE(r.exit_code, 0) << "git commit <path> went past the hook: " << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("github-pat"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(NothingCommitted());
}

TEST_F(CommitGate, CommitOfAnotherPathIgnoresWhatIsStagedButNotCommitted) {
  InstallKeyholeHook();
  // The token is staged, but `git commit README.md` commits only README.md: the index
  // the hook is given does not hold the token, so the commit goes through (and the
  // token stays staged for the next commit, which the hook will judge).
  WriteIn(repo_, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + FakeGithubToken(1303) + "\n");
  Git(repo_, {"add", "deploy.sh"});
  WriteIn(repo_, "README.md", "# project\n\nmore\n");
  CommandResult r = GitHooked({"commit", "-q", "-m", "docs", "README.md"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  CommandResult rest = GitHooked({"commit", "-q", "-m", "deploy"});
  EXPECT_NE(rest.exit_code, 0) << rest.out << rest.err;
}

TEST_F(CommitGate, StagedHonoursGitIndexFile) {
  // What git does for the hook, done by hand: an alternative index holding the token.
  const std::string token = FakeGithubToken(1304);
  WriteIn(repo_, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");
  const fs::path alt = repo_ / ".git/alt-index";
  fs::copy_file(repo_ / ".git/index", alt);
  CommandResult add = testing::Run({"git", "add", "deploy.sh"}, repo_, {}, {"GIT_INDEX_FILE=" + alt.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  CommandResult plain = RunKeyhole({"scan", "--staged", "."}, repo_);
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;  // .git/index has nothing new
  CommandResult hooked = RunKeyhole({"scan", "--staged", "."}, repo_, {}, {"GIT_INDEX_FILE=" + alt.string()});
  EXPECT_EQ(hooked.exit_code, 1) << hooked.out << hooked.err;
  EXPECT_NE(hooked.out.find("deploy.sh"), std::string::npos) << hooked.out;
}

TEST_F(CommitGate, PreCommitFrameworkCommitAllIsScanned) {
  // The hook repository: this checkout's manifest and entry script.
  const fs::path hooks = home_.path() / "keyhole-hooks";
  fs::create_directories(hooks / "scripts");
  fs::copy_file(SourceDir() / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml");
  fs::copy_file(SourceDir() / "scripts/pre-commit-hook.sh", hooks / "scripts/pre-commit-hook.sh");
  Git(hooks, {"init", "-q"});
  Git(hooks, {"add", "-A"});
  Git(hooks, {"commit", "-q", "-m", "hooks"});
  std::string rev = Git(hooks, {"rev-parse", "HEAD"});
  rev.erase(rev.find_last_not_of('\n') + 1);
  WriteIn(repo_, ".pre-commit-config.yaml",
          "repos:\n  - repo: " + hooks.string() + "\n    rev: " + rev + "\n    hooks:\n      - id: keyhole\n");
  Git(repo_, {"add", "-A"});
  Git(repo_, {"commit", "-q", "-m", "pre-commit config"});
  CommandResult install = testing::Run({"pre-commit", "install"}, repo_, {}, HookEnv(home_.path()));
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;

  WriteIn(repo_, "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + FakeGithubToken(1305) + "\n");
  CommandResult r = GitHooked({"commit", "-q", "-a", "-m", "x"});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("github-pat"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(Git(repo_, {"log", "-1", "--format=%s"}), "pre-commit config\n");
}

// --- failed scans -------------------------------------------------------------------

class FailedScan : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() / "repo";
    fs::create_directories(repo_);
    Git(repo_, {"init", "-q"});
    WriteIn(repo_, "app.py", "print('hi')\n");
    Git(repo_, {"add", "-A"});
    Git(repo_, {"commit", "-q", "-m", "initial"});
  }

 public:
  // Runs `scan args... --format F -o OUT` over an earlier, clean report at OUT.
  CommandResult ScanOverOldReport(std::vector<std::string> args, const std::string& format, fs::path* out) {
    *out = dir_.path() / ("report." + format);
    WriteIn(dir_.path(), out->filename().string(), "an earlier run's report: clean\n");
    args.insert(args.end(), {"--format", format, "-o", out->string()});
    return RunKeyhole(args, repo_);
  }

 protected:
  TempDir dir_;
  fs::path repo_;
};

void ExpectFailedReports(FailedScan* t, const std::vector<std::string>& args, const std::string& why) {
  fs::path out;
  CommandResult text = t->ScanOverOldReport(args, "text", &out);
  EXPECT_EQ(text.exit_code, 2) << text.out << text.err;
  EXPECT_NE(text.err.find(why), std::string::npos) << text.err;
  std::string body = ReadFile(out);
  EXPECT_EQ(body.find("No secrets found"), std::string::npos) << body;
  EXPECT_EQ(body.find("earlier run"), std::string::npos) << "a stale report survived: " << body;
  EXPECT_NE(body.find("Scan failed"), std::string::npos) << body;
  EXPECT_NE(body.find(why), std::string::npos) << body;

  CommandResult j = t->ScanOverOldReport(args, "json", &out);
  EXPECT_EQ(j.exit_code, 2) << j.err;
  json report = json::parse(ReadFile(out), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << ReadFile(out);
  EXPECT_EQ(report["summary"]["status"], "failed");
  ASSERT_FALSE(report["summary"]["errors"].empty());
  EXPECT_EQ(report["summary"]["errors"][0]["fatal"], true);
  EXPECT_NE(report["summary"]["errors"][0]["message"].get<std::string>().find(why), std::string::npos);

  CommandResult s = t->ScanOverOldReport(args, "sarif", &out);
  EXPECT_EQ(s.exit_code, 2) << s.err;
  json sarif = json::parse(ReadFile(out), nullptr, false);
  ASSERT_FALSE(sarif.is_discarded()) << ReadFile(out);
  const json& inv = sarif["runs"][0]["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false) << inv.dump();
  ASSERT_TRUE(inv.contains("toolExecutionNotifications")) << inv.dump();
  EXPECT_EQ(inv["toolExecutionNotifications"][0]["level"], "error");
}

TEST_F(FailedScan, UnknownDiffRevisionIsAFailureInEveryFormat) {
  ExpectFailedReports(this, {"scan", ".", "--diff", "no-such-branch..HEAD"}, "unknown revision 'no-such-branch'");
}

TEST_F(FailedScan, UnknownHistoryBranchIsAFailureInEveryFormat) {
  fs::path out;
  CommandResult r = ScanOverOldReport({"scan", ".", "--history", "--branch", "no-such-branch"}, "sarif", &out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json sarif = json::parse(ReadFile(out), nullptr, false);
  ASSERT_FALSE(sarif.is_discarded());
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
}

TEST_F(FailedScan, CorruptIndexIsAFailureInEveryFormat) {
  std::ofstream(repo_ / ".git/index", std::ios::binary | std::ios::trunc) << "DIRC\0\0\0\2garbage";
  ExpectFailedReports(this, {"scan", ".", "--staged"}, "index");
}

TEST_F(FailedScan, ConfigThatDoesNotLoadIsAFailureInEveryFormat) {
  WriteIn(repo_, "bad.toml", "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n");
  ExpectFailedReports(this, {"scan", ".", "--config", "bad.toml"}, "bad.toml");
}

TEST_F(FailedScan, TextOnTheTerminalSaysFailedNotClean) {
  CommandResult r = RunKeyhole({"scan", ".", "--diff", "no-such-branch"}, repo_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ((r.out + r.err).find("No secrets found"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown revision"), std::string::npos) << r.err;
}

TEST_F(FailedScan, EmptyDiffEndpointsAreRejected) {
  for (const std::string range : {"", " ", "..", "...", "..HEAD", "HEAD..", "...HEAD", "HEAD..."}) {
    CommandResult r = RunKeyhole({"scan", ".", "--diff", range}, repo_);
    EXPECT_EQ(r.exit_code, 2) << "'" << range << "': " << r.out << r.err;
    EXPECT_NE(r.err.find("--diff"), std::string::npos) << "'" << range << "': " << r.err;
    EXPECT_EQ(r.out.find("No secrets found"), std::string::npos) << r.out;
  }
  CommandResult ok = RunKeyhole({"scan", ".", "--diff", "HEAD..HEAD"}, repo_);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST_F(FailedScan, HistoryOfABloblessPartialCloneIsNotClean) {
  Git(repo_, {"config", "uploadpack.allowFilter", "true"});
  const fs::path partial = dir_.path() / "partial";
  Git(dir_.path(), {"clone", "-q", "--filter=blob:none", "--no-checkout", "file://" + repo_.string(), "partial"});
  CommandResult r = RunKeyhole({"scan", "--history", "."}, partial);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out.find("No secrets found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Scan incomplete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("partial clone"), std::string::npos) << r.out;
  CommandResult j = RunKeyhole({"scan", "--history", ".", "--format", "json"}, partial);
  EXPECT_EQ(j.exit_code, 2);
  json report = json::parse(j.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << j.out;
  EXPECT_EQ(report["summary"]["status"], "incomplete");
  EXPECT_GE(report["summary"]["missing_objects"].get<int>(), 1);
}

TEST_F(FailedScan, HistoryFromTheMainWorktreeSeesALinkedWorktreesDetachedHead) {
  const fs::path linked = dir_.path() / "linked";
  Git(repo_, {"worktree", "add", "-q", "--detach", linked.string()});
  WriteIn(linked, "deploy.sh", "export GH_TOKEN=" + FakeGithubToken(1340) + "\n");
  Git(linked, {"add", "-A"});
  Git(linked, {"commit", "-q", "-m", "on a detached HEAD"});  // on no branch or tag
  CommandResult r = RunKeyhole({"scan", "--history", "."}, repo_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("deploy.sh"), std::string::npos) << r.out;

  // And the other way round: the main worktree detached, scanned from the linked one.
  Git(repo_, {"checkout", "-q", "--detach"});
  WriteIn(repo_, "main.env", "GITHUB_TOKEN=" + FakeGithubToken(1341) + "\n");
  Git(repo_, {"add", "-A"});
  Git(repo_, {"commit", "-q", "-m", "main detached"});
  CommandResult l = RunKeyhole({"scan", "--history", ".", "--format", "json"}, linked);
  EXPECT_EQ(l.exit_code, 1) << l.err;
  EXPECT_NE(l.out.find("main.env"), std::string::npos) << l.out;
}

TEST_F(FailedScan, MissingBlobIsCountedAsMissing) {
  WriteIn(repo_, "gone.txt", "gone content\n");
  Git(repo_, {"add", "-A"});
  Git(repo_, {"commit", "-q", "-m", "gone"});
  std::string id = Git(repo_, {"rev-parse", "HEAD:gone.txt"});
  id.erase(id.find_last_not_of('\n') + 1);
  fs::remove(repo_ / ".git/objects" / id.substr(0, 2) / id.substr(2));
  CommandResult j = RunKeyhole({"scan", "--history", ".", "--format", "json"}, repo_);
  EXPECT_EQ(j.exit_code, 2) << j.err;
  json report = json::parse(j.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << j.out;
  EXPECT_EQ(report["summary"]["missing_objects"], 1);
  EXPECT_EQ(report["summary"]["status"], "incomplete");
}

TEST(HostileNames, EscapeSequencesInRuleIdsAndPathsAreNotPrintedRaw) {
  TempDir dir;
  // A rule id carrying an OSC sequence (it would set the terminal title) and a bad regex.
  dir.Write("bad.toml", "[[rules]]\nid = \"x\\u001b]0;pwned\\u0007\"\nregex = '''(unclosed'''\n");
  dir.Write("src/app.py", "print('hi')\n");
  CommandResult r =
      RunKeyhole({"scan", (dir.path() / "src").string(), "--config", (dir.path() / "bad.toml").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "raw ESC on stderr";
  EXPECT_EQ(r.err.find('\x07'), std::string::npos) << "raw BEL on stderr";
  EXPECT_NE(r.err.find("pwned"), std::string::npos) << r.err;
}

TEST(HostileNames, EscapeSequencesInAnErroringPathAreNotPrintedRaw) {
  TempDir dir;
  dir.Write("src/app.py", "print('hi')\n");
  // A symlink loop named on the command line is an error naming the path.
  const fs::path hostile = dir.path() / "src/\x1b[2Jclear";
  fs::create_symlink(hostile, hostile);
  CommandResult q = RunKeyhole({"scan", hostile.string(), "-q", "--format", "json"});
  EXPECT_EQ(q.exit_code, 2) << q.err;
  EXPECT_EQ(q.err.find('\x1b'), std::string::npos) << "raw ESC on stderr: " << q.err;
  EXPECT_NE(q.err.find("clear"), std::string::npos) << q.err;
}

TEST(Determinism, NotesAreInTheSameOrderForAnyThreadCount) {
  TempDir dir;
  for (int i = 0; i < 12; ++i) {
    const fs::path fifo = dir.path() / ("pipe" + std::to_string(i));
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    dir.Write("f" + std::to_string(i) + ".txt", "text\n");
  }
  std::string first;
  for (const char* threads : {"1", "2", "4", "1", "4"}) {
    CommandResult r = RunKeyhole({"scan", dir.path().string(), "--format", "json", "--threads", threads});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json notes = json::parse(r.out)["summary"]["notes"];
    ASSERT_FALSE(notes.empty());
    std::vector<std::string> v = notes.get<std::vector<std::string>>();
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end())) << notes.dump();
    if (first.empty()) first = notes.dump();
    EXPECT_EQ(notes.dump(), first);
  }
}

// --- the scanned repository's config does not govern its own gate -------------------

class ConfigInRange : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() / "repo";
    fs::create_directories(repo_);
    Git(repo_, {"init", "-q"});
    WriteIn(repo_, "app.py", "print('hi')\n");
  }
  std::string Commit(const std::string& msg) {
    Git(repo_, {"add", "-A"});
    Git(repo_, {"commit", "-q", "-m", msg});
    std::string id = Git(repo_, {"rev-parse", "HEAD"});
    return id.substr(0, id.find('\n'));
  }
  TempDir dir_;
  fs::path repo_;
};

constexpr const char* kAllowEverything = "[allowlist]\npaths = ['''.*''']\n";

TEST_F(ConfigInRange, ARangeThatAddsAnAllowEverythingConfigIsJudgedByTheBase) {
  const std::string base = Commit("base");
  WriteIn(repo_, ".keyhole.toml", kAllowEverything);
  WriteIn(repo_, "deploy.sh", "export GH_TOKEN=" + FakeGithubToken(1320) + "\n");
  const std::string head = Commit("sneak");
  CommandResult r = RunKeyhole({"scan", ".", "--diff", base + ".." + head}, repo_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("judged by the base revision's config"), std::string::npos) << r.out;
  // The work tree's config is what a directory scan uses, and --config chooses explicitly.
  EXPECT_EQ(RunKeyhole({"scan", "."}, repo_).exit_code, 0);
  CommandResult chosen =
      RunKeyhole({"scan", ".", "--diff", base + ".." + head, "--config", ".keyhole.toml"}, repo_);
  EXPECT_EQ(chosen.exit_code, 0) << chosen.out << chosen.err;
}

TEST_F(ConfigInRange, ARangeThatWidensTheAllowlistIsJudgedByTheBase) {
  WriteIn(repo_, ".gitleaks.toml", "[allowlist]\npaths = ['''^testdata/''']\n");
  const std::string base = Commit("base");
  WriteIn(repo_, ".gitleaks.toml", kAllowEverything);
  WriteIn(repo_, "testdata/fixture.sh", "export GH_TOKEN=" + FakeGithubToken(1321) + "\n");
  WriteIn(repo_, "src/deploy.sh", "export GH_TOKEN=" + FakeGithubToken(1322) + "\n");
  const std::string head = Commit("widen");
  CommandResult r = RunKeyhole({"scan", ".", "--diff", base + ".." + head, "--format", "json"}, repo_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json report = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r.out;
  ASSERT_EQ(report["findings"].size(), 1u) << report["findings"].dump(2);
  EXPECT_EQ(report["findings"][0]["path"], "src/deploy.sh");  // the base's allowlist still applies
}

TEST_F(ConfigInRange, AnUnchangedConfigAppliesWithoutANote) {
  WriteIn(repo_, ".keyhole.toml", "[allowlist]\npaths = ['''^testdata/''']\n");
  const std::string base = Commit("base");
  WriteIn(repo_, "testdata/fixture.sh", "export GH_TOKEN=" + FakeGithubToken(1323) + "\n");
  const std::string head = Commit("fixture");
  CommandResult r = RunKeyhole({"scan", ".", "--diff", base + ".." + head}, repo_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("judged by"), std::string::npos) << r.out;
}

TEST_F(ConfigInRange, ExtendPathMustBeASmallRegularFile) {
  Commit("base");
  for (const std::string target : {"/dev/zero", "/dev/urandom"}) {
    WriteIn(repo_, ".keyhole.toml", "[extend]\npath = \"" + target + "\"\n");
    CommandResult r = RunKeyhole({"scan", "."}, repo_);
    EXPECT_EQ(r.exit_code, 2) << target << ": " << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
  }
  const fs::path fifo = dir_.path() / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  WriteIn(repo_, ".keyhole.toml", "[extend]\npath = \"" + fifo.string() + "\"\n");
  CommandResult f = RunKeyhole({"scan", "."}, repo_);  // would block forever on open/read
  EXPECT_EQ(f.exit_code, 2) << f.err;
  EXPECT_NE(f.err.find("not a regular file"), std::string::npos) << f.err;

  const fs::path big = dir_.path() / "big.toml";
  {
    std::ofstream out(big, std::ios::binary);
    const std::string line = "# " + std::string(1022, 'x') + "\n";
    for (int i = 0; i < 5 * 1024; ++i) out << line;  // 5 MiB of comments
  }
  WriteIn(repo_, ".keyhole.toml", "[extend]\npath = \"" + big.string() + "\"\n");
  CommandResult b = RunKeyhole({"scan", "."}, repo_);
  EXPECT_EQ(b.exit_code, 2) << b.err;
  EXPECT_NE(b.err.find("larger than"), std::string::npos) << b.err;
}

// --- files that change under the scan ------------------------------------------------

TEST(ChangingFiles, AFileThatShrinksDuringTheScanIsNeverACrash) {
  TempDir dir;
  const fs::path file = dir.path() / "big.txt";
  std::string body;
  // 30 MB without a keyword: scanned in ~50 ms, so the truncation lands mid-scan in some
  // of the rounds (a mapped file then raised SIGBUS: exit 135).
  for (int i = 0; i < 700000; ++i) body += "line " + std::to_string(i) + " of ordinary text in a long file\n";
  int changed = 0;
  for (int round = 0; round < 25; ++round) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << body;
    std::thread shrink([&file, round] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10 + round * 5));
      truncate(file.c_str(), 4096);
    });
    CommandResult r = RunKeyhole({"scan", file.string(), "--format", "json"});
    shrink.join();
    // -1: killed by a signal (SIGBUS when the file was mapped).
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2) << "round " << round << ": exit "
                                                                          << r.exit_code << " " << r.err;
    if (r.exit_code == 2) {
      EXPECT_NE(r.out.find("changed during the scan"), std::string::npos) << r.out << r.err;
      ++changed;
    }
  }
  std::printf("rounds where the change was caught: %d of 25\n", changed);
}

TEST(ChangingFiles, ProcFilesAreReadToTheirEnd) {
  // /proc files say they are 0 bytes long.
  CommandResult r = RunKeyhole({"scan", "/proc/version", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["summary"]["files_scanned"], 1);
  EXPECT_GT(report["summary"]["bytes_scanned"].get<int>(), 20) << r.out;
}

TEST(CredentialFileRules, ReaderFindingsBelongToRulesThatCanBeDisabledAndExplained) {
  TempDir dir;
  dir.Write(".netrc", "machine api.acme.io login deploy password Q7v2Lk9xRt4mWz3p\n");
  CommandResult on = RunKeyhole({"scan", dir.path().string(), "--format", "json"});
  EXPECT_EQ(on.exit_code, 1) << on.err;
  EXPECT_NE(on.out.find("\"netrc-password\""), std::string::npos) << on.out;
  const fs::path cfg = dir.Write("off.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"netrc-password\"]\n");
  CommandResult off = RunKeyhole({"scan", dir.path().string(), "--config", cfg.string(), "--format", "json"});
  EXPECT_EQ(off.exit_code, 0) << off.out << off.err;
  for (const char* id : {"netrc-password", "pgpass-password", "terraform-state-secret"}) {
    CommandResult explain = RunKeyhole({"rules", "explain", id});
    EXPECT_EQ(explain.exit_code, 0) << id << ": " << explain.err;
  }
  CommandResult list = RunKeyhole({"rules", "list"});
  EXPECT_NE(list.out.find("pgpass-password"), std::string::npos);
}

// --- writing reports ----------------------------------------------------------------

TEST(ReportOutput, ASymlinkAtTheOutputPathIsReplacedNotFollowed) {
  TempDir dir;
  dir.Write("src/app.py", "print('hi')\n");
  const fs::path victim = dir.Write("victim.txt", "precious\n");
  chmod(victim.c_str(), 0644);
  const fs::path link = dir.path() / "report.json";
  fs::create_symlink(victim, link);
  CommandResult r = RunKeyhole({"scan", (dir.path() / "src").string(), "--format", "json", "-o", link.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(victim), "precious\n");
  struct stat st;
  ASSERT_EQ(stat(victim.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "the symlink's target had its mode changed";
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(json::parse(ReadFile(link), nullptr, false).is_discarded());
}

TEST(ReportOutput, AFailedWriteLeavesNoTruncatedOrStaleReport) {
  TempDir dir;
  dir.Write("src/deploy.sh", "export GH_TOKEN=" + FakeGithubToken(1310) + "\n");  // rule help: > 1 KiB
  const fs::path out = dir.Write("report.sarif", "an earlier run's report\n");
  // A file-size limit of 1 KiB (SIGXFSZ ignored: write() fails with EFBIG), as a full
  // disk would: the SARIF report is larger.
  CommandResult r = testing::Run({"bash", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"", KeyholeBinary().string(),
                         "scan", (dir.path() / "src").string(), "--format", "sarif", "-o", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("failed writing"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "left behind: " << ReadFile(out);
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".keyhole-"), std::string::npos) << "temp file left: " << e.path();
}

TEST(ReportOutput, DevFullIsAnError) {
  TempDir dir;
  dir.Write("app.py", "print('hi')\n");
  CommandResult r = RunKeyhole({"scan", dir.path().string(), "--format", "json", "-o", "/dev/full"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("No space left"), std::string::npos) << r.err;
}

TEST(ReportOutput, BaselineCreateReplacesASymlinkToo) {
  TempDir dir;
  dir.Write("src/app.py", "print('hi')\n");
  const fs::path victim = dir.Write("victim.txt", "precious\n");
  const fs::path link = dir.path() / "baseline.json";
  fs::create_symlink(victim, link);
  CommandResult r = RunKeyhole({"baseline", "create", (dir.path() / "src").string(), "-o", link.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(link));
}

TEST(ReportOutput, BaselinePruneLeavesAGitleaksReportAlone) {
  TempDir dir;
  dir.Write("src/app.py", "print('hi')\n");
  const std::string report =
      "[{\"File\": \"src/app.py\", \"Secret\": \"x\", \"StartLine\": 1, \"RuleID\": \"generic-api-key\"}]\n";
  const fs::path gl = dir.Write("gitleaks.json", report);
  CommandResult r = RunKeyhole({"baseline", "prune", (dir.path() / "src").string(), "--baseline", gl.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("gitleaks report"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(gl), report);
}

TEST(ReportOutput, TheActionUploadsOnlyScansThatRanToTheEnd) {
  const std::string action = ReadFile(SourceDir() / "action.yml");
  size_t upload = action.find("upload-sarif");
  ASSERT_NE(upload, std::string::npos);
  size_t step = action.rfind("- name:", upload);
  const std::string block = action.substr(step, upload - step);
  EXPECT_EQ(block.find("always()"), std::string::npos) << block;
  EXPECT_NE(block.find("exit-code == '0'"), std::string::npos) << block;
  EXPECT_NE(block.find("exit-code == '1'"), std::string::npos) << block;
}

}  // namespace
}  // namespace keyhole::testing
