// Scanner throughput (MB/s) on generated source-like text with a rule set shaped like the
// defaults: provider tokens with literal anchors, keyword-gated generic rules, a PEM block
// rule and one ungated rule.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace keyhole::scan {
namespace {

rules::Rule R(std::string id, std::string regex, std::vector<std::string> keywords = {}) {
  rules::Rule r;
  r.id = std::move(id);
  r.regex = std::move(regex);
  r.keywords = std::move(keywords);
  return r;
}

const rules::RuleSet& BenchRules() {
  static const rules::RuleSet set = [] {
    rules::RuleSet s;
    s.rules = {
        R("github-pat", R"(ghp_[0-9A-Za-z]{36})", {"ghp_"}),
        R("github-oauth", R"(gho_[0-9A-Za-z]{36})", {"gho_"}),
        R("github-fine", R"(github_pat_[0-9A-Za-z_]{82})", {"github_pat_"}),
        R("gitlab-pat", R"(glpat-[0-9A-Za-z_-]{20})", {"glpat-"}),
        R("aws-key-id", R"(\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)", {"akia", "asia", "abia", "acca"}),
        R("slack-token", R"((?i)xox[baprs]-[0-9a-z-]{10,80})", {"xox"}),
        R("slack-webhook", R"(https://hooks\.slack\.com/services/[A-Za-z0-9+/]{40,60})", {"hooks.slack.com"}),
        R("stripe", R"((?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{24,99})", {"sk_live", "sk_test", "rk_live"}),
        R("google-api", R"(AIza[0-9A-Za-z_-]{35})", {"aiza"}),
        R("npm", R"(npm_[A-Za-z0-9]{36})", {"npm_"}),
        R("sendgrid", R"(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})", {"sg."}),
        R("jwt", R"(\b(ey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*))", {"eyj"}),
        R("private-key",
          R"(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)",
          {"-----begin"}),
        R("generic-api-key",
          R"re((?i)(?:key|api|token|secret|client|passwd|password|auth|access)(?:[0-9a-z\-_\t .]{0,20})(?:[\s|']|[\s|"]){0,3}(?:=|>|:{1,3}=|\|\|:|<=|=>|:|\?=)(?:'|\"|\s|=|\x60){0,5}([0-9a-z\-_.=]{10,150})(?:['|\"|\n|\r|\s|\x60|;]|$))re",
          {"key", "api", "token", "secret", "client", "passwd", "password", "auth", "access"}),
        R("jwt-secret-assign", R"re((?i)jwt_?secret\s*[:=]\s*["']([^"']{8,})["'])re", {"jwt"}),
        R("bearer-http", R"(http://[^\s"']+[^\n]*Authorization:\s*Bearer)", {"bearer"}),
    };
    return s;
  }();
  return set;
}

std::string Corpus(size_t bytes) {
  std::mt19937 rng(42);
  auto pick = [&](unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); };
  static const char* kLines[] = {
      "  const result = await fetch(url, { method: 'GET', headers });",
      "  if (err != nil) { return nil, fmt.Errorf(\"read config: %w\", err) }",
      "def handle(self, request, *args, **kwargs):",
      "    for (size_t i = 0; i < items.size(); ++i) total += items[i].weight;",
      "// TODO: cache the token lookup, see the auth service docs",
      "import { useState, useEffect } from 'react';",
      "      <div className=\"card-body\">{props.children}</div>",
      "    self.api_client = ApiClient(base_url=settings.API_URL, timeout=30)",
      "}",
      "",
      "    \"version\": \"1.4.2\", \"license\": \"MIT\",",
      "  password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
  };
  std::string out;
  out.reserve(bytes + 256);
  while (out.size() < bytes) {
    out += kLines[pick(std::size(kLines))];
    out += '\n';
  }
  return out;
}

// Real text: the system's C/C++ headers (the closest thing to a source tree on every box).
std::string HeaderCorpus(size_t bytes) {
  std::string out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator("/usr/include", ec);
       !ec && it != std::filesystem::recursive_directory_iterator() && out.size() < bytes;
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    out += '\n';
  }
  return out;
}

void BM_ScanPrefilter(benchmark::State& state) {
  DatabaseOptions o;
  o.use_cache = false;
  o.prefilter = state.range(0) != 0;
  auto db = RuleDatabase::Build(BenchRules(), o);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  const size_t size = o.prefilter ? 64 << 20 : 4 << 20;
  const std::string corpus = state.range(1) != 0 ? HeaderCorpus(size) : Corpus(size);
  Scanner scanner(**db);
  std::vector<Match> out;
  for (auto _ : state) {
    out.clear();
    if (!scanner.Scan(corpus, "src/app.js", &out).ok()) state.SkipWithError("scan failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus.size()));
  state.counters["matches"] = static_cast<double>(out.size());
}
// Args: (prefilter on?, real headers instead of synthetic keyword-dense lines?)
BENCHMARK(BM_ScanPrefilter)
    ->Args({1, 0})->Args({0, 0})->Args({1, 1})->Args({0, 1})
    ->Unit(benchmark::kMillisecond);

void BM_BuildDatabase(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "keyhole-bench-cache";
  DatabaseOptions o;
  o.use_cache = state.range(0) != 0;
  o.cache_dir = dir.string();
  if (o.use_cache) (void)RuleDatabase::Build(BenchRules(), o);  // warm the cache
  for (auto _ : state) {
    auto db = RuleDatabase::Build(BenchRules(), o);
    benchmark::DoNotOptimize(db.ok());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_BuildDatabase)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keyhole::scan
