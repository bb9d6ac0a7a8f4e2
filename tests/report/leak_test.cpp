// No report format prints a raw secret unless asked to (and SARIF never does).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "report/reporter.h"
#include "report/sample_findings.h"
#include "support/test_util.h"

namespace keyhole::report {
namespace {

std::string Render(const char* format, const sample::Sample& s, const RunInfo& info) {
  std::ostringstream out;
  Status st = MakeReporter(format)->Write(s.findings, info, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

// Also places a second copy of each secret on its line, in its message and in its facts,
// where a careless analyzer might put one.
std::unique_ptr<sample::Sample> LeakySample() {
  auto s = sample::MakeSample();
  for (findings::Finding& f : s->findings) {
    f.line += " // again: " + f.secret;
    f.message += " (" + f.secret + ")";
    f.facts["echo"] = f.secret;
    if (!f.related.empty()) f.related[0].message += " " + f.secret;
  }
  return s;
}

TEST(NoSecretLeak, NoFormatPrintsARawSecret) {
  auto s = LeakySample();
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    for (bool color : {false, true}) {
      for (bool verbose : {false, true}) {
        RunInfo info = s->info;
        info.color = color;
        info.verbose = verbose;
        std::string out = Render(format, *s, info);
        for (const std::string& secret : s->Secrets()) {
          EXPECT_EQ(out.find(secret), std::string::npos)
              << format << (color ? " color" : "") << (verbose ? " verbose" : "")
              << " leaks a secret";
        }
      }
    }
  }
}

// The check above can fail: with show_secrets the same outputs do contain the secrets.
TEST(NoSecretLeak, ShowSecretsPrintsThem) {
  auto s = sample::MakeSample();
  RunInfo info = s->info;
  info.show_secrets = true;
  for (const char* format : {"text", "json", "jsonl"}) {
    std::string out = Render(format, *s, info);
    for (const std::string& secret : s->Secrets()) {
      EXPECT_NE(out.find(secret), std::string::npos)
          << format << " hides a secret despite show_secrets";
    }
  }
}

TEST(NoSecretLeak, SarifNeverContainsSecretsEvenWithShowSecrets) {
  auto s = LeakySample();
  RunInfo info = s->info;
  info.show_secrets = true;
  std::string out = Render("sarif", *s, info);
  for (const std::string& secret : s->Secrets()) EXPECT_EQ(out.find(secret), std::string::npos);
}

// --- every secret of the line, not only the finding's own (issue 13 items 2 and 13)

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    for (int s = 18; s >= 6; s -= 6) out += k[(v >> s) & 63];
    out += "=";
  }
  return out;
}

std::string PercentEncode(const std::string& in) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// Findings over lines that hold more than their own secret, each built as the analysis
// would, and the values that must not appear in any report.
struct Crowded {
  rules::RuleSet rules;
  std::vector<findings::Finding> findings;
  std::vector<std::string> values;
  RunInfo info;

  // A finding on `line` whose span is the first occurrence of `span` there.
  findings::Finding& Add(std::string rule_id, std::string category, const std::string& line,
                         const std::string& span, std::string secret = {}) {
    size_t at = line.find(span);
    EXPECT_NE(at, std::string::npos) << span;
    findings::Finding f;
    f.rule_id = rule_id;
    f.category = category;
    f.description = f.message = "Test " + rule_id;
    f.severity = Severity::kHigh;
    f.path = "src/app.js";
    f.location = {static_cast<uint32_t>(findings.size() + 1), static_cast<uint32_t>(at + 1),
                  static_cast<uint32_t>(findings.size() + 1), static_cast<uint32_t>(at + 1 + span.size())};
    f.line = line;
    f.line_secret_begin = static_cast<uint32_t>(at);
    f.line_secret_end = static_cast<uint32_t>(at + span.size());
    f.secret = secret.empty() ? span : secret;
    f.fingerprint = findings::Fingerprint(f.rule_id, f.path, f.secret);
    if (std::none_of(rules.rules.begin(), rules.rules.end(),
                     [&](const rules::Rule& r) { return r.id == rule_id; })) {
      rules.rules.push_back(sample::MakeRule(rule_id, "Test " + rule_id, category, Severity::kHigh,
                                             "Rotate it."));
    }
    findings.push_back(std::move(f));
    return findings.back();
  }
  // Masks the span of `other` (a secret elsewhere on the line) in the last finding.
  void AlsoOnLine(const std::string& other) {
    findings::Finding& f = findings.back();
    size_t at = f.line.find(other);
    ASSERT_NE(at, std::string::npos);
    f.line_masks.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(at + other.size()));
  }

  Crowded() {
    info.tool_version = "0.1.0";
    info.mode = "history";
    info.rules = &rules;
  }

  // Every value (and a 16-byte slice of the middle of long ones) found in `out`.
  std::vector<std::string> Leaks(const std::string& out) const {
    std::vector<std::string> leaks;
    for (const std::string& v : values) {
      std::vector<std::string> fragments = {v};
      if (v.size() >= 24) fragments.push_back(v.substr(v.size() / 2 - 8, 16));
      for (const std::string& frag : fragments) {
        if (out.find(frag) != std::string::npos) {
          leaks.push_back(v.substr(0, 6) + "…");
          break;
        }
      }
    }
    return leaks;
  }

  std::string Render(const char* format) const {
    std::ostringstream out;
    Status st = MakeReporter(format)->Write(findings, info, out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out.str();
  }

  void ExpectNoLeakInAnyFormat() const {
    for (const char* format : {"text", "json", "jsonl", "sarif"}) {
      std::string out = Render(format);
      EXPECT_EQ(Leaks(out), std::vector<std::string>{}) << format << ":\n" << out;
    }
  }
};

TEST(NoSecretLeak, TwoSecretsOnOneLineHideEachOther) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(501), aws = testing::FakeAwsKeyId(502);
  std::string line = "GH=" + gh + " AWS=" + aws;
  c.Add("github-pat", "provider", line, gh);
  c.AlsoOnLine(aws);
  c.Add("aws-access-key-id", "provider", line, aws);
  c.AlsoOnLine(gh);
  c.values = {gh, aws};
  c.ExpectNoLeakInAnyFormat();
  // The other secret shows as its preview, like the finding's own.
  std::string text = c.Render("text");
  EXPECT_NE(text.find("GH=ghp_…(40) AWS=AKIA…(20)"), std::string::npos) << text;
}

// A candidate the analysis recorded but nothing else would recognise (a short word-like
// password, allowlisted or capped) is masked through line_masks alone.
TEST(NoSecretLeak, LineMasksHideWhatNoHeuristicWould) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(503);
  std::string word = "tangerine" + testing::RandomAlnum(504, 1);
  std::string line = "x(" + gh + ", " + word + ")";
  c.Add("github-pat", "provider", line, gh);
  c.AlsoOnLine(word);
  c.values = {gh, word};
  c.ExpectNoLeakInAnyFormat();
}

TEST(NoSecretLeak, TransportFindingsHideTheTokenTheirUrlCarries) {
  Crowded c;
  std::string bearer = testing::RandomAlnum(505, 40), query = testing::RandomAlnum(506, 32);
  std::string basic = Base64("admin:" + testing::RandomAlnum(507, 6));
  c.Add("bearer-over-http", "transport",
        "fetch(\"http://orders.acme.internal/api\", { headers: { Authorization: \"Bearer " + bearer + "\" } });",
        "http://orders.acme.internal");
  c.Add("bearer-over-http", "transport",
        "curl -H \"Authorization: Bearer " + bearer + "\" http://staging.acme.io/v1/orders",
        "http://staging.acme.io");
  c.Add("bearer-over-http", "transport",
        "curl -H 'Authorization: Basic " + basic + "' -H 'Authorization: Bearer x' http://staging.acme.io/v1",
        "http://staging.acme.io");
  c.Add("token-over-http", "transport",
        "const u = \"http://reports.acme.io/export?format=csv&access_token=" + query + "\";",
        "http://reports.acme.io");
  c.values = {bearer, query, basic};
  c.ExpectNoLeakInAnyFormat();
}

TEST(NoSecretLeak, ClientSideSigningHidesTheLiteralOfItsCall) {
  Crowded c;
  std::string strong = testing::RandomAlnum(508, 12) + "-" + testing::RandomAlnum(509, 12);
  std::string weak = "k3y!" + testing::RandomAlnum(510, 4);
  c.Add("client-side-jwt-signing", "frontend",
        "export const t = jwt.sign({ sub: id }, \"" + strong + "\");", "jwt.sign");
  c.Add("client-side-jwt-signing", "frontend",
        "const t = await new SignJWT({ sub: id }).sign(new TextEncoder().encode('" + weak + "'));",
        "new SignJWT");
  c.findings.back().facts["client_signing"] = true;
  c.values = {strong, weak};
  c.ExpectNoLeakInAnyFormat();
}

TEST(NoSecretLeak, DecodedFindingHidesOtherCopiesAndEncodings) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(511), gh2 = testing::FakeGithubToken(512);
  // The decoded finding's span is the base64; its secret is the decoded token.
  std::string b64 = Base64("token: " + gh);
  c.Add("github-pat", "provider", "auth: " + b64 + " again: " + b64, b64, gh).tags = {"decoded"};
  // A plain token, with its base64 (whole, and inside longer blobs at either offset) and
  // its percent-encoding on the line.
  std::string special = "p@ss/" + testing::RandomAlnum(513, 14) + ":+";
  c.Add("github-pat", "provider",
        "plain: " + gh2 + " enc: " + Base64(gh2) + " a: " + Base64("x" + gh2 + "y") + " b: " +
            Base64("xy" + gh2) + " u: " + PercentEncode(gh2 + "?"),
        gh2);
  c.Add("generic-password", "generic", "pw=" + special + " url=https://h/?q=" + PercentEncode(special), special);
  c.values = {gh, b64, gh2, Base64(gh2), special, PercentEncode(special)};
  for (const std::string& blob : {Base64("x" + gh2 + "y"), Base64("xy" + gh2)}) {
    c.values.push_back(blob.substr(8, 40));  // the part that encodes the token alone
  }
  c.ExpectNoLeakInAnyFormat();
}

TEST(NoSecretLeak, OneLineJsonPemNextToAFindingIsHidden) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(514);
  std::vector<std::string> body;
  std::string pem = "-----BEGIN PRIVATE KEY-----\\n";
  for (unsigned i = 0; i < 4; ++i) {
    body.push_back(Base64(testing::RandomAlnum(515 + i, 48)));
    pem += body.back() + "\\n";
  }
  pem += "-----END PRIVATE KEY-----\\n";
  std::string line = "{\"client_email\": \"ci@acme.iam.gserviceaccount.com\", \"token\": \"" + gh +
                     "\", \"key\": \"" + pem + "\"}";
  c.Add("github-pat", "provider", line, gh);
  c.values = body;
  c.values.push_back(gh);
  c.ExpectNoLeakInAnyFormat();
  // The snippet still shows where the key is.
  std::string text = c.Render("text");
  EXPECT_NE(text.find("-----BEGIN PRIVATE KEY-----"), std::string::npos) << text;
}

TEST(NoSecretLeak, CommitSummariesAreMasked) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(520), other = testing::FakeGithubToken(521);
  std::string aws = testing::FakeAwsKeyId(522);
  c.Add("github-pat", "provider", "export T=" + gh, gh).git =
      GitFacts{"9fceb02d0ae598e95dc970b74767f19372d61af8", "Alice", "alice@example.com",
               "2024-03-05T10:20:30Z", "add token " + other + " (was " + gh + "), aws " + aws};
  c.values = {gh, other, aws};
  for (bool verbose : {false, true}) {
    c.info.verbose = verbose;
    c.ExpectNoLeakInAnyFormat();
  }
  std::string text = c.Render("text");
  EXPECT_NE(text.find(": add token ghp_…(40) (was ghp_…(40)), aws AKIA…(20)"), std::string::npos) << text;
}

// The control for the tests above: with --show-secrets the same reports show every value.
TEST(NoSecretLeak, ShowSecretsShowsTheOtherSecretsToo) {
  Crowded c;
  std::string gh = testing::FakeGithubToken(523), aws = testing::FakeAwsKeyId(524);
  std::string bearer = testing::RandomAlnum(525, 40), other = testing::FakeGithubToken(526);
  c.Add("github-pat", "provider", "GH=" + gh + " AWS=" + aws, gh).git =
      GitFacts{"9fceb02d0ae598e95dc970b74767f19372d61af8", "Alice", "a@example.com", "2024-03-05T10:20:30Z",
               "add " + other};
  c.AlsoOnLine(aws);
  c.Add("bearer-over-http", "transport", "curl -H \"Authorization: Bearer " + bearer + "\" http://api.acme.io/v1",
        "http://api.acme.io");
  c.values = {gh, aws, bearer, other};
  c.info.show_secrets = true;
  for (const char* format : {"text", "json", "jsonl"}) {
    EXPECT_EQ(c.Leaks(c.Render(format)).size(), c.values.size()) << format;
  }
}

}  // namespace
}  // namespace keyhole::report
