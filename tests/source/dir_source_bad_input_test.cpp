// Hostile and unusual input for the directory and stdin sources: unreadable files and
// directories, files vanishing mid-walk, FIFOs, odd file names, oversized stdin.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "source/dir_source.h"
#include "source/source_test_util.h"
#include "support/test_util.h"

namespace keyhole::source {
namespace {

namespace fs = std::filesystem;
using keyhole::testing::TempDir;
using testing::BlobMap;
using testing::ScanDir;

// Root ignores permission bits, so as root `fn` runs in a forked child that has become
// "nobody" first. Returns what `fn` returned (or why it could not run).
std::string RunUnprivileged(const std::function<std::string()>& fn) {
  if (geteuid() != 0) return fn();
  int p[2];
  if (pipe(p) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    std::string out;
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
      out = "cannot drop privileges";
    } else {
      out = fn();
    }
    size_t done = 0;
    while (done < out.size()) {
      ssize_t k = write(p[1], out.data() + done, out.size() - done);
      if (k <= 0) break;
      done += static_cast<size_t>(k);
    }
    _exit(0);
  }
  close(p[1]);
  std::string out;
  char buf[4096];
  ssize_t k;
  while ((k = read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(k));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "child crashed: " + out;
  return out;
}

// "status | blob,blob | path: message, path: message" of one scan of `root`.
std::string DescribeScan(const fs::path& root) {
  ScanStats stats;
  Status status;
  BlobMap blobs = ScanDir(root, stats, 2, {}, &status);
  std::string out = status.ok() ? "ok" : status.ToString();
  out += " |";
  for (const auto& [path, bytes] : blobs) out += " " + path;
  out += " |";
  for (const ScanError& e : stats.errors()) out += " " + e.path + ": " + e.message;
  return out;
}

// A temp dir that the unprivileged child can enter.
void MakeTraversable(const TempDir& dir) {
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
}

TEST(DirSourceBadInput, UnreadableFileIsRecordedAndOthersAreScanned) {
  TempDir dir;
  MakeTraversable(dir);
  dir.Write("a.txt", "a");
  fs::path locked = dir.Write("b.txt", "b");
  dir.Write("c.txt", "c");
  fs::permissions(locked, fs::perms::none);
  EXPECT_EQ(RunUnprivileged([&] { return DescribeScan(dir.path()); }),
            "ok | a.txt c.txt | b.txt: permission denied");
}

TEST(DirSourceBadInput, UnreadableDirectoryIsRecordedAndTheWalkGoesOn) {
  TempDir dir;
  MakeTraversable(dir);
  dir.Write("a/x.txt", "x");
  dir.Write("locked/y.txt", "y");
  dir.Write("z/w.txt", "w");
  fs::permissions(dir.path() / "locked", fs::perms::none);
  EXPECT_EQ(RunUnprivileged([&] { return DescribeScan(dir.path()); }),
            "ok | a/x.txt z/w.txt | locked: permission denied");
}

TEST(DirSourceBadInput, UnreadableRootIsAnIOError) {
  TempDir dir;
  MakeTraversable(dir);
  dir.Write("root/x.txt", "x");
  fs::permissions(dir.path() / "root", fs::perms::none);
  fs::path root = dir.path() / "root";
  EXPECT_EQ(RunUnprivileged([&] { return DescribeScan(root); }),
            "I/O error: cannot read directory " + root.string() + ": permission denied | |");
}

TEST(DirSourceBadInput, FileVanishingMidWalkIsRecordedAndTheWalkGoesOn) {
  TempDir dir;
  dir.Write("a.txt", "a");
  dir.Write("b.txt", "b");
  dir.Write("c.txt", "c");
  ScanStats stats;
  std::set<std::string> seen;
  // One worker, and a directory is listed before its files are queued: b.txt is already
  // queued when the sink, seeing a.txt, removes it.
  Status st = MakeDirSource(dir.path(), {})->Run(1, [&](int, const Blob& b) {
    seen.insert(b.origin().path);
    if (b.origin().path == "a.txt") fs::remove(dir.path() / "b.txt");
  }, stats);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(seen, (std::set<std::string>{"a.txt", "c.txt"}));
  std::vector<ScanError> errors = stats.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "b.txt");
  EXPECT_EQ(errors[0].message, "file vanished during the scan");
}

TEST(DirSourceBadInput, FifoIsSkippedWithoutBlocking) {
  TempDir dir;
  dir.Write("before.txt", "b");
  ASSERT_EQ(mkfifo((dir.path() / "pipe").c_str(), 0644), 0);
  dir.Write("zafter.txt", "z");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  EXPECT_EQ(blobs, (BlobMap{{"before.txt", "b"}, {"zafter.txt", "z"}}));
  EXPECT_EQ(stats.skipped_ignored, 1u);
  ASSERT_EQ(stats.notes().size(), 1u);
  EXPECT_NE(stats.notes()[0].find("pipe"), std::string::npos);
}

TEST(DirSourceBadInput, FifoAsRootIsInvalidArgumentWithoutBlocking) {
  TempDir dir;
  fs::path fifo = dir.path() / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  ScanStats stats;
  Status status;
  ScanDir(fifo, stats, 2, {}, &status);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("not a regular file or directory"), std::string::npos);
}

TEST(DirSourceBadInput, OddFileNamesAreKeptAsRawBytes) {
  TempDir dir;
  const std::vector<std::string> names = {"with space.txt", "new\nline.txt", "bad\xFF\xFE.txt",
                                          "tab\there",      "-dash",         "\xC3\xBC\xC3\xB1i.txt",
                                          "back\\slash"};
  for (const std::string& n : names) dir.Write("d/" + n, "v");
  ScanStats stats;
  BlobMap blobs = ScanDir(dir.path(), stats);
  std::set<std::string> expected;
  for (const std::string& n : names) expected.insert("d/" + n);
  std::set<std::string> got;
  for (const auto& [path, bytes] : blobs) got.insert(path);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(stats.error_count(), 0u);
}

// Points fd 0 at a file for the lifetime of the object.
class StdinFrom {
 public:
  explicit StdinFrom(const fs::path& file) : saved_(dup(STDIN_FILENO)) {
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
  }
  ~StdinFrom() {
    dup2(saved_, STDIN_FILENO);
    close(saved_);
  }

 private:
  int saved_;
};

BlobMap ScanStdin(const std::string& content, ScanStats& stats, SourceOptions options = {}) {
  TempDir dir;
  fs::path input = dir.Write("input", content);
  StdinFrom redirect(input);
  std::unique_ptr<Source> source = MakeStdinSource(options);
  return testing::Collect(*source, stats);
}

TEST(StdinSource, IsOneBlobNamedStdin) {
  std::string content(200000, 'x');  // larger than one read() and one pipe buffer
  ScanStats stats;
  BlobMap blobs = ScanStdin(content, stats);
  EXPECT_EQ(blobs, (BlobMap{{"<stdin>", content}}));
  EXPECT_EQ(stats.files_scanned, 1u);
  EXPECT_EQ(stats.bytes_scanned, content.size());
}

TEST(StdinSource, OverMaxFileSizeIsAnErrorNotASilentSkip) {
  SourceOptions options;
  options.max_file_size = 10;
  ScanStats stats;
  BlobMap blobs = ScanStdin("0123456789A", stats, options);
  EXPECT_TRUE(blobs.empty());
  std::vector<ScanError> errors = stats.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "<stdin>");
  EXPECT_NE(errors[0].message.find("--max-file-size"), std::string::npos);
}

TEST(StdinSource, BinaryInputIsSkippedAndCounted) {
  ScanStats stats;
  BlobMap blobs = ScanStdin(std::string("\x7f" "ELF\0\0\0\x02", 8), stats);
  EXPECT_TRUE(blobs.empty());
  EXPECT_EQ(stats.skipped_binary, 1u);
}

TEST(StdinSource, Utf16InputIsDecoded) {
  ScanStats stats;
  BlobMap blobs = ScanStdin(std::string("\xFF\xFEo\0k\0", 6), stats);
  EXPECT_EQ(blobs, (BlobMap{{"<stdin>", "ok"}}));
}

TEST(StdinSource, EmptyInputIsOneEmptyBlob) {
  ScanStats stats;
  BlobMap blobs = ScanStdin("", stats);
  EXPECT_EQ(blobs, (BlobMap{{"<stdin>", ""}}));
}

}  // namespace
}  // namespace keyhole::source
