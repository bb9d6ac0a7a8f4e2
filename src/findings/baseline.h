// Baselines: known findings a team has accepted for now, suppressed by fingerprint.
// The file is sorted JSON, one entry per fingerprint, without line numbers, timestamps or
// secrets (a salted hash instead), so it merges cleanly and leaks nothing. A gitleaks JSON
// report also loads as a baseline (matched by path + secret, or path + line when redacted).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "findings/finding.h"

namespace keyhole::findings {

struct BaselineEntry {
  std::string fingerprint;
  std::string rule_id;
  std::string path;
  std::string secret_hash;
};

class Baseline {
 public:
  // Loads a keyhole baseline or a gitleaks JSON report.
  static Result<Baseline> Load(const std::filesystem::path& file);
  // The baseline of `findings` (deduplicated by fingerprint, sorted).
  static Baseline FromFindings(const std::vector<Finding>& findings);
  // Serialized form (stable bytes for the same entries).
  std::string ToJson() const;

  // Removes suppressed findings from *findings; returns how many were removed.
  size_t Apply(std::vector<Finding>* findings);
  // Entries that matched nothing in the last Apply() (stale: the secret is gone).
  std::vector<BaselineEntry> Stale() const;
  // Keeps only entries that matched in the last Apply().
  void Prune();
  size_t size() const { return entries_.size(); }
  // Whether Load() read a gitleaks JSON report (which prune must not overwrite).
  bool from_gitleaks() const { return from_gitleaks_; }

 private:
  struct GitleaksEntry {
    std::string path, secret;
    uint32_t line = 0;
  };
  std::vector<BaselineEntry> entries_;
  std::vector<GitleaksEntry> gitleaks_;
  std::set<size_t> used_;  // indexes into entries_ that matched
  bool from_gitleaks_ = false;
};

}  // namespace keyhole::findings
