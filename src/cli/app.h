// The command-line application: builds the CLI11 parser, runs the chosen command and
// returns its exit code (0 clean, 1 findings, 2 error). Never throws.
#pragma once

namespace keyhole::cli {

int Main(int argc, char** argv);

}  // namespace keyhole::cli
