// Start-up: the keyhole executable carries the default rules' libhs database, compiled at
// build time, so a first run with an empty cache compiles nothing and writes nothing; a
// config that adds a rule needs its own database, which is compiled once and cached.
#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

size_t CacheEntries(const fs::path& xdg) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(xdg, ec)) {
    if (e.path().extension() == ".hsdb") ++n;
  }
  return n;
}

TEST(StartUp, DefaultRulesUseTheEmbeddedDatabaseAndWriteNoCache) {
  TempDir dir, xdg;
  dir.Write("deploy.sh", "export GH_TOKEN=" + FakeGithubToken(71) + "\n");
  CommandResult r = RunKeyhole({"scan", dir.path().string(), "--format", "jsonl"}, {}, {},
                               {"XDG_CACHE_HOME=" + xdg.path().string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("github-pat"), std::string::npos) << r.out;
  EXPECT_EQ(CacheEntries(xdg.path()), 0u) << "the embedded database needs no cache entry";
}

TEST(StartUp, ACustomRuleIsCompiledOnceAndCached) {
  TempDir dir, xdg;
  dir.Write("app.cfg", "widget_key = WGT-9f3a7c21e4b80d56\n");
  dir.Write(".keyhole.toml",
            "[[rules]]\nid = \"widget-key\"\ndescription = \"Widget key\"\n"
            "regex = '''WGT-[0-9a-f]{16}'''\nkeywords = [\"wgt-\"]\n");
  const std::vector<std::string> env = {"XDG_CACHE_HOME=" + xdg.path().string()};
  CommandResult first = RunKeyhole({"scan", dir.path().string(), "--format", "jsonl"}, {}, {}, env);
  ASSERT_EQ(first.exit_code, 1) << first.err;
  EXPECT_NE(first.out.find("widget-key"), std::string::npos) << first.out;
  EXPECT_EQ(CacheEntries(xdg.path()), 1u);
  CommandResult second = RunKeyhole({"scan", dir.path().string(), "--format", "jsonl"}, {}, {}, env);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(CacheEntries(xdg.path()), 1u);
}

}  // namespace
}  // namespace keyhole::testing
