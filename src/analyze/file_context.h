// File context: where a file ends up. Browser code and mobile apps ship to every user,
// so a secret there is exposed whatever else protects it; test and documentation paths
// are marked on the finding (not hidden).
#pragma once

#include <string_view>

#include "findings/finding.h"

namespace keyhole::analyze {

struct FileContext {
  bool browser = false;  // bundled into a web app's client code
  bool mobile = false;   // packaged into an Android or iOS app
  bool test = false;     // test code and test data
  bool doc = false;      // documentation and examples
  bool Exposed() const { return browser || mobile; }
};

// Classifies `path` (relative, '/' separators). `data` is the file's content, used for
// Next.js app-router files ("use client" marks client components) and "use server".
// A test or doc path is never browser/mobile: it is not shipped.
FileContext ClassifyFile(std::string_view path, std::string_view data);

// True if `line` assigns the value at [secret_begin, ...) to a variable with a public
// env prefix (NEXT_PUBLIC_, REACT_APP_, VITE_, EXPO_PUBLIC_, NUXT_PUBLIC_, PUBLIC_): build
// tools inline such variables into the client bundle.
bool HasPublicEnvPrefix(std::string_view line, size_t secret_begin);

// Applies `ctx` (and a public env prefix on `line`) to `f`: tags "frontend"/"mobile"/
// "test-path"/"doc-path"; exposed findings get one severity step up and a message suffix,
// except info-level (publishable-by-design) findings.
void ApplyFileContext(const FileContext& ctx, std::string_view line, findings::Finding& f);

}  // namespace keyhole::analyze
