// Scanner: matches one blob against a RuleDatabase. One Scanner per thread (it owns
// libhs scratch space and lazily built RE2 objects); not thread-safe itself.
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
