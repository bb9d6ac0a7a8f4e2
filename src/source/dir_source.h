// DirSource: files on disk under a root. Never reads .git/; inside a git work tree skips
// what .gitignore ignores (libgit2 answers); does not follow symlinks out of the root;
// skips and counts binary and oversized files; decodes UTF-16 text to UTF-8.
#pragma once

#include <filesystem>
#include <memory>

#include "source/source.h"

namespace keyhole::source {

std::unique_ptr<Source> MakeDirSource(std::filesystem::path root, SourceOptions options);
// A single regular file given on the command line (path reported relative to its parent).
// Stdin: one blob named "<stdin>".
std::unique_ptr<Source> MakeStdinSource(SourceOptions options);
// For tests: blobs given in memory.
std::unique_ptr<Source> MakeInMemorySource(std::vector<Blob> blobs);

}  // namespace keyhole::source
