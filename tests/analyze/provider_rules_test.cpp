// The provider rule files against the false-positive filters: every example of every rule
// must survive IsPlaceholder / IsReference / IsNoise and its analyzer (a filter that
// eats real-format secrets is a recall bug), and the filters must not be the only thing
// standing between a negative example and a finding more often than intended.
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include "analyze/analyze.h"
#include "analyze/analyzer.h"
#include "analyze/noise.h"
#include "analyze/placeholder.h"
#include "core/text.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProviderFiles[] = {"cloud.toml", "vcs-ci.toml", "communication.toml",
                                          "payments.toml", "ai.toml", "observability.toml",
                                          "databases.toml", "auth-providers.toml", "others.toml"};

RE2::Options Latin1() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

struct Loaded {
  rules::Rule rule;
  std::string file;
};

std::vector<Loaded> LoadProviderRules() {
  std::vector<Loaded> out;
  for (const char* f : kProviderFiles) {
    fs::path p = keyhole::testing::SourceDir() / "rules" / f;
    toml::table doc;
    try {
      doc = toml::parse_file(p.string());
    } catch (const toml::parse_error& e) {
      ADD_FAILURE() << p << ": " << e.description();
      continue;
    }
    toml::array* arr = doc["rules"].as_array();
    if (arr == nullptr) continue;
    for (toml::node& n : *arr) {
      toml::table& t = *n.as_table();
      Loaded l;
      l.file = f;
      l.rule.id = t["id"].value_or(std::string());
      l.rule.category = t["category"].value_or(std::string("provider"));
      l.rule.regex = t["regex"].value_or(std::string());
      l.rule.secret_group = static_cast<int>(t["secretGroup"].value_or(int64_t{0}));
      l.rule.analyzer = t["analyzer"].value_or(std::string());
      l.rule.entropy = t["entropy"].value_or(0.0);
      if (auto* kw = t["keywords"].as_array())
        for (auto& k : *kw) l.rule.keywords.push_back(k.value_or(std::string()));
      if (auto* ex = t["examples"].as_array())
        for (auto& e : *ex) l.rule.examples.push_back(e.value_or(std::string()));
      if (auto* ex = t["negative_examples"].as_array())
        for (auto& e : *ex) l.rule.negative_examples.push_back(e.value_or(std::string()));
      out.push_back(std::move(l));
    }
  }
  return out;
}

// The line of `text` containing offset `pos`.
std::string_view LineAt(std::string_view text, size_t pos) {
  size_t b = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  b = b == std::string_view::npos ? 0 : b + 1;
  size_t e = text.find('\n', pos);
  return text.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
}

// True if `text` yields a finding of `rule` after regex, entropy, filters and analyzer.
bool ProducesFinding(const rules::Rule& rule, const RE2& re, std::string_view text,
                     std::string* why) {
  std::string_view input = text;
  int groups = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups) + 1);
  size_t start = 0;
  while (start <= text.size() &&
         re.Match(input, start, input.size(), RE2::UNANCHORED, sub.data(), groups + 1)) {
    std::string_view secret(sub[static_cast<size_t>(rule.secret_group)].data(),
                            sub[static_cast<size_t>(rule.secret_group)].size());
    size_t pos = static_cast<size_t>(secret.data() - text.data());
    std::string_view line = LineAt(text, pos);
    start = static_cast<size_t>(sub[0].data() - text.data() + std::max<size_t>(1, sub[0].size()));
    if (rule.entropy > 0 && ShannonEntropy(secret) < rule.entropy) { *why = "entropy"; continue; }
    if (IsPlaceholder(secret)) { *why = "placeholder"; continue; }
    if (IsReference(secret, line)) { *why = "reference"; continue; }
    if (IsNoise(rule, secret, line, "src/settings.py")) { *why = "noise"; continue; }
    if (!rule.analyzer.empty()) {
      AnalyzerFn fn = FindAnalyzer(rule.analyzer);
      if (fn != nullptr) {
        findings::Finding f;
        Candidate c{rule, secret, std::string_view(sub[0].data(), sub[0].size()), "src/settings.py", text, pos, f};
        if (fn(c) == Verdict::kDrop) { *why = "analyzer"; continue; }
      }
    }
    return true;
  }
  return false;
}

TEST(ProviderRules, AtLeast150WithUniqueIds) {
  std::vector<Loaded> all = LoadProviderRules();
  EXPECT_GE(all.size(), 150u);
  std::set<std::string> ids;
  for (const Loaded& l : all) EXPECT_TRUE(ids.insert(l.rule.id).second) << l.rule.id;
}

TEST(ProviderRules, RegexesCompileInRe2AndAnalyzersExist) {
  for (const Loaded& l : LoadProviderRules()) {
    RE2 re(l.rule.regex, Latin1());
    EXPECT_TRUE(re.ok()) << l.file << ": " << l.rule.id << ": " << re.error();
    EXPECT_LE(l.rule.secret_group, re.NumberOfCapturingGroups()) << l.rule.id;
    EXPECT_TRUE(IsKnownAnalyzer(l.rule.analyzer)) << l.rule.id << ": " << l.rule.analyzer;
  }
}

TEST(ProviderRules, EveryExampleSurvivesFiltersAndAnalyzer) {
  for (const Loaded& l : LoadProviderRules()) {
    RE2 re(l.rule.regex, Latin1());
    if (!re.ok()) continue;
    for (const std::string& ex : l.rule.examples) {
      std::string why = "no regex match";
      EXPECT_TRUE(ProducesFinding(l.rule, re, ex, &why)) << l.rule.id << " (" << why << "): " << ex;
    }
  }
}

TEST(ProviderRules, NoNegativeExampleProducesAFinding) {
  for (const Loaded& l : LoadProviderRules()) {
    RE2 re(l.rule.regex, Latin1());
    if (!re.ok()) continue;
    for (const std::string& ex : l.rule.negative_examples) {
      std::string why;
      EXPECT_FALSE(ProducesFinding(l.rule, re, ex, &why)) << l.rule.id << ": " << ex;
    }
  }
}

}  // namespace
}  // namespace keyhole::analyze
