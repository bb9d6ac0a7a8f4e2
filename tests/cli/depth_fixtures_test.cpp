// Detection depth end to end (fixtures/depth): `keyhole scan` finds every expected
// encoded secret, credential file and bearer-over-HTTP request, and nothing else.
// fixtures/depth/expected.json lists each expected finding as (path, line, rule_id).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

using json = nlohmann::json;
using Key = std::tuple<std::string, uint32_t, std::string>;  // path, line, rule id

std::filesystem::path DepthDir() { return SourceDir() / "fixtures/depth"; }

std::string Describe(const std::set<Key>& keys) {
  std::string s;
  for (const auto& [p, l, r] : keys) s += "  " + p + ":" + std::to_string(l) + " " + r + "\n";
  return s;
}

json ScanDepth() {
  CommandResult r = RunKeyhole({"scan", DepthDir().string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

const json* FindingAt(const json& report, const std::string& path, const std::string& rule) {
  for (const json& f : report["findings"]) {
    if (f["path"] == path && f["rule_id"] == rule) return &f;
  }
  return nullptr;
}

TEST(DepthFixtures, ScanReportsExactlyTheExpectedFindings) {
  json want_json = json::parse(ReadFile(DepthDir() / "expected.json"));
  std::set<Key> want, got;
  for (const json& f : want_json["findings"]) {
    want.emplace(f["path"].get<std::string>(), f["line"].get<uint32_t>(),
                 f["rule_id"].get<std::string>());
  }
  json report = ScanDepth();
  for (const json& f : report["findings"]) {
    got.emplace(f["path"].get<std::string>(), f["location"]["start_line"].get<uint32_t>(),
                f["rule_id"].get<std::string>());
  }
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

TEST(DepthFixtures, DecodedFindingsSayHowTheyWereEncoded) {
  json report = ScanDepth();
  const json* key = FindingAt(report, "k8s/tls-secret.yaml", "private-key");
  ASSERT_NE(key, nullptr) << report.dump(2);
  EXPECT_EQ(key->value("facts", json::object()).value("encoding", ""), "base64");
  EXPECT_NE(key->value("tags", json::array()).dump().find("decoded"), std::string::npos);
  const json* pull = FindingAt(report, "k8s/pull-secret.yaml", "docker-config-auth");
  ASSERT_NE(pull, nullptr);
  EXPECT_EQ(pull->value("facts", json::object()).value("username", ""), "robot");
}

TEST(DepthFixtures, BearerOverHttpSaysWhyInItsMessage) {
  json report = ScanDepth();
  const json* f = FindingAt(report, "svc/billing.py", "bearer-over-http");
  ASSERT_NE(f, nullptr) << report.dump(2);
  EXPECT_EQ((*f)["category"], "transport");
  EXPECT_NE((*f)["message"].get<std::string>().find("plain HTTP"), std::string::npos);
}

}  // namespace
}  // namespace keyhole::testing
