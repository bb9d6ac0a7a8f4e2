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

// True if the data looks binary: a NUL byte in the first 8 KiB that is not explained
// by UTF-16 text.
bool LooksBinary(std::string_view data);

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
