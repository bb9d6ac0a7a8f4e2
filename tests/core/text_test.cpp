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

// Binary is decided on the share of NULs, control bytes and invalid UTF-8, not on one NUL.
TEST(Binary, DecidedOnTheShareOfControlBytes) {
  std::string text(1000, 'a');
  text[10] = '\0';
  EXPECT_FALSE(LooksBinary(text));  // one NUL
  for (size_t i = 0; i < 100; ++i) text[i * 10] = '\0';
  EXPECT_FALSE(LooksBinary(text));  // 10%: still text
  text[5] = '\x01';
  EXPECT_TRUE(LooksBinary(text));  // over 10%
  EXPECT_FALSE(LooksBinary("\x1b[31mred\x1b[0m\tand\fform\bfeed\r\n"));  // what terminals and text use
  EXPECT_FALSE(LooksBinary("caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac \xf0\x9f\x94\x91 and more words"));
  EXPECT_FALSE(LooksBinary("Latin-1 caf\xe9 text is text"));
  std::string random;
  for (unsigned i = 0; i < 4096; ++i) random += static_cast<char>((i * 2654435761u) >> 24);
  EXPECT_TRUE(LooksBinary(random));  // compressed or encrypted data
  EXPECT_FALSE(LooksBinary(""));
  // Only the first 8 KiB decide.
  EXPECT_FALSE(LooksBinary(std::string(8192, 'x') + std::string(8192, '\0')));
}

TEST(Binary, TextRunsKeepOffsetsAndLines) {
  using namespace std::string_literals;
  bool any = false;
  const std::string data = "\x7f" "ELF\0\0token=abcdefgh\0\x01short\0\nnext line!\x02\xff"s;
  std::string runs = TextRuns(data, &any);
  EXPECT_TRUE(any);
  ASSERT_EQ(runs.size(), data.size());
  EXPECT_EQ(runs, "      token=abcdefgh        \nnext line!  ");
  EXPECT_EQ(TextRuns("\0abc\0defghi\0"s, &any), std::string(12, ' '));  // runs of 3 and 6
  EXPECT_FALSE(any);
  EXPECT_EQ(TextRuns("\n\n", &any), "\n\n");
  EXPECT_FALSE(any);
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
