// `keyhole hook install|uninstall`: a plain git pre-commit hook, for teams that do not use
// the pre-commit framework. Respects core.hooksPath; never clobbers a hook it did not write.
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output.h"

namespace keyhole::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = "# installed by keyhole hook install";

std::string LastGitError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

// The hooks directory of the repository at `repo`: core.hooksPath (relative to the work
// tree) when set, else the common git dir's hooks/ (shared by linked worktrees).
bool HooksDir(const std::string& repo, fs::path* out, std::string* err) {
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, repo.c_str(), 0, nullptr) != 0) {
    *err = "not a git repository: " + repo + " (" + LastGitError() + ")";
    return false;
  }
  bool ok = true;
  git_config* cfg = nullptr;
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_config_snapshot(&cfg, r) == 0 && git_config_get_path(&buf, cfg, "core.hooksPath") == 0) {
    fs::path p(buf.ptr);
    const char* wd = git_repository_workdir(r);
    if (p.is_relative()) p = fs::path(wd ? wd : git_repository_commondir(r)) / p;
    *out = p;
  } else if (git_repository_item_path(&buf, r, GIT_REPOSITORY_ITEM_HOOKS) == 0) {
    *out = fs::path(buf.ptr);
  } else {
    *err = "cannot locate the hooks directory: " + LastGitError();
    ok = false;
  }
  git_buf_dispose(&buf);
  git_config_free(cfg);
  git_repository_free(r);
  return ok;
}

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "keyhole";
  buf[n] = '\0';
  return buf;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

int RunHook(const HookArgs& args) {
  git_libgit2_init();
  fs::path dir;
  std::string err;
  bool ok = HooksDir(args.repo, &dir, &err);
  git_libgit2_shutdown();
  if (!ok) {
    PrintStderr("keyhole: %s\n", err.c_str());
    return 2;
  }
  fs::path hook = dir / "pre-commit";
  std::error_code ec;
  bool exists = fs::exists(fs::symlink_status(hook, ec));
  std::string existing;
  if (exists) {
    std::ifstream in(hook);
    std::stringstream ss;
    ss << in.rdbuf();
    existing = ss.str();
  }
  bool ours = existing.find(kMarker) != std::string::npos;

  if (args.action == "uninstall") {
    if (!exists) {
      PrintStderr("keyhole: no pre-commit hook at %s\n", hook.c_str());
      return 0;
    }
    if (!ours) {
      PrintStderr("keyhole: %s was not installed by keyhole; leaving it alone\n", hook.c_str());
      return 2;
    }
    fs::remove(hook, ec);
    if (ec) {
      PrintStderr("keyhole: cannot remove %s: %s\n", hook.c_str(), ec.message().c_str());
      return 2;
    }
    PrintStderr("keyhole: removed %s\n", hook.c_str());
    return 0;
  }

  if (exists && !ours && !args.force) {
    PrintStderr("keyhole: %s already exists; use --force to replace it\n", hook.c_str());
    return 2;
  }
  fs::create_directories(dir, ec);
  std::string self = SelfPath();
  std::ofstream out(hook, std::ios::trunc);
  out << "#!/bin/sh\n" << kMarker << "\n"
      << "# Refuses commits that add secrets. Bypass once (not recommended): git commit --no-verify\n"
      << "KEYHOLE=" << ShellQuote(self) << "\n"
      << "[ -x \"$KEYHOLE\" ] || KEYHOLE=keyhole\n"
      << "exec \"$KEYHOLE\" scan --staged\n";
  out.close();
  if (!out) {
    PrintStderr("keyhole: cannot write %s\n", hook.c_str());
    return 2;
  }
  chmod(hook.c_str(), 0755);
  PrintStderr("keyhole: installed %s\n", hook.c_str());
  return 0;
}

}  // namespace keyhole::cli
