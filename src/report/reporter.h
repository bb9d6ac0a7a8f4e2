// Reporters: text, JSON, JSONL and SARIF 2.1.0. All share FindingToJson so a finding
// reads the same everywhere. No reporter ever prints a secret unless show_secrets.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/scan_stats.h"
#include "core/status.h"
#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhole::report {

struct RunInfo {
  std::string tool_version;  // e.g. "0.1.0"
  std::string rules_hash;
  std::string mode = "directory";          // directory | stdin | history | staged | diff
  std::string root;                        // absolute scan root (SARIF %SRCROOT%)
  std::string automation_id = "keyhole/";  // SARIF runs[].automationDetails.id
  double seconds = 0;
  const rules::RuleSet* rules = nullptr;  // for SARIF tool.driver.rules
  const ScanStats* stats = nullptr;
  bool show_secrets = false;
  bool color = false;  // text only
  bool verbose = false;
  bool quiet = false;  // text only: the findings, no summary, errors or notes
  // Why the scan failed (it exits 2): a bad revision, an unreadable index, a rule file
  // that does not load... Empty when the scan ran to the end. Every format says so: a
  // failed scan's report must never read as "clean".
  std::string fatal;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual Status Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
                       std::ostream& out) = 0;
};

// "text", "json", "jsonl", "sarif"; nullptr for an unknown format.
std::unique_ptr<Reporter> MakeReporter(std::string_view format);

// The one finding→JSON function every structured reporter uses.
nlohmann::json FindingToJson(const findings::Finding& f, bool show_secrets);

// `line` with the secret span [begin,end) masked ("****"), control bytes escaped.
std::string MaskedSnippet(const std::string& line, uint32_t begin, uint32_t end, bool show_secrets);

}  // namespace keyhole::report
