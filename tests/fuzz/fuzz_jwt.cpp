// Fuzz target: the JWT/JWE decoder and the HMAC verifier over arbitrary tokens.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/jwt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  std::optional<keyhole::analyze::DecodedJwt> jwt = keyhole::analyze::DecodeJwt(token);
  if (jwt && !jwt->jwe && jwt->header["alg"].is_string()) {
    std::string alg = jwt->header["alg"].get<std::string>();
    (void)keyhole::analyze::VerifyHmacJwt(token, alg, "secret");
  }
  (void)keyhole::analyze::VerifyHmacJwt(token, "HS256", token.substr(0, size / 2));
  return 0;
}
