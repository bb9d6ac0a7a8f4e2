// Base64-encoded credentials: `user:password` pairs (HTTP Basic auth, Docker `auths`,
// npm `_auth`) and bare passwords (npm `_password`, FileZilla). base64 is an encoding, so
// the decoded password is judged like any other: empty or placeholder values are dropped.
#include "analyze/analyzers.h"
#include "analyze/base64.h"
#include "analyze/decode.h"
#include "analyze/placeholder.h"

namespace keyhole::analyze {

namespace {

std::optional<std::string> DecodeText(std::string_view s) {
  std::optional<std::string> d = Base64Decode(s);
  if (!d) d = Base64UrlDecode(s);
  if (!d || d->empty() || !IsText(*d)) return std::nullopt;
  return d;
}

// Passwords that are the documentation's, not anyone's: "user:password", "admin:admin".
bool IsStandInPassword(std::string_view user, std::string_view pass) {
  return pass == user || IsPlaceholder(pass) || IsReference(pass, pass);
}

}  // namespace

Verdict AnalyzeBasicAuth(Candidate& c) {
  std::optional<std::string> d = DecodeText(c.secret);
  if (!d) return Verdict::kDrop;
  size_t colon = d->find(':');
  if (colon == std::string::npos || colon + 1 == d->size()) return Verdict::kDrop;
  std::string_view user = std::string_view(*d).substr(0, colon);
  std::string_view pass = std::string_view(*d).substr(colon + 1);
  if (d->find('\n') != std::string::npos || IsStandInPassword(user, pass)) return Verdict::kDrop;
  c.finding.facts["encoding"] = "base64";
  if (!user.empty()) c.finding.facts["username"] = std::string(user);
  return Verdict::kKeep;
}

Verdict AnalyzeBase64Password(Candidate& c) {
  std::optional<std::string> d = DecodeText(c.secret);
  if (!d || d->find('\n') != std::string::npos || IsStandInPassword("", *d)) return Verdict::kDrop;
  c.finding.facts["encoding"] = "base64";
  return Verdict::kKeep;
}

}  // namespace keyhole::analyze
