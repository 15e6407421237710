#include "command_line.h"

namespace kplab::cli {

std::string command_line(const std::string& verb, int argc, char** argv) {
  std::string line = "kplab " + verb;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    line += " " + (a.find_first_of(" '\"$\\") == std::string::npos ? a : "'" + a + "'");
  }
  return line;
}

}  // namespace kplab::cli
