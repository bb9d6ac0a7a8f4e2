// keyhole never executes anything the scanned repository configures: no hooks, no filter
// drivers, no core.fsmonitor, no textconv or external diff. A repository plants all of
// them, each one touching its own marker file; every scan mode runs; no marker appears.
// A control step shows that real git does run them (so the check can fail).
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

struct HostileRepo {
  TempDir repo;
  TempDir markers;
  std::string token = FakeGithubToken(301);

  fs::path Marker(const std::string& what) const { return markers.path() / ("PWNED-" + what); }
  std::string Touch(const std::string& what) const { return "touch '" + Marker(what).string() + "'"; }

  std::vector<std::string> Planted() const {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(markers.path())) found.push_back(e.path().filename().string());
    return found;
  }

  HostileRepo() {
    Git(repo.path(), {"init", "-q"});
    repo.Write("README.md", "hello\n");
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "first"});
    repo.Write("deploy.sh", "export GH_TOKEN=" + token + "\n");
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "second"});
    repo.Write("staged.env", "GH_TOKEN=" + FakeGithubToken(302) + "\n");
    Git(repo.path(), {"add", "staged.env"});
    repo.Write("worktree.env", "GH_TOKEN=" + FakeGithubToken(303) + "\n");

    // Only now the traps: the commits above were made by a trusting git.
    fs::path hooks = repo.path() / "evil-hooks";
    fs::create_directories(hooks);
    for (const char* hook : {"pre-commit", "post-checkout", "post-index-change", "reference-transaction",
                             "fsmonitor-watchman", "pre-auto-gc"}) {
      fs::path h = hooks / hook;
      std::ofstream(h) << "#!/bin/sh\n" << Touch(std::string("hook-") + hook) << "\n";
      fs::permissions(h, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
      fs::path in_git = repo.path() / ".git" / "hooks" / hook;
      std::ofstream(in_git) << "#!/bin/sh\n" << Touch(std::string("git-hook-") + hook) << "\n";
      fs::permissions(in_git, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    }
    std::ofstream cfg(repo.path() / ".git" / "config", std::ios::app);
    cfg << "[core]\n"
        << "\tfsmonitor = \"" << Touch("fsmonitor") << "; echo\"\n"
        << "\thooksPath = " << hooks.string() << "\n"
        << "\tpager = " << Touch("pager") << "\n"
        << "\tsshCommand = " << Touch("ssh") << "\n"
        << "\talternateRefsCommand = " << Touch("alternate-refs") << "\n"
        << "[filter \"evil\"]\n"
        << "\tclean = " << Touch("filter-clean") << "\n"
        << "\tsmudge = " << Touch("filter-smudge") << "\n"
        << "\tprocess = " << Touch("filter-process") << "\n"
        << "\trequired = true\n"
        << "[diff \"evil\"]\n"
        << "\ttextconv = " << Touch("textconv") << "\n"
        << "\tcommand = " << Touch("diff-command") << "\n"
        << "[diff]\n"
        << "\texternal = " << Touch("diff-external") << "\n"
        << "[gpg]\n"
        << "\tprogram = " << Touch("gpg") << "\n"
        << "[credential]\n"
        << "\thelper = !" << Touch("credential") << "\n";
    cfg.close();
    repo.Write(".gitattributes", "* filter=evil diff=evil merge=evil\n");
    std::ofstream(repo.path() / ".git" / "info" / "attributes") << "* filter=evil diff=evil\n";
  }
};

// Runs keyhole in `mode` (extra args) from inside the repository; it must find the token
// it is expected to find, and nothing may have run.
void ScanAndCheck(const HostileRepo& h, const std::vector<std::string>& mode_args) {
  std::vector<std::string> args = {"scan", "--format", "json", "--no-progress"};
  args.insert(args.end(), mode_args.begin(), mode_args.end());
  CommandResult r = RunKeyhole(args, h.repo.path(), {}, {"HOME=" + h.repo.path().string()});
  EXPECT_EQ(r.exit_code, 1) << ::testing::PrintToString(mode_args) << r.out << r.err;
  EXPECT_EQ(h.Planted(), std::vector<std::string>{}) << ::testing::PrintToString(mode_args);
}

TEST(NoExec, DirectoryScanRunsNothing) {
  HostileRepo h;
  ScanAndCheck(h, {"."});
}

TEST(NoExec, StagedScanRunsNothing) {
  HostileRepo h;
  ScanAndCheck(h, {"--staged"});
}

TEST(NoExec, DiffScanRunsNothing) {
  HostileRepo h;
  ScanAndCheck(h, {"--diff", "HEAD~1..HEAD"});
}

TEST(NoExec, HistoryScanRunsNothing) {
  HostileRepo h;
  ScanAndCheck(h, {"--history"});
}

TEST(NoExec, BaselineCreateRunsNothing) {
  HostileRepo h;
  CommandResult r = RunKeyhole({"baseline", "create", ".", "-o", (h.markers.path() / ".." / "bl.json").string()},
                               h.repo.path(), {}, {"HOME=" + h.repo.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove(h.markers.path() / ".." / "bl.json");
  EXPECT_EQ(h.Planted(), std::vector<std::string>{});
}

// The control: the same repository does run code under real git. Without it, the tests
// above could pass because the traps were never armed.
TEST(NoExec, TheTrapsAreArmedForRealGit) {
  HostileRepo h;
  h.repo.Write("more.txt", "x\n");
  std::vector<std::string> env = {"HOME=" + h.repo.path().string(), "GIT_CONFIG_NOSYSTEM=1"};
  keyhole::testing::Run({"git", "status"}, h.repo.path(), {}, env);               // fsmonitor
  keyhole::testing::Run({"git", "add", "more.txt"}, h.repo.path(), {}, env);      // filter process
  keyhole::testing::Run({"git", "hook", "run", "pre-commit"}, h.repo.path(), {}, env);  // hooksPath
  std::vector<std::string> planted = h.Planted();
  auto has = [&](const std::string& m) { return std::find(planted.begin(), planted.end(), m) != planted.end(); };
  EXPECT_TRUE(has("PWNED-fsmonitor")) << ::testing::PrintToString(planted);
  EXPECT_TRUE(has("PWNED-filter-process")) << ::testing::PrintToString(planted);
  EXPECT_TRUE(has("PWNED-hook-pre-commit")) << ::testing::PrintToString(planted);
}

}  // namespace
}  // namespace keyhole::testing
