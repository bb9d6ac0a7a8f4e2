// The progress line's text (cli::ProgressText); drawing it on a terminal is tested in
// output_test.cpp.
#include <gtest/gtest.h>

#include "cli/output.h"

namespace keyhole::cli {
namespace {

TEST(ProgressText, WithoutAPlanCountsFilesBytesAndRate) {
  EXPECT_EQ(ProgressText(120, 0, 3'400'000, 2.0), "keyhole: 120 files, 3.4 MB, 1.7 MB/s");
}

TEST(ProgressText, WithAPlanSaysHowFarAndHowLongIsLeft) {
  // 1,000 of 4,000 blobs in 10 s: 3,000 more at the same rate is ~30 s.
  EXPECT_EQ(ProgressText(1000, 4000, 50'000'000, 10.0),
            "keyhole: 1000 of 4000 blobs (25%), 50.0 MB, 5.0 MB/s, ~30 s left");
}

TEST(ProgressText, NoTimeLeftBeforeTheFirstSecondOrBlobOrAfterTheLast) {
  EXPECT_EQ(ProgressText(10, 4000, 1'000'000, 0.5), "keyhole: 10 of 4000 blobs (0%), 1.0 MB, 2.0 MB/s");
  EXPECT_EQ(ProgressText(0, 4000, 0, 3.0), "keyhole: 0 of 4000 blobs (0%), 0.0 MB, 0.0 MB/s");
  EXPECT_EQ(ProgressText(4000, 4000, 1'000'000, 3.0),
            "keyhole: 4000 of 4000 blobs (100%), 1.0 MB, 0.3 MB/s");
}

}  // namespace
}  // namespace keyhole::cli
