// A fixed, hand-built set of findings, rules and stats for the reporter tests and golden
// files. Secrets are deterministic fakes generated at test time (never committed).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/scan_stats.h"
#include "findings/finding.h"
#include "report/reporter.h"
#include "rules/rule.h"
#include "support/test_util.h"

namespace keyhole::report::sample {

struct Sample {
  rules::RuleSet rules;
  std::unique_ptr<ScanStats> stats = std::make_unique<ScanStats>();
  std::vector<findings::Finding> findings;
  RunInfo info;

  // Every raw secret in `findings`, for the leak checks.
  std::vector<std::string> Secrets() const {
    std::vector<std::string> out;
    for (const findings::Finding& f : findings) out.push_back(f.secret);
    return out;
  }
};

inline rules::Rule MakeRule(std::string id, std::string description, std::string category,
                            Severity sev, std::string help) {
  rules::Rule r;
  r.id = std::move(id);
  r.description = std::move(description);
  r.category = std::move(category);
  r.severity = sev;
  r.help = std::move(help);
  return r;
}

// Places `secret` in `line` at the first "@" and fills the finding's span and location.
inline findings::Finding MakeFinding(std::string rule_id, std::string category,
                                     std::string description, Severity sev, std::string message,
                                     std::string path, uint32_t line_no,
                                     const std::string& line_template, std::string secret) {
  findings::Finding f;
  f.rule_id = std::move(rule_id);
  f.category = std::move(category);
  f.description = std::move(description);
  f.severity = sev;
  f.message = std::move(message);
  f.path = std::move(path);
  size_t at = line_template.find('@');
  f.line = line_template.substr(0, at) + secret + line_template.substr(at + 1);
  f.line_secret_begin = static_cast<uint32_t>(at);
  f.line_secret_end = static_cast<uint32_t>(at + secret.size());
  uint32_t col = 1;  // code points before the secret
  for (size_t i = 0; i < at; ++i) {
    if ((static_cast<unsigned char>(line_template[i]) & 0xC0) != 0x80) ++col;
  }
  f.location = {line_no, col, line_no, col + static_cast<uint32_t>(secret.size())};
  f.secret = std::move(secret);
  f.fingerprint = findings::Fingerprint(f.rule_id, f.path, f.secret);
  return f;
}

inline std::unique_ptr<Sample> MakeSample() {
  using testing::FakeAwsKeyId;
  using testing::RandomAlnum;
  auto s = std::make_unique<Sample>();

  s->rules.rules = {
      MakeRule(
          "aws-access-key-id", "AWS access key ID", "provider", Severity::kHigh,
          "An AWS access key ID identifies a key pair. Deactivate the key in IAM and create a new "
          "one.\n\nSee the AWS documentation on rotating access keys."),
      MakeRule(
          "github-pat", "GitHub personal access token", "provider", Severity::kHigh,
          "Revoke the token at https://github.com/settings/tokens and create a new one with the "
          "smallest scopes needed."),
      MakeRule("jwt", "JSON Web Token", "jwt", Severity::kHigh,
               "A JWT is a bearer credential: anyone holding it can call the API as its subject. "
               "Revoke the session or rotate the signing key."),
      MakeRule("jwt-hmac-secret", "JWT HMAC signing secret", "signing-key", Severity::kCritical,
               "Anyone with this secret can mint valid tokens. Rotate it and load it from a secret "
               "manager at run time."),
      MakeRule("stripe-publishable-key", "Stripe publishable key", "frontend", Severity::kInfo,
               "Publishable keys are meant for browsers; make sure it is not a secret key."),
      // Loaded but never matched: must not appear in SARIF tool.driver.rules.
      MakeRule("slack-webhook", "Slack incoming webhook", "provider", Severity::kMedium,
               "Revoke it."),
  };
  s->rules.rules[0].tags = {"aws", "cloud"};

  const std::string hmac = "hs-" + RandomAlnum(11, 29);
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0." + RandomAlnum(12, 43);
  const std::string github = "ghp_" + RandomAlnum(13, 36);
  const std::string aws = FakeAwsKeyId(14);
  const std::string stripe = "pk_live_" + RandomAlnum(15, 24);
  const std::string minified = "sk" + RandomAlnum(16, 30);

  std::vector<findings::Finding>& v = s->findings;
  // A critical finding with facts and a related location (a forgeable token).
  v.push_back(MakeFinding(
      "jwt", "jwt", "JSON Web Token", Severity::kCritical,
      "JWT signed with an HMAC secret found in this repository: anyone can forge tokens",
      "client/src/App.jsx", 12, "  const token = \"@\";", jwt));
  v.back().facts = {{"alg", "HS256"}, {"typ", "JWT"}, {"sub", "user-42"}, {"forgeable", true}};
  v.back().tags = {"frontend"};
  v.back().related.push_back(
      {"server/auth.js", {3, 17, 3, 49}, "the HMAC secret that signs this token"});

  // A path with a space and a non-UTF-8 byte; a line with a tab and a control byte.
  v.push_back(MakeFinding("aws-access-key-id", "provider", "AWS access key ID", Severity::kHigh,
                          "AWS access key ID", "docs/setup notes\xff.md", 7,
                          "\tkey:\x01 @ # example", aws));
  v.back().tags = {"doc-path"};

  // A git finding (history scan).
  v.push_back(MakeFinding("github-pat", "provider", "GitHub personal access token", Severity::kHigh,
                          "GitHub personal access token", "scripts/deploy.sh", 4,
                          "export GITHUB_TOKEN=@", github));
  v.back().blob_id = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
  v.back().git = GitFacts{"9fceb02d0ae598e95dc970b74767f19372d61af8", "Alice Example",
                          "alice@example.com", "2024-03-05T10:20:30Z", "Add deploy script"};

  v.push_back(MakeFinding("jwt-hmac-secret", "signing-key", "JWT HMAC signing secret",
                          Severity::kCritical, "HMAC secret passed to jwt.sign()", "server/auth.js",
                          3, "const SECRET = \"@\"; jwt.sign(payload, SECRET);", hmac));

  // An info finding, from a rule not in the rule set (an analyzer's own id) on a long
  // minified line.
  std::string long_line =
      "!function(){" + std::string(300, 'a') + "var k=\"@\";" + std::string(300, 'b') + "}();";
  v.push_back(MakeFinding("frontend-inline-secret", "frontend", "Secret in a browser bundle",
                          Severity::kMedium, "Secret shipped in a browser bundle",
                          "web/dist/app.min.js", 1, long_line, minified));
  v.push_back(MakeFinding("stripe-publishable-key", "frontend", "Stripe publishable key",
                          Severity::kInfo, "Stripe publishable key (public by design)",
                          "web/src/checkout.ts", 2, "const stripe = Stripe('@');", stripe));
  findings::SortFindings(v);

  s->stats->files_scanned = 42;
  s->stats->bytes_scanned = 1234567;
  s->stats->skipped_binary = 3;
  s->stats->skipped_too_large = 1;
  s->stats->skipped_ignored = 5;
  s->stats->AddError("vendor/blob.dat", "permission denied");
  s->stats->AddNote("shallow clone: history is incomplete");

  s->info.tool_version = "0.1.0";
  s->info.rules_hash = "5f2b7c0e9d41a3b8";
  s->info.mode = "directory";
  s->info.root = "/home/dev/my project";
  s->info.automation_id = "keyhole/";
  s->info.seconds = 0;
  s->info.rules = &s->rules;
  s->info.stats = s->stats.get();
  return s;
}

}  // namespace keyhole::report::sample
