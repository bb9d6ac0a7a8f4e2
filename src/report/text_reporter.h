// Human-readable report: findings grouped by file, a masked snippet with a caret line, a
// hint from the rule's help, git facts, and one summary line. ANSI colours only when asked.
#pragma once

#include "report/reporter.h"

namespace keyhole::report {

class TextReporter : public Reporter {
 public:
  Status Write(const std::vector<findings::Finding>& findings, const RunInfo& info,
               std::ostream& out) override;
};

}  // namespace keyhole::report
