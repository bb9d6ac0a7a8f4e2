// The generic rules' own examples: each example yields a finding and no negative example
// does, judged by regex + secret group + entropy floor + the rule's allowlists (the parts
// this stage owns; analyzers may drop more later, never less).
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "core/text.h"
#include "findings/filter.h"
#include "rules/loader.h"
#include "rules/validate.h"

namespace keyhole::rules {
namespace {

// The secrets `rule` reports in `text` after its entropy floor and allowlists.
std::vector<std::string> Reported(const Rule& rule, const findings::AllowlistFilter& filter,
                                  const std::string& text) {
  std::vector<std::string> out;
  RE2 re(rule.regex, Re2Options());
  EXPECT_TRUE(re.ok()) << rule.id;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  size_t pos = 0;
  while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, groups.data(),
                                        static_cast<int>(groups.size()))) {
    std::string match(groups[0].data(), groups[0].size());
    std::string secret(groups[static_cast<size_t>(rule.secret_group)].data(),
                       groups[static_cast<size_t>(rule.secret_group)].size());
    findings::Finding f;
    f.rule_id = rule.id;
    f.path = "src/settings.py";
    f.secret = secret;
    if (ShannonEntropy(secret) >= rule.entropy && !filter.Allowed(f, match, text))
      out.push_back(secret);
    size_t end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

class GenericRuleExamples : public ::testing::TestWithParam<std::string> {};

TEST_P(GenericRuleExamples, ExamplesReportAndNegativeExamplesDoNot) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  int i = set->Find(GetParam());
  ASSERT_GE(i, 0);
  const Rule& rule = set->rules[static_cast<size_t>(i)];
  RuleSet only;
  only.rules.push_back(rule);
  auto filter = findings::AllowlistFilter::Build(only);
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  ASSERT_GE(rule.examples.size(), 3u);
  ASSERT_GE(rule.negative_examples.size(), 3u);
  for (const std::string& ex : rule.examples) {
    EXPECT_EQ(Reported(rule, **filter, ex).size(), 1u) << "example: " << ex;
  }
  for (const std::string& ex : rule.negative_examples) {
    std::vector<std::string> got = Reported(rule, **filter, ex);
    EXPECT_TRUE(got.empty()) << "negative example: " << ex << " reported "
                             << (got.empty() ? "" : got[0]);
  }
}

TEST_P(GenericRuleExamples, KeywordsOccurInEveryExample) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok());
  const Rule& rule = set->rules[static_cast<size_t>(set->Find(GetParam()))];
  for (const std::string& ex : rule.examples) {
    std::string lower = AsciiLower(ex);
    bool any = false;
    for (const std::string& kw : rule.keywords) any = any || lower.find(kw) != std::string::npos;
    EXPECT_TRUE(any) << "no keyword gates example: " << ex;
  }
}

INSTANTIATE_TEST_SUITE_P(Generic, GenericRuleExamples,
                         ::testing::Values("generic-secret-assignment", "generic-password-assignment",
                                           "generic-password-in-url"));

TEST(GenericRules, SecretAssignmentCapturesOnlyTheValue) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok());
  const Rule& rule = set->rules[static_cast<size_t>(set->Find("generic-secret-assignment"))];
  RuleSet only;
  only.rules.push_back(rule);
  auto filter = findings::AllowlistFilter::Build(only);
  ASSERT_TRUE(filter.ok());
  std::vector<std::string> got = Reported(rule, **filter, "API_SECRET: \"Zq8vN2kLp0xR4tW7\"");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "Zq8vN2kLp0xR4tW7");
}

// Reported() of the named default rule alone.
std::vector<std::string> ReportedBy(const std::string& id, const std::string& text) {
  Result<RuleSet> set = DefaultRules();
  EXPECT_TRUE(set.ok());
  RuleSet only;
  only.rules.push_back(set->rules[static_cast<size_t>(set->Find(id))]);
  auto filter = findings::AllowlistFilter::Build(only);
  EXPECT_TRUE(filter.ok());
  return Reported(only.rules[0], **filter, text);
}

TEST(GenericRules, PasswordAssignmentCapturesAValueWithSymbols) {
  std::vector<std::string> got =
      ReportedBy("generic-password-assignment", "  POSTGRES_PASSWORD: F5Lkd4k^tdUC+hQI#pB*L");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "F5Lkd4k^tdUC+hQI#pB*L");
}

TEST(GenericRules, PasswordAssignmentStopsAtTheClosingQuote) {
  std::vector<std::string> got =
      ReportedBy("generic-password-assignment", "{\"password\": \"u8jz!Pde0Ig\", \"user\": \"app\"}");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "u8jz!Pde0Ig");
}

TEST(GenericRules, PasswordNamesAreLeftToThePasswordRule) {
  EXPECT_TRUE(ReportedBy("generic-secret-assignment", "db_password = \"u8jzPde0IgxLd6GncfBAepfJ\"")
                  .empty());
}

TEST(GenericRules, SecretAssignmentKeepsRandomMixedCaseWithoutDigits) {
  EXPECT_EQ(ReportedBy("generic-secret-assignment", "  accessKey: 'IXdsNbXlwDPyniUMyiNlCKqZKT',")
                .size(),
            1u);
}

TEST(GenericRules, SecretAssignmentSkipsCamelCaseIdentifiers) {
  EXPECT_TRUE(
      ReportedBy("generic-secret-assignment", "authHandler: createSessionHandler,").empty());
}

}  // namespace
}  // namespace keyhole::rules
