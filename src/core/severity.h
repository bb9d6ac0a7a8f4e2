// Severity of a finding or rule, ordered: info < low < medium < high < critical.
#pragma once

#include <optional>
#include <string_view>

namespace keyhole {

enum class Severity { kInfo = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };

// "info", "low", "medium", "high", "critical".
std::string_view SeverityName(Severity s);
// Case-insensitive inverse of SeverityName; nullopt for anything else.
std::optional<Severity> ParseSeverity(std::string_view name);
// GitHub code scanning's numeric `security-severity` ("9.5" for critical ... "1.0" for info).
std::string_view SecuritySeverityScore(Severity s);
// One step up / down, saturating.
Severity Raise(Severity s);
Severity Lower(Severity s);

}  // namespace keyhole
