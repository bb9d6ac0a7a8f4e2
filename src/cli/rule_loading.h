// Finding and loading the rules of a run: the embedded defaults, extended or replaced by
// --config FILE, or else by .keyhole.toml or .gitleaks.toml at the scan root.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"
#include "rules/rule.h"

namespace keyhole::cli {

struct LoadedRules {
  rules::RuleSet set;
  std::string config_path;  // the config file used, or "" for defaults only
};

// Errors (exit 2) name the file, the rule id and the reason.
Result<LoadedRules> LoadRules(const std::string& config_flag, const std::filesystem::path& root);

// The rules of a config given as text (read from a git revision); `name` is what errors
// and reports call it ("<base abc123>:.keyhole.toml").
Result<LoadedRules> LoadRulesFromText(const std::string& text, const std::string& name);

// The embedded default rules alone.
Result<LoadedRules> LoadDefaultRules();

// The git work tree containing `path`, or `path` itself (a directory) when it is not in one.
std::filesystem::path DiscoverRoot(const std::filesystem::path& path);

}  // namespace keyhole::cli
