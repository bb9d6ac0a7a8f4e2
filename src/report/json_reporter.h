// JSON (one document: tool, mode, findings, summary) and JSONL (one finding per line).
#pragma once

#include "report/reporter.h"

namespace keyhole::report {

// Pretty-printed (2 spaces), byte-identical for identical input; `summary.seconds` is the
// only field that depends on the run rather than the input.
class JsonReporter : public Reporter {
 public:
  Status Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
               std::ostream& out) override;
};

// One compact FindingToJson object per line and nothing else (no summary line), so every
// line parses the same way.
class JsonlReporter : public Reporter {
 public:
  Status Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
               std::ostream& out) override;
};

// The "summary" object of the JSON report (counters, errors, notes, seconds).
nlohmann::json SummaryJson(const std::vector<findings::Finding>& findings, const RunInfo& info);

}  // namespace keyhole::report
