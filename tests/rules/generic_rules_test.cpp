// Generic rules: what exactly they capture (their examples are checked with every other
// rule's in rule_examples_test.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pipeline/rule_examples.h"
#include "rules/loader.h"

namespace keyhole::rules {
namespace {

class GenericRules : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<RuleSet> set = DefaultRules();
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    set_ = std::make_unique<RuleSet>(std::move(*set));
    auto checker = pipeline::ExampleChecker::Create(*set_);
    ASSERT_TRUE(checker.ok()) << checker.status().ToString();
    checker_ = std::move(*checker);
  }
  std::vector<findings::Finding> Scan(const std::string& text, const std::string& path) {
    return checker_->Scan(text, path);
  }

  std::unique_ptr<RuleSet> set_;
  std::unique_ptr<pipeline::ExampleChecker> checker_;
};

TEST_F(GenericRules, SecretAssignmentCapturesOnlyTheValue) {
  std::vector<findings::Finding> got = Scan("API_SECRET: \"Zq8vN2kLp0xR4tW7\"\n", "config.yml");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rule_id, "generic-secret-assignment");
  EXPECT_EQ(got[0].secret, "Zq8vN2kLp0xR4tW7");
  EXPECT_EQ(got[0].location.start_column, 14u);
}

TEST_F(GenericRules, PasswordNamesGoToThePasswordRule) {
  std::vector<findings::Finding> got = Scan("DB_PASSWORD: \"Zq8vN2kLp0xR4tW7\"\n", "config.yml");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rule_id, "generic-password-assignment");
  EXPECT_EQ(got[0].secret, "Zq8vN2kLp0xR4tW7");
  EXPECT_EQ(got[0].location.start_column, 15u);
}

TEST_F(GenericRules, PasswordAssignmentCapturesAnUnquotedValueWithSymbols) {
  std::vector<findings::Finding> got =
      Scan("services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: F5Lkd4k^tdUC+hQI#pB*L\n",
           "docker-compose.yml");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].secret, "F5Lkd4k^tdUC+hQI#pB*L");
}

TEST_F(GenericRules, PasswordAssignmentStopsAtTheClosingQuote) {
  std::vector<findings::Finding> got =
      Scan("{\"password\": \"u8jz!Pde0Ig3\", \"user\": \"app\"}\n", "db.json");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].secret, "u8jz!Pde0Ig3");
}

TEST_F(GenericRules, PasswordBelowTheTokenEntropyFloorIsReported) {
  // 3.25 bits/char: under generic-secret-assignment's 3.5, over the password rule's 3.0.
  std::vector<findings::Finding> got = Scan("SMTP_PASSWORD = \"Summer2024!x\"\n", "config.py");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rule_id, "generic-password-assignment");
}

TEST_F(GenericRules, RandomMixedCaseWithoutDigitsIsReported) {
  std::vector<findings::Finding> got = Scan("  accessKey: 'IXdsNbXlwDPyniUMyiNlCKqZKT',\n", "config.js");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].secret, "IXdsNbXlwDPyniUMyiNlCKqZKT");
}

TEST_F(GenericRules, IdentifierValuesAreNotReported) {
  EXPECT_TRUE(Scan("TOKENS = {'TKTokenDriverConfiguration', 'TKTokenKeyAlgorithm'}\n", "a.py").empty());
  EXPECT_TRUE(Scan("authHandler: createSessionHandler,\n", "a.js").empty());
  EXPECT_TRUE(Scan("  password = var.db_password\n", "main.tf").empty());
}

TEST_F(GenericRules, WheelRecordDigestsAreNotReported) {
  EXPECT_TRUE(Scan("pip/_internal/network/auth.py,sha256=MQVP0k4hUXk8ReYEfsGQ5t7_TS7cNHQuaHJuBlJLHxU,"
                   "16507\n",
                   "pip-23.0.1.dist-info/RECORD")
                  .empty());
}

}  // namespace
}  // namespace keyhole::rules
