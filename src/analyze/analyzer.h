// Analyzers: per-rule checks that know what a match is (a JWT, a private key, a token
// with a checksum...). A rule names its analyzer (`analyzer = "jwt"`); the registry in
// registry.cpp maps names to functions. Each analyzer lives in its own file.
#pragma once

#include <string_view>

#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhole::analyze {

// Everything an analyzer may look at for one candidate, and the finding it may change
// (severity, message, facts, tags). `finding` arrives filled in from the rule.
struct Candidate {
  const rules::Rule& rule;
  std::string_view secret;    // the secret group
  std::string_view match;     // the whole regex match
  std::string_view path;      // the blob's path
  std::string_view data;      // the whole blob
  size_t secret_begin = 0;    // offset of `secret` in `data`
  findings::Finding& finding;
};

enum class Verdict { kKeep, kDrop };
using AnalyzerFn = Verdict (*)(Candidate& c);

// The analyzer called `name`, or nullptr.
AnalyzerFn FindAnalyzer(std::string_view name);

}  // namespace keyhole::analyze
