// Fuzz target: the private-key parsers (PEM/OpenSSH/PGP/PuTTY armour, DER, JWKs).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)keyhole::analyze::InspectKeyBlock(text);
  (void)keyhole::analyze::InspectJwk(text);
  (void)keyhole::analyze::JwkSymmetricKey(text);
  return 0;
}
