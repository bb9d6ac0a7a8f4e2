#include "core/scan_stats.h"

#include <algorithm>

namespace keyhole {

void ScanStats::AddDroppedFinding(Severity s) {
  int v = static_cast<int>(s);
  int cur = max_dropped_.load(std::memory_order_relaxed);
  while (cur < v && !max_dropped_.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

std::optional<Severity> ScanStats::max_dropped_severity() const {
  int v = max_dropped_.load(std::memory_order_relaxed);
  if (v < 0) return std::nullopt;
  return static_cast<Severity>(v);
}

void ScanStats::AddError(std::string path, std::string message) {
  std::lock_guard<std::mutex> lock(mu_);
  errors_.push_back({std::move(path), std::move(message)});
}

void ScanStats::AddNote(std::string note) {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(notes_.begin(), notes_.end(), note) == notes_.end()) notes_.push_back(std::move(note));
}

std::vector<ScanError> ScanStats::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ScanError> out = errors_;
  std::sort(out.begin(), out.end(), [](const ScanError& a, const ScanError& b) {
    return a.path != b.path ? a.path < b.path : a.message < b.message;
  });
  return out;
}

std::vector<std::string> ScanStats::notes() const {
  std::vector<std::string> sorted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sorted = notes_;
  }
  // Workers add notes in whatever order they finish: sorted, reports are the same bytes
  // for any --threads.
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

size_t ScanStats::error_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_.size();
}

}  // namespace keyhole
