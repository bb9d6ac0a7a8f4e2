// ScanStats: counters and per-file errors of one scan. Thread-safe: workers update it
// concurrently (counters are atomic, errors are appended under a mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/severity.h"

namespace keyhole {

struct ScanError {
  std::string path;     // what could not be read ("" for the scan as a whole)
  std::string message;  // why
};

class ScanStats {
 public:
  std::atomic<uint64_t> files_scanned{0};       // files or blobs whose bytes were matched
  std::atomic<uint64_t> bytes_scanned{0};
  std::atomic<uint64_t> skipped_binary{0};      // binary content without one printable run
  std::atomic<uint64_t> binary_scanned{0};      // binary content: its printable runs were scanned
  std::atomic<uint64_t> skipped_too_large{0};
  std::atomic<uint64_t> skipped_ignored{0};     // .gitignore'd, LFS pointers, submodules...
  std::atomic<uint64_t> skipped_symlinks{0};    // symlinks leaving the root, loops
  std::atomic<uint64_t> missing_objects{0};     // partial-clone objects absent by design
  // Files or blobs the source will hand out in all, once it knows (git modes, after their
  // walk); 0 while unknown. Only the progress line reads it (for "of N" and the time left).
  std::atomic<uint64_t> files_planned{0};
  // History scans: commits whose trees the attribution walk has read, of how many.
  std::atomic<uint64_t> commits_walked{0};
  std::atomic<uint64_t> commits_planned{0};

  // A finding the per-file cap (--max-findings-per-file) dropped: not reported, but the
  // exit code must still reflect it. Keeps the most severe one seen.
  void AddDroppedFinding(Severity s);
  // The most severe dropped finding, nullopt when none was dropped.
  std::optional<Severity> max_dropped_severity() const;

  void AddError(std::string path, std::string message);
  void AddNote(std::string note);               // e.g. "shallow clone: history is incomplete"
  std::vector<ScanError> errors() const;        // sorted by path
  std::vector<std::string> notes() const;
  size_t error_count() const;

 private:
  std::atomic<int> max_dropped_{-1};  // a Severity, -1 for none
  mutable std::mutex mu_;
  std::vector<ScanError> errors_;
  std::vector<std::string> notes_;
};

}  // namespace keyhole
