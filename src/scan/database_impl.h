// The internals of a RuleDatabase, shared by rule_database.cpp, database_cache.cpp and
// scanner.cpp. Not part of the public contract.
#pragma once

#include <hs/hs.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/regex_analysis.h"
#include "scan/rule_database.h"

namespace keyhole::scan {

// RE2 options used everywhere: byte semantics, the same as the libhs prefilter.
RE2::Options MatchOptions();

struct RuleDatabase::Impl {
  DatabaseOptions options;
  std::vector<Gate> gates;                  // per rule
  std::vector<bool> multiline;              // per rule: confirm in a window, not a line
  // Per rule: its matches only mark where to look (context rules: the analysis lexes a
  // window around them), so matches closer than kSparseSpacing to the rule's previous one
  // are not kept — a 48 MB line of `token=` kept 4.8 million of them.
  std::vector<bool> sparse;
  static constexpr size_t kSparseSpacing = 64;
  // Per rule: its lazy class prefix, when RE2 searches without it (SplitLazyClassPrefix).
  std::vector<std::optional<internal::LazyClassPrefix>> lazy_prefix;
  // Every rule's `path` filter in one RE2::Set (one pass over a blob's path instead of one
  // match per filter: the 23 default filters were ~5% of a history scan of small blobs).
  std::unique_ptr<RE2::Set> path_set;           // null when no rule has a path filter
  std::vector<uint32_t> path_set_rules;         // set index -> rule
  std::vector<bool> has_path;                   // per rule
  std::vector<std::vector<std::string>> keywords;  // per rule: non-empty, lower-cased
  // libhs pattern id -> the rules that a hit of it gates.
  std::vector<std::vector<uint32_t>> pattern_rules;
  // Null when no rule uses the prefilter. One database for all rules: splitting off the
  // patterns only path-filtered rules use (to scan them only where such a rule is active)
  // made libhs pick a slower layout for the rest, ~10% slower overall on generated source.
  hs_database_t* hs = nullptr;
  size_t hs_fallbacks = 0;
  bool from_cache = false;

  ~Impl() {
    if (hs != nullptr) hs_free_database(hs);
  }
};

namespace internal {

// Cache of serialized libhs databases (plus the gates and pattern table they go with).
// Key: a hex hash of everything the compiled form depends on.
std::string CacheKey(const rules::RuleSet& rules);
// Loads the entry for `key` from `dir` into *impl (gates, pattern_rules, hs, hs_fallbacks).
// Returns false on any problem (missing, truncated, corrupt, other platform): a miss.
bool LoadCached(const std::string& dir, const std::string& key, size_t rule_count,
                RuleDatabase::Impl* impl);
// The same from an entry in memory (a cache file's bytes, or the embedded database).
bool DecodeEntry(std::string_view data, size_t rule_count, RuleDatabase::Impl* impl);
// The cache-entry bytes for `impl` ("" if libhs cannot serialize it).
std::string EncodeEntry(const RuleDatabase::Impl& impl);
// Writes the entry atomically (temp file + rename). Failures are ignored: the cache is an
// optimisation only.
void StoreCached(const std::string& dir, const std::string& key, const RuleDatabase::Impl& impl);
// Entries kept in a cache directory; StoreCached removes the oldest beyond this.
constexpr size_t kCacheEntriesKept = 8;
// Removes the least recently written entries of `dir` so that at most kCacheEntriesKept
// remain, never `keep` (the entry just written).
void PruneCache(const std::string& dir, const std::filesystem::path& keep);
// The directory to use for `options` ("" when there is none).
std::string CacheDir(const DatabaseOptions& options);

}  // namespace internal
}  // namespace keyhole::scan
