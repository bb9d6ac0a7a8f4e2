// The progress line's text (cli::ProgressText); drawing it on a terminal is tested in
// output_test.cpp.
#include <gtest/gtest.h>

#include "cli/output.h"

namespace keyhole::cli {
namespace {

std::string Text(uint64_t done, uint64_t planned, uint64_t bytes, double seconds) {
  ProgressCounts c;
  c.done = done;
  c.planned = planned;
  c.bytes = bytes;
  return ProgressText(c, seconds);
}

TEST(ProgressText, WithoutAPlanCountsFilesBytesAndRate) {
  EXPECT_EQ(Text(120, 0, 3'400'000, 2.0), "keyhole: 120 files, 3.4 MB, 1.7 MB/s");
}

TEST(ProgressText, HistoryWalkShowsCommitsUntilBlobsAreCounted) {
  ProgressCounts c;
  c.commits_walked = 800;  // finding commits: the total is not known yet
  EXPECT_EQ(ProgressText(c, 1.0), "keyhole: reading history, 800 commits");
  c.commits_planned = 5000;  // reading their trees
  EXPECT_EQ(ProgressText(c, 1.0), "keyhole: reading history, 800 of 5000 commits");
  c.planned = 16989;  // the walk is done: blobs from now on
  EXPECT_EQ(ProgressText(c, 1.0), "keyhole: 0 of 16989 blobs (0%), 0.0 MB, 0.0 MB/s");
}

TEST(ProgressText, WithAPlanSaysHowFarAndHowLongIsLeft) {
  // 1,000 of 4,000 blobs in 10 s: 3,000 more at the same rate is ~30 s.
  EXPECT_EQ(Text(1000, 4000, 50'000'000, 10.0),
            "keyhole: 1000 of 4000 blobs (25%), 50.0 MB, 5.0 MB/s, ~30 s left");
}

TEST(ProgressText, NoTimeLeftBeforeTheFirstSecondOrBlobOrAfterTheLast) {
  EXPECT_EQ(Text(10, 4000, 1'000'000, 0.5), "keyhole: 10 of 4000 blobs (0%), 1.0 MB, 2.0 MB/s");
  EXPECT_EQ(Text(0, 4000, 0, 3.0), "keyhole: 0 of 4000 blobs (0%), 0.0 MB, 0.0 MB/s");
  EXPECT_EQ(Text(4000, 4000, 1'000'000, 3.0),
            "keyhole: 4000 of 4000 blobs (100%), 1.0 MB, 0.3 MB/s");
}

}  // namespace
}  // namespace keyhole::cli
