#include "source/fs_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/text.h"

namespace keyhole::source {

std::string ErrnoMessage(int err) {
  // std::generic_category().message() is thread-safe, unlike strerror().
  std::string msg = std::generic_category().message(err);
  if (!msg.empty() && msg[0] >= 'A' && msg[0] <= 'Z') msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  return msg;
}

std::optional<Blob> MakeTextBlob(Origin origin, std::string_view bytes,
                                 std::shared_ptr<const void> keepalive, ScanStats& stats) {
  std::string utf8;
  if (DecodeUtf16(bytes, &utf8)) return Blob(std::move(origin), std::move(utf8));
  if (!LooksBinary(bytes)) return Blob(std::move(origin), bytes, std::move(keepalive));
  // Binary content may still hold a secret next to its NULs (a config blob, a compiled-in
  // key): its printable runs are scanned, in place so that lines and offsets stay the raw
  // file's. Content without a single run has nothing to scan.
  bool any_run = false;
  std::string text = TextRuns(bytes, &any_run);
  if (!any_run) {
    stats.skipped_binary.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  stats.binary_scanned.fetch_add(1, std::memory_order_relaxed);
  origin.binary = true;
  return Blob(std::move(origin), std::move(text));
}

namespace {

// Closes a file descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::optional<Blob> LoadFileBlob(const std::string& full_path, const std::string& rel,
                                 uint64_t max_size, ScanStats& stats) {
  // O_NOFOLLOW: the walk saw a regular file; if it was swapped for a symlink since, do not
  // follow it out of the root. O_NONBLOCK: a file swapped for a FIFO must not hang a worker.
  Fd fd(open(full_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ELOOP) {
      stats.skipped_symlinks.fetch_add(1, std::memory_order_relaxed);
    } else if (err == ENOENT) {
      stats.AddError(rel, "file vanished during the scan");
    } else {
      stats.AddError(rel, ErrnoMessage(err));
    }
    return std::nullopt;
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    stats.AddError(rel, ErrnoMessage(errno));
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    stats.skipped_ignored.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (max_size > 0 && size > max_size) {
    stats.skipped_too_large.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  Origin origin;
  origin.path = rel;
  // Read, never mapped: a mapped file that shrinks while it is scanned kills the process
  // with SIGBUS; read() sees whatever is there. The buffer is not zeroed first (read()
  // overwrites it; zeroing was a measurable memset). A size of 0 may be a lie (/proc,
  // /sys): such a file is read to its end, within max_size.
  const bool sized = size > 0;
  size_t cap = sized ? static_cast<size_t>(size) : 4096;
  std::shared_ptr<char[]> data(new char[cap]);
  size_t got = 0;
  bool grew = false;
  while (true) {
    if (got == cap) {
      if (sized) {  // one probe byte: did it grow since fstat?
        char probe;
        ssize_t k = read(fd.get(), &probe, 1);
        if (k < 0 && errno == EINTR) continue;
        grew = k > 0;
        break;
      }
      if (max_size > 0 && cap >= max_size) {
        stats.skipped_too_large.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      }
      size_t next = cap * 2;
      if (max_size > 0) next = std::min<size_t>(next, static_cast<size_t>(max_size) + 1);
      std::shared_ptr<char[]> bigger(new char[next]);
      std::copy(data.get(), data.get() + got, bigger.get());
      data = std::move(bigger);
      cap = next;
    }
    ssize_t k = read(fd.get(), data.get() + got, cap - got);
    if (k < 0) {
      if (errno == EINTR) continue;
      stats.AddError(rel, ErrnoMessage(errno));
      return std::nullopt;
    }
    if (k == 0) break;
    got += static_cast<size_t>(k);
  }
  // A file that shrank or grew while it was read was not scanned as it is: say so.
  if (sized && (got < size || grew)) {
    stats.AddError(rel, "file changed during the scan (" + std::to_string(size) + " bytes when opened, " +
                            (grew ? std::string("more") : std::to_string(got)) + " when read); scan it again");
    return std::nullopt;
  }
  if (!sized && max_size > 0 && got > max_size) {
    stats.skipped_too_large.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  std::string_view bytes(data.get(), got);
  return MakeTextBlob(std::move(origin), bytes, std::move(data), stats);
}

}  // namespace keyhole::source
