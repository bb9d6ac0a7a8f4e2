// FindingToJson: the one shape of a finding in every structured report (documented in
// src/report/FORMAT.md; bump kReportVersion when it changes incompatibly).
#include <string>

#include "report/report_util.h"
#include "report/reporter.h"

namespace keyhole::report {

namespace {

nlohmann::json LocationJson(const findings::Location& l) {
  return {{"start_line", l.start_line},
          {"start_column", l.start_column},
          {"end_line", l.end_line},
          {"end_column", l.end_column}};
}

}  // namespace

nlohmann::json FindingToJson(const findings::Finding& f, bool show_secrets) {
  // Messages and facts are written by analyzers; scrub them anyway so one careless analyzer
  // cannot leak a secret into every report format at once.
  auto scrub = [&](const std::string& s) { return show_secrets ? s : ScrubSecret(s, f.secret); };

  nlohmann::json j = nlohmann::json::object();
  j["rule_id"] = f.rule_id;
  j["category"] = f.category;
  j["description"] = f.description;
  j["severity"] = std::string(SeverityName(f.severity));
  j["message"] = scrub(f.message);
  j["path"] = f.path;
  if (!f.blob_id.empty()) j["blob_id"] = f.blob_id;
  j["location"] = LocationJson(f.location);
  j["secret_preview"] = findings::Redact(f.secret);
  j["secret_hash"] = findings::SecretHash(f.secret);
  if (show_secrets) j["secret"] = f.secret;
  j["snippet"] = FindingSnippet(f, show_secrets).text;
  j["fingerprint"] = EffectiveFingerprint(f);
  if (f.facts.is_object() ? !f.facts.empty() : !f.facts.is_null()) {
    j["facts"] = show_secrets ? f.facts : ScrubSecretJson(f.facts, f.secret);
  }
  j["tags"] = f.tags;
  if (f.git) {
    j["git"] = {{"commit", f.git->commit},
                {"author", f.git->author},
                {"email", f.git->email},
                {"date", f.git->date},
                {"summary", MaskedSummary(f.git->summary, f, show_secrets)}};
  }
  nlohmann::json related = nlohmann::json::array();
  for (const findings::RelatedLocation& r : f.related) {
    related.push_back(
        {{"path", r.path}, {"location", LocationJson(r.location)}, {"message", scrub(r.message)}});
  }
  j["related"] = std::move(related);
  return j;
}

}  // namespace keyhole::report
