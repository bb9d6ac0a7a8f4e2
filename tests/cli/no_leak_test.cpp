// keyhole never prints what it finds: several kinds of secret are planted, every output
// of the binary (each format, verbose or not, stdout and stderr, report files, the
// baseline file, directory and history scans) is searched for each of them, in full and
// for a slice of its middle. With --show-secrets the JSON report does contain them,
// which proves the search can fail.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

std::string Base64Url(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += k[(acc << (6 - bits)) & 63];
  return out;
}

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

}  // namespace
}  // namespace keyhole::testing
