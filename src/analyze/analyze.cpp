#include "analyze/analyze.h"

#include "analyze/jwt.h"

#include <algorithm>
#include <optional>

#include "analyze/analyzer.h"
#include "analyze/file_context.h"
#include "analyze/noise.h"
#include "analyze/placeholder.h"
#include "core/text.h"

namespace keyhole::analyze {

namespace {

// Lines longer than this (minified bundles) are cut to a window around the secret.
constexpr size_t kMaxLineBytes = 4096;

// Analyzers that validate a candidate's structure (a key whose DER parses): their
// verdict outranks the placeholder/reference heuristics, which look at text only.
bool ValidatesStructure(std::string_view analyzer) {
  return analyzer == "private-key" || analyzer == "jwk" || analyzer == "client-signing";
}

// A literal passed straight to a JWT library's sign/verify call is the key: a well-known
// weak value there ("secret", "changeme") is the weakest key there is, not a placeholder,
// while "<YOUR_JWT_SECRET>" still reads as documentation.
bool IsLiteralKeyArgument(std::string_view analyzer) { return analyzer == "signing-literal"; }

// How specific a rule's category is: a generic guess yields to anything that knows the
// format; a name-based frontend guess (public env var) yields to format-aware rules.
int Specificity(const findings::Finding& f) {
  if (f.category == "generic") return 0;
  if (f.category == "frontend") return 1;
  return 2;
}

struct Pending {
  findings::Finding finding;
  size_t begin, end;              // secret span
  size_t match_len;               // whole match length: more context = more specific
  size_t order;                   // input order, for stable ties
  bool dropped = false;
};

// Keeps one finding per secret: a less specific finding overlapping a more specific one
// goes; among equally specific findings of the same span, the one with the most context.
void Dedup(std::vector<Pending>& pending) {
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.order < b.order;
  });
  for (size_t i = 0; i < pending.size(); ++i) {
    for (size_t j = i + 1; j < pending.size() && pending[j].begin < pending[i].end; ++j) {
      Pending& a = pending[i];
      Pending& b = pending[j];
      if (a.dropped || b.dropped) continue;
      int sa = Specificity(a.finding), sb = Specificity(b.finding);
      if (sa != sb) {
        (sa < sb ? a : b).dropped = true;
        continue;
      }
      if (a.begin == b.begin && a.end == b.end) {
        if (a.finding.rule_id == b.finding.rule_id || b.match_len <= a.match_len) {
          b.dropped = true;
        } else {
          a.dropped = true;
        }
      }
    }
  }
  std::erase_if(pending, [](const Pending& p) { return p.dropped; });
  std::sort(pending.begin(), pending.end(),
            [](const Pending& a, const Pending& b) { return a.order < b.order; });
}

}  // namespace

size_t AnalyzeBlob(const Blob& blob, const rules::RuleSet& rules,
                   const std::vector<scan::Match>& matches, const AnalyzeOptions& options,
                   std::vector<findings::Finding>* out) {
  if (matches.empty()) return 0;
  std::string_view data = blob.bytes();
  const Origin& origin = blob.origin();
  LineIndex index(data);
  std::optional<FileContext> context;  // computed on the first surviving candidate
  std::vector<Pending> pending;

  for (size_t mi = 0; mi < matches.size(); ++mi) {
    const scan::Match& m = matches[mi];
    if (m.rule_index >= rules.rules.size()) continue;
    if (m.secret_begin > m.secret_end || m.secret_end > data.size() ||
        m.match_begin > m.match_end || m.match_end > data.size()) {
      continue;
    }
    const rules::Rule& rule = rules.rules[m.rule_index];
    std::string_view secret = data.substr(m.secret_begin, m.secret_end - m.secret_begin);
    std::string_view match = data.substr(m.match_begin, m.match_end - m.match_begin);

    Position start = index.At(m.secret_begin);
    Position end = index.At(m.secret_end);
    if (!blob.TouchesAddedLines(start.line, end.line)) continue;

    std::string_view line = index.Line(start.line);
    std::string_view previous = start.line > 1 ? index.Line(start.line - 1) : std::string_view();
    if (findings::InlineAllowed(line, previous)) continue;
    if (rule.entropy > 0 && ShannonEntropy(secret) < rule.entropy) continue;
    bool validated = ValidatesStructure(rule.analyzer);
    if (!validated && IsPlaceholder(secret) &&
        !(IsLiteralKeyArgument(rule.analyzer) && IsWeakJwtSecret(secret))) {
      continue;
    }
    if (!validated && IsReference(secret, line)) continue;
    if (IsNoise(rule, secret, line, origin.path)) continue;

    findings::Finding f;
    f.rule_id = rule.id;
    f.category = rule.category;
    f.description = rule.description;
    f.severity = rule.severity;
    f.message = rule.description;
    f.path = origin.path;
    f.blob_id = origin.blob_id;
    f.git = origin.git;
    f.location = {start.line, start.column, end.line, end.column};
    f.secret = std::string(secret);
    // The secret's offset within its line, and a window of the line when it is huge.
    size_t line_begin = index.LineStart(start.line);
    size_t in_line = m.secret_begin - line_begin;
    size_t window = 0;
    if (line.size() > kMaxLineBytes) {
      window = in_line > kMaxLineBytes / 2 ? in_line - kMaxLineBytes / 2 : 0;
      line = line.substr(window, kMaxLineBytes);
    }
    f.line = std::string(line);
    f.line_secret_begin = static_cast<uint32_t>(std::min(in_line - window, line.size()));
    f.line_secret_end = static_cast<uint32_t>(
        std::min(in_line - window + secret.size(), line.size()));

    if (options.allowlist != nullptr && options.allowlist->Allowed(f, match, line)) continue;

    if (!rule.analyzer.empty()) {
      if (AnalyzerFn fn = FindAnalyzer(rule.analyzer)) {
        Candidate c{rule, secret, match, origin.path, data, m.secret_begin, f};
        if (fn(c) == Verdict::kDrop) continue;
      }
    }
    if (!context) context = ClassifyFile(origin.path, data);
    ApplyFileContext(*context, line, f);
    f.fingerprint = findings::Fingerprint(f.rule_id, f.path, f.secret);
    pending.push_back(Pending{std::move(f), m.secret_begin, m.secret_end,
                              m.match_end - m.match_begin, mi});
  }

  Dedup(pending);
  size_t dropped = 0;
  if (pending.size() > options.max_findings_per_blob) {
    dropped = pending.size() - options.max_findings_per_blob;
    pending.resize(options.max_findings_per_blob);
  }
  for (Pending& p : pending) out->push_back(std::move(p.finding));
  return dropped;
}

}  // namespace keyhole::analyze
