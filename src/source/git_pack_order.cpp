#include "source/git_pack_order.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace keyhole::source::git {

namespace {

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool ReadWholeFile(const std::filesystem::path& p, std::string* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return static_cast<bool>(f) || f.eof();
}

// Looks up every oid still without a key in one v2 .idx file.
void ApplyIndex(const std::string& idx, uint64_t pack_no, const std::vector<git_oid>& oids,
                std::vector<uint64_t>* keys) {
  const auto* d = reinterpret_cast<const unsigned char*>(idx.data());
  const size_t size = idx.size();
  static constexpr unsigned char kMagic[4] = {0xff, 't', 'O', 'c'};
  // header (8) + fanout (256*4) + trailer (2*20)
  if (size < 8 + 1024 + 40 || std::memcmp(d, kMagic, 4) != 0 || Be32(d + 4) != 2) return;
  const unsigned char* fanout = d + 8;
  const uint64_t n = Be32(fanout + 255 * 4);
  const unsigned char* names = fanout + 1024;
  const unsigned char* offsets = names + n * 24;  // 20-byte names, then 4-byte CRCs
  const unsigned char* large = offsets + n * 4;
  if (static_cast<uint64_t>(large - d) + 40 > size) return;
  const size_t large_count = (size - 40 - static_cast<size_t>(large - d)) / 8;
  for (size_t i = 0; i < oids.size(); ++i) {
    if ((*keys)[i] != UINT64_MAX) continue;
    const unsigned char* id = oids[i].id;
    uint64_t lo = id[0] == 0 ? 0 : Be32(fanout + (id[0] - 1) * 4);
    uint64_t hi = Be32(fanout + id[0] * 4);
    while (lo < hi) {  // binary search within the fanout bucket
      uint64_t mid = lo + (hi - lo) / 2;
      int c = std::memcmp(names + mid * 20, id, 20);
      if (c == 0) {
        uint64_t off = Be32(offsets + mid * 4);
        if (off & 0x80000000u) {
          size_t li = off & 0x7fffffffu;
          if (li >= large_count) break;
          off = (uint64_t{Be32(large + li * 8)} << 32) | Be32(large + li * 8 + 4);
        }
        // 40 bits of offset (1 TiB packs) and 24 bits of pack number.
        (*keys)[i] = (pack_no << 40) | (off & ((uint64_t{1} << 40) - 1));
        break;
      }
      if (c < 0) lo = mid + 1; else hi = mid;
    }
  }
}

}  // namespace

std::vector<uint64_t> PackOrderKeys(const std::string& objects_dir, const std::vector<git_oid>& oids) {
  std::vector<uint64_t> keys(oids.size(), UINT64_MAX);
  std::error_code ec;
  std::vector<std::filesystem::path> idx_files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(objects_dir) / "pack", ec)) {
    if (e.path().extension() == ".idx") idx_files.push_back(e.path());
  }
  std::sort(idx_files.begin(), idx_files.end());
  std::string idx;
  for (size_t p = 0; p < idx_files.size(); ++p) {
    if (ReadWholeFile(idx_files[p], &idx)) ApplyIndex(idx, p, oids, &keys);
  }
  return keys;
}

}  // namespace keyhole::source::git
