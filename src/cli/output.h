// Where reports go: stdout or a file created with mode 0600 (reports describe secrets).
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"

namespace keyhole::cli {

// A report being written: stdout for "" and "-"; a device or FIFO (/dev/stdout, a pipe)
// in place; anything else through a temporary file (mode 0600) beside `path` that
// Commit() renames over it. So a failed write (ENOSPC) leaves no truncated report, a
// symlink planted at `path` is replaced rather than followed, and an uncommitted report
// (the process failed before Commit) leaves nothing behind.
class ReportFile {
 public:
  static Result<std::unique_ptr<ReportFile>> Open(const std::string& path);
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  std::ostream& stream() { return *stream_; }
  // Flushes, checks every write, renames into place. On failure the temporary file is
  // removed, and so is an earlier report at `path` (it would pass for this run's).
  Status Commit();
  // Gives the report up (the reporter failed): removes the temporary file and an earlier
  // report at `path`; returns the write error if there was one, else `why`.
  Status Abandon(const std::string& why);

 private:
  ReportFile() = default;
  int CloseStream();  // 0 or the first write/close errno
  Status Discard(int err, const std::string& why);
  std::string path_, temp_;  // temp_ empty: written in place, or already committed
  std::unique_ptr<std::ostream> stream_;
};

// printf to stderr with every control byte and invalid UTF-8 of the formatted text escaped
// (newlines kept): messages carry rule ids, file names and git errors from the scanned
// repository, and a terminal must not run their escape sequences.
[[gnu::format(printf, 1, 2)]] void PrintStderr(const char* format, ...);

// Whether to colour output written to stdout: "always", "never", or "auto" (stdout is a
// terminal, NO_COLOR is unset, TERM is not "dumb").
bool UseColor(const std::string& mode, bool to_stdout);

// True if stderr is a terminal (progress lines).
bool StderrIsTerminal();

// What the progress line shows (ScanStats' counters at one moment).
struct ProgressCounts {
  uint64_t done = 0, planned = 0, bytes = 0;   // files or blobs; planned 0 = unknown
  uint64_t commits_walked = 0, commits_planned = 0;  // a history scan's attribution walk
};

// The progress line's text after `seconds`: "keyhole: 120 files, 3.4 MB, 56.7 MB/s"; while
// a history scan finds its commits "keyhole: reading history, 800 commits", then reads
// their trees "keyhole: reading history, 800 of 5000 commits"; once a
// git source knows how many blobs it will hand out "keyhole: 1200 of 16989 blobs (7%),
// 3.4 MB, 56.7 MB/s, ~12 s left".
std::string ProgressText(const ProgressCounts& c, double seconds);

}  // namespace keyhole::cli
