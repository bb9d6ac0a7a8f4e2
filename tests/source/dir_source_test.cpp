#include "source/dir_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "source/source_test_util.h"
#include "support/test_util.h"

namespace keyhole::source {
namespace {

namespace fs = std::filesystem;
using keyhole::testing::Git;
using keyhole::testing::TempDir;
using testing::BlobMap;
using testing::ScanDir;

std::set<std::string> Keys(const BlobMap& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

TEST(DirSource, ScansNestedDirectoriesWithSlashSeparatedRelativePaths) {
  TempDir dir;
  dir.Write("a.txt", "alpha");
  dir.Write("src/b.js", "beta");
  dir.Write("src/deep/er/c.py", "gamma");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs, (BlobMap{{"a.txt", "alpha"}, {"src/b.js", "beta"}, {"src/deep/er/c.py", "gamma"}}));
  EXPECT_EQ(stats.files_scanned, 3u);
  EXPECT_EQ(stats.bytes_scanned, 14u);
  EXPECT_EQ(stats.error_count(), 0u);
}

TEST(DirSource, NeverReadsDotGitDirectoryOfARepository) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write("app.cfg", "x=1");
  dir.Write(".git/secret_in_git_dir", "token");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"app.cfg"}));
}

TEST(DirSource, DotGitFileOfAWorktreeIsNotReadOutsideARepository) {
  TempDir dir;
  dir.Write("wt/.git", "gitdir: /elsewhere/.git/worktrees/wt\n");
  dir.Write("wt/main.c", "int main;");
  dir.Write(".git/config", "[core]");  // not a valid repository: still never read
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"wt/main.c"}));
}

TEST(DirSource, GitignoredFilesAreSkippedAndCounted) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "*.log\n");
  dir.Write("app.js", "code");
  dir.Write("debug.log", "noise");
  dir.Write("sub/trace.log", "noise");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".gitignore", "app.js"}));
  EXPECT_EQ(stats.skipped_ignored, 2u);
}

TEST(DirSource, GitignoreNegationKeepsTheFile) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "*.txt\n!keep.txt\n");
  dir.Write("drop.txt", "x");
  dir.Write("keep.txt", "y");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".gitignore", "keep.txt"}));
  EXPECT_EQ(stats.skipped_ignored, 1u);
}

TEST(DirSource, IgnoredDirectoryIsNotDescended) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "build/\nnode_modules\n");
  dir.Write("build/out1.js", "x");
  dir.Write("build/nested/out2.js", "x");
  dir.Write("node_modules/pkg/index.js", "x");
  dir.Write("src/build.js", "kept: a file named like the ignored dir pattern's prefix");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".gitignore", "src/build.js"}));
  EXPECT_EQ(stats.skipped_ignored, 2u);  // one per ignored directory, contents not enumerated
}

// As in git, ignore rules only apply to untracked files: a file in the index is scanned,
// and an ignored directory holding one is entered (its untracked files stay out).
TEST(DirSource, TrackedFilesAreScannedEvenIfGitignored) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "*.env\nbuild/\n");
  dir.Write("prod.env", "tracked");
  dir.Write("local.env", "untracked");
  dir.Write("build/keep.txt", "tracked");
  dir.Write("build/out.txt", "untracked");
  dir.Write("dist/x.env", "untracked");
  Git(dir.path(), {"add", "-f", "prod.env", "build/keep.txt"});
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".gitignore", "build/keep.txt", "prod.env"}));
  EXPECT_EQ(stats.skipped_ignored, 3u);
  EXPECT_TRUE(stats.notes().empty());
}

TEST(DirSource, ScanningASubdirectoryOfARepositoryHonoursItsGitignore) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "*.log\nsub/generated/\n");
  dir.Write("sub/.gitignore", "local.env\n");
  dir.Write("sub/a.js", "a");
  dir.Write("sub/b.log", "b");
  dir.Write("sub/local.env", "c");
  dir.Write("sub/generated/x.js", "d");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path() / "sub", stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".gitignore", "a.js"}));
  EXPECT_EQ(stats.skipped_ignored, 3u);
}

TEST(DirSource, RootIgnoredByGitignoreIsStillScannedWithANote) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", "dist/\n");
  dir.Write("dist/app.min.js", "bundle");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path() / "dist", stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"app.min.js"}));
  ASSERT_EQ(stats.notes().size(), 1u);
  EXPECT_NE(stats.notes()[0].find("ignored by .gitignore"), std::string::npos);
}

TEST(DirSource, NestedRepositoryAndSubmoduleAreNotEnteredAndNoted) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write("top.txt", "t");
  dir.Write("inner/file.txt", "i");
  Git(dir.path() / "inner", {"init", "-q"});
  dir.Write("mod/.git", "gitdir: ../.git/modules/mod\n");
  dir.Write("mod/lib.c", "m");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"top.txt"}));
  EXPECT_EQ(stats.skipped_ignored, 2u);
  std::vector<std::string> notes = stats.notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("inner/"), std::string::npos);
  EXPECT_NE(notes[1].find("mod/"), std::string::npos);
}

TEST(DirSource, RepositoriesInsideAPlainDirectoryAreScanned) {
  TempDir dir;  // not itself in a work tree: a folder of checkouts
  dir.Write("one/a.txt", "a");
  Git(dir.path() / "one", {"init", "-q"});
  dir.Write("one/.gitignore", "*.tmp\n");
  dir.Write("one/b.tmp", "b");
  dir.Write("two/c.txt", "c");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  // No ignore rules apply outside a work tree; .git is still never read.
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"one/.gitignore", "one/a.txt", "one/b.tmp", "two/c.txt"}));
}

TEST(DirSource, SymlinkLoopTerminatesAndIsCounted) {
  TempDir dir;
  dir.Write("a/file.txt", "x");
  fs::create_directory_symlink("..", dir.path() / "a" / "up");
  fs::create_directory_symlink(dir.path(), dir.path() / "a" / "self_abs");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"a/file.txt"}));
  EXPECT_EQ(stats.skipped_symlinks, 2u);
}

TEST(DirSource, SymlinkOutOfTheRootIsNotFollowed) {
  TempDir outside;
  outside.Write("secret.txt", "outside-secret");
  TempDir dir;
  dir.Write("in.txt", "in");
  fs::create_symlink(outside.path() / "secret.txt", dir.path() / "link.txt");
  fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs, (BlobMap{{"in.txt", "in"}}));
  EXPECT_EQ(stats.skipped_symlinks, 2u);
}

TEST(DirSource, SymlinkToAFileInsideTheRootIsNotScannedTwice) {
  TempDir dir;
  dir.Write("real.env", "KEY=1");
  fs::create_symlink("real.env", dir.path() / "alias.env");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"real.env"}));
  EXPECT_EQ(stats.skipped_symlinks, 1u);
}

TEST(DirSource, SymlinkedRootDirectoryIsScanned) {
  TempDir dir;
  dir.Write("real/a.txt", "a");
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "alias");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path() / "alias", stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"a.txt"}));
}

TEST(DirSource, BinaryContentIsSkippedAndCounted) {
  TempDir dir;
  dir.Write("blob.dat", std::string("ELF\0\0\x01\x02 binary", 15));
  dir.Write("text.txt", "plain");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"text.txt"}));
  EXPECT_EQ(stats.skipped_binary, 1u);
}

// The content decides, never the name: text under a "binary" extension is read as text,
// binary content under any name yields its printable runs (or is skipped without any).
TEST(DirSource, ContentNotTheExtensionDecidesWhatIsBinary) {
  TempDir dir;
  for (const char* name : {"logo.PNG", "lib.so", "App.class", "font.woff2", "doc.pdf", "bundle.zip"}) {
    dir.Write(name, "text-looking bytes");
  }
  dir.Write("layout.xml", std::string("\x01\x02\0\x03 binary\0\x04\x05\x06", 15));
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"App.class", "bundle.zip", "doc.pdf", "font.woff2", "lib.so",
                                                "logo.PNG"}));
  EXPECT_EQ(blobs["lib.so"], "text-looking bytes");
  EXPECT_EQ(stats.skipped_binary, 1u);  // layout.xml: binary without a printable run of 8
  EXPECT_EQ(stats.binary_scanned, 0u);
}

TEST(DirSource, OversizedFileIsSkippedAndCounted) {
  TempDir dir;
  dir.Write("big.txt", std::string(101, 'a'));
  dir.Write("limit.txt", std::string(100, 'b'));
  SourceOptions options;
  options.max_file_size = 100;
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats, 2, options);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{"limit.txt"}));
  EXPECT_EQ(stats.skipped_too_large, 1u);
}

TEST(DirSource, ZeroMaxFileSizeMeansNoLimit) {
  TempDir dir;
  dir.Write("big.txt", std::string(200000, 'a'));
  SourceOptions options;
  options.max_file_size = 0;
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats, 2, options);
  EXPECT_EQ(blobs["big.txt"].size(), 200000u);
  EXPECT_EQ(stats.skipped_too_large, 0u);
}

TEST(DirSource, Utf16LittleEndianWithBomIsDecodedToUtf8) {
  TempDir dir;
  dir.Write("win.ini", std::string("\xFF\xFEk\0=\0\xE9\0\n\0", 10));
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs["win.ini"], "k=\xC3\xA9\n");
  EXPECT_EQ(stats.skipped_binary, 0u);
}

TEST(DirSource, Utf16BigEndianWithBomIsDecodedToUtf8) {
  TempDir dir;
  dir.Write("be.txt", std::string("\xFE\xFF\0k\0=\0v\0\n", 10));
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs["be.txt"], "k=v\n");
}

TEST(DirSource, LargeFileIsReadCompletely) {
  TempDir dir;
  std::string content;
  for (int i = 0; content.size() < 300000; ++i) content += "line " + std::to_string(i) + "\n";
  dir.Write("big.log", content);
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs["big.log"], content);
  EXPECT_EQ(stats.bytes_scanned, content.size());
}

TEST(DirSource, BlobOutlivesTheRunThroughItsKeepalive) {
  TempDir dir;
  std::string content(100000, 'z');  // above the mmap threshold
  dir.Write("kept.txt", content);
  std::vector<Blob> kept;
  ScanStats stats;
  ASSERT_TRUE(MakeDirSource(dir.path(), {})->Run(1, [&](int, const Blob& b) { kept.push_back(b); }, stats).ok());
  fs::remove(dir.path() / "kept.txt");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].bytes(), content);
}

TEST(DirSource, EmptyFileIsScannedWithEmptyBytes) {
  TempDir dir;
  dir.Write("empty.txt", "");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs, (BlobMap{{"empty.txt", ""}}));
  EXPECT_EQ(stats.files_scanned, 1u);
}

TEST(DirSource, SingleFileRootIsReportedByItsName) {
  TempDir dir;
  fs::path file = dir.Write("conf/settings.py", "SECRET = 1");
  ScanStats stats;
  BlobMap blobs = ScanDir(file, stats);
  EXPECT_EQ(blobs, (BlobMap{{"settings.py", "SECRET = 1"}}));
}

TEST(DirSource, SymlinkGivenAsRootFileIsScannedUnderItsOwnName) {
  TempDir dir;
  dir.Write("real/config.yml", "k: v");
  fs::create_symlink(dir.path() / "real" / "config.yml", dir.path() / "alias.yml");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path() / "alias.yml", stats);
  EXPECT_EQ(blobs, (BlobMap{{"alias.yml", "k: v"}}));
  EXPECT_EQ(stats.skipped_symlinks, 0u);
}

TEST(DirSource, SingleFileRootIsScannedEvenIfGitignored) {
  TempDir dir;
  Git(dir.path(), {"init", "-q"});
  dir.Write(".gitignore", ".env\n");
  fs::path file = dir.Write(".env", "K=v");
  ScanStats stats;
  BlobMap blobs = ScanDir(file, stats);
  EXPECT_EQ(Keys(blobs), (std::set<std::string>{".env"}));
}

TEST(DirSource, MissingRootIsNotFound) {
  TempDir dir;
  ScanStats stats;
  Status status;
  BlobMap blobs = ScanDir(dir.path() / "nope", stats, 2, {}, &status);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_NE(status.message().find("nope"), std::string::npos);
  EXPECT_TRUE(blobs.empty());
}

// A TempDir on tmpfs when there is one: creating and removing 100,000 files on a busy
// ext4 disk takes minutes, the scan itself under a second.
std::unique_ptr<TempDir> FastTempDir() {
  const char* old = std::getenv("TMPDIR");
  std::string saved = old != nullptr ? old : "";
  if (access("/dev/shm", W_OK) == 0) setenv("TMPDIR", "/dev/shm", 1);
  auto dir = std::make_unique<TempDir>();
  if (old != nullptr) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
  return dir;
}

TEST(DirSource, HundredThousandFilesAreAllCounted) {
  std::unique_ptr<TempDir> tmp = FastTempDir();
  const TempDir& dir = *tmp;
  constexpr int kDirs = 100, kPerDir = 1000;
  for (int d = 0; d < kDirs; ++d) {
    fs::path sub = dir.path() / ("d" + std::to_string(d));
    fs::create_directory(sub);
    for (int f = 0; f < kPerDir; ++f) {
      std::string p = (sub / ("f" + std::to_string(f))).string();
      int fd = open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(write(fd, "k\n", 2), 2);
      close(fd);
    }
  }
  ScanStats stats;
  size_t count = 0;
  std::mutex mu;
  ASSERT_TRUE(MakeDirSource(dir.path(), {})
                  ->Run(2, [&](int, const Blob&) { std::lock_guard<std::mutex> l(mu); ++count; }, stats)
                  .ok());
  EXPECT_EQ(count, static_cast<size_t>(kDirs * kPerDir));
  EXPECT_EQ(stats.files_scanned, static_cast<uint64_t>(kDirs * kPerDir));
  EXPECT_EQ(stats.bytes_scanned, static_cast<uint64_t>(2 * kDirs * kPerDir));
}

TEST(DirSource, DeeplyNestedPathIsScanned) {
  TempDir dir;
  std::string rel;
  for (int i = 0; i < 200; ++i) rel += "d/";
  rel += "leaf.txt";
  dir.Write(rel, "deep");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs, (BlobMap{{rel, "deep"}}));
}

TEST(DirSource, OneAndFourThreadsYieldTheSameBlobs) {
  TempDir dir;
  for (int i = 0; i < 300; ++i) {
    dir.Write("p" + std::to_string(i % 7) + "/f" + std::to_string(i) + ".txt", "content " + std::to_string(i));
  }
  dir.Write("big.txt", std::string(70000, 'q'));
  ScanStats s1, s4;
  BlobMap one = ScanDir(dir.path(), s1, 1);
  BlobMap four = ScanDir(dir.path(), s4, 4);
  EXPECT_EQ(one.size(), 301u);
  EXPECT_EQ(one, four);
  EXPECT_EQ(s1.bytes_scanned, s4.bytes_scanned);
}

TEST(DirSource, WorkerIndicesAreInRangeAndOwnedByOneThreadEach) {
  TempDir dir;
  for (int i = 0; i < 200; ++i) dir.Write("f" + std::to_string(i), "x");
  constexpr int kThreads = 3;
  std::mutex mu;
  std::map<int, std::set<std::thread::id>> threads_by_worker;
  ScanStats stats;
  ASSERT_TRUE(MakeDirSource(dir.path(), {})
                  ->Run(kThreads,
                        [&](int worker, const Blob&) {
                          std::lock_guard<std::mutex> l(mu);
                          threads_by_worker[worker].insert(std::this_thread::get_id());
                        },
                        stats)
                  .ok());
  ASSERT_FALSE(threads_by_worker.empty());
  for (const auto& [worker, ids] : threads_by_worker) {
    EXPECT_GE(worker, 0);
    EXPECT_LT(worker, kThreads);
    EXPECT_EQ(ids.size(), 1u) << "worker " << worker << " used by several threads at once";
  }
}

TEST(DirSource, ExceptionFromTheSinkIsRecordedAndTheScanGoesOn) {
  TempDir dir;
  dir.Write("bad.txt", "x");
  dir.Write("good.txt", "y");
  ScanStats stats;
  std::mutex mu;
  std::set<std::string> seen;
  Status st = MakeDirSource(dir.path(), {})->Run(2, [&](int, const Blob& b) {
    if (b.origin().path == "bad.txt") throw std::runtime_error("boom");
    std::lock_guard<std::mutex> l(mu);
    seen.insert(b.origin().path);
  }, stats);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(seen, (std::set<std::string>{"good.txt"}));
  std::vector<ScanError> errors = stats.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "bad.txt");
  EXPECT_NE(errors[0].message.find("boom"), std::string::npos);
}

TEST(InMemorySource, YieldsItsBlobsInOrderOnWorkerZero) {
  std::vector<Blob> input;
  input.emplace_back(Origin{"b.txt", "", std::nullopt}, "two");
  input.emplace_back(Origin{"a.txt", "", std::nullopt}, "one");
  std::unique_ptr<Source> source = MakeInMemorySource(std::move(input));
  std::vector<std::pair<std::string, std::string>> got;
  ScanStats stats;
  ASSERT_TRUE(source->Run(4, [&](int worker, const Blob& b) {
    EXPECT_EQ(worker, 0);
    got.emplace_back(b.origin().path, std::string(b.bytes()));
  }, stats).ok());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"b.txt", "two"}, {"a.txt", "one"}}));
  EXPECT_EQ(stats.files_scanned, 2u);
  EXPECT_EQ(stats.bytes_scanned, 6u);
}

}  // namespace
}  // namespace keyhole::source
