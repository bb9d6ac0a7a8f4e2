// Test helpers for the detection-depth analyzers (decoders, credential files, transport):
// the real default rules, compiled once, and a scan of one text through the real Scanner
// and AnalyzeBlob — what `keyhole scan` does per blob.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "findings/filter.h"
#include "rules/loader.h"
#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace keyhole::analyze::testing {

inline const scan::RuleDatabase& DefaultDatabase() {
  static const rules::RuleSet* set = [] {
    Result<rules::RuleSet> r = rules::DefaultRules();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return new rules::RuleSet(r.ok() ? std::move(*r) : rules::RuleSet{});
  }();
  static const scan::RuleDatabase* db = [] {
    auto r = scan::RuleDatabase::Build(*set);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r).release() : nullptr;
  }();
  return *db;
}

// Findings of `text` as the file `path`; `decode` = whether encoded spans are decoded.
inline std::vector<findings::Finding> ScanWithDefaults(const std::string& text,
                                                       const std::string& path, bool decode = true,
                                                       int depth = 2) {
  const scan::RuleDatabase& db = DefaultDatabase();
  scan::Scanner scanner(db);
  std::vector<scan::Match> matches;
  EXPECT_TRUE(scanner.Scan(text, path, &matches).ok());
  static const findings::AllowlistFilter* filter = [&db] {
    auto r = findings::AllowlistFilter::Build(db.rules());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r).release() : nullptr;
  }();
  AnalyzeOptions options;
  options.allowlist = filter;
  options.scanner = decode ? &scanner : nullptr;
  options.max_decode_depth = depth;
  std::vector<findings::Finding> out;
  Blob blob(Origin{path, "", std::nullopt}, text);
  AnalyzeBlob(blob, db.rules(), matches, options, &out);
  return out;
}

inline std::string RuleIds(const std::vector<findings::Finding>& fs) {
  std::string s;
  for (const auto& f : fs) s += f.rule_id + "@" + std::to_string(f.location.start_line) + " ";
  return s;
}

}  // namespace keyhole::analyze::testing
