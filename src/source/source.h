// Source: where blobs come from (a directory, git history, the index, a diff range,
// stdin). A source owns its own parallelism because reading is part of the work: a
// git source gives every worker its own git_repository handle.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/blob.h"
#include "core/scan_stats.h"
#include "core/status.h"

namespace keyhole::source {

// Called once per blob. Run() may call it concurrently from up to `threads` threads; each
// concurrent call gets a distinct `worker` index in [0, threads), so the callee can keep
// per-worker state (scratch space, results) without locks.
using BlobSink = std::function<void(int worker, const Blob& blob)>;

struct SourceOptions {
  // Files larger than this are skipped and counted (stats.skipped_too_large). 0 = no limit.
  uint64_t max_file_size = 50ull << 20;  // (50 MiB) larger than any source file; bounds memory
  // Which config allowlists name a path (findings::AllowlistFilter::PathSignature); empty
  // when no allowlist has `paths`. The history scan, which reads each blob once, uses it to
  // judge a blob at a path no allowlist names when the blob has one, and to list the other
  // paths that could be judged differently (Origin::other_paths).
  std::function<std::string(std::string_view)> path_signature;
};

class Source {
 public:
  virtual ~Source() = default;
  // Produces every blob to `sink`, counting each in stats.files_scanned/bytes_scanned
  // (bytes after UTF-16 decoding). Problems with single files or objects go into
  // `stats` (AddError) and the walk goes on; a non-OK Status means the source as a whole
  // failed (no such directory, not a repository...).
  virtual Status Run(int threads, const BlobSink& sink, ScanStats& stats) = 0;
};

}  // namespace keyhole::source
