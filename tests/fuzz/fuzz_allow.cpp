// Fuzz target: inline allows and the placeholder/reference heuristics. The input is split
// at the first two NUL bytes into (secret, line, previous line).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/placeholder.h"
#include "findings/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t a = in.find('\0');
  std::string_view secret = in.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : in.substr(a + 1);
  size_t b = rest.find('\0');
  std::string_view line = rest.substr(0, b);
  std::string_view previous = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);
  (void)keyhole::findings::InlineAllowed(line, previous);
  (void)keyhole::findings::InlineAllowed(in, {});
  (void)keyhole::analyze::IsPlaceholder(secret);
  (void)keyhole::analyze::IsPlaceholder(in);
  (void)keyhole::analyze::IsReference(secret, line);
  (void)keyhole::analyze::IsReference(in, in);
  return 0;
}
