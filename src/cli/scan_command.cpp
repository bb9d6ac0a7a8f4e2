#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "core/text.h"
#include "findings/baseline.h"
#include "report/reporter.h"
#include "rules/loader.h"

namespace keyhole::cli {

namespace {

void PrintError(const Status& s) { PrintStderr("keyhole: %s\n", s.ToString().c_str()); }

}  // namespace

int RunScan(const ScanArgs& args) {
  std::string format = args.format.empty() ? "text" : args.format;
  std::unique_ptr<report::Reporter> reporter = report::MakeReporter(format);
  if (!reporter) {
    PrintError(Status::InvalidArgument("unknown format: " + format));
    return 2;
  }
  Severity fail_on = ParseSeverity(args.fail_on).value_or(Severity::kLow);

  // A scan that fails still writes its report, saying so: an earlier report at the same
  // path must not survive to pass for this run's, and a CI step that uploads whatever is
  // there must not publish "0 results".
  Result<ScanRun> result = ExecuteScan(args);
  ScanRun not_run;
  if (!result.ok()) {
    std::error_code ec;
    not_run.mode = ScanModeName(args);
    not_run.root = std::filesystem::current_path(ec);
  }
  ScanRun& run = result.ok() ? result.value() : not_run;
  Status fatal = result.ok() ? run.status : result.status();

  size_t baselined = 0;
  if (fatal.ok() && !args.baseline.empty()) {
    Result<findings::Baseline> baseline = findings::Baseline::Load(args.baseline);
    if (!baseline.ok()) {
      fatal = baseline.status();
    } else {
      baselined = baseline->Apply(&run.findings);
      size_t stale = baseline->Stale().size();
      if (baselined > 0) run.stats->AddNote(std::to_string(baselined) + " findings suppressed by the baseline");
      if (stale > 0)
        run.stats->AddNote(std::to_string(stale) + " baseline entries no longer match (run `keyhole baseline prune`)");
    }
  }

  report::RunInfo info;
  info.tool_version = KEYHOLE_VERSION;
  if (result.ok()) info.rules_hash = rules::RulesHash(run.rules.set);
  info.mode = run.mode;
  info.root = run.root.string();
  info.automation_id = args.automation_id.empty() ? "keyhole/" + run.mode + "/" : args.automation_id;
  info.seconds = run.seconds;
  info.rules = result.ok() ? &run.rules.set : nullptr;
  info.stats = run.stats.get();
  info.show_secrets = args.show_secrets;
  bool to_stdout = args.output.empty() || args.output == "-";
  info.color = UseColor(args.color, to_stdout);
  info.verbose = args.verbose;
  info.quiet = args.quiet;
  if (!fatal.ok()) info.fatal = fatal.ToString();

  // A failed scan's text report on the terminal would only repeat the error below.
  const bool write_report = fatal.ok() || !to_stdout || format != "text" || !run.findings.empty();
  if (write_report) {
    Result<std::unique_ptr<ReportFile>> out = ReportFile::Open(args.output);
    if (!out.ok()) {
      PrintError(out.status());
      return 2;
    }
    if (Status s = reporter->Write(run.findings, info, (*out)->stream()); !s.ok()) {
      PrintError((*out)->Abandon(s.message()));
      return 2;
    }
    if (Status s = (*out)->Commit(); !s.ok()) {
      PrintError(s);
      return 2;
    }
  }

  if (!fatal.ok()) {
    PrintError(fatal);
    return 2;
  }
  // Structured formats on stdout carry errors inside, and --quiet text leaves them out;
  // say it on stderr as well so a CI log shows why the step failed.
  size_t errors = run.stats->error_count();
  if (errors > 0) {
    if (format != "text" || !to_stdout || args.quiet) {
      if (args.quiet) {
        for (const ScanError& e : run.stats->errors())
          PrintStderr("keyhole: %s: %s\n", e.path.c_str(),
                       e.message.c_str());
      }
      PrintStderr("keyhole: %zu files could not be scanned; the scan is incomplete\n", errors);
    }
    return 2;
  }
  for (const findings::Finding& f : run.findings) {
    if (f.severity >= fail_on) return 1;
  }
  // Findings the per-file cap dropped are not reported but are still there.
  if (std::optional<Severity> dropped = run.stats->max_dropped_severity(); dropped && *dropped >= fail_on) return 1;
  return 0;
}

}  // namespace keyhole::cli
