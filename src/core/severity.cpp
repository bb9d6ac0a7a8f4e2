#include "core/severity.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace keyhole {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh,
                     Severity::kCritical}) {
    if (lower == SeverityName(s)) return s;
  }
  return std::nullopt;
}

std::string_view SecuritySeverityScore(Severity s) {
  // GitHub maps >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
  switch (s) {
    case Severity::kInfo: return "1.0";
    case Severity::kLow: return "3.0";
    case Severity::kMedium: return "5.5";
    case Severity::kHigh: return "8.0";
    case Severity::kCritical: return "9.5";
  }
  return "5.5";
}

Severity Raise(Severity s) {
  return s == Severity::kCritical ? s : static_cast<Severity>(static_cast<int>(s) + 1);
}
Severity Lower(Severity s) {
  return s == Severity::kInfo ? s : static_cast<Severity>(static_cast<int>(s) - 1);
}

}  // namespace keyhole
