#include "analyze/keys.h"

#include <gtest/gtest.h>

#include "analyze_test_util.h"
#include "support/test_util.h"

namespace keyhole::analyze {
namespace {

using testing::AnalyzeText;
using testing::OfRule;

std::string Key(const std::string& name) {
  return keyhole::testing::ReadFile(keyhole::testing::SourceDir() / "fixtures/keys" / name);
}

TEST(InspectKeyBlock, Pkcs1RsaKeyWithBits) {
  auto info = InspectKeyBlock(Key("rsa_pkcs1.pem"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key_type, "rsa");
  EXPECT_EQ(info->bits, 2048);
  EXPECT_FALSE(info->encrypted);
}

TEST(InspectKeyBlock, Pkcs8Sec1AndDsaKeys) {
  EXPECT_EQ(InspectKeyBlock(Key("rsa_pkcs8.pem"))->key_type, "pkcs8");
  EXPECT_EQ(InspectKeyBlock(Key("ec_sec1.pem"))->key_type, "ec");
  EXPECT_EQ(InspectKeyBlock(Key("ec_sec1.pem"))->bits, 256);
  EXPECT_EQ(InspectKeyBlock(Key("dsa.pem"))->key_type, "dsa");
}

TEST(InspectKeyBlock, EncryptedPkcs8AndLegacyProcTypeAreEncrypted) {
  auto p8 = InspectKeyBlock(Key("ec_pkcs8_encrypted.pem"));
  ASSERT_TRUE(p8.has_value());
  EXPECT_TRUE(p8->encrypted);
  auto legacy = InspectKeyBlock(Key("rsa_legacy_encrypted.pem"));
  ASSERT_TRUE(legacy.has_value());
  EXPECT_TRUE(legacy->encrypted);
  EXPECT_EQ(legacy->key_type, "rsa");
}

TEST(InspectKeyBlock, PublicKeysAndCertificatesAreNotPrivateKeys) {
  EXPECT_FALSE(InspectKeyBlock(Key("rsa_public.pem")).has_value());
  EXPECT_FALSE(InspectKeyBlock(Key("ec_cert.pem")).has_value());
}

TEST(InspectKeyBlock, EmptyWrapperIsDropped) {
  EXPECT_FALSE(InspectKeyBlock("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----").has_value());
  EXPECT_FALSE(InspectKeyBlock("-----BEGIN RSA PRIVATE KEY-----\n\n-----END RSA PRIVATE KEY-----")
                   .has_value());
}

TEST(InspectKeyBlock, TruncatedSnippetsAreDropped) {
  EXPECT_FALSE(InspectKeyBlock("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n"
                               "-----END RSA PRIVATE KEY-----")
                   .has_value());
  // A real key with its body cut in half: the DER length no longer fits.
  std::string key = Key("rsa_pkcs1.pem");
  size_t mid = key.size() / 2;
  mid -= mid % 65;  // whole base64 lines (64 chars + newline)
  std::string cut = key.substr(0, mid) + "\n-----END RSA PRIVATE KEY-----\n";
  EXPECT_FALSE(InspectKeyBlock(cut).has_value());
  // No END marker at all.
  EXPECT_FALSE(InspectKeyBlock(key.substr(0, 200)).has_value());
}

TEST(InspectKeyBlock, KeyInsideStringLiteralWithEscapedNewlines) {
  std::string pem = Key("ec_sec1.pem");
  std::string escaped;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  auto info = InspectKeyBlock("const key = \"" + escaped + "\";");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key_type, "ec");
}

TEST(InspectKeyBlock, KeySplitAcrossConcatenatedLiterals) {
  std::string pem = Key("ec_sec1.pem");
  std::string code = "const key =\n";
  size_t start = 0;
  while (start < pem.size()) {
    size_t nl = pem.find('\n', start);
    code += "  \"" + pem.substr(start, nl - start) + "\\n\" +\n";
    start = nl + 1;
  }
  code += "  \"\";\n";
  auto info = InspectKeyBlock(code);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key_type, "ec");
}

TEST(InspectKeyBlock, OpensshKeyByMagicAndCipher) {
  auto plain = InspectKeyBlock(Key("id_ed25519"));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->key_type, "openssh");
  EXPECT_EQ(plain->algorithm, "ssh-ed25519");
  EXPECT_FALSE(plain->encrypted);
  auto enc = InspectKeyBlock(Key("id_ed25519_encrypted"));
  ASSERT_TRUE(enc.has_value());
  EXPECT_TRUE(enc->encrypted);
}

TEST(InspectKeyBlock, OpensshArmourWithoutMagicIsDropped) {
  EXPECT_FALSE(InspectKeyBlock("-----BEGIN OPENSSH PRIVATE KEY-----\n"
                               "bm90LXRoZS1tYWdpYy1ieXRlcy1hdC1hbGwtLS0tLS0tLS0tLS0tLS0tLS0tLS0t\n"
                               "-----END OPENSSH PRIVATE KEY-----")
                   .has_value());
}

TEST(InspectKeyBlock, PgpPrivateKeyBlock) {
  auto info = InspectKeyBlock(Key("pgp_private.asc"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key_type, "pgp");
}

TEST(InspectKeyBlock, PuttyKeyFileAndItsTruncation) {
  std::string ppk = Key("putty.ppk");
  auto info = InspectKeyBlock(ppk);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key_type, "putty");
  EXPECT_FALSE(info->encrypted);
  std::string cut = ppk.substr(0, ppk.find("Private-Lines:")) + "Private-Lines: 3\nAAAA\n";
  EXPECT_FALSE(InspectKeyBlock(cut).has_value());
}

TEST(InspectJwk, PrivateMemberDIsRequired) {
  std::string jwks = Key("jwk_private.json");
  std::string obj = jwks.substr(jwks.find('{', 1), jwks.find('}') - jwks.find('{', 1) + 1);
  auto info = InspectJwk(obj);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->algorithm, "EC");
  std::string pub = Key("jwk_public.json");
  EXPECT_FALSE(InspectJwk(pub.substr(pub.find('{', 1), pub.find('}') - pub.find('{', 1) + 1)));
  EXPECT_FALSE(InspectJwk(R"({"kty":"EC","crv":"P-256","d":"..."})").has_value());
}

TEST(InspectJwk, JsObjectLiteralWithUnquotedMembers) {
  EXPECT_TRUE(InspectJwk("{ kty: 'EC', crv: 'P-256', d: 'Ozz0U1U3jYoXEVTQo7vond94khEbLeyG70R81YHcaUg' }")
                  .has_value());
}

TEST(PrivateKeyRules, EncryptedKeyIsReportedAtLowerSeverity) {
  auto plain = OfRule(AnalyzeText(Key("ec_pkcs8.pem"), "deploy/key.pem"), "private-key");
  auto enc = OfRule(AnalyzeText(Key("ec_pkcs8_encrypted.pem"), "deploy/key.pem"), "private-key");
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_EQ(enc.size(), 1u);
  EXPECT_EQ(enc[0].facts["encrypted"], true);
  EXPECT_LT(enc[0].severity, plain[0].severity);
}

TEST(PrivateKeyRules, EveryFixtureKeyFormatIsFoundOnce) {
  for (std::string name : {"rsa_pkcs1.pem", "rsa_pkcs8.pem", "ec_sec1.pem", "dsa.pem", "id_ed25519",
                           "pgp_private.asc", "putty.ppk", "jwk_private.json"}) {
    auto fs = AnalyzeText(Key(name), "keys/" + name);
    EXPECT_EQ(fs.size(), 1u) << name;
  }
  for (std::string name : {"rsa_public.pem", "ec_cert.pem", "jwk_public.json"}) {
    EXPECT_TRUE(AnalyzeText(Key(name), "keys/" + name).empty()) << name;
  }
}

}  // namespace
}  // namespace keyhole::analyze
