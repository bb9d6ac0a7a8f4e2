// Helpers for the scan tests: rules built in code, and one-call scanning.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace keyhole::scan::testing {

inline rules::Rule MakeRule(std::string id, std::string regex,
                            std::vector<std::string> keywords = {}) {
  rules::Rule r;
  r.id = std::move(id);
  r.regex = std::move(regex);
  r.keywords = std::move(keywords);
  r.source_file = "<test>";
  return r;
}

inline DatabaseOptions NoCache(bool prefilter = true) {
  DatabaseOptions o;
  o.prefilter = prefilter;
  o.use_cache = false;
  return o;
}

inline std::unique_ptr<RuleDatabase> BuildOrDie(const rules::RuleSet& set,
                                                DatabaseOptions options = NoCache()) {
  auto db = RuleDatabase::Build(set, options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

inline std::vector<Match> ScanOrDie(const RuleDatabase& db, std::string_view data,
                                    std::string_view path = "file.txt") {
  Scanner scanner(db);
  std::vector<Match> out;
  Status s = scanner.Scan(data, path, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

inline std::string Secret(std::string_view data, const Match& m) {
  return std::string(data.substr(m.secret_begin, m.secret_end - m.secret_begin));
}

}  // namespace keyhole::scan::testing

namespace keyhole::scan {

// Test-only: compare and print matches (found by ADL from gtest and std::vector).
inline bool operator==(const Match& a, const Match& b) {
  return a.rule_index == b.rule_index && a.match_begin == b.match_begin &&
         a.match_end == b.match_end && a.secret_begin == b.secret_begin &&
         a.secret_end == b.secret_end;
}

inline void PrintTo(const Match& m, std::ostream* os) {
  *os << "{rule " << m.rule_index << " match [" << m.match_begin << "," << m.match_end
      << ") secret [" << m.secret_begin << "," << m.secret_end << ")}";
}

}  // namespace keyhole::scan
