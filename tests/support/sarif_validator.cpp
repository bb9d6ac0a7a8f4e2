#include "support/sarif_validator.h"

#include <nlohmann/json.hpp>

#include "support/test_util.h"

namespace keyhole::testing {

namespace fs = std::filesystem;

fs::path SarifMultitoolPath() {
  return SourceDir() / ".cache/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";
}

namespace {

// The validator's results carry a message id plus arguments; the text lives in the rule's
// messageStrings with {0}-style placeholders.
std::string RenderMessage(const nlohmann::json& result, const nlohmann::json& rules) {
  const nlohmann::json& msg = result.value("message", nlohmann::json::object());
  if (msg.contains("text")) return msg["text"].get<std::string>();
  std::string id = msg.value("id", "");
  std::string tmpl = id;
  int index = result.value("ruleIndex", -1);
  if (index >= 0 && index < static_cast<int>(rules.size())) {
    const nlohmann::json& strings = rules[index].value("messageStrings", nlohmann::json::object());
    if (strings.contains(id)) tmpl = strings[id].value("text", id);
  }
  const nlohmann::json args = msg.value("arguments", nlohmann::json::array());
  for (size_t i = 0; i < args.size(); ++i) {
    std::string key = "{" + std::to_string(i) + "}";
    std::string val = args[i].is_string() ? args[i].get<std::string>() : args[i].dump();
    for (size_t p = tmpl.find(key); p != std::string::npos; p = tmpl.find(key, p + val.size())) {
      tmpl.replace(p, key.size(), val);
    }
  }
  return tmpl;
}

}  // namespace

SarifValidation ValidateSarif(const fs::path& sarif_file) {
  SarifValidation v;
  const fs::path tool = SarifMultitoolPath();
  if (!fs::exists(tool)) {
    v.problem = "SARIF validator not found at " + tool.string() + ": run scripts/setup.sh";
    return v;
  }
  TempDir tmp;
  const fs::path log = tmp.path() / "validation.sarif";
  // DOTNET_CLI_TELEMETRY_OPTOUT: the tool must not phone home from a test run.
  // The default size limit (10 MB) makes the tool skip a big log and report no results;
  // it then exits 1, which is caught below, but a raised limit lets big logs be checked.
  CommandResult r =
      Run({tool.string(), "validate", "--rule-kind", "Gh;Sarif", "--max-file-size-in-kb", "1000000",
           "-o", log.string(), sarif_file.string()},
          {}, {}, {"DOTNET_CLI_TELEMETRY_OPTOUT=1"});
  v.output = r.out + r.err;
  if (r.exit_code != 0 || !fs::exists(log)) {
    v.problem = "Sarif.Multitool failed (exit " + std::to_string(r.exit_code) + "): " + v.output;
    return v;
  }
  nlohmann::json parsed = nlohmann::json::parse(ReadFile(log), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.contains("runs")) {
    v.problem = "cannot parse the validator's log " + log.string();
    return v;
  }
  v.ran = true;
  for (const nlohmann::json& run : parsed["runs"]) {
    nlohmann::json rules = nlohmann::json::array();
    if (run.contains("tool") && run["tool"].contains("driver")) {
      rules = run["tool"]["driver"].value("rules", nlohmann::json::array());
    }
    for (const nlohmann::json& result : run.value("results", nlohmann::json::array())) {
      // Without its own level a result takes its rule's default level, else "warning".
      std::string level = "warning";
      int index = result.value("ruleIndex", -1);
      if (result.contains("level")) {
        level = result["level"].get<std::string>();
      } else if (index >= 0 && index < static_cast<int>(rules.size())) {
        level = rules[index]
                    .value("defaultConfiguration", nlohmann::json::object())
                    .value("level", level);
      }
      if (level == "error")
        ++v.errors;
      else if (level == "warning")
        ++v.warnings;
      else
        ++v.notes;
      v.messages.push_back(level + " " + result.value("ruleId", "?") + ": " +
                           RenderMessage(result, rules));
    }
    // A log the tool could not even read shows up as an execution notification.
    for (const nlohmann::json& inv : run.value("invocations", nlohmann::json::array())) {
      for (const nlohmann::json& n :
           inv.value("toolExecutionNotifications", nlohmann::json::array())) {
        if (n.value("level", "warning") == "error") {
          ++v.errors;
          v.messages.push_back("error (tool): " +
                               n.value("message", nlohmann::json::object()).value("text", ""));
        }
      }
    }
  }
  return v;
}

}  // namespace keyhole::testing
