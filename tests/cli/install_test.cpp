// `cmake --install` into a temporary prefix: the binary and keyhole(1), generated from the
// help text at build time.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace keyhole::testing {
namespace {

namespace fs = std::filesystem;

class Install : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prefix_ = new TempDir();
    // The build tree is the directory holding the keyhole binary.
    result_ = new CommandResult(testing::Run(
        {"cmake", "--install", KeyholeBinary().parent_path().string(), "--prefix", prefix_->path().string()}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete prefix_;
  }
  void SetUp() override { ASSERT_EQ(result_->exit_code, 0) << result_->out << result_->err; }

  static TempDir* prefix_;
  static CommandResult* result_;
};
TempDir* Install::prefix_ = nullptr;
CommandResult* Install::result_ = nullptr;

TEST_F(Install, InstalledBinaryPrintsVersionAndRulesHash) {
  fs::path bin = prefix_->path() / "bin/keyhole";
  ASSERT_TRUE(fs::exists(bin));
  CommandResult installed = testing::Run({bin.string(), "--version"});
  EXPECT_EQ(installed.exit_code, 0);
  EXPECT_EQ(installed.out, RunKeyhole({"--version"}).out);
  EXPECT_NE(installed.out.find("rules "), std::string::npos) << installed.out;
}

TEST_F(Install, ManPageIsInstalled) {
  fs::path man = prefix_->path() / "share/man/man1/keyhole.1";
  ASSERT_TRUE(fs::exists(man));
  std::string text = ReadFile(man);
  EXPECT_EQ(text.rfind(".TH KEYHOLE 1 ", 0), 0u) << text.substr(0, 80);
}

TEST_F(Install, ManPageCoversEveryCommandAndOption) {
  std::string text = ReadFile(prefix_->path() / "share/man/man1/keyhole.1");
  for (const char* section : {"keyhole scan", "keyhole rules explain", "keyhole baseline create",
                              "keyhole hook install", "keyhole hook uninstall"}) {
    EXPECT_NE(text.find(".SS \"" + std::string(section) + "\""), std::string::npos) << section;
  }
  // Generated from the help text, so every scan option is there.
  for (const char* flag : {"--fail-on", "--staged", "--diff", "--history", "--automation-id", "--no-progress"})
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
}

TEST_F(Install, ManPageRendersWithoutGroffWarnings) {
  fs::path man = prefix_->path() / "share/man/man1/keyhole.1";
  CommandResult r = testing::Run({"groff", "-man", "-Tutf8", "-ww", "-z", man.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  CommandResult rendered = testing::Run({"groff", "-man", "-Tascii", "-P-c", "-P-b", "-P-o", "-P-u", man.string()});
  EXPECT_NE(rendered.out.find("EXIT STATUS"), std::string::npos);
}

}  // namespace
}  // namespace keyhole::testing
