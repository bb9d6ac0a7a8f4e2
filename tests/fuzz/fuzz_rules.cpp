// Fuzz target: the rule/config loader (TOML parsing, field validation, RE2 compilation).
// Any input must yield a Config or an error Status: no crash, no leak, no hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "findings/filter.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  keyhole::Result<keyhole::rules::Config> config = keyhole::rules::ParseConfig(text, "fuzz.toml");
  if (!config.ok()) return 0;
  // Without the defaults, so that each run exercises only the input's rules.
  config->use_default = false;
  keyhole::Result<keyhole::rules::RuleSet> rules = keyhole::rules::Resolve(&config.value());
  if (rules.ok()) (void)keyhole::findings::AllowlistFilter::Build(*rules);
  return 0;
}
