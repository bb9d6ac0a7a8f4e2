// Helpers for source tests: run a source and collect what it yields.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "core/scan_stats.h"
#include "core/status.h"
#include "source/dir_source.h"
#include "source/source.h"

namespace keyhole::source::testing {

// path -> bytes of every blob a source produced.
using BlobMap = std::map<std::string, std::string>;

inline BlobMap Collect(Source& source, ScanStats& stats, int threads = 2, Status* status = nullptr) {
  BlobMap blobs;
  std::mutex mu;
  Status st = source.Run(threads, [&](int, const Blob& b) {
    std::lock_guard<std::mutex> lock(mu);
    blobs[b.origin().path] = std::string(b.bytes());
  }, stats);
  if (status != nullptr) {
    *status = st;
  } else if (!st.ok()) {
    ADD_FAILURE() << "source failed: " << st.ToString();
  }
  return blobs;
}

inline BlobMap ScanDir(const std::filesystem::path& root, ScanStats& stats, int threads = 2,
                       SourceOptions options = {}, Status* status = nullptr) {
  std::unique_ptr<Source> source = MakeDirSource(root, options);
  return Collect(*source, stats, threads, status);
}

}  // namespace keyhole::source::testing
