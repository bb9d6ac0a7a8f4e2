// Byte and line helpers shared by every stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyhole {

// A 1-based position: line, and column counted in Unicode code points (an invalid
// UTF-8 byte counts as one), which is SARIF's "unicodeCodePoints" column kind.
struct Position {
  uint32_t line = 1;
  uint32_t column = 1;
};

// Maps byte offsets to positions. Lines end at "\n", "\r\n" or a lone "\r".
// Built once per blob in O(n); each lookup is O(log lines) plus the code points between
// the offset and the previous lookup's on the same line (or the line start, if nearer):
// lookups in increasing order along a 2 MB line cost O(line) in all, not O(line) each.
// Not for concurrent use (the cache is per index; each blob has its own).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  Position At(size_t offset) const;
  // Byte offset of the start of 1-based line `line` (clamped).
  size_t LineStart(uint32_t line) const;
  // The bytes of 1-based line `line` without its terminator.
  std::string_view Line(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
  // The last lookup: its line (0-based), byte offset and column.
  mutable size_t cached_line_ = static_cast<size_t>(-1);
  mutable size_t cached_offset_ = 0;
  mutable uint32_t cached_col_ = 1;
};

// Shannon entropy in bits per byte of `s` (0 for empty input).
double ShannonEntropy(std::string_view s);

// True if the data looks binary, judged on the first 8 KiB: not UTF-16 (DecodeUtf16), and
// more than 10% of the bytes are NULs or control characters that text does not use (not
// tab, line feed, carriage return, form feed, vertical tab, backspace or escape), or more
// than 30% are those or bytes outside valid UTF-8. A stray NUL does not make text binary.
bool LooksBinary(std::string_view data);

// The shortest printable run TextRuns keeps (strings(1) keeps 4 by default; 8 leaves far less
// noise from machine code, and every secret format is longer).
inline constexpr size_t kMinTextRun = 8;

// The printable text of binary data, like strings(1) but in place: returns `data` with every
// byte that is not in a run of at least `min_run` printable ASCII bytes (0x20-0x7e and tab)
// replaced by a space, and line feeds kept where they are, so offsets and line numbers are
// those of the raw bytes (git's lines, for staged and diff scans). Sets *any_run to whether
// at least one run was kept.
std::string TextRuns(std::string_view data, bool* any_run, size_t min_run = kMinTextRun);

// If `data` is UTF-16 (BOM, or NULs in every other byte of the first KiB), returns true and
// writes its UTF-8 transcoding (line structure preserved) to *utf8.
bool DecodeUtf16(std::string_view data, std::string* utf8);

// Lower-cases ASCII letters.
std::string AsciiLower(std::string_view s);

// Escapes control characters and invalid UTF-8 so that `s` is safe to print on a terminal.
std::string EscapeForTerminal(std::string_view s);

// Hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace keyhole
