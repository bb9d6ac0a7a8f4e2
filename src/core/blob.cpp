#include "core/blob.h"

namespace keyhole {

Blob::Blob(Origin origin, std::string data) : origin_(std::move(origin)) {
  auto owned = std::make_shared<const std::string>(std::move(data));
  bytes_ = *owned;
  keepalive_ = std::move(owned);
}

Blob::Blob(Origin origin, std::string_view bytes, std::shared_ptr<const void> keepalive)
    : origin_(std::move(origin)), bytes_(bytes), keepalive_(std::move(keepalive)) {}

bool Blob::TouchesAddedLines(uint32_t first, uint32_t last) const {
  if (!added_lines_) return true;
  for (const LineRange& r : *added_lines_) {
    if (first <= r.last && last >= r.first) return true;
  }
  return false;
}

}  // namespace keyhole
