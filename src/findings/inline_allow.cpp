#include <string_view>

#include "core/text.h"
#include "findings/filter.h"

namespace keyhole::findings {

namespace {

bool ContainsCaseless(std::string_view hay, std::string_view needle) {
  if (hay.size() < needle.size()) return false;
  // Lines can be megabytes long (minified bundles): check cheaply for the first byte.
  std::string lower = AsciiLower(hay);
  return lower.find(needle) != std::string::npos;
}

}  // namespace

bool InlineAllowed(std::string_view line, std::string_view previous_line) {
  // Markers honoured so teams can switch from gitleaks and detect-secrets without edits.
  if (line.find(':') != std::string_view::npos) {
    if (ContainsCaseless(line, "keyhole:allow") && !ContainsCaseless(line, "keyhole:allow-next-line")) return true;
    if (ContainsCaseless(line, "gitleaks:allow")) return true;
    if (ContainsCaseless(line, "pragma: allowlist secret")) return true;
  }
  if (previous_line.find(':') != std::string_view::npos) {
    if (ContainsCaseless(previous_line, "keyhole:allow-next-line")) return true;
    if (ContainsCaseless(previous_line, "pragma: allowlist nextline secret")) return true;
  }
  return false;
}

}  // namespace keyhole::findings
