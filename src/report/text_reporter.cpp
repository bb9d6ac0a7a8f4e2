#include "report/text_reporter.h"

#include <cstdio>

#include "core/text.h"
#include "report/report_util.h"

namespace keyhole::report {

namespace {

constexpr std::string_view kIndent = "      ";  // under "  L:C  "

// ANSI styling, or nothing when colour is off.
class Style {
 public:
  explicit Style(bool on) : on_(on) {}
  std::string operator()(std::string_view code, std::string_view text) const {
    if (!on_) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }

 private:
  bool on_;
};

std::string_view SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "1;31";  // bold red
    case Severity::kHigh:
      return "31";  // red
    case Severity::kMedium:
      return "33";  // yellow
    case Severity::kLow:
      return "36";  // cyan
    case Severity::kInfo:
      return "2";  // dim
  }
  return "0";
}

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The caret line under the masked secret: the prefix's tabs are kept so the caret lines up
// with the snippet above it in any tab width.
std::string CaretLine(const Snippet& s) {
  std::string out;
  std::string_view prefix(s.text.data(), s.mark_begin);
  for (size_t i = 0; i < prefix.size(); ++i) {
    if ((static_cast<unsigned char>(prefix[i]) & 0xC0) == 0x80) continue;
    out += prefix[i] == '\t' ? '\t' : ' ';
  }
  size_t width =
      CodePoints(std::string_view(s.text).substr(s.mark_begin, s.mark_end - s.mark_begin));
  if (width == 0) return out + "^";
  out += '^';
  out.append(width - 1, '~');
  return out;
}

void WriteFinding(const findings::Finding& f, const RunInfo& info, const Style& style,
                  std::ostream& out) {
  const bool show = info.show_secrets;
  auto scrub = [&](const std::string& s) { return show ? s : ScrubSecret(s, f.secret); };

  std::string sev(SeverityName(f.severity));
  std::string pos =
      std::to_string(f.location.start_line) + ":" + std::to_string(f.location.start_column);
  std::string message = scrub(f.message.empty() ? f.description : f.message);
  out << "  " << pos << "  " << style(SeverityColor(f.severity), sev) << "  "
      << style("1", EscapeForTerminal(f.rule_id)) << "  " << EscapeForTerminal(message);
  if (!f.tags.empty()) {
    std::string tags;
    for (const std::string& t : f.tags) tags += (tags.empty() ? "" : ", ") + t;
    out << "  " << style("2", "[" + EscapeForTerminal(tags) + "]");
  }
  out << '\n';

  if (!f.line.empty()) {
    Snippet s = FindingSnippet(f, show);
    // Drop the indentation: it only pushes the secret to the right.
    size_t lead = 0;
    while (lead < s.mark_begin && lead < s.text.size() &&
           (s.text[lead] == ' ' || s.text[lead] == '\t'))
      ++lead;
    s.text.erase(0, lead);
    s.mark_begin -= lead;
    s.mark_end = std::min(s.mark_end - lead, s.text.size());
    out << kIndent << s.text << '\n';
    out << kIndent << style("31", CaretLine(s)) << '\n';
  }

  std::string hint;
  if (const rules::Rule* rule = FindRule(info.rules, f.rule_id)) hint = FirstSentence(rule->help);
  if (!hint.empty()) out << kIndent << style("2", "hint: " + EscapeForTerminal(hint)) << '\n';

  if (f.git) {
    const GitFacts& g = *f.git;
    std::string line =
        g.commit.empty() ? std::string("uncommitted") : "commit " + g.commit.substr(0, 12);
    if (!g.author.empty()) line += " by " + g.author;
    if (!g.email.empty()) line += " <" + g.email + ">";
    if (!g.date.empty()) line += " on " + g.date;
    if (!g.summary.empty()) line += ": " + MaskedSummary(g.summary, f, show);
    out << kIndent << EscapeForTerminal(line) << '\n';
  }

  for (const findings::RelatedLocation& r : f.related) {
    out << kIndent << "related: "
        << EscapeForTerminal(r.path + ":" + std::to_string(r.location.start_line) + ":" +
                             std::to_string(r.location.start_column))
        << (r.message.empty() ? "" : "  " + EscapeForTerminal(scrub(r.message))) << '\n';
  }

  if (info.verbose && (f.facts.is_object() ? !f.facts.empty() : !f.facts.is_null())) {
    nlohmann::json facts = show ? f.facts : ScrubSecretJson(f.facts, f.secret);
    out << kIndent << "facts: " << EscapeForTerminal(DumpJson(facts, -1)) << '\n';
  }
}

// "512 bytes", "12.3 KB", "1.2 MB": small scans should not read "0.0 MB".
std::string HumanBytes(uint64_t n) {
  if (n < 1000) return Plural(n, "byte", "bytes");
  if (n < 1000 * 1000) return Fixed(static_cast<double>(n) / 1e3, 1) + " KB";
  return Fixed(static_cast<double>(n) / 1e6, 1) + " MB";
}

// One line: what was found, in how much, how fast. Skips and errors are always counted
// when there are any (a skipped file may hide a secret); --verbose breaks the skips down.
void WriteSummary(const std::vector<findings::Finding>& findings, const RunInfo& info,
                  const Style& style, std::ostream& out) {
  static const ScanStats kEmpty;
  const ScanStats& st = info.stats ? *info.stats : kEmpty;
  const uint64_t files = st.files_scanned.load();
  const std::vector<ScanError> errors = st.errors();

  const std::string size = HumanBytes(st.bytes_scanned.load());
  std::string tail = " in " + Fixed(info.seconds, 2) + " s";
  const uint64_t skipped = st.skipped_binary.load() + st.skipped_too_large.load() +
                           st.skipped_ignored.load() + st.skipped_symlinks.load();
  if (info.verbose) {
    tail += "; skipped: " + std::to_string(st.skipped_binary.load()) + " binary, " +
            std::to_string(st.skipped_too_large.load()) + " too large, " +
            std::to_string(st.skipped_ignored.load()) + " ignored";
    if (uint64_t n = st.skipped_symlinks.load()) tail += ", " + Plural(n, "symlink", "symlinks");
  } else if (skipped > 0) {
    tail += "; " + std::to_string(skipped) + " skipped (--verbose for details)";
  }
  if (uint64_t n = st.missing_objects.load())
    tail += "; " + Plural(n, "missing object", "missing objects");
  if (info.verbose || !errors.empty()) tail += "; " + Plural(errors.size(), "error", "errors");

  if (!info.fatal.empty()) {
    // Never "No secrets found": a scan that failed found out nothing about what it missed.
    out << style("1;31", "Scan failed: " + EscapeForTerminal(info.fatal)) << '\n';
    out << (findings.empty() ? std::string("No result: ")
                             : Plural(findings.size(), "finding", "findings") + " before the failure; ")
        << Plural(files, "file", "files") << " (" << size << ") scanned" << tail << '\n';
  } else if (findings.empty() && !errors.empty()) {
    // Not "No secrets found": what could not be read may hold one.
    out << style("1;31", "Scan incomplete:") << " nothing found in the " << Plural(files, "file", "files")
        << " that could be read (" << size << ")" << tail << '\n';
  } else if (findings.empty()) {
    out << style("32", "No secrets found in " + Plural(files, "file", "files") + ".") << " Scanned "
        << size << tail << '\n';
  } else {
    auto counts = CountBySeverity(findings);
    std::string by;
    for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow,
                       Severity::kInfo}) {
      uint64_t n = counts[static_cast<int>(s)];
      if (!n) continue;
      by += (by.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(SeverityName(s));
    }
    out << style("1", Plural(findings.size(), "finding", "findings")) << " (" << by << ") in "
        << Plural(files, "file", "files") << " (" << size << ")" << tail << '\n';
  }
  for (const ScanError& e : errors) {
    out << style("31", "error: ")
        << EscapeForTerminal(e.path.empty() ? e.message : e.path + ": " + e.message) << '\n';
  }
  for (const std::string& n : st.notes()) out << "note: " << EscapeForTerminal(n) << '\n';
}

}  // namespace

Status TextReporter::Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
                           std::ostream& out) {
  Style style(info.color);
  const std::string* current = nullptr;
  for (const findings::Finding& f : findings) {
    if (!current || *current != f.path) {
      if (current) out << '\n';
      out << style("1;4", EscapeForTerminal(f.path)) << '\n';
      current = &f.path;
    }
    WriteFinding(f, info, style, out);
  }
  if (info.quiet) {
    out.flush();
    return StreamStatus(out, "text");
  }
  if (current) out << '\n';
  WriteSummary(findings, info, style, out);
  out.flush();
  return StreamStatus(out, "text");
}

}  // namespace keyhole::report
