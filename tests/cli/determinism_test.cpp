// Output does not depend on how many workers scanned (issue 6: deterministic output): the
// same tree or history scanned with 1, 2 and 7 threads gives byte-identical JSON Lines and
// SARIF. Workers finish files in whatever order the scheduler picks, so a report that
// followed completion order would differ between these runs.
#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

// A tree big enough that several workers really interleave: 40 directories of 12 files,
// findings in a third of them (two rules, several per file in some), files of very
// different sizes so that completion order differs from walk order.
void WriteTree(const TempDir& dir) {
  for (unsigned d = 0; d < 40; ++d) {
    for (unsigned f = 0; f < 12; ++f) {
      const unsigned n = d * 12 + f;
      std::string body;
      const size_t filler_lines = (n % 7 == 0) ? 4000 : 20 + n % 50;
      for (size_t i = 0; i < filler_lines; ++i) {
        body += "  const value" + std::to_string(i) + " = compute(" + std::to_string(n) + ");\n";
      }
      if (n % 3 == 0) body += "export GH_TOKEN=" + FakeGithubToken(1000 + n) + "\n";
      if (n % 5 == 0) body += "aws_access_key_id = " + FakeAwsKeyId(2000 + n) + "\n";
      if (n % 11 == 0) body += "GH2=" + FakeGithubToken(3000 + n) + "\n";
      dir.Write("d" + std::to_string(d) + "/f" + std::to_string(f) + ".js", body);
    }
  }
}

CommandResult ScanWith(const std::vector<std::string>& base, const std::string& threads,
                       const std::string& format) {
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--threads", threads, "--format", format});
  return RunKeyhole(args);
}

void ExpectSameForEveryThreadCount(const std::vector<std::string>& base) {
  for (const std::string format : {"jsonl", "sarif"}) {
    CommandResult one = ScanWith(base, "1", format);
    ASSERT_EQ(one.exit_code, 1) << one.err;
    ASSERT_GT(one.out.size(), 1000u) << "the scan must find something to order";
    for (const std::string threads : {"2", "7"}) {
      CommandResult many = ScanWith(base, threads, format);
      ASSERT_EQ(many.exit_code, 1) << many.err;
      EXPECT_TRUE(many.out == one.out)
          << format << " output with --threads " << threads << " differs from --threads 1";
    }
  }
}

TEST(Determinism, DirectoryScanOutputIsIdenticalForAnyThreadCount) {
  TempDir dir;
  WriteTree(dir);
  ExpectSameForEveryThreadCount({"scan", dir.path().string()});
}

TEST(Determinism, HistoryScanOutputIsIdenticalForAnyThreadCount) {
  TempDir repo;
  Git(repo.path(), {"init", "-q", "-b", "main"});
  for (unsigned c = 0; c < 24; ++c) {
    std::string body = "line one\n";
    for (unsigned k = 0; k <= c % 4; ++k) {
      body += "export T" + std::to_string(k) + "=" + FakeGithubToken(4000 + c * 10 + k) + "\n";
    }
    repo.Write("src/file" + std::to_string(c % 6) + ".sh", body);
    Git(repo.path(), {"add", "-A"});
    Git(repo.path(), {"commit", "-q", "-m", "change " + std::to_string(c)});
  }
  ExpectSameForEveryThreadCount({"scan", repo.path().string(), "--history"});
}

}  // namespace
}  // namespace keyhole::testing
