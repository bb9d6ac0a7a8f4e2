// Declarations of every analyzer function (registered in registry.cpp).
#pragma once

#include "analyze/analyzer.h"

namespace keyhole::analyze {

Verdict AnalyzeJwt(Candidate& c);              // jwt.cpp
Verdict AnalyzePrivateKey(Candidate& c);       // keys.cpp
Verdict AnalyzeJwk(Candidate& c);              // keys.cpp
Verdict AnalyzeSigningSecret(Candidate& c);    // signing.cpp
Verdict AnalyzeClientSigning(Candidate& c);    // signing.cpp
Verdict AnalyzeGithubChecksum(Candidate& c);  // checksum.cpp
Verdict AnalyzeNpmChecksum(Candidate& c);     // checksum.cpp
Verdict AnalyzePypiMacaroon(Candidate& c);    // checksum.cpp
Verdict AnalyzeAgeBech32(Candidate& c);       // checksum.cpp
Verdict AnalyzeBase64Json(Candidate& c);      // checksum.cpp
Verdict AnalyzeBasicAuth(Candidate& c);       // basic_auth.cpp
Verdict AnalyzeBase64Password(Candidate& c);  // basic_auth.cpp

}  // namespace keyhole::analyze
