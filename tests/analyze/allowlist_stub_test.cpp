// TEMPORARY (delete when merging with main): this branch was cut before AllowlistFilter was
// implemented, and AnalyzeBlob calls AllowlistFilter::Allowed. A weak definition lets the
// test binary link here; main's findings/allowlist.cpp provides the strong one.
#include "findings/filter.h"

namespace keyhole::findings {

__attribute__((weak)) bool AllowlistFilter::Allowed(const Finding&, std::string_view,
                                                    std::string_view) const {
  return false;
}

}  // namespace keyhole::findings
