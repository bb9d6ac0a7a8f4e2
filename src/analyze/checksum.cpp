#include "analyze/checksum.h"

#include <array>

#include <nlohmann/json.hpp>

#include "analyze/analyzers.h"

namespace keyhole::analyze {

namespace {

constexpr std::string_view kBase62Digits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Reads a macaroon v2 varint at *pos; false on overrun or an absurd value.
bool ReadVarint(std::string_view b, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= b.size()) return false;
    auto byte = static_cast<unsigned char>(b[(*pos)++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

void MarkChecked(Candidate& c, std::string_view what) {
  c.finding.facts["format_check"] = std::string(what);
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Base62(uint32_t value, int width) {
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), kBase62Digits[value % 62]);
    value /= 62;
  }
  while (static_cast<int>(out.size()) < width) out.insert(out.begin(), '0');
  return out;
}

bool HasValidCrc32Suffix(std::string_view token) {
  size_t us = token.find('_');
  if (us == std::string_view::npos) return false;
  std::string_view rest = token.substr(us + 1);
  if (rest.size() != 36) return false;
  return Base62(Crc32(rest.substr(0, 30)), 6) == rest.substr(30);
}

std::string DecodeBase64Any(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    int v = Base64Value(c);
    if (v < 0) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool IsPypiMacaroon(std::string_view token) {
  constexpr std::string_view kPrefix = "pypi-";
  if (token.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string b = DecodeBase64Any(token.substr(kPrefix.size()));
  // Macaroon v2: version byte 2, then header fields (type, length, data) up to EOS (0).
  if (b.empty() || b[0] != 2) return false;
  size_t pos = 1;
  std::string location;
  bool has_identifier = false;
  while (pos < b.size() && b[pos] != 0) {
    uint64_t type = 0, len = 0;
    if (!ReadVarint(b, &pos, &type) || !ReadVarint(b, &pos, &len)) return false;
    if (len > b.size() - pos) return false;
    std::string_view data(b.data() + pos, len);
    pos += len;
    if (type == 1) location = std::string(data);
    else if (type == 2) has_identifier = !data.empty();
    else return false;  // the header holds only a location and an identifier
  }
  return has_identifier && (location == "pypi.org" || location == "test.pypi.org");
}

bool IsValidBech32(std::string_view s) {
  constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  bool lower = false, upper = false;
  for (char ch : s) {
    if (ch >= 'a' && ch <= 'z') lower = true;
    if (ch >= 'A' && ch <= 'Z') upper = true;
  }
  if (lower && upper) return false;
  size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || s.size() - sep - 1 < 6) return false;
  auto polymod_step = [](uint32_t chk, uint32_t v) {
    static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                         0x2a1462b3};
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= kGen[i];
    return chk;
  };
  auto low = [](char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch; };
  uint32_t chk = 1;
  for (size_t i = 0; i < sep; ++i) {
    auto ch = static_cast<unsigned char>(low(s[i]));
    if (ch < 33 || ch > 126) return false;
    chk = polymod_step(chk, ch >> 5);
  }
  chk = polymod_step(chk, 0);
  for (size_t i = 0; i < sep; ++i) chk = polymod_step(chk, static_cast<unsigned char>(low(s[i])) & 31);
  for (size_t i = sep + 1; i < s.size(); ++i) {
    size_t v = kCharset.find(low(s[i]));
    if (v == std::string_view::npos) return false;
    chk = polymod_step(chk, static_cast<uint32_t>(v));
  }
  return chk == 1;
}

bool HasBase64JsonPayload(std::string_view token) {
  size_t begin = token.find("eyJ");
  if (begin == std::string_view::npos) return false;
  size_t end = token.size();
  if (token.substr(0, 7) == "sntrys_") {
    end = token.rfind('_');
    if (end == std::string_view::npos || end <= begin) return false;
  }
  std::string decoded = DecodeBase64Any(token.substr(begin, end - begin));
  nlohmann::json j = nlohmann::json::parse(decoded, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && !j.empty();
}

Verdict AnalyzeGithubChecksum(Candidate& c) {
  // Fine-grained (github_pat_) and any future longer formats carry no known checksum:
  // only the 36-char new-style tokens are judged.
  size_t us = c.secret.find('_');
  if (us == std::string_view::npos || c.secret.size() - us - 1 != 36) return Verdict::kKeep;
  if (!HasValidCrc32Suffix(c.secret)) return Verdict::kDrop;
  MarkChecked(c, "crc32 checksum valid");
  return Verdict::kKeep;
}

Verdict AnalyzeNpmChecksum(Candidate& c) {
  if (!HasValidCrc32Suffix(c.secret)) return Verdict::kDrop;
  MarkChecked(c, "crc32 checksum valid");
  return Verdict::kKeep;
}

Verdict AnalyzePypiMacaroon(Candidate& c) {
  if (!IsPypiMacaroon(c.secret)) return Verdict::kDrop;
  MarkChecked(c, "pypi macaroon");
  return Verdict::kKeep;
}

Verdict AnalyzeAgeBech32(Candidate& c) {
  if (!IsValidBech32(c.secret)) return Verdict::kDrop;
  MarkChecked(c, "bech32 checksum valid");
  return Verdict::kKeep;
}

Verdict AnalyzeBase64Json(Candidate& c) {
  if (!HasBase64JsonPayload(c.secret)) return Verdict::kDrop;
  MarkChecked(c, "base64 JSON payload");
  return Verdict::kKeep;
}

}  // namespace keyhole::analyze
