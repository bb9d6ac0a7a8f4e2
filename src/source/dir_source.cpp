#include "source/dir_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "source/fs_read.h"

namespace keyhole::source {
namespace {

namespace fs = std::filesystem;

// Paths waiting for a worker. Bounded so that a huge tree costs O(capacity) memory, not
// O(files), and the walk cannot run arbitrarily far ahead of the readers.
class PathQueue {
 public:
  explicit PathQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while full. Returns false (and drops `path`) once the queue is closed.
  bool Push(std::string path) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(path));
    not_empty_.notify_one();
    return true;
  }

  // Blocks until an item is available; nullopt when closed and drained.
  std::optional<std::string> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    std::string path = std::move(items_.front());
    items_.pop_front();
    // Wake a blocked producer only once the queue has drained to half: waking it at every
    // pop made the walker and a worker hand over the CPU once per file (futex wake-ups and
    // context switches were ~10% of a scan of /usr/include).
    if (items_.size() == capacity_ / 2) not_full_.notify_all();
    return path;
  }

  // No more pushes; Pop() drains what is left, then returns nullopt.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::string> items_;
  bool closed_ = false;
};

// Capacity of the path queue: enough to keep workers busy across directories with slow
// enumeration, small enough to be negligible in memory (~1024 short strings).
constexpr size_t kQueueCapacity = 1024;

// .gitignore rules of the work tree that contains the scan root, answered by libgit2.
// Not thread-safe (one git_repository handle): used only by the enumerating thread.
class GitIgnore {
 public:
  // The work tree containing `root_dir`, or nullptr when there is none (not in a
  // repository, a bare repository, or a root inside .git/).
  static std::unique_ptr<GitIgnore> Open(const fs::path& root_dir) {
    auto ignore = std::unique_ptr<GitIgnore>(new GitIgnore());
    // We only read ignore rules; a repository owned by another user (a checkout mounted
    // into a container, CI) must still have its .gitignore honoured.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    std::error_code ec;
    fs::path root_canon = fs::canonical(root_dir, ec);
    if (ec) return nullptr;
    if (git_repository_open_ext(&ignore->repo_, root_canon.c_str(), 0, nullptr) != 0) return nullptr;
    const char* workdir = git_repository_workdir(ignore->repo_);
    if (workdir == nullptr) return nullptr;
    fs::path work_canon = fs::canonical(workdir, ec);
    if (ec) return nullptr;
    // The root relative to the work tree ("" or "sub/dir/").
    fs::path rel = root_canon.lexically_relative(work_canon);
    std::string rel_str = rel.generic_string();
    if (rel.empty() || rel_str == ".." || rel_str.rfind("../", 0) == 0) return nullptr;
    if (rel_str == ".") rel_str.clear();
    if (rel_str == ".git" || rel_str.rfind(".git/", 0) == 0) return nullptr;
    if (!rel_str.empty()) rel_str += '/';
    ignore->prefix_ = std::move(rel_str);
    return ignore;
  }

  ~GitIgnore() {
    if (index_ != nullptr) git_index_free(index_);
    if (repo_ != nullptr) git_repository_free(repo_);
    git_libgit2_shutdown();
  }
  GitIgnore(const GitIgnore&) = delete;
  GitIgnore& operator=(const GitIgnore&) = delete;

  // Whether the file (or, with `is_dir`, the directory) `rel`, relative to the scan root,
  // is left out as git leaves it out: matched by an ignore rule and not tracked. As in git,
  // ignore rules apply only to untracked files: a file in the index (`git add -f`) is
  // scanned whatever .gitignore says, and an ignored directory is entered when the index
  // holds a file below it — so a change to .gitignore cannot hide committed files. An
  // error from libgit2 counts as "not ignored": scanning one file too many beats silently
  // dropping one; an index that cannot be read turns ignore rules off (index_error()).
  bool IsIgnored(const std::string& rel, bool is_dir = false) {
    int ignored = 0;
    std::string path = prefix_ + rel;
    if (git_ignore_path_is_ignored(&ignored, repo_, path.c_str()) != 0) {
      git_error_clear();
      return false;
    }
    if (ignored == 0) return false;
    if (!LoadIndex()) return false;
    size_t pos = 0;
    int rc = is_dir ? git_index_find_prefix(&pos, index_, (path + "/").c_str())
                    : git_index_find(&pos, index_, path.c_str());
    git_error_clear();
    return rc != 0;  // 0: tracked (a file of that path, or one below the directory)
  }

  // Why the index could not be read ("" if it could, or was not needed).
  const std::string& index_error() const { return index_error_; }

  // The root's own path in the work tree ("" at the top).
  const std::string& prefix() const { return prefix_; }

 private:
  GitIgnore() { git_libgit2_init(); }  // refcounted; balanced in the destructor

  // Read on first need: most trees have few ignored paths, and a scan without any does
  // not pay for reading a large index.
  bool LoadIndex() {
    if (index_ != nullptr) return true;
    if (!index_error_.empty()) return false;
    if (git_repository_index(&index_, repo_) != 0) {
      const git_error* e = git_error_last();
      index_error_ = e != nullptr && e->message != nullptr ? e->message : "unknown error";
      git_error_clear();
      index_ = nullptr;
      return false;
    }
    return true;
  }

  git_repository* repo_ = nullptr;
  git_index* index_ = nullptr;
  std::string index_error_;
  std::string prefix_;
};

// Depth-first walk of a directory tree, emitting the relative paths of regular files
// that are to be read. Children are visited in byte order of their names, so the
// enumeration is stable from run to run.
class Walker {
 public:
  Walker(std::string base, GitIgnore* ignore, bool in_work_tree, ScanStats& stats, PathQueue& queue)
      : base_(std::move(base)), ignore_(ignore), in_work_tree_(in_work_tree), stats_(stats), queue_(queue) {}

  // Returns false if the root directory itself could not be read (error in *message).
  bool Walk(std::string* message) {
    std::vector<std::string> stack;  // directories still to visit, relative to the root
    std::vector<Entry> entries;
    if (!ReadDir("", &entries, message)) return false;
    VisitEntries("", entries, &stack);
    while (!stack.empty()) {
      std::string dir = std::move(stack.back());
      stack.pop_back();
      std::string error;
      if (!ReadDir(dir, &entries, &error)) {
        stats_.AddError(dir, error);
        continue;
      }
      if (in_work_tree_ && HasGitEntry(entries)) {
        // A submodule or a repository nested in the work tree: its content is not part
        // of this repository and .gitignore does not describe it.
        stats_.skipped_ignored.fetch_add(1, std::memory_order_relaxed);
        stats_.AddNote("not entered: nested git repository or submodule at " + dir + "/");
        continue;
      }
      if (!VisitEntries(dir, entries, &stack)) return true;  // queue closed: stop early
    }
    return true;
  }

 private:
  struct Entry {
    std::string name;
    unsigned char type;  // DT_* of readdir, never DT_UNKNOWN after ReadDir
  };

  std::string FullPath(const std::string& rel) const { return rel.empty() ? base_ : base_ + "/" + rel; }
  static std::string Join(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
  }
  static bool HasGitEntry(const std::vector<Entry>& entries) {
    return std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return e.name == ".git"; });
  }

  bool ReadDir(const std::string& rel, std::vector<Entry>* entries, std::string* error) {
    entries->clear();
    std::string full = FullPath(rel);
    DIR* d = opendir(full.c_str());
    if (d == nullptr) {
      *error = errno == ENOENT ? "directory vanished during the scan" : ErrnoMessage(errno);
      return false;
    }
    int dfd = dirfd(d);
    while (true) {
      errno = 0;  // readdir() returns nullptr both at the end and on error
      struct dirent* de = readdir(d);
      if (de == nullptr) break;
      std::string name = de->d_name;
      if (name == "." || name == "..") continue;
      unsigned char type = de->d_type;
      if (type == DT_UNKNOWN) {  // some filesystems (xfs without ftype, fuse) do not fill d_type
        struct stat st;
        if (fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
          stats_.AddError(Join(rel, name), ErrnoMessage(errno));
          continue;
        }
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
      }
      entries->push_back({std::move(name), type});
    }
    int err = errno;
    closedir(d);
    if (err != 0) stats_.AddError(rel.empty() ? base_ : rel, "error reading directory: " + ErrnoMessage(err));
    std::sort(entries->begin(), entries->end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return true;
  }

  // Queues the files of one directory and pushes its subdirectories onto *stack (reversed,
  // so that they are visited in name order). Returns false if the queue was closed.
  bool VisitEntries(const std::string& dir, const std::vector<Entry>& entries, std::vector<std::string>* stack) {
    size_t first_subdir = stack->size();
    for (const Entry& e : entries) {
      // .git is never read: the directory of the repository, or the .git file of a
      // worktree or submodule.
      if (e.name == ".git") continue;
      std::string rel = Join(dir, e.name);
      switch (e.type) {
        case DT_LNK:
          // Never followed: a link to a file inside the root is scanned as its target,
          // a link out of the root is not ours to read, a link to a directory may loop.
          stats_.skipped_symlinks.fetch_add(1, std::memory_order_relaxed);
          break;
        case DT_DIR:
          if (ignore_ != nullptr && ignore_->IsIgnored(rel, /*is_dir=*/true)) {
            stats_.skipped_ignored.fetch_add(1, std::memory_order_relaxed);  // not descended
          } else {
            stack->push_back(std::move(rel));
          }
          break;
        case DT_REG:
          // No file is judged by its name: a text file called .lib, .pdf or .tar is read
          // like any other, and binary content is told from its bytes (MakeTextBlob).
          if (ignore_ != nullptr && ignore_->IsIgnored(rel)) {
            stats_.skipped_ignored.fetch_add(1, std::memory_order_relaxed);
          } else if (!queue_.Push(std::move(rel))) {
            return false;
          }
          break;
        default:
          // FIFOs, sockets, devices: no file content; opening a FIFO could block forever.
          stats_.skipped_ignored.fetch_add(1, std::memory_order_relaxed);
          stats_.AddNote("skipped special file (not a regular file): " + rel);
          break;
      }
    }
    std::reverse(stack->begin() + static_cast<std::ptrdiff_t>(first_subdir), stack->end());
    return true;
  }

  const std::string base_;
  GitIgnore* ignore_;
  const bool in_work_tree_;
  ScanStats& stats_;
  PathQueue& queue_;
};

std::string DescribeException(std::exception_ptr e) {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const std::exception& ex) {
    return std::string("internal error: ") + ex.what();
  } catch (...) {
    return "internal error: unknown exception";
  }
}

// Starts `threads` workers that pop paths and hand each file to the sink. Joins them on
// destruction, after closing the queue, so no path out of Run() leaves a thread running.
class WorkerPool {
 public:
  WorkerPool(int threads, std::string base, uint64_t max_size, const BlobSink& sink, ScanStats& stats,
             PathQueue& queue)
      : base_(std::move(base)), max_size_(max_size), sink_(sink), stats_(stats), queue_(queue) {
    workers_.reserve(static_cast<size_t>(threads));
    try {
      for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { Loop(i); });
    } catch (...) {
      Join();  // a joinable std::thread must not be destroyed
      throw;
    }
  }
  ~WorkerPool() { Join(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Join() {
    queue_.Close();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void Loop(int worker) {
    while (std::optional<std::string> rel = queue_.Pop()) {
      // Nothing may escape a thread (std::terminate); one bad file must not stop the rest.
      try {
        std::string full = rel->empty() ? base_ : base_ + "/" + *rel;
        std::optional<Blob> blob = LoadFileBlob(full, *rel, max_size_, stats_);
        if (!blob) continue;
        stats_.files_scanned.fetch_add(1, std::memory_order_relaxed);
        stats_.bytes_scanned.fetch_add(blob->bytes().size(), std::memory_order_relaxed);
        sink_(worker, *blob);
      } catch (...) {
        stats_.AddError(*rel, DescribeException(std::current_exception()));
      }
    }
  }

  const std::string base_;
  const uint64_t max_size_;
  const BlobSink& sink_;
  ScanStats& stats_;
  PathQueue& queue_;
  std::vector<std::thread> workers_;
};

class DirSource : public Source {
 public:
  DirSource(fs::path root, SourceOptions options) : root_(std::move(root)), options_(options) {}

  Status Run(int threads, const BlobSink& sink, ScanStats& stats) override {
    try {
      return RunOnRoot(std::max(threads, 1), sink, stats);
    } catch (...) {
      // Only resource exhaustion gets here (per-file failures are caught in the workers);
      // WorkerPool's destructor has joined the workers by now.
      return Status::Internal(DescribeException(std::current_exception()));
    }
  }

 private:
  // A single file named on the command line: read on the calling thread, reported by its
  // name, scanned even if .gitignore'd (the user asked for it) and even if the name is a
  // symlink (the user chose the target).
  Status ScanSingleFile(const BlobSink& sink, ScanStats& stats) {
    std::string name = root_.filename().string();
    std::error_code ec;
    fs::path target = fs::is_symlink(root_, ec) ? fs::canonical(root_, ec) : root_;
    if (ec) return Status::IOError("cannot resolve " + root_.string() + ": " + ec.message());
    std::optional<Blob> blob = LoadFileBlob(target.string(), name, options_.max_file_size, stats);
    if (!blob) return Status::OK();
    stats.files_scanned.fetch_add(1, std::memory_order_relaxed);
    stats.bytes_scanned.fetch_add(blob->bytes().size(), std::memory_order_relaxed);
    try {
      sink(0, *blob);
    } catch (...) {
      stats.AddError(name, DescribeException(std::current_exception()));
    }
    return Status::OK();
  }

  Status RunOnRoot(int threads, const BlobSink& sink, ScanStats& stats) {
    const std::string root_str = root_.string();
    struct stat st;
    if (stat(root_str.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT || err == ENOTDIR) return Status::NotFound("no such file or directory: " + root_str);
      return Status::IOError("cannot access " + root_str + ": " + ErrnoMessage(err));
    }
    if (S_ISREG(st.st_mode)) return ScanSingleFile(sink, stats);
    if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("not a regular file or directory: " + root_str);
    PathQueue queue(kQueueCapacity);
    std::unique_ptr<GitIgnore> ignore = GitIgnore::Open(root_);
    const bool in_work_tree = ignore != nullptr;
    if (ignore != nullptr && !ignore->prefix().empty()) {
      std::string self = ignore->prefix().substr(0, ignore->prefix().size() - 1);
      if (ignore->IsIgnored("")) {
        // Everything below an ignored directory is ignored; scanning it was asked for
        // explicitly, so its .gitignore rules are not applied.
        stats.AddNote("scan root " + self + " is ignored by .gitignore: ignore rules not applied");
        ignore.reset();
      }
    }
    WorkerPool pool(threads, root_str, options_.max_file_size, sink, stats, queue);
    Walker walker(root_str, ignore.get(), in_work_tree, stats, queue);
    std::string error;
    bool ok = walker.Walk(&error);
    pool.Join();
    if (ignore != nullptr && !ignore->index_error().empty()) {
      stats.AddNote("cannot read the git index (" + ignore->index_error() +
                    "): tracked and untracked files cannot be told apart, .gitignore rules not applied");
    }
    if (!ok) return Status::IOError("cannot read directory " + root_str + ": " + error);
    return Status::OK();
  }

  fs::path root_;
  SourceOptions options_;
};

class StdinSource : public Source {
 public:
  explicit StdinSource(SourceOptions options) : options_(options) {}

  Status Run(int /*threads*/, const BlobSink& sink, ScanStats& stats) override {
    const std::string name = "<stdin>";
    std::string data;
    char buf[65536];
    const uint64_t max = options_.max_file_size;
    while (true) {
      ssize_t k = read(STDIN_FILENO, buf, sizeof buf);
      if (k < 0) {
        if (errno == EINTR) continue;
        stats.AddError(name, "cannot read stdin: " + ErrnoMessage(errno));
        return Status::OK();
      }
      if (k == 0) break;
      data.append(buf, static_cast<size_t>(k));
      if (max > 0 && data.size() > max) {
        stats.AddError(name, "stdin is larger than the maximum file size (" + std::to_string(max) +
                                 " bytes; see --max-file-size): not scanned");
        return Status::OK();
      }
    }
    try {
      auto owned = std::make_shared<const std::string>(std::move(data));
      Origin origin;
      origin.path = name;
      std::optional<Blob> blob = MakeTextBlob(std::move(origin), *owned, owned, stats);
      if (!blob) return Status::OK();
      stats.files_scanned.fetch_add(1, std::memory_order_relaxed);
      stats.bytes_scanned.fetch_add(blob->bytes().size(), std::memory_order_relaxed);
      sink(0, *blob);
    } catch (...) {
      stats.AddError(name, DescribeException(std::current_exception()));
    }
    return Status::OK();
  }

 private:
  SourceOptions options_;
};

// Yields its blobs as they are, in order, on the calling thread (worker 0).
class InMemorySource : public Source {
 public:
  explicit InMemorySource(std::vector<Blob> blobs) : blobs_(std::move(blobs)) {}

  Status Run(int /*threads*/, const BlobSink& sink, ScanStats& stats) override {
    for (const Blob& blob : blobs_) {
      try {
        stats.files_scanned.fetch_add(1, std::memory_order_relaxed);
        stats.bytes_scanned.fetch_add(blob.bytes().size(), std::memory_order_relaxed);
        sink(0, blob);
      } catch (...) {
        stats.AddError(blob.origin().path, DescribeException(std::current_exception()));
      }
    }
    return Status::OK();
  }

 private:
  std::vector<Blob> blobs_;
};

}  // namespace

std::unique_ptr<Source> MakeDirSource(std::filesystem::path root, SourceOptions options) {
  return std::make_unique<DirSource>(std::move(root), options);
}

std::unique_ptr<Source> MakeStdinSource(SourceOptions options) { return std::make_unique<StdinSource>(options); }

std::unique_ptr<Source> MakeInMemorySource(std::vector<Blob> blobs) {
  return std::make_unique<InMemorySource>(std::move(blobs));
}

}  // namespace keyhole::source
