#include "scan/embedded_database.h"

namespace keyhole::scan {

// Weak: overridden by the generated definition linked into the keyhole executable.
__attribute__((weak)) EmbeddedDatabase EmbeddedDefaultDatabase() { return {}; }

}  // namespace keyhole::scan
