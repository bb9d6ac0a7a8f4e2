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

// The progress line's text after `seconds`: "keyhole: 120 files, 3.4 MB, 56.7 MB/s", and
// when the source knows how many it will hand out (`planned` > 0, git modes after their
// walk) "keyhole: 1200 of 16989 blobs (7%), 3.4 MB, 56.7 MB/s, ~12 s left".
std::string ProgressText(uint64_t done, uint64_t planned, uint64_t bytes, double seconds);

}  // namespace keyhole::cli
