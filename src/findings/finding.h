// Finding: one reported secret, after analysis. Holds the raw secret in memory for
// analyzers, allowlists and fingerprints; reporters must never print it unless
// --show-secrets (use Redact()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/blob.h"
#include "core/severity.h"

namespace keyhole::findings {

// 1-based, inclusive start, exclusive-end column (SARIF region semantics: endColumn is
// the column after the last character).
struct Location {
  uint32_t start_line = 1;
  uint32_t start_column = 1;
  uint32_t end_line = 1;
  uint32_t end_column = 1;
};

struct RelatedLocation {
  std::string path;
  Location location;
  std::string message;  // e.g. "the HMAC secret that signs this token"
};

struct Finding {
  std::string rule_id;
  std::string category;
  std::string description;            // the rule's description
  Severity severity = Severity::kMedium;
  std::string message;                // one sentence, never containing the secret
  std::string path;
  std::string blob_id;
  Location location;                  // of the secret (the secret group)
  std::string secret;                 // raw secret: in memory only
  std::string line;                   // the first source line of the finding, raw (mask before printing)
  uint32_t line_secret_begin = 0;     // byte offset of the secret within `line`
  uint32_t line_secret_end = 0;       // (clamped to the line)
  // Byte spans [begin, end) of `line` that hold other secrets: the spans of every other
  // finding and candidate of the analysis on this line, kept even when that one was then
  // allowlisted, capped or baselined. Reporters mask them in snippets as well.
  std::vector<std::pair<uint32_t, uint32_t>> line_masks;
  nlohmann::json facts = nlohmann::json::object();  // analyzer facts, e.g. JWT claims
  std::optional<GitFacts> git;
  std::vector<std::string> tags;      // "test-path", "doc-path", "frontend", "mobile", ...
  std::vector<RelatedLocation> related;
  std::string fingerprint;            // see Fingerprint()
};

// Stable identity of a finding: hash of (rule id, path, secret), not the line, so moving
// code does not create new alerts. Hex, 32 chars.
std::string Fingerprint(const std::string& rule_id, const std::string& path, const std::string& secret);

// A short, safe preview of a secret: first 4 characters (fewer for short secrets), then
// "…" and the length, e.g. "ghp_…(40)". Never more than a quarter of the secret.
std::string Redact(const std::string& secret);

// Salted SHA-256 of a secret (hex), for reports and baselines: comparable, not reversible
// by dictionary lookups of common strings without the salt.
std::string SecretHash(const std::string& secret);

// Deterministic report order: path, line, column, rule id, fingerprint.
bool FindingLess(const Finding& a, const Finding& b);
void SortFindings(std::vector<Finding>& findings);

}  // namespace keyhole::findings
