#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/rule_loading.h"
#include "core/text.h"
#include "pipeline/rule_examples.h"
#include "rules/loader.h"
#include "scan/rule_database.h"

namespace keyhole::cli {

namespace {

std::string_view GateName(scan::Gate g) {
  switch (g) {
    case scan::Gate::kRegex: return "prefilter";
    case scan::Gate::kKeyword: return "keywords";
    case scan::Gate::kAlways: return "every-line";
    case scan::Gate::kPathOnly: return "path";
  }
  return "?";
}

int Check(const LoadedRules& loaded, bool verbose) {
  Result<std::unique_ptr<pipeline::ExampleChecker>> checker = pipeline::ExampleChecker::Create(loaded.set);
  if (!checker.ok()) {
    PrintStderr("keyhole: %s\n", checker.status().ToString().c_str());
    return 2;
  }
  size_t failures = 0, positives = 0, negatives = 0;
  for (size_t i = 0; i < loaded.set.rules.size(); ++i) {
    const rules::Rule& r = loaded.set.rules[i];
    positives += r.examples.size();
    negatives += r.negative_examples.size();
    std::vector<pipeline::ExampleFailure> fs = (*checker)->Check(i);
    for (const pipeline::ExampleFailure& f : fs) {
      std::printf("FAIL %s (%s): %s%s%s\n", f.rule_id.c_str(), f.source_file.c_str(), f.reason.c_str(),
                  f.example.empty() ? "" : ":\n    ", EscapeForTerminal(f.example).c_str());
    }
    failures += fs.size();
    if (verbose && fs.empty()) std::printf("ok   %s\n", r.id.c_str());
  }
  std::printf("%zu rules, %zu examples, %zu negative examples: %s\n", loaded.set.rules.size(), positives,
              negatives, failures == 0 ? "all pass" : (std::to_string(failures) + " failures").c_str());
  return failures == 0 ? 0 : 1;
}

int List(const LoadedRules& loaded, const std::string& format) {
  Result<std::unique_ptr<scan::RuleDatabase>> db = scan::RuleDatabase::Build(loaded.set);
  if (!db.ok()) {
    PrintStderr("keyhole: %s\n", db.status().ToString().c_str());
    return 2;
  }
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (size_t i = 0; i < loaded.set.rules.size(); ++i) {
      const rules::Rule& r = loaded.set.rules[i];
      arr.push_back({{"id", r.id}, {"description", r.description}, {"category", r.category},
                     {"severity", SeverityName(r.severity)}, {"gate", GateName((*db)->gate(i))},
                     {"keywords", r.keywords}, {"source", r.source_file}});
    }
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  size_t width = 4;
  for (const rules::Rule& r : loaded.set.rules) width = std::max(width, r.id.size());
  std::printf("%-*s  %-12s  %-8s  %-10s  %s\n", static_cast<int>(width), "ID", "CATEGORY", "SEVERITY", "GATE",
              "DESCRIPTION");
  for (size_t i = 0; i < loaded.set.rules.size(); ++i) {
    const rules::Rule& r = loaded.set.rules[i];
    std::printf("%-*s  %-12s  %-8s  %-10s  %s\n", static_cast<int>(width), r.id.c_str(), r.category.c_str(),
                std::string(SeverityName(r.severity)).c_str(), std::string(GateName((*db)->gate(i))).c_str(),
                r.description.c_str());
  }
  std::printf("%zu rules\n", loaded.set.rules.size());
  return 0;
}

int Explain(const LoadedRules& loaded, const std::string& id) {
  int idx = loaded.set.Find(id);
  if (idx < 0) {
    PrintStderr("keyhole: no rule \"%s\" (see `keyhole rules list`)\n", id.c_str());
    return 2;
  }
  const rules::Rule& r = loaded.set.rules[static_cast<size_t>(idx)];
  std::printf("%s — %s\n\n", r.id.c_str(), r.description.c_str());
  std::printf("  category:  %s\n  severity:  %s\n", r.category.c_str(), std::string(SeverityName(r.severity)).c_str());
  if (!r.analyzer.empty()) std::printf("  analyzer:  %s\n", r.analyzer.c_str());
  if (!r.keywords.empty()) {
    std::string kw;
    for (const std::string& k : r.keywords) kw += (kw.empty() ? "" : ", ") + k;
    std::printf("  keywords:  %s\n", kw.c_str());
  }
  if (r.entropy > 0) std::printf("  entropy:   >= %.2f bits/char\n", r.entropy);
  if (!r.path.empty()) std::printf("  path:      %s\n", r.path.c_str());
  std::printf("  regex:     %s\n  source:    %s\n", r.regex.c_str(), r.source_file.c_str());
  if (!r.help.empty()) std::printf("\nRemediation:\n  %s\n", r.help.c_str());
  if (!r.examples.empty()) {
    std::printf("\nFound in (examples):\n");
    for (const std::string& e : r.examples) std::printf("  %s\n", EscapeForTerminal(e).c_str());
  }
  if (!r.negative_examples.empty()) {
    std::printf("\nNot reported (negative examples):\n");
    for (const std::string& e : r.negative_examples) std::printf("  %s\n", EscapeForTerminal(e).c_str());
  }
  return 0;
}

}  // namespace

int RunRules(const RulesArgs& args) {
  Result<LoadedRules> loaded = LoadRules(args.config, std::filesystem::path());
  if (!loaded.ok()) {
    PrintStderr("keyhole: %s\n", loaded.status().ToString().c_str());
    return 2;
  }
  if (args.action == "list") return List(*loaded, args.format);
  if (args.action == "check") return Check(*loaded, args.verbose);
  return Explain(*loaded, args.rule_id);
}

std::string VersionString() {
  std::string v = std::string("keyhole ") + KEYHOLE_VERSION;
  Result<rules::RuleSet> defaults = rules::DefaultRules();
  if (defaults.ok()) {
    v += " (rules " + rules::RulesHash(*defaults).substr(0, 12) + ", " + std::to_string(defaults->rules.size()) +
         " default rules)";
  }
  return v;
}

}  // namespace keyhole::cli
