// keyhole never prints what it finds: several kinds of secret are planted, every output
// of the binary (each format, verbose or not, stdout and stderr, report files, the
// baseline file, directory and history scans) is searched for each of them, in full and
// for a slice of its middle. With --show-secrets the JSON report does contain them,
// which proves the search can fail.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyze/base64.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Base64Url(const std::string& in) { return analyze::Base64Encode(in, /*url=*/true); }

std::string FakeJwt(unsigned seed) {
  std::string header = R"({"alg":"RS256","typ":"JWT"})";
  std::string payload = R"({"sub":"user-)" + RandomAlnum(seed, 8) + R"(","iss":"https://auth.test","exp":4102444800})";
  return Base64Url(header) + "." + Base64Url(payload) + "." + RandomAlnum(seed + 1, 86);
}

struct Planted {
  std::string name;
  std::string secret;                  // the value keyhole reports as the secret
  std::vector<std::string> fragments;  // what must never appear (the secret and slices of it)
};

// A repository (committed, so that --history sees it too) with one secret of each kind.
struct LeakyRepo {
  TempDir repo;
  std::vector<Planted> planted;

  void Add(std::string name, std::string secret, std::vector<std::string> extra = {}) {
    Planted p{std::move(name), secret, {secret}};
    if (secret.size() >= 24) p.fragments.push_back(secret.substr(secret.size() / 2 - 8, 16));
    for (std::string& e : extra) p.fragments.push_back(std::move(e));
    planted.push_back(std::move(p));
  }

  LeakyRepo() {
    std::string gh = FakeGithubToken(401);
    std::string aws_id = FakeAwsKeyId(402);
    std::string aws_secret = FakeAwsSecret(403);
    std::string jwt = FakeJwt(404);
    std::string password = RandomAlnum(405, 12) + "-" + RandomAlnum(406, 12);
    CommandResult key = Run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    EXPECT_EQ(key.exit_code, 0) << key.err;
    std::string pem = key.out;
    std::vector<std::string> pem_lines;  // each base64 line of the key body
    for (size_t pos = 0; pos < pem.size();) {
      size_t nl = pem.find('\n', pos);
      std::string line = pem.substr(pos, nl - pos);
      if (line.find("-----") == std::string::npos && line.size() > 16) pem_lines.push_back(line);
      pos = nl == std::string::npos ? pem.size() : nl + 1;
    }
    repo.Write("deploy.sh", "export GH_TOKEN=" + gh + "\n");
    repo.Write("config/aws.ini", "[default]\naws_access_key_id = " + aws_id + "\naws_secret_access_key = " + aws_secret + "\n");
    repo.Write("web/src/auth.js", "const session = \"" + jwt + "\";\n");
    repo.Write("keys/server.pem", pem);
    repo.Write("settings.py", "DATABASE_PASSWORD = \"" + password + "\"\n");
    Add("github", gh);
    Add("aws-id", aws_id);
    Add("aws-secret", aws_secret);
    Add("jwt", jwt, {jwt.substr(jwt.rfind('.') + 1)});
    Add("pem", pem.substr(0, pem.size() - 1), pem_lines);
    Add("password", password);
    Git(repo.path(), {"init", "-q"});
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "secrets"});
  }

  // Every fragment of every planted secret that occurs in `text`.
  std::vector<std::string> Leaks(const std::string& text) const {
    std::vector<std::string> leaks;
    for (const Planted& p : planted) {
      for (const std::string& f : p.fragments) {
        if (text.find(f) != std::string::npos) leaks.push_back(p.name + ": " + f.substr(0, 6) + "…");
      }
    }
    return leaks;
  }
};

using Leaks = std::vector<std::string>;

TEST(NoLeak, NoOutputOfAnyFormatOrModeContainsASecret) {
  LeakyRepo r;
  TempDir out_dir;
  int runs = 0;
  for (const char* mode : {"dir", "history"}) {
    for (const char* format : {"text", "json", "jsonl", "sarif"}) {
      for (bool verbose : {false, true}) {
        for (bool to_file : {false, true}) {
          std::vector<std::string> args = {"scan", r.repo.path().string(), "--format", format, "--color", "always"};
          if (std::string(mode) == "history") args.push_back("--history");
          if (verbose) args.push_back("--verbose");
          fs::path file = out_dir.path() / (std::string(mode) + "." + format + (verbose ? ".v" : ""));
          if (to_file) args.insert(args.end(), {"-o", file.string()});
          CommandResult res = RunKeyhole(args);
          std::string what = ::testing::PrintToString(args);
          EXPECT_EQ(res.exit_code, 1) << what << res.err;
          EXPECT_EQ(r.Leaks(res.out), Leaks{}) << what << " stdout";
          EXPECT_EQ(r.Leaks(res.err), Leaks{}) << what << " stderr";
          if (to_file) {
            EXPECT_EQ(r.Leaks(ReadFile(file)), Leaks{}) << what << " report file";
            struct stat st;
            ASSERT_EQ(stat(file.c_str(), &st), 0);
            EXPECT_EQ(st.st_mode & 0777, 0600) << what;
          }
          ++runs;
        }
      }
    }
  }
  EXPECT_EQ(runs, 32);
}

TEST(NoLeak, BaselineFileContainsNoSecretAndIsPrivate) {
  LeakyRepo r;
  TempDir out_dir;
  fs::path baseline = out_dir.path() / "baseline.json";
  CommandResult res = RunKeyhole({"baseline", "create", r.repo.path().string(), "-o", baseline.string()});
  EXPECT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(r.Leaks(res.out + res.err), Leaks{});
  std::string content = ReadFile(baseline);
  EXPECT_NE(content.find("fingerprint"), std::string::npos) << content;
  EXPECT_EQ(r.Leaks(content), Leaks{});
  struct stat st;
  ASSERT_EQ(stat(baseline.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

// Errors and notes go to stderr; a broken baseline file and an unreadable report path
// must not echo anything either.
TEST(NoLeak, ErrorPathsContainNoSecret) {
  LeakyRepo r;
  TempDir out_dir;
  fs::path bad_baseline = out_dir.path() / "bad.json";
  std::ofstream(bad_baseline) << "{ not json";
  CommandResult res = RunKeyhole({"scan", r.repo.path().string(), "--baseline", bad_baseline.string(), "--verbose"});
  EXPECT_EQ(res.exit_code, 2);
  EXPECT_EQ(r.Leaks(res.out + res.err), Leaks{});
  CommandResult unwritable = RunKeyhole({"scan", r.repo.path().string(), "-o", "/nonexistent/dir/report.txt"});
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_EQ(r.Leaks(unwritable.out + unwritable.err), Leaks{});
}

// The control: every planted secret is found, and --show-secrets prints each in full.
TEST(NoLeak, ShowSecretsPrintsEveryPlantedSecret) {
  LeakyRepo r;
  CommandResult res = RunKeyhole({"scan", r.repo.path().string(), "--format", "json", "--show-secrets"});
  EXPECT_EQ(res.exit_code, 1) << res.err;
  // (The PEM block's newlines are JSON-escaped, so for it the body lines are what match.)
  std::string leaked = ::testing::PrintToString(r.Leaks(res.out));
  for (const Planted& p : r.planted) {
    EXPECT_NE(leaked.find(p.name + ": "), std::string::npos) << p.name << " not found (or not shown)";
  }
}

// --- the other secrets of a finding's line, and commit summaries (issue 13 items 2, 13)

std::string Base64(const std::string& in) {
  std::string out = analyze::Base64Encode(in, /*url=*/false);
  while (out.size() % 4 != 0) out += '=';
  return out;
}

// A repository whose findings share their lines with other secrets: a second provider
// token, an HMAC literal beside a client-side sign() call, bearer and query tokens beside
// plain-HTTP URLs, second copies and base64 forms of decoded secrets, a one-line JSON PEM,
// an allowlisted, a baselined and a capped secret, and a token in a commit message.
struct CrowdedRepo {
  TempDir repo;
  TempDir aux;
  fs::path baseline;
  std::vector<std::string> values;  // never to be printed
  std::string allowlisted, baselined, in_summary;

  void Value(const std::string& v) { values.push_back(v); }

  CrowdedRepo() {
    auto gh = [](unsigned seed) { return FakeGithubToken(seed); };
    std::string gh1 = gh(701), aws1 = FakeAwsKeyId(702);
    repo.Write("two.env", "GH=" + gh1 + " AWS=" + aws1 + "\n");
    std::string hmac = RandomAlnum(703, 12) + "-" + RandomAlnum(704, 12);
    repo.Write("src/Login.jsx", "import jwt from \"jsonwebtoken\";\nexport const t = jwt.sign({ sub: id }, \"" +
                                    hmac + "\");\n");
    std::string bearer = RandomAlnum(705, 40), query = RandomAlnum(706, 32);
    repo.Write("src/api.js", "fetch(\"http://orders.acme.internal/api\", { headers: { Authorization: \"Bearer " +
                                 bearer + "\" } });\nconst u = \"http://reports.acme.io/export?access_token=" +
                                 query + "\";\n");
    std::string gh2 = gh(707), gh3 = gh(708);
    std::string b2 = Base64("token: " + gh2), b3 = Base64(gh3);
    repo.Write("dec.yaml", "auth: " + b2 + " again: " + b2 + "\nplain: " + gh3 + " enc: " + b3 + "\n");
    CommandResult key = Run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    EXPECT_EQ(key.exit_code, 0) << key.err;
    std::string escaped;
    for (char c : key.out) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
    for (size_t pos = 0; pos < key.out.size();) {
      size_t nl = key.out.find('\n', pos);
      std::string line = key.out.substr(pos, nl - pos);
      if (line.find("-----") == std::string::npos && line.size() > 16) Value(line);
      pos = nl == std::string::npos ? key.out.size() : nl + 1;
    }
    std::string gh4 = gh(709);
    repo.Write("sa.json", "{\"client_email\": \"ci@acme.iam.gserviceaccount.com\", \"token\": \"" + gh4 +
                              "\", \"private_key\": \"" + escaped + "\"}\n");
    // An allowlisted key id (a config allowlist for its rule, on lines marked so).
    std::string gh5 = gh(710);
    allowlisted = FakeAwsKeyId(711);
    repo.Write("allow.env", "GH=" + gh5 + " AWS=" + allowlisted + "  # allowed-aws\n");
    repo.Write(".gitleaks.toml", R"([extend]
useDefault = true
[[allowlists]]
description = "key ids on marked lines"
targetRules = ["aws-access-key-id"]
regexTarget = "line"
regexes = ['''allowed-aws''']
)");
    // A capped one: with --max-findings-per-file 1 only the first of cap.env's is reported.
    std::string gh6 = gh(712), gh7 = gh(713);
    repo.Write("cap.env", "A=" + gh6 + " B=" + gh7 + "\n");
    // A baselined one: the baseline is made while it is alone on its line, and keeps only it.
    baselined = FakeAwsKeyId(714);
    TempDir alone;
    alone.Write("base.env", "AWS=" + baselined + "\n");
    baseline = aux.path() / "baseline.json";
    CommandResult b = RunKeyhole({"baseline", "create", alone.path().string(), "-o", baseline.string()});
    EXPECT_EQ(b.exit_code, 0) << b.err;
    std::string gh8 = gh(715);
    repo.Write("base.env", "GH=" + gh8 + " AWS=" + baselined + "\n");

    Git(repo.path(), {"init", "-q"});
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "secrets"});
    // A commit whose summary names a token that no file holds.
    in_summary = gh(716);
    std::string gh9 = gh(717);
    repo.Write("later.sh", "export TOKEN=" + gh9 + "\n");
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "add token " + in_summary + " for ci"});

    for (const std::string& v : {gh1, aws1, hmac, bearer, query, gh2, gh3, b2, b3, gh4, gh5, allowlisted,
                                 gh6, gh7, baselined, gh8, in_summary, gh9}) {
      Value(v);
    }
  }

  Leaks Find(const std::string& text) const {
    Leaks leaks;
    for (const std::string& v : values) {
      std::vector<std::string> fragments = {v};
      if (v.size() >= 24) fragments.push_back(v.substr(v.size() / 2 - 8, 16));
      for (const std::string& f : fragments) {
        if (text.find(f) != std::string::npos) {
          leaks.push_back(v.substr(0, 6) + "…");
          break;
        }
      }
    }
    return leaks;
  }
};

TEST(NoLeak, NoSnippetOrSummaryShowsAnySecretOfItsLine) {
  CrowdedRepo r;
  int runs = 0;
  for (const char* mode : {"dir", "history"}) {
    for (const char* format : {"text", "json", "jsonl", "sarif"}) {
      for (bool cap : {false, true}) {
        std::vector<std::string> args = {"scan", r.repo.path().string(), "--format", format, "--verbose",
                                         "--baseline", r.baseline.string()};
        if (std::string(mode) == "history") args.push_back("--history");
        if (cap) args.insert(args.end(), {"--max-findings-per-file", "1"});
        CommandResult res = RunKeyhole(args);
        std::string what = ::testing::PrintToString(args);
        EXPECT_EQ(res.exit_code, 1) << what << res.err;
        EXPECT_EQ(r.Find(res.out), Leaks{}) << what << " stdout:\n" << res.out;
        EXPECT_EQ(r.Find(res.err), Leaks{}) << what << " stderr:\n" << res.err;
        ++runs;
      }
    }
  }
  EXPECT_EQ(runs, 16);
}

// The control: the allowlisted and baselined key ids are not reported, yet --show-secrets
// shows them in their neighbours' snippets, and the history scan shows the commit summary.
TEST(NoLeak, ShowSecretsShowsTheNeighboursAndTheSummary) {
  CrowdedRepo r;
  CommandResult res = RunKeyhole({"scan", r.repo.path().string(), "--format", "json", "--history",
                                  "--baseline", r.baseline.string(), "--show-secrets"});
  EXPECT_EQ(res.exit_code, 1) << res.err;
  json report = json::parse(res.out);
  std::string secrets;
  for (const json& f : report["findings"]) secrets += f.value("secret", "") + "\n";
  EXPECT_EQ(secrets.find(r.allowlisted), std::string::npos) << "allowlisted, not reported";
  EXPECT_EQ(secrets.find(r.baselined), std::string::npos) << "baselined, not reported";
  EXPECT_NE(res.out.find(r.allowlisted), std::string::npos);
  EXPECT_NE(res.out.find(r.baselined), std::string::npos);
  EXPECT_NE(res.out.find(r.in_summary), std::string::npos);
}

}  // namespace
}  // namespace keyhole::testing
