#include "cli/app.h"

#include <cstdio>

namespace keyhole::cli {

int Main(int, char**) {
  std::fprintf(stderr, "keyhole: not built yet\n");
  return 2;
}

}  // namespace keyhole::cli
