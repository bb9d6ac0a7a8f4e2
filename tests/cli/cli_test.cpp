// End-to-end tests of the keyhole binary: exit codes, formats, configs, redaction.
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

using nlohmann::json;

std::string Base64Url(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
  }
  return out;
}

// A structurally valid JWT with a random (unverifiable) signature, made at test time.
std::string FakeJwt(unsigned seed) {
  std::string header = R"({"alg":"RS256","typ":"JWT"})";
  std::string payload = R"({"sub":"user-)" + RandomAlnum(seed, 8) + R"(","iss":"https://auth.test","exp":4102444800})";
  return Base64Url(header) + "." + Base64Url(payload) + "." + RandomAlnum(seed + 1, 43);
}

json ParseJson(const std::string& s) {
  json j = json::parse(s, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << s;
  return j;
}

std::vector<std::string> RuleIds(const json& report) {
  std::vector<std::string> ids;
  for (const json& f : report["findings"]) ids.push_back(f["rule_id"]);
  return ids;
}

TEST(Cli, NoCommandIsUsageError) {
  CommandResult r = RunKeyhole({});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, UnknownFlagIsUsageError) {
  CommandResult r = RunKeyhole({"scan", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
}

TEST(Cli, HelpShowsExamplesAndExitsZero) {
  CommandResult r = RunKeyhole({"scan", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--staged"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

TEST(Cli, VersionNamesRulesHash) {
  CommandResult r = RunKeyhole({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("keyhole 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rules "), std::string::npos) << r.out;
}

TEST(Cli, CleanDirectoryExitsZero) {
  TempDir d;
  d.Write("src/main.py", "def main():\n    print('hello')\n");
  CommandResult r = RunKeyhole({"scan", d.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Cli, MissingPathExitsTwo) {
  CommandResult r = RunKeyhole({"scan", "/nonexistent/keyhole/path"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
}

TEST(Cli, FindsGithubTokenAndExitsOne) {
  TempDir d;
  std::string token = FakeGithubToken(1);
  d.Write("deploy.sh", "export GH_TOKEN=" + token + "\n");
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = ParseJson(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  const json& f = j["findings"][0];
  EXPECT_EQ(f["path"], "deploy.sh");
  EXPECT_EQ(f["location"]["start_line"], 1);
  EXPECT_EQ(f["location"]["start_column"], 17);
  EXPECT_EQ(f["location"]["end_column"], 17 + 40);
  EXPECT_EQ(r.out.find(token), std::string::npos) << "secret leaked into the report";
}

TEST(Cli, StdinIsScanned) {
  std::string token = FakeGithubToken(2);
  CommandResult r = RunKeyhole({"scan", "-", "--format", "json"}, {}, "token: " + token + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = ParseJson(r.out);
  ASSERT_FALSE(j["findings"].empty());
  EXPECT_EQ(j["findings"][0]["path"], "<stdin>");
}

TEST(Cli, NoFormatLeaksSecretsUnlessAsked) {
  TempDir d;
  std::string gh = FakeGithubToken(3);
  std::string jwt = FakeJwt(3);
  d.Write("app/config.js", "const gh = '" + gh + "';\nconst auth = 'Bearer " + jwt + "';\n");
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    CommandResult r = RunKeyhole({"scan", d.path().string(), "--format", format});
    EXPECT_EQ(r.exit_code, 1) << format << r.err;
    for (const std::string& secret : {gh, jwt}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << format << " leaked a secret";
      EXPECT_EQ(r.err.find(secret), std::string::npos) << format << " leaked a secret on stderr";
      // Not even the signature-free parts of the JWT's middle.
      EXPECT_EQ(r.out.find(secret.substr(secret.size() / 2, 20)), std::string::npos) << format;
    }
  }
  CommandResult shown = RunKeyhole({"scan", d.path().string(), "--format", "json", "--show-secrets"});
  EXPECT_NE(shown.out.find(gh), std::string::npos);
}

TEST(Cli, OutputFileIsPrivate) {
  TempDir d;
  d.Write("a.env", "GITHUB_TOKEN=" + FakeGithubToken(4) + "\n");
  std::string out = (d.path() / "report.json").string();
  CommandResult r = RunKeyhole({"scan", (d.path() / "a.env").string(), "--format", "json", "-o", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  struct stat st;
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_FALSE(ParseJson(ReadFile(out))["findings"].empty());
}

TEST(Cli, FailOnThresholdDecidesExitCode) {
  TempDir d;
  // A Stripe publishable key in browser code is reported at info: below the default
  // --fail-on low, so the scan passes unless asked to fail on info.
  d.Write("web/src/Checkout.jsx", "const stripe = Stripe('pk_live_" + RandomAlnum(20, 24) + "');\n");
  CommandResult def = RunKeyhole({"scan", d.path().string(), "--format", "json"});
  ASSERT_EQ(ParseJson(def.out)["findings"].size(), 1u) << def.out;
  EXPECT_EQ(ParseJson(def.out)["findings"][0]["severity"], "info");
  EXPECT_EQ(def.exit_code, 0);
  EXPECT_EQ(RunKeyhole({"scan", d.path().string(), "--fail-on", "info"}).exit_code, 1);

  d.Write("deploy.sh", "export GH_TOKEN=" + FakeGithubToken(5) + "\n");
  CommandResult high = RunKeyhole({"scan", d.path().string(), "--format", "json"});
  ASSERT_EQ(high.exit_code, 1);
  std::string sev = ParseJson(high.out)["findings"][0]["severity"];
  EXPECT_EQ(RunKeyhole({"scan", d.path().string(), "--fail-on", sev}).exit_code, 1);
  EXPECT_EQ(RunKeyhole({"scan", d.path().string(), "--fail-on", "critical"}).exit_code,
            sev == "critical" ? 1 : 0);
}

TEST(Cli, MalformedConfigNamesFileAndExitsTwo) {
  TempDir d;
  d.Write("a.txt", "nothing\n");
  d.Write(".keyhole.toml", "[[rules]]\nid = \"broken-rule\"\nregex = '''(unclosed'''\n");
  CommandResult r = RunKeyhole({"scan", d.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".keyhole.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("broken-rule"), std::string::npos) << r.err;
}

TEST(Cli, TomlSyntaxErrorExitsTwo) {
  TempDir d;
  std::string cfg = d.Write("bad.toml", "[[rules]\nid = \n").string();
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--config", cfg});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml"), std::string::npos) << r.err;
}

TEST(Cli, CustomRuleFromConfigExtendsDefaults) {
  TempDir d;
  d.Write(".keyhole.toml", R"([extend]
useDefault = true

[[rules]]
id = "acme-internal-token"
description = "ACME internal token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
secretGroup = 1
keywords = ["acme_"]
examples = ['''t = "acme_abcdefghijklmnopqrstuvwx"''']
negative_examples = ['''t = "acme_short"''']
)");
  d.Write("a.py", "T = 'acme_q8w7e6r5t4y3u2i1o9p8a7s6'\nG = '" + FakeGithubToken(6) + "'\n");
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> ids = RuleIds(ParseJson(r.out));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "acme-internal-token"), ids.end());
  EXPECT_EQ(ids.size(), 2u) << r.out;
}

TEST(Cli, GitleaksConfigIsFoundAndAllowlistApplies) {
  TempDir d;
  d.Write(".gitleaks.toml", R"(title = "team config"
[extend]
useDefault = true
[allowlist]
description = "generated fixtures"
paths = ['''^testdata/''']
)");
  d.Write("testdata/token.txt", FakeGithubToken(7) + "\n");
  d.Write("src/token.txt", FakeGithubToken(8) + "\n");
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = ParseJson(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["path"], "src/token.txt");
}

TEST(Cli, InlineAllowSuppresses) {
  TempDir d;
  d.Write("a.js", "const t = '" + FakeGithubToken(9) + "'; // keyhole:allow\n");
  d.Write("b.py", "# gitleaks:allow\nt = '" + FakeGithubToken(10) + "'  # gitleaks:allow\n");
  CommandResult r = RunKeyhole({"scan", d.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Cli, BaselineSuppressesKnownAndSurvivesMoves) {
  TempDir d;
  std::string old_token = FakeGithubToken(11);
  d.Write("src/a.sh", "export T=" + old_token + "\n");
  std::string base = (d.path() / "baseline.json").string();
  CommandResult c = RunKeyhole({"baseline", "create", d.path().string(), "-o", base});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::string baseline_text = ReadFile(base);
  EXPECT_EQ(baseline_text.find(old_token), std::string::npos) << "baseline leaked the secret";
  EXPECT_EQ(baseline_text.find("\"line\""), std::string::npos) << "baseline must not pin lines";
  EXPECT_EQ(baseline_text.find("start_line"), std::string::npos) << "baseline must not pin lines";

  // Moving the secret down the file does not resurrect it.
  d.Write("src/a.sh", "#!/bin/sh\n\n# deploy\nexport T=" + old_token + "\n");
  CommandResult moved = RunKeyhole({"scan", d.path().string(), "--baseline", base});
  EXPECT_EQ(moved.exit_code, 0) << moved.out;

  // A new secret on the same line is not hidden.
  d.Write("src/a.sh", "export T=" + old_token + " U=" + FakeGithubToken(12) + "\n");
  CommandResult added = RunKeyhole({"scan", d.path().string(), "--baseline", base, "--format", "json"});
  EXPECT_EQ(added.exit_code, 1);
  EXPECT_EQ(ParseJson(added.out)["findings"].size(), 1u) << added.out;
}

TEST(Cli, BaselinePruneDropsStaleEntries) {
  TempDir d;
  d.Write("a.sh", "A=" + FakeGithubToken(13) + "\n");
  d.Write("b.sh", "B=" + FakeGithubToken(14) + "\n");
  std::string base = (d.path() / "bl.json").string();
  ASSERT_EQ(RunKeyhole({"baseline", "create", d.path().string(), "-o", base}).exit_code, 0);
  ASSERT_EQ(ParseJson(ReadFile(base))["entries"].size(), 2u);
  std::filesystem::remove(d.path() / "b.sh");
  CommandResult scan = RunKeyhole({"scan", d.path().string(), "--baseline", base});
  EXPECT_EQ(scan.exit_code, 0);
  EXPECT_NE((scan.out + scan.err).find("no longer match"), std::string::npos) << scan.out << scan.err;
  ASSERT_EQ(RunKeyhole({"baseline", "prune", d.path().string(), "--baseline", base}).exit_code, 0);
  EXPECT_EQ(ParseJson(ReadFile(base))["entries"].size(), 1u);
}

TEST(Cli, GitleaksReportWorksAsBaseline) {
  TempDir d;
  std::string token = FakeGithubToken(15);
  d.Write("x/creds.txt", "token=" + token + "\n");
  json report = json::array({{{"RuleID", "github-pat"}, {"File", "x/creds.txt"}, {"Secret", token},
                              {"StartLine", 1}, {"Fingerprint", "x/creds.txt:github-pat:1"}}});
  TempDir elsewhere;  // the report holds the secret: keep it out of the scanned tree
  std::string base = elsewhere.Write("gitleaks-report.json", report.dump()).string();
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--baseline", base});
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Cli, RulesListAndCheckPass) {
  CommandResult list = RunKeyhole({"rules", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("jwt"), std::string::npos);
  CommandResult check = RunKeyhole({"rules", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("all pass"), std::string::npos) << check.out;
}

TEST(Cli, RulesCheckFailsOnABrokenExample) {
  TempDir d;
  std::string cfg = d.Write("k.toml", R"([[rules]]
id = "needs-digits"
description = "digits"
regex = '''\bnd_[0-9]{8}\b'''
keywords = ["nd_"]
examples = ['''nd_abcdefgh''']
negative_examples = ['''nd_1234''']
)").string();
  CommandResult r = RunKeyhole({"rules", "check", "--config", cfg});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("needs-digits"), std::string::npos) << r.out;
}

TEST(Cli, RulesExplainShowsRemediation) {
  CommandResult r = RunKeyhole({"rules", "explain", "jwt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Remediation"), std::string::npos) << r.out;
  EXPECT_EQ(RunKeyhole({"rules", "explain", "no-such-rule"}).exit_code, 2);
}

TEST(Cli, DemoFindsSecretsAndExitsOne) {
  CommandResult r = RunKeyhole({"scan", (SourceDir() / "fixtures/demo").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(ParseJson(r.out)["findings"].size(), 5u) << r.out;
}

TEST(Cli, PrefilterFindsExactlyWhatFullRegexFinds) {
  // The prefilter may only skip work, never findings: compare against running every
  // rule's regex on every line, over the demo, the fixture app and a generated file.
  TempDir d;
  std::string big;
  for (int i = 0; i < 2000; ++i) {
    big += "line " + std::to_string(i) + " value = compute(" + std::to_string(i * 7) + ");\n";
    if (i % 250 == 0) big += "token = '" + FakeGithubToken(100 + i) + "'\n";
    if (i % 333 == 0) big += "aws_key = " + FakeAwsKeyId(i) + "\n";
    if (i % 400 == 0) big += "Authorization: Bearer " + FakeJwt(i) + "\r\n";
  }
  d.Write("gen/big.txt", big);
  for (const std::string& dir : {(SourceDir() / "fixtures").string(), d.path().string()}) {
    CommandResult fast = RunKeyhole({"scan", dir, "--format", "json", "-q"});
    CommandResult slow = RunKeyhole({"scan", dir, "--format", "json", "-q", "--no-prefilter"});
    ASSERT_NE(fast.exit_code, 2) << fast.err;
    json a = ParseJson(fast.out)["findings"], b = ParseJson(slow.out)["findings"];
    EXPECT_GT(a.size(), 0u);
    EXPECT_EQ(a, b) << dir;
  }
}

}  // namespace
}  // namespace keyhole::testing
