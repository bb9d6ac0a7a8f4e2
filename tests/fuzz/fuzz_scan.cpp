// Fuzz target: the scanner and AnalyzeBlob over arbitrary bytes with the default rules
// (the same path a file takes: binary check, UTF-16 decoding, matching, analysis).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "core/blob.h"
#include "core/scan_stats.h"
#include "core/text.h"
#include "findings/filter.h"
#include "rules/loader.h"
#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace {

struct State {
  keyhole::rules::RuleSet rules;
  std::unique_ptr<keyhole::scan::RuleDatabase> db;
  std::unique_ptr<keyhole::findings::AllowlistFilter> filter;
  std::unique_ptr<keyhole::scan::Scanner> scanner;
};

State& GetState() {
  static State* state = [] {
    auto* s = new State;
    keyhole::Result<keyhole::rules::RuleSet> rules = keyhole::rules::DefaultRules();
    if (!rules.ok()) std::abort();
    s->rules = std::move(rules.value());
    keyhole::scan::DatabaseOptions options;  // the on-disk cache makes restarts quick
    auto db = keyhole::scan::RuleDatabase::Build(s->rules, options);
    if (!db.ok()) std::abort();
    s->db = std::move(db.value());
    auto filter = keyhole::findings::AllowlistFilter::Build(s->rules);
    if (!filter.ok()) std::abort();
    s->filter = std::move(filter.value());
    s->scanner = std::make_unique<keyhole::scan::Scanner>(*s->db);
    return s;
  }();
  return *state;
}

}  // namespace

// Compiling the rule database takes a while under ASan: done once, before the first input
// (and outside libFuzzer's per-input timeout).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  GetState();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  State& state = GetState();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  keyhole::Origin origin;
  origin.path = "src/app/config.js";
  std::string utf8;
  bool any_run = false;
  keyhole::Blob blob;
  if (keyhole::DecodeUtf16(bytes, &utf8)) {
    blob = keyhole::Blob(std::move(origin), std::move(utf8));
  } else if (keyhole::LooksBinary(bytes)) {  // as the sources do: the printable runs
    std::string runs = keyhole::TextRuns(bytes, &any_run);
    if (!any_run) return 0;
    origin.binary = true;
    blob = keyhole::Blob(std::move(origin), std::move(runs));
  } else {
    blob = keyhole::Blob(std::move(origin), std::string(bytes));
  }
  std::vector<keyhole::scan::Match> matches;
  if (!state.scanner->Scan(blob.bytes(), blob.origin().path, &matches).ok()) return 0;
  keyhole::analyze::AnalyzeOptions options;
  options.allowlist = state.filter.get();
  std::vector<keyhole::findings::Finding> findings;
  keyhole::analyze::AnalyzeBlob(blob, state.rules, matches, options, &findings);
  keyhole::analyze::CrossAnalyze(findings);
  return 0;
}
