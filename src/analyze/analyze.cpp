#include "analyze/analyze.h"

#include "analyze/jwt.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "analyze/analyzer.h"
#include "analyze/base64.h"
#include "analyze/context.h"
#include "analyze/credential_files.h"
#include "analyze/decode.h"
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

// Rules whose secret span is the context that makes a finding (a transport rule's URL, a
// client-side signing call), not a secret: their spans are not masked in other snippets
// (report/mask.h SpanIsContext() is the reporters' side of this).
bool SpanIsContext(const rules::Rule& rule) {
  return rule.category == "transport" || rule.analyzer == "client-signing";
}

// A literal passed straight to a JWT library's sign/verify call is the key: a well-known
// weak value there ("secret", "changeme") is the weakest key there is, not a placeholder,
// while "<YOUR_JWT_SECRET>" still reads as documentation.
bool IsLiteralKeyArgument(std::string_view analyzer) { return analyzer == "signing-literal"; }

// Binary content (Origin::binary) is scanned for secrets with a format of their own only
// (provider tokens, keys, JWTs, connection strings...): the name-based guesses of the
// generic and frontend rules, run on printable runs that sit next to each other by chance,
// found machine code ("AuthentiH1 ... GenuineIH1") rather than secrets.
bool RunsOnBinary(const rules::Rule& rule) { return rule.category != "generic" && rule.category != "frontend"; }

// How specific a rule's category is: a generic guess yields to anything that knows the
// format; a name-based frontend guess (public env var) yields to format-aware rules.
int Specificity(const findings::Finding& f) {
  if (f.category == "generic") return 0;
  if (f.category == "frontend") return 1;
  return 2;
}

// Where a candidate comes from. On overlapping spans of equal specificity, a rule's match
// outranks a credential-file reader, which outranks a decoded span: the plainer evidence
// wins, so a secret is reported once.
enum class Source { kRule = 0, kReader = 1, kDecoded = 2 };

struct Pending {
  findings::Finding finding;
  size_t begin, end;              // secret span
  size_t match_len;               // whole match length: more context = more specific
  size_t order;                   // input order, for stable ties
  Source source = Source::kRule;
  bool dropped = false;
};

// Keeps one finding per secret: a less specific finding overlapping a more specific one
// goes; among equally specific findings, the plainer source (Source) wins; among those of
// the same span, the one with the most context.
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
      if (a.source != b.source) {
        (a.source > b.source ? a : b).dropped = true;
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

// One blob (or one decoded text) being analyzed.
struct Level {
  const Blob& blob;
  const rules::RuleSet& rules;
  const AnalyzeOptions& options;
  int depth;                      // 0: the blob itself; n: text decoded n times
  std::optional<LineIndex> index;      // built on first use: most blobs have no candidate
  std::optional<FileContext> context;  // computed on the first surviving candidate
  size_t next_order = 0;               // Pending::order
  // Hits of context rules (analyzer "context"): their keywords mark lines whose bindings
  // FromContext judges. (line, rule index, offset of the hit)
  struct ContextHit {
    uint32_t line;
    size_t rule_index;
    size_t offset;
  };
  std::vector<ContextHit> context_hits;
  // The span of every candidate secret of this level: every one that passed the checks of
  // being a secret (entropy, placeholder, reference, noise, analyzer, context model), kept
  // or then suppressed (allowlist, dedup, the per-file cap; baselines come later). Reporters
  // mask them in the snippets of the findings on the same line (AttachLineMasks).
  std::vector<std::pair<size_t, size_t>> masks;

  void Mask(size_t begin, size_t end) {
    if (begin < end) masks.emplace_back(begin, end);
  }

  // Findings the per-file cap dropped while the blob was still being read (PruneToCap),
  // and the most severe of them.
  size_t pruned = 0;
  std::optional<Severity> max_pruned = std::nullopt;
  size_t prune_at = 0;  // PruneToCap looks again at this many pending findings
  // The spans of the pruned findings (sorted by begin) and the longest: a later candidate
  // overlapping one is the same secret again, as Dedup would have judged, not one more.
  std::vector<std::pair<size_t, size_t>> pruned_spans = {};
  size_t pruned_longest = 0;

  bool OverlapsPruned(size_t b, size_t e) const {
    auto it = std::lower_bound(pruned_spans.begin(), pruned_spans.end(),
                               std::pair<size_t, size_t>(b > pruned_longest ? b - pruned_longest : 0, 0));
    for (; it != pruned_spans.end() && it->first < e; ++it) {
      if (it->second > b) return true;
    }
    return false;
  }
  void DropPrunedDuplicates(std::vector<Pending>* pending) const {
    if (pruned_spans.empty()) return;
    std::erase_if(*pending, [this](const Pending& p) { return OverlapsPruned(p.begin, p.end); });
  }

  uint32_t allow_checked_line = 0;  // Place(): the last line judged for inline allows
  bool line_allowed = false;
  // Decoded text of an encoded span outside the added lines of a renamed file: all its
  // candidates are carried (Place).
  bool carried = false;

  const LineIndex& Index() {
    if (!index) index.emplace(blob.bytes());
    return *index;
  }
};

// Fills the location, line and path fields of `f` for the span [begin, end) of the
// level's data. False if the span is suppressed: outside the added lines of a staged or
// diff scan, or allowed inline. Outside the added lines of a renamed file the span is
// "carried" (*carried): it was at the old path already, and only Suppressed can keep it.
bool Place(Level& lv, size_t begin, size_t end, findings::Finding& f, std::string_view* line_out,
           bool* carried) {
  Position start = lv.Index().At(begin);
  Position stop = lv.Index().At(end);
  const bool added = lv.blob.TouchesAddedLines(start.line, stop.line);
  if (!added && lv.blob.origin().moved_from.empty()) return false;
  *carried = lv.carried || !added;
  std::string_view line = lv.Index().Line(start.line);
  // Judged once per line: a line with 40,000 matches was searched for the markers 40,000
  // times.
  if (lv.allow_checked_line != start.line) {
    std::string_view previous = start.line > 1 ? lv.Index().Line(start.line - 1) : std::string_view();
    lv.allow_checked_line = start.line;
    lv.line_allowed = findings::InlineAllowed(line, previous);
  }
  if (lv.line_allowed) return false;
  const Origin& origin = lv.blob.origin();
  f.path = origin.path;
  f.blob_id = origin.blob_id;
  f.git = origin.git;
  f.location = {start.line, start.column, stop.line, stop.column};
  // The secret's offset within its line, and a window of the line when it is huge.
  size_t in_line = begin - lv.Index().LineStart(start.line);
  size_t window = 0;
  if (line.size() > kMaxLineBytes) {
    window = in_line > kMaxLineBytes / 2 ? in_line - kMaxLineBytes / 2 : 0;
    line = line.substr(window, kMaxLineBytes);
  }
  f.line = std::string(line);
  f.line_secret_begin = static_cast<uint32_t>(std::min(in_line - window, line.size()));
  f.line_secret_end = static_cast<uint32_t>(std::min(in_line - window + (end - begin), line.size()));
  *line_out = line;
  return true;
}

// True if a config allowlist suppresses `f` (its rule fields set; `match` is the whole
// match, `line` its line). A blob at several paths (Origin::other_paths) is suppressed only
// if it is at every one of them; otherwise f.path becomes the first path where it is not,
// and it is reported there. A carried finding (Place) was on the old path of a renamed
// file already: it is reported only if an allowlist suppressed it there and none does here.
bool Suppressed(const Level& lv, findings::Finding& f, std::string_view match, std::string_view line, bool carried) {
  const findings::AllowlistFilter* allow = lv.options.allowlist;
  const Origin& origin = lv.blob.origin();
  if (carried) {
    if (allow == nullptr) return true;
    f.path = origin.moved_from;
    const bool allowed_before = allow->Allowed(f, match, line);
    f.path = origin.path;
    if (!allowed_before) return true;  // reported (or baselined) at the old path: not new
  }
  if (allow == nullptr || !allow->Allowed(f, match, line)) return false;
  for (const std::string& other : origin.other_paths) {
    f.path = other;
    if (!allow->Allowed(f, match, line)) return false;
  }
  f.path = origin.path;
  return true;
}

void Finish(Level& lv, std::string_view line, findings::Finding& f) {
  if (!lv.context) lv.context = ClassifyFile(lv.blob.origin().path, lv.blob.bytes());
  ApplyFileContext(*lv.context, line, f);
  if (lv.blob.origin().binary && std::find(f.tags.begin(), f.tags.end(), "binary") == f.tags.end()) {
    f.tags.push_back("binary");  // found in the printable runs of binary content
  }
  f.fingerprint = findings::Fingerprint(f.rule_id, f.path, f.secret);
}

// Keeps the `cap` most severe of *pending (stable: equal severities keep their order) —
// 1,000 informational hits ahead of an AWS key must not push the key out — and returns the
// severity of the worst one dropped; nullopt when nothing is dropped.
std::optional<Severity> KeepMostSevere(std::vector<Pending>* pending, size_t cap,
                                       std::vector<std::pair<size_t, size_t>>* dropped_spans = nullptr) {
  if (pending->size() <= cap) return std::nullopt;
  std::stable_sort(pending->begin(), pending->end(), [](const Pending& a, const Pending& b) {
    return a.finding.severity > b.finding.severity;
  });
  const Severity worst = (*pending)[cap].finding.severity;
  if (dropped_spans != nullptr) {
    for (size_t i = cap; i < pending->size(); ++i) dropped_spans->emplace_back((*pending)[i].begin, (*pending)[i].end);
  }
  pending->resize(cap);
  return worst;
}

// Bounds memory on hostile input (a line of 40,000 tokens): once the blob has twice the
// per-file cap of findings, only the `cap` most severe are kept — the rest would be cut at
// the end anyway; their number and worst severity still reach the note and --fail-on.
void PruneToCap(Level& lv, std::vector<Pending>* pending) {
  const size_t cap = std::max<size_t>(lv.options.max_findings_per_blob, 1);
  if (lv.depth != 0 || pending->size() < std::max(2 * cap, lv.prune_at)) return;
  // Duplicates (one secret, several rules) are merged first, as at the end: they must not
  // count as dropped findings.
  Dedup(*pending);
  lv.DropPrunedDuplicates(pending);
  lv.prune_at = 2 * pending->size();  // amortised: never re-deduplicated at every push
  if (pending->size() < 2 * cap) return;
  lv.prune_at = 0;
  const size_t before = lv.pruned_spans.size();
  lv.pruned += pending->size() - cap;
  const Severity worst = *KeepMostSevere(pending, cap, &lv.pruned_spans);
  if (!lv.max_pruned || worst > *lv.max_pruned) lv.max_pruned = worst;
  for (size_t i = before; i < lv.pruned_spans.size(); ++i) {
    lv.pruned_longest = std::max(lv.pruned_longest, lv.pruned_spans[i].second - lv.pruned_spans[i].first);
  }
  std::sort(lv.pruned_spans.begin(), lv.pruned_spans.end());
}

void AnalyzeLevel(Level& lv, const std::vector<scan::Match>& matches, size_t region_begin,
                  size_t region_end, std::vector<Pending>* pending);

// Candidates from the rules' matches.
void FromMatches(Level& lv, const std::vector<scan::Match>& matches, std::vector<Pending>* pending) {
  std::string_view data = lv.blob.bytes();
  const Origin& origin = lv.blob.origin();
  for (size_t mi = 0; mi < matches.size(); ++mi) {
    const scan::Match& m = matches[mi];
    if (m.rule_index >= lv.rules.rules.size()) continue;
    if (m.secret_begin > m.secret_end || m.secret_end > data.size() ||
        m.match_begin > m.match_end || m.match_end > data.size()) {
      continue;
    }
    const rules::Rule& rule = lv.rules.rules[m.rule_index];
    if (origin.binary && !RunsOnBinary(rule)) continue;
    if (rule.analyzer == "context") {
      lv.context_hits.push_back({lv.Index().At(m.match_begin).line, m.rule_index, m.match_begin});
      continue;
    }
    std::string_view secret = data.substr(m.secret_begin, m.secret_end - m.secret_begin);
    std::string_view match = data.substr(m.match_begin, m.match_end - m.match_begin);

    findings::Finding f;
    std::string_view line;
    bool carried = false;
    if (!Place(lv, m.secret_begin, m.secret_end, f, &line, &carried)) continue;
    if (rule.entropy > 0 && ShannonEntropy(secret) < rule.entropy) continue;
    bool validated = ValidatesStructure(rule.analyzer);
    if (!validated && IsPlaceholder(secret) &&
        !(IsLiteralKeyArgument(rule.analyzer) && IsWeakJwtSecret(secret))) {
      continue;
    }
    if (!validated && IsReference(secret, line)) continue;
    if (IsNoise(rule, secret, line, origin.path)) continue;

    f.rule_id = rule.id;
    f.category = rule.category;
    f.description = rule.description;
    f.severity = rule.severity;
    f.message = rule.description;
    f.secret = std::string(secret);

    // A candidate an allowlist suppresses is still a secret to mask on its line; one the
    // rule's analyzer drops (an algorithm name, a token with a bad checksum) is not.
    const bool mask = !SpanIsContext(rule);
    if (Suppressed(lv, f, match, line, carried)) {
      if (mask) lv.Mask(m.secret_begin, m.secret_end);
      continue;
    }

    if (!rule.analyzer.empty()) {
      if (AnalyzerFn fn = FindAnalyzer(rule.analyzer)) {
        Candidate c{rule, secret, match, origin.path, data, m.secret_begin, f};
        if (fn(c) == Verdict::kDrop) continue;
      }
    }
    if (mask) lv.Mask(m.secret_begin, m.secret_end);
    Finish(lv, line, f);
    pending->push_back(Pending{std::move(f), m.secret_begin, m.secret_end,
                               m.match_end - m.match_begin, lv.next_order++});
    PruneToCap(lv, pending);
  }
}

// Candidates from the credential-file reader of the blob's path.
void FromReader(Level& lv, std::vector<Pending>* pending) {
  std::string_view data = lv.blob.bytes();
  if (!HasCredentialReader(lv.blob.origin().path)) return;
  for (CredentialHit& hit : ReadCredentialFile(lv.blob.origin().path, data)) {
    if (hit.begin >= hit.end || hit.end > data.size()) continue;
    // Each reader's findings belong to a rule of credential-files.toml: a rule that is
    // disabled (disabledRules, a config without the defaults) reads nothing.
    const int ri = lv.rules.Find(hit.rule_id);
    if (ri < 0) continue;
    const rules::Rule& rule = lv.rules.rules[static_cast<size_t>(ri)];
    lv.Mask(hit.begin, hit.end);
    findings::Finding f;
    std::string_view line;
    bool carried = false;
    if (!Place(lv, hit.begin, hit.end, f, &line, &carried)) continue;
    f.rule_id = rule.id;
    f.category = rule.category;
    f.description = rule.description;
    f.message = rule.description;
    f.severity = rule.severity;
    f.secret = std::string(data.substr(hit.begin, hit.end - hit.begin));
    f.facts = std::move(hit.facts);
    if (Suppressed(lv, f, f.secret, line, carried)) continue;
    Finish(lv, line, f);
    pending->push_back(Pending{std::move(f), hit.begin, hit.end, hit.end - hit.begin,
                               lv.next_order++, Source::kReader});
    PruneToCap(lv, pending);
  }
}

// Candidates from encoded spans of data[region_begin, region_end): each span's line, with
// the span replaced by its decoded text (so `password: <base64>` keeps its key), is scanned
// and analyzed one level deeper; findings inside the decoded text move to the encoded span.
// A generic guess about a span that decodes to text is dropped: the decoded text decides.
void FromDecoded(Level& lv, size_t region_begin, size_t region_end, std::vector<Pending>* pending) {
  std::string_view data = lv.blob.bytes();
  std::vector<EncodedSpan> spans = FindEncodedSpans(data, region_begin, region_end);
  if (spans.empty()) return;
  for (const EncodedSpan& span : spans) {
    if (span.encoding == Encoding::kPercent) continue;
    for (Pending& p : *pending) {
      if (p.source == Source::kRule && p.finding.category == "generic" && p.begin >= span.begin &&
          p.end <= span.end) {
        p.dropped = true;
      }
    }
  }
  std::erase_if(*pending, [](const Pending& p) { return p.dropped; });

  std::vector<scan::Match> matches;  // not the caller's vector: Scan appends
  for (const EncodedSpan& span : spans) {
    Position at = lv.Index().At(span.begin);
    size_t line_begin = lv.Index().LineStart(at.line);
    size_t line_end = line_begin + lv.Index().Line(at.line).size();
    if (span.end > line_end) continue;  // spans never cross lines; be safe
    // Outside the added lines the outer Place drops what the span holds (masks still come
    // from it), unless the file was renamed: then the inner level judges it as carried.
    const bool added = lv.blob.TouchesAddedLines(at.line, at.line);
    std::string text;
    text.reserve(line_end - line_begin + span.decoded.size());
    text.append(data.substr(line_begin, span.begin - line_begin));
    size_t inner_begin = text.size();
    text.append(span.decoded);
    size_t inner_end = text.size();
    text.append(data.substr(span.end, line_end - span.end));

    const Origin& origin = lv.blob.origin();
    Blob decoded(origin, std::move(text));
    matches.clear();
    if (!lv.options.scanner->Scan(decoded.bytes(), origin.path, &matches).ok()) continue;
    Level inner{decoded, lv.rules, lv.options, lv.depth + 1, std::nullopt, std::nullopt, 0, {}, {}};
    inner.carried = lv.carried || !added;
    std::vector<Pending> found;
    AnalyzeLevel(inner, matches, inner_begin, inner_end, &found);
    if (std::any_of(found.begin(), found.end(), [&](const Pending& p) {
          return p.end > inner_begin && p.begin < inner_end;
        })) {
      lv.Mask(span.begin, span.end);
    }

    for (Pending& p : found) {
      if (p.end <= inner_begin || p.begin >= inner_end) continue;  // outside the decoded text
      findings::Finding& f = p.finding;
      std::string_view line;
      bool carried = false;  // already judged by the inner level (Level::carried)
      std::string judged_at = f.path;  // the path Suppressed chose inside
      if (!Place(lv, span.begin, span.end, f, &line, &carried)) continue;
      f.path = std::move(judged_at);
      if (std::find(f.tags.begin(), f.tags.end(), "decoded") == f.tags.end()) f.tags.push_back("decoded");
      if (f.facts.contains("encoding")) {
        f.facts["encoding"] = std::string(EncodingName(span.encoding)) + "+" + f.facts["encoding"].get<std::string>();
      } else {
        f.facts["encoding"] = EncodingName(span.encoding);
      }
      pending->push_back(Pending{std::move(f), span.begin, span.end, span.end - span.begin,
                                 lv.next_order++, Source::kDecoded});
    }
  }
}

bool Dumping() {
  static const bool on = [] {
    const char* target = std::getenv("KEYHOLE_CONTEXT_DUMP");
    return target != nullptr && *target != '\0';
  }();
  return on;
}

// Developer aid for tools/train_context_model.py: with KEYHOLE_CONTEXT_DUMP=FILE, every
// context candidate's features are appended to FILE as JSON Lines (no secret values).
void DumpCandidate(std::string_view path, uint32_t line, size_t col_begin, size_t col_end,
                   std::string_view name, double score, const std::vector<float>& x) {
  static const char* target = std::getenv("KEYHOLE_CONTEXT_DUMP");
  if (target == nullptr || *target == '\0') return;
  static std::mutex mu;
  static FILE* out = std::fopen(target, "a");
  if (out == nullptr) return;
  nlohmann::json j = {{"path", std::string(path)}, {"line", line}, {"vb", col_begin},
                      {"ve", col_end}, {"name", std::string(name.substr(0, 64))},
                      {"score", score}, {"x", x}};
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(out, "%s\n", text.c_str());
  std::fflush(out);
}

// The context rule that owns a binding named `name`: a password name goes to a rule with a
// password keyword, any other name to the first hit rule with one of its keywords in the
// name, else to the first rule hit on the line.
size_t OwningRule(const Level& lv, const std::vector<size_t>& rules_hit, std::string_view name,
                  NameClass cls) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  auto has_keyword = [&](const rules::Rule& r, bool password_only) {
    for (const std::string& k : r.keywords) {
      bool pw = k.find("pass") != std::string::npos || k == "pwd";
      if (password_only ? pw : lower.find(k) != std::string::npos) return true;
    }
    return false;
  };
  if (cls == NameClass::kPassword) {
    for (size_t ri : rules_hit) {
      if (has_keyword(lv.rules.rules[ri], true)) return ri;
    }
  }
  for (size_t ri : rules_hit) {
    if (!has_keyword(lv.rules.rules[ri], true) && has_keyword(lv.rules.rules[ri], false)) return ri;
  }
  return rules_hit.front();
}

// True if `v` is base64 of printable text (`Y2hhbmdlbWU=`, a docker `auth` of "user:"):
// the decoder (FromDecoded) judges what it holds, a context guess about the encoding would
// only repeat or contradict it.
bool IsBase64OfText(std::string_view v) {
  if (v.size() < 8 || v.size() % 4 != 0) return false;
  std::optional<std::string> d = Base64Decode(v);
  if (!d || d->size() < 4) return false;
  return std::all_of(d->begin(), d->end(), [](char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
  });
}

// Candidates from bindings on the lines where a context rule's keyword occurs (context.h):
// each binding whose name says credential is scored by the context model.
void FromContext(Level& lv, std::vector<Pending>* pending) {
  if (lv.context_hits.empty()) return;
  static const size_t kBindingsFeature = static_cast<size_t>(
      std::find(FeatureNames().begin(), FeatureNames().end(), "l_bindings") - FeatureNames().begin());
  // Long lines (minified bundles) are judged in windows around the hits.
  constexpr size_t kLongLine = 4096, kWindow = 512, kMaxWindow = 4 * kWindow;
  std::sort(lv.context_hits.begin(), lv.context_hits.end(),
            [](const Level::ContextHit& a, const Level::ContextHit& b) {
              return a.line != b.line ? a.line < b.line : a.offset < b.offset;
            });
  std::string_view data = lv.blob.bytes();
  const Origin& origin = lv.blob.origin();
  FileFacts file = ClassifyPath(origin.path);
  const double threshold = ContextThreshold();
  const bool model_ok = ContextModelError().empty();
  size_t i = 0;
  uint32_t last_done = 0;
  while (i < lv.context_hits.size()) {
    uint32_t line_no = lv.context_hits[i].line;
    std::vector<size_t> rules_hit;
    size_t j = i;
    std::vector<std::pair<size_t, size_t>> windows;  // in data offsets
    size_t line_begin = lv.Index().LineStart(line_no);
    std::string_view line = lv.Index().Line(line_no);
    for (; j < lv.context_hits.size() && lv.context_hits[j].line == line_no; ++j) {
      size_t ri = lv.context_hits[j].rule_index;
      if (std::find(rules_hit.begin(), rules_hit.end(), ri) == rules_hit.end()) rules_hit.push_back(ri);
      size_t off = lv.context_hits[j].offset;
      size_t wb = off > line_begin + kWindow ? off - kWindow : line_begin;
      // + the scanner's spacing of a context rule's matches (it keeps one per 64 bytes).
      size_t we = std::min(line_begin + line.size(), off + kWindow + 64);
      if (line.size() <= kLongLine) {
        wb = line_begin;
        we = line_begin + line.size();
      }
      // Overlapping windows merge, up to kMaxWindow; past that the next window starts
      // where the last ends, so every byte of a long line is lexed at most once (one
      // window per hit re-lexed ±512 bytes for each of millions of `token=` on a line).
      if (!windows.empty() && wb <= windows.back().second) {
        if (we <= windows.back().second) continue;
        if (we - windows.back().first <= kMaxWindow) {
          windows.back().second = we;
        } else {
          windows.push_back({windows.back().second, we});
        }
      } else {
        windows.push_back({wb, we});
      }
    }
    i = j;
    // The line itself, and a plist/XML value on the next line (`<key>ApiSecret</key>`
    // then `<string>…</string>`).
    struct Part {
      size_t begin;            // data offset of the text
      std::string_view text;
      std::string_view name;   // overrides the binding's name when set
    };
    std::vector<Part> parts;
    for (auto [wb, we] : windows) parts.push_back({wb, data.substr(wb, we - wb), {}});
    if (line_no == last_done) parts.clear();
    last_done = line_no;
    if (line.size() <= kLongLine && line_no < lv.Index().line_count()) {
      size_t k = line.find("<key>");
      size_t ke = line.find("</key>");
      std::string_view next = lv.Index().Line(line_no + 1);
      if (k != std::string_view::npos && ke != std::string_view::npos && ke > k + 5 &&
          next.find("<string>") != std::string_view::npos && next.size() <= kLongLine) {
        parts.push_back({lv.Index().LineStart(line_no + 1), next, line.substr(k + 5, ke - k - 5)});
        last_done = line_no + 1;
      }
    }
    for (const Part& part : parts) {
      std::vector<Binding> bindings = FindBindings(part.text);
      std::optional<LineFeatures> line_features;
      for (Binding& b : bindings) {
        if (!part.name.empty()) {
          if (b.kind != BindingKind::kXmlElement || b.name != "string") continue;
          b.name = part.name;
        }
        NameClass cls = ClassifyName(b.name);
        if (cls == NameClass::kNone) continue;
        size_t len = b.value_end - b.value_begin;
        if (len < 3 || len > 1024) continue;
        if (IsBase64OfText(part.text.substr(b.value_begin, len))) continue;
        if (!line_features) line_features = LineFeaturesOf(part.text);
        std::vector<float> x = Features(b, part.text, file, &*line_features);
        if (kBindingsFeature < x.size()) x[kBindingsFeature] = static_cast<float>(bindings.size());
        size_t begin = part.begin + b.value_begin, end = part.begin + b.value_end;
        double score;
        if (Dumping()) {  // training needs every score exactly
          score = model_ok ? ContextScore(x) : 0.0;
          if (lv.depth == 0) {
            Position at = lv.Index().At(begin);
            DumpCandidate(origin.path, at.line, at.column - 1, at.column - 1 + len, b.name, score, x);
          }
        } else {
          score = model_ok ? ContextScoreIfReaches(x, threshold) : 0.0;
        }
        if (score < threshold) {
          if (!PolicyShapedLiteral(b, part.text)) continue;
          score = model_ok ? ContextScore(x) : 0.0;  // reported: its real score is a fact
        }
        lv.Mask(begin, end);
        const rules::Rule& rule = lv.rules.rules[OwningRule(lv, rules_hit, b.name, cls)];
        findings::Finding f;
        std::string_view placed_line;
        bool carried = false;
        if (!Place(lv, begin, end, f, &placed_line, &carried)) continue;
        f.rule_id = rule.id;
        f.category = rule.category;
        f.description = rule.description;
        f.severity = rule.severity;
        // Test fixtures and documentation examples are reported, one step lower.
        if ((file.test || file.doc || file.example) && f.severity > Severity::kLow) {
          f.severity = Severity::kLow;
        }
        f.message = rule.description;
        f.secret = std::string(data.substr(begin, end - begin));
        f.facts["binding"] = std::string(b.name.substr(0, 64));
        f.facts["context_score"] = std::round(score * 1000) / 1000;
        std::string_view secret = f.secret;
        if (Suppressed(lv, f, secret, placed_line, carried)) continue;
        Finish(lv, placed_line, f);
        pending->push_back(Pending{std::move(f), begin, end, len, lv.next_order++});
        PruneToCap(lv, pending);
      }
    }
  }
}

void AnalyzeLevel(Level& lv, const std::vector<scan::Match>& matches, size_t region_begin,
                  size_t region_end, std::vector<Pending>* pending) {
  FromMatches(lv, matches, pending);
  FromContext(lv, pending);
  if (lv.depth == 0) FromReader(lv, pending);
  if (lv.options.scanner != nullptr && lv.depth < lv.options.max_decode_depth) {
    FromDecoded(lv, region_begin, region_end, pending);
  }
  Dedup(*pending);
}

// Fills each finding's line_masks: the level's candidate spans that overlap the finding's
// line, clipped to it, in line offsets, the finding's own span left out. Only the lines
// of findings are looked at, so a blob without findings costs nothing.
void AttachLineMasks(std::vector<std::pair<size_t, size_t>>& masks, std::vector<Pending>& pending) {
  if (masks.empty() || pending.empty()) return;
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  size_t longest = 0;
  for (const auto& [b, e] : masks) longest = std::max(longest, e - b);
  for (Pending& p : pending) {
    findings::Finding& f = p.finding;
    if (p.begin < f.line_secret_begin) continue;  // not placed by Place(): no line to mask
    const size_t line_begin = p.begin - f.line_secret_begin;
    const size_t line_end = line_begin + f.line.size();
    // Spans start in order; one that starts more than `longest` before the line ends before it.
    auto it = std::lower_bound(masks.begin(), masks.end(),
                               std::pair<size_t, size_t>(line_begin > longest ? line_begin - longest : 0, 0));
    for (; it != masks.end() && it->first < line_end; ++it) {
      if (it->second <= line_begin) continue;
      uint32_t b = static_cast<uint32_t>(std::max(it->first, line_begin) - line_begin);
      uint32_t e = static_cast<uint32_t>(std::min(it->second, line_end) - line_begin);
      if (b == f.line_secret_begin && e == f.line_secret_end) continue;
      f.line_masks.emplace_back(b, e);
    }
  }
}

}  // namespace

size_t AnalyzeBlob(const Blob& blob, const rules::RuleSet& rules,
                   const std::vector<scan::Match>& matches, const AnalyzeOptions& options,
                   std::vector<findings::Finding>* out, std::optional<Severity>* max_dropped) {
  Level lv{blob, rules, options, 0, std::nullopt, std::nullopt, 0, {}, {}};
  std::vector<Pending> pending;
  AnalyzeLevel(lv, matches, 0, blob.bytes().size(), &pending);
  // Before the cap: a finding the cap drops still gets masked in its neighbours' snippets.
  AttachLineMasks(lv.masks, pending);
  lv.DropPrunedDuplicates(&pending);
  size_t dropped = lv.pruned;
  if (max_dropped != nullptr) *max_dropped = lv.max_pruned;
  const size_t cap = std::max<size_t>(options.max_findings_per_blob, 1);
  if (pending.size() > cap) dropped += pending.size() - cap;
  if (std::optional<Severity> worst = KeepMostSevere(&pending, cap);
      worst && max_dropped != nullptr && (!*max_dropped || *worst > **max_dropped)) {
    *max_dropped = worst;
  }
  for (Pending& p : pending) out->push_back(std::move(p.finding));
  return dropped;
}

}  // namespace keyhole::analyze
