// The rule model: what a rule file (keyhole or gitleaks dialect) says, after loading.
#pragma once

#include <string>
#include <vector>

#include "core/severity.h"

namespace keyhole::rules {

// What an allowlist regex is matched against (gitleaks' `regexTarget`).
enum class RegexTarget { kSecret, kMatch, kLine };
// How an allowlist's criteria combine (gitleaks' `condition`): any one, or all given.
enum class Condition { kOr, kAnd };

// gitleaks-compatible allowlist. A finding is allowed (suppressed) when the criteria hold:
// with kOr, any single non-empty criterion matching suffices; with kAnd, every non-empty
// criterion must match.
struct Allowlist {
  std::string description;
  Condition condition = Condition::kOr;
  std::vector<std::string> paths;         // RE2 regexes over the finding's path
  std::vector<std::string> regexes;       // RE2 regexes over the RegexTarget text
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> stopwords;     // substrings of the secret (case-insensitive)
  std::vector<std::string> commits;       // commit ids
  std::vector<std::string> target_rules;  // global allowlists only: limit to these rule ids
};

struct Rule {
  std::string id;                    // stable, kebab-case; SARIF ruleId
  std::string description;
  std::string category = "generic";  // jwt | signing-key | frontend | provider | generic | ...
  Severity severity = Severity::kMedium;
  std::string regex;                 // RE2 syntax; may be empty for path-only rules
  int secret_group = 0;              // capture group holding the secret (0 = whole match,
                                     // gitleaks: first non-empty group when unset)
  bool secret_group_set = false;     // whether the file said secretGroup explicitly
  std::vector<std::string> keywords; // lower-case literals; rule runs only where one occurs
  double entropy = 0.0;              // minimum Shannon entropy of the secret (0 = no check)
  std::string path;                  // RE2 over the path; only matching files are scanned
  std::string analyzer;              // jwt | private-key | jwk | github-checksum | ... | ""
  std::string help;                  // Markdown remediation
  std::vector<std::string> examples;           // must produce a finding of this rule
  std::vector<std::string> negative_examples;  // must not
  std::vector<Allowlist> allowlists;
  std::vector<std::string> tags;
  std::string example_path;          // path the examples are checked as (rules with `path`)
  std::string source_file;           // where it was loaded from ("<embedded>/jwt.toml", path)
};

// A loaded configuration: rules plus global allowlists.
struct RuleSet {
  std::vector<Rule> rules;
  std::vector<Allowlist> allowlists;

  // Index of the rule with `id`, or -1.
  int Find(const std::string& id) const;
};

}  // namespace keyhole::rules
