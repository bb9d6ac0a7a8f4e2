#include "pipeline/rule_examples.h"

#include "analyze/analyze.h"

namespace keyhole::pipeline {

Result<std::unique_ptr<ExampleChecker>> ExampleChecker::Create(const rules::RuleSet& rules,
                                                                scan::DatabaseOptions options) {
  std::unique_ptr<ExampleChecker> c(new ExampleChecker());
  Result<std::unique_ptr<scan::RuleDatabase>> db = scan::RuleDatabase::Build(rules, options);
  if (!db.ok()) return db.status();
  c->db_ = std::move(db).value();
  Result<std::unique_ptr<findings::AllowlistFilter>> filter = findings::AllowlistFilter::Build(rules);
  if (!filter.ok()) return filter.status();
  c->filter_ = std::move(filter).value();
  c->scanner_ = std::make_unique<scan::Scanner>(*c->db_);
  return c;
}

std::vector<findings::Finding> ExampleChecker::Scan(const std::string& text, const std::string& path) {
  std::vector<scan::Match> matches;
  std::vector<findings::Finding> out;
  if (!scanner_->Scan(text, path, &matches).ok()) return out;
  analyze::AnalyzeOptions options;
  options.allowlist = filter_.get();
  options.scanner = scanner_.get();  // decode encoded spans, as a scan does
  Blob blob(Origin{path, "", std::nullopt}, text);
  analyze::AnalyzeBlob(blob, db_->rules(), matches, options, &out);
  analyze::CrossAnalyze(out);
  return out;
}

std::vector<ExampleFailure> ExampleChecker::Check(size_t rule_index) {
  const rules::Rule& r = db_->rules().rules.at(rule_index);
  // Path-restricted rules (browser code, Android resources...) name the path their
  // examples stand for; others are judged as a neutral server-side file.
  const std::string path = r.example_path.empty() ? "server/example.txt" : r.example_path;
  std::vector<ExampleFailure> failures;
  if (r.examples.empty() || r.negative_examples.empty()) {
    failures.push_back({r.id, r.source_file, "", false, "needs at least one example and one negative example"});
  }
  auto reported = [&](const std::string& text) {
    for (const findings::Finding& f : Scan(text, path)) {
      if (f.rule_id == r.id) return true;
    }
    return false;
  };
  for (const std::string& ex : r.examples) {
    if (!reported(ex)) failures.push_back({r.id, r.source_file, ex, false, "example not found"});
  }
  for (const std::string& ex : r.negative_examples) {
    if (reported(ex)) failures.push_back({r.id, r.source_file, ex, true, "negative example reported"});
  }
  return failures;
}

}  // namespace keyhole::pipeline
