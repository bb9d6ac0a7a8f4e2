// The analyzer registry: one line per analyzer. Analyzers are declared in analyzers.h.
#include "analyze/analyzer.h"
#include "analyze/analyzers.h"

namespace keyhole::analyze {

namespace {

struct Entry {
  std::string_view name;
  AnalyzerFn fn;
};

constexpr Entry kAnalyzers[] = {
    {"jwt", &AnalyzeJwt},
    {"private-key", &AnalyzePrivateKey},
    {"jwk", &AnalyzeJwk},
    {"signing-secret", &AnalyzeSigningSecret},
    {"signing-literal", &AnalyzeSigningSecret},  // same checks, but no placeholder filter
    {"client-signing", &AnalyzeClientSigning},
    {"github-checksum", &AnalyzeGithubChecksum},
    {"npm-checksum", &AnalyzeNpmChecksum},
    {"pypi-macaroon", &AnalyzePypiMacaroon},
    {"age-bech32", &AnalyzeAgeBech32},
    {"base64-json", &AnalyzeBase64Json},
    {"basic-auth", &AnalyzeBasicAuth},
    {"base64-password", &AnalyzeBase64Password},
    // Context rules are judged line by line in analyze.cpp (FromContext, context.h), not
    // per match: their matches only mark the lines to judge.
    {"context", [](Candidate&) { return Verdict::kKeep; }},
    // Credential-file rules (.netrc, .pgpass, Terraform state): the readers in
    // credential_files.cpp make their findings; the rule's own matches only mark the file.
    {"credential-file", [](Candidate&) { return Verdict::kDrop; }},
};

}  // namespace

AnalyzerFn FindAnalyzer(std::string_view name) {
  for (const Entry& e : kAnalyzers) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

bool IsKnownAnalyzer(std::string_view name) {
  if (name.empty()) return true;
  for (const Entry& e : kAnalyzers) {
    if (e.name == name && e.fn != nullptr) return true;
  }
  return false;
}

}  // namespace keyhole::analyze
