// The examples and negative examples of analyze/'s rule files, judged end to end through
// AnalyzeBlob (regex, entropy, placeholders, analyzer, dedup), as the file `example_path`
// (or a neutral server-side path).
#include <gtest/gtest.h>

#include "analyze_test_util.h"
#include "core/text.h"

namespace keyhole::analyze {
namespace {

using testing::AnalyzeText;
using testing::Defaults;

// RuleSet::Find lives in rules/ (not on this branch yet).
const rules::Rule* FindRule(const rules::RuleSet& set, const std::string& id) {
  for (const auto& r : set.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

struct Case {
  std::string rule_id;
  std::string path;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (size_t i = 0; i < rules::kEmbeddedRuleFileCount; ++i) {
    const rules::EmbeddedFile& f = rules::kEmbeddedRuleFiles[i];
    if (!testing::IsAnalyzeRuleFile(f.name)) continue;
    for (const auto& r : testing::ParseRules(f.text, f.name).rules) {
      std::string path = testing::ExamplePath(f.text, r.id);
      cases.push_back({r.id, path.empty() ? "server/example.txt" : path});
    }
  }
  return cases;
}

class AnalyzeRuleExamples : public ::testing::TestWithParam<Case> {};

TEST_P(AnalyzeRuleExamples, EveryExampleIsFoundAndNoNegativeExampleIs) {
  const auto& set = Defaults();
  const rules::Rule* found = FindRule(set, GetParam().rule_id);
  ASSERT_NE(found, nullptr);
  const rules::Rule& rule = *found;
  EXPECT_GE(rule.examples.size(), 1u);
  EXPECT_GE(rule.negative_examples.size(), 1u);
  for (const auto& ex : rule.examples) {
    auto fs = testing::OfRule(AnalyzeText(ex, GetParam().path), rule.id);
    EXPECT_EQ(fs.size(), 1u) << rule.id << " example: " << ex;
  }
  for (const auto& ex : rule.negative_examples) {
    auto fs = testing::OfRule(AnalyzeText(ex, GetParam().path), rule.id);
    EXPECT_TRUE(fs.empty()) << rule.id << " negative example: " << ex;
  }
}

TEST_P(AnalyzeRuleExamples, KeywordsOccurInEveryExample) {
  const auto& set = Defaults();
  const rules::Rule* found = FindRule(set, GetParam().rule_id);
  ASSERT_NE(found, nullptr);
  const rules::Rule& rule = *found;
  for (const auto& ex : rule.examples) {
    std::string lower = AsciiLower(ex);
    bool any = false;
    for (const auto& kw : rule.keywords) any = any || lower.find(kw) != std::string::npos;
    EXPECT_TRUE(any) << rule.id << ": no keyword gates example " << ex;
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, AnalyzeRuleExamples, ::testing::ValuesIn(Cases()),
                         [](const auto& info) {
                           std::string n = info.param.rule_id;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

}  // namespace
}  // namespace keyhole::analyze
