#include "core/text.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/blob.h"
#include "core/severity.h"
#include "core/status.h"

namespace keyhole {
namespace {

TEST(LineIndex, PositionsAcrossLfCrlfAndLoneCr) {
  std::string text = "ab\ncd\r\nef\rgh";
  LineIndex idx(text);
  EXPECT_EQ(idx.line_count(), 4u);
  EXPECT_EQ(idx.At(0).line, 1u);
  EXPECT_EQ(idx.At(4).line, 2u);
  EXPECT_EQ(idx.At(4).column, 2u);
  EXPECT_EQ(idx.At(7).line, 3u);
  EXPECT_EQ(idx.At(10).line, 4u);
  EXPECT_EQ(idx.Line(2), "cd");
  EXPECT_EQ(idx.Line(3), "ef");
  EXPECT_EQ(idx.Line(4), "gh");
}

TEST(LineIndex, CachedLookupsAgreeWithAFreshIndexInAnyOrder) {
  // Lookups reuse the previous one on the same line (forwards or backwards): whatever the
  // order, each answer equals a fresh index's.
  std::string text;
  for (int i = 0; i < 300; ++i) text += (i % 7 == 0) ? "\xc3\xa9" : (i % 50 == 49 ? "\n" : "ab");
  std::vector<size_t> offsets;
  for (size_t o = 0; o <= text.size(); o += 3) offsets.push_back(o);
  std::reverse(offsets.begin() + static_cast<long>(offsets.size() / 2), offsets.end());
  for (size_t k = 0; k + 1 < offsets.size(); k += 5) std::swap(offsets[k], offsets[k + 1]);
  LineIndex cached(text);
  for (size_t o : offsets) {
    Position a = cached.At(o);
    Position b = LineIndex(text).At(o);
    ASSERT_EQ(a.line, b.line) << o;
    ASSERT_EQ(a.column, b.column) << o;
  }
}

TEST(LineIndex, ColumnsCountCodePoints) {
  std::string text = "é=x";  // é is two bytes
  LineIndex idx(text);
  EXPECT_EQ(idx.At(3).column, 3u);
}

TEST(Entropy, UniformAndConstant) {
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0.0);
}

TEST(Binary, NulMeansBinaryButUtf16IsText) {
  EXPECT_TRUE(LooksBinary(std::string("\x7f" "ELF\0\0\1", 7)));
  EXPECT_FALSE(LooksBinary("plain text"));
  std::string utf16("\xff\xfek\0e\0y\0\n\0", 10);
  EXPECT_FALSE(LooksBinary(utf16));
  std::string out;
  ASSERT_TRUE(DecodeUtf16(utf16, &out));
  EXPECT_EQ(out, "key\n");
}

TEST(Escape, ControlAndInvalidBytes) {
  EXPECT_EQ(EscapeForTerminal("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(EscapeForTerminal("\xff"), "\\xff");
  EXPECT_EQ(EscapeForTerminal("é"), "é");
}

TEST(Severity, ParseAndOrder) {
  EXPECT_EQ(ParseSeverity("HIGH"), Severity::kHigh);
  EXPECT_FALSE(ParseSeverity("severe").has_value());
  EXPECT_LT(Severity::kLow, Severity::kCritical);
  EXPECT_EQ(Raise(Severity::kCritical), Severity::kCritical);
  EXPECT_EQ(Lower(Severity::kInfo), Severity::kInfo);
}

TEST(Status, ToStringNamesCode) {
  EXPECT_EQ(Status::IOError("x").ToString(), "I/O error: x");
  Result<int> r = Status::NotFound("nope");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
}

TEST(Blob, AddedLinesFilter) {
  Blob b(Origin{"a.txt", "", std::nullopt}, std::string("x"));
  EXPECT_TRUE(b.TouchesAddedLines(3, 3));
  b.set_added_lines({{2, 4}});
  EXPECT_TRUE(b.TouchesAddedLines(4, 9));
  EXPECT_FALSE(b.TouchesAddedLines(5, 9));
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace keyhole
