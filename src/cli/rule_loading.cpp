#include "cli/rule_loading.h"

#include <git2.h>

#include "analyze/analyze.h"
#include "rules/loader.h"

namespace keyhole::cli {

namespace fs = std::filesystem;

namespace {

Result<LoadedRules> Finish(std::optional<rules::Config> config, std::string config_path) {
  LoadedRules out;
  out.config_path = std::move(config_path);
  Result<rules::RuleSet> resolved = rules::Resolve(config ? &*config : nullptr);
  if (!resolved.ok()) return resolved.status();
  out.set = std::move(resolved).value();
  // Resolve() has validated every rule; compiling each regex again here doubled start-up.
  for (const rules::Rule& r : out.set.rules) {
    if (!analyze::IsKnownAnalyzer(r.analyzer)) {
      return Status::InvalidArgument(r.source_file + ": rule \"" + r.id + "\": unknown analyzer \"" +
                                     r.analyzer + "\"");
    }
  }
  return out;
}

}  // namespace

Result<LoadedRules> LoadDefaultRules() { return Finish(std::nullopt, ""); }

Result<LoadedRules> LoadRulesFromText(const std::string& text, const std::string& name) {
  Result<rules::Config> parsed = rules::ParseConfig(text, name);
  if (!parsed.ok()) return parsed.status();
  return Finish(std::move(parsed).value(), name);
}

Result<LoadedRules> LoadRules(const std::string& config_flag, const fs::path& root) {
  std::optional<rules::Config> config;
  fs::path file;
  if (!config_flag.empty()) {
    file = config_flag;
    if (!fs::exists(file)) return Status::NotFound("config file not found: " + config_flag);
  } else {
    std::error_code ec;
    for (const char* name : {".keyhole.toml", ".gitleaks.toml"}) {
      if (fs::is_regular_file(root / name, ec)) {
        file = root / name;
        break;
      }
    }
  }
  if (file.empty()) return Finish(std::nullopt, "");
  Result<rules::Config> loaded = rules::LoadConfigFile(file);
  if (!loaded.ok()) return loaded.status();
  return Finish(std::move(loaded).value(), file.string());
}

fs::path DiscoverRoot(const fs::path& path) {
  git_libgit2_init();
  git_buf buf = GIT_BUF_INIT;
  fs::path root = path;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) root = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (git_repository_discover(&buf, root.c_str(), 0, nullptr) == 0) {
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, buf.ptr) == 0) {
      if (const char* wd = git_repository_workdir(repo)) root = wd;
      git_repository_free(repo);
    }
  }
  git_buf_dispose(&buf);
  git_libgit2_shutdown();
  return root;
}

}  // namespace keyhole::cli
