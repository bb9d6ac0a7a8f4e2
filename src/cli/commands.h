// The commands of the keyhole CLI, one file each. Every Run* returns the process exit code
// (0 clean, 1 findings at or above --fail-on, 2 error or incomplete scan) and never throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keyhole::cli {

struct ScanArgs {
  std::string path = ".";             // directory, file, or "-" for stdin
  bool history = false;               // --history: every blob reachable from the refs
  std::vector<std::string> branches;  // --branch REF (repeatable): narrow --history
  bool all = false;                   // --all: every ref (the default for --history)
  bool staged = false;                // --staged: the index vs HEAD (pre-commit)
  std::string diff;                   // --diff BASE..HEAD (CI gate)
  bool diff_given = false;             // --diff was on the command line (even as "")
  std::string config;                 // --config FILE (default: .keyhole.toml / .gitleaks.toml)
  std::string format;                 // text | json | jsonl | sarif ("" = text)
  std::string output;                 // --output FILE ("" = stdout)
  bool show_secrets = false;
  std::string fail_on = "low";        // exit 1 if any finding has at least this severity
  std::string baseline;               // --baseline FILE
  int threads = 0;                    // 0 = one per core
  uint64_t max_file_size = 50ull << 20;
  size_t max_findings_per_file = 1000;
  // --max-line-length: longer lines are confirmed in windows (scan::DatabaseOptions::long_line).
  static constexpr size_t kDefaultMaxLineLength = 16 << 10;
  size_t max_line_length = kDefaultMaxLineLength;
  bool no_prefilter = false;
  std::string color = "auto";         // auto | always | never (NO_COLOR honoured)
  bool quiet = false;
  bool verbose = false;
  bool progress = true;
  std::string automation_id;          // SARIF runs[].automationDetails.id
};
int RunScan(const ScanArgs& args);

struct RulesArgs {
  std::string action;   // list | check | explain
  std::string rule_id;  // explain
  std::string config;   // --config FILE: also list/check the config's rules
  std::string format = "text";  // list: text | json
  bool verbose = false;
};
int RunRules(const RulesArgs& args);

struct BaselineArgs {
  std::string action;               // create | prune
  ScanArgs scan;                    // what to scan
  std::string file = ".keyhole-baseline.json";  // --output for create, --baseline for prune
};
int RunBaseline(const BaselineArgs& args);

struct HookArgs {
  std::string action;  // install | uninstall
  std::string repo = ".";
  bool force = false;
};
int RunHook(const HookArgs& args);

// "keyhole 0.1.0 (rules 1a2b3c4d5e6f, N rules)".
std::string VersionString();

}  // namespace keyhole::cli
