#include "analyze/keys.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/analyzers.h"
#include "analyze/base64.h"
#include "rules/validate.h"

namespace keyhole::analyze {

namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kOpensshMagic{"openssh-key-v1\0", 15};

bool IsQuote(char c) { return c == '"' || c == '\'' || c == '`'; }

// Turns the text between the BEGIN and END markers into armour lines: resolves "\n"
// escapes (also double-escaped), and when the block sits in a quoted string literal keeps
// only the text inside the literal(s), so `"...\n" + "MIIE...\n" + ...` concatenations
// and Python's implicit concatenation reduce to the key body.
std::vector<std::string> ArmourLines(std::string_view body, char quote) {
  std::string text;
  text.reserve(body.size());
  bool inside = true;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (quote != 0 && c == quote) {
      inside = !inside;
      continue;
    }
    if (!inside) continue;
    if (c == '\\') {
      size_t j = i;
      while (j < body.size() && body[j] == '\\') ++j;
      if (j < body.size() && (body[j] == 'n' || body[j] == 'r')) {
        text.push_back('\n');
        i = j;
        continue;
      }
      if (j < body.size() && body[j] == '\n') {  // line continuation
        i = j;
        continue;
      }
      text.push_back(c);
      continue;
    }
    text.push_back(c);
  }
  std::vector<std::string> lines;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t\r");
    size_t e = cur.find_last_not_of(" \t\r");
    if (b != std::string::npos) lines.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char c : text) {
    if (c == '\n') {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return lines;
}

// Decodes the base64 body of armour lines: header lines ("Proc-Type: ...") are skipped and
// reported through *headers; a PGP armour checksum line ("=AbCd") is skipped.
std::optional<std::string> DecodeBody(const std::vector<std::string>& lines, std::string* headers) {
  std::string b64;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.find(':') != std::string::npos) {
      *headers += l;
      *headers += '\n';
      continue;
    }
    if (l.size() == 5 && l[0] == '=' && i + 1 == lines.size()) continue;  // PGP CRC24
    for (char c : l) {
      if (c == ' ' || c == '\t') continue;
      b64.push_back(c);
    }
  }
  if (b64.empty()) return std::nullopt;
  return Base64Decode(b64);  // rejects "...", "…", "<key here>" and other non-base64
}

// A DER SEQUENCE whose encoded length fits the data (a truncated body does not).
bool PlausibleDer(std::string_view der) {
  if (der.size() < 40 || static_cast<unsigned char>(der[0]) != 0x30) return false;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(der[i]); };
  size_t len = 0, header = 0;
  unsigned char l0 = byte(1);
  if (l0 < 0x80) {
    len = l0;
    header = 2;
  } else {
    size_t n = l0 & 0x7F;
    if (n == 0 || n > 3) return false;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | byte(2 + i);
    header = 2 + n;
  }
  size_t total = header + len;
  return total <= der.size() && der.size() - total < 16;
}

int KeyBits(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) return 0;
  int bits = EVP_PKEY_get_bits(pkey);
  EVP_PKEY_free(pkey);
  return bits;
}

// Reads an OpenSSH length-prefixed string at *pos.
std::optional<std::string_view> SshString(std::string_view data, size_t* pos) {
  if (*pos + 4 > data.size()) return std::nullopt;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(data[*pos + i]);
  *pos += 4;
  if (n > data.size() - *pos) return std::nullopt;
  std::string_view s = data.substr(*pos, n);
  *pos += n;
  return s;
}

std::optional<KeyInfo> InspectOpenssh(std::string_view der) {
  if (der.substr(0, kOpensshMagic.size()) != kOpensshMagic) return std::nullopt;
  size_t pos = kOpensshMagic.size();
  auto cipher = SshString(der, &pos);
  auto kdf = SshString(der, &pos);
  auto kdf_options = SshString(der, &pos);
  if (!cipher || !kdf || !kdf_options || pos + 4 > der.size()) return std::nullopt;
  pos += 4;  // number of keys
  KeyInfo info;
  info.key_type = "openssh";
  info.encrypted = *cipher != "none";
  if (auto pub = SshString(der, &pos)) {
    size_t p = 0;
    if (auto alg = SshString(*pub, &p)) info.algorithm = std::string(*alg);
  }
  // The private section must be there: a header-only blob is a truncated snippet.
  auto priv = SshString(der, &pos);
  if (!priv || priv->size() < 8) return std::nullopt;
  return info;
}

std::optional<KeyInfo> InspectPutty(std::string_view text) {
  // PuTTY-User-Key-File-2: ssh-rsa / Encryption: none / ... / Private-Lines: N / N lines.
  std::vector<std::string> lines = ArmourLines(text, 0);
  if (lines.empty()) return std::nullopt;
  KeyInfo info;
  info.key_type = "putty";
  size_t colon = lines[0].find(": ");
  if (colon != std::string::npos) info.algorithm = lines[0].substr(colon + 2);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("Encryption: ", 0) == 0) info.encrypted = l.substr(12) != "none";
    if (l.rfind("Private-Lines: ", 0) == 0) {
      size_t n = static_cast<size_t>(std::atoi(l.c_str() + 15));
      if (n == 0 || i + n >= lines.size()) return std::nullopt;  // fewer lines than announced
      std::string b64;
      for (size_t k = i + 1; k <= i + n; ++k) b64 += lines[k];
      std::optional<std::string> bytes = Base64Decode(b64);
      if (!bytes || bytes->size() < 16) return std::nullopt;
      return info;
    }
  }
  return std::nullopt;
}

std::string KeyTypeOfLabel(std::string_view label) {
  if (label.rfind("RSA ", 0) == 0) return "rsa";
  if (label.rfind("EC ", 0) == 0) return "ec";
  if (label.rfind("DSA ", 0) == 0) return "dsa";
  return "pkcs8";
}

}  // namespace

std::optional<KeyInfo> InspectKeyBlock(std::string_view text) {
  size_t putty = text.find("PuTTY-User-Key-File-");
  size_t begin = text.find(kBegin);
  if (putty != std::string_view::npos && (begin == std::string_view::npos || putty < begin)) {
    return InspectPutty(text.substr(putty));
  }
  if (begin == std::string_view::npos) return std::nullopt;
  size_t label_start = begin + kBegin.size();
  size_t label_end = text.find("-----", label_start);
  if (label_end == std::string_view::npos) return std::nullopt;
  std::string_view label = text.substr(label_start, label_end - label_start);
  if (label.find("PRIVATE KEY") == std::string_view::npos) return std::nullopt;  // public, cert
  size_t body_start = label_end + 5;
  size_t end = text.find(kEnd, body_start);
  if (end == std::string_view::npos) return std::nullopt;
  char quote = begin > 0 && IsQuote(text[begin - 1]) ? text[begin - 1] : 0;
  std::vector<std::string> lines = ArmourLines(text.substr(body_start, end - body_start), quote);
  std::string headers;
  std::optional<std::string> der = DecodeBody(lines, &headers);
  if (!der) return std::nullopt;

  KeyInfo info;
  if (label == "OPENSSH PRIVATE KEY") return InspectOpenssh(*der);
  if (label == "PGP PRIVATE KEY BLOCK") {
    // An OpenPGP packet stream starting with a secret-key packet (tag 5).
    if (der->size() < 64) return std::nullopt;
    unsigned char b = static_cast<unsigned char>((*der)[0]);
    int tag = (b & 0xC0) == 0xC0 ? (b & 0x3F) : (b & 0xC0) == 0x80 ? ((b >> 2) & 0x0F) : -1;
    if (tag != 5) return std::nullopt;
    info.key_type = "pgp";
    return info;
  }
  info.key_type = KeyTypeOfLabel(label);
  if (headers.find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    // Legacy OpenSSL encryption: the body is ciphertext (whole cipher blocks), not DER.
    if (der->size() < 64 || der->size() % 8 != 0) return std::nullopt;
    info.encrypted = true;
    return info;
  }
  if (!PlausibleDer(*der)) return std::nullopt;
  if (label == "ENCRYPTED PRIVATE KEY") {
    info.encrypted = true;
    return info;
  }
  info.bits = KeyBits(*der);
  return info;
}

namespace {

// Reads "kty", "d", "k" from a JWK as JSON or as a JS/TS object literal.
struct JwkMembers {
  std::string kty, d, k;
};

std::optional<JwkMembers> ReadJwk(std::string_view text) {
  JwkMembers m;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto get = [&](const char* key, std::string* out) {
      auto it = j.find(key);
      if (it != j.end() && it->is_string()) *out = it->get<std::string>();
    };
    get("kty", &m.kty);
    get("d", &m.d);
    get("k", &m.k);
  } else {
    static const RE2 kKty(R"re(["']?\bkty["']?\s*:\s*["']([A-Za-z-]+)["'])re", rules::Re2Options());
    static const RE2 kD(R"re((?:^|[{,\s])["']?d["']?\s*:\s*["']([^"']*)["'])re", rules::Re2Options());
    static const RE2 kK(R"re((?:^|[{,\s])["']?k["']?\s*:\s*["']([^"']*)["'])re", rules::Re2Options());
    RE2::PartialMatch(text, kKty, &m.kty);
    RE2::PartialMatch(text, kD, &m.d);
    RE2::PartialMatch(text, kK, &m.k);
  }
  if (m.kty.empty()) return std::nullopt;
  return m;
}

}  // namespace

std::optional<KeyInfo> InspectJwk(std::string_view text) {
  std::optional<JwkMembers> m = ReadJwk(text);
  if (!m || m->d.empty()) return std::nullopt;
  std::optional<std::string> d = Base64UrlDecode(m->d);
  if (!d || d->size() < 16) return std::nullopt;  // "...", "<private>", short fakes
  KeyInfo info;
  info.key_type = "jwk";
  info.algorithm = m->kty;
  return info;
}

std::optional<std::string> JwkSymmetricKey(std::string_view text) {
  std::optional<JwkMembers> m = ReadJwk(text);
  if (!m || m->kty != "oct" || m->k.empty()) return std::nullopt;
  std::optional<std::string> k = Base64UrlDecode(m->k);
  if (!k || k->size() < 8) return std::nullopt;
  return k;
}

Verdict AnalyzePrivateKey(Candidate& c) {
  std::optional<KeyInfo> info = InspectKeyBlock(c.secret);
  if (!info) return Verdict::kDrop;
  findings::Finding& f = c.finding;
  f.facts["key_type"] = info->key_type;
  f.facts["encrypted"] = info->encrypted;
  if (info->bits > 0) f.facts["bits"] = info->bits;
  if (!info->algorithm.empty()) f.facts["algorithm"] = info->algorithm;
  std::string what = f.description + " (" + info->key_type;
  if (info->bits > 0) what += ", " + std::to_string(info->bits) + " bits";
  if (!info->algorithm.empty()) what += ", " + info->algorithm;
  if (info->encrypted) {
    f.severity = Lower(f.severity);
    what += ", encrypted with a passphrase";
  }
  f.message = what + ")";
  return Verdict::kKeep;
}

Verdict AnalyzeJwk(Candidate& c) {
  findings::Finding& f = c.finding;
  if (std::optional<KeyInfo> info = InspectJwk(c.secret)) {
    f.facts["key_type"] = "jwk";
    f.facts["kty"] = info->algorithm;
    f.message = f.description + " (kty " + info->algorithm + ", private member d)";
    return Verdict::kKeep;
  }
  if (JwkSymmetricKey(c.secret)) {
    f.facts["key_type"] = "jwk";
    f.facts["kty"] = "oct";
    f.facts["hmac_secret"] = true;
    f.message = f.description + " (kty oct: a symmetric signing key)";
    return Verdict::kKeep;
  }
  return Verdict::kDrop;
}

}  // namespace keyhole::analyze
