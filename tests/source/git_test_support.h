// Shared helpers of the git source tests: a repository in a temp dir and a sink that
// collects what a source yields.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/blob.h"
#include "core/scan_stats.h"
#include "source/source.h"
#include "support/test_util.h"

namespace keyhole::source::testing {

struct Collected {
  Status status;
  std::vector<Blob> blobs;
  // Blobs whose bytes contain `needle`.
  std::vector<const Blob*> With(const std::string& needle) const {
    std::vector<const Blob*> out;
    for (const Blob& b : blobs) {
      if (b.bytes().find(needle) != std::string_view::npos) out.push_back(&b);
    }
    return out;
  }
  const Blob* ByPath(const std::string& path) const {
    for (const Blob& b : blobs) {
      if (b.origin().path == path) return &b;
    }
    return nullptr;
  }
};

// Runs `src`, copying every blob's bytes (the views die with the callback's keepalive
// only when the copy drops it, so copies are safe).
inline Collected Collect(Source& src, ScanStats& stats, int threads = 2) {
  Collected c;
  std::mutex mu;
  c.status = src.Run(threads, [&](int /*worker*/, const Blob& b) {
    std::lock_guard<std::mutex> lock(mu);
    c.blobs.push_back(b);
  }, stats);
  return c;
}

// A repository in a temp dir, driven through the git CLI (test code only).
class Repo {
 public:
  explicit Repo(const std::string& sub = "repo", bool init = true) : path_(dir_.path() / sub) {
    std::filesystem::create_directories(path_);
    if (init) Git({"init", "-q"});
  }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& root() const { return dir_.path(); }
  std::string Git(const std::vector<std::string>& args) const { return keyhole::testing::Git(path_, args); }
  void Write(const std::string& rel, const std::string& content) const {
    dir_.Write((std::filesystem::relative(path_, dir_.path()) / rel).string(), content);
  }
  // Writes, stages and commits one file; returns the new commit id.
  std::string Commit(const std::string& rel, const std::string& content, const std::string& msg,
                     const std::vector<std::string>& extra = {}) const {
    Write(rel, content);
    Git({"add", "--", rel});
    std::vector<std::string> args = {"commit", "-q", "-m", msg};
    args.insert(args.end(), extra.begin(), extra.end());
    Git(args);
    return Head();
  }
  std::string Head() const { return Trim(Git({"rev-parse", "HEAD"})); }
  std::string RevParse(const std::string& rev) const { return Trim(Git({"rev-parse", rev})); }
  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

 private:
  keyhole::testing::TempDir dir_;
  std::filesystem::path path_;
};

}  // namespace keyhole::source::testing
