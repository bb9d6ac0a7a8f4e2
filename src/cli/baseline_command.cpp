#include <cstdio>
#include <filesystem>
#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "findings/baseline.h"

namespace keyhole::cli {

int RunBaseline(const BaselineArgs& args) {
  ScanArgs scan = args.scan;
  scan.progress = false;
  Result<ScanRun> run = ExecuteScan(scan);
  if (!run.ok()) {
    PrintStderr("keyhole: %s\n", run.status().ToString().c_str());
    return 2;
  }
  if (!run->status.ok() || run->stats->error_count() > 0) {
    // A baseline of an incomplete scan would silently accept whatever was missed later.
    PrintStderr("keyhole: the scan was incomplete (%zu errors); baseline not written\n",
                 run->stats->error_count());
    for (const ScanError& e : run->stats->errors())
      PrintStderr("  %s: %s\n", e.path.c_str(), e.message.c_str());
    return 2;
  }

  findings::Baseline baseline;
  if (args.action == "create") {
    baseline = findings::Baseline::FromFindings(run->findings);
  } else {
    Result<findings::Baseline> loaded = findings::Baseline::Load(args.file);
    if (!loaded.ok()) {
      PrintStderr("keyhole: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    baseline = std::move(loaded).value();
    if (baseline.from_gitleaks()) {
      // Pruning rewrites the file as a keyhole baseline: that would destroy the report.
      PrintStderr(
                   "keyhole: %s is a gitleaks report, not a keyhole baseline; prune leaves it alone "
                   "(`keyhole baseline create` writes a keyhole baseline)\n",
                   args.file.c_str());
      return 2;
    }
    size_t before = baseline.size();
    baseline.Apply(&run->findings);
    baseline.Prune();
    PrintStderr("keyhole: pruned %zu stale entries, %zu remain\n", before - baseline.size(),
                 baseline.size());
  }
  Result<std::unique_ptr<ReportFile>> out = ReportFile::Open(args.file);
  if (!out.ok()) {
    PrintStderr("keyhole: %s\n", out.status().ToString().c_str());
    return 2;
  }
  (*out)->stream() << baseline.ToJson();
  if (Status s = (*out)->Commit(); !s.ok()) {
    PrintStderr("keyhole: %s\n", s.ToString().c_str());
    return 2;
  }
  if (args.action == "create")
    PrintStderr("keyhole: wrote %zu entries to %s\n", baseline.size(), args.file.c_str());
  return 0;
}

}  // namespace keyhole::cli
