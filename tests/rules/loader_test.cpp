#include "rules/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/test_util.h"

namespace keyhole::rules {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::filesystem::path ConfigFixture(const std::string& name) {
  return keyhole::testing::SourceDir() / "fixtures" / "configs" / name;
}

// The error message of loading a broken fixture (fails the test if it loads).
std::string BrokenFixtureError(const std::string& name) {
  Result<Config> c = LoadConfigFile(ConfigFixture("broken") / name);
  EXPECT_FALSE(c.ok()) << name << " loaded";
  return c.ok() ? "" : c.status().message();
}

const Rule& RuleById(const RuleSet& set, const std::string& id) {
  int i = set.Find(id);
  EXPECT_GE(i, 0) << id;
  static const Rule kNone;
  return i < 0 ? kNone : set.rules[static_cast<size_t>(i)];
}

TEST(RuleLoader, KeyholeDialectLoadsEveryField) {
  Result<RuleSet> set = ParseRuleFile(R"(
[[rules]]
id = "acme-key"
description = "Acme key"
category = "provider"
severity = "critical"
regex = '''acme_([a-z0-9]{8})'''
secretGroup = 1
keywords = ["ACME_", "Acme"]
entropy = 2.5
path = '''\.py$'''
analyzer = "github-checksum"
help = "Rotate it."
examples = ['''acme_abcd1234''']
negative_examples = ['''acme_short''']
tags = ["t1"]
)",
                                      "inline.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->rules.size(), 1u);
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.id, "acme-key");
  EXPECT_EQ(r.description, "Acme key");
  EXPECT_EQ(r.category, "provider");
  EXPECT_EQ(r.severity, Severity::kCritical);
  EXPECT_EQ(r.regex, "acme_([a-z0-9]{8})");
  EXPECT_EQ(r.secret_group, 1);
  EXPECT_TRUE(r.secret_group_set);
  EXPECT_THAT(r.keywords, ElementsAre("acme_", "acme"));
  EXPECT_DOUBLE_EQ(r.entropy, 2.5);
  EXPECT_EQ(r.path, "\\.py$");
  EXPECT_EQ(r.analyzer, "github-checksum");
  EXPECT_EQ(r.help, "Rotate it.");
  EXPECT_THAT(r.examples, ElementsAre("acme_abcd1234"));
  EXPECT_THAT(r.negative_examples, ElementsAre("acme_short"));
  EXPECT_THAT(r.tags, ElementsAre("t1"));
  EXPECT_EQ(r.source_file, "inline.toml");
}

TEST(RuleLoader, DefaultsApplyWhenFieldsAreAbsent) {
  Result<RuleSet> set = ParseRuleFile("[[rules]]\nid = \"x\"\nregex = 'abc'\n", "f.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.category, "generic");
  EXPECT_EQ(r.severity, Severity::kMedium);
  EXPECT_EQ(r.secret_group, 0);
  EXPECT_FALSE(r.secret_group_set);
  EXPECT_DOUBLE_EQ(r.entropy, 0.0);
}

TEST(RuleLoader, IntegerEntropyIsAccepted) {
  Result<RuleSet> set =
      ParseRuleFile("[[rules]]\nid = \"x\"\nregex = 'abc'\nentropy = 3\n", "f.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_DOUBLE_EQ(set->rules[0].entropy, 3.0);
}

TEST(RuleLoader, RuleAllowlistOldAndNewFormsBothLoad) {
  Result<RuleSet> set = ParseRuleFile(R"(
[[rules]]
id = "r"
regex = 'abc'
[rules.allowlist]
paths = ['a']
[[rules.allowlists]]
condition = "AND"
regexTarget = "line"
regexes = ['b']
stopwords = ["c"]
commits = ["0123456789"]
)",
                                      "f.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Rule& r = set->rules[0];
  ASSERT_EQ(r.allowlists.size(), 2u);
  EXPECT_THAT(r.allowlists[0].paths, ElementsAre("a"));
  EXPECT_EQ(r.allowlists[0].condition, Condition::kOr);
  EXPECT_EQ(r.allowlists[1].condition, Condition::kAnd);
  EXPECT_EQ(r.allowlists[1].regex_target, RegexTarget::kLine);
  EXPECT_THAT(r.allowlists[1].regexes, ElementsAre("b"));
  EXPECT_THAT(r.allowlists[1].stopwords, ElementsAre("c"));
  EXPECT_THAT(r.allowlists[1].commits, ElementsAre("0123456789"));
}

TEST(RuleLoader, SyntaxErrorNamesFileLineAndColumn) {
  std::string err = BrokenFixtureError("syntax.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("syntax.toml:"), HasSubstr("TOML syntax error")));
  EXPECT_THAT(err, ::testing::ContainsRegex("syntax\\.toml:[0-9]+:[0-9]+: "));
}

TEST(RuleLoader, UnknownFieldNamesFileRuleAndField) {
  std::string err = BrokenFixtureError("unknown_field.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("unknown_field.toml:4:"), HasSubstr("rule 'has-typo'"),
                         HasSubstr("unknown field 'keyword'")));
}

TEST(RuleLoader, UnknownTopLevelFieldIsAnError) {
  Result<RuleSet> set = ParseRuleFile("colour = \"blue\"\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("f.toml:1:"), HasSubstr("unknown field 'colour'")));
}

TEST(RuleLoader, GitleaksInformationalTopLevelFieldsAreAccepted) {
  Result<RuleSet> set =
      ParseRuleFile("title = \"t\"\nversion = 2\n[[rules]]\nid = \"x\"\nregex = 'a'\n", "f.toml");
  EXPECT_TRUE(set.ok()) << set.status().ToString();
}

TEST(RuleLoader, BadSeverityNamesRuleAndValue) {
  std::string err = BrokenFixtureError("bad_severity.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("bad_severity.toml:4:"), HasSubstr("rule 'too-loud'"),
                         HasSubstr("bad severity 'apocalyptic'")));
}

TEST(RuleLoader, MissingIdIsAnErrorNamingTheRuleIndex) {
  std::string err = BrokenFixtureError("missing_id.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("missing_id.toml:"), HasSubstr("rule #1"),
                         HasSubstr("missing or empty 'id'")));
}

TEST(RuleLoader, DuplicateIdNamesBothLines) {
  std::string err = BrokenFixtureError("duplicate_id.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("duplicate_id.toml:5:"), HasSubstr("rule 'twice'"),
                         HasSubstr("duplicate id (first defined at line 1)")));
}

TEST(RuleLoader, RegexCompileErrorCarriesRe2Text) {
  std::string err = BrokenFixtureError("bad_regex.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("bad_regex.toml:"), HasSubstr("rule 'unbalanced'"),
                         HasSubstr("regex does not compile: missing )")));
}

TEST(RuleLoader, SecretGroupBeyondCaptureGroupsIsAnError) {
  std::string err = BrokenFixtureError("bad_secret_group.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("bad_secret_group.toml:"), HasSubstr("rule 'group-two'"),
                         HasSubstr("secretGroup 2 but the regex has only 1 capture group")));
}

TEST(RuleLoader, WrongTypeNamesFieldAndTypes) {
  std::string err = BrokenFixtureError("wrong_type.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("wrong_type.toml:4:"), HasSubstr("rule 'typed'"),
                         HasSubstr("field 'keywords' must be an array of strings, not string")));
}

TEST(RuleLoader, AllowlistRegexCompileErrorNamesRule) {
  std::string err = BrokenFixtureError("bad_allowlist_regex.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("bad_allowlist_regex.toml:"), HasSubstr("rule 'with-allowlist'"),
                         HasSubstr("allowlist regex '[unclosed' does not compile: missing ]")));
}

TEST(RuleLoader, ExtendCycleIsBounded) {
  std::string err = BrokenFixtureError("extend_cycle.toml");
  EXPECT_THAT(err, AllOf(HasSubstr("extend_cycle.toml"), HasSubstr("levels of extended configs")));
}

TEST(RuleLoader, RuleWithoutRegexOrPathIsAnErrorInRuleFiles) {
  Result<RuleSet> set = ParseRuleFile("[[rules]]\nid = \"empty\"\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("rule 'empty'"), HasSubstr("neither 'regex' nor 'path'")));
}

TEST(RuleLoader, ExtendIsRejectedInRuleFiles) {
  Result<RuleSet> set = ParseRuleFile("[extend]\nuseDefault = true\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), HasSubstr("only allowed in a configuration file"));
}

TEST(RuleLoader, TargetRulesInRuleAllowlistIsAnError) {
  Result<RuleSet> set = ParseRuleFile(
      "[[rules]]\nid = \"r\"\nregex = 'a'\n[[rules.allowlists]]\npaths = ['x']\ntargetRules = "
      "[\"r\"]\n",
      "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("rule 'r'"), HasSubstr("targetRules is only allowed")));
}

TEST(RuleLoader, AllowlistWithoutCriteriaIsAnError) {
  Result<RuleSet> set = ParseRuleFile("[[allowlists]]\ndescription = \"nothing\"\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), HasSubstr("allowlist has no criterion"));
}

TEST(RuleLoader, BadConditionIsAnError) {
  Result<RuleSet> set =
      ParseRuleFile("[[allowlists]]\ncondition = \"XOR\"\npaths = ['a']\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), HasSubstr("condition must be \"OR\" or \"AND\""));
}

TEST(RuleLoader, MissingConfigFileIsAnIOError) {
  Result<Config> c = LoadConfigFile(ConfigFixture("does-not-exist.toml"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kIOError);
  EXPECT_THAT(c.status().message(), HasSubstr("does-not-exist.toml"));
}

TEST(RuleLoader, UnknownFieldInGlobalAllowlistNamesTheAllowlist) {
  Result<RuleSet> set = ParseRuleFile("[[allowlists]]\npaths = ['a']\npath = 'b'\n", "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), AllOf(HasSubstr("f.toml:3:"), HasSubstr("allowlists #1"),
                                            HasSubstr("unknown field 'path'")));
}

TEST(RuleLoader, BadRegexTargetIsAnError) {
  Result<RuleSet> set = ParseRuleFile(
      "[[rules]]\nid = \"r\"\nregex = 'a'\n[rules.allowlist]\nregexTarget = \"file\"\nregexes = "
      "['x']\n",
      "f.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              AllOf(HasSubstr("rule 'r': allowlist"), HasSubstr("regexTarget must be")));
}

TEST(ConfigLoader, UnknownExtendFieldIsAnError) {
  Result<Config> c = ParseConfig("[extend]\nuseDefaults = true\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), AllOf(HasSubstr("c.toml:2:"), HasSubstr("[extend]"),
                                          HasSubstr("unknown field 'useDefaults'")));
}

TEST(ConfigLoader, GitleaksConfigLoadsWithEveryAllowlistForm) {
  Result<Config> c = LoadConfigFile(ConfigFixture("gitleaks.toml"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->use_default);
  EXPECT_THAT(c->disabled_rules, ElementsAre("generic-password-in-url"));
  const Rule& token = RuleById(c->rules, "acme-internal-token");
  EXPECT_THAT(token.keywords, ElementsAre("acme_"));
  ASSERT_EQ(token.allowlists.size(), 1u);
  EXPECT_THAT(token.allowlists[0].regexes, ElementsAre("acme_0{32}"));
  const Rule& dsn = RuleById(c->rules, "acme-db-dsn");
  ASSERT_EQ(dsn.allowlists.size(), 1u);
  EXPECT_EQ(dsn.allowlists[0].condition, Condition::kAnd);
  ASSERT_EQ(c->rules.allowlists.size(), 3u);
  EXPECT_THAT(c->rules.allowlists[0].commits, ElementsAre("1b6e7c9d2a4f"));
  EXPECT_THAT(c->rules.allowlists[1].target_rules, ElementsAre("generic-secret-assignment"));
  EXPECT_EQ(c->rules.allowlists[2].regex_target, RegexTarget::kLine);
}

TEST(ConfigLoader, OwnRulesWithoutExtendReplaceDefaults) {
  Result<Config> c = LoadConfigFile(ConfigFixture("keyhole.toml"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->use_default);
  Result<RuleSet> set = Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->rules.size(), 1u);
  EXPECT_EQ(set->rules[0].id, "acme-signing-key");
  EXPECT_EQ(set->rules[0].category, "signing-key");
}

TEST(ConfigLoader, AllowlistOnlyConfigKeepsDefaults) {
  Result<Config> c = LoadConfigFile(ConfigFixture("allowlist_only.toml"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->use_default);
  Result<RuleSet> set = Resolve(&*c);
  Result<RuleSet> defaults = DefaultRules();
  ASSERT_TRUE(set.ok() && defaults.ok());
  EXPECT_EQ(set->rules.size(), defaults->rules.size());
  EXPECT_EQ(set->allowlists.size(), defaults->allowlists.size() + 1);
}

TEST(ConfigLoader, ExplicitUseDefaultFalseWithoutRulesMeansNoRules) {
  Result<Config> c =
      ParseConfig("[extend]\nuseDefault = false\n[[allowlists]]\npaths = ['a']\n", "c.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->use_default);
}

TEST(ConfigLoader, ExtendPathLoadsRelativeFileAndOverlaysIt) {
  Result<Config> c = LoadConfigFile(ConfigFixture("extend_child.toml"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->use_default);
  EXPECT_LT(c->rules.Find("base-two"), 0) << "disabledRules removes an extended rule";
  EXPECT_EQ(RuleById(c->rules, "base-one").regex, "base1_v2_[0-9a-f]{16}");
  EXPECT_GE(c->rules.Find("child-rule"), 0);
  ASSERT_EQ(c->rules.allowlists.size(), 1u);
  EXPECT_THAT(c->rules.allowlists[0].paths, ElementsAre("^third_party/"));
}

TEST(ConfigLoader, ExtendPathErrorNamesTheExtendedFile) {
  keyhole::testing::TempDir dir;
  dir.Write("base.toml", "[[rules]]\nid = \"b\"\nregex = '(x'\n");
  auto child = dir.Write("child.toml", "[extend]\npath = \"base.toml\"\n");
  Result<Config> c = LoadConfigFile(child);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), AllOf(HasSubstr("base.toml"), HasSubstr("rule 'b'")));
}

TEST(ConfigLoader, MissingExtendPathIsAnError) {
  keyhole::testing::TempDir dir;
  auto child = dir.Write("child.toml", "[extend]\npath = \"nope.toml\"\n");
  Result<Config> c = LoadConfigFile(child);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              AllOf(HasSubstr("child.toml"), HasSubstr("'nope.toml'"), HasSubstr("cannot open")));
}

TEST(ConfigLoader, ExtendUrlIsRejected) {
  Result<Config> c = ParseConfig("[extend]\nurl = \"https://example.com/x.toml\"\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("'url' is not supported"));
}

TEST(ConfigLoader, DuplicateIdsInAConfigAreAnError) {
  Result<Config> c = ParseConfig(
      "[[rules]]\nid = \"d\"\nregex = 'a'\n[[rules]]\nid = \"d\"\nregex = 'b'\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              AllOf(HasSubstr("c.toml:4:"), HasSubstr("rule 'd'"), HasSubstr("duplicate id")));
}

TEST(ConfigLoader, PatternlessRuleWithoutDefaultsIsAnError) {
  Result<Config> c =
      ParseConfig("[[rules]]\nid = \"lonely\"\n[[rules.allowlists]]\npaths = ['a']\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), AllOf(HasSubstr("c.toml"), HasSubstr("rule 'lonely'"),
                                          HasSubstr("no default or extended rule with this id")));
}

}  // namespace
}  // namespace keyhole::rules
