// Default rules, Resolve(), Validate() and RulesHash().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "rules/embedded.h"
#include "rules/loader.h"
#include "support/test_util.h"

namespace keyhole::rules {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(DefaultRules, LoadAndValidate) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_FALSE(set->rules.empty());
  EXPECT_TRUE(Validate(*set).ok());
}

TEST(DefaultRules, EveryEmbeddedFileContributesWithEmbeddedSourceName) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  for (size_t i = 0; i < kEmbeddedRuleFileCount; ++i) {
    std::string name = "<embedded>/" + std::string(kEmbeddedRuleFiles[i].name);
    bool found = false;
    for (const Rule& r : set->rules) found = found || r.source_file == name;
    EXPECT_TRUE(found) << name;
  }
}

TEST(DefaultRules, IncludeTheGenericRules) {
  Result<RuleSet> set = DefaultRules();
  ASSERT_TRUE(set.ok());
  EXPECT_GE(set->Find("generic-secret-assignment"), 0);
  EXPECT_GE(set->Find("generic-password-in-url"), 0);
}

TEST(DefaultRules, RepeatedCallsReturnTheSameRules) {
  Result<RuleSet> a = DefaultRules();
  Result<RuleSet> b = DefaultRules();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(RulesHash(*a), RulesHash(*b));
}

TEST(Resolve, NullConfigIsTheDefaults) {
  Result<RuleSet> r = Resolve(nullptr);
  Result<RuleSet> d = DefaultRules();
  ASSERT_TRUE(r.ok() && d.ok());
  EXPECT_EQ(RulesHash(*r), RulesHash(*d));
}

TEST(Resolve, DisabledRulesAreRemovedFromDefaults) {
  Result<Config> c = ParseConfig(
      "[extend]\nuseDefault = true\ndisabledRules = [\"generic-password-in-url\"]\n", "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_LT(set->Find("generic-password-in-url"), 0);
  EXPECT_GE(set->Find("generic-secret-assignment"), 0);
}

TEST(Resolve, ConfigRuleWithRegexReplacesDefaultOfSameId) {
  Result<Config> c = ParseConfig(
      "[extend]\nuseDefault = true\n[[rules]]\nid = \"generic-password-in-url\"\nregex = "
      "'mine_[0-9]+'\n",
      "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Rule& r = set->rules[static_cast<size_t>(set->Find("generic-password-in-url"))];
  EXPECT_EQ(r.regex, "mine_[0-9]+");
  EXPECT_TRUE(r.allowlists.empty());
  EXPECT_EQ(r.source_file, "c.toml");
}

TEST(Resolve, PatternlessConfigRuleAmendsTheDefaultRule) {
  Result<RuleSet> defaults = DefaultRules();
  ASSERT_TRUE(defaults.ok());
  const Rule& before =
      defaults->rules[static_cast<size_t>(defaults->Find("generic-secret-assignment"))];
  Result<Config> c = ParseConfig(R"(
[extend]
useDefault = true
[[rules]]
id = "generic-secret-assignment"
keywords = ["credential"]
[[rules.allowlists]]
stopwords = ["acme-test"]
)",
                                 "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Rule& after = set->rules[static_cast<size_t>(set->Find("generic-secret-assignment"))];
  EXPECT_EQ(after.regex, before.regex);
  EXPECT_EQ(after.allowlists.size(), before.allowlists.size() + 1);
  EXPECT_THAT(after.keywords, ::testing::Contains("credential"));
}

TEST(Resolve, PatternlessRuleWithNoDefaultToAmendIsAnError) {
  Result<Config> c = ParseConfig(
      "[extend]\nuseDefault = true\n[[rules]]\nid = \"no-such-default\"\ndescription = \"d\"\n",
      "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("c.toml"), HasSubstr("rule 'no-such-default'")));
}

TEST(Resolve, ConfigAllowlistsFollowTheDefaultOnes) {
  Result<Config> c = ParseConfig("[[allowlists]]\npaths = ['^vendor/']\n", "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok());
  ASSERT_FALSE(set->allowlists.empty());
  EXPECT_THAT(set->allowlists.back().paths, ::testing::ElementsAre("^vendor/"));
}

TEST(Resolve, GitleaksFixtureResolves) {
  Result<Config> c =
      LoadConfigFile(keyhole::testing::SourceDir() / "fixtures/configs/gitleaks.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_GE(set->Find("acme-internal-token"), 0);
  EXPECT_GE(set->Find("jwt"), 0);
  EXPECT_LT(set->Find("generic-password-in-url"), 0);
  EXPECT_TRUE(Validate(*set).ok()) << Validate(*set).ToString();
}

TEST(Resolve, AmendmentIsCheckedAgainstTheAmendedRegex) {
  Result<Config> c = ParseConfig(
      "[extend]\nuseDefault = true\n[[rules]]\nid = \"generic-secret-assignment\"\nsecretGroup = "
      "7\n",
      "amend.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("amend.toml: rule 'generic-secret-assignment'"),
                    HasSubstr("secretGroup 7 but the regex has only 0 capture group")));
}

TEST(ConfigLoaderExtend, AmendmentOfAnExtendedRuleIsCheckedAtParse) {
  keyhole::testing::TempDir dir;
  dir.Write("base.toml", "[extend]\nuseDefault = true\n[[rules]]\nid = \"b\"\nregex = 'b_(x)'\n");
  auto child = dir.Write(
      "child.toml", "[extend]\npath = \"base.toml\"\n[[rules]]\nid = \"b\"\nsecretGroup = 3\n");
  Result<Config> c = LoadConfigFile(child);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              AllOf(HasSubstr("child.toml: rule 'b'"), HasSubstr("secretGroup 3")));
}

Rule SimpleRule(std::string id, std::string regex) {
  Rule r;
  r.id = std::move(id);
  r.regex = std::move(regex);
  r.source_file = "mem.toml";
  return r;
}

TEST(Validate, RejectsDuplicateIds) {
  RuleSet set;
  set.rules = {SimpleRule("a", "x"), SimpleRule("a", "y")};
  Status st = Validate(set);
  EXPECT_THAT(st.message(),
              AllOf(HasSubstr("mem.toml"), HasSubstr("rule 'a'"), HasSubstr("duplicate id")));
}

TEST(Validate, RejectsEmptyId) {
  RuleSet set;
  set.rules = {SimpleRule("", "x")};
  EXPECT_THAT(Validate(set).message(), HasSubstr("empty 'id'"));
}

TEST(Validate, RejectsUncompilableRegexWithRe2Error) {
  RuleSet set;
  set.rules = {SimpleRule("bad", "a(?P<x")};
  Status st = Validate(set);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), AllOf(HasSubstr("mem.toml: rule 'bad': regex does not compile: "),
                                  HasSubstr("invalid named capture group")));
}

TEST(Validate, RejectsBadGlobalAllowlistPath) {
  RuleSet set;
  set.rules = {SimpleRule("ok", "x")};
  Allowlist a;
  a.paths = {"(unclosed"};
  set.allowlists.push_back(a);
  EXPECT_THAT(Validate(set).message(),
              AllOf(HasSubstr("global allowlist #1"), HasSubstr("does not compile")));
}

TEST(RulesHash, ChangesWhenAnyFieldChanges) {
  RuleSet a;
  a.rules = {SimpleRule("a", "x")};
  RuleSet b = a;
  EXPECT_EQ(RulesHash(a), RulesHash(b));
  b.rules[0].entropy = 3.0;
  EXPECT_NE(RulesHash(a), RulesHash(b));
  RuleSet c = a;
  c.rules[0].negative_examples.push_back("n");
  EXPECT_NE(RulesHash(a), RulesHash(c));
  RuleSet d = a;
  d.allowlists.push_back(Allowlist{});
  EXPECT_NE(RulesHash(a), RulesHash(d));
}

TEST(RulesHash, FieldBoundariesCannotCollide) {
  RuleSet a;
  a.rules = {SimpleRule("ab", "c")};
  RuleSet b;
  b.rules = {SimpleRule("a", "bc")};
  EXPECT_NE(RulesHash(a), RulesHash(b));
}

TEST(RulesHash, IgnoresWhereRulesWereLoadedFrom) {
  RuleSet a;
  a.rules = {SimpleRule("a", "x")};
  RuleSet b = a;
  b.rules[0].source_file = "elsewhere.toml";
  EXPECT_EQ(RulesHash(a), RulesHash(b));
  EXPECT_EQ(RulesHash(a).size(), 64u);
}

}  // namespace
}  // namespace keyhole::rules
