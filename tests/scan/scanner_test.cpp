#include "scan/scanner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "scan/rule_database.h"
#include "scan/scan_test_util.h"
#include "support/test_util.h"

namespace keyhole::scan {
namespace {

using keyhole::testing::FakeAwsKeyId;
using keyhole::testing::FakeGithubToken;
using keyhole::testing::RandomAlnum;
using testing::BuildOrDie;
using testing::MakeRule;
using testing::NoCache;
using testing::ScanOrDie;
using testing::Secret;

rules::RuleSet GithubRules() {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("github-pat", R"(ghp_[0-9A-Za-z]{36})", {"ghp_"}));
  return set;
}

TEST(ScannerTest, AnchoredRuleReportsExactOffsets) {
  rules::RuleSet set = GithubRules();
  auto db = BuildOrDie(set);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->gate(0), Gate::kRegex);
  const std::string token = FakeGithubToken(1);
  const std::string data = "line one\nconst t = \"" + token + "\";\n";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  const size_t begin = data.find(token);
  EXPECT_EQ(matches[0].rule_index, 0u);
  EXPECT_EQ(matches[0].match_begin, begin);
  EXPECT_EQ(matches[0].match_end, begin + 40);
  EXPECT_EQ(matches[0].secret_begin, begin);
  EXPECT_EQ(matches[0].secret_end, begin + 40);
}

TEST(ScannerTest, AllMatchesOnOneLineAreReported) {
  rules::RuleSet set = GithubRules();
  auto db = BuildOrDie(set);
  const std::string a = FakeGithubToken(2), b = FakeGithubToken(3);
  const std::string data = a + " " + b + " " + a;
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(Secret(data, matches[0]), a);
  EXPECT_EQ(Secret(data, matches[1]), b);
  EXPECT_EQ(matches[2].secret_begin, data.rfind(a));
}

rules::RuleSet KeywordRules() {
  rules::RuleSet set;
  set.rules.push_back(
      MakeRule("generic-api-key", R"re([a-z_]+\s*=\s*"([A-Za-z0-9]{20,})")re", {"apikey"}));
  return set;
}

TEST(ScannerTest, KeywordGatedRuleMatchesWhereKeywordOccurs) {
  rules::RuleSet set = KeywordRules();
  auto db = BuildOrDie(set);
  EXPECT_EQ(db->gate(0), Gate::kKeyword);
  const std::string value = RandomAlnum(7, 24);
  const std::string data = "x = 1\nmy_apiKey = \"" + value + "\"\n";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(Secret(data, matches[0]), value);
}

TEST(ScannerTest, KeywordGatedRuleIsSilentWithoutKeyword) {
  rules::RuleSet set = KeywordRules();
  for (bool prefilter : {true, false}) {
    auto db = BuildOrDie(set, NoCache(prefilter));
    const std::string data = "color = \"" + RandomAlnum(8, 24) + "\"\n";
    EXPECT_TRUE(ScanOrDie(*db, data).empty()) << "prefilter=" << prefilter;
  }
}

TEST(ScannerTest, ExplicitSecretGroupIsExtracted) {
  rules::RuleSet set;
  rules::Rule r = MakeRule("aws", R"((aws_key)\s*=\s*(AKIA[A-Z2-7]{16}))");
  r.secret_group = 2;
  r.secret_group_set = true;
  set.rules.push_back(r);
  auto db = BuildOrDie(set);
  const std::string key = FakeAwsKeyId(4);
  const std::string data = "aws_key = " + key + "\n";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(Secret(data, matches[0]), key);
  EXPECT_EQ(matches[0].match_begin, 0u);
}

TEST(ScannerTest, UnsetSecretGroupTakesFirstNonEmptyGroup) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("tok", R"(tok_(x)?(?:-)?([a-z0-9]{12}))"));
  auto db = BuildOrDie(set);
  const std::string data = "a tok_-abcdef012345 b";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(Secret(data, matches[0]), "abcdef012345");
}

TEST(ScannerTest, UnsetSecretGroupWithoutGroupsIsWholeMatch) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("tok", R"(tok_[a-z0-9]{12})"));
  auto db = BuildOrDie(set);
  const std::string data = "a tok_abcdef012345 b";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(Secret(data, matches[0]), "tok_abcdef012345");
}

TEST(ScannerTest, MultiLinePemBlockIsMatchedWhole) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule(
      "private-key",
      R"(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY-----)"));
  for (bool prefilter : {true, false}) {
    auto db = BuildOrDie(set, NoCache(prefilter));
    std::string block = "-----BEGIN RSA PRIVATE KEY-----\n";
    for (unsigned i = 0; i < 10; ++i) block += RandomAlnum(i, 64) + "\n";
    block += "-----END RSA PRIVATE KEY-----";
    const std::string data = "# key\r\nconst k = `" + block + "`;\n";
    auto matches = ScanOrDie(*db, data);
    ASSERT_EQ(matches.size(), 1u) << "prefilter=" << prefilter;
    EXPECT_EQ(Secret(data, matches[0]), block);
  }
}

TEST(ScannerTest, CrlfAndLoneCrEndLines) {
  rules::RuleSet set;
  // `$` must see the end of the line before "\r\n" and before a lone "\r".
  set.rules.push_back(MakeRule("env-token", R"(TOKEN=([a-z0-9]{10})$)"));
  auto db = BuildOrDie(set);
  EXPECT_EQ(db->gate(0), Gate::kRegex);
  const std::string data = "TOKEN=abcde12345\r\nTOKEN=fghij67890\rTOKEN=klmno11111x\nTOKEN=pqrst22222";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(Secret(data, matches[0]), "abcde12345");
  EXPECT_EQ(Secret(data, matches[1]), "fghij67890");
  EXPECT_EQ(Secret(data, matches[2]), "pqrst22222");
}

TEST(ScannerTest, HugeSingleLineWithScatteredHits) {
  rules::RuleSet set = GithubRules();
  set.rules.push_back(
      MakeRule("generic-api-key", R"re([a-z]+[:=]"([A-Za-z0-9]{20,40})")re", {"apikey"}));
  auto db = BuildOrDie(set);
  EXPECT_EQ(db->gate(1), Gate::kKeyword);
  const std::string filler = "function(a,b){return a+b};var x=\"abcdefgh\";";
  std::string data;
  data.reserve(21 << 20);
  std::vector<std::pair<size_t, std::string>> planted;  // (offset, secret)
  unsigned seed = 100;
  size_t next_plant = 100 << 10;
  while (data.size() < (20u << 20)) {
    data += filler;
    if (data.size() >= next_plant) {
      next_plant += 100 << 10;
      const bool github = planted.size() % 2 == 0;
      const std::string secret = github ? FakeGithubToken(seed++) : RandomAlnum(seed++, 32);
      if (github) {
        data += "t=\"";
      } else {
        data += "{apikey:\"";
      }
      planted.emplace_back(data.size(), secret);
      data += secret + "\"";
    }
  }
  ASSERT_EQ(data.find('\n'), std::string::npos);
  ASSERT_GT(planted.size(), 100u);
  auto matches = ScanOrDie(*db, data, "dist/app.min.js");
  ASSERT_EQ(matches.size(), planted.size());
  for (size_t i = 0; i < planted.size(); ++i) {
    EXPECT_EQ(matches[i].secret_begin, planted[i].first);
    EXPECT_EQ(Secret(data, matches[i]), planted[i].second);
    EXPECT_EQ(matches[i].rule_index, i % 2 == 0 ? 0u : 1u);
  }
}

TEST(ScannerTest, PathFilterLimitsRuleToMatchingFiles) {
  rules::RuleSet set = GithubRules();
  set.rules[0].path = R"(\.env$)";
  auto db = BuildOrDie(set);
  const std::string data = "GH=" + FakeGithubToken(9) + "\n";
  EXPECT_EQ(ScanOrDie(*db, data, "config/prod.env").size(), 1u);
  EXPECT_TRUE(ScanOrDie(*db, data, "src/main.c").empty());
}

TEST(ScannerTest, EachRuleKeepsItsOwnPathFilter) {
  // The filters are matched together (one RE2::Set); each must still gate only its rule.
  rules::RuleSet set;
  set.rules = {MakeRule("env-token", R"(ghp_[0-9A-Za-z]{36})"),
               MakeRule("anywhere-token", R"(ghp_[0-9A-Za-z]{36})"),
               MakeRule("yaml-token", R"(ghp_[0-9A-Za-z]{36})")};
  set.rules[0].path = R"(\.env$)";
  set.rules[2].path = R"((?i)\.ya?ml$)";
  auto db = BuildOrDie(set);
  const std::string data = "GH=" + FakeGithubToken(10) + "\n";
  auto rules_of = [&](std::string_view path) {
    std::vector<uint32_t> out;
    for (const Match& m : ScanOrDie(*db, data, path)) out.push_back(m.rule_index);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(rules_of("prod.env"), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(rules_of("deploy/VALUES.YML"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(rules_of("src/main.c"), (std::vector<uint32_t>{1}));
}

TEST(ScannerTest, BadPathFilterIsAnErrorNamingTheRule) {
  rules::RuleSet set;
  set.rules = {MakeRule("broken-path", R"(ghp_[0-9A-Za-z]{36})")};
  set.rules[0].path = "(unclosed";
  auto db = RuleDatabase::Build(set, testing::NoCache());
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("broken-path"), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("path regex"), std::string::npos) << db.status().message();
}

TEST(ScannerTest, PathOnlyRuleMatchesOncePerMatchingFile) {
  rules::RuleSet set;
  rules::Rule r = MakeRule("ssh-private-key-file", "");
  r.path = R"((^|/)id_(rsa|ed25519)$)";
  set.rules.push_back(r);
  auto db = BuildOrDie(set);
  EXPECT_EQ(db->gate(0), Gate::kPathOnly);
  auto matches = ScanOrDie(*db, "anything\nat all\n", "home/.ssh/id_rsa");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].secret_begin, 0u);
  EXPECT_EQ(matches[0].secret_end, 0u);
  EXPECT_EQ(matches[0].match_end, 0u);
  EXPECT_TRUE(ScanOrDie(*db, "anything", "home/.ssh/id_rsa.pub").empty());
}

TEST(ScannerTest, AlwaysRuleRunsOnEveryLine) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("hex", R"(\b[0-9a-f]{32}\b)"));
  auto db = BuildOrDie(set);
  EXPECT_EQ(db->gate(0), Gate::kAlways);
  const std::string data = "a\nb 0123456789abcdef0123456789abcdef c\n";
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].secret_begin, 4u);
}

TEST(ScannerTest, OutputIsOrderedBySecretThenRuleWithoutDuplicates) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("b", R"(ghp_[0-9A-Za-z]{36})"));
  set.rules.push_back(MakeRule("a", R"((ghp_[0-9A-Za-z]{36}))", {"ghp"}));
  set.rules.push_back(MakeRule("a2", R"(x(ghp_[0-9A-Za-z]{36}))"));
  auto db = BuildOrDie(set);
  const std::string t1 = FakeGithubToken(11), t2 = FakeGithubToken(12);
  const std::string data = "x" + t1 + "\n" + t2;
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 5u);
  EXPECT_EQ(matches[0].rule_index, 0u);
  EXPECT_EQ(matches[1].rule_index, 1u);
  EXPECT_EQ(matches[2].rule_index, 2u);
  EXPECT_EQ(matches[2].match_begin, 0u);
  EXPECT_EQ(matches[3].secret_begin, data.find(t2));
  EXPECT_EQ(matches[4].secret_begin, data.find(t2));
}

TEST(RuleDatabaseTest, GatesAccountForEveryRule) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("anchored", R"(ghp_[0-9A-Za-z]{36})"));
  set.rules.push_back(MakeRule("anchored-bol", R"(^AKIA[A-Z2-7]{16})"));
  set.rules.push_back(MakeRule("keyword", R"((?i)[a-z]{2,8}\s*=\s*(\S{12,}))", {"key", "pwd"}));
  set.rules.push_back(MakeRule("always", R"([0-9a-f]{40})"));
  rules::Rule path_only = MakeRule("path-only", "");
  path_only.path = R"(\.pem$)";
  set.rules.push_back(path_only);
  // libhs rejects a mid-pattern (?U); the rule must fall back to its literal, not vanish.
  set.rules.push_back(MakeRule("hs-rejects", R"(sk_live_(?U)[0-9a-z]{24,})"));
  auto db = BuildOrDie(set);
  GateStats s = db->gate_stats();
  EXPECT_EQ(s.regex, 3u);
  EXPECT_EQ(s.keyword, 1u);
  EXPECT_EQ(s.always, 1u);
  EXPECT_EQ(s.path_only, 1u);
  EXPECT_EQ(s.hs_fallbacks, 1u);
  EXPECT_EQ(s.regex + s.keyword + s.always + s.path_only, set.rules.size());
  const std::string data = std::string("x sk_live_abcdefghijklmnopqrstuvwxyz0123\nAKIA") + std::string(16, 'Q');
  auto matches = ScanOrDie(*db, data);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].rule_index, 5u);
  EXPECT_EQ(matches[1].rule_index, 1u);
}

TEST(RuleDatabaseTest, BadRegexIsAnErrorNamingTheRule) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("broken-rule", R"(abc(def)"));
  auto db = RuleDatabase::Build(set, NoCache());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(db.status().message().find("broken-rule"), std::string::npos);
  EXPECT_NE(db.status().message().find("<test>"), std::string::npos);
}

TEST(RuleDatabaseTest, SecretGroupBeyondGroupsIsAnError) {
  rules::RuleSet set;
  rules::Rule r = MakeRule("g", R"(abc(def))");
  r.secret_group = 2;
  r.secret_group_set = true;
  set.rules.push_back(r);
  auto db = RuleDatabase::Build(set, NoCache());
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("secretGroup"), std::string::npos);
}

}  // namespace
}  // namespace keyhole::scan
