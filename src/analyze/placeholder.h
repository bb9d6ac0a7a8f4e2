// Placeholders, references and documentation examples: values that look like secrets in
// the grammar of a rule but are not secrets (`your-api-key`, `xxxx`, `${TOKEN}`,
// `process.env.X`, `AKIAIOSFODNN7EXAMPLE`).
#pragma once

#include <string_view>

namespace keyhole::analyze {

// True if `secret` itself is a placeholder or a well-known documentation example.
bool IsPlaceholder(std::string_view secret);

// True if `secret`, as it appears in `line`, is a reference to a value held elsewhere
// (environment variable, template expression, config lookup), not a literal.
bool IsReference(std::string_view secret, std::string_view line);

}  // namespace keyhole::analyze
