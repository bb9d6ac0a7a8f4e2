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
    std::fprintf(stderr, "keyhole: %s\n", run.status().ToString().c_str());
    return 2;
  }
  if (!run->status.ok() || run->stats->error_count() > 0) {
    // A baseline of an incomplete scan would silently accept whatever was missed later.
    std::fprintf(stderr, "keyhole: the scan was incomplete (%zu errors); baseline not written\n",
                 run->stats->error_count());
    for (const ScanError& e : run->stats->errors())
      std::fprintf(stderr, "  %s: %s\n", e.path.c_str(), e.message.c_str());
    return 2;
  }

  findings::Baseline baseline;
  if (args.action == "create") {
    baseline = findings::Baseline::FromFindings(run->findings);
  } else {
    Result<findings::Baseline> loaded = findings::Baseline::Load(args.file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "keyhole: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    baseline = std::move(loaded).value();
    size_t before = baseline.size();
    baseline.Apply(&run->findings);
    baseline.Prune();
    std::fprintf(stderr, "keyhole: pruned %zu stale entries, %zu remain\n", before - baseline.size(),
                 baseline.size());
  }
  Result<std::unique_ptr<std::ostream>> out = OpenOutput(args.file);
  if (!out.ok()) {
    std::fprintf(stderr, "keyhole: %s\n", out.status().ToString().c_str());
    return 2;
  }
  **out << baseline.ToJson();
  (*out)->flush();
  if (!**out) {
    std::fprintf(stderr, "keyhole: failed writing %s\n", args.file.c_str());
    return 2;
  }
  if (args.action == "create")
    std::fprintf(stderr, "keyhole: wrote %zu entries to %s\n", baseline.size(), args.file.c_str());
  return 0;
}

}  // namespace keyhole::cli
