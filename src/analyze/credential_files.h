// Credential files: readers for files whose format a regex cannot follow — `.netrc`
// (tokens across lines), `.pgpass` (colon fields with `\:` escapes), Terraform state
// (JSON; secrets at any depth of resource attributes). Simpler formats are path-restricted
// rules in rules/credential-files.toml. A reader reports every non-empty password or
// secret field without any entropy test (a password field is a password); empty values,
// placeholders and references (analyze::IsPlaceholder / IsReference) are not reported.
// Stateless and thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/severity.h"

namespace keyhole::analyze {

// One secret field found by a reader. Its rule id is not a rule of the rule set; the
// category of every hit is "credential-file".
struct CredentialHit {
  std::string rule_id;      // e.g. "netrc-password"
  std::string description;  // e.g. "Password in a .netrc file"
  Severity severity = Severity::kHigh;
  size_t begin = 0, end = 0;                        // the secret's bytes in the file
  nlohmann::json facts = nlohmann::json::object();  // e.g. {"machine": "...", "login": "..."}
};

// True if a reader handles files at `path` (by file name).
bool HasCredentialReader(std::string_view path);

// The hits of the reader for `path` over `data`; empty if no reader handles the path or
// the file does not parse (a malformed file is not an error here: rules still scan it).
std::vector<CredentialHit> ReadCredentialFile(std::string_view path, std::string_view data);

// The readers, one per format (exposed for tests).
std::vector<CredentialHit> ReadNetrc(std::string_view data);
std::vector<CredentialHit> ReadPgpass(std::string_view data);
std::vector<CredentialHit> ReadTerraformState(std::string_view data);

}  // namespace keyhole::analyze
