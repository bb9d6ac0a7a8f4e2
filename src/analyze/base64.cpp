#include "analyze/base64.h"

#include <cstdint>

#include <array>

namespace keyhole::analyze {

namespace {

// -1: not in the alphabet.
std::array<int8_t, 256> MakeTable(char c62, char c63) {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<int8_t>(i);
    t['a' + i] = static_cast<int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(52 + i);
  t[static_cast<unsigned char>(c62)] = 62;
  t[static_cast<unsigned char>(c63)] = 63;
  return t;
}

std::optional<std::string> Decode(std::string_view in, const std::array<int8_t, 256>& table) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  // A single leftover character carries only 6 bits: not a valid encoding.
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    int v = table[c];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> Base64Decode(std::string_view in) {
  static const auto kTable = MakeTable('+', '/');
  return Decode(in, kTable);
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  static const auto kTable = MakeTable('-', '_');
  return Decode(in, kTable);
}

std::string Base64Encode(std::string_view in, bool url) {
  const char* k = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                      : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += k[(acc << (6 - bits)) & 63];
  return out;
}

}  // namespace keyhole::analyze
