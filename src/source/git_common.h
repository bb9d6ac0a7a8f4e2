// Shared plumbing of the git sources: libgit2 lifetime and settings, error conversion,
// owning handles, and the parallel blob reader used by history, staged and diff scans.
#pragma once

#include <git2.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.h"
#include "core/scan_stats.h"
#include "core/status.h"
#include "source/git_loose_check.h"
#include "source/source.h"

namespace keyhole::source::git {

// Holds one libgit2 initialization (libgit2 counts them) and applies the process-wide
// settings measured for git scans (docs/ARCHITECTURE.md, "Git sources"): no strict hash
// verification (git itself does not verify on read; Debian's collision-detecting SHA-1
// halves read speed), no object cache (no effect on blobs, much less memory in the tree
// walk), and no owner validation (we only read, and a repository owned by another user must
// not fail with safe.directory).
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// The last libgit2 error as a Status ("<what>: <libgit2 message>"); `code` is the
// libgit2 return value (GIT_ENOTFOUND maps to NotFound).
Status ErrorStatus(int code, const std::string& what);

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { if (p != nullptr) Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;

// Opens the repository containing `path` (discovery upwards, like git).
// Opens the repository containing `path`. With `from_env`, git's environment governs as it
// does for git itself: GIT_DIR (then `path` is ignored), GIT_WORK_TREE, GIT_INDEX_FILE,
// GIT_OBJECT_DIRECTORY... A pre-commit hook must use it: `git commit -a` and
// `git commit <path>` hand the hook the index being committed through GIT_INDEX_FILE
// (index.lock, next-index-*.lock), not .git/index.
Result<RepoPtr> OpenRepository(const std::filesystem::path& path, bool from_env = false);

std::string OidHex(const git_oid& oid);

// Author name/email, ISO 8601 UTC date, first line of the message.
GitFacts CommitFacts(const git_commit* commit);

// Whether objects may be absent by design: a partial clone (extensions.partialClone set,
// or a remote marked promisor) leaves objects on the remote until they are needed.
bool IsPartialClone(git_repository* repo);

// An object a walk needed that the repository does not have.
struct MissingObject {
  std::string path;  // where it was needed ("" when no path applies)
  git_oid oid;
};

// Reports objects absent from the repository. In a partial clone they are absent by
// design: counted in stats.missing_objects and summarized in one note. Anywhere else the
// repository is damaged and the scan incomplete: each is a stats error naming the object
// ("<kind> <id> is missing from the repository"). `kind` is "blob", "tree" or "commit".
void ReportMissing(const std::vector<MissingObject>& missing, const std::string& kind, bool partial_clone,
                   ScanStats& stats);

// One blob to read: its id, path and what to attach to it.
struct BlobTask {
  git_oid oid;
  std::string path;
  int32_t facts = -1;  // index into the facts table, -1 = none
  std::optional<std::vector<LineRange>> added_lines;
  std::vector<std::string> other_paths = {};  // Origin::other_paths
  std::string moved_from = {};                // Origin::moved_from
};

// Removes the tasks whose object is a corrupt loose object, each a stats error naming
// the object (libgit2 must not read them: see git_loose_check.h).
void DropCorrupt(const CorruptObjects& corrupt, std::vector<BlobTask>* tasks, ScanStats& stats);

// A Status naming the corrupt loose objects, for the diff-based sources: libgit2's diff
// reads trees and blobs internally, where a corrupt loose object would hang it.
Status CorruptRepositoryStatus(const CorruptObjects& corrupt);

// True if `data` is a Git LFS pointer file, exactly as the LFS spec defines one (version
// line, sorted `key value` lines of oid, size and optional extensions, under 1 KiB):
// its text is metadata of a file stored elsewhere and is not scanned. Anything that merely
// starts like one is scanned as content.
bool IsLfsPointer(std::string_view data);

// Reads `tasks` in their order, on `threads` workers, each opening its own repository
// handle on `gitdir` and taking chunks of tasks on demand, and yields each readable text
// blob to `sink`. Skips and counts oversize (checked with the object header, before
// reading), binary and LFS-pointer blobs; decodes UTF-16. Missing objects go to
// ReportMissing (`partial_clone` says which way); unreadable ones are stats errors.
Status ReadBlobs(const std::string& gitdir, const std::vector<BlobTask>& tasks,
                 const std::vector<GitFacts>& facts, int threads, bool partial_clone,
                 const SourceOptions& opts, const BlobSink& sink, ScanStats& stats);

}  // namespace keyhole::source::git
