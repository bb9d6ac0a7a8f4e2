// Hostile and unusual input through the keyhole binary: each test checks the exit code,
// what keyhole says, and that nothing else was lost (a fake GitHub token planted in an
// ordinary file next to the bad input is still found).
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/sarif_validator.h"
#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A temp dir on /dev/shm when it is writable (big trees and files are much faster on
// tmpfs), else under $TMPDIR. Removed on destruction.
class FastTempDir {
 public:
  FastTempDir() {
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
    std::string tmpl = base + "/keyhole-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~FastTempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  FastTempDir(const FastTempDir&) = delete;
  FastTempDir& operator=(const FastTempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << p;
}

json ParseJson(const std::string& s) {
  json j = json::parse(s, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << s.substr(0, 2000);
  return j.is_discarded() ? json::object() : j;
}

// Plants the ordinary file whose finding proves that the rest of the scan went on.
std::string PlantWitness(const fs::path& root, unsigned seed) {
  std::string token = FakeGithubToken(seed);
  WriteFile(root / "ok" / "deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n");
  return token;
}

// The findings of `report` at `path` (json format).
std::vector<json> FindingsAt(const json& report, const std::string& path) {
  std::vector<json> out;
  for (const json& f : report.value("findings", json::array())) {
    if (f.value("path", "") == path) out.push_back(f);
  }
  return out;
}

bool WitnessFound(const json& report) {
  for (const json& f : FindingsAt(report, "ok/deploy.sh")) {
    if (f["location"]["start_line"] == 2) return true;
  }
  return false;
}

const json& Summary(const json& report) { return report["summary"]; }

struct JsonRun {
  CommandResult r;
  json report;
};

JsonRun ScanJson(const fs::path& root, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"scan", root.string(), "--format", "json", "--no-progress"};
  args.insert(args.end(), extra.begin(), extra.end());
  JsonRun run;
  run.r = RunKeyhole(args);
  run.report = ParseJson(run.r.out);
  return run;
}

// Runs argv and returns (exit code, peak RSS of the child in KiB) from wait4's rusage.
std::pair<int, long> RunMeasuringPeakRss(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::vector<char*> cargv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ru.ru_maxrss};
}

// A text file of `size` bytes (newline-terminated lines of code-like filler), with
// `middle` written at about half of it. Returns the 1-based line `middle` starts on.
uint32_t WriteBigTextFile(const fs::path& p, uint64_t size, const std::string& middle) {
  std::string line = "    let value_0123 = compute(alpha, beta, gamma) + offset * 17; // filler\n";
  std::string chunk;
  while (chunk.size() + line.size() <= (1u << 20)) chunk += line;
  const uint64_t lines_per_chunk = chunk.size() / line.size();
  std::ofstream out(p, std::ios::binary);
  uint64_t written = 0, lines = 0;
  uint32_t middle_line = 0;
  while (written + chunk.size() <= size) {
    if (middle_line == 0 && written >= size / 2) {
      out << middle << "\n";
      written += middle.size() + 1;
      middle_line = static_cast<uint32_t>(lines + 1);
      ++lines;
    }
    out << chunk;
    written += chunk.size();
    lines += lines_per_chunk;
  }
  return middle_line;
}

// ---------------------------------------------------------------------------------------
// Binary data

// Binary content is not scanned as text, but its printable runs are: a token next to the
// NULs of a binary header is found (tagged `binary`); content without any run is skipped.
TEST(BadInput, BinaryFileIsScannedForItsPrintableRuns) {
  TempDir d;
  std::string witness = PlantWitness(d.path(), 101);
  std::string bin("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16);
  WriteFile(d.path() / "tool.dat", bin + "token=" + FakeGithubToken(102) + "\n");
  WriteFile(d.path() / "noise.dat", bin + "\x01short\0\x02");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(Summary(run.report)["skipped_binary"], 1);  // noise.dat: no run of 8
  std::vector<json> found = FindingsAt(run.report, "tool.dat");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["rule_id"], "github-pat");
  EXPECT_EQ(found[0]["location"]["start_line"], 1);
  EXPECT_EQ(found[0]["location"]["start_column"], 23);  // byte offsets are the file's
  EXPECT_NE(found[0]["tags"].dump().find("binary"), std::string::npos) << found[0].dump();
  EXPECT_NE(Summary(run.report)["notes"].dump().find("1 binary file(s): only their printable runs"), std::string::npos)
      << Summary(run.report)["notes"].dump();
  EXPECT_TRUE(WitnessFound(run.report)) << run.r.out;
  EXPECT_TRUE(Summary(run.report)["errors"].empty());
}

// Git's rule: only the first 8 KiB decide whether a file is binary. A NUL later on (a
// concatenated log, an embedded blob) does not hide the text around it.
TEST(BadInput, NulBytesAfterTheFirst8KiBAreScanned) {
  TempDir d;
  std::string witness = PlantWitness(d.path(), 103);
  std::string text;
  while (text.size() < 10000) text += "some ordinary text on a line\n";
  uint32_t lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
  text += std::string("junk\0\0\0junk\n", 12);
  text += "token = " + FakeGithubToken(104) + "\n";
  WriteFile(d.path() / "mixed.log", text);
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "mixed.log");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], lines + 2);
  EXPECT_EQ(Summary(run.report)["skipped_binary"], 0);
  EXPECT_TRUE(WitnessFound(run.report));
}

// One NUL does not make a file binary (a committer could add one to hide a file): the
// share of NULs and control bytes decides, and this is text.
TEST(BadInput, NulByteInTheFirst8KiBDoesNotMakeAFileBinary) {
  TempDir d;
  PlantWitness(d.path(), 105);
  WriteFile(d.path() / "early.log", std::string("a\0b\n", 4) + "DATABASE_PASSWORD = \"" + RandomAlnum(107, 12) + "-" +
                                        RandomAlnum(108, 12) + "\"\ntoken = " + FakeGithubToken(106) + "\n");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1);
  std::vector<json> found = FindingsAt(run.report, "early.log");
  ASSERT_EQ(found.size(), 2u) << run.r.out;  // every rule ran: text, not binary
  EXPECT_EQ(found[0]["location"]["start_line"], 2);
  EXPECT_EQ(found[1]["location"]["start_line"], 3);
  EXPECT_EQ(found[1]["tags"].dump().find("binary"), std::string::npos);
  EXPECT_EQ(Summary(run.report)["skipped_binary"], 0);
  EXPECT_TRUE(WitnessFound(run.report));
}

// ---------------------------------------------------------------------------------------
// Size

TEST(BadInput, FileOverDefaultMaxSizeIsSkippedAndCounted) {
  FastTempDir d;
  PlantWitness(d.path(), 107);
  WriteBigTextFile(d.path() / "huge.txt", 200ull << 20, "token = " + FakeGithubToken(108));
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(Summary(run.report)["skipped_too_large"], 1);
  EXPECT_TRUE(FindingsAt(run.report, "huge.txt").empty());
  EXPECT_TRUE(WitnessFound(run.report));
  // The text report says so too (the skip breakdown is in the verbose summary).
  CommandResult text = RunKeyhole({"scan", d.path().string(), "--no-progress", "--verbose"});
  EXPECT_NE(text.out.find("1 too large"), std::string::npos) << text.out;
}

// With a raised --max-file-size the 200 MB file is scanned: the secret in its middle is
// found on the right line, and peak memory stays bounded (the file is mmap'ed: its pages
// are shared, reclaimable page cache; keyhole's own allocations are small).
TEST(BadInput, FileOf200MBIsScannedWithBoundedMemory) {
  FastTempDir d;
  PlantWitness(d.path(), 109);
  uint32_t line = WriteBigTextFile(d.path() / "huge.txt", 200ull << 20, "token = " + FakeGithubToken(110));
  JsonRun run = ScanJson(d.path(), {"--max-file-size", "300000000"});
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "huge.txt");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["location"]["start_line"], line);
  EXPECT_TRUE(WitnessFound(run.report));
  auto [code, peak_kib] = RunMeasuringPeakRss({KeyholeBinary().string(), "scan", d.path().string(), "--no-progress",
                                               "--max-file-size", "300000000", "-j", "2"});
  EXPECT_EQ(code, 1);
  std::printf("peak RSS scanning a 200 MB file: %ld MiB\n", peak_kib / 1024);
  EXPECT_LT(peak_kib, 1024L * 1024) << "peak RSS " << peak_kib << " KiB";
}

// A minified bundle: one 20 MB line. The secret in its middle is found at the right
// column (the scanner confirms hits on long lines in windows, so the work is linear).
TEST(BadInput, MinifiedBundleOf20MBOnOneLineIsScanned) {
  FastTempDir d;
  PlantWitness(d.path(), 111);
  std::string unit = "function(e,t){return e.a+t.b*2},";
  std::string bundle;
  bundle.reserve((20u << 20) + 200);
  while (bundle.size() < (10u << 20)) bundle += unit;
  size_t column = bundle.size() + std::string("var GH=\"").size() + 1;
  std::string token = FakeGithubToken(112);
  bundle += "var GH=\"" + token + "\";";
  while (bundle.size() < (20u << 20)) bundle += unit;
  WriteFile(d.path() / "dist" / "app.min.js", bundle);
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "dist/app.min.js");
  ASSERT_EQ(found.size(), 1u) << run.r.out.substr(0, 3000);
  EXPECT_EQ(found[0]["location"]["start_line"], 1);
  EXPECT_EQ(found[0]["location"]["start_column"], column);
  EXPECT_TRUE(WitnessFound(run.report));
  // The snippet of a 20 MB line is cut, not the whole line.
  EXPECT_LT(found[0]["snippet"].get<std::string>().size(), 1000u);
}

// --max-line-length: lines longer than it are confirmed in ±4 KiB windows around each
// prefilter hit instead of whole. `unit` repeated is minified-looking filler.
std::string MinifiedFiller(size_t bytes) {
  const std::string unit = "function(e,t){return e.a+t.b*2},";
  std::string out;
  while (out.size() + unit.size() <= bytes) out += unit;
  return out;
}

// The identity of each finding in a JSON report, in report order.
std::vector<std::string> FindingKeys(const json& report) {
  std::vector<std::string> keys;
  for (const json& f : report.value("findings", json::array())) {
    keys.push_back(f.value("rule_id", "") + " " + f.value("path", "") + ":" + f["location"].dump() + " " +
                   f.value("secret_hash", ""));
  }
  return keys;
}

// An 8 KiB line is under the default threshold; with --max-line-length 1024 it is
// windowed, and the secret in its middle is still found at the right column.
TEST(BadInput, SecretOnALineOverMaxLineLengthIsFoundAtItsColumn) {
  TempDir d;
  PlantWitness(d.path(), 170);
  std::string line = MinifiedFiller(4000) + "var GH=\"";
  size_t column = line.size() + 1;
  line += FakeGithubToken(171) + "\";" + MinifiedFiller(4000);
  WriteFile(d.path() / "dist" / "app.js", "// header\n" + line + "\n");
  JsonRun run = ScanJson(d.path(), {"--max-line-length", "1024"});
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "dist/app.js");
  ASSERT_EQ(found.size(), 1u) << run.r.out.substr(0, 3000);
  EXPECT_EQ(found[0]["rule_id"], "github-pat");
  EXPECT_EQ(found[0]["location"]["start_line"], 2);
  EXPECT_EQ(found[0]["location"]["start_column"], column);
  EXPECT_TRUE(WitnessFound(run.report));
}

// Windowed confirmation finds exactly what whole-line confirmation (and the reference
// mode, which never windows) finds, on a line with several secrets of regex- and
// keyword-gated rules, some within a window of each other and some far apart.
TEST(BadInput, WindowedAndWholeLineConfirmationFindTheSameSecrets) {
  TempDir d;
  std::string line = MinifiedFiller(3000) + "var a=\"" + FakeGithubToken(172) + "\";" + MinifiedFiller(500) +
                     "var b=\"" + FakeGithubToken(173) + "\";" + MinifiedFiller(9000) +
                     "var cfg={aws_access_key_id:\"" + FakeAwsKeyId(174) + "\",aws_secret_access_key:\"" +
                     FakeAwsSecret(175) + "\"};" + MinifiedFiller(6000) + "var c=\"" + FakeGithubToken(176) +
                     "\";" + MinifiedFiller(2000);
  WriteFile(d.path() / "dist" / "vendor.js", line + "\n");
  JsonRun windowed = ScanJson(d.path(), {"--max-line-length", "1024"});
  JsonRun whole = ScanJson(d.path(), {"--max-line-length", "1073741824"});
  JsonRun reference = ScanJson(d.path(), {"--no-prefilter"});
  EXPECT_EQ(windowed.r.exit_code, 1) << windowed.r.err;
  std::vector<std::string> keys = FindingKeys(windowed.report);
  EXPECT_GE(keys.size(), 5u) << windowed.r.out.substr(0, 3000);  // 3 GitHub tokens, AWS id and secret
  EXPECT_EQ(keys, FindingKeys(whole.report));
  EXPECT_EQ(keys, FindingKeys(reference.report));
}

// The option is honoured: a match longer than the ±4 KiB window (here 6 KiB) is found
// on a 10 KiB line by default, and missed once that line counts as long — the documented
// cost of windowing.
TEST(BadInput, MatchLongerThanTheWindowIsMissedOnlyOnLinesOverMaxLineLength) {
  TempDir d;
  d.Write(".keyhole.toml", R"toml([[rules]]
id = "long-test-token"
description = "a long token (test only)"
regex = '''LONGTOKEN_([A-Za-z0-9]+)_END'''
secretGroup = 1
)toml");
  d.Write("blob.js", MinifiedFiller(2000) + "x=\"LONGTOKEN_" + RandomAlnum(177, 6000) + "_END\";" +
                         MinifiedFiller(2000) + "\n");
  JsonRun by_default = ScanJson(d.path());
  EXPECT_EQ(by_default.r.exit_code, 1) << by_default.r.err;
  ASSERT_EQ(FindingsAt(by_default.report, "blob.js").size(), 1u) << by_default.r.out.substr(0, 3000);
  EXPECT_EQ(FindingsAt(by_default.report, "blob.js")[0]["rule_id"], "long-test-token");
  JsonRun windowed = ScanJson(d.path(), {"--max-line-length", "8192"});
  EXPECT_EQ(windowed.r.exit_code, 0) << windowed.r.out.substr(0, 3000);
  EXPECT_TRUE(FindingsAt(windowed.report, "blob.js").empty());
}

struct BadValue {
  const char* name;
  const char* value;
};

class BadMaxLineLength : public ::testing::TestWithParam<BadValue> {};

TEST_P(BadMaxLineLength, IsAUsageErrorNamingTheOption) {
  TempDir d;
  d.Write("a.txt", "token = " + FakeGithubToken(178) + "\n");
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--no-progress", "--max-line-length", GetParam().value});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("--max-line-length"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Values, BadMaxLineLength,
                         ::testing::Values(BadValue{"Zero", "0"}, BadValue{"UnderOneKiB", "1023"},
                                           BadValue{"OverOneGiB", "1073741825"}, BadValue{"Negative", "-1"},
                                           BadValue{"Overflow", "18446744073709551617"},
                                           BadValue{"Suffix", "16k"}, BadValue{"NotANumber", "abc"}),
                         [](const ::testing::TestParamInfo<BadValue>& info) { return std::string(info.param.name); });

// The per-file findings cap bounds the output of a hostile file (a generated list of
// tokens); the excess is counted in a note, and other files are unaffected.
TEST(BadInput, FindingsPerFileCapIsNoted) {
  TempDir d;
  PlantWitness(d.path(), 160);
  std::string many;
  for (unsigned i = 0; i < 50; ++i) many += "token_" + std::to_string(i) + " = " + FakeGithubToken(1000 + i) + "\n";
  WriteFile(d.path() / "dump.txt", many);
  JsonRun run = ScanJson(d.path(), {"--max-findings-per-file", "10"});
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(FindingsAt(run.report, "dump.txt").size(), 10u);
  EXPECT_TRUE(WitnessFound(run.report));
  std::string notes = Summary(run.report)["notes"].dump();
  EXPECT_NE(notes.find("dump.txt: 40 more findings not reported (per-file cap 10)"), std::string::npos) << notes;
  CommandResult text = RunKeyhole({"scan", d.path().string(), "--no-progress", "--max-findings-per-file", "10"});
  EXPECT_NE((text.out + text.err).find("per-file cap 10"), std::string::npos) << text.out << text.err;
}

// ---------------------------------------------------------------------------------------
// Encodings and line endings

TEST(BadInput, InvalidUtf8IsScannedAndReportedAsValidJson) {
  TempDir d;
  PlantWitness(d.path(), 113);
  std::string token = FakeGithubToken(114);
  WriteFile(d.path() / "latin1.txt", "caf\xe9 cr\xe8me \xc3\x28 \x80\x81\n\xf8\xf9\xfa\xfb\n\xed\xa0\x80 token = " + token + " \xff\n");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "latin1.txt");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], 3);
  EXPECT_TRUE(WitnessFound(run.report));
  // The text report escapes the invalid bytes rather than writing them to the terminal.
  CommandResult text = RunKeyhole({"scan", d.path().string(), "--no-progress", "--color", "never"});
  EXPECT_EQ(text.out.find('\xff'), std::string::npos);
}

std::string Utf16(const std::string& ascii, bool big_endian) {
  std::string out = big_endian ? std::string("\xfe\xff") : std::string("\xff\xfe");
  for (char c : ascii) {
    if (big_endian) out += '\0';
    out += c;
    if (!big_endian) out += '\0';
  }
  return out;
}

TEST(BadInput, Utf16LeResxSecretIsFoundOnTheRightLine) {
  TempDir d;
  PlantWitness(d.path(), 115);
  const std::string prefix = "  <data name=\"GithubToken\"><value>";
  std::string resx =
      "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<root>\r\n  <data name=\"Title\"><value>Hello</value></data>\r\n" +
      prefix + FakeGithubToken(116) + "</value></data>\r\n</root>\r\n";
  WriteFile(d.path() / "Resources.resx", Utf16(resx, false));
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "Resources.resx");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], 4);
  EXPECT_EQ(found[0]["location"]["start_column"], prefix.size() + 1);
  EXPECT_TRUE(WitnessFound(run.report));
}

TEST(BadInput, Utf16BeStringsSecretIsFoundOnTheRightLine) {
  TempDir d;
  PlantWitness(d.path(), 117);
  std::string strings = "/* Localizable */\n\"title\" = \"Hello\";\n\"gh_token\" = \"" + FakeGithubToken(118) + "\";\n";
  WriteFile(d.path() / "en.lproj" / "Localizable.strings", Utf16(strings, true));
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "en.lproj/Localizable.strings");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], 3);
  EXPECT_TRUE(WitnessFound(run.report));
}

TEST(BadInput, CrlfLineNumbersAreRight) {
  TempDir d;
  WriteFile(d.path() / "win.ini", "[auth]\r\nuser = me\r\n\r\ntoken = " + FakeGithubToken(119) + "\r\nend\r\n");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "win.ini");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], 4);
  EXPECT_EQ(found[0]["location"]["start_column"], 9);
  EXPECT_EQ(found[0]["location"]["end_line"], 4);
}

TEST(BadInput, CrOnlyLineNumbersAreRight) {
  TempDir d;
  WriteFile(d.path() / "classic-mac.txt", "line one\rline two\r\rtoken = " + FakeGithubToken(120) + "\rend\r");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  std::vector<json> found = FindingsAt(run.report, "classic-mac.txt");
  ASSERT_EQ(found.size(), 1u) << run.r.out;
  EXPECT_EQ(found[0]["location"]["start_line"], 4);
  EXPECT_EQ(found[0]["location"]["start_column"], 9);
}

// ---------------------------------------------------------------------------------------
// Symlinks and permissions

TEST(BadInput, SymlinkLoopTerminatesAndIsCounted) {
  TempDir d;
  PlantWitness(d.path(), 121);
  fs::create_directories(d.path() / "loop");
  fs::create_directory_symlink("..", d.path() / "loop" / "up");
  fs::create_symlink("b", d.path() / "a");
  fs::create_symlink("a", d.path() / "b");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(Summary(run.report)["skipped_symlinks"], 3);
  EXPECT_TRUE(Summary(run.report)["errors"].empty());
  EXPECT_EQ(run.report["findings"].size(), 1u);
  EXPECT_TRUE(WitnessFound(run.report));
}

TEST(BadInput, SymlinksOutOfTheRootAreNotFollowed) {
  TempDir outside;
  WriteFile(outside.path() / "secret.env", "GH_TOKEN=" + FakeGithubToken(122) + "\n");
  TempDir d;
  PlantWitness(d.path(), 123);
  fs::create_symlink(outside.path() / "secret.env", d.path() / "linked.env");
  fs::create_directory_symlink(outside.path(), d.path() / "linked-dir");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(Summary(run.report)["skipped_symlinks"], 2);
  EXPECT_EQ(run.report["findings"].size(), 1u) << run.r.out;
  EXPECT_TRUE(WitnessFound(run.report));
}

// Root ignores permission bits, so the unreadable case runs keyhole as "nobody" through
// setpriv (util-linux). Exit 2 (the scan is incomplete), the file is named, and the rest
// of the tree is still scanned.
TEST(BadInput, UnreadableFileExitsTwoNamingItAndTheRestIsScanned) {
  if (geteuid() != 0 && access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no setpriv";
  FastTempDir d;
  fs::permissions(d.path(), fs::perms::all & ~fs::perms::others_write & ~fs::perms::group_write);
  PlantWitness(d.path(), 124);
  fs::permissions(d.path() / "ok", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                       fs::perms::others_read | fs::perms::others_exec);
  fs::path locked = d.path() / "locked.env";
  WriteFile(locked, "GH_TOKEN=" + FakeGithubToken(125) + "\n");
  fs::permissions(locked, fs::perms::none);
  std::vector<std::string> argv;
  if (geteuid() == 0) argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  for (const std::string& a : {KeyholeBinary().string(), std::string("scan"), d.path().string(),
                               std::string("--format"), std::string("json"), std::string("--no-progress")})
    argv.push_back(a);
  CommandResult r = keyhole::testing::Run(argv, {}, {}, {"XDG_CACHE_HOME=" + (d.path() / "cache").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("could not be scanned"), std::string::npos) << r.err;
  json report = ParseJson(r.out);
  ASSERT_EQ(Summary(report)["errors"].size(), 1u) << r.out;
  EXPECT_EQ(Summary(report)["errors"][0]["path"], "locked.env");
  EXPECT_NE(Summary(report)["errors"][0]["message"].get<std::string>().find("permission denied"), std::string::npos);
  EXPECT_TRUE(WitnessFound(report)) << r.out;
  // The text format names the file on the terminal as well.
  argv.erase(argv.end() - 3, argv.end() - 1);
  CommandResult text = keyhole::testing::Run(argv, {}, {}, {"XDG_CACHE_HOME=" + (d.path() / "cache").string()});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE((text.out + text.err).find("locked.env"), std::string::npos) << text.out << text.err;
}

// ---------------------------------------------------------------------------------------
// Big and deep trees

TEST(BadInput, DirectoryWith100000FilesIsScannedCompletely) {
  FastTempDir d;
  fs::path many = d.path() / "many";
  fs::create_directories(many);
  for (int i = 0; i < 100000; ++i) {
    std::string name = (many / ("f" + std::to_string(i) + ".txt")).string();
    int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    std::string body = "value " + std::to_string(i) + "\n";
    ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
    close(fd);
  }
  WriteFile(many / "f77777.txt", "value\ntoken = " + FakeGithubToken(126) + "\n");
  PlantWitness(d.path(), 127);
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(Summary(run.report)["files_scanned"], 100001);
  EXPECT_EQ(FindingsAt(run.report, "many/f77777.txt").size(), 1u);
  EXPECT_TRUE(WitnessFound(run.report));
}

TEST(BadInput, DeeplyNestedPathIsScanned) {
  TempDir d;
  PlantWitness(d.path(), 128);
  std::string rel;
  for (int i = 0; i < 150; ++i) rel += "level" + std::to_string(i % 10) + "/";  // ~1 KiB path
  WriteFile(d.path() / (rel + "deep.env"), "GH_TOKEN=" + FakeGithubToken(129) + "\n");
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  EXPECT_EQ(FindingsAt(run.report, rel + "deep.env").size(), 1u);
  EXPECT_TRUE(WitnessFound(run.report));
}

// rm -rf relative to a directory descriptor, for trees deeper than PATH_MAX.
void RemoveTreeAt(int parent, const char* name) {
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (fd >= 0) {
    DIR* dir = fdopendir(fd);
    std::vector<std::string> children;
    while (struct dirent* e = readdir(dir)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") children.push_back(n);
    }
    for (const std::string& c : children) {
      if (unlinkat(dirfd(dir), c.c_str(), 0) != 0) RemoveTreeAt(dirfd(dir), c.c_str());
    }
    closedir(dir);
  }
  unlinkat(parent, name, AT_REMOVEDIR);
}

// A path longer than PATH_MAX (4096) cannot be opened by name: keyhole must say so
// (exit 2, the directory named), never silently drop the subtree.
TEST(BadInput, PathLongerThanPathMaxIsAnErrorNotASilentSkip) {
  TempDir d;
  PlantWitness(d.path(), 130);
  std::string component(200, 'n');
  int dfd = open(d.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dfd, 0);
  for (int i = 0; i < 25; ++i) {  // 25 × 201 bytes > PATH_MAX
    ASSERT_EQ(mkdirat(dfd, component.c_str(), 0755), 0);
    int next = openat(dfd, component.c_str(), O_RDONLY | O_DIRECTORY);
    close(dfd);
    ASSERT_GE(next, 0);
    dfd = next;
  }
  int fd = openat(dfd, "deep.env", O_WRONLY | O_CREAT, 0644);
  std::string body = "GH_TOKEN=" + FakeGithubToken(131) + "\n";
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  close(dfd);
  JsonRun run = ScanJson(d.path());
  EXPECT_EQ(run.r.exit_code, 2) << run.r.out;
  EXPECT_NE(run.r.err.find("could not be scanned"), std::string::npos) << run.r.err;
  ASSERT_EQ(Summary(run.report)["errors"].size(), 1u) << run.r.out;
  EXPECT_EQ(Summary(run.report)["errors"][0]["message"], "file name too long");
  EXPECT_TRUE(Summary(run.report)["errors"][0]["path"].get<std::string>().starts_with(component + "/"));
  EXPECT_TRUE(WitnessFound(run.report));
  // Removing by name fails past PATH_MAX too: unwind it with *at() calls.
  RemoveTreeAt(AT_FDCWD, (d.path() / component).c_str());
}

// ---------------------------------------------------------------------------------------
// File names

struct OddNames {
  TempDir dir;
  std::vector<std::string> names = {"with space.env", "new\nline.env", std::string("bad\xff\xfe" "byte.env"),
                                    "tab\there.env", "quote\"and\\back.env"};
  OddNames() {
    unsigned seed = 140;
    for (const std::string& n : names) WriteFile(dir.path() / n, "GH_TOKEN=" + FakeGithubToken(seed++) + "\n");
  }
};

TEST(BadInput, OddFileNamesAreEscapedInText) {
  OddNames odd;
  CommandResult r = RunKeyhole({"scan", odd.dir.path().string(), "--no-progress", "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.find("new\nline"), std::string::npos) << "a raw newline in a path forges a report line";
  EXPECT_EQ(r.out.find('\xff'), std::string::npos);
  EXPECT_NE(r.out.find("with space.env"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("new\\x0aline.env"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad\\xff\\xfebyte.env"), std::string::npos) << r.out;
}

TEST(BadInput, OddFileNamesAreValidJson) {
  OddNames odd;
  JsonRun run = ScanJson(odd.dir.path());
  EXPECT_EQ(run.r.exit_code, 1) << run.r.err;
  ASSERT_EQ(run.report["findings"].size(), odd.names.size()) << run.r.out;
  EXPECT_EQ(FindingsAt(run.report, "new\nline.env").size(), 1u);
  EXPECT_EQ(FindingsAt(run.report, "with space.env").size(), 1u);
  EXPECT_EQ(FindingsAt(run.report, "quote\"and\\back.env").size(), 1u);
  EXPECT_EQ(FindingsAt(run.report, "bad\xef\xbf\xbd\xef\xbf\xbd" "byte.env").size(), 1u) << "U+FFFD replaces bad bytes";
  // JSONL: one finding per line, however odd the names.
  CommandResult jsonl = RunKeyhole({"scan", odd.dir.path().string(), "--format", "jsonl"});
  size_t lines = 0;
  std::istringstream in(jsonl.out);
  for (std::string line; std::getline(in, line);) {
    ++lines;
    EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
  }
  EXPECT_EQ(lines, odd.names.size());
}

TEST(BadInput, OddFileNamesArePercentEncodedSarifUris) {
  OddNames odd;
  fs::path out = odd.dir.path() / ".." / (odd.dir.path().filename().string() + ".sarif");
  CommandResult r = RunKeyhole({"scan", odd.dir.path().string(), "--format", "sarif", "-o", out.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json sarif = ParseJson(ReadFile(out));
  std::vector<std::string> uris;
  for (const json& res : sarif["runs"][0]["results"])
    uris.push_back(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  ASSERT_EQ(uris.size(), odd.names.size());
  std::sort(uris.begin(), uris.end());
  std::vector<std::string> want = {"bad%FF%FEbyte.env", "new%0Aline.env", "quote%22and%5Cback.env", "tab%09here.env",
                                   "with%20space.env"};
  EXPECT_EQ(uris, want);
  SarifValidation v = ValidateSarif(out);
  fs::remove(out);
  if (!v.ran) GTEST_SKIP() << v.problem;
  EXPECT_EQ(v.errors, 0) << ::testing::PrintToString(v.messages);
  EXPECT_EQ(v.warnings, 0) << ::testing::PrintToString(v.messages);
}

// ---------------------------------------------------------------------------------------
// Malformed configuration: exit 2, the message names the file (and the rule when known),
// and nothing is scanned with a half-loaded rule set.

struct BadConfig {
  const char* name;
  const char* toml;
  const char* must_mention;  // besides the file name
};

class MalformedConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(MalformedConfig, ExitsTwoNamingTheFile) {
  const BadConfig& c = GetParam();
  TempDir d;
  PlantWitness(d.path(), 150);
  WriteFile(d.path() / ".keyhole.toml", c.toml);
  CommandResult r = RunKeyhole({"scan", d.path().string(), "--no-progress"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(".keyhole.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("ghp_"), std::string::npos) << "scanned despite a broken config";
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, MalformedConfig,
    ::testing::Values(
        BadConfig{"UnclosedTableHeader", "[[rules]\nid = \"x\"\n", ".keyhole.toml"},
        BadConfig{"MissingValue", "[[rules]]\nid = \nregex = 'x'\n", ".keyhole.toml"},
        BadConfig{"UnterminatedString", "[[rules]]\nid = \"open\nregex = 'x'\n", ".keyhole.toml"},
        BadConfig{"DuplicateKey", "[[rules]]\nid = \"dup-key\"\nid = \"again\"\nregex = 'x'\n", ".keyhole.toml"},
        BadConfig{"InvalidEscape", "[[rules]]\nid = \"esc\\q\"\nregex = 'x'\n", ".keyhole.toml"},
        BadConfig{"BareWordValue", "[[rules]]\nid = hello\n", ".keyhole.toml"},
        BadConfig{"TableRedefined", "[extend]\nuseDefault = true\n[extend]\nuseDefault = false\n", ".keyhole.toml"},
        BadConfig{"InvalidUtf8", "[[rules]]\nid = \"bad\xff\"\nregex = 'x'\n", ".keyhole.toml"},
        BadConfig{"WrongTypeId", "[[rules]]\nid = 5\nregex = 'x'\n", "id"},
        BadConfig{"WrongTypeKeywords", "[[rules]]\nid = \"kw-type\"\nregex = 'x'\nkeywords = \"notalist\"\n", "kw-type"},
        BadConfig{"RegexSyntaxError", "[[rules]]\nid = \"broken-regex\"\nregex = '''(unclosed'''\n", "broken-regex"},
        BadConfig{"RegexLookahead", "[[rules]]\nid = \"lookahead-rule\"\nregex = '''foo(?=bar)'''\n", "lookahead-rule"},
        BadConfig{"RegexBackreference", "[[rules]]\nid = \"backref-rule\"\nregex = '''(a)\\1'''\n", "backref-rule"},
        BadConfig{"UnknownField", "[[rules]]\nid = \"typo-rule\"\nregex = 'x'\nsecretGroupp = 1\n", "typo-rule"},
        BadConfig{"DuplicateRuleId", "[[rules]]\nid = \"twice\"\nregex = 'a'\n[[rules]]\nid = \"twice\"\nregex = 'b'\n", "twice"},
        BadConfig{"SecretGroupOutOfRange", "[[rules]]\nid = \"group-rule\"\nregex = '''(a)'''\nsecretGroup = 3\n", "group-rule"}),
    [](const ::testing::TestParamInfo<BadConfig>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace keyhole::testing
