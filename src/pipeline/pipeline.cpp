#include "pipeline/pipeline.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/text.h"
#include "scan/scanner.h"

namespace keyhole::pipeline {

namespace {

// Per-worker state: a Scanner (libhs scratch + lazily built RE2s) and local results, so
// workers never share anything mutable but ScanStats.
struct Worker {
  std::unique_ptr<scan::Scanner> scanner;
  std::vector<scan::Match> matches;
  std::vector<findings::Finding> findings;
};

}  // namespace

int EffectiveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

Status Run(source::Source& src, const scan::RuleDatabase& db,
           const findings::AllowlistFilter* filter, const PipelineOptions& options,
           ScanStats& stats, std::vector<findings::Finding>* out) {
  const int threads = EffectiveThreads(options.threads);
  std::vector<Worker> workers(threads);
  analyze::AnalyzeOptions analyze_options = options.analyze;
  analyze_options.allowlist = options.apply_allowlists ? filter : nullptr;

  auto sink = [&](int worker, const Blob& blob) {
    Worker& w = workers.at(static_cast<size_t>(worker));
    const std::string& path = blob.origin().path;
    try {
      if (!w.scanner) w.scanner = std::make_unique<scan::Scanner>(db);
      w.matches.clear();
      Status s = w.scanner->Scan(blob.bytes(), path, &w.matches);
      if (!s.ok()) {
        stats.AddError(path, s.ToString());
        return;
      }
      // No early return on zero matches: credential-file readers and decoded spans may
      // still find something. The worker's own Scanner scans the decoded text.
      analyze::AnalyzeOptions worker_options = analyze_options;
      worker_options.scanner = w.scanner.get();
      std::optional<Severity> worst_dropped;
      size_t dropped =
          analyze::AnalyzeBlob(blob, db.rules(), w.matches, worker_options, &w.findings, &worst_dropped);
      if (dropped > 0) {
        // The cap keeps the most severe findings; the dropped ones still decide the exit
        // code (ScanStats::max_dropped_severity, read by `keyhole scan` with --fail-on).
        if (worst_dropped) stats.AddDroppedFinding(*worst_dropped);
        stats.AddNote(path + ": " + std::to_string(dropped) +
                      " more findings not reported (per-file cap " +
                      std::to_string(analyze_options.max_findings_per_blob) + "), the most severe of them " +
                      std::string(SeverityName(worst_dropped.value_or(Severity::kInfo))) +
                      "; they count toward --fail-on");
      }
    } catch (const std::exception& e) {
      // A bug or resource exhaustion on one blob must not end the scan or go unnoticed.
      stats.AddError(path, std::string("internal error: ") + e.what());
    }
  };

  Status status = src.Run(threads, sink, stats);
  if (uint64_t n = stats.binary_scanned.load(); n > 0) {
    stats.AddNote(std::to_string(n) + " binary file(s): only their printable runs of " + std::to_string(kMinTextRun) +
                  " or more characters were scanned");
  }

  size_t total = 0;
  for (const Worker& w : workers) total += w.findings.size();
  std::vector<findings::Finding> all;
  all.reserve(total);
  for (Worker& w : workers) {
    std::move(w.findings.begin(), w.findings.end(), std::back_inserter(all));
  }
  analyze::CrossAnalyze(all);
  findings::SortFindings(all);
  std::move(all.begin(), all.end(), std::back_inserter(*out));
  return status;
}

}  // namespace keyhole::pipeline
