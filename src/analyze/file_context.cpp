#include "analyze/file_context.h"

#include <re2/re2.h>

#include <algorithm>
#include <string>

#include "core/text.h"
#include "rules/validate.h"

namespace keyhole::analyze {

namespace {

// "use client" / "use server" directives sit at the top of a module.
bool HasDirective(std::string_view data, std::string_view directive) {
  std::string_view head = data.substr(0, std::min<size_t>(data.size(), 512));
  return head.find(std::string("\"") + std::string(directive) + "\"") != std::string_view::npos ||
         head.find(std::string("'") + std::string(directive) + "'") != std::string_view::npos;
}

}  // namespace

FileContext ClassifyFile(std::string_view path_in, std::string_view data) {
  FileContext ctx;
  std::string path = "/" + AsciiLower(path_in);  // leading '/' so "(^|/)dir/" is "/dir/"
  static const RE2 kTest(
      R"re(/(test|tests|__tests__|__mocks__|spec|specs|testdata|test-data|fixtures|e2e|cypress)/|_test\.[a-z]+$|\.(test|spec)\.[a-z]+$|/test_[^/]*\.py$)re",
      rules::Re2Options());
  static const RE2 kDoc(R"re(/(docs?|examples?|samples?)/|\.(md|mdx|rst|adoc)$)re", rules::Re2Options());
  ctx.test = RE2::PartialMatch(path, kTest);
  ctx.doc = RE2::PartialMatch(path, kDoc);
  if (ctx.test || ctx.doc) return ctx;

  // Server code that lives next to client code.
  static const RE2 kServer(
      R"re(/(pages|app|src/pages|src/app)/api/|/server/|\.server\.[jt]sx?$|/middleware\.[jt]s$|/(next|nuxt|vite|webpack)\.config\.)re",
      rules::Re2Options());
  bool server = RE2::PartialMatch(path, kServer) || HasDirective(data, "use server");

  static const RE2 kMobile(
      R"re(/res/(values|xml|raw)[^/]*/[^/]+\.xml$|/androidmanifest\.xml$|/build\.gradle(\.kts)?$|\.plist$|\.xcconfig$|\.(swift|m|mm|dart)$|/(android|app/src/main)/.*\.(kt|java)$)re",
      rules::Re2Options());
  if (RE2::PartialMatch(path, kMobile)) {
    ctx.mobile = true;
    return ctx;
  }
  if (server) return ctx;

  static const RE2 kBundle(
      R"re(/(dist|build|out|\.next/static|public|static|www)/.*\.(m?js|html?|map|json)$|\.js\.map$)re",
      rules::Re2Options());
  static const RE2 kClientSource(
      R"re(\.(jsx|tsx|vue|svelte|astro)$|/src/(components|pages|hooks|views|store|client)/.*\.(m?[jt]s)$|/(components|hooks)/.*\.(m?[jt]s)$)re",
      rules::Re2Options());
  // Next.js app router: files under app/ are server components unless they opt in.
  static const RE2 kAppRouter(R"re(/(src/)?app/)re", rules::Re2Options());
  if (RE2::PartialMatch(path, kAppRouter) && !RE2::PartialMatch(path, kBundle)) {
    ctx.browser = HasDirective(data, "use client");
    return ctx;
  }
  ctx.browser = RE2::PartialMatch(path, kBundle) || RE2::PartialMatch(path, kClientSource);
  return ctx;
}

bool HasPublicEnvPrefix(std::string_view line, size_t secret_begin) {
  static const RE2 kPublic(
      R"re(\b(NEXT_PUBLIC_|REACT_APP_|VITE_|EXPO_PUBLIC_|NUXT_PUBLIC_|PUBLIC_)[A-Za-z0-9_]*["']?\s*[=:])re",
      rules::Re2Options());
  std::string_view before = line.substr(0, std::min(secret_begin, line.size()));
  return RE2::PartialMatch(before, kPublic);
}

void ApplyFileContext(const FileContext& ctx, std::string_view line, findings::Finding& f) {
  auto tag = [&](const char* t) {
    if (std::find(f.tags.begin(), f.tags.end(), t) == f.tags.end()) f.tags.push_back(t);
  };
  if (ctx.test) tag("test-path");
  if (ctx.doc) tag("doc-path");
  bool public_env = !ctx.test && !ctx.doc && HasPublicEnvPrefix(line, f.line_secret_begin);
  bool browser = ctx.browser || public_env;
  if (!browser && !ctx.mobile) return;
  if (browser) tag("frontend");
  if (ctx.mobile) tag("mobile");
  if (f.severity == Severity::kInfo) return;  // publishable by design
  f.facts["exposed"] = ctx.mobile ? "mobile" : "browser";
  f.severity = Raise(f.severity);
  if (f.message.empty()) f.message = f.description;
  f.message += " — shipped to every user of the app";
}

}  // namespace keyhole::analyze
