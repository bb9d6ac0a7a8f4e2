// Blob: the bytes of one file or git object plus where they came from (Origin).
// A Blob is cheap to copy: it holds a view and a shared keep-alive for the storage
// (an owned string, an mmap, a git_blob...).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyhole {

// Git facts of a blob, where known (history, staged and diff scans).
struct GitFacts {
  std::string commit;   // 40-hex commit id that introduced the blob ("" for staged content)
  std::string author;   // author name
  std::string email;    // author email
  std::string date;     // ISO 8601 (UTC), e.g. "2026-11-28T15:53:29Z"
  std::string summary;  // first line of the commit message
};

struct Origin {
  std::string path;                 // relative to the scan root, '/' separators; "<stdin>" for stdin
  std::string blob_id;              // git blob id (40 hex) when the blob came from git, else ""
  std::optional<GitFacts> git;      // commit attribution, when known
  // The bytes are the printable runs of binary content (TextRuns), not the raw file.
  bool binary = false;
  // History scans: other paths the same blob has in the history, where a path allowlist
  // might judge it differently. A finding is suppressed by a config allowlist only if it
  // is suppressed at `path` and at every one of these; else it is reported at the first
  // path where it is not (a secret copied or moved out of testdata/ is reported).
  std::vector<std::string> other_paths = {};
  // Staged and diff scans of a renamed file: its path before the rename. A line the
  // change did not add (outside added_lines) is still reported when an allowlist
  // suppressed it at `moved_from` but does not at `path`.
  std::string moved_from = {};
};

// An inclusive range of 1-based line numbers.
struct LineRange {
  uint32_t first = 0;
  uint32_t last = 0;
  bool Contains(uint32_t line) const { return line >= first && line <= last; }
};

class Blob {
 public:
  Blob() = default;
  // Takes ownership of `data`.
  Blob(Origin origin, std::string data);
  // `bytes` must stay valid while `keepalive` is alive.
  Blob(Origin origin, std::string_view bytes, std::shared_ptr<const void> keepalive);

  const Origin& origin() const { return origin_; }
  Origin& mutable_origin() { return origin_; }
  std::string_view bytes() const { return bytes_; }

  // Staged and diff scans: when set, only findings that touch one of these lines are
  // reported (the whole blob is still scanned so multi-line secrets keep their context).
  const std::optional<std::vector<LineRange>>& added_lines() const { return added_lines_; }
  void set_added_lines(std::vector<LineRange> lines) { added_lines_ = std::move(lines); }
  // True if no added-lines filter is set, or [first,last] overlaps an added range.
  bool TouchesAddedLines(uint32_t first, uint32_t last) const;

 private:
  Origin origin_;
  std::string_view bytes_;
  std::shared_ptr<const void> keepalive_;
  std::optional<std::vector<LineRange>> added_lines_;
};

}  // namespace keyhole
