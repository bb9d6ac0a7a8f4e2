// Small, conservative analyses of an RE2 pattern string, used to pick each rule's prefilter
// gate. RE2's parser is not public, so these scan the pattern text themselves; whenever they
// are unsure they answer "no literal" / "multi-line", which only costs speed, never matches.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyhole::scan::internal {

// A byte string that every match of a pattern contains.
struct RequiredLiteral {
  std::string bytes;
  bool caseless = false;  // under (?i): match it ASCII-case-insensitively
};

// The longest literal run that every match of `regex` must contain, or nullopt when none can
// be proven (alternation around it, optional quantifier, syntax not understood, ...).
std::optional<RequiredLiteral> ExtractRequiredLiteral(std::string_view regex);

// A set of literals one of which every match of `regex` contains, chosen to make the
// shortest member as long as possible: the required literal alone, or one literal per branch
// of a required alternation (`(?:AKIA|ASIA)`, `(?:pat|sat)\.`), recursively. Empty when
// none can be proven.
std::vector<RequiredLiteral> ExtractRequiredLiteralSet(std::string_view regex);

// True when matches of `regex` may span lines: it names a newline (`\n`, `\r`), sets the
// `s` flag, uses a complementary class such as `[\s\S]`, or is a PEM-style block.
bool IsMultiLine(std::string_view regex);

// True when `regex` has a text/line boundary assertion (`^`, `$`, `\A`, `\z`) outside a
// character class. libhs and RE2-on-a-line disagree on these at "\r" line ends, so such
// rules enter libhs through their literal instead of their regex.
bool HasBoundaryAssertion(std::string_view regex);

// `regex` with its boundary assertions (`^`, `$`, `\A`, `\z`) removed: it matches a superset
// of what `regex` matches, with the same end offsets, so libhs can prefilter for it without
// judging line ends. nullopt when an assertion carries a quantifier (not worth the risk).
std::optional<std::string> WithoutBoundaryAssertions(std::string_view regex);

// Length of a leading flag group such as `(?i)` or `(?is)` (flags among i, m, s, U), or 0
// when `regex` does not start with one.
size_t LeadingFlagGroupLength(std::string_view regex);

// A pattern of the form FLAGS CLASS{0,N}? REST (gitleaks' generated rules all start with
// `(?i)[\w.-]{0,50}?`): the lazy class prefix only widens a match leftwards, so a search for
// FLAGS REST finds the same matches, each to be widened afterwards by up to `max` bytes of
// CLASS (stopping at the search start). Searching without the prefix halves RE2's time on
// such rules: the counted prefix multiplies the DFA's states.
struct LazyClassPrefix {
  std::string class_regex;   // FLAGS CLASS, to test single bytes against
  std::string search_regex;  // FLAGS REST
  int max = 0;
};

// The split of `regex`, or nullopt when it does not have that form or REST could start a
// match differently (a top-level alternation, a `^`/`\A` anywhere, a quantifier first).
std::optional<LazyClassPrefix> SplitLazyClassPrefix(std::string_view regex);

// Escapes `bytes` as a libhs regex that matches exactly them (every byte as \xHH).
std::string EscapeForHs(std::string_view bytes);

}  // namespace keyhole::scan::internal
