// Bindings: where a value on a line is bound to a name. `password = "x"`, `"token": "x"`,
// `API_KEY=x`, `secret: x`, `$cfg['key'] = 'x'`, `f(password="x")`, `setKey("x")`,
// `--requirepass x`, `pass:x`, `<password>x</password>`, `<add key="ApiKey" value="x"/>`,
// `proxy_set_header X-Api-Key "x"`, `"...;AccountKey=x;..."`. One small lexer for every
// syntax keyhole meets (C-like code, Python, Ruby, shell, YAML, JSON, TOML/INI/.properties/
// .env, XML/HTML, HCL, Gradle, nginx): it knows a string literal from an identifier and a
// call from an assignment, which is what tells `password = "hunter2"` from
// `password = user.password`. Whether a binding holds a credential is decided elsewhere
// (context.h); this only finds them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace keyhole::analyze {

enum class BindingKind : uint8_t {
  kAssign,      // name = value, name := value, name ?= value, name ||= value
  kColon,       // name: value (YAML, JSON, object literals, headers, pass:x)
  kArrow,       // name => value (PHP, Ruby)
  kCompare,     // name == value, value != name
  kCallArg,     // callee(..., value, ...): name is the callee, arg_index its position
  kFlag,        // -p value, --password value, --password=value
  kXmlElement,  // <name>value</name>
  kSpace,       // name "value" / name value; (nginx, Apache, redis.conf, ssh config)
  kInString,    // name=value inside a string or a bare value (query strings, DSNs)
  kCount
};

struct Binding {
  std::string_view name;   // the bound name (without quotes); points into the line
  size_t value_begin = 0;  // the value's span in the line (quotes excluded)
  size_t value_end = 0;
  BindingKind kind = BindingKind::kAssign;
  char quote = 0;          // the value's quote character, 0 for a bare value
  int arg_index = -1;      // kCallArg: 0-based argument position
  bool code_after = false; // the value continues an expression: `.x`, `(`, `[`, `+`, `%`
};

// Every binding on `line` whose value is non-empty, in line order, at most kMaxBindings.
// Linear in the line's length.
std::vector<Binding> FindBindings(std::string_view line);

inline constexpr size_t kMaxBindings = 64;

}  // namespace keyhole::analyze
