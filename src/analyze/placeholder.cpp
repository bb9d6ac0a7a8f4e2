#include "analyze/placeholder.h"

#include <string>

#include "core/text.h"

namespace keyhole::analyze {

bool IsPlaceholder(std::string_view secret) {
  std::string s = AsciiLower(secret);
  static constexpr std::string_view kMarkers[] = {
      "example", "your-", "your_", "changeme", "change_me", "placeholder", "xxxxxx",
      "<", "redacted", "dummy", "sample", "insert", "replace",
  };
  for (std::string_view m : kMarkers) {
    if (s.find(m) != std::string::npos) return true;
  }
  return false;
}

bool IsReference(std::string_view secret, std::string_view line) {
  (void)line;
  std::string s(secret);
  return s.find("${") != std::string::npos || s.find("{{") != std::string::npos ||
         s.rfind("process.env", 0) == 0 || s.rfind("os.environ", 0) == 0 ||
         s.rfind("env(", 0) == 0;
}

}  // namespace keyhole::analyze
