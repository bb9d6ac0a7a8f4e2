// Helpers shared by the reporters (internal to src/report/): safe JSON dumping, secret
// scrubbing, snippet construction and small text utilities.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhole::report {

// Serializes `j` without ever throwing: nlohmann throws on invalid UTF-8 when dumping, and
// paths and source lines are arbitrary bytes, so invalid sequences become U+FFFD. indent < 0
// is compact (one line).
std::string DumpJson(const nlohmann::json& j, int indent);

// `text` with every occurrence of `secret` replaced by its redacted preview. A last line of
// defence for messages and analyzer facts that should never contain the secret. Secrets
// shorter than 4 bytes are left alone: replacing every "ab" in a message helps nobody.
std::string ScrubSecret(std::string text, const std::string& secret);
// The same, recursively over the string values of a JSON value.
nlohmann::json ScrubSecretJson(const nlohmann::json& j, const std::string& secret);

// The finding's fingerprint, computed from (rule, path, secret) when the field is empty.
std::string EffectiveFingerprint(const findings::Finding& f);

// A printable snippet and where the (masked) secret sits in it, as byte offsets into
// `text`, so the text reporter can draw a caret line under it.
struct Snippet {
  std::string text;
  size_t mark_begin = 0;
  size_t mark_end = 0;
};
// See MaskedSnippet() in reporter.h. Unless show_secrets, the byte spans `hide` of `line`
// (sorted, merged: see LineMasks() in mask.h) are masked as well; where one overlaps
// [begin, end), its parts outside are.
Snippet BuildSnippet(std::string_view line, uint32_t begin, uint32_t end, bool show_secrets,
                     const std::vector<std::pair<size_t, size_t>>& hide = {});

// The snippet of a finding: its line with its own secret and every other secret of the line
// masked (LineMasks()), unless show_secrets.
Snippet FindingSnippet(const findings::Finding& f, bool show_secrets);

// A commit summary (or other free text about a finding) as reports print it: secrets
// masked unless show_secrets (MaskText() in mask.h). Not escaped.
std::string MaskedSummary(const std::string& text, const findings::Finding& f, bool show_secrets);

// First sentence of the first paragraph of `markdown`, whitespace collapsed, "" if none.
std::string FirstSentence(std::string_view markdown);

// Number of Unicode code points in `s` (invalid bytes count as one).
size_t CodePoints(std::string_view s);

// The rule with `id` in `rules` (may be null), or null. A linear scan: reports look up a
// handful of rule ids, and this keeps src/report/ independent of the loader's index.
const rules::Rule* FindRule(const rules::RuleSet* rules, const std::string& id);

// Findings per severity, indexed by static_cast<int>(Severity).
std::array<uint64_t, 5> CountBySeverity(const std::vector<findings::Finding>& findings);

// IOError if the stream failed, OK otherwise.
Status StreamStatus(const std::ostream& out, std::string_view what);

}  // namespace keyhole::report
