#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "source/git_source.h"
#include "source/git_test_support.h"

namespace keyhole::source {
namespace {

namespace fs = std::filesystem;
using testing::Collect;
using testing::Collected;
using testing::Repo;

Collected ScanHistory(const fs::path& repo, ScanStats& stats, HistoryOptions opts = {}, int threads = 2) {
  auto src = MakeGitHistorySource(repo, std::move(opts));
  return Collect(*src, stats, threads);
}

std::string Secret(unsigned seed) { return "token = \"" + keyhole::testing::FakeGithubToken(seed) + "\"\n"; }

fs::path LooseObjectPath(const Repo& r, const std::string& oid) {
  return r.path() / ".git" / "objects" / oid.substr(0, 2) / oid.substr(2);
}

TEST(GitHistorySource, DeletedSecretIsFoundAtTheCommitThatIntroducedIt) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  std::string intro = r.Commit("config/app.env", Secret(1), "Add config\n\nbody text",
                               {"--author=Alice Example <alice@example.com>"});
  r.Git({"rm", "-q", "config/app.env"});
  r.Git({"commit", "-q", "-m", "remove secret"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  auto hits = c.With(keyhole::testing::FakeGithubToken(1));
  ASSERT_EQ(hits.size(), 1u);
  const Origin& o = hits[0]->origin();
  EXPECT_EQ(o.path, "config/app.env");
  EXPECT_EQ(o.blob_id, r.RevParse(intro + ":config/app.env"));
  ASSERT_TRUE(o.git.has_value());
  EXPECT_EQ(o.git->commit, intro);
  EXPECT_EQ(o.git->author, "Alice Example");
  EXPECT_EQ(o.git->email, "alice@example.com");
  EXPECT_EQ(o.git->date, "2024-01-02T03:04:05Z");
  EXPECT_EQ(o.git->summary, "Add config");
  EXPECT_EQ(stats.error_count(), 0u);
}

TEST(GitHistorySource, PlansEveryUniqueBlobBeforeReadingThem) {
  // The progress line says "N of M blobs": M is known once the walk is done.
  Repo r;
  r.Commit("a.txt", "one\n", "first");
  r.Commit("a.txt", "two\n", "second");
  r.Commit("b.txt", "one\n", "same content as a.txt's first version: one blob");
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(stats.files_planned.load(), 2u);
  EXPECT_EQ(stats.files_scanned.load(), 2u);
  EXPECT_EQ(stats.commits_planned.load(), 3u);
  EXPECT_EQ(stats.commits_walked.load(), 3u);
}

TEST(GitHistorySource, SecretOnlyOnASideBranchIsFound) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"checkout", "-q", "-b", "side"});
  std::string side = r.Commit("side.txt", Secret(2), "side work");
  r.Git({"checkout", "-q", "main"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  auto hits = c.With(keyhole::testing::FakeGithubToken(2));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->origin().git->commit, side);
}

TEST(GitHistorySource, SecretReachableOnlyFromAnAnnotatedTagIsFound) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"checkout", "-q", "-b", "tmp"});
  std::string tagged = r.Commit("t.txt", Secret(3), "tagged");
  r.Git({"tag", "-a", "v1", "-m", "release"});
  r.Git({"checkout", "-q", "main"});
  r.Git({"branch", "-q", "-D", "tmp"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  auto hits = c.With(keyhole::testing::FakeGithubToken(3));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->origin().git->commit, tagged);
}

TEST(GitHistorySource, SecretInTheStashIsFound) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Write("a.txt", "a\n" + Secret(4));
  r.Git({"stash", "-q"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  EXPECT_EQ(c.With(keyhole::testing::FakeGithubToken(4)).size(), 1u);
}

TEST(GitHistorySource, SecretInPackedObjectsAfterGcIsFound) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Commit("b.txt", Secret(5), "secret");
  r.Commit("b.txt", "gone\n", "remove");
  r.Git({"gc", "-q", "--aggressive"});
  ASSERT_FALSE(fs::exists(LooseObjectPath(r, r.RevParse("HEAD~1:b.txt"))));
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(c.With(keyhole::testing::FakeGithubToken(5)).size(), 1u);
  EXPECT_EQ(c.blobs.size(), 3u);  // a.txt, the secret, "gone"
}

TEST(GitHistorySource, EachUniqueBlobIsYieldedOnceAcrossMergesAndRenames) {
  Repo r;
  r.Commit("a.txt", "shared\n", "initial");
  r.Git({"checkout", "-q", "-b", "feature"});
  r.Commit("f.txt", "feature\n", "feature");
  r.Commit("copy.txt", "shared\n", "same content at another path");
  r.Git({"checkout", "-q", "main"});
  r.Commit("m.txt", "main\n", "main work");
  r.Git({"merge", "-q", "--no-edit", "feature"});
  r.Git({"mv", "a.txt", "renamed.txt"});
  r.Git({"commit", "-q", "-m", "rename"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  std::set<std::string> ids;
  for (const Blob& b : c.blobs) ids.insert(b.origin().blob_id);
  EXPECT_EQ(ids.size(), c.blobs.size());
  // Every blob in the object database, as git counts them.
  std::string all = r.Git({"cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"});
  size_t git_blobs = 0;
  for (size_t p = 0; (p = all.find("blob", p)) != std::string::npos; p += 4) ++git_blobs;
  EXPECT_EQ(c.blobs.size(), git_blobs);
  auto shared = c.With("shared");
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0]->origin().path, "a.txt");  // the first path, not the rename
}

// With path allowlists (a path signature), a blob first seen at an allowlisted path keeps
// the other paths that could be judged differently, and moves to the first path no
// allowlist names, with that commit's facts.
TEST(GitHistorySource, BlobAtAnAllowlistedPathIsJudgedAtEveryPathItHas) {
  Repo r;
  std::string intro = r.Commit("testdata/a.env", "shared\n", "fixture");
  r.Commit("testdata/b.env", "shared\n", "same signature as testdata/a.env");
  r.Commit("fixtures/a.env", "shared\n", "another allowlist");
  HistoryOptions opts;
  opts.base.path_signature = [](std::string_view p) {
    return std::string(p.starts_with("testdata/") ? "1" : "0") + (p.starts_with("fixtures/") ? "1" : "0");
  };
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats, opts);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.With("shared").size(), 1u);
  const Blob* b = c.With("shared")[0];
  EXPECT_EQ(b->origin().path, "testdata/a.env");
  EXPECT_EQ(b->origin().git->commit, intro);
  EXPECT_EQ(b->origin().other_paths, (std::vector<std::string>{"fixtures/a.env"}));

  std::string out = r.Commit("src/a.env", "shared\n", "copied out");
  ScanStats stats2;
  Collected c2 = ScanHistory(r.path(), stats2, opts);
  ASSERT_EQ(c2.With("shared").size(), 1u);
  b = c2.With("shared")[0];
  EXPECT_EQ(b->origin().path, "src/a.env");
  EXPECT_EQ(b->origin().git->commit, out);
  EXPECT_TRUE(b->origin().other_paths.empty());

  // Without path allowlists: the first path, nothing else recorded.
  ScanStats stats3;
  Collected c3 = ScanHistory(r.path(), stats3);
  EXPECT_EQ(c3.With("shared")[0]->origin().path, "testdata/a.env");
  EXPECT_TRUE(c3.With("shared")[0]->origin().other_paths.empty());
}

TEST(GitHistorySource, BranchOptionNarrowsTheWalk) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  r.Git({"checkout", "-q", "-b", "side"});
  r.Commit("side.txt", Secret(6), "side work");
  r.Git({"checkout", "-q", "main"});
  ScanStats stats;
  HistoryOptions opts;
  opts.refs = {"main"};
  opts.all = false;
  Collected c = ScanHistory(r.path(), stats, opts);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_TRUE(c.With(keyhole::testing::FakeGithubToken(6)).empty());
  EXPECT_EQ(c.blobs.size(), 1u);
}

TEST(GitHistorySource, UnknownBranchIsInvalidArgumentNamingIt) {
  Repo r;
  r.Commit("a.txt", "a\n", "initial");
  ScanStats stats;
  HistoryOptions opts;
  opts.refs = {"no-such-branch"};
  opts.all = false;
  Collected c = ScanHistory(r.path(), stats, opts);
  EXPECT_EQ(c.status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(c.status.message().find("no-such-branch"), std::string::npos);
}

TEST(GitHistorySource, ShallowCloneIsScannedWithANote) {
  Repo r;
  r.Commit("old.txt", Secret(7), "old");
  r.Commit("new.txt", "new\n", "new");
  Repo clone("clone", /*init=*/false);
  keyhole::testing::Git(clone.root(), {"clone", "-q", "--depth", "1", "file://" + r.path().string(), "clone"});
  ScanStats stats;
  Collected c = ScanHistory(clone.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_NE(c.ByPath("new.txt"), nullptr);
  EXPECT_NE(c.ByPath("old.txt"), nullptr);  // still in the tree of the shallow tip
  bool noted = false;
  for (const std::string& n : stats.notes()) noted |= n.find("shallow clone") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(GitHistorySource, CorruptLooseObjectIsAnErrorAndTheRestIsScanned) {
  Repo r;
  r.Commit("good.txt", "good content\n", "good");
  r.Commit("bad.txt", "bad content\n", "bad");
  fs::path obj = LooseObjectPath(r, r.RevParse("HEAD:bad.txt"));
  fs::permissions(obj, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(obj, std::ios::binary | std::ios::trunc) << "this is not zlib data at all";
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_NE(c.ByPath("good.txt"), nullptr);
  EXPECT_EQ(c.ByPath("bad.txt"), nullptr);
  ASSERT_EQ(stats.error_count(), 1u);
  EXPECT_EQ(stats.errors()[0].path, "bad.txt");
}

TEST(GitHistorySource, MissingObjectIsAnErrorNamingItAndTheRestIsScanned) {
  Repo r;
  r.Commit("good.txt", "good content\n", "good");
  r.Commit("gone.txt", "gone content\n", "gone");
  const std::string gone = r.RevParse("HEAD:gone.txt");
  fs::remove(LooseObjectPath(r, gone));
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_NE(c.ByPath("good.txt"), nullptr);
  EXPECT_EQ(stats.missing_objects.load(), 1u);
  ASSERT_EQ(stats.error_count(), 1u);
  EXPECT_EQ(stats.errors()[0].path, "gone.txt");
  EXPECT_NE(stats.errors()[0].message.find(gone), std::string::npos) << stats.errors()[0].message;
}

TEST(GitHistorySource, ObjectsAbsentFromAPartialCloneAreCountedAndMakeTheScanIncomplete) {
  Repo origin;
  origin.Commit("a.txt", "alpha content\n", "a");
  origin.Commit("b.txt", "beta content\n", "b");
  origin.Git({"config", "uploadpack.allowFilter", "true"});
  keyhole::testing::Git(origin.root(), {"clone", "-q", "--filter=blob:none", "--no-checkout",
                                        "file://" + origin.path().string(), "partial"});
  ScanStats stats;
  Collected c = ScanHistory(origin.root() / "partial", stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_TRUE(c.blobs.empty());
  EXPECT_EQ(stats.missing_objects.load(), 2u);
  ASSERT_EQ(stats.error_count(), 1u);  // one error for all of them: the scan is incomplete
  EXPECT_NE(stats.errors()[0].message.find("partial clone"), std::string::npos) << stats.errors()[0].message;
  EXPECT_NE(stats.errors()[0].message.find("incomplete"), std::string::npos) << stats.errors()[0].message;
}

TEST(GitHistorySource, BareRepositoryIsScanned) {
  Repo r;
  r.Commit("a.txt", Secret(8), "secret");
  Repo bare("bare.git", /*init=*/false);
  keyhole::testing::Git(bare.root(), {"clone", "-q", "--bare", r.path().string(), "bare.git"});
  ScanStats stats;
  Collected c = ScanHistory(bare.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(c.With(keyhole::testing::FakeGithubToken(8)).size(), 1u);
}

TEST(GitHistorySource, EmptyRepositoryYieldsNothingWithoutError) {
  Repo r;
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  EXPECT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_TRUE(c.blobs.empty());
  EXPECT_EQ(stats.error_count(), 0u);
}

TEST(GitHistorySource, NotARepositoryIsInvalidArgument) {
  keyhole::testing::TempDir dir;
  ScanStats stats;
  Collected c = ScanHistory(dir.path(), stats);
  EXPECT_EQ(c.status.code(), Status::Code::kInvalidArgument);
}

TEST(GitHistorySource, SubdirectoryOfAWorkTreeFindsTheRepository) {
  Repo r;
  r.Commit("deep/dir/a.txt", Secret(9), "secret");
  ScanStats stats;
  Collected c = ScanHistory(r.path() / "deep" / "dir", stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.With(keyhole::testing::FakeGithubToken(9)).size(), 1u);
  EXPECT_EQ(c.With(keyhole::testing::FakeGithubToken(9))[0]->origin().path, "deep/dir/a.txt");
}

TEST(GitHistorySource, BinaryLfsAndOversizeBlobsAreSkippedAndCounted) {
  Repo r;
  r.Commit("bin.dat", std::string("\x01\x02\0\x03 binary", 12), "binary");
  r.Commit("big.txt", std::string(2000, 'x'), "big");
  r.Commit("model.bin",
           "version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
           "lfs");
  r.Commit("ok.txt", "ok\n", "ok");
  ScanStats stats;
  HistoryOptions opts;
  opts.base.max_file_size = 1000;
  Collected c = ScanHistory(r.path(), stats, opts);
  ASSERT_TRUE(c.status.ok());
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(c.blobs[0].origin().path, "ok.txt");
  EXPECT_EQ(stats.skipped_binary.load(), 1u);
  EXPECT_EQ(stats.skipped_too_large.load(), 1u);
  EXPECT_EQ(stats.skipped_ignored.load(), 1u);
}

TEST(GitHistorySource, Utf16BlobIsDecodedToUtf8) {
  Repo r;
  std::string text = "key = secretvalue\n", utf16 = "\xff\xfe";
  for (char ch : text) { utf16 += ch; utf16 += '\0'; }
  r.Commit("w.txt", utf16, "utf16");
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(c.blobs[0].bytes(), text);
}

TEST(GitHistorySource, SubmoduleIsNotedNotEntered) {
  Repo r;
  std::string commit = r.Commit("a.txt", "a\n", "initial");
  r.Git({"update-index", "--add", "--cacheinfo", "160000," + commit + ",vendor/lib"});
  r.Git({"commit", "-q", "-m", "add submodule"});
  ScanStats stats;
  Collected c = ScanHistory(r.path(), stats);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(c.blobs.size(), 1u);
  EXPECT_EQ(stats.error_count(), 0u);
  bool noted = false;
  for (const std::string& n : stats.notes()) noted |= n.find("vendor/lib") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(GitHistorySource, OneAndFourThreadsYieldTheSameBlobs) {
  Repo r;
  for (int i = 0; i < 30; ++i) r.Commit("f" + std::to_string(i % 7) + ".txt", "v" + std::to_string(i) + "\n", "c");
  r.Git({"gc", "-q"});
  r.Commit("loose.txt", "loose\n", "after gc");
  auto ids = [&](int threads) {
    ScanStats stats;
    Collected c = ScanHistory(r.path(), stats, {}, threads);
    std::multiset<std::string> out;
    for (const Blob& b : c.blobs) out.insert(b.origin().blob_id + " " + b.origin().path);
    return out;
  };
  auto one = ids(1);
  EXPECT_EQ(one.size(), 31u);
  EXPECT_EQ(one, ids(4));
}

}  // namespace
}  // namespace keyhole::source
