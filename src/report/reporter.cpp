#include "report/reporter.h"

#include "report/json_reporter.h"
#include "report/sarif_reporter.h"
#include "report/text_reporter.h"

namespace keyhole::report {

std::unique_ptr<Reporter> MakeReporter(std::string_view format) {
  if (format == "text") return std::make_unique<TextReporter>();
  if (format == "json") return std::make_unique<JsonReporter>();
  if (format == "jsonl") return std::make_unique<JsonlReporter>();
  if (format == "sarif") return std::make_unique<SarifReporter>();
  return nullptr;
}

}  // namespace keyhole::report
