// Suppression: config allowlists (gitleaks semantics), inline allow comments, baselines.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhole::findings {

// True if `line` (or, for the -next-line form, `previous_line`) carries an inline allow:
// "keyhole:allow", "gitleaks:allow", "pragma: allowlist secret" on the line itself, or
// "keyhole:allow-next-line" / "pragma: allowlist nextline secret" on the line before.
bool InlineAllowed(std::string_view line, std::string_view previous_line);

// Compiled allowlists of a rule set. Immutable after Build(); thread-safe.
class AllowlistFilter {
 public:
  static Result<std::unique_ptr<AllowlistFilter>> Build(const rules::RuleSet& rules);
  ~AllowlistFilter();
  // True if a global allowlist or the finding's rule's allowlist suppresses it.
  // `match` is the whole regex match; `line` the source line.
  bool Allowed(const Finding& f, std::string_view match, std::string_view line) const;

  // Whether any allowlist (global or a rule's) has `paths`.
  bool HasPathAllowlists() const;
  // Which of the allowlists with `paths` name `path`: one '0' or '1' per such allowlist.
  // Allowed() depends on a finding's path only through this, so two paths with the same
  // signature are judged alike; a signature without '1' means no allowlist names the path
  // (a finding allowed there is allowed at every path).
  std::string PathSignature(std::string_view path) const;

  struct Impl;
 private:
  AllowlistFilter() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyhole::findings
