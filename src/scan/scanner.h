// Scanner: matches one blob against a RuleDatabase. One Scanner per thread (it owns
// libhs scratch space and lazily built RE2 objects); not thread-safe itself.
//
// What a match is (the same with and without the prefilter; a test proves it on a corpus):
// - A rule's RE2 runs over each line (lines end at "\n", "\r\n" or a lone "\r") with that
//   line as its whole text, so ^ and $ mean line start/end. Multi-line rules (the regex
//   names \n or \r, sets (?s), uses [\s\S], or is a -----BEGIN block) run over the blob.
// - Lines over DatabaseOptions::long_line bytes (default 16 KiB; --max-line-length) —
//   minified bundles — are confirmed in ±4 KiB windows around each prefilter hit (±8 KiB
//   around a keyword hit, since the keyword may be 4 KiB away), so a match over ~4 KiB
//   long on such a line may be cut or missed.
// - A rule with keywords reports a match only if a keyword (ASCII case-insensitive) occurs
//   in the match's line(s) within 4 KiB of it.
// - The secret is `secret_group`; unset, the first non-empty group, else the whole match
//   (gitleaks). Empty matches and matches whose secret group is empty are not reported.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "scan/rule_database.h"

namespace keyhole::scan {

// A confirmed regex match. Offsets are byte offsets into the scanned data.
struct Match {
  size_t rule_index = 0;
  size_t match_begin = 0, match_end = 0;    // the whole regex match
  size_t secret_begin = 0, secret_end = 0;  // the secret group (== match when group 0)
};

class Scanner {
 public:
  explicit Scanner(const RuleDatabase& db);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Appends every match in `data` (a file whose path is `path`, used for rules with a
  // `path` filter) to *out, ordered by (secret_begin, rule_index), without duplicates.
  // Entropy and allowlists are NOT applied here (see analyze/ and findings/).
  Status Scan(std::string_view data, std::string_view path, std::vector<Match>* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyhole::scan
