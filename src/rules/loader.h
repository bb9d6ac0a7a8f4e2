// Loading rule files. Both dialects load through the same parser: keyhole's own
// (docs/ARCHITECTURE.md, "Rule format") and gitleaks' (.gitleaks.toml), which keyhole's
// extends.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"
#include "rules/rule.h"

namespace keyhole::rules {

// A user configuration file (.keyhole.toml, .gitleaks.toml or --config FILE).
struct Config {
  RuleSet rules;                          // rules and global allowlists the file defines
  bool use_default = true;                // [extend] useDefault (true when no [extend] and no rules)
  std::vector<std::string> disabled_rules;  // [extend] disabledRules
  std::string path;                       // the file
};

// Parses one TOML rule file. Errors name `filename`, the rule id (when known) and the reason:
// TOML syntax, unknown fields, bad types, an RE2 compile error, duplicate ids.
Result<RuleSet> ParseRuleFile(std::string_view toml_text, std::string_view filename);

// Parses a configuration file, including [extend].
Result<Config> ParseConfig(std::string_view toml_text, std::string_view filename);
Result<Config> LoadConfigFile(const std::filesystem::path& path);

// No config or rule file is larger (a 6 GB `[extend] path = "/dev/zero"` is an error, not
// a read until memory runs out).
inline constexpr size_t kMaxConfigBytes = size_t{4} << 20;

// The rules compiled into the binary (rules/*.toml at build time).
Result<RuleSet> DefaultRules();

// Default rules (when config.use_default) minus disabled ones, plus the config's rules
// (a config rule with a default rule's id replaces it) and allowlists. The result is
// validated (as Validate() would): the defaults when they are parsed, the config's rules here.
Result<RuleSet> Resolve(const Config* config);

// Checks a whole rule set: every regex compiles with RE2, ids are unique and non-empty,
// secretGroup exists in its regex. Errors name the file and the rule id.
Status Validate(const RuleSet& set);

// Hash of the rule set's content (hex), for --version and database caches.
std::string RulesHash(const RuleSet& set);

}  // namespace keyhole::rules
