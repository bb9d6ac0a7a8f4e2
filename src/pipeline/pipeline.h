// The scan pipeline: Source → Scanner → Analyzers → Filters, in parallel, with a
// deterministic result. Reporting is the caller's job.
#pragma once

#include <vector>

#include "analyze/analyze.h"
#include "core/scan_stats.h"
#include "core/status.h"
#include "findings/filter.h"
#include "findings/finding.h"
#include "scan/rule_database.h"
#include "source/source.h"

namespace keyhole::pipeline {

struct PipelineOptions {
  int threads = 0;                      // 0 = one per core
  analyze::AnalyzeOptions analyze;
  bool apply_allowlists = true;
};

// Number of worker threads for `requested` (0 = one per core).
int EffectiveThreads(int requested);

// Scans every blob of `src`; appends the surviving findings, sorted (FindingLess), to
// *out. Per-file problems are in `stats`; a non-OK Status means the scan failed as a whole.
Status Run(source::Source& src, const scan::RuleDatabase& db,
           const findings::AllowlistFilter* filter, const PipelineOptions& options,
           ScanStats& stats, std::vector<findings::Finding>* out);

}  // namespace keyhole::pipeline
