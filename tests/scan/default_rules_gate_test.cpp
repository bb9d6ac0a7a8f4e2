// The default rule set through the real RuleDatabase: every rule is gated (none silently
// dropped, none left to run on every line), and the prefilter finds exactly what running
// every rule's RE2 on every line finds, on a file made of every rule's examples.
#include <gtest/gtest.h>

#include "rules/loader.h"
#include "scan/scan_test_util.h"

namespace keyhole::scan {
namespace {

using testing::BuildOrDie;
using testing::NoCache;
using testing::ScanOrDie;

const rules::RuleSet& Defaults() {
  static const rules::RuleSet set = [] {
    Result<rules::RuleSet> r = rules::DefaultRules();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : rules::RuleSet{};
  }();
  return set;
}

TEST(DefaultRulesGateTest, EveryRuleIsCountedUnderExactlyOneGate) {
  const rules::RuleSet& set = Defaults();
  ASSERT_GT(set.rules.size(), 200u);
  auto db = BuildOrDie(set);
  ASSERT_NE(db, nullptr);
  GateStats s = db->gate_stats();
  EXPECT_EQ(s.regex + s.keyword + s.always + s.path_only, set.rules.size());
}

TEST(DefaultRulesGateTest, NoDefaultRuleRunsOnEveryLineOfEveryFile) {
  // A rule outside the prefilter runs its regex on every line; that is only acceptable for
  // rules restricted to a few file names by `path` (.htpasswd, master.key...).
  const rules::RuleSet& set = Defaults();
  auto db = BuildOrDie(set);
  ASSERT_NE(db, nullptr);
  size_t path_restricted_always = 0;
  for (size_t i = 0; i < set.rules.size(); ++i) {
    const Gate g = db->gate(i);
    if (g == Gate::kAlways && !set.rules[i].path.empty()) {
      ++path_restricted_always;
      continue;
    }
    EXPECT_TRUE(g == Gate::kRegex || g == Gate::kKeyword || g == Gate::kPathOnly)
        << set.rules[i].id << " is not in the prefilter";
    if (set.rules[i].regex.empty()) {
      EXPECT_EQ(g, Gate::kPathOnly) << set.rules[i].id;
    }
  }
  EXPECT_EQ(db->gate_stats().always, path_restricted_always);
}

TEST(DefaultRulesGateTest, PrefilterFindsWhatEveryLineFindsOnAllExamples) {
  const rules::RuleSet& set = Defaults();
  std::string corpus;
  size_t examples = 0;
  for (const rules::Rule& r : set.rules) {
    if (!r.example_path.empty()) continue;  // path-filtered rules would not run on this file
    for (const std::string& e : r.examples) {
      corpus += "  const unrelated = compute(task, mask, check);\n" + e + "\n";
      ++examples;
    }
    for (const std::string& e : r.negative_examples) corpus += e + "\r\n";
  }
  ASSERT_GT(examples, 200u);
  auto prefiltered = BuildOrDie(set, NoCache(true));
  auto reference = BuildOrDie(set, NoCache(false));
  ASSERT_NE(prefiltered, nullptr);
  ASSERT_NE(reference, nullptr);
  auto want = ScanOrDie(*reference, corpus, "src/app/config.js");
  auto got = ScanOrDie(*prefiltered, corpus, "src/app/config.js");
  EXPECT_GT(want.size(), examples / 2);
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    ASSERT_EQ(got[i], want[i]) << "first difference at match " << i << " ("
                               << set.rules[want[i].rule_index].id << " vs "
                               << set.rules[got[i].rule_index].id << ")";
  }
  ASSERT_EQ(got.size(), want.size());
}

}  // namespace
}  // namespace keyhole::scan
