// Declarations of every analyzer function (registered in registry.cpp).
#pragma once

#include "analyze/analyzer.h"

namespace keyhole::analyze {

// Verdict AnalyzeJwt(Candidate& c);  // jwt.cpp

}  // namespace keyhole::analyze
