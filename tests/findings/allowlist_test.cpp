// AllowlistFilter: gitleaks allowlist semantics (OR/AND, targets, targetRules, commits,
// stopwords), global and per-rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "findings/filter.h"
#include "rules/loader.h"
#include "support/test_util.h"

namespace keyhole::findings {
namespace {

using ::testing::HasSubstr;

constexpr char kCommit[] = "1b6e7c9d2a4f00112233445566778899aabbccdd";

Finding MakeFinding(std::string rule, std::string path, std::string secret,
                    std::string commit = "") {
  Finding f;
  f.rule_id = std::move(rule);
  f.path = std::move(path);
  f.secret = std::move(secret);
  if (!commit.empty()) {
    f.git = GitFacts{};
    f.git->commit = std::move(commit);
  }
  return f;
}

rules::Rule MakeRule(std::string id) {
  rules::Rule r;
  r.id = std::move(id);
  r.regex = "x";
  return r;
}

// A filter over rules "r1" and "r2" with one global allowlist.
std::unique_ptr<AllowlistFilter> GlobalFilter(const rules::Allowlist& a) {
  rules::RuleSet set;
  set.rules = {MakeRule("r1"), MakeRule("r2")};
  set.allowlists.push_back(a);
  auto f = AllowlistFilter::Build(set);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(*f) : nullptr;
}

TEST(AllowlistFilter, PathRegexAllowsMatchingPathsOnly) {
  rules::Allowlist a;
  a.paths = {"(^|/)testdata/"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "pkg/testdata/key.pem", "s3cr3t"), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "pkg/main.go", "s3cr3t"), "", ""));
}

// The path signature names which allowlists with paths match a path, global and per rule;
// allowlists without paths do not take part.
TEST(AllowlistFilter, PathSignatureNamesTheAllowlistsThatMatchAPath) {
  rules::RuleSet set;
  set.rules = {MakeRule("r1"), MakeRule("r2")};
  rules::Allowlist global, no_paths, per_rule;
  global.paths = {"^testdata/"};
  no_paths.regexes = {"^EXAMPLE"};
  per_rule.paths = {"^fixtures/"};
  set.allowlists = {global, no_paths};
  set.rules[1].allowlists = {per_rule};
  auto f = AllowlistFilter::Build(set);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE((*f)->HasPathAllowlists());
  EXPECT_EQ((*f)->PathSignature("testdata/a.env"), "10");
  EXPECT_EQ((*f)->PathSignature("fixtures/a.env"), "01");
  EXPECT_EQ((*f)->PathSignature("src/a.env"), "00");

  rules::RuleSet plain;
  plain.rules = {MakeRule("r1")};
  plain.allowlists = {no_paths};
  auto g = AllowlistFilter::Build(plain);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE((*g)->HasPathAllowlists());
  EXPECT_EQ((*g)->PathSignature("testdata/a.env"), "");
}

TEST(AllowlistFilter, RegexTargetsSecretByDefault) {
  rules::Allowlist a;
  a.regexes = {"^EXAMPLE"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "a.py", "EXAMPLEKEY123"), "key = EXAMPLEKEY123", "x"));
  EXPECT_FALSE(
      f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "EXAMPLE = Zq8vN2kLp0", "EXAMPLE"));
}

TEST(AllowlistFilter, RegexTargetMatchUsesTheWholeMatch) {
  rules::Allowlist a;
  a.regexes = {"^test_key\\s*="};
  a.regex_target = rules::RegexTarget::kMatch;
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "test_key = Zq8vN2kLp0", "x"));
  EXPECT_FALSE(
      f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "prod_key = Zq8vN2kLp0", "test_key ="));
}

TEST(AllowlistFilter, RegexTargetLineUsesTheSourceLine) {
  rules::Allowlist a;
  a.regexes = {"# fixture$"};
  a.regex_target = rules::RegexTarget::kLine;
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "k = Zq8vN2kLp0",
                         "k = Zq8vN2kLp0  # fixture"));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "# fixture", "k = Zq8vN2kLp0"));
}

TEST(AllowlistFilter, StopwordsAreCaseInsensitiveSubstringsOfTheSecret) {
  rules::Allowlist a;
  a.stopwords = {"Dummy"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "a.py", "xDUMMYkey9"), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "a.py", "Zq8vN2kLp0"), "dummy", "dummy"));
}

TEST(AllowlistFilter, CommitsMatchFullIdsAndPrefixesOfSevenOrMore) {
  rules::Allowlist a;
  a.commits = {"1B6E7C9"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "a.py", "s", kCommit), "", ""));
  EXPECT_FALSE(f->Allowed(
      MakeFinding("r1", "a.py", "s", "ffffffff00112233445566778899aabbccddeeff"), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "a.py", "s"), "", "")) << "no git facts";

  rules::Allowlist full;
  full.commits = {kCommit};
  EXPECT_TRUE(GlobalFilter(full)->Allowed(MakeFinding("r1", "a.py", "s", kCommit), "", ""));
}

TEST(AllowlistFilter, CommitPrefixShorterThanSevenIsIgnored) {
  rules::Allowlist a;
  a.commits = {"1b6e7c"};
  auto f = GlobalFilter(a);
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "a.py", "s", kCommit), "", ""));
}

TEST(AllowlistFilter, OrConditionNeedsAnyOneCriterion) {
  rules::Allowlist a;
  a.paths = {"^vendor/"};
  a.stopwords = {"sample"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "vendor/x.js", "Zq8vN2kLp0"), "", ""));
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "src/x.js", "sample123"), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "src/x.js", "Zq8vN2kLp0"), "", ""));
}

TEST(AllowlistFilter, AndConditionNeedsEveryGivenCriterion) {
  rules::Allowlist a;
  a.condition = rules::Condition::kAnd;
  a.paths = {"^deploy/local/"};
  a.stopwords = {"localdev"};
  a.commits = {kCommit};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r1", "deploy/local/db.env", "localdev42", kCommit), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "deploy/prod/db.env", "localdev42", kCommit), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "deploy/local/db.env", "Zq8vN2kLp0", kCommit), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "deploy/local/db.env", "localdev42"), "", ""));
}

TEST(AllowlistFilter, TargetRulesLimitAGlobalAllowlist) {
  rules::Allowlist a;
  a.paths = {"^vendor/"};
  a.target_rules = {"r2"};
  auto f = GlobalFilter(a);
  EXPECT_TRUE(f->Allowed(MakeFinding("r2", "vendor/x.js", "s"), "", ""));
  EXPECT_FALSE(f->Allowed(MakeFinding("r1", "vendor/x.js", "s"), "", ""));
}

TEST(AllowlistFilter, RuleAllowlistAppliesOnlyToItsRule) {
  rules::RuleSet set;
  set.rules = {MakeRule("r1"), MakeRule("r2")};
  rules::Allowlist a;
  a.paths = {"\\.md$"};
  set.rules[0].allowlists.push_back(a);
  auto f = AllowlistFilter::Build(set);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE((*f)->Allowed(MakeFinding("r1", "README.md", "s"), "", ""));
  EXPECT_FALSE((*f)->Allowed(MakeFinding("r2", "README.md", "s"), "", ""));
}

TEST(AllowlistFilter, EmptySetAllowsNothing) {
  auto f = AllowlistFilter::Build(rules::RuleSet{});
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE((*f)->Allowed(MakeFinding("r1", "a", "s"), "s", "s"));
}

TEST(AllowlistFilter, BuildReportsAnUncompilableRegex) {
  rules::RuleSet set;
  set.rules = {MakeRule("r1")};
  set.rules[0].source_file = "c.toml";
  rules::Allowlist a;
  a.regexes = {"(open"};
  set.rules[0].allowlists.push_back(a);
  auto f = AllowlistFilter::Build(set);
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.status().message(), ::testing::AllOf(HasSubstr("c.toml"), HasSubstr("rule 'r1'"),
                                                     HasSubstr("missing )")));
}

TEST(AllowlistFilter, GitleaksFixtureAllowlistsWorkEndToEnd) {
  Result<rules::Config> c =
      rules::LoadConfigFile(keyhole::testing::SourceDir() / "fixtures/configs/gitleaks.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<rules::RuleSet> set = rules::Resolve(&*c);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto f = AllowlistFilter::Build(*set);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::string zeros = "acme_" + std::string(32, '0');
  // [rules.allowlist] of acme-internal-token (OR): doc path, or the all-zero token.
  EXPECT_TRUE(
      (*f)->Allowed(MakeFinding("acme-internal-token", "docs/tokens.md", "acme_Zq8v"), "", ""));
  EXPECT_TRUE((*f)->Allowed(MakeFinding("acme-internal-token", "src/a.go", zeros), "", ""));
  EXPECT_FALSE((*f)->Allowed(MakeFinding("acme-internal-token", "src/a.go", "acme_Zq8v"), "", ""));
  // Old-form global [allowlist]: commit prefix and testdata path, for any rule.
  EXPECT_TRUE((*f)->Allowed(MakeFinding("jwt", "src/a.go", "eyJ", kCommit), "", ""));
  EXPECT_TRUE((*f)->Allowed(MakeFinding("jwt", "pkg/testdata/t.txt", "eyJ"), "", ""));
  // [[allowlists]] with targetRules.
  EXPECT_TRUE(
      (*f)->Allowed(MakeFinding("generic-secret-assignment", "vendor/x.py", "Zq8v"), "", ""));
  EXPECT_FALSE((*f)->Allowed(MakeFinding("jwt", "vendor/x.py", "eyJ"), "", ""));
  // The amendment to the default generic rule added a stopword.
  EXPECT_TRUE((*f)->Allowed(MakeFinding("generic-secret-assignment", "a.py", "acme-test-secret-9"),
                            "", ""));
  // AND allowlist on lines: both the line and the path must match.
  EXPECT_TRUE((*f)->Allowed(MakeFinding("jwt", "x_test.go", "eyJ"), "", "tok := fixture(\"eyJ\")"));
  EXPECT_FALSE((*f)->Allowed(MakeFinding("jwt", "x.go", "eyJ"), "", "tok := fixture(\"eyJ\")"));
}

}  // namespace
}  // namespace keyhole::findings
