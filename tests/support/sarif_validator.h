// Runs the real SARIF validator (Microsoft's Sarif.Multitool, pinned by scripts/setup.sh)
// with GitHub code scanning's ingestion rules plus the SARIF spec rules.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace keyhole::testing {

struct SarifValidation {
  bool ran = false;     // the validator ran and wrote its log
  std::string problem;  // why it did not run (missing binary, crash...)
  int errors = 0;       // validation results by level
  int warnings = 0;
  int notes = 0;
  std::vector<std::string> messages;  // "error GH1001: <text>" per result, for failure output
  std::string output;                 // the validator's stdout and stderr
};

// Where scripts/setup.sh installs Sarif.Multitool under the source tree.
std::filesystem::path SarifMultitoolPath();

// Validates `sarif_file` with `Sarif.Multitool validate --rule-kind "Gh;Sarif"`. The tool
// exits 0 even when the log is invalid, so the verdict comes from the results of the SARIF
// log it writes (to a fresh temp file: it refuses to overwrite one).
SarifValidation ValidateSarif(const std::filesystem::path& sarif_file);

}  // namespace keyhole::testing
