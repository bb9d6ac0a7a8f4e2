#include "findings/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace keyhole::findings {

using nlohmann::json;

Result<Baseline> Baseline::Load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError("cannot read baseline " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(file.string() + ": baseline is not valid JSON");
  Baseline b;
  auto str = [](const json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (doc.is_object() && doc.contains("keyhole_baseline")) {
    const json& entries = doc["entries"];
    if (!entries.is_array()) return Status::InvalidArgument(file.string() + ": \"entries\" must be an array");
    for (const json& e : entries) {
      if (!e.is_object() || str(e, "fingerprint").empty())
        return Status::InvalidArgument(file.string() + ": every entry needs a \"fingerprint\"");
      b.entries_.push_back({str(e, "fingerprint"), str(e, "rule_id"), str(e, "path"), str(e, "secret_hash")});
    }
    return b;
  }
  if (doc.is_array()) {  // a gitleaks JSON report
    b.from_gitleaks_ = true;
    for (const json& e : doc) {
      if (!e.is_object() || !e.contains("File"))
        return Status::InvalidArgument(file.string() + ": not a keyhole baseline or a gitleaks report");
      GitleaksEntry g{str(e, "File"), str(e, "Secret"), 0};
      if (e.contains("StartLine") && e["StartLine"].is_number_unsigned()) g.line = e["StartLine"].get<uint32_t>();
      b.gitleaks_.push_back(std::move(g));
    }
    return b;
  }
  return Status::InvalidArgument(file.string() + ": not a keyhole baseline or a gitleaks report");
}

Baseline Baseline::FromFindings(const std::vector<Finding>& findings) {
  std::map<std::string, BaselineEntry> by_fp;
  for (const Finding& f : findings) {
    by_fp.emplace(f.fingerprint, BaselineEntry{f.fingerprint, f.rule_id, f.path, SecretHash(f.secret)});
  }
  Baseline b;
  for (auto& [fp, e] : by_fp) b.entries_.push_back(std::move(e));
  return b;
}

std::string Baseline::ToJson() const {
  std::vector<BaselineEntry> sorted = entries_;
  std::sort(sorted.begin(), sorted.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
    return std::tie(a.path, a.rule_id, a.fingerprint) < std::tie(b.path, b.rule_id, b.fingerprint);
  });
  json entries = json::array();
  for (const BaselineEntry& e : sorted) {
    entries.push_back(json{{"fingerprint", e.fingerprint}, {"path", e.path}, {"rule_id", e.rule_id},
                           {"secret_hash", e.secret_hash}});
  }
  json doc = {{"keyhole_baseline", 1}, {"entries", entries}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

size_t Baseline::Apply(std::vector<Finding>* findings) {
  used_.clear();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < entries_.size(); ++i) index.emplace(entries_[i].fingerprint, i);
  size_t before = findings->size();
  std::erase_if(*findings, [&](const Finding& f) {
    auto it = index.find(f.fingerprint);
    if (it != index.end()) {
      used_.insert(it->second);
      return true;
    }
    for (const GitleaksEntry& g : gitleaks_) {
      if (g.path != f.path) continue;
      if (!g.secret.empty() && g.secret != "REDACTED" && g.secret == f.secret) return true;
      if ((g.secret.empty() || g.secret == "REDACTED") && g.line == f.location.start_line) return true;
    }
    return false;
  });
  return before - findings->size();
}

std::vector<BaselineEntry> Baseline::Stale() const {
  std::vector<BaselineEntry> out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!used_.count(i)) out.push_back(entries_[i]);
  }
  return out;
}

void Baseline::Prune() {
  std::vector<BaselineEntry> kept;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (used_.count(i)) kept.push_back(entries_[i]);
  }
  entries_ = std::move(kept);
  used_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) used_.insert(i);
}

}  // namespace keyhole::findings
