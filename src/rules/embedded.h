// The default rule files, compiled into the binary by cmake/embed_rules.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace keyhole::rules {

struct EmbeddedFile {
  std::string_view name;  // e.g. "jwt.toml"
  std::string_view text;
};

extern const EmbeddedFile kEmbeddedRuleFiles[];
extern const size_t kEmbeddedRuleFileCount;

}  // namespace keyhole::rules
