// SARIF 2.1.0 for GitHub code scanning: one run, rules with security-severity, relative
// percent-encoded URIs under %SRCROOT%, partialFingerprints, and GitHub's size limits.
// A SARIF report never contains a secret, even with show_secrets: it is meant for upload.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/reporter.h"

namespace keyhole::report {

// GitHub code scanning rejects runs with more results, and results with more locations
// (relatedLocations included), than these. Beyond them the reporter keeps the
// highest-severity results / the first related locations and says so in a notification.
inline constexpr size_t kSarifMaxResults = 25000;
inline constexpr size_t kSarifMaxLocationsPerResult = 100;

class SarifReporter : public Reporter {
 public:
  Status Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
               std::ostream& out) override;
};

// The SARIF log as a JSON value (what Write() serializes).
nlohmann::json SarifLog(const std::vector<findings::Finding>& findings, const RunInfo& info);

// A relative path as an RFC 3986 relative reference: every byte except unreserved
// characters (A-Z a-z 0-9 - . _ ~) and '/' becomes %XX (upper-case hex), so spaces,
// control bytes, ':' (which would read as a scheme) and non-UTF-8 bytes are all safe.
// Leading '/' are dropped: the result is always relative to %SRCROOT%.
std::string PercentEncodePath(std::string_view path);

// "file:///abs/root/": the file URI of an absolute directory, with a trailing '/'.
std::string DirectoryFileUri(std::string_view abs_dir);

// "JwtHmacSecret" for "jwt-hmac-secret".
std::string PascalCase(std::string_view id);

}  // namespace keyhole::report
