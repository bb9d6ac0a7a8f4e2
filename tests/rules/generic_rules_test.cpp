// Generic rules: what exactly they capture (their examples are checked with every other
// rule's in rule_examples_test.cpp).
#include <gtest/gtest.h>

#include "pipeline/rule_examples.h"
#include "rules/loader.h"

namespace keyhole::rules {
namespace {

TEST(GenericRules, SecretAssignmentCapturesOnlyTheValue) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok());
  scan::DatabaseOptions o;
  o.use_cache = false;
  auto checker = pipeline::ExampleChecker::Create(*set, o);
  ASSERT_TRUE(checker.ok()) << checker.status().ToString();
  std::vector<findings::Finding> got = (*checker)->Scan("DB_PASSWORD: \"Zq8vN2kLp0xR4tW7\"\n", "config.yml");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rule_id, "generic-secret-assignment");
  EXPECT_EQ(got[0].secret, "Zq8vN2kLp0xR4tW7");
  EXPECT_EQ(got[0].location.start_column, 15u);
}

}  // namespace
}  // namespace keyhole::rules
