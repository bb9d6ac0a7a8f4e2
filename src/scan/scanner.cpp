#include "scan/scanner.h"

#include <algorithm>
#include <array>
#include <climits>
#include <tuple>

#include "scan/database_impl.h"

namespace keyhole::scan {
namespace {

// Lines longer than DatabaseOptions::long_line (minified bundles) are confirmed in windows
// around each hit, so that many hits on one 20 MB line cost O(hits × window), not
// O(hits × line).
// Half-width of such a window: far longer than any secret a rule describes.
constexpr size_t kLineWindow = 4 << 10;
// How far from a match, within its line(s), one of the rule's keywords may be.
constexpr size_t kKeywordReach = 4 << 10;

bool IsEol(char c) { return c == '\n' || c == '\r'; }

// Whether data[from, to) holds no line end: both offsets are on one line.
bool SameLine(std::string_view data, size_t from, size_t to) {
  return data.substr(from, to - from).find_first_of("\r\n") == std::string_view::npos;
}

// Where a rule's RE2 runs: the match must lie in [begin, end); [text_begin, text_end) is the
// text it sees (a line, or the whole blob for multi-line rules), so that ^, $ and \b judge
// the real neighbours rather than the window's edges.
struct Region {
  uint32_t rule;
  size_t text_begin, text_end, begin, end;
};

// Offset of the last case-insensitive occurrence of `lower_needle` in `hay`, or npos.
size_t RFindCaseless(std::string_view hay, std::string_view lower_needle) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  auto it = std::find_end(hay.begin(), hay.end(), lower_needle.begin(), lower_needle.end(),
                          [&](char a, char b) { return lower(a) == b; });
  return it == hay.end() ? std::string_view::npos : static_cast<size_t>(it - hay.begin());
}

// Calls fn(line_begin, line_end) for every line; lines end at "\n", "\r\n" or a lone "\r".
template <typename Fn>
void ForEachLine(std::string_view data, Fn fn) {
  const size_t n = data.size();
  size_t ls = 0;
  for (;;) {
    size_t le = ls;
    while (le < n && !IsEol(data[le])) ++le;
    fn(ls, le);
    if (le >= n) break;
    ls = le + 1;
    if (data[le] == '\r' && ls < n && data[ls] == '\n') ++ls;
  }
}

}  // namespace

struct Scanner::Impl {
  explicit Impl(const RuleDatabase& database)
      : db(database.impl()),
        rules(database.rules().rules),
        res(rules.size()),
        prefix_class(rules.size()),
        regions(rules.size()) {
    // Per-blob work must not visit every rule: a history scan is thousands of small blobs.
    active.resize(rules.size());
    for (size_t r = 0; r < rules.size(); ++r) {
      active[r] = !db.has_path[r];
      if (db.gates[r] == Gate::kPathOnly) {
        path_only_rules.push_back(static_cast<uint32_t>(r));
      } else if (!db.options.prefilter || db.gates[r] == Gate::kAlways) {
        everywhere_rules.push_back(static_cast<uint32_t>(r));
      }
    }
    if (db.hs != nullptr && db.options.prefilter &&
        hs_alloc_scratch(db.hs, &scratch) != HS_SUCCESS) {
      init_error = Status::Internal("libhs: could not allocate scratch space");
    }
  }
  ~Impl() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }

  Status Scan(std::string_view data, std::string_view path, std::vector<Match>* out);

  // Finds every match of rule `r` inside `region` and appends it to found_.
  Status RunRegion(std::string_view data, const Region& region);
  // Whether a keyword of rule `r` occurs near [mb, me), within the match's line(s).
  // Each rule remembers the keyword occurrence that let its last match through, and the
  // line of the last match is remembered too: a line with a million matches on it costs
  // O(line), not O(8 KiB) per match, when a keyword is in reach of each.
  bool KeywordNearby(std::string_view data, uint32_t r, size_t mb, size_t me);
  struct KeywordMemo {
    size_t hit = 0, hit_end = 0;  // a keyword occurrence [hit, hit_end) ...
    uint64_t scan = 0;            // ... valid when scan == scan_number
    size_t kept_at = 0;           // sparse rules: where the last kept match began ...
    uint64_t kept_scan = 0;       // ... valid when kept_scan == scan_number
  };
  std::vector<KeywordMemo> keyword_memo;  // per rule
  uint64_t scan_number = 0;                 // bumped per Scan: invalidates every memo
  // The last match's line, as far as it was walked: [memo_line_begin, memo_line_end), each
  // end either a line end (or the data's) or where the walk stopped (out of reach).
  size_t memo_line_begin = 1, memo_line_end = 0;  // empty: none yet
  bool memo_begin_is_eol = false, memo_end_is_eol = false;
  Status PrefilterRegions(std::string_view data);

  const RuleDatabase::Impl& db;
  const std::vector<rules::Rule>& rules;
  hs_scratch_t* scratch = nullptr;
  Status init_error;
  std::vector<std::unique_ptr<RE2>> res;  // built on a rule's first use
  // Per rule with a lazy class prefix: which bytes the prefix class admits (with res).
  std::vector<std::unique_ptr<std::array<bool, 256>>> prefix_class;
  std::vector<char> active;               // per rule: its path filter passed for this blob
  std::vector<int> path_hits;             // path filters that matched this blob's path
  std::vector<std::pair<unsigned, size_t>> raw_hits;  // (pattern id, end offset)
  std::string_view hit_data;                           // PrefilterRegions' blob
  std::vector<size_t> last_hit_end;                    // per pattern: its last kept hit
  // Per rule, in increasing offset order (hits are visited in order), so no sort is needed
  // before merging.
  std::vector<std::vector<Region>> regions;
  std::vector<uint32_t> touched;           // rules whose `regions` are non-empty
  std::vector<size_t> last_line;           // PrefilterRegions' per-pattern state
  std::vector<uint32_t> path_only_rules;   // gate kPathOnly
  std::vector<uint32_t> everywhere_rules;  // RE2 on every line (kAlways, or no prefilter)
  std::vector<uint32_t> everywhere;        // ... of those, the ones active for this blob
  std::vector<re2::StringPiece> groups;
  std::vector<Match> found;
};

Status Scanner::Impl::RunRegion(std::string_view data, const Region& region) {
  const uint32_t r = region.rule;
  const rules::Rule& rule = rules[r];
  const std::optional<internal::LazyClassPrefix>& lazy = db.lazy_prefix[r];
  if (res[r] == nullptr) {
    res[r] = std::make_unique<RE2>(lazy ? lazy->search_regex : rule.regex, MatchOptions());
    if (lazy) {
      auto& table = prefix_class[r];
      table = std::make_unique<std::array<bool, 256>>();
      RE2 cls(lazy->class_regex, MatchOptions());
      for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        (*table)[b] = cls.ok() && RE2::FullMatch(re2::StringPiece(&c, 1), cls);
      }
    }
  }
  const RE2& re = *res[r];
  if (!re.ok()) return Status::InvalidArgument("rule '" + rule.id + "': bad regex: " + re.error());
  // Ask only for the groups the secret needs: fewer submatches, faster RE2.
  const int nsub = rule.secret_group_set ? rule.secret_group + 1
                                         : 1 + re.NumberOfCapturingGroups();
  groups.resize(nsub);
  const re2::StringPiece text(data.data() + region.text_begin,
                              region.text_end - region.text_begin);
  size_t pos = region.begin - region.text_begin;
  const size_t stop = region.end - region.text_begin;
  while (pos <= stop) {
    if (!re.Match(text, pos, stop, RE2::UNANCHORED, groups.data(), nsub)) break;
    size_t mb = groups[0].data() - text.data();
    const size_t me = mb + groups[0].size();
    if (lazy) {
      // Widen leftwards as the prefix would have: the leftmost-first match of the whole
      // pattern starts at the earliest prefix byte, never before the search start.
      const std::array<bool, 256>& in_class = *prefix_class[r];
      for (int taken = 0; mb > pos && taken < lazy->max &&
                          in_class[static_cast<unsigned char>(text[mb - 1])];
           ++taken) {
        --mb;
      }
    }
    if (me == mb) {  // an empty match says nothing; step past it (no infinite loop)
      pos = mb + 1;
      continue;
    }
    pos = me;
    const re2::StringPiece match(text.data() + mb, me - mb);
    re2::StringPiece secret = match;
    if (rule.secret_group_set) {
      secret = rule.secret_group == 0 ? match : groups[rule.secret_group];
    } else {
      for (int k = 1; k < nsub; ++k) {  // gitleaks: the first non-empty group, else the match
        if (!groups[k].empty()) {
          secret = groups[k];
          break;
        }
      }
    }
    if (secret.data() == nullptr || secret.empty()) continue;  // no secret to report
    const size_t abs_mb = region.text_begin + mb, abs_me = region.text_begin + me;
    KeywordMemo& memo = keyword_memo[r];
    if (db.sparse[r] && memo.kept_scan == scan_number && abs_mb >= memo.kept_at &&
        abs_mb < memo.kept_at + RuleDatabase::Impl::kSparseSpacing && SameLine(data, memo.kept_at, abs_mb)) {
      continue;  // on the line of the previous match, whose window covers this one
    }
    if (!KeywordNearby(data, r, abs_mb, abs_me)) continue;
    if (db.sparse[r]) {
      memo.kept_scan = scan_number;
      memo.kept_at = abs_mb;
    }
    Match m;
    m.rule_index = r;
    m.match_begin = abs_mb;
    m.match_end = abs_me;
    m.secret_begin = secret.data() - data.data();
    m.secret_end = m.secret_begin + secret.size();
    found.push_back(m);
  }
  return Status::OK();
}

bool Scanner::Impl::KeywordNearby(std::string_view data, uint32_t r, size_t mb, size_t me) {
  const std::vector<std::string>& keywords = db.keywords[r];
  if (keywords.empty()) return true;
  const size_t min_begin = mb > kKeywordReach ? mb - kKeywordReach : 0;
  const size_t max_end = std::min(data.size(), me + kKeywordReach);
  // The part of the match's line within reach: remembered (and only extended) while the
  // matches stay on the same line, so a dense line is walked once, not once per match.
  if (!(mb >= memo_line_begin && mb <= memo_line_end)) {
    memo_line_begin = memo_line_end = mb;
    memo_begin_is_eol = memo_end_is_eol = false;
  }
  if (!memo_begin_is_eol && memo_line_begin > min_begin) {
    while (memo_line_begin > min_begin && !IsEol(data[memo_line_begin - 1])) --memo_line_begin;
    memo_begin_is_eol = memo_line_begin == 0 || IsEol(data[memo_line_begin - 1]);
  }
  if (!memo_end_is_eol && memo_line_end < max_end) {
    while (memo_line_end < max_end && !IsEol(data[memo_line_end])) ++memo_line_end;
    memo_end_is_eol = memo_line_end == data.size() || IsEol(data[memo_line_end]);
  }
  const size_t begin = std::max(min_begin, memo_line_begin);
  // A multi-line match's end may lie past its first line: the window then ends at the end
  // of the line the match ends on.
  size_t end = std::min(max_end, memo_line_end);
  if (me > memo_line_end) {
    end = me;
    while (end < max_end && !IsEol(data[end])) ++end;
  }
  // The keyword occurrence that satisfied this rule's previous match, if it is in reach of
  // this one too (on a dense line it nearly always is).
  KeywordMemo& memo = keyword_memo[r];
  if (memo.scan == scan_number && memo.hit >= begin && memo.hit_end <= end) return true;
  const std::string_view context = data.substr(begin, end - begin);
  for (const std::string& k : keywords) {
    // The last occurrence in reach: the next matches move right, and keep it in reach longest.
    size_t at = RFindCaseless(context, k);
    if (at != std::string_view::npos) {
      memo.scan = scan_number;
      memo.hit = begin + at;
      memo.hit_end = memo.hit + k.size();
      return true;
    }
  }
  return false;
}

Status Scanner::Impl::PrefilterRegions(std::string_view data) {
  if (data.size() > UINT_MAX) {
    return Status::Unsupported("blob larger than 4 GiB cannot be prefiltered");
  }
  raw_hits.clear();
  hit_data = data;
  last_hit_end.assign(db.pattern_rules.size(), SIZE_MAX);
  // A pattern hitting again on the same line within 64 bytes of its last hit adds no
  // region (a region reaches kLineWindow either side of its hit, or is the whole line):
  // dropped here, so a line of millions of keyword hits keeps a fraction of them.
  auto on_hit = [](unsigned id, unsigned long long /*from*/, unsigned long long to,
                   unsigned /*flags*/, void* ctx) -> int {
    Impl* self = static_cast<Impl*>(ctx);
    const auto end = static_cast<size_t>(to);
    if (id < self->last_hit_end.size()) {
      size_t& last = self->last_hit_end[id];
      if (last != SIZE_MAX && end >= last && end - last < 64 && SameLine(self->hit_data, last, end)) {
        return 0;
      }
      last = end;
    }
    self->raw_hits.emplace_back(id, end);
    return 0;
  };
  if (hs_scan(db.hs, data.data(), static_cast<unsigned>(data.size()), 0, scratch, on_hit,
              this) != HS_SUCCESS) {
    return Status::Internal("libhs: scan failed");
  }
  // libhs mostly reports in end-offset order already; sorting only when it did not saves
  // a noticeable share of the scan on keyword-dense text.
  auto by_end = [](const auto& a, const auto& b) { return a.second < b.second; };
  if (!std::is_sorted(raw_hits.begin(), raw_hits.end(), by_end)) {
    std::stable_sort(raw_hits.begin(), raw_hits.end(), by_end);
  }

  const size_t n = data.size();
  size_t ls = 0, le = 0;  // the line of the previous hit: [ls, le)
  bool have_line = false;
  // Per pattern: the short line its last hit was on, so repeated hits add nothing.
  last_line.assign(db.pattern_rules.size(), SIZE_MAX);
  for (const auto& [id, end] : raw_hits) {
    if (id >= db.pattern_rules.size() || end == 0) continue;
    const size_t q = end - 1;  // the hit's last byte
    if (!have_line || q < ls || q >= le) {
      ls = q;
      while (ls > 0 && !IsEol(data[ls - 1])) --ls;
      le = q;
      while (le < n && !IsEol(data[le])) ++le;
      have_line = true;
    }
    const bool long_line = le - ls > db.options.long_line;
    if (!long_line) {
      if (last_line[id] == ls) continue;
      last_line[id] = ls;
    }
    for (uint32_t r : db.pattern_rules[id]) {
      if (!active[r]) continue;
      if (regions[r].empty()) touched.push_back(r);  // every branch below adds a region
      if (db.multiline[r]) {
        // A multi-line rule (a PEM block) is confirmed over the whole blob, once per blob
        // however many hits it has: still linear work, and — unlike a window around each hit
        // — leftmost-first matching then cannot differ from the reference mode when a
        // truncated block runs into the next one (the equivalence test builds such input).
        if (regions[r].empty()) regions[r].push_back({r, 0, n, 0, n});
      } else if (long_line) {
        // A regex hit ends where its match ends; a keyword may lie up to kKeywordReach
        // from either end of the match it vouches for.
        const size_t reach =
            db.gates[r] == Gate::kKeyword ? kLineWindow + kKeywordReach : kLineWindow;
        regions[r].push_back({r, ls, le, std::max(ls, q > reach ? q - reach : 0),
                              std::min(le, q + reach + 1)});
      } else {
        regions[r].push_back({r, ls, le, ls, le});
      }
    }
  }
  return Status::OK();
}

Status Scanner::Impl::Scan(std::string_view data, std::string_view path,
                           std::vector<Match>* out) {
  if (!init_error.ok()) return init_error;
  found.clear();
  if (keyword_memo.size() != rules.size()) keyword_memo.assign(rules.size(), KeywordMemo{});
  ++scan_number;
  memo_line_begin = 1;
  memo_line_end = 0;
  for (uint32_t r : touched) regions[r].clear();  // left over only if a scan failed midway
  touched.clear();
  path_hits.clear();
  if (db.path_set != nullptr) {
    for (uint32_t r : db.path_set_rules) active[r] = 0;
    db.path_set->Match(re2::StringPiece(path.data(), path.size()), &path_hits);
    for (int k : path_hits) active[db.path_set_rules[static_cast<size_t>(k)]] = 1;
  }
  for (uint32_t r : path_only_rules) {
    if (active[r]) found.push_back(Match{r, 0, 0, 0, 0});
  }

  // Rules RE2 visits everywhere: all of them without the prefilter, else the kAlways ones.
  everywhere.clear();
  for (uint32_t r : everywhere_rules) {
    if (active[r]) everywhere.push_back(r);
  }
  if (!everywhere.empty()) {
    Status status;
    for (uint32_t r : everywhere) {
      if (db.multiline[r]) {
        status = RunRegion(data, {r, 0, data.size(), 0, data.size()});
        if (!status.ok()) return status;
      }
    }
    ForEachLine(data, [&](size_t ls, size_t le) {
      for (uint32_t r : everywhere) {
        if (!status.ok() || db.multiline[r]) continue;
        status = RunRegion(data, {r, ls, le, ls, le});
      }
    });
    if (!status.ok()) return status;
  }

  if (db.options.prefilter && db.hs != nullptr && !data.empty()) {
    Status status = PrefilterRegions(data);
    if (!status.ok()) return status;
    // Merge overlapping windows so that every byte is searched once per rule.
    for (uint32_t r : touched) {
      const std::vector<Region>& rule_regions = regions[r];
      for (size_t i = 0; i < rule_regions.size();) {
        Region merged = rule_regions[i];
        size_t j = i + 1;
        while (j < rule_regions.size() && rule_regions[j].text_begin == merged.text_begin &&
               rule_regions[j].begin <= merged.end) {
          merged.end = std::max(merged.end, rule_regions[j].end);
          ++j;
        }
        status = RunRegion(data, merged);
        if (!status.ok()) break;
        i = j;
      }
      if (!status.ok()) break;
    }
    for (uint32_t r : touched) regions[r].clear();
    touched.clear();
    if (!status.ok()) return status;
  }

  std::sort(found.begin(), found.end(), [](const Match& a, const Match& b) {
    return std::tie(a.secret_begin, a.rule_index, a.secret_end, a.match_begin, a.match_end) <
           std::tie(b.secret_begin, b.rule_index, b.secret_end, b.match_begin, b.match_end);
  });
  auto same = [](const Match& a, const Match& b) {
    return a.rule_index == b.rule_index && a.secret_begin == b.secret_begin &&
           a.secret_end == b.secret_end;
  };
  found.erase(std::unique(found.begin(), found.end(), same), found.end());
  out->insert(out->end(), found.begin(), found.end());
  return Status::OK();
}

Scanner::Scanner(const RuleDatabase& db) : impl_(std::make_unique<Impl>(db)) {}
Scanner::~Scanner() = default;

Status Scanner::Scan(std::string_view data, std::string_view path, std::vector<Match>* out) {
  return impl_->Scan(data, path, out);
}

}  // namespace keyhole::scan
