// RuleDatabase: a rule set compiled for matching. Holds one Vectorscan (libhs) database
// (the literal-anchored rules as regexes, plus every keyword-gated rule's keywords as
// caseless literals) and, per rule, the RE2 used to confirm a hit and extract the secret.
// Immutable after Build(); safe to share across threads. Scratch space is per Scanner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "rules/rule.h"

namespace keyhole::scan {

struct DatabaseOptions {
  bool prefilter = true;  // false: run every rule's RE2 over every line (--no-prefilter; tests)
  // Compiled libhs databases are cached (serialized) because compiling ~200 rules takes
  // ~300 ms and pre-commit must feel instant; any unreadable/stale entry is a miss.
  bool use_cache = true;  // false: always compile
  std::string cache_dir;  // "" = $XDG_CACHE_HOME/keyhole, else ~/.cache/keyhole
  // Lines longer than this many bytes (minified bundles) are confirmed in windows around
  // each prefilter hit rather than whole (--max-line-length). The window's half-width does
  // not scale with it: it is bounded by how long a secret can be, not by the line.
  static constexpr size_t kDefaultLongLine = 16 << 10;
  size_t long_line = kDefaultLongLine;
};

// How a rule gets into the prefilter.
enum class Gate {
  kRegex,    // its regex (or a literal-anchored prefilter form) is in the libhs database
  kKeyword,  // its keywords are caseless literals in the database; RE2 runs where one hits
  kAlways,   // no usable literal or keyword: RE2 runs over every line (slow; counted)
  kPathOnly, // no regex: the rule matches files by path alone
};

// How many rules ended up behind each gate. Every rule is counted exactly once.
struct GateStats {
  size_t regex = 0, keyword = 0, always = 0, path_only = 0;
  size_t hs_fallbacks = 0;  // rules whose regex libhs rejected (they entered by literal/keyword)
};

class RuleDatabase {
 public:
  // Compiles `rules` (which must outlive the database). Errors name the rule id and file.
  static Result<std::unique_ptr<RuleDatabase>> Build(const rules::RuleSet& rules,
                                                     DatabaseOptions options = {});
  ~RuleDatabase();
  RuleDatabase(const RuleDatabase&) = delete;
  RuleDatabase& operator=(const RuleDatabase&) = delete;

  const rules::RuleSet& rules() const { return *rules_; }
  Gate gate(size_t rule_index) const;
  GateStats gate_stats() const;
  // Whether the libhs database was loaded from the cache rather than compiled.
  bool loaded_from_cache() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  RuleDatabase() = default;
  const rules::RuleSet* rules_ = nullptr;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyhole::scan
