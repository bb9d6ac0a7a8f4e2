// Fuzz target: every credential-file reader (.netrc, .pgpass, Terraform state) over
// arbitrary bytes. Each hit's span must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analyze/credential_files.h"

namespace {

void Check(const std::vector<keyhole::analyze::CredentialHit>& hits, size_t size) {
  for (const auto& h : hits) {
    if (h.begin > h.end || h.end > size) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(keyhole::analyze::ReadNetrc(text), size);
  Check(keyhole::analyze::ReadPgpass(text), size);
  Check(keyhole::analyze::ReadTerraformState(text), size);
  for (std::string_view name : {".netrc", "pgpass.conf", "prod.tfstate"})
    Check(keyhole::analyze::ReadCredentialFile(name, text), size);
  return 0;
}
