#include "analyze/wordlike.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace keyhole::analyze {
namespace {

std::string RandomLetters(std::mt19937& rng, size_t n) {
  static const std::string kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[pick(rng)];
  return s;
}

TEST(WordLikeness, IdentifiersAndReferencesAreWordShaped) {
  for (const char* s : {"AutoTokenizer.from_pretrained", "process.env.TOKEN", "getSecretFromVault",
                        "HTTPServerToken", "SessionAuthentication", "withCredentials",
                        "kubernetes.io/service-account-token", "Authorization"}) {
    EXPECT_TRUE(IsWordShaped(s)) << s << " " << WordLikeness(s);
  }
}

TEST(WordLikeness, RandomMixedCaseLettersAreNot) {
  EXPECT_FALSE(IsWordShaped("OHXGaQZ_UVqMmedZMHYLoQWe"));
  EXPECT_FALSE(IsWordShaped("IXdsNbXlwDPyniUMyiNlCKqZKT"));
}

TEST(WordLikeness, IdentifiersWithANumberAreWordShaped) {
  EXPECT_TRUE(IsWordShaped("Base64Encoder"));
  EXPECT_TRUE(IsWordShaped("BslnFormat0Part"));
}

TEST(WordLikeness, PasswordsOfWordsAndDigitsAreNot) {
  EXPECT_FALSE(IsWordShaped("Summer2024x"));
  EXPECT_FALSE(IsWordShaped("Summer24!x"));
}

TEST(WordLikeness, FewRandomAlphanumericStringsScoreAsWords) {
  std::mt19937 rng(777);
  static const std::string kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  int wordlike = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    std::string s;
    for (int k = 0; k < 12 + i % 21; ++k) s += kAlphabet[pick(rng)];
    if (IsWordShaped(s)) ++wordlike;
  }
  EXPECT_LT(wordlike, n / 200) << wordlike << " of " << n;  // under 0.5%
}

TEST(WordLikeness, FewRandomLetterStringsScoreAsWords) {
  std::mt19937 rng(12345);
  int wordlike = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    if (IsWordShaped(RandomLetters(rng, 20 + static_cast<size_t>(i % 21)))) ++wordlike;
  }
  EXPECT_LT(wordlike, n / 50) << wordlike << " of " << n;  // under 2%
}

TEST(WordLikeness, NoLetterPairsScoresOne) {
  EXPECT_EQ(WordLikeness("a-1-b"), 1.0);
}

}  // namespace
}  // namespace keyhole::analyze
