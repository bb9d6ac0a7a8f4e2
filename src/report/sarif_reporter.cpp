#include "report/sarif_reporter.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "core/text.h"
#include "report/report_util.h"

namespace keyhole::report {

namespace {

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kInformationUri = "https://github.com/keyhole-scanner/keyhole";
constexpr std::string_view kSrcRoot = "%SRCROOT%";
constexpr std::string_view kFingerprintKey = "keyhole/v1";
// GitHub code scanning keeps at most 20 tags per rule.
constexpr size_t kMaxTags = 20;
constexpr std::string_view kDefaultHelp =
    "Remove the secret from the code and from the repository history, then revoke or rotate "
    "it: anyone who could read the repository may have copied it. Load secrets at run time "
    "from the environment or a secret manager instead.";

// SARIF result level: GitHub shows error/warning/note; security-severity refines it.
std::string_view Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "note";
  }
  return "warning";
}

// CodeQL's `problem.severity` vocabulary, which GitHub also reads.
std::string_view ProblemSeverity(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "recommendation";
  }
  return "warning";
}

// SARIF messages are sentences: end them with a period (validator rule SARIF2001).
std::string Sentence(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s += '.';
  return s;
}

nlohmann::json Region(const findings::Location& l) {
  // SARIF lines and columns are 1-based and the end may not precede the start.
  uint32_t sl = std::max<uint32_t>(1, l.start_line);
  uint32_t sc = std::max<uint32_t>(1, l.start_column);
  uint32_t el = std::max<uint32_t>(sl, l.end_line);
  uint32_t ec = std::max<uint32_t>(1, l.end_column);
  if (el == sl) ec = std::max(ec, sc);
  return {{"startLine", sl}, {"startColumn", sc}, {"endLine", el}, {"endColumn", ec}};
}

nlohmann::json ArtifactLocation(const std::string& path) {
  return {{"uri", PercentEncodePath(path)}, {"uriBaseId", kSrcRoot}};
}

// What a driver rule is made from: the loaded rule, or (for a finding whose rule is not in
// the rule set, e.g. one an analyzer synthesised) what the findings say about it.
struct RuleView {
  std::string id, description, category, help;
  Severity severity = Severity::kMedium;
  std::vector<std::string> tags;
  bool precise = true;
};

nlohmann::json RuleDescriptor(const RuleView& r) {
  std::string description = r.description.empty() ? r.id : r.description;
  std::string help = r.help.empty() ? std::string(kDefaultHelp) : r.help;
  std::string full = Sentence(description);
  if (std::string first = FirstSentence(help); !first.empty()) full += " " + Sentence(first);

  std::vector<std::string> tags = {"security", "secret"};
  auto add_tag = [&](const std::string& t) {
    if (!t.empty() && tags.size() < kMaxTags &&
        std::find(tags.begin(), tags.end(), t) == tags.end()) {
      tags.push_back(t);
    }
  };
  add_tag(r.category);
  for (const std::string& t : r.tags) add_tag(t);

  nlohmann::json d = {{"id", r.id},
                      {"shortDescription", {{"text", Sentence(description)}}},
                      {"fullDescription", {{"text", full}}},
                      {"help", {{"text", help}, {"markdown", help}}},
                      {"defaultConfiguration", {{"level", Level(r.severity)}}},
                      {"properties",
                       {{"security-severity", SecuritySeverityScore(r.severity)},
                        {"precision", r.precise ? "high" : "medium"},
                        {"tags", tags},
                        {"problem.severity", ProblemSeverity(r.severity)}}}};
  // The validator wants a PascalCase friendly `name` (SARIF2012) that differs from `id`, case
  // aside (SARIF1001: "jwt"/"Jwt"), so a one-word id borrows its description's words.
  std::string name = PascalCase(r.id);
  if (AsciiLower(name) == AsciiLower(r.id)) name = PascalCase(description);
  if (AsciiLower(name) != AsciiLower(r.id)) d["name"] = name;
  return d;
}

RuleView ViewOf(const rules::Rule& rule) {
  RuleView v;
  v.id = rule.id;
  v.description = rule.description;
  v.category = rule.category;
  v.help = rule.help;
  v.severity = rule.severity;
  v.tags = rule.tags;
  // Generic rules (keyword + entropy) guess; provider formats and analyzers know.
  v.precise = rule.category != "generic";
  return v;
}

nlohmann::json ResultJson(const findings::Finding& f, int rule_index, size_t* related_dropped) {
  nlohmann::json fj = FindingToJson(f, /*show_secrets=*/false);

  nlohmann::json region = Region(f.location);
  std::string snippet = fj["snippet"].get<std::string>();
  if (!snippet.empty()) region["snippet"] = {{"text", snippet}};

  nlohmann::json props = {{"severity", fj["severity"]},
                          {"category", fj["category"]},
                          {"secret_preview", fj["secret_preview"]},
                          {"secret_hash", fj["secret_hash"]},
                          {"tags", fj["tags"]}};
  if (fj.contains("facts")) props["facts"] = fj["facts"];
  if (fj.contains("blob_id")) props["blob_id"] = fj["blob_id"];
  if (fj.contains("git")) {
    for (const char* k : {"commit", "author", "email", "date", "summary"}) props[k] = fj["git"][k];
  }

  std::string message = fj["message"].get<std::string>();
  if (message.empty()) message = f.description.empty() ? f.rule_id : f.description;

  nlohmann::json location = {
      {"physicalLocation", {{"artifactLocation", ArtifactLocation(f.path)}, {"region", region}}}};
  nlohmann::json r = {{"ruleId", f.rule_id},
                      {"ruleIndex", rule_index},
                      {"level", Level(f.severity)},
                      {"message", {{"text", Sentence(message)}}},
                      {"locations", nlohmann::json::array({location})},
                      {"partialFingerprints", {{kFingerprintKey, fj["fingerprint"]}}},
                      {"properties", props}};

  if (!f.related.empty()) {
    size_t keep = std::min(f.related.size(), kSarifMaxLocationsPerResult);
    *related_dropped = f.related.size() - keep;
    nlohmann::json related = nlohmann::json::array();
    for (size_t i = 0; i < keep; ++i) {
      const findings::RelatedLocation& rl = f.related[i];
      std::string text = fj["related"][i]["message"].get<std::string>();
      related.push_back(
          {{"id", i + 1},
           {"physicalLocation",
            {{"artifactLocation", ArtifactLocation(rl.path)}, {"region", Region(rl.location)}}},
           {"message", {{"text", Sentence(text.empty() ? "Related location" : text)}}}});
    }
    r["relatedLocations"] = std::move(related);
    if (*related_dropped > 0) r["properties"]["related_locations_omitted"] = *related_dropped;
  }
  return r;
}

nlohmann::json Notification(std::string_view level, std::string text) {
  return {{"level", level}, {"message", {{"text", Sentence(std::move(text))}}}};
}

}  // namespace

std::string PercentEncodePath(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string DirectoryFileUri(std::string_view abs_dir) {
  std::string uri = "file:///" + PercentEncodePath(abs_dir);
  if (uri.back() != '/') uri += '/';
  return uri;
}

std::string PascalCase(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) {
      upper = true;
      continue;
    }
    out += (upper && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out.empty() ? "Rule" : out;
}

nlohmann::json SarifLog(const std::vector<findings::Finding>& findings, const RunInfo& info) {
  // Which results to keep: all, or the kSarifMaxResults most severe (ties in report order);
  // they are then written in report order.
  std::vector<bool> kept(findings.size(), true);
  size_t results_dropped = 0;
  if (findings.size() > kSarifMaxResults) {
    std::vector<size_t> order(findings.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return findings[a].severity > findings[b].severity;
    });
    for (size_t i = kSarifMaxResults; i < order.size(); ++i) kept[order[i]] = false;
    results_dropped = findings.size() - kSarifMaxResults;
  }

  // Driver rules: every loaded rule with at least one result, in rule-set order, then rules
  // known only from findings, by id.
  std::set<std::string> used;
  std::map<std::string, RuleView> unknown;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!kept[i]) continue;
    const findings::Finding& f = findings[i];
    used.insert(f.rule_id);
    if (FindRule(info.rules, f.rule_id)) continue;
    auto [it, inserted] = unknown.try_emplace(f.rule_id);
    RuleView& v = it->second;
    if (inserted) {
      v.id = f.rule_id;
      v.description = f.description;
      v.category = f.category;
      v.severity = f.severity;
      v.precise = f.category != "generic";
    }
    v.severity = std::max(v.severity, f.severity);
  }
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, int> rule_index;
  if (info.rules) {
    for (const rules::Rule& rule : info.rules->rules) {
      if (!used.count(rule.id) || rule_index.count(rule.id)) continue;
      rule_index[rule.id] = static_cast<int>(rules.size());
      rules.push_back(RuleDescriptor(ViewOf(rule)));
    }
  }
  for (const auto& [id, view] : unknown) {
    rule_index[id] = static_cast<int>(rules.size());
    rules.push_back(RuleDescriptor(view));
  }

  nlohmann::json results = nlohmann::json::array();
  size_t related_dropped_total = 0, results_with_dropped = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!kept[i]) continue;
    size_t dropped = 0;
    results.push_back(ResultJson(findings[i], rule_index.at(findings[i].rule_id), &dropped));
    related_dropped_total += dropped;
    if (dropped) ++results_with_dropped;
  }

  nlohmann::json notifications = nlohmann::json::array();
  bool success = info.fatal.empty();
  if (!success) notifications.push_back(Notification("error", "the scan failed: " + info.fatal));
  if (info.stats) {
    for (const ScanError& e : info.stats->errors()) {
      notifications.push_back(
          Notification("error", e.path.empty() ? e.message : e.path + ": " + e.message));
    }
    for (const std::string& n : info.stats->notes())
      notifications.push_back(Notification("note", n));
    success = success && info.stats->error_count() == 0;
  }
  if (results_dropped) {
    notifications.push_back(Notification(
        "warning", std::to_string(results_dropped) + " of " + std::to_string(findings.size()) +
                       " results were omitted: GitHub code scanning accepts at most " +
                       std::to_string(kSarifMaxResults) +
                       " results per run, so the most severe ones were kept. Use the JSON report "
                       "for the full list"));
  }
  if (related_dropped_total) {
    notifications.push_back(Notification(
        "warning", std::to_string(related_dropped_total) + " related locations were omitted from " +
                       std::to_string(results_with_dropped) +
                       " results: GitHub code scanning accepts at most " +
                       std::to_string(kSarifMaxLocationsPerResult) + " locations per result"));
  }
  nlohmann::json invocation = {{"executionSuccessful", success}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  std::string version = info.tool_version.empty() ? KEYHOLE_VERSION : info.tool_version;
  nlohmann::json driver = {{"name", "keyhole"},
                           {"informationUri", kInformationUri},
                           {"semanticVersion", version},
                           {"version", version},
                           {"rules", std::move(rules)}};
  if (!info.rules_hash.empty()) driver["properties"] = {{"rules_hash", info.rules_hash}};

  // GitHub takes the category from everything up to the last '/'.
  std::string automation_id = info.automation_id.empty() ? "keyhole/" : info.automation_id;
  if (automation_id.find('/') == std::string::npos) automation_id += '/';

  nlohmann::json run = {{"tool", {{"driver", std::move(driver)}}},
                        {"automationDetails", {{"id", automation_id}}},
                        {"columnKind", "unicodeCodePoints"},
                        {"invocations", nlohmann::json::array({std::move(invocation)})},
                        {"results", std::move(results)},
                        {"properties", {{"mode", info.mode}}}};
  if (!info.root.empty()) {
    run["originalUriBaseIds"] = {{kSrcRoot, {{"uri", DirectoryFileUri(info.root)}}}};
  }
  return {{"$schema", kSchema},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({std::move(run)})}};
}

Status SarifReporter::Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
                            std::ostream& out) {
  out << DumpJson(SarifLog(findings, info), 2) << '\n';
  out.flush();
  return StreamStatus(out, "SARIF");
}

}  // namespace keyhole::report
