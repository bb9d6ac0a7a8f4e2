// keyhole's hooks under the real pre-commit framework: a hook repository holding this
// checkout's .pre-commit-hooks.yaml and scripts/pre-commit-hook.sh, a project repository
// whose .pre-commit-config.yaml points at it by commit, and real `git commit`s.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

class PreCommitFramework : public ::testing::Test {
 protected:
  void SetUp() override {
    // The hook repository: our hook definitions and entry script, committed.
    hooks_ = home_.path() / "keyhole-hooks";
    fs::create_directories(hooks_ / "scripts");
    fs::copy_file(SourceDir() / ".pre-commit-hooks.yaml", hooks_ / ".pre-commit-hooks.yaml");
    fs::copy_file(SourceDir() / "scripts/pre-commit-hook.sh", hooks_ / "scripts/pre-commit-hook.sh");
    Git(hooks_, {"init", "-q"});
    Git(hooks_, {"add", "-A"});
    Git(hooks_, {"commit", "-q", "-m", "hooks"});
    rev_ = Git(hooks_, {"rev-parse", "HEAD"});
    rev_.erase(rev_.find_last_not_of("\n") + 1);
    project_ = home_.path() / "project";
    fs::create_directories(project_);
    Git(project_, {"init", "-q"});
  }

  // Commits a .pre-commit-config.yaml using hook `id`, and installs pre-commit's git hook.
  void UseHook(const std::string& id) {
    Write(".pre-commit-config.yaml", "repos:\n  - repo: " + hooks_.string() + "\n    rev: " + rev_ +
                                        "\n    hooks:\n      - id: " + id + "\n");
    Write("README.md", "# project\n");
    Git(project_, {"add", "-A"});
    Git(project_, {"commit", "-q", "-m", "pre-commit config"});
    CommandResult r = testing::Run({"pre-commit", "install"}, project_, {}, HookEnv(home_.path()));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((project_ / rel).parent_path());
    std::ofstream(project_ / rel, std::ios::binary) << content;
  }

  // `git add -A && git commit` with the installed hooks (the Git() helper disables hooks).
  CommandResult Commit(const std::string& path_prefix = {}) {
    std::vector<std::string> env = HookEnv(home_.path(), path_prefix);
    CommandResult add = testing::Run({"git", "add", "-A"}, project_, {}, env);
    EXPECT_EQ(add.exit_code, 0) << add.err;
    return testing::Run({"git", "commit", "-q", "-m", "change"}, project_, {}, env);
  }

  TempDir home_;
  fs::path hooks_, project_;
  std::string rev_;
};

TEST_F(PreCommitFramework, ManifestValidatesWithTheInstalledPreCommit) {
  CommandResult r = testing::Run({"pre-commit", "validate-manifest", (SourceDir() / ".pre-commit-hooks.yaml").string()},
                        {}, {}, HookEnv(home_.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(PreCommitFramework, SecretCommitIsRefusedWithReadableMessage) {
  UseHook("keyhole");
  std::string token = FakeGithubToken(301);
  Write("deploy/release.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");
  CommandResult r = Commit();
  std::string all = r.out + r.err;
  EXPECT_NE(r.exit_code, 0) << all;
  EXPECT_NE(all.find("github-pat"), std::string::npos) << all;          // rule id
  EXPECT_NE(all.find("deploy/release.sh"), std::string::npos) << all;   // file
  EXPECT_NE(all.find("  2:17  "), std::string::npos) << all;            // line:column
  EXPECT_NE(all.find("ghp_"), std::string::npos) << all;                // a masked preview
  EXPECT_EQ(all.find(token), std::string::npos) << "the secret leaked into the hook output";
  // Nothing was committed.
  EXPECT_EQ(Git(project_, {"log", "--oneline"}).find("change"), std::string::npos);
}

TEST_F(PreCommitFramework, CleanCommitPasses) {
  UseHook("keyhole");
  Write("src/app.py", "def main():\n    return 42\n");
  CommandResult r = Commit();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Git(project_, {"log", "--oneline"}).find("change"), std::string::npos);
}

TEST_F(PreCommitFramework, InlineAllowLetsTheLineThrough) {
  UseHook("keyhole");
  Write("tests/fixture.py", "TOKEN = '" + FakeGithubToken(302) + "'  # keyhole:allow\n");
  CommandResult r = Commit();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(PreCommitFramework, SystemHookUsesKeyholeFromPath) {
  UseHook("keyhole-system");
  std::string token = FakeGithubToken(303);
  Write("config/prod.env", "GITHUB_TOKEN=" + token + "\n");
  // The hook must find `keyhole` on PATH (KEYHOLE_PREBUILT is not used by this variant).
  CommandResult r = Commit(KeyholeBinary().parent_path().string());
  std::string all = r.out + r.err;
  EXPECT_NE(r.exit_code, 0) << all;
  EXPECT_NE(all.find("github-pat"), std::string::npos) << all;
  EXPECT_EQ(all.find(token), std::string::npos) << "the secret leaked into the hook output";
}

TEST_F(PreCommitFramework, SystemHookPassesACleanCommit) {
  UseHook("keyhole-system");
  Write("src/main.go", "package main\n\nfunc main() {}\n");
  CommandResult r = Commit(KeyholeBinary().parent_path().string());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace keyhole::testing
