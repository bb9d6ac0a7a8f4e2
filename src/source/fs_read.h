// Internal to the directory and stdin sources: turning bytes on disk into Blobs.
// Every function here is thread-safe (only `stats` is shared, and it is thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/blob.h"
#include "core/scan_stats.h"

namespace keyhole::source {

// "permission denied" etc.: strerror text with a lower-case first letter, thread-safe.
std::string ErrnoMessage(int err);

// Decides what to scan from raw file or blob bytes, on their content (never their name):
// UTF-16 text is transcoded to UTF-8; binary data (LooksBinary) yields its printable runs
// (TextRuns, Origin::binary set, stats.binary_scanned counted), or nullopt and
// skipped_binary counted when it has none; text is passed through with `keepalive` holding
// the storage of `bytes`. Every source (directory, stdin, history, staged, diff) uses it.
std::optional<Blob> MakeTextBlob(Origin origin, std::string_view bytes,
                                 std::shared_ptr<const void> keepalive, ScanStats& stats);

// Opens `full_path` without following a symlink or blocking on a FIFO and returns its
// contents as a text blob named `rel`. Binary, oversized (`max_size` > 0), non-regular and
// unreadable files yield nullopt; each is counted in `stats` or recorded as an error
// under `rel`, as is a file that shrinks or grows while it is read ("file changed during
// the scan"). Files are read, never mapped (a mapped file that shrinks raises SIGBUS);
// a file whose size reads 0 (/proc, /sys) is read to its end.
std::optional<Blob> LoadFileBlob(const std::string& full_path, const std::string& rel,
                                 uint64_t max_size, ScanStats& stats);

}  // namespace keyhole::source
