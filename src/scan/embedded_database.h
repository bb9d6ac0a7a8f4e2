// The default rules' libhs database, compiled at build time by tools/embed_database.cpp and
// linked into the keyhole executable, so that the first run (and every run in a fresh CI
// container) compiles no regex. It is a database-cache entry (database_cache.cpp's format)
// with its cache key, so it is used only where the cache entry would be: the same rules
// and the same CPU features as the build machine.
#pragma once

#include <string_view>

namespace keyhole::scan {

struct EmbeddedDatabase {
  std::string_view key;    // internal::CacheKey() of the default rules on the build machine
  std::string_view entry;  // the cache entry bytes
};

// The generated embedded_database.cpp defines this for the keyhole executable; the library
// holds a weak definition returning nothing (tests, the build tool itself).
EmbeddedDatabase EmbeddedDefaultDatabase();

}  // namespace keyhole::scan
