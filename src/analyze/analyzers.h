// Declarations of every analyzer function (registered in registry.cpp).
#pragma once

#include "analyze/analyzer.h"

namespace keyhole::analyze {

Verdict AnalyzeJwt(Candidate& c);              // jwt.cpp
Verdict AnalyzePrivateKey(Candidate& c);       // keys.cpp
Verdict AnalyzeJwk(Candidate& c);              // keys.cpp
Verdict AnalyzeSigningSecret(Candidate& c);    // signing.cpp
Verdict AnalyzeClientSigning(Candidate& c);    // signing.cpp

}  // namespace keyhole::analyze
