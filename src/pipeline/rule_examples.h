// Checks rules against their own `examples` and `negative_examples` through the real
// scanner and analyzers, exactly as a scan would judge them: an example must produce a
// finding of its rule; a negative example must not. Used by `keyhole rules check` and the
// test suite's per-rule test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "findings/filter.h"
#include "findings/finding.h"
#include "rules/rule.h"
#include "scan/rule_database.h"
#include "scan/scanner.h"

namespace keyhole::pipeline {

struct ExampleFailure {
  std::string rule_id;
  std::string source_file;
  std::string example;
  bool negative = false;  // a negative example was reported (else: an example was missed)
  std::string reason;     // e.g. "needs at least one example"
};

// Not thread-safe (owns one Scanner).
class ExampleChecker {
 public:
  // `rules` must outlive the checker.
  static Result<std::unique_ptr<ExampleChecker>> Create(const rules::RuleSet& rules,
                                                        scan::DatabaseOptions options = {});
  // Failures of rule `rule_index` (empty when it passes).
  std::vector<ExampleFailure> Check(size_t rule_index);
  // Findings of `text` scanned as a file at `path`, with every rule.
  std::vector<findings::Finding> Scan(const std::string& text, const std::string& path);

  const rules::RuleSet& rules() const { return db_->rules(); }

 private:
  ExampleChecker() = default;
  std::unique_ptr<scan::RuleDatabase> db_;
  std::unique_ptr<findings::AllowlistFilter> filter_;
  std::unique_ptr<scan::Scanner> scanner_;
};

}  // namespace keyhole::pipeline
