// The snippets users copy: action.yml, the workflows, the pre-commit manifest and the
// README's code blocks parse, and every keyhole flag they use exists.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Parses a YAML file with PyYAML (python3-yaml, installed by scripts/setup.sh) into JSON.
json LoadYaml(const fs::path& file) {
  CommandResult r = Run({"python3", "-c",
                         "import json, sys, yaml\n"
                         "json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, default=str)",
                         file.string()});
  EXPECT_EQ(r.exit_code, 0) << file << ": " << r.err;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << file;
  return j;
}

// The long options `keyhole <command...> --help` lists.
std::set<std::string> HelpFlags(const std::vector<std::string>& command) {
  std::vector<std::string> args = command;
  args.push_back("--help");
  CommandResult r = RunKeyhole(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> flags;
  std::regex flag(R"((?:^|[\s,])(--[a-z][a-z0-9-]*))");
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    // Option lines are indented by two; the examples in the footer are not the contract.
    if (line.rfind("  -", 0) != 0) continue;
    for (std::sregex_iterator it(line.begin(), line.end(), flag), end; it != end; ++it) flags.insert((*it)[1]);
  }
  return flags;
}

struct Invocation {
  std::vector<std::string> command;  // e.g. {"scan"} or {"hook", "install"}
  std::vector<std::string> flags;    // --long flags on the line
  std::string line;
};

// Every `keyhole <command> [<subcommand>] ...` invocation in `text` (shell continuation
// lines joined), with the long flags it passes.
std::vector<Invocation> FindInvocations(const std::string& text) {
  static const std::map<std::string, std::set<std::string>> kSub = {
      {"scan", {}}, {"rules", {"list", "check", "explain"}}, {"baseline", {"create", "prune"}},
      {"hook", {"install", "uninstall"}}};
  std::string joined = std::regex_replace(text, std::regex(R"(\\\n\s*)"), " ");
  std::vector<Invocation> out;
  std::istringstream in(joined);
  std::regex call(R"((?:^|[\s/"'`(])keyhole"?\s+([a-z]+)(?:\s+([a-z]+))?([^\n#]*))");
  std::regex flag(R"((?:^|[\s\[|])(--[a-z][a-z0-9-]*))");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, call)) continue;
    auto cmd = kSub.find(m[1]);
    if (cmd == kSub.end()) continue;
    Invocation inv;
    inv.line = line;
    inv.command = {m[1]};
    std::string rest = m[3];
    if (m[2].matched) {
      if (cmd->second.count(m[2])) inv.command.push_back(m[2]);
      else rest = " " + std::string(m[2]) + rest;
    }
    for (std::sregex_iterator it(rest.begin(), rest.end(), flag), end; it != end; ++it)
      inv.flags.push_back((*it)[1]);
    out.push_back(inv);
  }
  return out;
}

// The fenced code blocks of a markdown file, concatenated.
std::string CodeBlocks(const std::string& markdown) {
  std::string out;
  bool in_block = false;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      continue;
    }
    if (in_block) out += line + "\n";
  }
  return out;
}

void ExpectFlagsExist(const std::vector<Invocation>& calls, const std::string& where) {
  std::map<std::vector<std::string>, std::set<std::string>> help;
  for (const Invocation& c : calls) {
    if (!help.count(c.command)) help[c.command] = HelpFlags(c.command);
    for (const std::string& f : c.flags) {
      EXPECT_TRUE(help[c.command].count(f)) << where << ": `" << f << "` is not an option of keyhole "
                                            << c.command[0] << (c.command.size() > 1 ? " " + c.command[1] : "")
                                            << "\n  in: " << c.line;
    }
  }
}

TEST(Docs, FlagExtractionSeesContinuationLines) {
  std::vector<Invocation> calls = FindInvocations("\"$dir/keyhole\" scan . \\\n   --format sarif --fail-on high\n");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].flags, (std::vector<std::string>{"--format", "--fail-on"}));
}

TEST(Docs, ActionIsValidYamlAndUsesItsInputs) {
  json action = LoadYaml(SourceDir() / "action.yml");
  ASSERT_TRUE(action.is_object());
  EXPECT_EQ(action["runs"]["using"], "composite");
  ASSERT_TRUE(action["inputs"].is_object());
  std::string text = ReadFile(SourceDir() / "action.yml");
  std::regex ref(R"(inputs\.([A-Za-z0-9_-]+))");
  for (std::sregex_iterator it(text.begin(), text.end(), ref), end; it != end; ++it) {
    EXPECT_TRUE(action["inputs"].contains((*it)[1].str())) << "action.yml uses undeclared input " << (*it)[1];
  }
  for (const json& step : action["runs"]["steps"]) {
    if (step.contains("run")) {
      EXPECT_EQ(step["shell"], "bash") << step.dump();  // composite steps need one
    }
  }
}

TEST(Docs, ActionPassesOnlyRealScanFlags) {
  std::vector<Invocation> calls = FindInvocations(ReadFile(SourceDir() / "action.yml"));
  ASSERT_FALSE(calls.empty()) << "action.yml runs no keyhole command";
  ExpectFlagsExist(calls, "action.yml");
}

TEST(Docs, WorkflowsAreValidYamlAndPassDeclaredInputs) {
  json action = LoadYaml(SourceDir() / "action.yml");
  size_t workflows = 0;
  for (const auto& e : fs::directory_iterator(SourceDir() / ".github/workflows")) {
    if (e.path().extension() != ".yml" && e.path().extension() != ".yaml") continue;
    ++workflows;
    json wf = LoadYaml(e.path());
    ASSERT_TRUE(wf.is_object()) << e.path();
    ASSERT_TRUE(wf["jobs"].is_object()) << e.path();
    for (const auto& [name, job] : wf["jobs"].items()) {
      for (const json& step : job["steps"]) {
        if (step.value("uses", "") != "./") continue;  // this repository's action
        const json with = step.value("with", json::object());
        for (const auto& [input, value] : with.items()) {
          EXPECT_TRUE(action["inputs"].contains(input)) << e.path() << " job " << name << " passes unknown input "
                                                        << input;
        }
      }
    }
  }
  EXPECT_GE(workflows, 2u);
}

TEST(Docs, SelfScanConfigExists) {
  // The keyhole workflow scans this repository with its own config.
  json wf = LoadYaml(SourceDir() / ".github/workflows/keyhole.yml");
  for (const json& step : wf["jobs"]["secrets"]["steps"]) {
    if (step.contains("with") && step["with"].contains("config")) {
      EXPECT_TRUE(fs::exists(SourceDir() / step["with"]["config"].get<std::string>()));
    }
  }
}

TEST(Docs, PreCommitManifestIsValidYaml) {
  json hooks = LoadYaml(SourceDir() / ".pre-commit-hooks.yaml");
  ASSERT_TRUE(hooks.is_array());
  std::set<std::string> ids;
  for (const json& h : hooks) ids.insert(h["id"].get<std::string>());
  EXPECT_TRUE(ids.count("keyhole"));
  EXPECT_TRUE(ids.count("keyhole-system"));
}

TEST(Docs, ReadmeYamlSnippetsParse) {
  std::string readme = ReadFile(SourceDir() / "README.md");
  std::istringstream in(readme);
  std::string block;
  bool in_yaml = false;
  size_t blocks = 0;
  for (std::string line; std::getline(in, line);) {
    if (!in_yaml && line.rfind("```yaml", 0) == 0) {
      in_yaml = true;
      block.clear();
      continue;
    }
    if (in_yaml && line.rfind("```", 0) == 0) {
      in_yaml = false;
      ++blocks;
      TempDir d;
      json j = LoadYaml(d.Write("snippet.yml", block));
      EXPECT_TRUE(j.is_object()) << block;
      continue;
    }
    if (in_yaml) block += line + "\n";
  }
  EXPECT_GE(blocks, 3u);
}

// Every ```toml block of the README is a config whose rules' examples pass `rules check`.
TEST(Docs, ReadmeConfigSnippetsPassRulesCheck) {
  std::string readme = ReadFile(SourceDir() / "README.md");
  std::regex block(R"(```toml\n([\s\S]*?)```)");
  size_t blocks = 0;
  for (std::sregex_iterator it(readme.begin(), readme.end(), block), end; it != end; ++it) {
    ++blocks;
    TempDir d;
    fs::path cfg = d.Write("config.toml", (*it)[1].str());
    CommandResult r = RunKeyhole({"rules", "check", "--config", cfg.string()});
    EXPECT_EQ(r.exit_code, 0) << (*it)[1].str() << "\n" << r.out << r.err;
  }
  EXPECT_GE(blocks, 2u);
}

TEST(Docs, ReadmeUsesOnlyRealFlags) {
  std::vector<Invocation> calls = FindInvocations(CodeBlocks(ReadFile(SourceDir() / "README.md")));
  EXPECT_GE(calls.size(), 10u);
  ExpectFlagsExist(calls, "README.md");
}

TEST(Docs, ReadmePinsPreCommitRevAndActionToATag) {
  std::string readme = ReadFile(SourceDir() / "README.md");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(readme, m, std::regex(R"(\n\s*rev:\s*(\S+))"))) << "no rev: in the README";
  EXPECT_TRUE(std::regex_match(m[1].str(), std::regex(R"(v\d+\.\d+\.\d+|[0-9a-f]{40})"))) << m[1];
  ASSERT_TRUE(std::regex_search(readme, m, std::regex(R"(uses:\s*[\w.-]+/keyhole@(\S+))")));
  EXPECT_TRUE(std::regex_match(m[1].str(), std::regex(R"(v\d+\.\d+\.\d+|[0-9a-f]{40})"))) << m[1];
}

}  // namespace
}  // namespace keyhole::testing
