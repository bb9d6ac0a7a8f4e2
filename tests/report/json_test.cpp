#include <gtest/gtest.h>

#include <sstream>

#include "report/json_reporter.h"
#include "report/sample_findings.h"

namespace keyhole::report {
namespace {

using nlohmann::json;

std::string Write(Reporter& r, const std::vector<findings::Finding>& v, const RunInfo& info) {
  std::ostringstream out;
  Status st = r.Write(v, info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

TEST(FindingToJson, SecretOnlyWithShowSecrets) {
  auto s = sample::MakeSample();
  const findings::Finding& f = s->findings[0];
  json hidden = FindingToJson(f, false);
  EXPECT_FALSE(hidden.contains("secret"));
  EXPECT_EQ(hidden["secret_preview"], findings::Redact(f.secret));
  EXPECT_EQ(hidden["secret_hash"], findings::SecretHash(f.secret));
  json shown = FindingToJson(f, true);
  EXPECT_EQ(shown["secret"], f.secret);
  EXPECT_NE(shown["snippet"].get<std::string>().find(f.secret), std::string::npos);
}

TEST(FindingToJson, OptionalMembersOnlyWhenSet) {
  findings::Finding f = sample::MakeFinding("r", "generic", "d", Severity::kLow, "m", "a.txt", 1,
                                            "x=@", "abcdefgh12345678");
  json j = FindingToJson(f, false);
  EXPECT_FALSE(j.contains("facts"));
  EXPECT_FALSE(j.contains("git"));
  EXPECT_FALSE(j.contains("blob_id"));
  EXPECT_TRUE(j["tags"].is_array());
  EXPECT_TRUE(j["related"].is_array());
  EXPECT_EQ(j["location"]["start_column"], 3);
  EXPECT_EQ(j["location"]["end_column"], 19);
}

TEST(FindingToJson, ComputesMissingFingerprint) {
  findings::Finding f = sample::MakeFinding("r", "generic", "d", Severity::kLow, "m", "a.txt", 1,
                                            "x=@", "abcdefgh12345678");
  std::string expected = f.fingerprint;
  f.fingerprint.clear();
  EXPECT_EQ(FindingToJson(f, false)["fingerprint"], expected);
}

TEST(FindingToJson, ScrubsSecretFromMessageAndFacts) {
  findings::Finding f = sample::MakeFinding("r", "generic", "d", Severity::kLow, "", "a.txt", 1,
                                            "x=@", "abcdefgh12345678");
  f.message = "found abcdefgh12345678 here";
  f.facts = {{"raw", "abcdefgh12345678"}, {"nested", {{"v", json::array({"abcdefgh12345678"})}}}};
  std::string dumped = FindingToJson(f, false).dump();
  EXPECT_EQ(dumped.find("abcdefgh12345678"), std::string::npos) << dumped;
}

TEST(JsonReport, HasVersionToolSummary) {
  auto s = sample::MakeSample();
  JsonReporter r;
  json j = json::parse(Write(r, s->findings, s->info));
  EXPECT_EQ(j["version"], "1");
  EXPECT_EQ(j["tool"]["name"], "keyhole");
  EXPECT_EQ(j["tool"]["rules_hash"], "5f2b7c0e9d41a3b8");
  EXPECT_EQ(j["mode"], "directory");
  EXPECT_EQ(j["findings"].size(), s->findings.size());
  const json& sum = j["summary"];
  EXPECT_EQ(sum["files_scanned"], 42);
  EXPECT_EQ(sum["bytes_scanned"], 1234567);
  EXPECT_EQ(sum["skipped_binary"], 3);
  EXPECT_EQ(sum["findings"], 6);
  EXPECT_EQ(sum["by_severity"]["critical"], 2);
  EXPECT_EQ(sum["by_severity"]["low"], 0);
  EXPECT_EQ(sum["errors"][0]["path"], "vendor/blob.dat");
  EXPECT_EQ(sum["notes"][0], "shallow clone: history is incomplete");
  EXPECT_EQ(sum["seconds"], 0.0);
}

TEST(JsonReport, InvalidUtf8IsReplacedNotFatal) {
  findings::Finding f =
      sample::MakeFinding("r", "generic", "d", Severity::kLow, "m\xc3", "bad\xff\xfe.txt", 1,
                          "\xe2\x28\xa1 x=@", "abcdefgh12345678");
  JsonReporter r;
  std::string out = Write(r, {f}, RunInfo{});
  json j = json::parse(out);  // valid UTF-8 JSON
  EXPECT_EQ(j["findings"][0]["path"], "bad\xEF\xBF\xBD\xEF\xBF\xBD.txt");
}

TEST(JsonReport, WithoutStatsSummaryIsZero) {
  JsonReporter r;
  json j = json::parse(Write(r, {}, RunInfo{}));
  EXPECT_EQ(j["findings"].size(), 0u);
  EXPECT_EQ(j["summary"]["files_scanned"], 0);
  EXPECT_TRUE(j["summary"]["errors"].empty());
}

TEST(JsonlReport, OneFindingPerLineAndNothingElse) {
  auto s = sample::MakeSample();
  JsonlReporter r;
  std::istringstream in(Write(r, s->findings, s->info));
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    EXPECT_EQ(j["rule_id"], s->findings[n].rule_id);
    ++n;
  }
  EXPECT_EQ(n, s->findings.size());
}

TEST(JsonlReport, EmptyForNoFindings) {
  JsonlReporter r;
  auto s = sample::MakeSample();
  EXPECT_EQ(Write(r, {}, s->info), "");
}

TEST(MakeReporter, KnowsEveryFormat) {
  for (const char* f : {"text", "json", "jsonl", "sarif"}) EXPECT_NE(MakeReporter(f), nullptr) << f;
  EXPECT_EQ(MakeReporter("xml"), nullptr);
}

TEST(Reporter, FailedStreamIsAnError) {
  auto s = sample::MakeSample();
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    Status st = MakeReporter(format)->Write(s->findings, s->info, out);
    EXPECT_FALSE(st.ok()) << format;
    EXPECT_EQ(st.code(), Status::Code::kIOError) << format;
  }
}

}  // namespace
}  // namespace keyhole::report
