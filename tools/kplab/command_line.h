// The command a verb was started with, as one line a shell can run again:
// written into run folders (command.txt) and model cards.
#pragma once

#include <string>

namespace kplab::cli {

// "kplab VERB ARG ..." from a verb's (argc, argv), argv[0] being "kplab VERB";
// arguments with spaces or shell characters are single-quoted.
std::string command_line(const std::string& verb, int argc, char** argv);

}  // namespace kplab::cli
