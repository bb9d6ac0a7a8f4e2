// keyhole: parse the command line, run one command, return its exit code.
#include "cli/app.h"

int main(int argc, char** argv) { return keyhole::cli::Main(argc, argv); }
