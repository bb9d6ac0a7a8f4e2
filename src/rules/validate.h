// Internal to rule loading: per-rule and per-allowlist checks shared by the loader (which
// knows line numbers) and Validate() (which knows only source_file), and the RE2 options
// every keyhole regex is compiled with.
#pragma once

#include <re2/re2.h>

#include <string>

#include "rules/rule.h"

namespace keyhole::rules {

// Latin-1 (byte semantics, as the Vectorscan prefilter), no logging, 64 MiB DFA budget.
RE2::Options Re2Options();

// "" when the rule is well-formed, else the reason (without file or id). With
// `require_pattern`, a rule needs a regex or a path (a config rule without either only
// amends a default rule of the same id, gitleaks-style). Without `compile_regexes` the
// regexes are not compiled (the embedded rules: the suite compiles them, and so does
// RuleDatabase::Build whenever it has no cached database for them).
std::string CheckRule(const Rule& r, bool require_pattern, bool compile_regexes = true);

// "" when the allowlist is well-formed, else the reason. targetRules only when `global`.
std::string CheckAllowlist(const Allowlist& a, bool global, bool compile_regexes = true);

}  // namespace keyhole::rules
