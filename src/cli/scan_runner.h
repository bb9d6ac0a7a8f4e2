// Runs one scan as the command line describes it: loads rules, picks the source, runs the
// pipeline. Shared by `scan` and `baseline`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/rule_loading.h"
#include "core/scan_stats.h"
#include "core/status.h"
#include "findings/finding.h"

namespace keyhole::cli {

struct ScanRun {
  LoadedRules rules;
  std::unique_ptr<ScanStats> stats = std::make_unique<ScanStats>();
  std::vector<findings::Finding> findings;
  std::string mode;             // directory | stdin | history | staged | diff
  std::filesystem::path root;   // absolute scan root
  double seconds = 0;
  Status status;                // the source's overall status (per-file errors are in stats)
};

// "directory", "stdin", "history", "staged" or "diff": what `args` asks for.
std::string ScanModeName(const ScanArgs& args);

// Checks a --diff range: not empty, and no empty side ("..SHA", "SHA...", "..."): an
// unset CI variable must not turn the gate into a scan of nothing.
Status CheckDiffRange(const std::string& range);

// Errors before any scanning (bad config, bad flags, no such path) are returned as Status.
Result<ScanRun> ExecuteScan(const ScanArgs& args);

}  // namespace keyhole::cli
