// The labeled precision/recall benchmark (issue 5 item 7): generates a corpus of realistic
// project trees with planted fake secrets and look-alikes (gen_corpus.py), scans it with the
// built keyhole binary and fails if precision or recall of any floored category drops
// below the floor (score.py). The PrecisionScorer tests check the scorer itself on
// fabricated reports, so a broken scorer cannot make the benchmark pass.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_util.h"

namespace keyhole {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::Run;
using testing::SourceDir;
using testing::TempDir;

// The categories the 95% floor applies to (every category the corpus labels).
constexpr const char* kFloorCategories =
    "jwt,signing-key,private-key,provider,database,frontend,generic,encoded,credential-file,http-bearer";
constexpr const char* kFloor = "0.95";

fs::path Script(const char* name) { return SourceDir() / "tests" / "precision" / name; }

CommandResult Generate(const fs::path& out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"python3", Script("gen_corpus.py").string(), "--out", out.string(),
                                   "--seed", "7", "-q"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv);
}

CommandResult Score(const fs::path& corpus, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"python3", Script("score.py").string(), corpus.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv);
}

TEST(PrecisionBenchmark, MeetsFloorOnGeneratedCorpus) {
  TempDir dir;
  CommandResult gen = Generate(dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  CommandResult score = Score(dir.path(), {"--keyhole", testing::KeyholeBinary().string(), "--floor", kFloor,
                                           "--floor-categories", kFloorCategories});
  EXPECT_EQ(score.exit_code, 0) << score.out << score.err;
  // The table is the figure the closing note reports; show it in the test log.
  std::cout << score.out;
}

// --- the corpus

TEST(PrecisionCorpus, SameSeedGivesIdenticalCorpus) {
  TempDir a, b;
  ASSERT_EQ(Generate(a.path(), {"--copies", "1", "--fill-scale", "1"}).exit_code, 0);
  ASSERT_EQ(Generate(b.path(), {"--copies", "1", "--fill-scale", "1"}).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(a.path() / "labels.json"), testing::ReadFile(b.path() / "labels.json"));
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(a.path() / "tree")) {
    if (!e.is_regular_file()) continue;
    ++files;
    fs::path rel = fs::relative(e.path(), a.path());
    EXPECT_EQ(testing::ReadFile(e.path()), testing::ReadFile(b.path() / rel)) << rel;
  }
  EXPECT_GT(files, 50u);
}

TEST(PrecisionCorpus, EveryLabelPointsAtAnExistingLine) {
  TempDir dir;
  ASSERT_EQ(Generate(dir.path(), {"--copies", "1", "--fill-scale", "1"}).exit_code, 0);
  json labels = json::parse(testing::ReadFile(dir.path() / "labels.json"));
  ASSERT_GT(labels.size(), 100u);
  for (const json& label : labels) {
    std::string text = testing::ReadFile(dir.path() / "tree" / label["path"].get<std::string>());
    size_t line = label["line"].get<size_t>();
    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    EXPECT_GE(line, 1u) << label.dump();
    EXPECT_LE(line, lines) << label.dump();
  }
}

// --- no report shows a planted secret (issue 13 items 2 and 13)

// Every report format, of the tree and of a repository holding it (--history, with each
// planted value in a commit summary too), is searched for every planted value: in full,
// and for long ones a 16-byte slice of the middle.
TEST(PrecisionCorpus, NoReportShowsAPlantedSecret) {
  TempDir dir;
  ASSERT_EQ(Generate(dir.path(), {"--copies", "1", "--fill-scale", "1", "--values"}).exit_code, 0);
  std::vector<std::string> values = json::parse(testing::ReadFile(dir.path() / "values.json"));
  ASSERT_GT(values.size(), 100u);
  auto leaks = [&](const std::string& out) {
    std::vector<std::string> found;
    for (const std::string& v : values) {
      std::vector<std::string> fragments = {v, json(v).dump()};  // raw, and as a JSON string
      fragments.back() = fragments.back().substr(1, fragments.back().size() - 2);
      if (v.size() >= 24) fragments.push_back(v.substr(v.size() / 2 - 8, 16));
      for (const std::string& f : fragments) {
        if (out.find(f) != std::string::npos) {
          found.push_back(v.substr(0, 6) + "…");
          break;
        }
      }
    }
    return found;
  };
  const fs::path tree = dir.path() / "tree";
  // The repository: the tree in a first commit, then one commit per planted JWT/token-like
  // value whose summary names it.
  testing::Git(tree, {"init", "-q"});
  testing::Git(tree, {"add", "-A"});
  testing::Git(tree, {"commit", "-q", "-m", "import"});
  int touched = 0;
  for (size_t i = 0; i < values.size() && touched < 12; i += values.size() / 12 + 1, ++touched) {
    dir.Write("tree/touched.env", "T" + std::to_string(touched) + "=" + testing::FakeGithubToken(800 + touched) + "\n");
    testing::Git(tree, {"add", "-A"});
    testing::Git(tree, {"commit", "-q", "-m", "rotate " + values[i]});
  }
  for (int t = 0; t < touched; ++t) values.push_back(testing::FakeGithubToken(800 + t));
  for (const char* mode : {"dir", "history"}) {
    for (const char* format : {"text", "json", "jsonl", "sarif"}) {
      std::vector<std::string> args = {"scan", tree.string(), "--format", format, "--verbose"};
      if (std::string(mode) == "history") args.push_back("--history");
      CommandResult r = testing::RunKeyhole(args);
      EXPECT_EQ(r.exit_code, 1) << mode << " " << format << ": " << r.err;
      EXPECT_EQ(leaks(r.out + r.err), std::vector<std::string>{}) << mode << " " << format;
    }
  }
  // The control: with --show-secrets the JSON report shows them.
  CommandResult shown = testing::RunKeyhole({"scan", tree.string(), "--format", "json", "--history", "--show-secrets"});
  EXPECT_GT(leaks(shown.out).size(), values.size() / 2);
}

// --- the scorer, on fabricated labels and reports

class PrecisionScorer : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "tree");
    dir_.Write("labels.json", json::array({
        Label("a.js", 3, "jwt", "secret"),
        Label("a.js", 9, "jwt", "secret"),
        Label("a.js", 12, "jwt", "lookalike"),
        Label("b.py", 1, "provider", "secret"),
        Label("c.env", 1, "frontend", "secret"),
        Label("c.env", 2, "frontend", "info-expected"),
        Label("d.go", 5, "http-bearer", "secret"),
    }).dump());
  }

  static json Label(const std::string& path, int line, const std::string& category, const std::string& kind) {
    return {{"path", path}, {"line", line}, {"category", category}, {"kind", kind}, {"note", "n"}};
  }
  static json Finding(const std::string& path, int line, const std::string& category,
                      const std::string& severity = "high") {
    return {{"rule_id", category + "-rule"}, {"category", category}, {"severity", severity}, {"path", path},
            {"location", {{"start_line", line}, {"start_column", 1}, {"end_line", line}, {"end_column", 5}}}};
  }

  // Scores `findings` as a report; returns the scorer's exit code, fills `result`.
  int ScoreFindings(const json& findings, const std::string& floor_categories, json* result = nullptr) {
    dir_.Write("report.json", json{{"findings", findings}, {"summary", json::object()}}.dump());
    CommandResult r = Score(dir_.path(), {"--findings-json", (dir_.path() / "report.json").string(), "--json",
                                          "--floor", "0.95", "--floor-categories", floor_categories});
    if (result != nullptr && !r.out.empty()) *result = json::parse(r.out);
    return r.exit_code;
  }

  TempDir dir_;
};

TEST_F(PrecisionScorer, CountsHitsMissesAndFalseAlarmsPerCategory) {
  json result;
  ScoreFindings(json::array({Finding("a.js", 3, "jwt"), Finding("a.js", 3, "generic"),  // two rules, one hit
                             Finding("a.js", 12, "jwt"),                                 // on a look-alike
                             Finding("b.py", 1, "provider"), Finding("e.rb", 4, "provider")}),  // unlabeled
                "jwt,provider", &result);
  const json& jwt = result["categories"]["jwt"];
  EXPECT_EQ(jwt["tp"], 1);
  EXPECT_EQ(jwt["fn"], 1);
  EXPECT_EQ(jwt["fp"], 1);
  EXPECT_DOUBLE_EQ(jwt["precision"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(jwt["recall"].get<double>(), 0.5);
  const json& provider = result["categories"]["provider"];
  EXPECT_EQ(provider["tp"], 1);
  EXPECT_EQ(provider["fp"], 1);
  EXPECT_DOUBLE_EQ(provider["recall"].get<double>(), 1.0);
  ASSERT_EQ(result["misses"].size(), 3u);  // a.js:9, c.env:1 and d.go:5
}

TEST_F(PrecisionScorer, FailsWhenAFlooredCategoryMissesASecret) {
  json result;
  int rc = ScoreFindings(json::array({Finding("a.js", 3, "jwt"), Finding("b.py", 1, "provider")}), "jwt,provider",
                         &result);
  EXPECT_EQ(rc, 1);
  ASSERT_FALSE(result["failures"].empty());
  EXPECT_NE(result["failures"][0].get<std::string>().find("jwt: recall"), std::string::npos) << result["failures"];
}

TEST_F(PrecisionScorer, PassesWhenEverySecretIsFoundWithoutAlarms) {
  EXPECT_EQ(ScoreFindings(json::array({Finding("a.js", 3, "jwt"), Finding("./a.js", 9, "jwt"),
                                       Finding("b.py", 1, "provider"), Finding("d.go", 5, "http-bearer")}),
                          "jwt,provider,http-bearer"),
            0);
}

TEST_F(PrecisionScorer, IgnoresMissesInCategoriesNotFloored) {
  json all_but_bearer = json::array({Finding("a.js", 3, "jwt"), Finding("a.js", 9, "jwt"),
                                     Finding("b.py", 1, "provider")});
  EXPECT_EQ(ScoreFindings(all_but_bearer, "jwt,provider"), 0);
  EXPECT_EQ(ScoreFindings(all_but_bearer, "jwt,provider,http-bearer"), 1);
}

TEST_F(PrecisionScorer, FailsOnAFalseAlarmInAFlooredCategory) {
  json result;
  int rc = ScoreFindings(json::array({Finding("a.js", 3, "jwt"), Finding("a.js", 9, "jwt"),
                                      Finding("a.js", 12, "jwt"), Finding("b.py", 1, "provider")}),
                         "jwt,provider", &result);
  EXPECT_EQ(rc, 1);
  EXPECT_LT(result["categories"]["jwt"]["precision"].get<double>(), 0.95);
}

TEST_F(PrecisionScorer, InfoFindingOnPublishableKeyIsNotAnAlarm) {
  json found = json::array({Finding("a.js", 3, "jwt"), Finding("a.js", 9, "jwt"), Finding("b.py", 1, "provider"),
                            Finding("c.env", 1, "frontend"), Finding("d.go", 5, "http-bearer")});
  json info = found;
  info.push_back(Finding("c.env", 2, "provider", "info"));
  json result;
  EXPECT_EQ(ScoreFindings(info, "jwt,provider,frontend,http-bearer", &result), 0);
  EXPECT_EQ(result["info_expected"]["info"], 1);
  json loud = found;
  loud.push_back(Finding("c.env", 2, "provider", "high"));
  EXPECT_EQ(ScoreFindings(loud, "jwt,provider,frontend,http-bearer", &result), 1);
  EXPECT_EQ(result["categories"]["frontend"]["fp"], 1);
}

TEST_F(PrecisionScorer, ReportsAnUnusableReportAsAnError) {
  dir_.Write("report.json", "{\"summary\": {}}");
  CommandResult r = Score(dir_.path(), {"--findings-json", (dir_.path() / "report.json").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

}  // namespace
}  // namespace keyhole
