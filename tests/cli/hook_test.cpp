// `keyhole hook install|uninstall` on real repositories, exercised with real `git commit`.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kForeignHook = "#!/bin/sh\necho 'the team lint hook'\nexit 0\n";

class GitHook : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() / "repo";
    fs::create_directories(repo_);
    Git(repo_, {"init", "-q"});
    WriteIn(repo_, "README.md", "# project\n");
    Git(repo_, {"add", "-A"});
    Git(repo_, {"commit", "-q", "-m", "initial"});
  }

  static void WriteIn(const fs::path& root, const std::string& rel, const std::string& content) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << content;
  }

  // git with the repository's own hooks enabled (the Git() helper disables them) and
  // no user or system config.
  CommandResult GitWithHooks(const fs::path& cwd, const std::vector<std::string>& args) {
    const char* path = std::getenv("PATH");
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv, cwd, {},
               {"HOME=" + dir_.path().string(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Test Author",
                "GIT_AUTHOR_EMAIL=author@example.com", "GIT_COMMITTER_NAME=Test Author",
                "GIT_COMMITTER_EMAIL=author@example.com", "NO_COLOR=1",
                std::string("PATH=") + (path ? path : "/usr/bin:/bin")});
  }

  CommandResult CommitAll(const fs::path& cwd) {
    CommandResult add = GitWithHooks(cwd, {"add", "-A"});
    EXPECT_EQ(add.exit_code, 0) << add.err;
    return GitWithHooks(cwd, {"commit", "-q", "-m", "change"});
  }

  CommandResult Hook(const std::vector<std::string>& args, const fs::path& repo) {
    std::vector<std::string> a = {"hook"};
    a.insert(a.end(), args.begin(), args.end());
    a.insert(a.end(), {"--repo", repo.string()});
    return RunKeyhole(a);
  }

  fs::path DefaultHook() const { return repo_ / ".git/hooks/pre-commit"; }

  TempDir dir_;
  fs::path repo_;
};

bool IsExecutable(const fs::path& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) && S_ISREG(st.st_mode);
}

TEST_F(GitHook, InstallWritesAnExecutableHook) {
  CommandResult r = Hook({"install"}, repo_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsExecutable(DefaultHook()));
  EXPECT_NE(r.err.find(DefaultHook().string()), std::string::npos) << r.err;
}

TEST_F(GitHook, InstalledHookBlocksASecretCommit) {
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  std::string token = FakeGithubToken(401);
  WriteIn(repo_, "deploy.sh", "export GH_TOKEN=" + token + "\n");
  CommandResult r = CommitAll(repo_);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("github-pat"), std::string::npos) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find(token), std::string::npos) << "the secret leaked";
  EXPECT_EQ(Git(repo_, {"log", "--oneline"}).find("change"), std::string::npos);
}

TEST_F(GitHook, InstalledHookPassesACleanCommit) {
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  WriteIn(repo_, "src/app.py", "print('hello')\n");
  CommandResult r = CommitAll(repo_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(GitHook, InstallRefusesToClobberAForeignHook) {
  WriteIn(repo_, ".git/hooks/pre-commit", kForeignHook);
  CommandResult r = Hook({"install"}, repo_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(DefaultHook()), kForeignHook);
}

TEST_F(GitHook, InstallWithForceReplacesAForeignHook) {
  WriteIn(repo_, ".git/hooks/pre-commit", kForeignHook);
  CommandResult r = Hook({"install", "--force"}, repo_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(DefaultHook()).find("keyhole"), std::string::npos);
  EXPECT_TRUE(IsExecutable(DefaultHook()));
}

TEST_F(GitHook, ReinstallOverOwnHookNeedsNoForce) {
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  EXPECT_EQ(Hook({"install"}, repo_).exit_code, 0);
}

TEST_F(GitHook, InstallRespectsRelativeHooksPath) {
  Git(repo_, {"config", "core.hooksPath", ".githooks"});
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  EXPECT_TRUE(IsExecutable(repo_ / ".githooks/pre-commit"));
  EXPECT_FALSE(fs::exists(DefaultHook()));
  WriteIn(repo_, "a.env", "GITHUB_TOKEN=" + FakeGithubToken(402) + "\n");
  EXPECT_NE(CommitAll(repo_).exit_code, 0) << "git did not run the hook from core.hooksPath";
}

TEST_F(GitHook, InstallRespectsAbsoluteHooksPath) {
  fs::path hooks = dir_.path() / "shared-hooks";
  Git(repo_, {"config", "core.hooksPath", hooks.string()});
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  EXPECT_TRUE(IsExecutable(hooks / "pre-commit"));
  EXPECT_FALSE(fs::exists(DefaultHook()));
  WriteIn(repo_, "a.env", "GITHUB_TOKEN=" + FakeGithubToken(403) + "\n");
  EXPECT_NE(CommitAll(repo_).exit_code, 0) << "git did not run the hook from core.hooksPath";
}

TEST_F(GitHook, UninstallRemovesOwnHook) {
  ASSERT_EQ(Hook({"install"}, repo_).exit_code, 0);
  CommandResult r = Hook({"uninstall"}, repo_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(DefaultHook()));
}

TEST_F(GitHook, UninstallLeavesAForeignHookAlone) {
  WriteIn(repo_, ".git/hooks/pre-commit", kForeignHook);
  CommandResult r = Hook({"uninstall"}, repo_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReadFile(DefaultHook()), kForeignHook);
}

TEST_F(GitHook, InstallFromALinkedWorktreeGuardsItsCommits) {
  fs::path wt = dir_.path() / "linked";
  Git(repo_, {"worktree", "add", "-q", wt.string()});
  CommandResult r = Hook({"install"}, wt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Hooks live in the common git dir, shared by every worktree.
  EXPECT_TRUE(IsExecutable(DefaultHook()));
  WriteIn(wt, "secrets.txt", "token " + FakeGithubToken(404) + "\n");
  CommandResult c = CommitAll(wt);
  EXPECT_NE(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE((c.out + c.err).find("github-pat"), std::string::npos) << c.out << c.err;
}

TEST_F(GitHook, InstallOutsideARepositoryFails) {
  CommandResult r = Hook({"install"}, dir_.path() / "nowhere");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a git repository"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keyhole::testing
