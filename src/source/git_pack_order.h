// Pack-offset order for reading many blobs: objects read in the order they sit in their
// pack reuse libgit2's small delta-base cache; SHA order was measured 1.9x slower
// (docs/ARCHITECTURE.md, "Git sources"). libgit2 1.5 has no public API for an object's
// pack offset, so this reads the pack index files (format v2) directly.
#pragma once

#include <git2.h>

#include <cstdint>
#include <string>
#include <vector>

namespace keyhole::source::git {

// For each oid, a sort key: (pack number, offset in pack) for objects found in a pack
// index under `objects_dir`/pack, UINT64_MAX for the rest (loose objects, alternates,
// v1 indexes). Unreadable index files are ignored: the order is only an optimization.
std::vector<uint64_t> PackOrderKeys(const std::string& objects_dir, const std::vector<git_oid>& oids);

}  // namespace keyhole::source::git
