// Shared test helpers: temp dirs, files, running commands and the built keyhole binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace keyhole::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/rel, creating parent directories. Returns the full path.
  std::filesystem::path Write(const std::string& rel, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;   // -1 if the command did not exit normally
  std::string out;      // stdout
  std::string err;      // stderr
};

// Runs argv[0] with arguments (no shell), in `cwd` if non-empty, with `input` on stdin.
// `env` entries ("K=V") are added to the environment.
CommandResult Run(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                  const std::string& input = {}, const std::vector<std::string>& env = {});

// Runs the built keyhole binary.
CommandResult RunKeyhole(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                         const std::string& input = {}, const std::vector<std::string>& env = {});

// Environment for running git with the repository's hooks (and pre-commit) enabled: a
// private HOME and PRE_COMMIT_HOME under `home`, no system git config, a fixed identity,
// KEYHOLE_PREBUILT set to the built binary, PATH (with `path_prefix` first, if given).
std::vector<std::string> HookEnv(const std::filesystem::path& home, const std::string& path_prefix = {});

// Runs `git args...` in `repo` with a fixed identity and dates; fails the test on error.
std::string Git(const std::filesystem::path& repo, const std::vector<std::string>& args);

// Reads a whole file.
std::string ReadFile(const std::filesystem::path& p);

// Path of the source tree (for fixtures) and of the keyhole binary.
std::filesystem::path SourceDir();
std::filesystem::path KeyholeBinary();

// Fake-but-well-formed secrets generated at test time (never committed in full).
// A GitHub classic token "ghp_" + 30 random chars + base62 CRC32 checksum (6 chars).
std::string FakeGithubToken(unsigned seed);
// An AWS access key id "AKIA" + 16 chars from [A-Z2-7].
std::string FakeAwsKeyId(unsigned seed);
// 40 chars of base64-ish random text.
std::string FakeAwsSecret(unsigned seed);
// A random string of `n` chars from [A-Za-z0-9].
std::string RandomAlnum(unsigned seed, size_t n);

}  // namespace keyhole::testing
