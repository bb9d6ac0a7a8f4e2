// Analysis: turns raw regex matches of one blob into findings, "knowing what was found":
// entropy and placeholder checks, the rule's analyzer (JWT decoding, key parsing,
// checksums...), file context (browser/mobile code raises severity), inline allows and
// the added-lines filter of staged/diff scans. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/blob.h"
#include "findings/filter.h"
#include "findings/finding.h"
#include "rules/rule.h"
#include "scan/scanner.h"

namespace keyhole::analyze {

struct AnalyzeOptions {
  // Bounds output on hostile input; the excess (the least severe) is noted and still
  // counts toward the exit code. At least 1.
  size_t max_findings_per_blob = 1000;
  // Config allowlists, applied per candidate (they may look at the whole match and line).
  const findings::AllowlistFilter* allowlist = nullptr;
  // Decoders (decode.h): when set, base64/base64url/percent-encoded spans are decoded and
  // the decoded text is scanned with this Scanner (the caller's own: a Scanner is not
  // thread-safe; Scan gets a separate match vector) and analyzed like the blob, nested
  // encodings included up to `max_decode_depth` levels. Findings point at the encoded span.
  // nullptr (the default): no decoding.
  scan::Scanner* scanner = nullptr;
  int max_decode_depth = 2;
};

// Appends the findings of `matches` (from scanning `blob.bytes()`), of the credential-file
// reader for the blob's path (credential_files.h) and of its decoded spans (when
// options.scanner is set) to *out. Call it even when `matches` is empty.
// Over the per-blob cap (options.max_findings_per_blob), the most severe findings are
// kept (ties in input order) and the rest dropped: returns how many were dropped and, when
// `max_dropped` is given and any were, stores the most severe of them there (a capped
// file must not hide its worst finding from the exit code).
size_t AnalyzeBlob(const Blob& blob, const rules::RuleSet& rules,
                   const std::vector<scan::Match>& matches, const AnalyzeOptions& options,
                   std::vector<findings::Finding>* out, std::optional<Severity>* max_dropped = nullptr);

// After every blob is analyzed: checks across findings, e.g. an HS256 JWT whose signature
// verifies with an HMAC secret found elsewhere in the scan (forgeable: critical, both
// locations linked).
void CrossAnalyze(std::vector<findings::Finding>& findings);

// True if `name` is a known analyzer (rule files may only name known analyzers).
bool IsKnownAnalyzer(std::string_view name);

}  // namespace keyhole::analyze
