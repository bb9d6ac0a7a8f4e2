#include "analyze/file_context.h"

#include <gtest/gtest.h>

namespace keyhole::analyze {
namespace {

TEST(ClassifyFile, BrowserSourceAndBundles) {
  for (const char* p : {"web/src/components/Login.tsx", "src/App.jsx", "ui/Widget.vue",
                        "site/src/routes/+page.svelte", "src/pages/index.astro", "public/config.js",
                        "dist/assets/index-4f2a.js", "build/static/js/main.js.map",
                        ".next/static/chunks/app.js", "src/hooks/useAuth.ts"}) {
    FileContext c = ClassifyFile(p, "");
    EXPECT_TRUE(c.browser) << p;
    EXPECT_FALSE(c.mobile) << p;
  }
}

TEST(ClassifyFile, ServerCodeNextToClientCodeIsNotBrowser) {
  for (const char* p : {"pages/api/login.ts", "src/app/api/token/route.ts", "server/index.js",
                        "src/lib/db.server.ts", "next.config.js", "backend/app.py"}) {
    EXPECT_FALSE(ClassifyFile(p, "").Exposed()) << p;
  }
  EXPECT_FALSE(ClassifyFile("src/components/Form.tsx", "'use server';\nexport async function f(){}")
                   .browser);
}

TEST(ClassifyFile, NextAppRouterFilesAreClientOnlyWithUseClient) {
  EXPECT_FALSE(ClassifyFile("app/dashboard/page.tsx", "export default function Page() {}").browser);
  EXPECT_TRUE(ClassifyFile("app/dashboard/page.tsx", "\"use client\";\nimport x from 'y';").browser);
}

TEST(ClassifyFile, MobileResources) {
  for (const char* p : {"android/app/src/main/res/values/strings.xml",
                        "android/app/src/main/AndroidManifest.xml", "android/app/build.gradle",
                        "android/app/build.gradle.kts", "ios/App/Info.plist",
                        "ios/App/GoogleService-Info.plist", "ios/Config/Release.xcconfig",
                        "ios/App/AuthService.swift", "mobile/lib/api.dart",
                        "android/app/src/main/java/com/acme/Api.kt"}) {
    EXPECT_TRUE(ClassifyFile(p, "").mobile) << p;
  }
}

TEST(ClassifyFile, TestAndDocPathsAreMarkedAndNeverExposed) {
  for (const char* p : {"test/auth.test.js", "src/components/__tests__/Login.test.tsx",
                        "pkg/auth_test.go", "spec/models/user_spec.rb", "testdata/token.txt",
                        "tests/test_auth.py", "web/src/Login.spec.tsx"}) {
    FileContext c = ClassifyFile(p, "");
    EXPECT_TRUE(c.test) << p;
    EXPECT_FALSE(c.Exposed()) << p;
  }
  for (const char* p : {"docs/auth.md", "README.md", "examples/react/App.jsx", "guide.rst"}) {
    FileContext c = ClassifyFile(p, "");
    EXPECT_TRUE(c.doc) << p;
    EXPECT_FALSE(c.Exposed()) << p;
  }
}

TEST(HasPublicEnvPrefix, PrefixMustNameTheAssignedVariable) {
  std::string line = "NEXT_PUBLIC_STRIPE_KEY=sk_live_abc";
  EXPECT_TRUE(HasPublicEnvPrefix(line, line.find("sk_")));
  for (std::string l : {"REACT_APP_X: 'v'", "VITE_TOKEN = v", "EXPO_PUBLIC_K=v", "NUXT_PUBLIC_K=v",
                        "PUBLIC_SUPABASE_KEY=v"}) {
    EXPECT_TRUE(HasPublicEnvPrefix(l, l.size() - 1)) << l;
  }
  std::string server = "STRIPE_KEY=sk_live_abc  # not NEXT_PUBLIC_";
  EXPECT_FALSE(HasPublicEnvPrefix(server, server.find("sk_")));
}

TEST(ApplyFileContext, ExposedFindingIsRaisedTaggedAndSaysSo) {
  findings::Finding f;
  f.description = "Token signing secret";
  f.severity = Severity::kHigh;
  ApplyFileContext(ClassifyFile("src/components/Login.jsx", ""), "const s = 'x';", f);
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.tags, std::vector<std::string>{"frontend"});
  EXPECT_NE(f.message.find("shipped to every user"), std::string::npos);
}

TEST(ApplyFileContext, PublishableInfoFindingIsTaggedButNotRaised) {
  findings::Finding f;
  f.severity = Severity::kInfo;
  ApplyFileContext(ClassifyFile("android/app/src/main/res/values/strings.xml", ""), "", f);
  EXPECT_EQ(f.severity, Severity::kInfo);
  EXPECT_EQ(f.tags, std::vector<std::string>{"mobile"});
}

TEST(ApplyFileContext, TestPathIsTaggedNotRaised) {
  findings::Finding f;
  f.severity = Severity::kHigh;
  ApplyFileContext(ClassifyFile("web/src/components/__tests__/Login.test.jsx", ""), "", f);
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.tags, std::vector<std::string>{"test-path"});
}

}  // namespace
}  // namespace keyhole::analyze
