// The fixture app (fixtures/app): every planted fake secret is found, no look-alike is.
// fixtures/app/expected.json lists each expected finding as (path, line, rule_id).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "analyze_test_util.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

namespace fs = std::filesystem;
using Key = std::tuple<std::string, uint32_t, std::string>;  // path, line, rule id

fs::path AppDir() { return keyhole::testing::SourceDir() / "fixtures/app"; }
fs::path DemoDir() { return keyhole::testing::SourceDir() / "fixtures/demo"; }

std::set<Key> Expected(const fs::path& dir = AppDir()) {
  nlohmann::json j = nlohmann::json::parse(keyhole::testing::ReadFile(dir / "expected.json"));
  std::set<Key> out;
  for (const auto& f : j["findings"]) {
    out.emplace(f["path"].get<std::string>(), f["line"].get<uint32_t>(),
                f["rule_id"].get<std::string>());
  }
  return out;
}

std::string Describe(const std::set<Key>& keys) {
  std::string s;
  for (const auto& [p, l, r] : keys) s += "  " + p + ":" + std::to_string(l) + " " + r + "\n";
  return s;
}

void ExpectSameFindings(const std::set<Key>& got, const std::set<Key>& want) {
  std::set<Key> missed, extra;
  for (const Key& k : want) {
    if (!got.count(k)) missed.insert(k);
  }
  for (const Key& k : got) {
    if (!want.count(k)) extra.insert(k);
  }
  EXPECT_TRUE(missed.empty()) << "missed:\n" << Describe(missed);
  EXPECT_TRUE(extra.empty()) << "false alarms:\n" << Describe(extra);
}

// The app scanned with the reference scanner and analyzed with AnalyzeBlob + CrossAnalyze.
std::vector<findings::Finding> AnalyzeApp(const fs::path& dir = AppDir()) {
  std::vector<findings::Finding> all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), dir).generic_string();
    if (rel == "expected.json") continue;
    auto found = testing::AnalyzeText(keyhole::testing::ReadFile(e.path()), rel);
    all.insert(all.end(), found.begin(), found.end());
  }
  CrossAnalyze(all);
  return all;
}

const findings::Finding* FindAt(const std::vector<findings::Finding>& all, const std::string& path,
                                const std::string& rule) {
  for (const auto& f : all) {
    if (f.path == path && f.rule_id == rule) return &f;
  }
  return nullptr;
}

TEST(FixtureApp, AnalyzerFindsExactlyTheExpectedFindings) {
  std::set<Key> got;
  for (const auto& f : AnalyzeApp()) got.emplace(f.path, f.location.start_line, f.rule_id);
  ExpectSameFindings(got, Expected());
}

TEST(FixtureApp, FindingsCarryTheirContextAndSeverity) {
  auto all = AnalyzeApp();
  const auto* smoke = FindAt(all, "server-node/scripts/smoke.sh", "jwt");
  ASSERT_NE(smoke, nullptr);
  EXPECT_EQ(smoke->facts["forgeable"], true);
  EXPECT_EQ(smoke->severity, Severity::kCritical);
  ASSERT_EQ(smoke->related.size(), 1u);
  EXPECT_EQ(smoke->related[0].path, "server-node/config.js");

  const auto* anon = FindAt(all, "web/.env.local", "jwt");
  ASSERT_NE(anon, nullptr);
  EXPECT_EQ(anon->severity, Severity::kInfo);

  const auto* signing = FindAt(all, "web/src/components/LoginForm.jsx", "client-side-jwt-signing");
  ASSERT_NE(signing, nullptr);
  EXPECT_EQ(signing->severity, Severity::kCritical);
  EXPECT_EQ(signing->tags, std::vector<std::string>{"frontend"});

  const auto* swift = FindAt(all, "ios/AcmePay/AuthService.swift", "signing-secret-assignment");
  ASSERT_NE(swift, nullptr);
  EXPECT_EQ(swift->tags, std::vector<std::string>{"mobile"});
  EXPECT_EQ(swift->severity, Severity::kCritical);

  const auto* test_token = FindAt(all, "server-python/tests/test_auth.py", "jwt");
  ASSERT_NE(test_token, nullptr);
  EXPECT_EQ(test_token->tags, std::vector<std::string>{"test-path"});
  // Signed with "secret", which server-python/auth.py passes to jwt.encode: forgeable.
  EXPECT_EQ(test_token->facts["forgeable"], true);
  ASSERT_EQ(test_token->related.size(), 1u);
  EXPECT_EQ(test_token->related[0].path, "server-python/auth.py");

  const auto* public_env = FindAt(all, "web/.env.local", "signing-secret-config");
  ASSERT_NE(public_env, nullptr);
  EXPECT_EQ(public_env->tags, std::vector<std::string>{"frontend"});
  EXPECT_EQ(public_env->severity, Severity::kCritical);

  const auto* literal = FindAt(all, "server-python/auth.py", "jwt-library-literal-secret");
  ASSERT_NE(literal, nullptr);
  EXPECT_EQ(literal->facts["weak"], true);
}

// The README demo (fixtures/demo): a small shop with six kinds of planted leak.
TEST(FixtureDemo, AnalyzerFindsExactlyTheExpectedFindings) {
  auto all = AnalyzeApp(DemoDir());
  std::set<Key> got;
  for (const auto& f : all) got.emplace(f.path, f.location.start_line, f.rule_id);
  ExpectSameFindings(got, Expected(DemoDir()));
  const auto* readme = FindAt(all, "README.md", "jwt");
  ASSERT_NE(readme, nullptr);
  EXPECT_EQ(readme->facts["forgeable"], true);
  EXPECT_EQ(readme->tags, std::vector<std::string>{"doc-path"});
}

// End to end through the CLI. Needs the integrated binary (scanner + pipeline + reporter).
TEST(FixtureApp, CliScanReportsExactlyTheExpectedFindings) {
  keyhole::testing::CommandResult r =
      keyhole::testing::RunKeyhole({"scan", AppDir().string(), "--format", "json"});
  // The skeleton's placeholder binary says so; any integrated binary runs the real check.
  if (r.err.find("not built yet") != std::string::npos) GTEST_SKIP() << "CLI not integrated yet";
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "exit " << r.exit_code << "\n" << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::set<Key> got;
  for (const auto& f : j["findings"]) {
    got.emplace(f["path"].get<std::string>(), f["location"]["start_line"].get<uint32_t>(),
                f["rule_id"].get<std::string>());
  }
  ExpectSameFindings(got, Expected());
}

}  // namespace
}  // namespace keyhole::analyze
