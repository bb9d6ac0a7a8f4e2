#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>

#include "scan/database_impl.h"
#include "scan/scan_test_util.h"
#include "support/test_util.h"

namespace keyhole::scan {
namespace {

using keyhole::testing::FakeGithubToken;
using keyhole::testing::RandomAlnum;
using keyhole::testing::TempDir;
using testing::BuildOrDie;
using testing::MakeRule;
using testing::ScanOrDie;

rules::RuleSet CacheRules() {
  rules::RuleSet set;
  set.rules.push_back(MakeRule("github-pat", R"(ghp_[0-9A-Za-z]{36})"));
  set.rules.push_back(MakeRule("generic", R"re((?i)(?:secret|token)\s*=\s*"([A-Za-z0-9]{16,})")re",
                               {"secret", "token"}));
  set.rules.push_back(MakeRule("env", R"(^KEY=([a-z]{8})$)"));
  set.rules.push_back(MakeRule("hs-rejects", R"(sk_live_(?U)[0-9a-z]{24,})"));
  return set;
}

DatabaseOptions CacheIn(const TempDir& dir) {
  DatabaseOptions o;
  o.cache_dir = (dir.path() / "cache").string();
  return o;
}

std::vector<std::filesystem::path> CacheFiles(const TempDir& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "cache", ec)) {
    files.push_back(e.path());
  }
  return files;
}

std::string Corpus() {
  return "a = 1\nsecret = \"" + RandomAlnum(1, 20) + "\"\r\nKEY=abcdefgh\rx " +
         FakeGithubToken(5) + " sk_live_abcdefghijklmnopqrstuvwxyz\n";
}

TEST(DatabaseCacheTest, SecondBuildLoadsFromCacheWithIdenticalMatches) {
  TempDir dir;
  rules::RuleSet set = CacheRules();
  auto first = BuildOrDie(set, CacheIn(dir));
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->loaded_from_cache());
  ASSERT_EQ(CacheFiles(dir).size(), 1u);
  auto second = BuildOrDie(set, CacheIn(dir));
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->loaded_from_cache());
  for (size_t r = 0; r < set.rules.size(); ++r) EXPECT_EQ(second->gate(r), first->gate(r));
  EXPECT_EQ(second->gate_stats().hs_fallbacks, first->gate_stats().hs_fallbacks);
  const std::string data = Corpus();
  auto want = ScanOrDie(*first, data);
  EXPECT_EQ(want.size(), 4u);
  EXPECT_EQ(ScanOrDie(*second, data), want);
}

TEST(DatabaseCacheTest, ChangedRulesMissTheCache) {
  TempDir dir;
  rules::RuleSet set = CacheRules();
  BuildOrDie(set, CacheIn(dir));
  set.rules[0].regex = R"(ghp_[0-9A-Za-z]{30,36})";
  auto changed = BuildOrDie(set, CacheIn(dir));
  EXPECT_FALSE(changed->loaded_from_cache());
  EXPECT_EQ(CacheFiles(dir).size(), 2u);
}

void ExpectCorruptionIsAMiss(const std::function<void(std::string*)>& corrupt) {
  TempDir dir;
  rules::RuleSet set = CacheRules();
  auto first = BuildOrDie(set, CacheIn(dir));
  const std::string data = Corpus();
  auto want = ScanOrDie(*first, data);
  auto files = CacheFiles(dir);
  ASSERT_EQ(files.size(), 1u);
  std::string bytes = keyhole::testing::ReadFile(files[0]);
  corrupt(&bytes);
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << bytes;

  auto rebuilt = RuleDatabase::Build(set, CacheIn(dir));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_FALSE((*rebuilt)->loaded_from_cache());
  EXPECT_EQ(ScanOrDie(**rebuilt, data), want);
  // The miss rewrote a good entry.
  EXPECT_TRUE(BuildOrDie(set, CacheIn(dir))->loaded_from_cache());
}

TEST(DatabaseCacheTest, OnlyTheMostRecentEntriesAreKept) {
  // Each distinct rule set adds an entry; old ones are pruned, the one just built never is.
  TempDir dir;
  std::vector<std::filesystem::path> built;
  for (int i = 0; i < static_cast<int>(internal::kCacheEntriesKept) + 3; ++i) {
    rules::RuleSet set;
    set.rules.push_back(MakeRule("r", "tok" + std::to_string(i) + "_[0-9a-f]{16}"));
    ASSERT_NE(BuildOrDie(set, CacheIn(dir)), nullptr);
    built.push_back(internal::CacheDir(CacheIn(dir)) + "/" + internal::CacheKey(set) + ".hsdb");
    // Distinct modification times even on coarse-grained file systems.
    std::filesystem::last_write_time(built.back(), std::filesystem::file_time_type::clock::now() +
                                                       std::chrono::seconds(i));
  }
  EXPECT_EQ(CacheFiles(dir).size(), internal::kCacheEntriesKept);
  EXPECT_FALSE(std::filesystem::exists(built.front())) << "the oldest entry is pruned";
  EXPECT_TRUE(std::filesystem::exists(built.back())) << "the newest entry is kept";
}

TEST(DatabaseCacheTest, GarbageCacheFileIsAMiss) {
  ExpectCorruptionIsAMiss([](std::string* b) { *b = "not a database at all"; });
}

TEST(DatabaseCacheTest, TruncatedCacheFileIsAMiss) {
  ExpectCorruptionIsAMiss([](std::string* b) { b->resize(b->size() / 2); });
}

TEST(DatabaseCacheTest, FlippedGateByteIsAMiss) {
  // Offset 4 magic + 4 format + 8 meta size + 4 rule count: the first gate byte.
  ExpectCorruptionIsAMiss([](std::string* b) { (*b)[20] ^= 1; });
}

TEST(DatabaseCacheTest, DisabledCacheWritesNothing) {
  TempDir dir;
  rules::RuleSet set = CacheRules();
  DatabaseOptions o = CacheIn(dir);
  o.use_cache = false;
  BuildOrDie(set, o);
  BuildOrDie(set, o);
  EXPECT_TRUE(CacheFiles(dir).empty());
}

TEST(DatabaseCacheTest, DefaultLocationFollowsXdgCacheHome) {
  TempDir dir;
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old != nullptr ? old : "";
  setenv("XDG_CACHE_HOME", dir.path().c_str(), 1);
  rules::RuleSet set = CacheRules();
  BuildOrDie(set, DatabaseOptions{});
  const bool written = std::filesystem::exists(dir.path() / "keyhole") &&
                       !std::filesystem::is_empty(dir.path() / "keyhole");
  if (old != nullptr) {
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  } else {
    unsetenv("XDG_CACHE_HOME");
  }
  EXPECT_TRUE(written);
}

}  // namespace
}  // namespace keyhole::scan
