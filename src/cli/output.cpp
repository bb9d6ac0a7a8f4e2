#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <streambuf>

namespace keyhole::cli {

namespace {

// A streambuf over a file descriptor it owns: lets us create the file with open(2) and
// mode 0600 atomically, which std::ofstream cannot.
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  ~FdBuf() override {
    sync();
    close(fd_);
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
    while (p < pptr()) {
      ssize_t n = write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      p += n;
    }
    setp(buf_, buf_ + sizeof buf_);
    return 0;
  }

 private:
  int fd_;
  char buf_[1 << 16];
};

class FdStream : public std::ostream {
 public:
  explicit FdStream(int fd) : std::ostream(nullptr), buf_(fd) { rdbuf(&buf_); }

 private:
  FdBuf buf_;
};

struct NonOwningStdout : std::ostream {
  NonOwningStdout() : std::ostream(std::cout.rdbuf()) {}
};

}  // namespace

Result<std::unique_ptr<std::ostream>> OpenOutput(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<std::ostream>(new NonOwningStdout());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) fchmod(fd, 0600);  // an existing report
  return std::unique_ptr<std::ostream>(new FdStream(fd));
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
