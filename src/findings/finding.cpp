#include "findings/finding.h"

#include <algorithm>
#include <tuple>

#include "core/text.h"

namespace keyhole::findings {

namespace {
// A fixed salt: makes report hashes useless as a lookup key into generic SHA-256 tables
// of common passwords, while staying stable across runs so baselines can compare them.
constexpr std::string_view kSecretSalt = "keyhole/secret-hash/v1:";
}  // namespace

std::string Fingerprint(const std::string& rule_id, const std::string& path, const std::string& secret) {
  std::string input;
  input.reserve(rule_id.size() + path.size() + secret.size() + 2);
  input += rule_id;
  input += '\0';
  input += path;
  input += '\0';
  input += secret;
  return Sha256Hex(input).substr(0, 32);
}

std::string Redact(const std::string& secret) {
  // Show at most a quarter of the secret and never more than 4 characters, so a preview
  // identifies the credential type (ghp_, AKIA, eyJh) without revealing it.
  size_t show = std::min<size_t>(4, secret.size() / 4);
  // Do not cut a UTF-8 sequence in half.
  while (show > 0 && show < secret.size() && (static_cast<unsigned char>(secret[show]) & 0xC0) == 0x80) --show;
  return EscapeForTerminal(secret.substr(0, show)) + "…(" + std::to_string(secret.size()) + ")";
}

std::string SecretHash(const std::string& secret) {
  std::string input(kSecretSalt);
  input += secret;
  return Sha256Hex(input);
}

bool FindingLess(const Finding& a, const Finding& b) {
  return std::tie(a.path, a.location.start_line, a.location.start_column, a.rule_id, a.fingerprint,
                  a.blob_id) < std::tie(b.path, b.location.start_line, b.location.start_column,
                                        b.rule_id, b.fingerprint, b.blob_id);
}

void SortFindings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), FindingLess);
}

}  // namespace keyhole::findings
