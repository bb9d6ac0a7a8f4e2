// Validation of loose objects before libgit2 reads them.
//
// libgit2 1.5 (Debian 12) loops forever inflating a truncated loose object
// (libgit2#7342: inflate's Z_BUF_ERROR is retried without progress; fixed upstream in
// 2026), and writes out of bounds reading one whose header states a smaller size than its
// body (libgit2#7177). A scanner of untrusted repositories must neither hang nor corrupt
// memory, so every git source first inflates each loose object of the repository itself
// (zlib, streaming, bounded memory) and keeps libgit2 away from the ones that fail.
// Packed objects are read by libgit2's pack code, which knows each entry's size and fails
// cleanly on corrupt data. Loose objects of alternates are not checked.
#pragma once

#include <git2.h>

#include <filesystem>
#include <map>
#include <string>

namespace keyhole::source::git {

// Corrupt loose objects: hex id -> why ("truncated", "not zlib data", "size mismatch"...).
using CorruptObjects = std::map<std::string, std::string>;

// Inflates every loose object under `objects_dir` (objects/xx/yyyy...) and returns the
// ones that are not a well-formed "<type> <size>\0<size bytes>" zlib stream. Cost: one
// extra read and inflate of each loose object (a gc'd repository has few).
CorruptObjects FindCorruptLooseObjects(const std::filesystem::path& objects_dir);

// The reason `oid` is corrupt, or nullptr if it is not in `corrupt`.
const std::string* CorruptReason(const CorruptObjects& corrupt, const git_oid& oid);

}  // namespace keyhole::source::git
