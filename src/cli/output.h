// Where reports go: stdout or a file created with mode 0600 (reports describe secrets).
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"

namespace keyhole::cli {

// Opens `path` for writing with mode 0600 (also tightening an existing file), or stdout
// for "" and "-". The stream is unbuffered-safe to use until destroyed.
Result<std::unique_ptr<std::ostream>> OpenOutput(const std::string& path);

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
