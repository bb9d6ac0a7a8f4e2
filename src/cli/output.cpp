#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>

#include "core/text.h"

namespace keyhole::cli {

namespace {

// A streambuf over a file descriptor it owns. Write errors (ENOSPC, EFBIG, EIO) are
// remembered so the report is never taken for complete.
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  ~FdBuf() override { Close(); }

  // Flushes and closes; 0 or the first errno seen.
  int Close() {
    if (fd_ < 0) return error_;
    sync();
    if (close(fd_) != 0 && error_ == 0) error_ = errno;
    fd_ = -1;
    return error_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override {
    const char* p = pbase();
    while (p < pptr() && error_ == 0) {
      ssize_t n = write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        break;
      }
      p += n;
    }
    setp(buf_, buf_ + sizeof buf_);
    return error_ == 0 ? 0 : -1;
  }

 private:
  int fd_;
  int error_ = 0;
  char buf_[1 << 16];
};

class FdStream : public std::ostream {
 public:
  explicit FdStream(int fd) : std::ostream(nullptr), buf_(fd) { rdbuf(&buf_); }
  int Close() {
    flush();
    return buf_.Close();
  }

 private:
  FdBuf buf_;
};

struct NonOwningStdout : std::ostream {
  NonOwningStdout() : std::ostream(std::cout.rdbuf()) {}
};

std::string Errno(int e) { return std::strerror(e); }

}  // namespace

Result<std::unique_ptr<ReportFile>> ReportFile::Open(const std::string& path) {
  std::unique_ptr<ReportFile> f(new ReportFile());
  f->path_ = path;
  if (path.empty() || path == "-") {
    f->stream_ = std::make_unique<NonOwningStdout>();
    return f;
  }
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::IOError("cannot write " + path + ": it is a directory");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
      // /dev/stdout, a pipe: written in place, there is nothing to rename over.
      int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) return Status::IOError("cannot write " + path + ": " + Errno(errno));
      f->stream_ = std::make_unique<FdStream>(fd);
      return f;
    }
  }
  // A regular file (or a symlink, which is replaced, never followed) gets the report
  // through a temporary file beside it and a rename: a failed or interrupted write
  // leaves no truncated report, and the mode is 0600 from the start (mkstemp).
  const std::filesystem::path target(path);
  std::string dir = target.parent_path().string();
  if (dir.empty()) dir = ".";
  std::string tmpl = dir + "/." + target.filename().string() + ".keyhole-XXXXXX";
  int fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot write " + path + ": " + Errno(errno));
  f->temp_ = tmpl;
  f->stream_ = std::make_unique<FdStream>(fd);
  return f;
}

ReportFile::~ReportFile() {
  if (!temp_.empty()) unlink(temp_.c_str());  // never committed
}

int ReportFile::CloseStream() {
  stream_->flush();
  auto* fd_stream = dynamic_cast<FdStream*>(stream_.get());
  int err = fd_stream ? fd_stream->Close() : 0;
  if (err == 0 && !*stream_) err = EIO;
  return err;
}

Status ReportFile::Discard(int err, const std::string& why) {
  const std::string name = path_.empty() || path_ == "-" ? std::string("the report") : path_;
  std::string msg = err != 0 ? "failed writing " + name + ": " + Errno(err) : why;
  if (!temp_.empty()) {
    unlink(temp_.c_str());
    temp_.clear();
    // An earlier run's report left at this path would be taken for this run's result.
    if (unlink(path_.c_str()) == 0) msg += "; the earlier report at that path was removed";
  }
  return Status::IOError(msg);
}

Status ReportFile::Abandon(const std::string& why) { return Discard(CloseStream(), why); }

Status ReportFile::Commit() {
  if (int err = CloseStream(); err != 0) return Discard(err, "");
  if (!temp_.empty()) {
    if (rename(temp_.c_str(), path_.c_str()) != 0) {
      std::string msg = "cannot write " + path_ + ": " + Errno(errno);
      unlink(temp_.c_str());
      temp_.clear();
      return Status::IOError(msg);
    }
    temp_.clear();
  }
  return Status::OK();
}

void PrintStderr(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += EscapeForTerminal(std::string_view(text).substr(start, nl - start));
    if (nl < text.size()) out += '\n';
    start = nl + 1;
  }
  std::fputs(out.c_str(), stderr);
}

bool UseColor(const std::string& mode, bool to_stdout) {
  if (mode == "always") return true;
  if (mode == "never" || !to_stdout) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return isatty(STDOUT_FILENO) == 1;
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string ProgressText(const ProgressCounts& c, double seconds) {
  uint64_t done = c.done;
  const uint64_t planned = c.planned;
  const double mb = static_cast<double>(c.bytes) / 1e6;
  const double rate = seconds > 0 ? mb / seconds : 0.0;
  char buf[160];
  if (planned == 0 && done == 0 && c.commits_planned > 0) {
    std::snprintf(buf, sizeof buf, "keyhole: reading history, %llu of %llu commits",
                  static_cast<unsigned long long>(c.commits_walked),
                  static_cast<unsigned long long>(c.commits_planned));
    return buf;
  }
  if (planned == 0 && done == 0 && c.commits_walked > 0) {  // still finding the commits
    std::snprintf(buf, sizeof buf, "keyhole: reading history, %llu commits",
                  static_cast<unsigned long long>(c.commits_walked));
    return buf;
  }
  if (planned == 0) {
    std::snprintf(buf, sizeof buf, "keyhole: %llu files, %.1f MB, %.1f MB/s",
                  static_cast<unsigned long long>(done), mb, rate);
    return buf;
  }
  done = std::min(done, planned);
  int n = std::snprintf(buf, sizeof buf, "keyhole: %llu of %llu blobs (%llu%%), %.1f MB, %.1f MB/s",
                        static_cast<unsigned long long>(done),
                        static_cast<unsigned long long>(planned),
                        static_cast<unsigned long long>(done * 100 / planned), mb, rate);
  // Time left by the blob rate so far; said only once there is a rate to go by.
  if (done > 0 && done < planned && seconds >= 1.0 && n > 0 && static_cast<size_t>(n) < sizeof buf) {
    const double left = seconds * static_cast<double>(planned - done) / static_cast<double>(done);
    std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ", ~%.0f s left", left);
  }
  return buf;
}

}  // namespace keyhole::cli
