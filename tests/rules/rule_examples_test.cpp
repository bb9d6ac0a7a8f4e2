// Every default rule against its own examples and negative examples, through the real
// scanner and analyzers (the same check as `keyhole rules check`), one test per rule.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "core/text.h"
#include "pipeline/rule_examples.h"
#include "rules/loader.h"

namespace keyhole::pipeline {
namespace {

const rules::RuleSet& Defaults() {
  static const rules::RuleSet* set = [] {
    Result<rules::RuleSet> r = rules::DefaultRules();
    return r.ok() ? new rules::RuleSet(std::move(r).value()) : new rules::RuleSet;
  }();
  return *set;
}

ExampleChecker& Checker() {
  static ExampleChecker* checker = [] {
    Result<std::unique_ptr<ExampleChecker>> c = ExampleChecker::Create(Defaults());
    return c.ok() ? std::move(c).value().release() : nullptr;
  }();
  return *checker;
}

std::vector<std::string> RuleIds() {
  std::vector<std::string> ids;
  for (const rules::Rule& r : Defaults().rules) ids.push_back(r.id);
  return ids;
}

class RuleExamples : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleExamples, ExamplesFoundAndNegativeExamplesNot) {
  int idx = Defaults().Find(GetParam());
  ASSERT_GE(idx, 0);
  for (const ExampleFailure& f : Checker().Check(static_cast<size_t>(idx))) {
    ADD_FAILURE() << f.rule_id << ": " << f.reason << ": " << EscapeForTerminal(f.example);
  }
}

TEST_P(RuleExamples, EveryExampleContainsAKeyword) {
  // Keywords gate keyword-gated rules: an example without one could never be found.
  const rules::Rule& rule = Defaults().rules[static_cast<size_t>(Defaults().Find(GetParam()))];
  if (rule.keywords.empty()) return;
  for (const std::string& ex : rule.examples) {
    std::string lower = AsciiLower(ex);
    bool any = false;
    for (const std::string& kw : rule.keywords) any = any || lower.find(kw) != std::string::npos;
    EXPECT_TRUE(any) << rule.id << ": no keyword in example " << EscapeForTerminal(ex);
  }
}

INSTANTIATE_TEST_SUITE_P(Default, RuleExamples, ::testing::ValuesIn(RuleIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

TEST(DefaultRules, AtLeast150WithUniqueIdsAndHelp) {
  std::set<std::string> ids;
  for (const rules::Rule& r : Defaults().rules) {
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
    EXPECT_FALSE(r.help.empty()) << r.id << " has no remediation help";
    EXPECT_FALSE(r.description.empty()) << r.id;
  }
  EXPECT_GE(ids.size(), 150u);
}

}  // namespace
}  // namespace keyhole::pipeline
