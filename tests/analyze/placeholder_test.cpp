#include "analyze/placeholder.h"

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using keyhole::testing::FakeAwsKeyId;
using keyhole::testing::FakeAwsSecret;
using keyhole::testing::FakeGithubToken;
using keyhole::testing::RandomAlnum;

TEST(IsPlaceholder, RecognisesPlaceholderPhrases) {
  for (const char* s : {"your-api-key-here", "YOUR_API_KEY", "yourApiKeyHere", "<TOKEN>",
                        "<your-token>", "[API_KEY]", "xxxxxxxxxxxxxxxx", "changeme", "CHANGE_ME",
                        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_test_your_key_here", "my-secret-key",
                        "test-api-key", "dummy_token_123", "placeholder", "REDACTED", "password",
                        "********", "todo", "insert_token", "fake-token", "not-a-real-secret",
                        "aaaaaaaaaaaaaaaa", "1234567890abcdef", "some_random_string", "%s", "{}"}) {
    EXPECT_TRUE(IsPlaceholder(s)) << s;
  }
}

TEST(IsPlaceholder, RecognisesDocumentationKeys) {
  EXPECT_TRUE(IsPlaceholder("AKIAIOSFODNN7EXAMPLE"));
  EXPECT_TRUE(IsPlaceholder("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  EXPECT_TRUE(IsPlaceholder("sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
  EXPECT_TRUE(IsPlaceholder(
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="));
}

TEST(IsPlaceholder, RecognisesOAuthRfcExampleTokens) {
  EXPECT_TRUE(IsPlaceholder("2YotnFZFEjr1zCsicMWpAA"));  // RFC 6749 access token
  EXPECT_TRUE(IsPlaceholder("ad180jjd733klru7"));        // RFC 5849 token
}

TEST(IsPlaceholder, KeepsRandomSecrets) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    EXPECT_FALSE(IsPlaceholder(FakeGithubToken(seed))) << FakeGithubToken(seed);
    EXPECT_FALSE(IsPlaceholder(FakeAwsKeyId(seed))) << FakeAwsKeyId(seed);
    EXPECT_FALSE(IsPlaceholder(FakeAwsSecret(seed))) << FakeAwsSecret(seed);
    std::string stripe = "sk_live_" + RandomAlnum(seed, 24);
    EXPECT_FALSE(IsPlaceholder(stripe)) << stripe;
  }
}

TEST(IsPlaceholder, KeepsRandomSecretsContainingShortMarkerWords) {
  // Short words inside random text are chance, not intent.
  for (const char* s : {"sk_test_Rk3TestqZ81hLmPa02VbXcYd", "a8FooQ2barZ7xK1mTnW4", "Xy7demoP0qL3vTeStR9",
                        "ghp_kTodoL9x2mQ8vR4wZ7nB1cY6pS3dF0hJ5gK", "npm_MyKey8Hq2Lp0Vz9Xc4Rt7Yb1Nm6Ws3Ef5Gd",
                        "rk_test_9zVq2Lm8NpKeyX4cR7tB1wY6", "hf_AbcTokenXyzqwPLmnbVCxzlkJHgfdsaPOIuy"}) {
    EXPECT_FALSE(IsPlaceholder(s)) << s;
  }
}

TEST(IsPlaceholder, KeepsGeneratedSaltsWithAngleBrackets) {
  // WordPress keys and salts use the whole printable range: '<' ... '>' around random bytes
  // is not a template slot; "<your key>" inside a value still is.
  EXPECT_FALSE(IsPlaceholder("e7d-6HH}Vs+_CC-[UEZ7auaJ0U><A7h5Cjei0@H+*4rifm7KfDvR+>!3_N(Up7hK"));
  EXPECT_FALSE(IsPlaceholder("u<6#g <ccmwE$5vyGzL6e<3(?-i<)kpvF5oXE!N%DV#-N/ySn4BQ1a{sP1>BLPKC"));
  EXPECT_TRUE(IsPlaceholder("sk_live_<your key>"));
  EXPECT_TRUE(IsPlaceholder("Bearer <ACCESS_TOKEN>"));
}

TEST(IsPlaceholder, KeepsFormatsWithAFixedRunOfOneCharacter) {
  // X (Twitter) bearer tokens start with 21 'A's; Dropbox long-lived tokens carry 10.
  std::string bearer = "AAAAAAAAAAAAAAAAAAAAA" + RandomAlnum(21, 90);
  EXPECT_FALSE(IsPlaceholder(bearer)) << bearer;
  std::string dropbox = "qu2q1cshefxAAAAAAAAAA" + RandomAlnum(22, 43);
  EXPECT_FALSE(IsPlaceholder(dropbox)) << dropbox;
  EXPECT_TRUE(IsPlaceholder("sk_live_0000000000000000"));
}

TEST(IsPlaceholder, KeepsRealLookingPasswords) {
  EXPECT_FALSE(IsPlaceholder("Tr0ub4dor&3-horse"));
  EXPECT_FALSE(IsPlaceholder("hunter2-prod-Xq9"));
  EXPECT_FALSE(IsPlaceholder("s9#Lm2!vQ8zR"));
}

TEST(IsReference, RecognisesReferencesInTheValue) {
  for (const char* s : {"${STRIPE_KEY}", "${{ secrets.NPM_TOKEN }}", "{{ .Values.apiKey }}",
                        "process.env.STRIPE_KEY", "os.environ['API_KEY']", "os.getenv(\"TOKEN\")",
                        "%(password)s", "$API_TOKEN", "$env:GITHUB_TOKEN", "#{db_password}",
                        "import.meta.env.VITE_KEY", "secrets.DEPLOY_KEY", "DATABASE_PASSWORD",
                        "config.stripeSecret", "$apiKey"}) {
    EXPECT_TRUE(IsReference(s, std::string("key = ") + s)) << s;
  }
}

TEST(IsReference, TemplatesWithExpressionsInsideAreReferences) {
  for (const char* s : {"prefix-${DB_PASS}-suffix", "{{ .Values.db.password | b64enc }}",
                        "<%= ENV['API_KEY'] %>", "$(cat /run/secrets/db_password)",
                        "#{ENV.fetch('TOKEN')}", "[[ vault_token ]]", "${env('X')}"}) {
    EXPECT_TRUE(IsReference(s, std::string("key = '") + s + "'")) << s;
  }
}

TEST(IsReference, RandomSecretsContainingAnOpenerAreLiterals) {
  // WordPress salts: 64 random printable characters, so "#{", "${", "[[" or "$(" turn up
  // about one time in twelve, without an expression and its closer after them.
  for (const char* s : {"|4y@. Y?(mIG:}@t}#{2)~v^V:Aap044m3OgDEs)&eVL0bYeb7/1qd-zGIY$w_8G",
                        "Q5x${;7&k]L^2zP!r#Vb%Hm+3w~Jd*8u@Fy9g<Tn0s>Ea6c?Wq1i=Ro4t|Sl",
                        "m[[9#Kd2!vP&x7^Qa%Lz0*Bn$(3@rT+e8~Yw>c5<Hj?u1=Fs6}oG4i|Xk;gN",
                        "aB3$(kL9@x!#%^&*Zq2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX<>?,;:~`-_+="}) {
    EXPECT_FALSE(IsReference(s, std::string("define( 'AUTH_KEY', '") + s + "' );")) << s;
  }
}

TEST(IsReference, RecognisesReferencesFromTheLine) {
  EXPECT_TRUE(IsReference("API_TOKEN_VALUE", "url: https://x/${API_TOKEN_VALUE}"));
  EXPECT_TRUE(IsReference("token", "auth: {{ token }}"));
  EXPECT_TRUE(IsReference("STRIPE_KEY", "key = process.env.STRIPE_KEY"));
  EXPECT_TRUE(IsReference("SECRET_X", "k = os.environ[\"SECRET_X\"]"));
  EXPECT_TRUE(IsReference("db.password", "@Value(\"${db.password}\") String pw;"));
  EXPECT_TRUE(IsReference("pw", "dsn = 'postgres://u:%(pw)s@h/db'"));
}

TEST(IsReference, KeepsLiterals) {
  std::string gh = FakeGithubToken(4);
  EXPECT_FALSE(IsReference(gh, "token = \"" + gh + "\""));
  std::string aws = FakeAwsSecret(4);
  EXPECT_FALSE(IsReference(aws, "aws_secret_access_key = " + aws));
  EXPECT_FALSE(IsReference("Xk29vLmQ8rT", "password: Xk29vLmQ8rT"));
  EXPECT_FALSE(IsReference("$3cr3tXq9!", "password = \"$3cr3tXq9!\""));
}

}  // namespace
}  // namespace keyhole::analyze
