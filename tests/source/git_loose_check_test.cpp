#include "source/git_loose_check.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "source/git_test_support.h"

namespace keyhole::source::git {
namespace {

namespace fs = std::filesystem;
using testing::Repo;

std::string Deflate(const std::string& raw) {
  uLongf size = compressBound(raw.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                     raw.size()),
            Z_OK);
  out.resize(size);
  return out;
}

// Writes `bytes` as the loose object `hex` (any id: the check does not hash).
void WriteLoose(const fs::path& objects, const std::string& hex, const std::string& bytes) {
  fs::create_directories(objects / hex.substr(0, 2));
  std::ofstream(objects / hex.substr(0, 2) / hex.substr(2), std::ios::binary) << bytes;
}

const std::string kId = "0123456789abcdef0123456789abcdef01234567";

TEST(GitLooseCheck, ObjectsWrittenByGitPass) {
  Repo r;
  r.Commit("a.txt", std::string(100000, 'x') + "\n", "big");
  r.Commit("b.txt", "", "empty file");
  EXPECT_TRUE(FindCorruptLooseObjects(r.path() / ".git" / "objects").empty());
}

TEST(GitLooseCheck, TruncatedStreamIsCorrupt) {
  keyhole::testing::TempDir d;
  std::string full = Deflate(std::string("blob 26\0", 8) + "abcdefghijklmnopqrstuvwxyz");
  WriteLoose(d.path(), kId, full.substr(0, full.size() / 2));
  CorruptObjects c = FindCorruptLooseObjects(d.path());
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c.begin()->second.find("truncated"), std::string::npos) << c.begin()->second;
}

TEST(GitLooseCheck, GarbageIsCorrupt) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, "\x13\x37 definitely not zlib");
  EXPECT_EQ(FindCorruptLooseObjects(d.path()).count(kId), 1u);
}

TEST(GitLooseCheck, EmptyFileIsCorrupt) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, "");
  EXPECT_EQ(FindCorruptLooseObjects(d.path()).count(kId), 1u);
}

// libgit2#7177: a header that understates the size makes libgit2 1.5 write out of bounds.
TEST(GitLooseCheck, BodyLongerThanTheHeaderSaysIsCorrupt) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, Deflate(std::string("blob 12\0", 8) + "this is a blob with a too-small length value\n"));
  CorruptObjects c = FindCorruptLooseObjects(d.path());
  ASSERT_EQ(c.count(kId), 1u);
  EXPECT_NE(c[kId].find("larger"), std::string::npos) << c[kId];
}

TEST(GitLooseCheck, BodyShorterThanTheHeaderSaysIsCorrupt) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, Deflate(std::string("blob 99\0", 8) + "short"));
  EXPECT_EQ(FindCorruptLooseObjects(d.path()).count(kId), 1u);
}

TEST(GitLooseCheck, UnknownTypeIsCorrupt) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, Deflate(std::string("bolb 5\0", 7) + "hello"));
  EXPECT_EQ(FindCorruptLooseObjects(d.path()).count(kId), 1u);
}

TEST(GitLooseCheck, WellFormedHandMadeObjectPassesAndOtherFilesAreIgnored) {
  keyhole::testing::TempDir d;
  WriteLoose(d.path(), kId, Deflate(std::string("blob 5\0", 7) + "hello"));
  fs::create_directories(d.path() / "01");
  std::ofstream(d.path() / "01" / "tmp_obj_XXXX") << "partial write";
  fs::create_directories(d.path() / "pack");
  EXPECT_TRUE(FindCorruptLooseObjects(d.path()).empty());
}

}  // namespace
}  // namespace keyhole::source::git
