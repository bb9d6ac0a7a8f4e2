// Git sources, all through libgit2 (no `git` subprocess): the full history, the index
// (pre-commit) and a commit range (CI gate). docs/ARCHITECTURE.md ("Git sources") has the
// measured reasoning.
//
// Every source opens the repository with discovery (a subdirectory of a work tree works;
// bare repositories and linked worktrees work), never runs hooks or filters, and skips
// and counts blobs over SourceOptions::max_file_size and Git LFS pointer files, strictly
// as the LFS spec defines them (git::IsLfsPointer) (stats.skipped_too_large /
// skipped_ignored). Blobs are judged on content exactly as files on disk are
// (MakeTextBlob): UTF-16 is decoded to UTF-8, binary content yields its printable runs.
// Submodules are listed in a note, not entered. An object absent from a partial clone
// (left on the promisor remote by design) is counted in stats.missing_objects and noted;
// an object absent from any other repository, or one that cannot be read (corrupt), is a
// stats error naming it; in every case the scan goes on.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/source.h"

namespace keyhole::source {

struct HistoryOptions {
  // Revisions to walk (branch or tag names, "origin/main", commit ids...): each is
  // resolved with git's revision syntax and peeled to a commit. A name that does not
  // resolve makes Run() fail with InvalidArgument.
  std::vector<std::string> refs;
  // Also walk every ref of the repository (branches, tags, remote-tracking refs, notes,
  // the stash with its older entries from the reflog) and HEAD. Ignored (treated as true)
  // when `refs` is empty, so the default scans everything; set it to false to narrow the
  // scan to `refs` (`--branch`).
  bool all = true;
  SourceOptions base;
};

// Every blob reachable from the selected refs, each unique blob exactly once, with
// Origin{path, blob_id, GitFacts of the first commit (oldest-first topological walk)
// whose tree holds it, and the path it had there}. With path allowlists
// (SourceOptions::path_signature), a blob first seen at a path an allowlist names takes
// instead the first path no allowlist names, with that commit's facts, if it has one, and
// otherwise lists its differently judged paths in Origin::other_paths. Blobs are read on
// `threads` workers, each with its own repository handle, in pack order. A shallow clone
// adds a note.
std::unique_ptr<Source> MakeGitHistorySource(std::filesystem::path repo, HistoryOptions opts);

// The index against HEAD (against the empty tree when HEAD is unborn): every added,
// modified, renamed or copied file, read from the index (the staged content, not the
// working copy), whole, with Blob::added_lines() = the lines the index adds, and
// Origin::moved_from = the old path of a renamed file. Deleted files and files whose
// change adds no line are not yielded (a pure rename is, when there are path allowlists:
// see Origin::moved_from). Origin{path, blob_id}, no
// GitFacts. Fails with InvalidArgument in a bare repository.
std::unique_ptr<Source> MakeStagedSource(std::filesystem::path repo, SourceOptions opts);

// What a range adds: "A..B", "A" (= A..HEAD) or "A...B" (= merge-base(A, B)..B). Each
// changed file's new blob, whole, with Blob::added_lines() and the GitFacts of B's
// commit. A revision that does not resolve makes Run() fail with InvalidArgument naming it.
std::unique_ptr<Source> MakeDiffSource(std::filesystem::path repo, std::string range,
                                       SourceOptions opts);

// The config a --diff range is judged by: the first of `names` (".keyhole.toml",
// ".gitleaks.toml") that exists at the range's base or head, as it is at the base (a
// change under review must not rewrite the rules that judge it). nullopt when neither
// revision has any of them.
struct RangeConfig {
  std::string name;                    // which of `names`
  std::string base_commit;             // hex id the text was read from
  std::optional<std::string> at_base;  // nullopt: the range adds the file
  bool changed = false;                // the range adds, changes or deletes it
};
Result<std::optional<RangeConfig>> ConfigAtDiffBase(const std::filesystem::path& repo, const std::string& range,
                                                    const std::vector<std::string>& names, size_t max_bytes);

}  // namespace keyhole::source
