#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "source/git_source.h"
#include "source/git_test_support.h"

namespace keyhole::source {
namespace {

namespace fs = std::filesystem;
using testing::Collect;
using testing::Collected;
using testing::Repo;

Collected ScanStaged(const fs::path& repo, ScanStats& stats) {
  auto src = MakeStagedSource(repo, SourceOptions{});
  return Collect(*src, stats);
}

Collected ScanDiff(const fs::path& repo, const std::string& range, ScanStats& stats) {
  auto src = MakeDiffSource(repo, range, SourceOptions{});
  return Collect(*src, stats);
}

std::vector<std::pair<uint32_t, uint32_t>> Ranges(const Blob& b) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  if (b.added_lines()) {
    for (const LineRange& r : *b.added_lines()) out.emplace_back(r.first, r.last);
  }
  return out;
}

using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(GitStagedSource, OnlyAddedLinesAreMarkedAndTheWholeFileIsYielded) {
  Repo r;
  r.Commit("app.py", "one\ntwo\nthree\nfour\n", "initial");
  r.Write("app.py", "one\nNEW A\ntwo\nthree\nNEW B\nNEW C\n");  // "four" deleted
  r.Git({"add", "app.py"});
  ScanStats stats;
  Collected c = ScanStaged(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.blobs.size(), 1u);
  const Blob& b = c.blobs[0];
  EXPECT_EQ(b.bytes(), "one\nNEW A\ntwo\nthree\nNEW B\nNEW C\n");
  EXPECT_EQ(Ranges(b), (Pairs{{2, 2}, {5, 6}}));
  EXPECT_EQ(b.origin().path, "app.py");
  EXPECT_EQ(b.origin().blob_id, r.Repo::Trim(r.Git({"rev-parse", ":app.py"})));
  EXPECT_FALSE(b.origin().git.has_value());
}

TEST(GitStagedSource, DeletedAndUnstagedFilesAreNotYielded) {
  Repo r;
  r.Commit("gone.txt", "bye\n", "initial");
  r.Commit("kept.txt", "kept\n", "second");
  r.Git({"rm", "-q", "gone.txt"});
  r.Write("kept.txt", "kept\nunstaged change\n");
  r.Write("untracked.txt", "untracked\n");
  ScanStats stats;
  Collected c = ScanStaged(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_TRUE(c.blobs.empty());
}

TEST(GitStagedSource, PartiallyStagedFileIsReadFromTheIndex) {
  Repo r;
  r.Commit("cfg.txt", "a\n", "initial");
  r.Write("cfg.txt", "a\nstaged line\n");
  r.Git({"add", "cfg.txt"});
  r.Write("cfg.txt", "a\nstaged line\nworking copy only\n");
  ScanStats stats;
  Collected c = ScanStaged(r.path(), stats);
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(c.blobs[0].bytes(), "a\nstaged line\n");
  EXPECT_EQ(Ranges(c.blobs[0]), (Pairs{{2, 2}}));
}

TEST(GitStagedSource, FreshRepositoryWithoutHeadComparesWithTheEmptyTree) {
  Repo r;
  r.Write("new.txt", "l1\nl2\nl3\n");
  r.Git({"add", "new.txt"});
  ScanStats stats;
  Collected c = ScanStaged(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(Ranges(c.blobs[0]), (Pairs{{1, 3}}));
}

TEST(GitStagedSource, PureRenameAddsNothing) {
  Repo r;
  r.Commit("old.txt", "line one\nline two\nline three\n", "initial");
  r.Git({"mv", "old.txt", "new.txt"});
  ScanStats stats;
  Collected c = ScanStaged(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_TRUE(c.blobs.empty());
}

TEST(GitStagedSource, LinkedWorktreeUsesItsOwnIndex) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"worktree", "add", "-q", "-b", "wt", (r.root() / "wt").string()});
  fs::path wt = r.root() / "wt";
  std::ofstream(wt / "b.txt") << "in worktree\n";
  keyhole::testing::Git(wt, {"add", "b.txt"});
  ScanStats stats;
  Collected c = ScanStaged(wt, stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(c.blobs[0].origin().path, "b.txt");
  // The main work tree's index is untouched.
  ScanStats main_stats;
  EXPECT_TRUE(ScanStaged(r.path(), main_stats).blobs.empty());
}

TEST(GitStagedSource, BareRepositoryIsInvalidArgument) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  Repo bare("bare.git", /*init=*/false);
  keyhole::testing::Git(bare.root(), {"clone", "-q", "--bare", r.path().string(), "bare.git"});
  ScanStats stats;
  Collected c = ScanStaged(bare.path(), stats);
  EXPECT_EQ(c.status.code(), Status::Code::kInvalidArgument);
}

TEST(GitDiffSource, RangeYieldsWhatItAddsWithTheHeadCommitFacts) {
  Repo r;
  std::string base = r.Commit("a.txt", "1\n2\n", "base");
  r.Commit("a.txt", "1\n2\n3\n", "add three");
  r.Commit("b.txt", "b\n", "add b");
  std::string head = r.Commit("untouched-later.txt", "x\n", "tip", {"--author=Bob <bob@example.com>"});
  ScanStats stats;
  Collected c = ScanDiff(r.path(), base + ".." + head, stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.blobs.size(), 3u);
  const Blob* a = c.ByPath("a.txt");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->bytes(), "1\n2\n3\n");
  EXPECT_EQ(Ranges(*a), (Pairs{{3, 3}}));
  ASSERT_TRUE(a->origin().git.has_value());
  EXPECT_EQ(a->origin().git->commit, head);
  EXPECT_EQ(a->origin().git->author, "Bob");
  EXPECT_EQ(a->origin().git->summary, "tip");
}

TEST(GitDiffSource, SingleRevisionMeansUpToHead) {
  Repo r;
  r.Commit("a.txt", "a\n", "base");
  r.Commit("b.txt", "b\n", "second");
  r.Commit("c.txt", "c\n", "third");
  ScanStats stats;
  Collected c = ScanDiff(r.path(), "HEAD~1", stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(c.blobs[0].origin().path, "c.txt");
}

TEST(GitDiffSource, ThreeDotRangeStartsAtTheMergeBase) {
  Repo r;
  r.Commit("a.txt", "a\n", "base");
  r.Git({"checkout", "-q", "-b", "feature"});
  r.Commit("feature.txt", "f\n", "feature");
  r.Git({"checkout", "-q", "main"});
  r.Commit("main-only.txt", "m\n", "main moves on");
  ScanStats stats;
  Collected two = ScanDiff(r.path(), "main..feature", stats);
  Collected three = ScanDiff(r.path(), "main...feature", stats);
  ASSERT_TRUE(three.status.ok()) << three.status.ToString();
  ASSERT_EQ(three.blobs.size(), 1u);
  EXPECT_EQ(three.blobs[0].origin().path, "feature.txt");
  // Two dots compare the tips: main-only.txt is "deleted", feature.txt added.
  ASSERT_EQ(two.blobs.size(), 1u);
  EXPECT_EQ(two.blobs[0].origin().path, "feature.txt");
}

TEST(GitDiffSource, BadRevisionIsInvalidArgumentNamingIt) {
  Repo r;
  r.Commit("a.txt", "a\n", "base");
  ScanStats stats;
  Collected c = ScanDiff(r.path(), "nope-rev..HEAD", stats);
  EXPECT_EQ(c.status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(c.status.message().find("nope-rev"), std::string::npos);
  EXPECT_TRUE(c.blobs.empty());
}

}  // namespace
}  // namespace keyhole::source
