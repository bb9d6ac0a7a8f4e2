// IsPartialClone: objects may be absent by design when the repository says so. IsLfsPointer:
// which blobs are Git LFS pointers (skipped) and which only look like one (scanned).
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

// ---------------------------------------------------------------------------------------
// IsLfsPointer: only a pointer exactly as the Git LFS spec defines it is skipped.

const std::string kLfsOid = "sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
const std::string kLfsPointer = "version https://git-lfs.github.com/spec/v1\noid " + kLfsOid + "\nsize 12345\n";

TEST(IsLfsPointer, PointersOfTheSpecAre) {
  EXPECT_TRUE(git::IsLfsPointer(kLfsPointer));
  EXPECT_TRUE(git::IsLfsPointer("version https://hawser.github.com/spec/v1\noid " + kLfsOid + "\nsize 0\n"));
  // Extensions (docs/extensions.md): ext-{priority}-{name} {hash}, sorted before oid.
  EXPECT_TRUE(git::IsLfsPointer("version https://git-lfs.github.com/spec/v1\next-0-foo " + kLfsOid +
                                "\next-1-bar.baz " + kLfsOid + "\noid " + kLfsOid + "\nsize 123\n"));
}

TEST(IsLfsPointer, AnythingElseIsScanned) {
  const std::string v = "version https://git-lfs.github.com/spec/v1\n";
  const std::string secret = "token = ghp_0123456789abcdefghijklmnopqrstuvwxyz\n";
  for (const std::string& data : {
           v,                                                          // no oid, no size
           v + secret,                                                 // the old check: header only
           kLfsPointer + secret,                                       // a trailing line
           kLfsPointer + "zzz " + secret,                              // a key the spec does not define
           v + "oid " + kLfsOid + "\nsize 12345\ntoken ghp_0123456789abcdefghij\n",
           v + "custom " + kLfsOid + "\noid " + kLfsOid + "\nsize 1\n",  // unknown key, sorted
           v + "oid " + kLfsOid + "\nsize 12345",                       // no final newline
           v + "size 12345\noid " + kLfsOid + "\n",                     // not sorted
           v + "oid " + kLfsOid + "\noid " + kLfsOid + "\nsize 1\n",    // a key twice
           v + "oid sha256:4d7a2146\nsize 12345\n",                      // short oid
           v + "oid " + std::string("sha256:4D7A214614AB2935C943F9E0FF69D22EADBB8F32B1258DAAA5E2CA24D17E2393") +
               "\nsize 1\n",                                              // upper-case hex
           v + "oid " + kLfsOid + "\nsize 12 345\n",                     // two values
           v + "oid " + kLfsOid + "\nsize -1\n",
           v + "oid " + kLfsOid + "\nsize 1\r\n",                       // CRLF
           "version https://git-lfs.github.com/spec/v2\noid " + kLfsOid + "\nsize 1\n",
           v + "ext-x-foo " + kLfsOid + "\noid " + kLfsOid + "\nsize 1\n",  // priority not a number
           v + "ext-0-Foo " + kLfsOid + "\noid " + kLfsOid + "\nsize 1\n",  // name not [a-z0-9.-]
           v + "ext-0-foo " + secret + "oid " + kLfsOid + "\nsize 1\n",      // extension value not an oid
           kLfsPointer + std::string(1024, '\n'),                            // too big
       }) {
    EXPECT_FALSE(git::IsLfsPointer(data)) << data;
  }
}

}  // namespace
}  // namespace keyhole::source
