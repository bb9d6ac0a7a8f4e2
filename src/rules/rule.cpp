// RuleSet lookup, rule-set validation (every regex through RE2) and the content hash.
#include "rules/rule.h"

#include <re2/re2.h>

#include <cstdio>
#include <string>
#include <unordered_set>

#include "core/text.h"
#include "rules/loader.h"
#include "rules/validate.h"

namespace keyhole::rules {

int RuleSet::Find(const std::string& id) const {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

RE2::Options Re2Options() {
  RE2::Options o;
  // Byte semantics, the same as the Vectorscan prefilter, so both agree on every match.
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

namespace {

// "" if `pattern` compiles; otherwise RE2's error text. *groups gets the capture count.
std::string CompileError(const std::string& pattern, int* groups) {
  RE2 re(pattern, Re2Options());
  if (!re.ok()) return re.error();
  if (groups != nullptr) *groups = re.NumberOfCapturingGroups();
  return "";
}

}  // namespace

std::string CheckAllowlist(const Allowlist& a, bool global, bool compile_regexes) {
  if (a.paths.empty() && a.regexes.empty() && a.stopwords.empty() && a.commits.empty()) {
    // gitleaks rejects these too: an allowlist with no criterion would either allow
    // nothing (OR) or, read naively, everything (AND).
    return "allowlist has no criterion (needs one of paths, regexes, stopwords, commits)";
  }
  if (!global && !a.target_rules.empty()) {
    return "targetRules is only allowed in a global [[allowlists]] entry";
  }
  for (const std::string& p : a.paths) {
    if (p.empty()) return "allowlist path regex is empty (it would allow every file)";
    if (!compile_regexes) continue;
    std::string err = CompileError(p, nullptr);
    if (!err.empty()) return "allowlist path regex '" + p + "' does not compile: " + err;
  }
  for (const std::string& r : a.regexes) {
    if (r.empty()) return "allowlist regex is empty (it would allow every finding)";
    if (!compile_regexes) continue;
    std::string err = CompileError(r, nullptr);
    if (!err.empty()) return "allowlist regex '" + r + "' does not compile: " + err;
  }
  for (const std::string& s : a.stopwords) {
    if (s.empty()) return "allowlist stopword is empty (it would allow every finding)";
  }
  for (const std::string& c : a.commits) {
    if (c.empty()) return "allowlist commit is empty";
  }
  return "";
}

std::string CheckRule(const Rule& r, bool require_pattern, bool compile_regexes) {
  if (require_pattern && r.regex.empty() && r.path.empty()) {
    return "rule has neither 'regex' nor 'path'";
  }
  if (!r.regex.empty()) {
    if (compile_regexes) {
      int groups = 0;
      std::string err = CompileError(r.regex, &groups);
      if (!err.empty()) return "regex does not compile: " + err;
      if (r.secret_group > groups) {
        return "secretGroup " + std::to_string(r.secret_group) + " but the regex has only " +
               std::to_string(groups) + " capture group(s)";
      }
    }
  } else if (r.secret_group > 0 && (require_pattern || !r.path.empty())) {
    // (A config rule with neither regex nor path amends a rule that has one.)
    return "secretGroup set on a rule without a regex";
  }
  if (!r.path.empty() && compile_regexes) {
    std::string err = CompileError(r.path, nullptr);
    if (!err.empty()) return "path regex does not compile: " + err;
  }
  if (r.entropy < 0 || r.entropy > 8) return "entropy must be between 0 and 8 bits per byte";
  for (size_t i = 0; i < r.allowlists.size(); ++i) {
    std::string err = CheckAllowlist(r.allowlists[i], /*global=*/false, compile_regexes);
    if (!err.empty()) return "allowlist #" + std::to_string(i + 1) + ": " + err;
  }
  return "";
}

Status Validate(const RuleSet& set) {
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < set.rules.size(); ++i) {
    const Rule& r = set.rules[i];
    std::string file = r.source_file.empty() ? "<unknown>" : r.source_file;
    if (r.id.empty()) {
      return Status::InvalidArgument(file + ": rule #" + std::to_string(i + 1) + ": empty 'id'");
    }
    if (!seen.insert(r.id).second) {
      return Status::InvalidArgument(file + ": rule '" + r.id + "': duplicate id");
    }
    std::string err = CheckRule(r, /*require_pattern=*/true);
    if (!err.empty()) return Status::InvalidArgument(file + ": rule '" + r.id + "': " + err);
  }
  for (size_t i = 0; i < set.allowlists.size(); ++i) {
    std::string err = CheckAllowlist(set.allowlists[i], /*global=*/true);
    if (!err.empty()) {
      return Status::InvalidArgument("global allowlist #" + std::to_string(i + 1) + ": " + err);
    }
  }
  return Status::OK();
}

namespace {

// Length-prefixed, so no choice of field contents can make two different sets serialize
// to the same bytes.
void Put(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
}
void PutList(std::string& out, const std::vector<std::string>& v) {
  out += 'L';
  out += std::to_string(v.size());
  for (const std::string& s : v) Put(out, s);
}
void PutDouble(std::string& out, double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  Put(out, buf);
}
void PutAllowlist(std::string& out, const Allowlist& a) {
  out += 'A';
  Put(out, a.description);
  Put(out, a.condition == Condition::kAnd ? "AND" : "OR");
  PutList(out, a.paths);
  PutList(out, a.regexes);
  Put(out, a.regex_target == RegexTarget::kSecret  ? "secret"
           : a.regex_target == RegexTarget::kMatch ? "match"
                                                   : "line");
  PutList(out, a.stopwords);
  PutList(out, a.commits);
  PutList(out, a.target_rules);
}

}  // namespace

std::string RulesHash(const RuleSet& set) {
  // source_file is left out on purpose: the same rules loaded from another place are the
  // same rules (the hash keys compiled-database caches).
  std::string s = "keyhole-rules-v1\n";
  s += 'R' + std::to_string(set.rules.size());
  for (const Rule& r : set.rules) {
    Put(s, r.id);
    Put(s, r.description);
    Put(s, r.category);
    Put(s, SeverityName(r.severity));
    Put(s, r.regex);
    Put(s, std::to_string(r.secret_group));
    Put(s, r.secret_group_set ? "1" : "0");
    PutList(s, r.keywords);
    PutDouble(s, r.entropy);
    Put(s, r.path);
    Put(s, r.analyzer);
    Put(s, r.help);
    PutList(s, r.examples);
    PutList(s, r.negative_examples);
    Put(s, r.example_path);
    s += 'a' + std::to_string(r.allowlists.size());
    for (const Allowlist& a : r.allowlists) PutAllowlist(s, a);
    PutList(s, r.tags);
  }
  s += 'G' + std::to_string(set.allowlists.size());
  for (const Allowlist& a : set.allowlists) PutAllowlist(s, a);
  return Sha256Hex(s);
}

}  // namespace keyhole::rules
