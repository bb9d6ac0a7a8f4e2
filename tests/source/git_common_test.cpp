// IsPartialClone: objects may be absent by design when the repository says so.
#include <git2.h>
#include <gtest/gtest.h>

#include "source/git_common.h"
#include "source/git_test_support.h"

namespace keyhole::source {
namespace {

using testing::Repo;

// Opens `r` with libgit2 (with the sources' settings) and asks IsPartialClone.
bool PartialClone(const Repo& r) {
  git::Library library;
  git_repository* repo = nullptr;
  EXPECT_EQ(git_repository_open(&repo, r.path().c_str()), 0);
  bool partial = repo != nullptr && git::IsPartialClone(repo);
  git_repository_free(repo);
  return partial;
}

TEST(IsPartialClone, OrdinaryRepositoryWithRemotesIsNot) {
  Repo r;
  r.Git({"remote", "add", "origin", "https://example.invalid/a.git"});
  r.Git({"config", "remote.origin.promisorx", "true"});
  r.Git({"config", "remote.origin.promisor", "false"});
  r.Git({"config", "core.promisor", "true"});
  EXPECT_FALSE(PartialClone(r));
}

TEST(IsPartialClone, RemoteMarkedPromisorMakesIt) {
  Repo r;
  r.Git({"remote", "add", "Upstream.Mirror", "https://example.invalid/a.git"});
  r.Git({"config", "remote.Upstream.Mirror.promisor", "true"});
  EXPECT_TRUE(PartialClone(r));
}

// Older git wrote extensions.partialClone (in a version 0 repository, which git and
// libgit2 accept; libgit2 refuses to open a version 1 repository with that extension).
TEST(IsPartialClone, ExtensionsPartialCloneMakesIt) {
  Repo r;
  r.Git({"config", "extensions.partialClone", "origin"});
  EXPECT_TRUE(PartialClone(r));
}

}  // namespace
}  // namespace keyhole::source
