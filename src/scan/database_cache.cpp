// On-disk cache of compiled libhs databases. File layout (host byte order; the key covers
// the platform, so entries never travel between machines):
//   "KHDB" u32 format | u64 meta_size | meta | sha256_hex(meta) (64 bytes) | u64 size | hs bytes
//   meta = u32 rules | u8 gate[rules] | u32 hs_fallbacks
//          | u32 patterns | { u32 count, u32 rule[count] }[patterns]
// libhs checks its own bytes (magic, version, platform, CRC) when deserializing; the digest
// covers ours, so a flipped bit can never turn into a wrong gate.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/text.h"
#include "scan/database_impl.h"

namespace keyhole::scan::internal {
namespace {

constexpr char kMagic[4] = {'K', 'H', 'D', 'B'};
// Bump whenever gate planning (literal extraction, flags, layout) changes meaning.
constexpr uint32_t kFormat = 6;  // 6: libhs patterns without lazy class prefixes

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutString(std::string* out, std::string_view s) {
  Put<uint64_t>(out, s.size());
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <typename T>
  bool Get(T* v) {
    if (data_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (data_.size() - pos_ < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

std::filesystem::path EntryPath(const std::string& dir, const std::string& key) {
  return std::filesystem::path(dir) / (key + ".hsdb");
}

}  // namespace

std::string CacheDir(const DatabaseOptions& options) {
  if (!options.cache_dir.empty()) return options.cache_dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/keyhole";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.cache/keyhole";
  }
  return "";
}

std::string CacheKey(const rules::RuleSet& rules) {
  std::string material = "keyhole-scan-db";
  Put<uint32_t>(&material, kFormat);
  PutString(&material, hs_version());
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    Put<uint32_t>(&material, platform.tune);
    Put<uint64_t>(&material, platform.cpu_features);
  }
  Put<uint64_t>(&material, rules.rules.size());
  for (const rules::Rule& rule : rules.rules) {
    PutString(&material, rule.regex);
    PutString(&material, rule.path);
    Put<int32_t>(&material, rule.secret_group);
    Put<uint8_t>(&material, rule.secret_group_set ? 1 : 0);
    Put<uint64_t>(&material, rule.keywords.size());
    for (const std::string& k : rule.keywords) PutString(&material, k);
  }
  return Sha256Hex(material);
}

bool LoadCached(const std::string& dir, const std::string& key, size_t rule_count,
                RuleDatabase::Impl* impl) {
  std::ifstream in(EntryPath(dir, key), std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff file_size = in.tellg();
  if (file_size <= 0) return false;
  std::string data(static_cast<size_t>(file_size), '\0');
  in.seekg(0);
  if (!in.read(data.data(), file_size)) return false;
  return DecodeEntry(data, rule_count, impl);
}

bool DecodeEntry(std::string_view data, size_t rule_count, RuleDatabase::Impl* impl) {
  Reader file(data);
  std::string_view magic, meta, digest;
  uint32_t format = 0;
  uint64_t meta_size = 0;
  if (!file.Bytes(4, &magic) || magic != std::string_view(kMagic, 4)) return false;
  if (!file.Get(&format) || format != kFormat) return false;
  if (!file.Get(&meta_size) || !file.Bytes(meta_size, &meta) || !file.Bytes(64, &digest)) {
    return false;
  }
  if (Sha256Hex(meta) != digest) return false;

  Reader r(meta);
  uint32_t rules = 0, fallbacks = 0, npatterns = 0;
  if (!r.Get(&rules) || rules != rule_count) return false;
  std::vector<Gate> gates(rules);
  for (Gate& g : gates) {
    uint8_t v = 0;
    if (!r.Get(&v) || v > static_cast<uint8_t>(Gate::kPathOnly)) return false;
    g = static_cast<Gate>(v);
  }
  if (!r.Get(&fallbacks) || !r.Get(&npatterns)) return false;
  std::vector<std::vector<uint32_t>> pattern_rules;
  for (uint32_t p = 0; p < npatterns; ++p) {
    uint32_t count = 0;
    if (!r.Get(&count) || count > rules) return false;
    std::vector<uint32_t> owners(count);
    for (uint32_t& o : owners) {
      if (!r.Get(&o) || o >= rules) return false;
    }
    pattern_rules.push_back(std::move(owners));
  }
  if (!r.AtEnd()) return false;
  uint64_t size = 0;
  std::string_view bytes;
  if (!file.Get(&size) || !file.Bytes(size, &bytes) || !file.AtEnd()) return false;
  if ((size == 0) != (npatterns == 0)) return false;
  hs_database_t* hs = nullptr;
  // libhs checks the database's magic, version, platform and CRC here.
  if (size > 0 && hs_deserialize_database(bytes.data(), bytes.size(), &hs) != HS_SUCCESS) {
    return false;
  }
  impl->gates = std::move(gates);
  impl->hs_fallbacks = fallbacks;
  impl->pattern_rules = std::move(pattern_rules);
  impl->hs = hs;
  return true;
}

std::string EncodeEntry(const RuleDatabase::Impl& impl) {
  std::string meta;
  Put<uint32_t>(&meta, static_cast<uint32_t>(impl.gates.size()));
  for (Gate g : impl.gates) Put<uint8_t>(&meta, static_cast<uint8_t>(g));
  Put<uint32_t>(&meta, static_cast<uint32_t>(impl.hs_fallbacks));
  Put<uint32_t>(&meta, static_cast<uint32_t>(impl.pattern_rules.size()));
  for (const auto& owners : impl.pattern_rules) {
    Put<uint32_t>(&meta, static_cast<uint32_t>(owners.size()));
    for (uint32_t o : owners) Put<uint32_t>(&meta, o);
  }
  std::string out(kMagic, 4);
  Put<uint32_t>(&out, kFormat);
  Put<uint64_t>(&out, meta.size());
  out += meta;
  out += Sha256Hex(meta);
  char* bytes = nullptr;
  size_t size = 0;
  if (impl.hs != nullptr && hs_serialize_database(impl.hs, &bytes, &size) != HS_SUCCESS) return "";
  Put<uint64_t>(&out, size);
  out.append(bytes != nullptr ? bytes : "", size);
  free(bytes);  // libhs' misc allocator defaults to malloc
  return out;
}

void StoreCached(const std::string& dir, const std::string& key, const RuleDatabase::Impl& impl) {
  const std::string out = EncodeEntry(impl);
  if (out.empty()) return;

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::random_device rd;
  const std::filesystem::path final_path = EntryPath(dir, key);
  const std::filesystem::path temp = final_path.string() + ".tmp." + std::to_string(getpid()) +
                                     "." + std::to_string(rd());
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    if (!f) return;
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.close();
    if (!f) {
      std::filesystem::remove(temp, ec);
      return;
    }
  }
  std::filesystem::rename(temp, final_path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return;
  }
  PruneCache(dir, final_path);
}

void PruneCache(const std::string& dir, const std::filesystem::path& keep) {
  // Every rule change, custom config and upgrade adds a ~1 MB entry that nothing reads
  // again: keep the most recently written ones.
  std::error_code ec;
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".hsdb" || e.path() == keep) continue;
    std::error_code mtime_ec;
    auto when = std::filesystem::last_write_time(e.path(), mtime_ec);
    if (!mtime_ec) entries.emplace_back(when, e.path());
  }
  if (ec || entries.size() < kCacheEntriesKept) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = kCacheEntriesKept - 1; i < entries.size(); ++i) {
    std::filesystem::remove(entries[i].second, ec);  // a race with another keyhole is harmless
  }
}

}  // namespace keyhole::scan::internal
