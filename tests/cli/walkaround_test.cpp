// Issue 13, "a gate nobody can walk around": each test is a way a committer could once
// get a secret past `keyhole scan` (directory, --staged, --diff or --history) without
// an error, run through the keyhole binary on a real repository or tree in a temp dir.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "source/git_test_support.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using source::testing::Repo;

struct Scan {
  CommandResult r;
  json report;
  // The findings whose secret is `secret` (the scan runs with --show-secrets).
  std::vector<json> Of(const std::string& secret) const {
    std::vector<json> out;
    for (const json& f : report.value("findings", json::array())) {
      if (f.value("secret", "") == secret) out.push_back(f);
    }
    return out;
  }
  bool Found(const std::string& secret) const { return !Of(secret).empty(); }
  const json& summary() const { return report["summary"]; }
  std::string Notes() const { return summary().is_object() ? summary()["notes"].dump() : ""; }
};

// `keyhole scan <args> --format json --show-secrets --no-progress <path>`.
Scan ScanJson(const fs::path& path, std::vector<std::string> args = {}) {
  std::vector<std::string> argv = {"scan"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--format", "json", "--show-secrets", "--no-progress", path.string()});
  Scan s;
  s.r = RunKeyhole(argv);
  s.report = json::parse(s.r.out, nullptr, false);
  EXPECT_FALSE(s.report.is_discarded()) << "not JSON: " << s.r.out << "\nstderr: " << s.r.err;
  if (s.report.is_discarded()) s.report = json::object();
  return s;
}

std::string SecretLine(unsigned seed) { return "token = \"" + FakeGithubToken(seed) + "\"\n"; }

// ---------------------------------------------------------------------------------------
// Item 4: .gitignore applies only to untracked files, as in git.

TEST(Walkaround, TrackedFileMatchingGitignoreIsScanned) {
  Repo r;
  r.Write(".gitignore", ".env\n");
  r.Write(".env", SecretLine(401));
  r.Git({"add", ".gitignore"});
  r.Git({"add", "-f", ".env"});
  r.Git({"commit", "-q", "-m", "config"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  ASSERT_EQ(s.Of(FakeGithubToken(401)).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(FakeGithubToken(401))[0]["path"], ".env");
}

// A pull request that adds `*` to .gitignore must not hide the files it (or anyone) committed.
TEST(Walkaround, StarInGitignoreDoesNotHideCommittedFiles) {
  Repo r;
  r.Commit("src/deploy.sh", "export GH_TOKEN=" + FakeGithubToken(402) + "\n", "deploy script");
  r.Write(".gitignore", "*\n");  // ignores itself too: added with -f, as the PR would
  r.Git({"add", "-f", ".gitignore"});
  r.Git({"commit", "-q", "-m", "ignore everything"});
  r.Write("src/untracked.sh", "export GH_TOKEN=" + FakeGithubToken(403) + "\n");  // never added
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(402))) << s.r.out;
  // Untracked and ignored: still left out, as git leaves it out.
  EXPECT_FALSE(s.Found(FakeGithubToken(403))) << s.r.out;
}

// An ignored directory is entered when it holds a tracked file; its untracked files stay out.
TEST(Walkaround, TrackedFileInAnIgnoredDirectoryIsScanned) {
  Repo r;
  r.Write(".gitignore", "build/\n");
  r.Write("build/keep/settings.ini", SecretLine(404));
  r.Write("build/out.log", SecretLine(405));
  r.Git({"add", ".gitignore"});
  r.Git({"add", "-f", "build/keep/settings.ini"});
  r.Git({"commit", "-q", "-m", "settings"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(404))) << s.r.out;
  EXPECT_FALSE(s.Found(FakeGithubToken(405))) << s.r.out;
  // Scanning the ignored subdirectory itself scans everything in it (asked for explicitly).
  Scan sub = ScanJson(r.path() / "build");
  EXPECT_TRUE(sub.Found(FakeGithubToken(404))) << sub.r.out;
  EXPECT_TRUE(sub.Found(FakeGithubToken(405))) << sub.r.out;
}

// Staged but not yet committed is tracked too.
TEST(Walkaround, StagedIgnoredFileIsScannedByTheDirectoryScan) {
  Repo r;
  r.Commit(".gitignore", "secrets/\n", "ignore");
  r.Write("secrets/prod.env", SecretLine(406));
  r.Git({"add", "-f", "secrets/prod.env"});
  Scan s = ScanJson(r.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(406))) << s.r.out;
}

// ---------------------------------------------------------------------------------------
// Item 5: the per-file cap keeps the most severe findings, and what it drops still counts.

// 1,000 informational Stripe publishable keys ahead of an AWS key filled the cap.
TEST(Walkaround, PerFileCapKeepsTheMostSevereFinding) {
  TempDir d;
  std::string text;
  for (unsigned i = 0; i < 1000; ++i) text += "pk" + std::to_string(i) + " = \"pk_live_" + RandomAlnum(500 + i, 24) + "\"\n";
  const std::string aws = FakeAwsKeyId(407);
  text += "aws_access_key_id = " + aws + "\n";
  d.Write("keys.txt", text);
  Scan s = ScanJson(d.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  ASSERT_EQ(s.report["findings"].size(), 1000u);
  ASSERT_EQ(s.Of(aws).size(), 1u) << s.summary().dump();
  EXPECT_EQ(s.Of(aws)[0]["severity"], "critical");
  EXPECT_NE(s.Notes().find("keys.txt: 1 more findings not reported (per-file cap 1000), the most severe of them info"),
            std::string::npos)
      << s.Notes();
}

// A dropped finding was never compared with the baseline: it must still fail the scan even
// when every reported finding is baselined.
TEST(Walkaround, FindingsDroppedByTheCapCountTowardFailOn) {
  TempDir d;
  const std::string first = FakeAwsKeyId(408), second = FakeAwsKeyId(409);
  d.Write("src/aws.ini", "aws_access_key_id = " + first + "\n");
  fs::path baseline = d.path() / "baseline.json";
  CommandResult b = RunKeyhole({"baseline", "create", d.path().string(), "-o", baseline.string()});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  d.Write("src/aws.ini", "aws_access_key_id = " + first + "\nbackup_key_id = " + second + "\n");
  Scan s = ScanJson(d.path(), {"--max-findings-per-file", "1", "--baseline", baseline.string()});
  EXPECT_TRUE(s.report["findings"].empty()) << s.r.out;
  EXPECT_EQ(s.r.exit_code, 1) << s.Notes();
  EXPECT_NE(s.Notes().find("the most severe of them critical"), std::string::npos) << s.Notes();
  // At --fail-on critical too; a dropped finding below --fail-on does not fail the scan.
  Scan gate = ScanJson(d.path(), {"--max-findings-per-file", "1", "--baseline", baseline.string(), "--fail-on",
                                  "critical"});
  EXPECT_EQ(gate.r.exit_code, 1);
  d.Write("src/aws.ini", "aws_access_key_id = " + first + "\npk = \"pk_live_" + RandomAlnum(410, 24) + "\"\n");
  Scan low = ScanJson(d.path(), {"--max-findings-per-file", "1", "--baseline", baseline.string()});
  EXPECT_EQ(low.r.exit_code, 0) << low.Notes();  // the dropped one is info, below the default `low`
  Scan all = ScanJson(d.path(), {"--max-findings-per-file", "1", "--baseline", baseline.string(), "--fail-on", "info"});
  EXPECT_EQ(all.r.exit_code, 1) << all.Notes();
}

TEST(Walkaround, MaxFindingsPerFileZeroIsAUsageError) {
  TempDir d;
  d.Write("a.txt", SecretLine(411));
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--no-progress", "--max-findings-per-file", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--max-findings-per-file"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// ---------------------------------------------------------------------------------------
// Item 6a: only a real Git LFS pointer is skipped in the git modes.

const std::string kLfsHeader = "version https://git-lfs.github.com/spec/v1\n";
const std::string kLfsPointer =
    kLfsHeader + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

TEST(Walkaround, FileStartingWithTheLfsHeaderIsScannedInEveryGitMode) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  r.Git({"tag", "base"});
  r.Write("assets/model.bin", kLfsHeader + SecretLine(412));
  r.Write("assets/real.bin", kLfsPointer);
  r.Write("assets/extra.bin", kLfsPointer + SecretLine(413));  // a valid pointer, then more
  r.Git({"add", "assets"});
  Scan staged = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(staged.r.exit_code, 1) << staged.r.err;
  EXPECT_TRUE(staged.Found(FakeGithubToken(412))) << staged.r.out;
  EXPECT_TRUE(staged.Found(FakeGithubToken(413))) << staged.r.out;
  r.Git({"commit", "-q", "-m", "models"});
  for (const std::vector<std::string>& mode : {std::vector<std::string>{"--history"}, std::vector<std::string>{"--diff", "base"}}) {
    Scan s = ScanJson(r.path(), mode);
    EXPECT_EQ(s.r.exit_code, 1) << mode[0] << " " << s.r.err;
    EXPECT_TRUE(s.Found(FakeGithubToken(412))) << mode[0] << " " << s.r.out;
    EXPECT_TRUE(s.Found(FakeGithubToken(413))) << mode[0] << " " << s.r.out;
    EXPECT_EQ(s.summary()["skipped_ignored"], 1) << mode[0];  // the real pointer
  }
}

// ---------------------------------------------------------------------------------------
// Item 6b: binary is decided on content, and binary content's printable runs are scanned.

// Machine-code-like filler: mostly NULs and control bytes, no printable run of 8.
std::string BinaryFiller(size_t n) {
  std::string out;
  for (size_t i = 0; out.size() < n; ++i) {
    out += std::string("\x7f" "ELF\x02\x01\0\0\x03\0\x3e\0\x01\0\0\0", 16);
    out += static_cast<char>(i & 0xff);
  }
  out.resize(n);
  return out;
}

TEST(Walkaround, NulBytesSprinkledInTextDoNotHideIt) {
  TempDir d;
  std::string text;
  for (int i = 0; i < 40; ++i) text += "line " + std::to_string(i) + std::string(1, '\0') + " of ordinary text\n";
  const std::string password = RandomAlnum(414, 12) + "-" + RandomAlnum(415, 12);
  text += "DATABASE_PASSWORD = \"" + password + "\"\n" + SecretLine(416);
  d.Write("settings.py", text);
  Scan s = ScanJson(d.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  ASSERT_EQ(s.Of(FakeGithubToken(416)).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(FakeGithubToken(416))[0]["location"]["start_line"], 42);
  EXPECT_TRUE(s.Found(password)) << s.r.out;  // text: the context rules ran too
  EXPECT_EQ(s.summary()["skipped_binary"], 0);
}

// A token between NULs of genuinely binary content is found, in every mode.
TEST(Walkaround, SecretNextToANulInBinaryContentIsFoundInEveryMode) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  r.Git({"tag", "base"});
  const std::string token = FakeGithubToken(417);
  std::string blob = BinaryFiller(4096) + std::string("\0", 1) + token + std::string("\0\x01", 2) + BinaryFiller(4096);
  r.Write("firmware/app.img", blob);
  r.Git({"add", "firmware"});
  Scan staged = ScanJson(r.path(), {"--staged"});
  EXPECT_EQ(staged.r.exit_code, 1) << staged.r.err;
  ASSERT_TRUE(staged.Found(token)) << staged.r.out;
  r.Git({"commit", "-q", "-m", "firmware"});
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--history"}, std::vector<std::string>{"--diff", "base"}}) {
    const std::string name = mode.empty() ? "directory" : mode[0];
    Scan s = ScanJson(r.path(), mode);
    EXPECT_EQ(s.r.exit_code, 1) << name << " " << s.r.err;
    ASSERT_EQ(s.Of(token).size(), 1u) << name << " " << s.r.out;
    const json f = s.Of(token)[0];
    EXPECT_EQ(f["path"], "firmware/app.img") << name;
    EXPECT_NE(f["tags"].dump().find("binary"), std::string::npos) << name << " " << f.dump();
    EXPECT_EQ(s.summary()["skipped_binary"], 0) << name;
    EXPECT_EQ(f["location"], staged.Of(token)[0]["location"]) << name;  // the raw bytes' lines and columns
  }
}

// In a diff, binary content keeps git's line numbers: only what the change adds is reported.
TEST(Walkaround, DiffOfBinaryContentReportsOnlyTheAddedToken) {
  Repo r;
  const std::string old_token = FakeGithubToken(418), new_token = FakeGithubToken(419);
  r.Commit("lib/blob.bin", BinaryFiller(2000) + "\n" + old_token + std::string("\0", 1) + "\n" + BinaryFiller(2000) + "\n",
           "blob");
  r.Git({"tag", "base"});
  r.Commit("lib/blob.bin",
           BinaryFiller(2000) + "\n" + old_token + std::string("\0", 1) + "\n" + BinaryFiller(2000) + "\n" +
               std::string("\x01\x02", 2) + new_token + "\n",
           "more");
  Scan s = ScanJson(r.path(), {"--diff", "base"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(new_token)) << s.r.out;
  EXPECT_FALSE(s.Found(old_token)) << s.r.out;
}

// Binary content is searched with the rules that know a format (tokens, keys, JWTs): the
// name-based generic guesses are not run on printable runs that happen to sit side by side.
TEST(Walkaround, BinaryContentIsScannedWithFormatRulesOnly) {
  TempDir d;
  const std::string password = RandomAlnum(420, 12) + "-" + RandomAlnum(421, 12);
  d.Write("data.bin", BinaryFiller(1024) + std::string("\0", 1) + "DATABASE_PASSWORD = \"" + password + "\"" +
                          std::string("\0", 1) + SecretLine(422) + BinaryFiller(1024));
  Scan s = ScanJson(d.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  EXPECT_TRUE(s.Found(FakeGithubToken(422))) << s.r.out;
  EXPECT_FALSE(s.Found(password)) << s.r.out;
}

// ---------------------------------------------------------------------------------------
// Item 6c: a file's name does not make it binary.

TEST(Walkaround, TextFilesWithBinaryExtensionsAreScannedInEveryMode) {
  Repo r;
  r.Commit("README.md", "hello\n", "initial");
  r.Git({"tag", "base"});
  const std::vector<std::string> names = {"config.lib", "notes.doc", "build/libcfg.a", "main.o", "report.pdf",
                                          "backup.tar", "logo.png", "tools.jar"};
  for (size_t i = 0; i < names.size(); ++i) r.Write(names[i], SecretLine(430 + static_cast<unsigned>(i)));
  r.Git({"add", "."});
  std::vector<Scan> scans = {ScanJson(r.path(), {"--staged"})};
  r.Git({"commit", "-q", "-m", "files"});
  scans.push_back(ScanJson(r.path()));
  scans.push_back(ScanJson(r.path(), {"--history"}));
  scans.push_back(ScanJson(r.path(), {"--diff", "base"}));
  for (const Scan& s : scans) {
    const std::string mode = s.report.value("mode", "?");
    EXPECT_EQ(s.r.exit_code, 1) << mode << " " << s.r.err;
    for (size_t i = 0; i < names.size(); ++i) {
      std::vector<json> hits = s.Of(FakeGithubToken(430 + static_cast<unsigned>(i)));
      ASSERT_EQ(hits.size(), 1u) << mode << " " << names[i] << " " << s.r.out;
      EXPECT_EQ(hits[0]["path"], names[i]) << mode;
      EXPECT_EQ(hits[0]["tags"].dump().find("binary"), std::string::npos) << mode << " " << names[i];
    }
    EXPECT_EQ(s.summary()["skipped_binary"], 0) << mode;
  }
}

// A real binary under a binary extension is read too: its printable runs are scanned.
TEST(Walkaround, BinaryFileWithABinaryExtensionIsSearchedForSecrets) {
  TempDir d;
  d.Write("assets/logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + BinaryFiller(512) +
                                 std::string("\0tEXt\0", 7) + FakeGithubToken(440) + std::string("\0", 1) +
                                 BinaryFiller(512));
  Scan s = ScanJson(d.path());
  EXPECT_EQ(s.r.exit_code, 1) << s.r.err;
  ASSERT_EQ(s.Of(FakeGithubToken(440)).size(), 1u) << s.r.out;
  EXPECT_NE(s.Of(FakeGithubToken(440))[0]["tags"].dump().find("binary"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Item 7: a path allowlist is checked against every path a blob has.

const char* kTestdataAllowlist = "[allowlist]\npaths = ['''^testdata/''']\n";

// A repository whose config allowlists testdata/, with a secret committed there.
struct AllowlistedRepo {
  Repo r;
  std::string token;
  explicit AllowlistedRepo(unsigned seed) : token(FakeGithubToken(seed)) {
    r.Commit(".keyhole.toml", kTestdataAllowlist, "config");
    r.Commit("testdata/fixture.env", "token = \"" + token + "\"\n", "fixture");
    r.Git({"tag", "base"});
  }
};

TEST(Walkaround, AllowlistedSecretStaysSuppressedWhereItIs) {
  AllowlistedRepo a(450);
  a.r.Commit("testdata/copy.env", "token = \"" + a.token + "\"\n", "a second fixture");  // same blob
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--history"}, std::vector<std::string>{"--diff", "base"}}) {
    Scan s = ScanJson(a.r.path(), mode);
    EXPECT_EQ(s.r.exit_code, 0) << (mode.empty() ? "directory" : mode[0]) << " " << s.r.out << s.r.err;
  }
}

TEST(Walkaround, SecretCopiedOutOfAnAllowlistedPathIsReportedInHistory) {
  AllowlistedRepo a(451);
  std::string copy = a.r.Commit("src/config.env", "token = \"" + a.token + "\"\n", "copy the fixture");
  Scan s = ScanJson(a.r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  std::vector<json> hits = s.Of(a.token);
  ASSERT_EQ(hits.size(), 1u) << s.r.out;
  EXPECT_EQ(hits[0]["path"], "src/config.env");
  EXPECT_EQ(hits[0]["git"]["commit"], copy);  // the commit that put it outside testdata/
}

TEST(Walkaround, SecretMovedOutOfAnAllowlistedPathIsReportedInHistoryDiffAndStaged) {
  AllowlistedRepo a(452);
  fs::create_directories(a.r.path() / "src");
  a.r.Git({"mv", "testdata/fixture.env", "src/app.env"});
  Scan staged = ScanJson(a.r.path(), {"--staged"});
  EXPECT_EQ(staged.r.exit_code, 1) << staged.r.out << staged.r.err;
  ASSERT_EQ(staged.Of(a.token).size(), 1u) << staged.r.out;
  EXPECT_EQ(staged.Of(a.token)[0]["path"], "src/app.env");
  a.r.Git({"commit", "-q", "-m", "move the fixture"});
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"--history"}, std::vector<std::string>{"--diff", "base"}}) {
    Scan s = ScanJson(a.r.path(), mode);
    EXPECT_EQ(s.r.exit_code, 1) << mode[0] << " " << s.r.out << s.r.err;
    std::vector<json> hits = s.Of(a.token);
    ASSERT_EQ(hits.size(), 1u) << mode[0] << " " << s.r.out;
    EXPECT_EQ(hits[0]["path"], "src/app.env") << mode[0];
  }
}

// `git mv testdata fixtures` moves the directory's tree as it is (same tree id).
TEST(Walkaround, DirectoryMovedOutOfAnAllowlistedPathIsReportedInHistory) {
  AllowlistedRepo a(453);
  a.r.Git({"mv", "testdata", "fixtures"});
  a.r.Git({"commit", "-q", "-m", "rename the directory"});
  Scan s = ScanJson(a.r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  ASSERT_EQ(s.Of(a.token).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(a.token)[0]["path"], "fixtures/fixture.env");
  Scan d = ScanJson(a.r.path(), {"--diff", "base"});
  EXPECT_EQ(d.r.exit_code, 1) << d.r.out << d.r.err;
  EXPECT_TRUE(d.Found(a.token)) << d.r.out;
}

// A rename between two paths no allowlist names adds nothing: the secret was reported before.
TEST(Walkaround, RenameOfAnOrdinaryFileStillAddsNothingToADiff) {
  AllowlistedRepo a(454);
  const std::string other = FakeGithubToken(455);
  a.r.Commit("src/old.env", "token = \"" + other + "\"\n", "ordinary");
  a.r.Git({"tag", "before-rename"});
  a.r.Git({"mv", "src/old.env", "src/new.env"});
  a.r.Git({"commit", "-q", "-m", "rename"});
  Scan s = ScanJson(a.r.path(), {"--diff", "before-rename"});
  EXPECT_EQ(s.r.exit_code, 0) << s.r.out << s.r.err;
}

// Two allowlists that judge paths differently: a blob is suppressed only where every path
// it has is allowlisted for its rule.
TEST(Walkaround, BlobIsReportedAtThePathWhereItsRuleIsNotAllowlisted) {
  Repo r;
  r.Commit(".keyhole.toml",
           "[[allowlists]]\npaths = ['''^testdata/''']\n\n"
           "[[allowlists]]\ntargetRules = [\"aws-access-key-id\"]\npaths = ['''^fixtures/''']\n",
           "config");
  const std::string token = FakeGithubToken(456);
  r.Commit("testdata/t.env", "token = \"" + token + "\"\n", "fixture");
  r.Commit("fixtures/t.env", "token = \"" + token + "\"\n", "fixture for aws tests");
  Scan s = ScanJson(r.path(), {"--history"});
  EXPECT_EQ(s.r.exit_code, 1) << s.r.out << s.r.err;
  ASSERT_EQ(s.Of(token).size(), 1u) << s.r.out;
  EXPECT_EQ(s.Of(token)[0]["path"], "fixtures/t.env");
}

}  // namespace
}  // namespace keyhole::testing
