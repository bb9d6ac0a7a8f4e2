// Analyzers for HMAC signing secrets and for token signing in client code.
#include <re2/re2.h>

#include <string>

#include "analyze/analyzers.h"
#include "analyze/file_context.h"
#include "analyze/jwt.h"
#include "core/text.h"
#include "rules/validate.h"

namespace keyhole::analyze {

namespace {

}  // namespace

Verdict AnalyzeSigningSecret(Candidate& c) {
  // Algorithm names and obvious non-values that the call patterns can capture.
  static const RE2 kNotASecret(
      R"re((?i)(HS|RS|ES|PS)(256|384|512)|none|utf-?8|ascii|base64|hex|true|false|null|undefined)re",
      rules::Re2Options());
  if (c.secret.size() < 3 || RE2::FullMatch(c.secret, kNotASecret)) return Verdict::kDrop;
  findings::Finding& f = c.finding;
  f.facts["hmac_secret"] = true;
  f.facts["length"] = c.secret.size();
  if (IsWeakJwtSecret(c.secret)) {
    f.facts["weak"] = true;
    f.message = f.description + " (a well-known weak value: trivially guessed)";
  } else if (c.secret.size() < 16) {
    f.facts["weak"] = true;
    f.message = f.description + " (short: brute-forceable offline from any token it signs)";
  }
  return Verdict::kKeep;
}

Verdict AnalyzeClientSigning(Candidate& c) {
  FileContext ctx = ClassifyFile(c.path, c.data);
  if (!ctx.Exposed()) return Verdict::kDrop;
  // The file must use a JWT signing library (the sign call alone could be anything).
  static const RE2 kLibrary(
      R"re((?:from\s+|require\s*\(\s*|import\s*\(?\s*)["'](?:jsonwebtoken|jose|jsrsasign|jwt-simple|njwt|jws|fast-jwt|jwt-encode|@tsndr/cloudflare-worker-jwt|react-native-pure-jwt)["']|import\s+(?:io\.jsonwebtoken|com\.auth0\.jwt|com\.nimbusds)|import\s+(?:SwiftJWT|JWTKit))re",
      rules::Re2Options());
  if (!RE2::PartialMatch(c.data, kLibrary)) return Verdict::kDrop;
  c.finding.facts["client_signing"] = true;
  c.finding.message =
      "JWT signed in client code: the signing key ships with the app, so anyone can mint "
      "valid tokens";
  return Verdict::kKeep;
}

}  // namespace keyhole::analyze
