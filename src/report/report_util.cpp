#include "report/report_util.h"

#include <algorithm>

#include "core/text.h"
#include "report/mask.h"
#include "report/reporter.h"

namespace keyhole::report {

namespace {

// Snippets of long (minified) lines keep about this many code points around the secret:
// enough context to recognise the line, small enough for a terminal and a SARIF viewer.
constexpr size_t kSnippetBudget = 200;
constexpr std::string_view kEllipsis = "…";

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The last `n` code points of `s` (or all of it).
std::string_view TailCodePoints(std::string_view s, size_t n) {
  size_t i = s.size();
  size_t count = 0;
  while (i > 0 && count < n) {
    --i;
    while (i > 0 && IsContinuation(s[i])) --i;
    ++count;
  }
  return s.substr(i);
}

// The first `n` code points of `s` (or all of it).
std::string_view HeadCodePoints(std::string_view s, size_t n) {
  size_t i = 0;
  size_t count = 0;
  while (i < s.size() && count < n) {
    ++i;
    while (i < s.size() && IsContinuation(s[i])) ++i;
    ++count;
  }
  return s.substr(0, i);
}

}  // namespace

std::string DumpJson(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ScrubSecret(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  size_t pos = text.find(secret);
  if (pos == std::string::npos) return text;
  const std::string preview = findings::Redact(secret);
  while (pos != std::string::npos) {
    text.replace(pos, secret.size(), preview);
    pos = text.find(secret, pos + preview.size());
  }
  return text;
}

nlohmann::json ScrubSecretJson(const nlohmann::json& j, const std::string& secret) {
  if (j.is_string()) return ScrubSecret(j.get<std::string>(), secret);
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : j) out.push_back(ScrubSecretJson(v, secret));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      out[it.key()] = ScrubSecretJson(it.value(), secret);
    return out;
  }
  return j;
}

std::string EffectiveFingerprint(const findings::Finding& f) {
  return f.fingerprint.empty() ? findings::Fingerprint(f.rule_id, f.path, f.secret) : f.fingerprint;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

Snippet BuildSnippet(std::string_view line, uint32_t begin, uint32_t end, bool show_secrets,
                     const std::vector<Span>& hide) {
  size_t b = std::min<size_t>(begin, line.size());
  size_t e = std::clamp<size_t>(end, b, line.size());
  std::string_view secret = line.substr(b, e - b);
  // Masked before trimming and escaping, so the mark offsets stay right.
  std::vector<Span> before, after;
  if (!show_secrets) {
    // A span that overlaps the secret is masked on either side of it, except for a part of
    // fewer than 4 bytes (a closing `\n`), too short to be anything but noise: "…(2)".
    for (auto [hb, he] : hide) {
      const bool overlaps = hb < e && he > b;
      if (hb < b && !(overlaps && b - hb < 4)) before.emplace_back(hb, std::min(he, b));
      if (he > e && !(overlaps && he - e < 4)) after.emplace_back(std::max(hb, e) - e, he - e);
    }
  }
  const std::string prefix_owned = ApplyMasks(line.substr(0, b), before);
  const std::string suffix_owned = ApplyMasks(line.substr(e), after);
  std::string_view prefix = prefix_owned;
  std::string_view suffix = suffix_owned;

  std::string middle;
  if (!secret.empty()) {
    middle = show_secrets ? EscapeForTerminal(secret) : findings::Redact(std::string(secret));
  }

  // Trim the context, not the secret: split what the budget leaves between both sides, and
  // give one side's unused share to the other.
  size_t pre_cp = CodePoints(prefix), suf_cp = CodePoints(suffix);
  size_t mid_cp = CodePoints(middle);
  bool cut_prefix = false, cut_suffix = false;
  if (pre_cp + mid_cp + suf_cp > kSnippetBudget) {
    size_t budget = kSnippetBudget > mid_cp ? kSnippetBudget - mid_cp : 0;
    size_t pre_keep = std::min(pre_cp, budget / 2);
    size_t suf_keep = std::min(suf_cp, budget - pre_keep);
    pre_keep = std::min(pre_cp, budget - suf_keep);
    cut_prefix = pre_keep < pre_cp;
    cut_suffix = suf_keep < suf_cp;
    prefix = TailCodePoints(prefix, pre_keep);
    suffix = HeadCodePoints(suffix, suf_keep);
  }

  Snippet s;
  if (cut_prefix) s.text += kEllipsis;
  s.text += EscapeForTerminal(prefix);
  s.mark_begin = s.text.size();
  s.text += middle;
  s.mark_end = s.text.size();
  s.text += EscapeForTerminal(suffix);
  if (cut_suffix) s.text += kEllipsis;
  return s;
}

Snippet FindingSnippet(const findings::Finding& f, bool show_secrets) {
  return BuildSnippet(f.line, f.line_secret_begin, f.line_secret_end, show_secrets,
                      show_secrets ? std::vector<Span>() : LineMasks(f));
}

std::string MaskedSummary(const std::string& text, const findings::Finding& f, bool show_secrets) {
  return show_secrets ? text : MaskText(text, f);
}

std::string MaskedSnippet(const std::string& line, uint32_t begin, uint32_t end,
                          bool show_secrets) {
  findings::Finding f;
  f.line = line;
  f.line_secret_begin = begin;
  f.line_secret_end = end;
  f.secret = line.substr(std::min<size_t>(begin, line.size()),
                         end > begin ? end - begin : 0);
  return FindingSnippet(f, show_secrets).text;
}

std::string FirstSentence(std::string_view markdown) {
  // First paragraph: up to the first blank line.
  size_t para_end = markdown.find("\n\n");
  std::string_view para = markdown.substr(0, para_end);
  std::string out;
  bool space = false;
  for (size_t i = 0; i < para.size(); ++i) {
    char c = para[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    // A sentence ends at ". " / "! " / "? " (or the paragraph's end); "e.g. x" is rare
    // enough in rule help not to need a list of abbreviations.
    if ((c == '.' || c == '!' || c == '?') &&
        (i + 1 == para.size() || para[i + 1] == ' ' || para[i + 1] == '\n')) {
      break;
    }
  }
  size_t start = out.find_first_not_of("# ");
  return start == std::string::npos ? std::string() : out.substr(start);
}

const rules::Rule* FindRule(const rules::RuleSet* rules, const std::string& id) {
  if (!rules) return nullptr;
  for (const rules::Rule& r : rules->rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::array<uint64_t, 5> CountBySeverity(const std::vector<findings::Finding>& findings) {
  std::array<uint64_t, 5> counts{};
  for (const findings::Finding& f : findings) ++counts[static_cast<int>(f.severity)];
  return counts;
}

Status StreamStatus(const std::ostream& out, std::string_view what) {
  if (out.fail()) return Status::IOError("cannot write the " + std::string(what) + " report");
  return Status::OK();
}

}  // namespace keyhole::report
