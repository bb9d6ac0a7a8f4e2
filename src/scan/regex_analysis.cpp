#include "scan/regex_analysis.h"

#include <cctype>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace keyhole::scan::internal {
namespace {

constexpr int kUnbounded = std::numeric_limits<int>::max();

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Skips a character class starting at re[i] == '['; returns the index after its ']'
// (or re.size() if unterminated).
size_t SkipClass(std::string_view re, size_t i) {
  ++i;  // '['
  if (i < re.size() && re[i] == '^') ++i;
  if (i < re.size() && re[i] == ']') ++i;  // a leading ']' is a member
  while (i < re.size() && re[i] != ']') {
    if (re[i] == '\\') {
      i += 2;
    } else if (re[i] == '[' && i + 1 < re.size() && re[i + 1] == ':') {
      size_t end = re.find(":]", i + 2);
      i = end == std::string_view::npos ? re.size() : end + 2;
    } else {
      ++i;
    }
  }
  return i < re.size() ? i + 1 : re.size();
}

// Walks one pattern, recording the longest run of literal bytes that every match contains.
class LiteralFinder {
 public:
  explicit LiteralFinder(std::string_view re, bool caseless = false)
      : re_(re), start_caseless_(caseless) {}

  std::optional<RequiredLiteral> Run() {
    if (!Parse() || best_.bytes.empty()) return std::nullopt;
    return Normalized(best_);
  }

  // The strongest set of literals one of which every match contains: a single literal, or
  // one per branch of a required alternation, whichever has the longer shortest member.
  std::vector<RequiredLiteral> RunSet() {
    if (!Parse()) return {};
    if (best_set_strength_ > best_.bytes.size()) return best_set_;
    if (best_.bytes.empty()) return {};
    return {Normalized(best_)};
  }

 private:
  bool Parse() {
    if (!parsed_) {
      parsed_ = true;
      if (HasTopLevelAlternation()) Branches(0, re_.size(), start_caseless_);
      Sequence(/*required=*/true, start_caseless_);
    }
    return ok_ && i_ == re_.size();
  }

  static RequiredLiteral Normalized(RequiredLiteral lit) {
    bool has_letter = false;
    for (char c : lit.bytes) has_letter |= std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (!has_letter) lit.caseless = false;
    return lit;
  }

  // [begin, end) is a required sequence with top-level '|': if every branch has a literal
  // set, their union is a set every match contains.
  void Branches(size_t begin, size_t end, bool caseless) {
    std::vector<RequiredLiteral> set;
    size_t strength = SIZE_MAX;
    size_t branch = begin;
    int depth = 0;
    for (size_t j = begin; j <= end;) {
      if (j == end || (re_[j] == '|' && depth == 0)) {
        std::vector<RequiredLiteral> sub =
            LiteralFinder(re_.substr(branch, j - branch), caseless).RunSet();
        if (sub.empty()) return;
        for (RequiredLiteral& lit : sub) {
          strength = std::min(strength, lit.bytes.size());
          set.push_back(std::move(lit));
        }
        branch = ++j;
        continue;
      }
      const char c = re_[j];
      if (c == '\\') {
        if (j + 1 < end && re_[j + 1] == 'Q') {
          size_t e = re_.find("\\E", j + 2);
          j = e == std::string_view::npos ? end : e + 2;
        } else {
          j += 2;
        }
        continue;
      }
      if (c == '[') {
        j = SkipClass(re_, j);
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')') --depth;
      ++j;
    }
    if (!set.empty() && strength > best_set_strength_) {
      best_set_ = std::move(set);
      best_set_strength_ = strength;
    }
  }

  // Whether the sequence starting at i_ (up to its closing ')') has a top-level '|'.
  bool HasTopLevelAlternation() const {
    bool alternation = false;
    WalkGroup(i_, &alternation);
    return alternation;
  }

  // Index just after the ')' closing the group whose content starts at `j`.
  size_t GroupEnd(size_t j) const { return WalkGroup(j, nullptr); }

  // Walks the group content starting at `j` to just after its closing ')' (or the end of
  // the pattern), skipping escapes, \Q...\E and classes; sets *alternation if a '|' occurs
  // at the group's top level.
  size_t WalkGroup(size_t j, bool* alternation) const {
    int depth = 0;
    while (j < re_.size()) {
      char c = re_[j];
      if (c == '\\') {
        if (j + 1 < re_.size() && re_[j + 1] == 'Q') {
          size_t end = re_.find("\\E", j + 2);
          j = end == std::string_view::npos ? re_.size() : end + 2;
        } else {
          j += 2;
        }
        continue;
      }
      if (c == '[') {
        j = SkipClass(re_, j);
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')') {
        if (depth == 0) return j + 1;
        --depth;
      }
      if (c == '|' && depth == 0 && alternation != nullptr) *alternation = true;
      ++j;
    }
    return re_.size();
  }

  // Parses an optional quantifier at `j`; returns its minimum count and sets *next/*max.
  // A '{' that is not a valid repetition is not a quantifier (RE2 reads it as a literal).
  int Quantifier(size_t j, size_t* next, int* max) const {
    *next = j;
    *max = 1;
    if (j >= re_.size()) return 1;
    int min = 1;
    char c = re_[j];
    if (c == '*' || c == '+' || c == '?') {
      min = c == '+' ? 1 : 0;
      *max = c == '?' ? 1 : kUnbounded;
      ++j;
    } else if (c == '{') {
      size_t k = j + 1;
      auto number = [&](int* out) {
        size_t start = k;
        long v = 0;
        while (k < re_.size() && std::isdigit(static_cast<unsigned char>(re_[k]))) {
          v = std::min<long>(v * 10 + (re_[k] - '0'), 100000);
          ++k;
        }
        *out = static_cast<int>(v);
        return k > start;
      };
      int lo = 0, hi = 0;
      if (!number(&lo)) return 1;
      hi = lo;
      if (k < re_.size() && re_[k] == ',') {
        ++k;
        if (!number(&hi)) hi = kUnbounded;
      }
      if (k >= re_.size() || re_[k] != '}') return 1;
      j = k + 1;
      min = lo;
      *max = hi;
    } else {
      return 1;
    }
    if (j < re_.size() && re_[j] == '?') ++j;  // non-greedy
    *next = j;
    return min;
  }

  void Flush() {
    if (run_.size() > best_.bytes.size()) best_ = RequiredLiteral{run_, run_caseless_};
    run_.clear();
  }

  // Adds literal byte `c` (at i_ .. after) under the quantifier that follows it.
  void Literal(char c, size_t after, bool required, bool caseless) {
    size_t next;
    int max;
    int min = Quantifier(after, &next, &max);
    i_ = next;
    // libhs folds case only for ASCII; RE2's Latin-1 mode folds more. Do not anchor on it.
    const bool foldable_high = caseless && static_cast<unsigned char>(c) >= 0x80;
    if (!required || min == 0 || foldable_high) {
      Flush();
      return;
    }
    if (!run_.empty() && run_caseless_ != caseless) Flush();
    run_caseless_ = caseless;
    run_ += c;
    if (max != 1 || min != 1) Flush();  // repeated: it occurs, but what follows is not adjacent
  }

  // Skips whatever quantifier follows a non-literal atom.
  void SkipQuantifier() {
    size_t next;
    int max;
    Quantifier(i_, &next, &max);
    i_ = next;
  }

  void Sequence(bool required, bool caseless) {
    if (HasTopLevelAlternation()) required = false;
    Flush();
    while (ok_ && i_ < re_.size() && re_[i_] != ')') {
      char c = re_[i_];
      if (c == '|') {
        Flush();
        ++i_;
      } else if (c == '(') {
        Flush();
        Group(required, &caseless);
      } else if (c == '[') {
        Flush();
        i_ = SkipClass(re_, i_);
        SkipQuantifier();
      } else if (c == '.' || c == '^' || c == '$') {
        Flush();
        ++i_;
        SkipQuantifier();
      } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == ']' || c == '}') {
        ok_ = false;  // a stray operator: do not guess
      } else if (c == '\\') {
        Escape(required, caseless);
      } else {
        Literal(c, i_ + 1, required, caseless);
      }
    }
    Flush();
  }

  void Group(bool required, bool* caseless) {
    size_t j = i_ + 1;
    bool inner_caseless = *caseless;
    if (j < re_.size() && re_[j] == '?') {
      ++j;
      if (j < re_.size() && (re_[j] == 'P' || re_[j] == '<')) {  // named capture
        size_t end = re_.find('>', j);
        if (end == std::string_view::npos) {
          ok_ = false;
          return;
        }
        j = end + 1;
      } else {  // flags: (?flags) or (?flags:...)
        bool negate = false, flag_i = *caseless;
        while (j < re_.size() && re_[j] != ':' && re_[j] != ')') {
          char f = re_[j];
          if (f == '-') {
            negate = true;
          } else if (f == 'i') {
            flag_i = !negate;
          } else if (f != 's' && f != 'm' && f != 'U') {
            ok_ = false;  // lookaround or something RE2 does not have
            return;
          }
          ++j;
        }
        if (j >= re_.size()) {
          ok_ = false;
          return;
        }
        if (re_[j] == ')') {  // (?i): applies to the rest of the enclosing sequence
          *caseless = flag_i;
          i_ = j + 1;
          return;
        }
        ++j;  // ':'
        inner_caseless = flag_i;
      }
    }
    size_t end = GroupEnd(j);
    size_t next;
    int max;
    int min = Quantifier(end, &next, &max);
    i_ = j;
    if (required && min > 0 && end > j && HasTopLevelAlternation()) {
      Branches(j, end - 1, inner_caseless);
    }
    Sequence(required && min > 0, inner_caseless);
    if (i_ >= re_.size() || re_[i_] != ')') {
      ok_ = false;
      return;
    }
    i_ = next;
  }

  void Escape(bool required, bool caseless) {
    if (i_ + 1 >= re_.size()) {
      ok_ = false;
      return;
    }
    char e = re_[i_ + 1];
    auto control = [&](char byte) { Literal(byte, i_ + 2, required, caseless); };
    switch (e) {
      case 'n': return control('\n');
      case 't': return control('\t');
      case 'r': return control('\r');
      case 'f': return control('\f');
      case 'v': return control('\v');
      case 'a': return control('\a');
      case 'x': {
        if (i_ + 3 < re_.size() && IsHex(re_[i_ + 2]) && IsHex(re_[i_ + 3])) {
          char byte = static_cast<char>(std::stoi(std::string(re_.substr(i_ + 2, 2)), nullptr, 16));
          return Literal(byte, i_ + 4, required, caseless);
        }
        size_t end = re_.find('}', i_);
        Flush();
        i_ = end == std::string_view::npos ? re_.size() : end + 1;
        return SkipQuantifier();
      }
      case 'p':
      case 'P': {
        Flush();
        if (i_ + 2 < re_.size() && re_[i_ + 2] == '{') {
          size_t end = re_.find('}', i_);
          i_ = end == std::string_view::npos ? re_.size() : end + 1;
        } else {
          i_ += 3;
        }
        return SkipQuantifier();
      }
      case 'Q': {
        Flush();
        size_t end = re_.find("\\E", i_ + 2);
        i_ = end == std::string_view::npos ? re_.size() : end + 2;
        return SkipQuantifier();
      }
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
      case 'b': case 'B': case 'A': case 'z': case 'C':
        Flush();
        i_ += 2;
        return SkipQuantifier();
      default:
        break;
    }
    if (std::isalnum(static_cast<unsigned char>(e))) {
      ok_ = false;  // octal, backreference or an escape we do not know: do not guess
      return;
    }
    Literal(e, i_ + 2, required, caseless);  // escaped punctuation is itself
  }

  std::string_view re_;
  bool start_caseless_ = false;
  bool parsed_ = false;
  std::vector<RequiredLiteral> best_set_;
  size_t best_set_strength_ = 0;
  size_t i_ = 0;
  bool ok_ = true;
  std::string run_;
  bool run_caseless_ = false;
  RequiredLiteral best_;
};

}  // namespace

std::optional<RequiredLiteral> ExtractRequiredLiteral(std::string_view regex) {
  return LiteralFinder(regex).Run();
}

std::vector<RequiredLiteral> ExtractRequiredLiteralSet(std::string_view regex) {
  return LiteralFinder(regex).RunSet();
}

bool IsMultiLine(std::string_view pattern) {
  // A newline named inside a negated class ([^"'\r\n]) keeps a match on its line: that
  // says "single-line", so negated classes are left out of the checks below.
  std::string kept;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '\\') {
      kept.append(pattern.substr(i, 2));
      i += 2;
    } else if (pattern[i] == '[') {
      const size_t end = SkipClass(pattern, i);
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        kept += '.';
      } else {
        kept.append(pattern.substr(i, end - i));
      }
      i = end;
    } else {
      kept += pattern[i++];
    }
  }
  const std::string_view regex = kept;
  if (regex.find('\n') != std::string_view::npos) return true;
  for (std::string_view s : {"\\n", "\\r", "\\x0a", "\\x0A", "\\x0d", "\\x0D", "[\\s\\S]",
                             "[\\S\\s]", "[\\w\\W]", "[\\W\\w]", "[\\d\\D]", "[\\D\\d]",
                             "-----BEGIN"}) {
    if (regex.find(s) != std::string_view::npos) return true;
  }
  // A flag group that turns on 's' (dot matches newline): (?s) (?is) (?s:...) ...
  for (size_t j = regex.find("(?"); j != std::string_view::npos; j = regex.find("(?", j + 2)) {
    for (size_t k = j + 2; k < regex.size() && regex[k] != ')' && regex[k] != ':'; ++k) {
      if (regex[k] == '-') break;
      if (regex[k] == 's') return true;
      if (!std::isalpha(static_cast<unsigned char>(regex[k]))) break;
    }
  }
  return false;
}

bool HasBoundaryAssertion(std::string_view regex) {
  for (size_t i = 0; i < regex.size();) {
    char c = regex[i];
    if (c == '\\') {
      if (i + 1 < regex.size() && (regex[i + 1] == 'A' || regex[i + 1] == 'z')) return true;
      i += 2;
    } else if (c == '[') {
      i = SkipClass(regex, i);
    } else if (c == '^' || c == '$') {
      return true;
    } else {
      ++i;
    }
  }
  return false;
}

std::optional<std::string> WithoutBoundaryAssertions(std::string_view regex) {
  std::string out;
  auto quantified = [&](size_t next) {
    return next < regex.size() && (regex[next] == '*' || regex[next] == '+' ||
                                   regex[next] == '?' || regex[next] == '{');
  };
  for (size_t i = 0; i < regex.size();) {
    char c = regex[i];
    if (c == '\\') {
      if (i + 1 < regex.size() && (regex[i + 1] == 'A' || regex[i + 1] == 'z')) {
        if (quantified(i + 2)) return std::nullopt;
        i += 2;
        continue;
      }
      if (i + 1 < regex.size() && regex[i + 1] == 'Q') {  // \Q...\E is literal text
        size_t end = regex.find("\\E", i + 2);
        end = end == std::string_view::npos ? regex.size() : end + 2;
        out.append(regex.substr(i, end - i));
        i = end;
        continue;
      }
      out.append(regex.substr(i, 2));
      i += 2;
    } else if (c == '[') {
      size_t end = SkipClass(regex, i);
      out.append(regex.substr(i, end - i));
      i = end;
    } else if (c == '^' || c == '$') {
      if (quantified(i + 1)) return std::nullopt;
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string EscapeForHs(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 4);
  for (unsigned char b : bytes) {
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

size_t LeadingFlagGroupLength(std::string_view regex) {
  if (regex.substr(0, 2) != "(?") return 0;
  const size_t end = regex.find(')');
  if (end == std::string_view::npos) return 0;
  for (size_t k = 2; k < end; ++k) {
    if (std::string_view("imsU").find(regex[k]) == std::string_view::npos) return 0;
  }
  return end + 1;
}

std::optional<LazyClassPrefix> SplitLazyClassPrefix(std::string_view regex) {
  const size_t i = LeadingFlagGroupLength(regex);
  const std::string_view flags = regex.substr(0, i);
  if (i >= regex.size() || regex[i] != '[') return std::nullopt;
  const size_t class_end = SkipClass(regex, i);
  if (class_end >= regex.size() || regex[class_end - 1] != ']') return std::nullopt;
  const std::string_view cls = regex.substr(i, class_end - i);
  // {0,N}? exactly: lazy, optional, bounded.
  std::string_view q = regex.substr(class_end);
  if (q.substr(0, 3) != "{0,") return std::nullopt;
  size_t k = 3;
  int max = 0;
  while (k < q.size() && q[k] >= '0' && q[k] <= '9' && max < 100000) max = max * 10 + (q[k++] - '0');
  if (k == 3 || k + 1 >= q.size() || q[k] != '}' || q[k + 1] != '?' || max <= 0) {
    return std::nullopt;
  }
  const std::string_view rest = q.substr(k + 2);
  if (rest.empty() || std::string_view("*+?{|)").find(rest[0]) != std::string_view::npos) {
    return std::nullopt;
  }
  // REST must be one sequence (a top-level '|' would leave the prefix on one branch only)
  // and must not assert a start: `^` after a non-empty prefix can never match, so widening
  // such a match would be wrong. (`^` inside a class, e.g. [^...], is fine.)
  int depth = 0;
  for (size_t j = 0; j < rest.size();) {
    const char c = rest[j];
    if (c == '\\') {
      if (j + 1 < rest.size() && (rest[j + 1] == 'A' || rest[j + 1] == 'Q')) return std::nullopt;
      j += 2;
      continue;
    }
    if (c == '[') {
      j = SkipClass(rest, j);
      continue;
    }
    if (c == '^') return std::nullopt;
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return std::nullopt;
    if (c == '|' && depth == 0) return std::nullopt;
    ++j;
  }
  LazyClassPrefix out;
  out.class_regex = std::string(flags) + std::string(cls);
  out.search_regex = std::string(flags) + std::string(rest);
  out.max = max;
  return out;
}

}  // namespace keyhole::scan::internal
