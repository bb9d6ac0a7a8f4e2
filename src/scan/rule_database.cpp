#include "scan/rule_database.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/text.h"
#include "scan/database_impl.h"
#include "scan/embedded_database.h"
#include "scan/regex_analysis.h"

namespace keyhole::scan {

RE2::Options MatchOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

namespace {

// A literal of fewer bytes hits too often to be worth gating on by itself.
constexpr size_t kMinAnchorLength = 3;
// With the whole regex in libhs (which then reports only its real matches), two bytes are
// enough: `\bSK[0-9a-fA-F]{32}\b` is selective although "SK" alone is not.
constexpr size_t kMinRegexAnchorLength = 2;

struct Pattern {
  std::string expression;
  unsigned flags = 0;
  std::vector<uint32_t> rules;
  // For a rule's regex form: the rule, and the literal form to fall back to.
  int regex_rule = -1;
  std::string fallback_expression;
  unsigned fallback_flags = 0;
};

std::string Where(const rules::Rule& rule) {
  return "rule '" + rule.id + "'" + (rule.source_file.empty() ? "" : " in " + rule.source_file);
}

// Moves a leading RE2 flag group such as "(?i)" into libhs flags. Returns the rest.
std::string_view StripLeadingFlags(std::string_view regex, unsigned* flags) {
  const size_t length = internal::LeadingFlagGroupLength(regex);
  for (size_t k = 2; k + 1 < length; ++k) {
    switch (regex[k]) {
      case 'i': *flags |= HS_FLAG_CASELESS; break;
      case 's': *flags |= HS_FLAG_DOTALL; break;
      case 'm': *flags |= HS_FLAG_MULTILINE; break;
      default: break;  // 'U': greediness does not change which ends exist
    }
  }
  return regex.substr(length);
}

// True if libhs accepts `expression` in prefilter mode and it cannot match empty.
bool HsAccepts(const std::string& expression, unsigned flags) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_expression_info(expression.c_str(), flags, &info, &error) != HS_SUCCESS) {
    hs_free_compile_error(error);
    return false;
  }
  bool ok = info->min_width > 0;
  free(info);  // allocated with libhs' misc allocator, which defaults to malloc
  return ok;
}

}  // namespace

RuleDatabase::~RuleDatabase() = default;

Gate RuleDatabase::gate(size_t rule_index) const { return impl_->gates.at(rule_index); }

bool RuleDatabase::loaded_from_cache() const { return impl_->from_cache; }

GateStats RuleDatabase::gate_stats() const {
  GateStats s;
  for (Gate g : impl_->gates) {
    switch (g) {
      case Gate::kRegex: ++s.regex; break;
      case Gate::kKeyword: ++s.keyword; break;
      case Gate::kAlways: ++s.always; break;
      case Gate::kPathOnly: ++s.path_only; break;
    }
  }
  s.hs_fallbacks = impl_->hs_fallbacks;
  return s;
}

Result<std::unique_ptr<RuleDatabase>> RuleDatabase::Build(const rules::RuleSet& rules,
                                                          DatabaseOptions options) {
  std::unique_ptr<RuleDatabase> db(new RuleDatabase());
  db->rules_ = &rules;
  db->impl_ = std::make_unique<Impl>();
  Impl& impl = *db->impl_;
  impl.options = options;
  const size_t n = rules.rules.size();
  if (n >= UINT32_MAX) return Status::InvalidArgument("too many rules");
  impl.gates.assign(n, Gate::kAlways);
  impl.multiline.assign(n, false);
  impl.sparse.assign(n, false);
  impl.lazy_prefix.resize(n);
  impl.has_path.assign(n, false);
  impl.keywords.resize(n);

  for (size_t i = 0; i < n; ++i) {
    const rules::Rule& rule = rules.rules[i];
    if (rule.regex.empty() && rule.path.empty()) {
      return Status::InvalidArgument(Where(rule) + ": has neither a regex nor a path");
    }
    if (!rule.path.empty()) {
      if (impl.path_set == nullptr) {
        impl.path_set = std::make_unique<RE2::Set>(MatchOptions(), RE2::UNANCHORED);
      }
      std::string error;
      if (impl.path_set->Add(rule.path, &error) < 0) {
        return Status::InvalidArgument(Where(rule) + ": bad path regex: " + error);
      }
      impl.path_set_rules.push_back(static_cast<uint32_t>(i));
      impl.has_path[i] = true;
    }
    for (const std::string& k : rule.keywords) {
      if (!k.empty()) impl.keywords[i].push_back(AsciiLower(k));
    }
    impl.multiline[i] = !rule.regex.empty() && internal::IsMultiLine(rule.regex);
    impl.sparse[i] = rule.analyzer == "context";
    impl.lazy_prefix[i] = internal::SplitLazyClassPrefix(rule.regex);
  }

  if (impl.path_set != nullptr && !impl.path_set->Compile()) {
    return Status::Internal("the rules' path filters do not fit in RE2's memory budget");
  }

  std::string cache_dir, cache_key;
  if (options.prefilter && options.use_cache) {
    cache_key = internal::CacheKey(rules);
    // The default rules' database, compiled when keyhole was built: used when these are
    // exactly those rules and this CPU is the build machine's (the key covers both), so a
    // first run, or any run in a fresh CI container, compiles nothing.
    const EmbeddedDatabase embedded = EmbeddedDefaultDatabase();
    if (!embedded.key.empty() && embedded.key == cache_key &&
        internal::DecodeEntry(embedded.entry, n, &impl)) {
      return db;
    }
    cache_dir = internal::CacheDir(options);
    if (!cache_dir.empty()) {
      // An entry exists only for rules that compiled and validated before (the key covers
      // everything validation looks at), so a hit skips RE2 validation too.
      if (internal::LoadCached(cache_dir, cache_key, n, &impl)) {
        impl.from_cache = true;
        return db;
      }
    }
  }

  // Validate every regex now, so that a bad rule is an error at start-up naming the rule,
  // not a scan error later. (Scanners still build their own RE2s on first hit.)
  for (size_t i = 0; i < n; ++i) {
    const rules::Rule& rule = rules.rules[i];
    if (rule.regex.empty()) continue;
    RE2 re(rule.regex, MatchOptions());
    if (!re.ok()) return Status::InvalidArgument(Where(rule) + ": bad regex: " + re.error());
    if (rule.secret_group < 0 || rule.secret_group > re.NumberOfCapturingGroups()) {
      return Status::InvalidArgument(Where(rule) + ": secretGroup " +
                                     std::to_string(rule.secret_group) + " but the regex has " +
                                     std::to_string(re.NumberOfCapturingGroups()) + " groups");
    }
  }

  // Plan each rule's gate and its libhs patterns.
  std::vector<Pattern> patterns;
  std::map<std::string, size_t> keyword_pattern;  // keyword -> index in patterns
  for (size_t i = 0; i < n; ++i) {
    const rules::Rule& rule = rules.rules[i];
    const auto r = static_cast<uint32_t>(i);
    if (rule.regex.empty()) {
      impl.gates[i] = Gate::kPathOnly;
      continue;
    }
    const std::vector<internal::RequiredLiteral> literals =
        internal::ExtractRequiredLiteralSet(rule.regex);
    size_t strength = literals.empty() ? 0 : SIZE_MAX;
    for (const auto& lit : literals) strength = std::min(strength, lit.bytes.size());
    std::optional<Pattern> regex_pattern;
    if (strength >= kMinRegexAnchorLength) {
      Pattern p;
      p.rules = {r};
      bool any_caseless = false;
      for (const auto& lit : literals) {
        if (!p.fallback_expression.empty()) p.fallback_expression += '|';
        p.fallback_expression += internal::EscapeForHs(lit.bytes);
        any_caseless |= lit.caseless;
      }
      if (literals.size() > 1) p.fallback_expression = "(?:" + p.fallback_expression + ")";
      p.fallback_flags = any_caseless ? HS_FLAG_CASELESS : 0;  // a superset is fine
      unsigned flags = HS_FLAG_PREFILTER;
      // A lazy class prefix only moves where a match starts, and libhs reports ends: the
      // pattern without it has the same end offsets and is cheaper for libhs.
      std::string expression(StripLeadingFlags(
          impl.lazy_prefix[i] ? impl.lazy_prefix[i]->search_regex : rule.regex, &flags));
      // libhs and RE2-on-a-line disagree about ^ and $ at "\r" line ends; dropping the
      // assertions gives libhs a superset with the same end offsets, which is all a
      // prefilter needs.
      bool hs_form = true;
      if (internal::HasBoundaryAssertion(expression)) {
        auto stripped = internal::WithoutBoundaryAssertions(expression);
        hs_form = stripped.has_value();
        if (stripped) expression = std::move(*stripped);
      }
      // Unicode classes and non-ASCII bytes: libhs' byte mode classifies and case-folds
      // them differently from RE2's Latin-1 mode, so such rules enter by their literal.
      const bool byte_semantics_differ =
          rule.regex.find("\\p") != std::string::npos ||
          rule.regex.find("\\P") != std::string::npos ||
          std::any_of(rule.regex.begin(), rule.regex.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      if (hs_form && !byte_semantics_differ && HsAccepts(expression, flags)) {
        p.expression = std::move(expression);
        p.flags = flags;
        p.regex_rule = static_cast<int>(i);
        regex_pattern = std::move(p);
      } else if (strength >= kMinAnchorLength) {
        if (hs_form && !byte_semantics_differ) ++impl.hs_fallbacks;
        p.expression = p.fallback_expression;
        p.flags = p.fallback_flags;
        regex_pattern = std::move(p);
      }
      // else: a two-byte literal alone would gate far too often; keywords do better.
    }
    if (regex_pattern) {
      impl.gates[i] = Gate::kRegex;
      patterns.push_back(std::move(*regex_pattern));
    } else if (!impl.keywords[i].empty()) {
      impl.gates[i] = Gate::kKeyword;
      for (const std::string& k : impl.keywords[i]) {
        auto [it, inserted] = keyword_pattern.emplace(k, patterns.size());
        if (inserted) {
          Pattern p;
          p.expression = internal::EscapeForHs(k);
          p.flags = HS_FLAG_CASELESS;
          patterns.push_back(std::move(p));
        }
        std::vector<uint32_t>& owners = patterns[it->second].rules;
        if (owners.empty() || owners.back() != r) owners.push_back(r);
      }
    } else {
      impl.gates[i] = Gate::kAlways;
    }
  }

  if (!options.prefilter) return db;  // the reference mode never consults libhs

  // Compile; a pattern libhs rejects falls back (regex -> literal; literal -> RE2 always)
  // and the compile is retried, so no rule is ever dropped.
  while (!patterns.empty()) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags, ids;
    for (size_t k = 0; k < patterns.size(); ++k) {
      expressions.push_back(patterns[k].expression.c_str());
      flags.push_back(patterns[k].flags);
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_compile_error_t* error = nullptr;
    hs_error_t rc = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                     static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK,
                                     nullptr, &impl.hs, &error);
    if (rc == HS_SUCCESS) break;
    const int bad = error != nullptr ? error->expression : -1;
    const std::string message = error != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    impl.hs = nullptr;
    if (bad < 0 || static_cast<size_t>(bad) >= patterns.size()) {
      return Status::Internal("libhs could not compile the rule database: " + message);
    }
    Pattern& p = patterns[bad];
    if (p.regex_rule >= 0) {
      p.expression = p.fallback_expression;
      p.flags = p.fallback_flags;
      p.regex_rule = -1;
      ++impl.hs_fallbacks;
    } else {
      for (uint32_t r : p.rules) impl.gates[r] = Gate::kAlways;
      patterns.erase(patterns.begin() + bad);
    }
  }
  // A keyword-gated rule demoted above may still own other keyword patterns; drop those
  // references so that every rule is gated exactly as its gate says.
  for (const Pattern& p : patterns) {
    std::vector<uint32_t> owners;
    for (uint32_t r : p.rules) {
      if (impl.gates[r] != Gate::kAlways) owners.push_back(r);
    }
    impl.pattern_rules.push_back(std::move(owners));
  }
  if (!cache_key.empty() && !cache_dir.empty()) internal::StoreCached(cache_dir, cache_key, impl);
  return db;
}

}  // namespace keyhole::scan
