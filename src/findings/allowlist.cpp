// AllowlistFilter: config allowlists with gitleaks' semantics, compiled once.
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "findings/filter.h"
#include "rules/validate.h"

namespace keyhole::findings {

namespace {

struct CompiledAllowlist {
  rules::Condition condition = rules::Condition::kOr;
  rules::RegexTarget target = rules::RegexTarget::kSecret;
  std::vector<std::unique_ptr<RE2>> paths;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<std::string> stopwords;  // lower-cased
  std::vector<std::string> commits;    // lower-cased
  std::vector<std::string> target_rules;

  bool AppliesTo(const std::string& rule_id) const {
    if (target_rules.empty()) return true;
    for (const std::string& t : target_rules) {
      if (t == rule_id) return true;
    }
    return false;
  }
};

Status CompileAll(const std::vector<std::string>& patterns, const std::string& where,
                  std::vector<std::unique_ptr<RE2>>* out) {
  for (const std::string& p : patterns) {
    auto re = std::make_unique<RE2>(p, rules::Re2Options());
    if (!re->ok()) {
      return Status::InvalidArgument(where + ": allowlist regex '" + p +
                                     "' does not compile: " + re->error());
    }
    out->push_back(std::move(re));
  }
  return Status::OK();
}

Result<CompiledAllowlist> Compile(const rules::Allowlist& a, const std::string& where) {
  CompiledAllowlist c;
  c.condition = a.condition;
  c.target = a.regex_target;
  Status st = CompileAll(a.paths, where, &c.paths);
  if (!st.ok()) return st;
  st = CompileAll(a.regexes, where, &c.regexes);
  if (!st.ok()) return st;
  for (const std::string& s : a.stopwords) c.stopwords.push_back(AsciiLower(s));
  for (const std::string& s : a.commits) c.commits.push_back(AsciiLower(s));
  c.target_rules = a.target_rules;
  return c;
}

bool AnyRegex(const std::vector<std::unique_ptr<RE2>>& res, std::string_view text) {
  for (const auto& re : res) {
    if (RE2::PartialMatch(text, *re)) return true;
  }
  return false;
}

bool CommitMatches(const std::vector<std::string>& commits, const Finding& f) {
  if (!f.git || f.git->commit.empty()) return false;
  std::string commit = AsciiLower(f.git->commit);
  for (const std::string& c : commits) {
    if (c == commit) return true;
    // Abbreviated ids, as people paste them from `git log --oneline`; shorter than 7
    // characters is too ambiguous to honour.
    if (c.size() >= 7 && commit.compare(0, c.size(), c) == 0) return true;
  }
  return false;
}

bool StopwordMatches(const std::vector<std::string>& stopwords, const std::string& secret) {
  if (stopwords.empty()) return false;
  std::string lower = AsciiLower(secret);
  for (const std::string& w : stopwords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

bool Matches(const CompiledAllowlist& a, const Finding& f, std::string_view match,
             std::string_view line) {
  // Each criterion is evaluated only when present: an absent criterion neither allows
  // (OR) nor blocks (AND).
  std::string_view target = f.secret;
  if (a.target == rules::RegexTarget::kMatch) target = match;
  if (a.target == rules::RegexTarget::kLine) target = line;

  int present = 0;
  int matched = 0;
  auto check = [&](bool has, auto&& test) {
    if (!has) return;
    ++present;
    if (test()) ++matched;
  };
  check(!a.commits.empty(), [&] { return CommitMatches(a.commits, f); });
  check(!a.paths.empty(), [&] { return AnyRegex(a.paths, f.path); });
  check(!a.regexes.empty(), [&] { return AnyRegex(a.regexes, target); });
  check(!a.stopwords.empty(), [&] { return StopwordMatches(a.stopwords, f.secret); });
  if (present == 0) return false;
  return a.condition == rules::Condition::kAnd ? matched == present : matched > 0;
}

}  // namespace

struct AllowlistFilter::Impl {
  std::vector<CompiledAllowlist> global;
  std::unordered_map<std::string, std::vector<CompiledAllowlist>> per_rule;
  std::vector<const CompiledAllowlist*> with_paths;  // into the above, filled once built
};

AllowlistFilter::~AllowlistFilter() = default;

Result<std::unique_ptr<AllowlistFilter>> AllowlistFilter::Build(const rules::RuleSet& rules) {
  auto impl = std::make_unique<Impl>();
  for (size_t i = 0; i < rules.allowlists.size(); ++i) {
    Result<CompiledAllowlist> c =
        Compile(rules.allowlists[i], "global allowlist #" + std::to_string(i + 1));
    if (!c.ok()) return c.status();
    impl->global.push_back(std::move(*c));
  }
  for (const rules::Rule& r : rules.rules) {
    if (r.allowlists.empty()) continue;
    std::vector<CompiledAllowlist>& list = impl->per_rule[r.id];
    for (const rules::Allowlist& a : r.allowlists) {
      Result<CompiledAllowlist> c = Compile(a, r.source_file + ": rule '" + r.id + "'");
      if (!c.ok()) return c.status();
      list.push_back(std::move(*c));
    }
  }
  for (const CompiledAllowlist& a : impl->global) {
    if (!a.paths.empty()) impl->with_paths.push_back(&a);
  }
  for (const rules::Rule& r : rules.rules) {  // rule order: a stable signature
    auto it = impl->per_rule.find(r.id);
    if (it == impl->per_rule.end()) continue;
    for (const CompiledAllowlist& a : it->second) {
      if (!a.paths.empty() && std::find(impl->with_paths.begin(), impl->with_paths.end(), &a) == impl->with_paths.end()) {
        impl->with_paths.push_back(&a);
      }
    }
  }
  std::unique_ptr<AllowlistFilter> filter(new AllowlistFilter());
  filter->impl_ = std::move(impl);
  return filter;
}

bool AllowlistFilter::Allowed(const Finding& f, std::string_view match,
                              std::string_view line) const {
  for (const CompiledAllowlist& a : impl_->global) {
    if (a.AppliesTo(f.rule_id) && Matches(a, f, match, line)) return true;
  }
  auto it = impl_->per_rule.find(f.rule_id);
  if (it == impl_->per_rule.end()) return false;
  for (const CompiledAllowlist& a : it->second) {
    if (Matches(a, f, match, line)) return true;
  }
  return false;
}

bool AllowlistFilter::HasPathAllowlists() const { return !impl_->with_paths.empty(); }

std::string AllowlistFilter::PathSignature(std::string_view path) const {
  std::string sig;
  sig.reserve(impl_->with_paths.size());
  for (const CompiledAllowlist* a : impl_->with_paths) sig += AnyRegex(a->paths, path) ? '1' : '0';
  return sig;
}

}  // namespace keyhole::findings
