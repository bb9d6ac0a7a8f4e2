// AnalyzeBlob on hand-made matches: locations, lines, filters, dedup and the cap.
#include "analyze/analyze.h"

#include <gtest/gtest.h>

#include "analyze_test_util.h"

namespace keyhole::analyze {
namespace {

rules::Rule MakeRule(std::string id, std::string category = "provider", double entropy = 0) {
  rules::Rule r;
  r.id = std::move(id);
  r.description = "Test secret";
  r.category = std::move(category);
  r.severity = Severity::kMedium;
  r.entropy = entropy;
  return r;
}

scan::Match At(const std::string& text, const std::string& secret, size_t rule = 0,
               size_t context = 0) {
  size_t b = text.find(secret);
  EXPECT_NE(b, std::string::npos) << secret;
  scan::Match m;
  m.rule_index = rule;
  m.secret_begin = b;
  m.secret_end = b + secret.size();
  m.match_begin = b >= context ? b - context : 0;
  m.match_end = m.secret_end;
  return m;
}

std::vector<findings::Finding> AnalyzeMatches(const std::string& text, const rules::RuleSet& set,
                                   const std::vector<scan::Match>& matches,
                                   const std::string& path = "src/app.py",
                                   AnalyzeOptions options = {}, size_t* dropped = nullptr,
                                   std::optional<std::vector<LineRange>> added = std::nullopt) {
  Blob blob(Origin{path, "0123456789abcdef0123456789abcdef01234567", std::nullopt}, text);
  if (added) blob.set_added_lines(*added);
  std::vector<findings::Finding> out;
  size_t d = AnalyzeBlob(blob, set, matches, options, &out);
  if (dropped) *dropped = d;
  return out;
}

const std::string kSecret = "Zk4q9Lw2Xr7Pt5Vm8Ny3";

TEST(AnalyzeBlob, FillsRuleFieldsLocationLineAndFingerprint) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text = "first line\n  key = \"" + kSecret + "\"\n";
  auto fs = AnalyzeMatches(text, set, {At(text, kSecret)});
  ASSERT_EQ(fs.size(), 1u);
  const auto& f = fs[0];
  EXPECT_EQ(f.rule_id, "test-rule");
  EXPECT_EQ(f.category, "provider");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_EQ(f.message, "Test secret");
  EXPECT_EQ(f.secret, kSecret);
  EXPECT_EQ(f.path, "src/app.py");
  EXPECT_EQ(f.blob_id, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(f.location.start_line, 2u);
  EXPECT_EQ(f.location.start_column, 10u);
  EXPECT_EQ(f.location.end_line, 2u);
  EXPECT_EQ(f.location.end_column, 10u + kSecret.size());
  EXPECT_EQ(f.line, "  key = \"" + kSecret + "\"");
  EXPECT_EQ(f.line.substr(f.line_secret_begin, f.line_secret_end - f.line_secret_begin), kSecret);
  EXPECT_EQ(f.fingerprint, findings::Fingerprint("test-rule", "src/app.py", kSecret));
}

TEST(AnalyzeBlob, InlineAllowOnTheLineOrTheLineBeforeDropsTheFinding) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string same = "key = \"" + kSecret + "\"  # keyhole:allow\n";
  EXPECT_TRUE(AnalyzeMatches(same, set, {At(same, kSecret)}).empty());
  std::string prev = "# keyhole:allow-next-line\nkey = \"" + kSecret + "\"\n";
  EXPECT_TRUE(AnalyzeMatches(prev, set, {At(prev, kSecret)}).empty());
}

TEST(AnalyzeBlob, EntropyBelowTheRuleFloorIsDropped) {
  rules::RuleSet set{{MakeRule("test-rule", "provider", 3.0)}, {}};
  std::string text = "key = \"aaaaaaaaaaaaaaaabbbb\"\n";
  EXPECT_TRUE(AnalyzeMatches(text, set, {At(text, "aaaaaaaaaaaaaaaabbbb")}).empty());
  std::string good = "key = \"" + kSecret + "\"\n";
  EXPECT_EQ(AnalyzeMatches(good, set, {At(good, kSecret)}).size(), 1u);
}

TEST(AnalyzeBlob, PlaceholdersAndReferencesAreDropped) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text = "a = \"your-api-key-here\"\nb = \"${API_KEY}\"\n";
  EXPECT_TRUE(AnalyzeMatches(text, set, {At(text, "your-api-key-here"), At(text, "${API_KEY}")}).empty());
}

TEST(AnalyzeBlob, OnlyFindingsTouchingAddedLinesAreKept) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string other = "Pq8Wm3Zx6Lk1Rt9Vn4Bc";
  std::string text = "a = \"" + kSecret + "\"\nb = \"" + other + "\"\n";
  auto fs = AnalyzeMatches(text, set, {At(text, kSecret), At(text, other)}, "src/app.py", {}, nullptr,
                std::vector<LineRange>{{2, 2}});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, other);
}

TEST(AnalyzeBlob, GenericFindingOverlappingASpecificOneIsDropped) {
  rules::RuleSet set{{MakeRule("specific"), MakeRule("generic-thing", "generic")}, {}};
  std::string text = "token = \"" + kSecret + "\"\n";
  scan::Match generic = At(text, kSecret, 1, 9);
  scan::Match specific = At(text, kSecret.substr(2), 0);
  auto fs = AnalyzeMatches(text, set, {generic, specific});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "specific");
}

TEST(AnalyzeBlob, SameRuleAndSpanIsReportedOnceAndMoreContextWinsATie) {
  rules::RuleSet set{{MakeRule("plain"), MakeRule("with-context")}, {}};
  std::string text = "CAF_TOKEN=" + kSecret + "\n";
  auto fs = AnalyzeMatches(text, set, {At(text, kSecret, 0), At(text, kSecret, 0), At(text, kSecret, 1, 10)});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "with-context");
}

TEST(AnalyzeBlob, CapsFindingsPerBlobAndReturnsTheNumberDropped) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text;
  std::vector<std::string> secrets;
  for (int i = 0; i < 5; ++i) {
    secrets.push_back(kSecret + std::to_string(i));
    text += "k" + std::to_string(i) + " = \"" + secrets.back() + "\"\n";
  }
  std::vector<scan::Match> ms;
  for (const auto& s : secrets) ms.push_back(At(text, s));
  AnalyzeOptions opt;
  opt.max_findings_per_blob = 3;
  size_t dropped = 0;
  auto fs = AnalyzeMatches(text, set, ms, "src/app.py", opt, &dropped);
  EXPECT_EQ(fs.size(), 3u);
  EXPECT_EQ(dropped, 2u);
}

// The cap keeps the most severe findings, whatever their order in the file, and says how
// severe the worst dropped one was.
TEST(AnalyzeBlob, CapKeepsTheMostSevereFindingsAndReportsTheWorstDropped) {
  rules::Rule info = MakeRule("info-rule"), low = MakeRule("low-rule"), critical = MakeRule("critical-rule");
  info.severity = Severity::kInfo;
  low.severity = Severity::kLow;
  critical.severity = Severity::kCritical;
  rules::RuleSet set{{info, low, critical}, {}};
  std::string text;
  std::vector<scan::Match> ms;
  for (int i = 0; i < 6; ++i) text += "i" + std::to_string(i) + " = \"" + kSecret + "i" + std::to_string(i) + "\"\n";
  text += "l = \"" + kSecret + "low\"\n";
  text += "c = \"" + kSecret + "crit\"\n";
  for (int i = 0; i < 6; ++i) ms.push_back(At(text, kSecret + "i" + std::to_string(i), 0));
  ms.push_back(At(text, kSecret + "low", 1));
  ms.push_back(At(text, kSecret + "crit", 2));
  Blob blob(Origin{"src/app.py", "", std::nullopt}, text);
  AnalyzeOptions opt;
  opt.max_findings_per_blob = 3;
  std::vector<findings::Finding> out;
  std::optional<Severity> worst;
  EXPECT_EQ(AnalyzeBlob(blob, set, ms, opt, &out, &worst), 5u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].rule_id, "critical-rule");
  EXPECT_EQ(out[1].rule_id, "low-rule");
  EXPECT_EQ(out[2].rule_id, "info-rule");
  EXPECT_EQ(out[2].secret, kSecret + "i0");  // equal severities keep their order
  EXPECT_EQ(worst, Severity::kInfo);
}

TEST(AnalyzeBlob, HugeLineIsCutToAWindowThatStillHoldsTheSecret) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text = "var a=\"" + std::string(100000, 'x') + "\";var k=\"" + kSecret + "\";" +
                     std::string(100000, 'y') + "\n";
  auto fs = AnalyzeMatches(text, set, {At(text, kSecret)}, "dist/app.min.js");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_LE(fs[0].line.size(), 4096u);
  EXPECT_EQ(fs[0].line.substr(fs[0].line_secret_begin, kSecret.size()), kSecret);
  EXPECT_EQ(fs[0].location.start_column, 100000u + 17u);
}

TEST(AnalyzeBlob, FrontendPathRaisesSeverityAndMessageNeverHoldsTheSecret) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text = "const k = \"" + kSecret + "\";\n";
  auto fs = AnalyzeMatches(text, set, {At(text, kSecret)}, "src/components/Pay.jsx");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].tags, std::vector<std::string>{"frontend"});
  EXPECT_EQ(fs[0].message.find(kSecret), std::string::npos);
}

TEST(AnalyzeBlob, MalformedMatchesAreIgnored) {
  rules::RuleSet set{{MakeRule("test-rule")}, {}};
  std::string text = "short\n";
  scan::Match bad_rule;
  bad_rule.rule_index = 7;
  scan::Match past_end;
  past_end.secret_begin = 2;
  past_end.secret_end = 99;
  past_end.match_end = 99;
  EXPECT_TRUE(AnalyzeMatches(text, set, {bad_rule, past_end}).empty());
}

}  // namespace
}  // namespace keyhole::analyze
