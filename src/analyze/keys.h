// Private keys: PEM (PKCS#1, PKCS#8, SEC1, DSA, encrypted variants), OpenSSH, PGP, PuTTY,
// and JWKs with a private "d" member. The analyzers validate that a candidate holds
// plausible key material, so empty wrappers, truncated doc snippets ("MIIE..."), public
// keys and certificates are dropped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyhole::analyze {

struct KeyInfo {
  std::string key_type;   // rsa | ec | dsa | pkcs8 | openssh | pgp | putty | jwk
  bool encrypted = false;
  int bits = 0;           // 0 when unknown or not cheap to get
  std::string algorithm;  // e.g. "ssh-ed25519" for OpenSSH keys, "RSA" for a JWK kty
};

// Inspects a key block as it appears in a file (PEM, OpenSSH, PGP or PuTTY armour), possibly
// inside a string literal with "\n" escapes or split across concatenated literals.
// nullopt when it does not hold plausible private key material.
std::optional<KeyInfo> InspectKeyBlock(std::string_view text);

// Inspects a JWK (JSON, or a JS object literal) for a private member: requires "kty" and "d".
std::optional<KeyInfo> InspectJwk(std::string_view text);

// Symmetric JWK (kty "oct"): the decoded "k" member, for HMAC checks. nullopt otherwise.
std::optional<std::string> JwkSymmetricKey(std::string_view text);

}  // namespace keyhole::analyze
