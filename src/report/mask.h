// What a report masks besides a finding's own secret (internal to src/report/). The rule:
// a snippet (and a commit summary) shows no secret at all, not only the finding's own:
//   - the spans of the other findings and candidates on the line (Finding::line_masks,
//     recorded by the analysis before allowlists, the per-file cap and baselines drop any);
//   - every other copy of any of those secrets, plain, base64 (any alignment inside a
//     longer blob), base64url or percent-encoded;
//   - whatever looks like a secret on its own (SecretLikeSpans): PEM bodies, long base64
//     or hex blobs, high-entropy tokens, values bound to credential names, Authorization
//     header values, token-ish query parameters. For findings whose span is not the secret
//     (transport rules, client-side signing) quoted literals that are not words are too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "findings/finding.h"

namespace keyhole::report {

// A byte span [first, second) of a text.
using Span = std::pair<size_t, size_t>;

// The spans of `text` that look like secrets without knowing what was found. With
// `literals`, also every quoted literal that is not a word, path or URL.
std::vector<Span> SecretLikeSpans(std::string_view text, bool literals = false);

// Appends the spans of `text` holding a copy of `secret`: plain (secrets of 4+ bytes),
// and for secrets of 8+ bytes base64 / base64url (widened to the whole blob around it)
// and percent-encoded.
void AddCopies(std::string_view text, std::string_view secret, std::vector<Span>* out);

// True if the finding's span is not its secret but the context that makes it one (a
// transport rule's URL, a client-side signing call): then the secret-like masking of its
// line includes quoted literals.
bool SpanIsContext(const findings::Finding& f);

// Every span of f.line to mask besides [f.line_secret_begin, f.line_secret_end): see the
// file comment. Sorted, merged.
std::vector<Span> LineMasks(const findings::Finding& f);

// Sorts and merges overlapping or touching spans.
void MergeSpans(std::vector<Span>* spans);

// `text` with each span (sorted, merged) replaced by the redacted preview of its bytes
// (findings::Redact). Not escaped: callers escape for a terminal or dump JSON.
std::string ApplyMasks(std::string_view text, const std::vector<Span>& spans);

// `text` (a commit summary, say) with every secret-like span, every word that reads
// generated (mixed classes and punctuation, high entropy, a part that is no word) and every
// copy of the finding's secret (and of the other secrets of its line) masked. Not escaped.
std::string MaskText(std::string_view text, const findings::Finding& f);

}  // namespace keyhole::report
