// The scanner searches gitleaks-style rules (`(?i)[\w.-]{0,50}?(?:keyword)...`) without
// their lazy class prefix and widens each match afterwards (SplitLazyClassPrefix). These
// tests hold it to the whole pattern: on every line, the scanner's matches (bounds and
// secret) are exactly what RE2 finds with the original regex.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>

#include "scan/regex_analysis.h"
#include "scan_test_util.h"

namespace keyhole::scan {
namespace {

using testing::BuildOrDie;
using testing::MakeRule;
using testing::ScanOrDie;

// Matches of `regex` on each line of `data`, the way the scanner reports them.
std::vector<Match> Reference(const std::string& regex, std::string_view data) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  RE2 re(regex, o);
  EXPECT_TRUE(re.ok()) << re.error();
  std::vector<Match> out;
  const int nsub = 1 + re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> g(nsub);
  size_t ls = 0;
  while (ls <= data.size()) {
    size_t le = data.find('\n', ls);
    if (le == std::string_view::npos) le = data.size();
    const re2::StringPiece line(data.data() + ls, le - ls);
    size_t pos = 0;
    while (pos <= line.size() &&
           re.Match(line, pos, line.size(), RE2::UNANCHORED, g.data(), nsub)) {
      const size_t mb = g[0].data() - line.data(), me = mb + g[0].size();
      if (me == mb) {
        pos = mb + 1;
        continue;
      }
      pos = me;
      re2::StringPiece secret = g[0];
      for (int k = 1; k < nsub; ++k) {
        if (!g[k].empty()) {
          secret = g[k];
          break;
        }
      }
      Match m;
      m.rule_index = 0;
      m.match_begin = ls + mb;
      m.match_end = ls + me;
      m.secret_begin = secret.data() - data.data();
      m.secret_end = m.secret_begin + secret.size();
      out.push_back(m);
    }
    ls = le + 1;
  }
  return out;
}

void ExpectSameAsWholePattern(const std::string& regex, const std::string& data) {
  ASSERT_TRUE(internal::SplitLazyClassPrefix(regex).has_value()) << regex;
  rules::RuleSet set;
  set.rules = {MakeRule("r", regex)};
  auto db = BuildOrDie(set, testing::NoCache(/*prefilter=*/false));
  ASSERT_NE(db, nullptr);
  std::vector<Match> got = ScanOrDie(*db, data);
  std::vector<Match> want = Reference(regex, data);
  ASSERT_FALSE(want.empty()) << "the input must exercise the rule";
  EXPECT_EQ(got, want);
}

const char kGeneric[] =
    R"((?i)[\w.-]{0,50}?(?:secret|token|api[_.-]?key)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|:)[\s'"]{0,3}([a-z0-9]{10,40})\b)";

TEST(LazyPrefixTest, SplitsGitleaksGeneratedForm) {
  auto split = internal::SplitLazyClassPrefix(kGeneric);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->class_regex, R"((?i)[\w.-])");
  EXPECT_EQ(split->max, 50);
  EXPECT_EQ(split->search_regex.rfind("(?i)(?:secret|", 0), 0u) << split->search_regex;
}

TEST(LazyPrefixTest, RefusesFormsWhereWideningWouldDiffer) {
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"([\w]{0,5}?a|b)"));      // top-level |
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"([\w]{0,5}?^key)"));     // start anchor
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"([\w]{0,5}key)"));       // greedy
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"([\w]{1,5}?key)"));      // not optional
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"([\w]{0,5}?)"));         // nothing after
  EXPECT_FALSE(internal::SplitLazyClassPrefix(R"((?i:x)[\w]{0,5}?key)")); // not a flag group
  EXPECT_TRUE(internal::SplitLazyClassPrefix(R"([\w]{0,5}?key(?:a|b)[^^])"));
}

TEST(LazyPrefixTest, WidenedMatchesEqualTheWholePatternOnCraftedLines) {
  const std::string data =
      "const apiKey = 'abcdef0123456789'\n"                  // prefix stops at the space
      "my_service.SECRET_TOKEN=abcdef0123456789xyz\n"        // prefix spans dots/underscores
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxtoken: q1w2e3r4t5y6\n"  // > 50
      "token=aaaaaaaaaaaa token=bbbbbbbbbbbb\n"              // second match starts at the first's end
      "secretsecret = 0123456789abcdef\n"                   // keyword inside the prefix run
      "secret: short token=zzzzzzzzzzzz9\n"                 // first keyword fails, second matches
      "token=\n";                                            // no match
  ExpectSameAsWholePattern(kGeneric, data);
}

TEST(LazyPrefixTest, WidenedMatchesEqualTheWholePatternOnRandomLines) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab_.-x SECRETtokenapikey=:'\"0123456789";
  std::string data;
  for (int line = 0; line < 3000; ++line) {
    const size_t n = 10 + rng() % 90;
    for (size_t i = 0; i < n; ++i) data += alphabet[rng() % alphabet.size()];
    if (line % 3 == 0) data += "secret = " + std::string(12 + rng() % 10, 'a' + rng() % 26);
    if (line % 4 == 1) data += "my.token=" + std::string(3 + rng() % 4, 'a' + rng() % 26);
    data += '\n';
  }
  ExpectSameAsWholePattern(kGeneric, data);
  // Without a capture group the secret is the whole (widened) match.
  ExpectSameAsWholePattern(R"([a-z_.]{0,8}?token=[a-z]{4,})", data);
}

}  // namespace
}  // namespace keyhole::scan
