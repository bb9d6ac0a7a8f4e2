// Finding::line_masks: the analysis records, for each finding, the spans of the other
// secrets on its line, including those an allowlist or the per-file cap then drops, so the
// reporters can mask them (issue 13 item 2).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "analyze/analyze.h"
#include "analyze/base64.h"
#include "depth_test_util.h"
#include "findings/filter.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using Masks = std::vector<std::pair<uint32_t, uint32_t>>;

rules::Rule MakeRule(std::string id, std::string category = "provider") {
  rules::Rule r;
  r.id = std::move(id);
  r.description = "Test secret";
  r.category = std::move(category);
  r.severity = Severity::kMedium;
  return r;
}

scan::Match At(const std::string& text, const std::string& secret, size_t rule = 0) {
  size_t b = text.find(secret);
  EXPECT_NE(b, std::string::npos) << secret;
  scan::Match m;
  m.rule_index = rule;
  m.match_begin = m.secret_begin = b;
  m.match_end = m.secret_end = b + secret.size();
  return m;
}

std::vector<findings::Finding> Analyze(const std::string& text, const rules::RuleSet& set,
                                       const std::vector<scan::Match>& matches,
                                       AnalyzeOptions options = {}) {
  Blob blob(Origin{"src/app.py", "", std::nullopt}, text);
  std::vector<findings::Finding> out;
  AnalyzeBlob(blob, set, matches, options, &out);
  return out;
}

// The span of `s` in the finding's line, as a mask.
std::pair<uint32_t, uint32_t> SpanOf(const findings::Finding& f, const std::string& s) {
  size_t at = f.line.find(s);
  EXPECT_NE(at, std::string::npos) << s;
  return {static_cast<uint32_t>(at), static_cast<uint32_t>(at + s.size())};
}

const std::string kA = keyhole::testing::RandomAlnum(601, 24), kB = keyhole::testing::RandomAlnum(602, 24),
                  kC = keyhole::testing::RandomAlnum(603, 24);

TEST(LineMasks, EachFindingMasksTheOtherSecretsOfItsLineOnly) {
  rules::RuleSet set{{MakeRule("r")}, {}};
  std::string text = "a = '" + kA + "'; b = '" + kB + "'\nc = '" + kC + "'\n";
  auto fs = Analyze(text, set, {At(text, kA), At(text, kB), At(text, kC)});
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].line_masks, Masks{SpanOf(fs[0], kB)});
  EXPECT_EQ(fs[1].line_masks, Masks{SpanOf(fs[1], kA)});
  EXPECT_EQ(fs[2].line_masks, Masks{}) << "a line of its own masks nothing else";
}

TEST(LineMasks, KeepAnAllowlistedCandidate) {
  rules::RuleSet set{{MakeRule("r")}, {}};
  rules::Allowlist allow;
  allow.regexes = {"^" + kB + "$"};
  set.allowlists.push_back(allow);
  auto filter = findings::AllowlistFilter::Build(set);
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  AnalyzeOptions options;
  options.allowlist = filter->get();
  std::string text = "a = '" + kA + "'; b = '" + kB + "'\n";
  auto fs = Analyze(text, set, {At(text, kA), At(text, kB)}, options);
  ASSERT_EQ(fs.size(), 1u) << "the allowlist drops one";
  EXPECT_EQ(fs[0].secret, kA);
  EXPECT_EQ(fs[0].line_masks, Masks{SpanOf(fs[0], kB)});
}

TEST(LineMasks, KeepACandidateThePerFileCapDrops) {
  rules::RuleSet set{{MakeRule("r")}, {}};
  AnalyzeOptions options;
  options.max_findings_per_blob = 1;
  std::string text = "a = '" + kA + "'; b = '" + kB + "'\n";
  auto fs = Analyze(text, set, {At(text, kA), At(text, kB)}, options);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line_masks, Masks{SpanOf(fs[0], kB)});
}

// A transport rule's span is a URL, not a secret: nothing to mask elsewhere.
TEST(LineMasks, TransportSpansAreNotMasks) {
  rules::RuleSet set{{MakeRule("r"), MakeRule("t", "transport")}, {}};
  std::string url = "http://api.acme.io";
  std::string text = "curl -H 'X: " + kA + "' " + url + "/v1\n";
  auto fs = Analyze(text, set, {At(text, kA, 0), At(text, url, 1)});
  ASSERT_EQ(fs.size(), 2u);
  const findings::Finding& secret = fs[0].rule_id == "r" ? fs[0] : fs[1];
  const findings::Finding& transport = fs[0].rule_id == "r" ? fs[1] : fs[0];
  EXPECT_EQ(secret.line_masks, Masks{});
  EXPECT_EQ(transport.line_masks, Masks{SpanOf(transport, kA)});
}

// In a minified line cut to a window, the masks are offsets of the window.
TEST(LineMasks, AreOffsetsOfTheLineWindow) {
  rules::RuleSet set{{MakeRule("r")}, {}};
  std::string text = std::string(10000, 'x') + " a='" + kA + "' b='" + kB + "' " + std::string(10000, 'y') + "\n";
  auto fs = Analyze(text, set, {At(text, kA), At(text, kB)});
  ASSERT_EQ(fs.size(), 2u);
  ASSERT_LT(fs[0].line.size(), text.size());
  EXPECT_EQ(fs[0].line_masks, Masks{SpanOf(fs[0], kB)});
  EXPECT_EQ(fs[1].line_masks, Masks{SpanOf(fs[1], kA)});
}

// Two decoded findings of one line: each masks the other's encoded span.
TEST(LineMasks, DecodedSpansMaskEachOther) {
  std::string one = keyhole::testing::FakeGithubToken(604), two = keyhole::testing::FakeGithubToken(605);
  auto b64 = [](const std::string& in) { return keyhole::analyze::Base64Encode(in, /*url=*/false); };
  std::string a = b64("token: " + one), b = b64("token: " + two);
  std::vector<findings::Finding> fs =
      testing::ScanWithDefaults("auth: " + a + " again: " + b + "\n", "deploy/values.yaml");
  ASSERT_EQ(fs.size(), 2u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].line_masks, Masks{SpanOf(fs[0], b)});
  EXPECT_EQ(fs[1].line_masks, Masks{SpanOf(fs[1], a)});
}

}  // namespace
}  // namespace keyhole::analyze
