// The prefilter must lose nothing: on a generated corpus, prefilter mode and the reference
// mode (every rule's RE2 over every line) must report exactly the same matches.
#include <gtest/gtest.h>

#include <random>

#include "scan/scan_test_util.h"
#include "support/test_util.h"

namespace keyhole::scan {
namespace {

using testing::BuildOrDie;
using testing::MakeRule;
using testing::NoCache;
using testing::ScanOrDie;

rules::RuleSet MixedRules() {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("github-pat", R"(ghp_[0-9A-Za-z]{36})"));
  set.rules.push_back(MakeRule("aws-key-id", R"(\b((?:AKIA|ASIA)[A-Z2-7]{16})\b)", {"akia", "asia"}));
  set.rules.push_back(MakeRule("slack", R"((?i)xox[bpa]-[0-9]{10,13}-[0-9a-z-]{10,40})"));
  set.rules.push_back(MakeRule(
      "generic-secret",
      R"re((?i)(?:secret|password|api_?key)\s*[:=]\s*["']([A-Za-z0-9+/_-]{16,64})["'])re",
      {"secret", "password", "apikey", "api_key"}));
  set.rules.push_back(MakeRule("sha1-like", R"(\b[0-9a-f]{40}\b)"));
  set.rules.push_back(MakeRule(
      "private-key",
      R"(-----BEGIN[ A-Z]{0,20}PRIVATE KEY-----[\s\S]{32,}?-----END[ A-Z]{0,20}PRIVATE KEY-----)"));
  rules::Rule env = MakeRule("env-token", R"(^TOKEN=([a-z0-9]{10})$)");
  env.path = R"(\.env$)";
  set.rules.push_back(env);
  set.rules.push_back(MakeRule(
      "jwt", R"(\b(ey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*))", {"eyj"}));
  // No literal at all: gated by its keyword.
  set.rules.push_back(MakeRule("hex39-near-key", R"(\b([0-9a-f]{39})\b)", {"key"}));
  return set;
}

class CorpusGenerator {
 public:
  explicit CorpusGenerator(unsigned seed) : rng_(seed) {}

  std::string Generate(size_t lines) {
    std::string out;
    for (size_t i = 0; i < lines; ++i) {
      const unsigned kind = Pick(100);
      if (kind < 2) {
        out += LongLine();
      } else if (kind < 3) {
        out += PemBlock();
      } else {
        out += SourceLine();
      }
      const unsigned eol = Pick(10);
      out += eol < 6 ? "\n" : eol < 9 ? "\r\n" : "\r";
    }
    return out;
  }

 private:
  unsigned Pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
  std::string Chars(std::string_view alphabet, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += alphabet[Pick(static_cast<unsigned>(alphabet.size()))];
    return s;
  }
  std::string Alnum(size_t n) {
    return Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n);
  }

  // Real secrets and near misses (too short, wrong alphabet) for every rule.
  std::string Token() {
    switch (Pick(16)) {
      case 0: return "ghp_" + Alnum(36);
      case 1: return "ghp_" + Alnum(20);
      case 2: return (Pick(2) ? "AKIA" : "ASIA") + Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
      case 3: return "AKIA" + Chars("abc", 16);
      case 4: return (Pick(2) ? "xoxb-" : "XOXP-") + Chars("0123456789", 12) + "-" + Alnum(24);
      case 5: return "secret = \"" + Alnum(20 + Pick(30)) + "\"";
      case 6: return "PASSWORD: '" + Alnum(8) + "'";
      case 7: return "apiKey=\"" + Chars("abcdef0123456789+/_-", 32) + "\"";
      case 8: return Chars("0123456789abcdef", 40);
      case 9: return Chars("0123456789abcdef", 39);
      case 10: return "eyJ" + Alnum(20) + ".eyJ" + Alnum(30) + "." + Alnum(20);
      case 11: return "ey" + Alnum(12) + ".ey" + Alnum(12) + ".";  // no "eyj": gated out
      case 12: return "TOKEN=" + Chars("abc0123456789", 10);
      case 13: return "-----BEGIN PRIVATE KEY----- " + Alnum(40);  // no END: not a block
      default: return Alnum(Pick(30) + 1);
    }
  }

  std::string SourceLine() {
    static const char* kWords[] = {"const", "var", "return", "if", "key", "token", "=", "(",
                                   ")", "{", "}", ";", "\"", "'", ":", "//", "secret", "env"};
    std::string line;
    if (Pick(8) == 0) return "TOKEN=" + Chars("abcdefghij0123456789", 10);
    const unsigned words = Pick(12);
    for (unsigned w = 0; w < words; ++w) {
      line += Pick(4) == 0 ? Token() : kWords[Pick(std::size(kWords))];
      line += Pick(3) ? " " : "";
    }
    return line;
  }

  std::string LongLine() {
    std::string line;
    const size_t target = 20000 + Pick(60000);
    while (line.size() < target) {
      line += "function(a,b){return a+b};";
      if (Pick(20) == 0) line += "x=\"" + Token() + "\";";
    }
    return line;
  }

  std::string PemBlock() {
    std::string block = Pick(2) ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----";
    const unsigned lines = Pick(8) + 1;
    for (unsigned i = 0; i < lines; ++i) block += (Pick(4) ? "\n" : "\r\n") + Alnum(64);
    block += Pick(5) ? "\n-----END PRIVATE KEY-----" : "\n(truncated)";
    return block;
  }

  std::mt19937 rng_;
};

void ExpectModesAgree(unsigned seed, std::string_view path) {
  rules::RuleSet set = MixedRules();
  auto prefiltered = BuildOrDie(set, NoCache(true));
  auto reference = BuildOrDie(set, NoCache(false));
  ASSERT_NE(prefiltered, nullptr);
  ASSERT_NE(reference, nullptr);
  const std::string corpus = CorpusGenerator(seed).Generate(20000);
  auto want = ScanOrDie(*reference, corpus, path);
  auto got = ScanOrDie(*prefiltered, corpus, path);
  // Not vacuous: every rule that may run on this path found something.
  std::vector<size_t> per_rule(set.rules.size());
  for (const Match& m : want) ++per_rule[m.rule_index];
  for (size_t r = 0; r < set.rules.size(); ++r) {
    if (set.rules[r].path.empty() || path.ends_with(".env")) {
      EXPECT_GT(per_rule[r], 0u) << set.rules[r].id;
    }
  }
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    ASSERT_EQ(got[i], want[i]) << "first difference at match " << i << ": "
                               << corpus.substr(want[i].match_begin > 40 ? want[i].match_begin - 40 : 0, 120);
  }
  ASSERT_EQ(got.size(), want.size());
}

TEST(PrefilterEquivalenceTest, SameMatchesOnGeneratedSource) { ExpectModesAgree(1, "src/a.js"); }

TEST(PrefilterEquivalenceTest, SameMatchesOnAnotherSeedAndEnvPath) {
  ExpectModesAgree(2, "deploy/prod.env");
}

TEST(PrefilterEquivalenceTest, GatesMixAllKinds) {
  rules::RuleSet set = MixedRules();
  auto db = BuildOrDie(set);
  GateStats s = db->gate_stats();
  EXPECT_GT(s.regex, 0u);
  EXPECT_GT(s.keyword, 0u);
  EXPECT_GT(s.always, 0u);
  EXPECT_EQ(db->gate(1), Gate::kRegex);    // (?:AKIA|ASIA): one literal per branch
  EXPECT_EQ(db->gate(4), Gate::kAlways);   // no literal, no keyword
  EXPECT_EQ(db->gate(8), Gate::kKeyword);  // no literal, a keyword
}

TEST(PrefilterEquivalenceTest, TwoByteLiteralEntersLibhsWithItsRegex) {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("twilio-like", R"(\b(SK[0-9a-fA-F]{32})\b)", {"sk"}));
  auto db = BuildOrDie(set);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->gate(0), Gate::kRegex);
}

}  // namespace
}  // namespace keyhole::scan
