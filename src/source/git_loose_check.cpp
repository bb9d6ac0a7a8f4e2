#include "source/git_loose_check.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string_view>

namespace keyhole::source::git {

namespace {

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Parses "<type> <decimal size>\0" at the start of `h`; returns the header length
// (including the NUL) and sets *size, or 0 if `h` does not start with a valid header.
size_t ParseHeader(std::string_view h, uint64_t* size) {
  size_t nul = h.find('\0');
  if (nul == std::string_view::npos) return 0;
  std::string_view head = h.substr(0, nul);
  size_t sp = head.find(' ');
  if (sp == std::string_view::npos) return 0;
  std::string_view type = head.substr(0, sp), digits = head.substr(sp + 1);
  if (type != "blob" && type != "tree" && type != "commit" && type != "tag") return 0;
  if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) return 0;
  uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *size = n;
  return nul + 1;
}

// Returns "" if the file is a well-formed loose object, else why not.
std::string CheckOne(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "cannot open " + file.string();
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return "zlib init failed";
  unsigned char inbuf[16384], outbuf[16384];
  std::string header;         // the first inflated bytes, until the header is parsed
  size_t header_len = 0;
  uint64_t declared = 0, inflated = 0;
  int rc = Z_OK;
  std::string why;
  bool eof = false;
  while (rc != Z_STREAM_END && why.empty()) {
    if (zs.avail_in == 0 && !eof) {
      in.read(reinterpret_cast<char*>(inbuf), sizeof inbuf);
      zs.next_in = inbuf;
      zs.avail_in = static_cast<uInt>(in.gcount());
      eof = in.gcount() == 0 || in.eof();
    }
    zs.next_out = outbuf;
    zs.avail_out = sizeof outbuf;
    rc = inflate(&zs, Z_NO_FLUSH);
    size_t got = sizeof outbuf - zs.avail_out;
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
      why = "not a valid zlib stream";
      break;
    }
    if (header_len == 0 && header.size() < 64) {
      header.append(reinterpret_cast<char*>(outbuf), std::min<size_t>(got, 64 - header.size()));
      header_len = ParseHeader(header, &declared);
      if (header_len == 0 && (header.size() >= 64 || header.find('\0') != std::string::npos)) {
        why = "invalid object header";
        break;
      }
    }
    inflated += got;
    if (header_len != 0 && inflated > header_len + declared) {
      why = "object is larger than its header says";
      break;
    }
    // No progress and no input left: the stream ends before zlib's end marker.
    if (rc == Z_BUF_ERROR || (got == 0 && zs.avail_in == 0 && eof && rc != Z_STREAM_END)) {
      if (zs.avail_in == 0 && eof) why = "truncated (the compressed data ends early)";
    }
  }
  inflateEnd(&zs);
  if (!why.empty()) return why;
  if (header_len == 0) return "invalid object header";
  if (inflated != header_len + declared) return "truncated (shorter than its header says)";
  return "";
}

}  // namespace

CorruptObjects FindCorruptLooseObjects(const std::filesystem::path& objects_dir) {
  CorruptObjects out;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator(objects_dir, ec)) {
    std::string d = dir.path().filename().string();
    if (d.size() != 2 || !IsHex(d) || !dir.is_directory(ec)) continue;
    for (const auto& f : std::filesystem::directory_iterator(dir.path(), ec)) {
      std::string rest = f.path().filename().string();
      if (rest.size() != GIT_OID_HEXSZ - 2 || !IsHex(rest)) continue;  // tmp_obj_*, ...
      std::string why = CheckOne(f.path());
      if (!why.empty()) out.emplace(d + rest, "corrupt loose object: " + why);
    }
  }
  return out;
}

const std::string* CorruptReason(const CorruptObjects& corrupt, const git_oid& oid) {
  if (corrupt.empty()) return nullptr;
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  auto it = corrupt.find(hex);
  return it == corrupt.end() ? nullptr : &it->second;
}

}  // namespace keyhole::source::git
