// JSON and JSONL reporters. Shape documented in src/report/FORMAT.md.
#include "report/json_reporter.h"

#include "report/report_util.h"

namespace keyhole::report {

namespace {

// Version of the JSON report shape (FORMAT.md). Bump on incompatible changes only.
constexpr std::string_view kReportVersion = "1";

uint64_t Load(const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); }

}  // namespace

nlohmann::json SummaryJson(const std::vector<findings::Finding>& findings, const RunInfo& info) {
  static const ScanStats kEmpty;
  const ScanStats& st = info.stats ? *info.stats : kEmpty;
  auto counts = CountBySeverity(findings);
  nlohmann::json by_severity = nlohmann::json::object();
  for (Severity s :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    by_severity[std::string(SeverityName(s))] = counts[static_cast<int>(s)];
  }
  nlohmann::json errors = nlohmann::json::array();
  if (!info.fatal.empty()) errors.push_back({{"path", ""}, {"message", info.fatal}, {"fatal", true}});
  for (const ScanError& e : st.errors())
    errors.push_back({{"path", e.path}, {"message", e.message}});
  // "failed": the scan did not run to the end; "incomplete": some files could not be read.
  const char* status = !info.fatal.empty() ? "failed" : st.error_count() > 0 ? "incomplete" : "complete";
  return {{"status", status},
          {"files_scanned", Load(st.files_scanned)},
          {"bytes_scanned", Load(st.bytes_scanned)},
          {"skipped_binary", Load(st.skipped_binary)},
          {"skipped_too_large", Load(st.skipped_too_large)},
          {"skipped_ignored", Load(st.skipped_ignored)},
          {"skipped_symlinks", Load(st.skipped_symlinks)},
          {"missing_objects", Load(st.missing_objects)},
          {"findings", findings.size()},
          {"by_severity", by_severity},
          {"errors", errors},
          {"notes", st.notes()},
          {"seconds", info.seconds}};
}

Status JsonReporter::Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
                           std::ostream& out) {
  nlohmann::json report = nlohmann::json::object();
  report["version"] = kReportVersion;
  std::string version = info.tool_version.empty() ? KEYHOLE_VERSION : info.tool_version;
  report["tool"] = {{"name", "keyhole"}, {"version", version}, {"rules_hash", info.rules_hash}};
  report["mode"] = info.mode;
  nlohmann::json list = nlohmann::json::array();
  for (const findings::Finding& f : findings) list.push_back(FindingToJson(f, info.show_secrets));
  report["findings"] = std::move(list);
  report["summary"] = SummaryJson(findings, info);
  out << DumpJson(report, 2) << '\n';
  out.flush();
  return StreamStatus(out, "JSON");
}

Status JsonlReporter::Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
                            std::ostream& out) {
  // Findings only: a consumer can `wc -l` or stream-parse every line the same way. The
  // summary goes nowhere (the exit code and the text/json formats carry it).
  for (const findings::Finding& f : findings)
    out << DumpJson(FindingToJson(f, info.show_secrets), -1) << '\n';
  out.flush();
  return StreamStatus(out, "JSONL");
}

}  // namespace keyhole::report
