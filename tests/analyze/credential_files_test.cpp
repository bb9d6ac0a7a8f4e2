// Credential-file readers (credential_files.h), and the credential-file, basic-auth and
// transport rules through the real Scanner and AnalyzeBlob.
#include "analyze/credential_files.h"

#include <gtest/gtest.h>

#include "depth_test_util.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using testing::ScanWithDefaults;

std::string Span(std::string_view data, const CredentialHit& h) {
  return std::string(data.substr(h.begin, h.end - h.begin));
}

TEST(ReadNetrc, PasswordsAcrossLinesAndOnOneLineWithMachineAndLogin) {
  std::string pw = keyhole::testing::RandomAlnum(1, 18);
  std::string data = "machine git.acme.io\n  login deploy\n  password " + pw +
                     "\n\nmachine api.acme.io login ci password \"Zq8vH2uRx9LmT3nW\"\n";
  auto hits = ReadNetrc(data);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(Span(data, hits[0]), pw);
  EXPECT_EQ(hits[0].rule_id, "netrc-password");
  EXPECT_EQ(hits[0].facts["machine"], "git.acme.io");
  EXPECT_EQ(hits[0].facts["login"], "deploy");
  EXPECT_EQ(Span(data, hits[1]), "Zq8vH2uRx9LmT3nW");
  EXPECT_EQ(hits[1].facts["login"], "ci");
}

TEST(ReadNetrc, PlaceholdersReferencesCommentsAndMacrosAreNotPasswords) {
  std::string data =
      "# password Zq8vH2uRx9LmT3nW\n"
      "machine a.acme.io login x password changeme\n"
      "machine b.acme.io login y password ${NETRC_PASSWORD}\n"
      "macdef init\n  echo password Zq8vH2uRx9LmT3nW\n\n"
      "default login anonymous password\n";
  EXPECT_TRUE(ReadNetrc(data).empty());
}

TEST(ReadPgpass, FifthFieldWithEscapedColonsIsThePassword) {
  std::string data =
      "# host:port:db:user:password\ndb.acme.internal:5432:app:app:Zq8v\\:H2uRx9\r\n"
      "localhost:5432:*:postgres:\n*:*:*:*:changeme\n";
  auto hits = ReadPgpass(data);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(Span(data, hits[0]), "Zq8v\\:H2uRx9");
  EXPECT_EQ(hits[0].facts["host"], "db.acme.internal");
  EXPECT_EQ(hits[0].facts["user"], "app");
}

TEST(ReadPgpass, LinesWithoutFiveFieldsAreIgnored) {
  EXPECT_TRUE(ReadPgpass("just text: not a pgpass line\nhost:5432:db:user\n").empty());
}

TEST(ReadTerraformState, SecretAttributesAtAnyDepthAndSensitiveOutputs) {
  std::string data = R"({
  "version": 4,
  "outputs": {
    "db_password": {"value": "Xk29LmQ7vR2wT8nZ", "type": "string", "sensitive": true},
    "endpoint": {"value": "db.acme.internal", "type": "string"}
  },
  "resources": [
    {"mode": "managed", "type": "aws_db_instance", "name": "main",
     "instances": [{"attributes": {"password": "Zq8vH2uRx9LmT3nW", "password_length": 16,
                                   "username": "app", "tags": {"env": "prod"},
                                   "nested": [{"client_secret": "p0Q9wE8rT7yU6iO5"}]}}]},
    {"mode": "managed", "type": "random_password", "name": "x",
     "instances": [{"attributes": {"result": "ignored", "secret": ""}}]}
  ]
})";
  auto hits = ReadTerraformState(data);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(Span(data, hits[0]), "Xk29LmQ7vR2wT8nZ");
  EXPECT_EQ(hits[0].facts["output"], "db_password");
  EXPECT_EQ(Span(data, hits[1]), "Zq8vH2uRx9LmT3nW");
  EXPECT_EQ(hits[1].facts["resource_type"], "aws_db_instance");
  EXPECT_EQ(hits[1].facts["attribute"], "password");
  EXPECT_EQ(Span(data, hits[2]), "p0Q9wE8rT7yU6iO5");
}

TEST(ReadTerraformState, MalformedJsonYieldsNothing) {
  EXPECT_TRUE(ReadTerraformState("{\"resources\": [ {\"password\": \"Zq8vH2uRx9").empty());
}

TEST(ReadTerraformState, DeepNestingIsWalkedWithoutRecursion) {
  // 60,000 nested arrays inside the attributes (and a secret after them) once overflowed
  // the stack: the reader now keeps its own stack.
  const std::string deep = std::string(60000, '[') + std::string(60000, ']');
  std::string data = "{\"resources\": [{\"type\": \"t\", \"instances\": [{\"attributes\": {\"a\": " + deep +
                     ", \"password\": \"Zq8vH2uRx9LmT3nW\"}}]}], \"b\": " + deep + "}";
  auto hits = ReadTerraformState(data);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(Span(data, hits[0]), "Zq8vH2uRx9LmT3nW");
  EXPECT_EQ(hits[0].facts["resource_type"], "t");
  EXPECT_TRUE(ReadTerraformState(std::string(200000, '[')).empty());  // truncated: nothing
}

TEST(ReadTerraformState, ManyValuesAreEachFoundWhereTheyAre) {
  // 20,000 secret attributes whose JSON text is escaped (a search for the re-encoded value
  // found none and rescanned the document for each: quadratic).
  std::string data = "{\"resources\": [{\"type\": \"t\", \"instances\": [";
  for (int i = 0; i < 20000; ++i) {
    data += std::string(i ? "," : "") + "{\"attributes\": {\"api_token\": \"Qx\\u0041" + std::to_string(100000 + i) +
            "vR2wT8nZ\"}}";
  }
  data += "]}]}";
  auto hits = ReadTerraformState(data);
  ASSERT_EQ(hits.size(), 20000u);
  EXPECT_EQ(Span(data, hits[0]), "Qx\\u0041100000vR2wT8nZ");
}

TEST(ReadTerraformState, SensitiveMayComeAfterTheValueAndKeysMayBeEscaped) {
  std::string data = R"({"outputs": {"k": {"value": "Xk29LmQ7vR2wT8nZ", "sensitive": true},
                                       "open": {"value": "Yk29LmQ7vR2wT8nZ", "sensitive": false}},
                          "resources": [{"type": "t", "instances": [{"attributes": {"pass\u0077ord": "Wq8vH2uRx9LmT3nW"}}]}]})";
  auto hits = ReadTerraformState(data);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(Span(data, hits[0]), "Xk29LmQ7vR2wT8nZ");
  EXPECT_EQ(hits[0].facts["output"], "k");
  EXPECT_EQ(Span(data, hits[1]), "Wq8vH2uRx9LmT3nW");
  EXPECT_EQ(hits[1].facts["attribute"], "password");
}

TEST(ReadCredentialFile, DispatchesOnTheFileName) {
  std::string netrc = "machine h login u password Zq8vH2uRx9LmT3nW\n";
  EXPECT_EQ(ReadCredentialFile("home/.netrc", netrc).size(), 1u);
  EXPECT_EQ(ReadCredentialFile("_netrc", netrc).size(), 1u);
  EXPECT_TRUE(ReadCredentialFile("docs/netrc.md", netrc).empty());
  EXPECT_TRUE(HasCredentialReader("infra/prod.tfstate"));
  EXPECT_TRUE(HasCredentialReader("infra/terraform.tfstate.backup"));
  EXPECT_FALSE(HasCredentialReader("infra/main.tf"));
}

// --- Readers and rules through AnalyzeBlob ---------------------------------------------

TEST(CredentialFileFindings, ReaderHitsBecomeCredentialFileFindings) {
  auto fs = ScanWithDefaults("machine git.acme.io\n  login deploy\n  password Zq8vH2uRx9LmT3nW\n",
                             "deploy/.netrc");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "netrc-password");
  EXPECT_EQ(fs[0].category, "credential-file");
  EXPECT_EQ(fs[0].location.start_line, 3u);
  EXPECT_EQ(fs[0].location.start_column, 12u);
  EXPECT_FALSE(fs[0].fingerprint.empty());
}

TEST(CredentialFileFindings, AWeakPasswordIsStillAFindingInACredentialFile) {
  // Low entropy, no digits: a generic rule would not report it; a password field is one.
  auto fs = ScanWithDefaults("[pypi]\nusername = deploy\npassword = horsebattery\n", ".pypirc");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "pypirc-password");
}

TEST(CredentialFileFindings, OneFindingPerSecretWhenAGenericRuleAlsoMatches) {
  auto fs = ScanWithDefaults("https://deploy-bot:Q7v2Lk9xRt4mWz3p@git.acme.io\n",
                             "deploy/.git-credentials");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "git-credentials-password");
}

TEST(CredentialFileFindings, HtpasswdHashesAreLowSeverity) {
  auto fs = ScanWithDefaults("admin:$apr1$3T5cVzA1$Xq9mE4lD0pKsRr3bVt8cS/\n", "public/.htpasswd");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].severity, Severity::kLow);
}

TEST(BasicAuth, DecodesUserAndPassword) {
  auto fs = ScanWithDefaults(
      "curl -H \"Authorization: Basic ZGVwbG95OnU4anpQZGUwSWd4TGQ2R24=\" https://a.acme.io\n",
      "scripts/deploy.sh");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "basic-auth-credentials");
  EXPECT_EQ(fs[0].facts["username"], "deploy");
  EXPECT_EQ(fs[0].facts["encoding"], "base64");
}

TEST(BasicAuth, PlaceholderPasswordsAreDropped) {
  // user:password, admin:admin, user: (empty)
  for (const char* v : {"dXNlcm5hbWU6cGFzc3dvcmQ=", "YWRtaW46YWRtaW4=", "dXNlcm5hbWU6"}) {
    auto fs = ScanWithDefaults(std::string("Authorization: Basic ") + v + "\n", "notes.txt");
    EXPECT_TRUE(fs.empty()) << v << ": " << testing::RuleIds(fs);
  }
}

TEST(Transport, BearerToAPlainHttpHostIsAFindingAtTheUrl) {
  auto fs = ScanWithDefaults(
      "import requests\n\nresp = requests.get(\"http://billing.acme.internal/api\", "
      "headers={\"Authorization\": f\"Bearer {token}\"})\n",
      "svc/billing.py");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].rule_id, "bearer-over-http");
  EXPECT_EQ(fs[0].category, "transport");
  EXPECT_EQ(fs[0].secret, "http://billing.acme.internal");
  EXPECT_EQ(fs[0].location.start_line, 3u);
}

TEST(Transport, LoopbackAndHttpsAreNotFindings) {
  for (const char* host : {"http://localhost:8080", "http://127.0.0.1", "http://127.3.2.1:9000",
                           "http://[::1]:8080", "http://api.localhost", "https://api.acme.io"}) {
    auto fs = ScanWithDefaults(
        std::string("fetch('") + host + "/me', { headers: { Authorization: 'Bearer ' + t } })\n",
        "web/api.js");
    EXPECT_TRUE(fs.empty()) << host << ": " << testing::RuleIds(fs);
  }
}

TEST(Transport, HeaderAFewLinesFromTheUrlIsFound) {
  auto fs = ScanWithDefaults(
      "### orders\nGET http://api.acme.io/v1/orders\nAccept: application/json\n"
      "Authorization: Bearer {{token}}\n",
      "api/orders.http");
  ASSERT_EQ(fs.size(), 1u) << testing::RuleIds(fs);
  EXPECT_EQ(fs[0].location.start_line, 2u);
}

TEST(Transport, HeaderFarFromTheUrlIsNotLinkedToIt) {
  std::string text = "const base = 'http://api.acme.io';\n";
  for (int i = 0; i < 10; ++i) text += "// unrelated line " + std::to_string(i) + "\n";
  text += "const h = { Authorization: 'Bearer ' + t };\n";
  auto fs = ScanWithDefaults(text, "web/api.js");
  EXPECT_TRUE(fs.empty()) << testing::RuleIds(fs);
}

}  // namespace
}  // namespace keyhole::analyze
