#include "verb_args.h"

#include <cstdio>

#include "core/error.h"

namespace kplab::cli {

std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& opts, int argc, char** argv,
                                               const std::vector<std::string>& examples) {
  auto r = opts.parse(argc, argv);
  if (!r.count("help")) return r;
  std::printf("%s", opts.help().c_str());
  if (!examples.empty()) std::printf("\n%s:\n", examples.size() == 1 ? "example" : "examples");
  for (const auto& e : examples) std::printf("  %s\n", e.c_str());
  return std::nullopt;
}

void require(const cxxopts::ParseResult& r, const std::string& key, const char* argv0, const std::string& label) {
  if (!r.count(key)) throw Error(str("missing ", label.empty() ? "--" + key : label, " (see ", argv0, " --help)"));
}

std::string command_line(const std::string& verb, int argc, char** argv) {
  std::string line = "kplab " + verb;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    line += " " + (a.find_first_of(" '\"$\\") == std::string::npos ? a : "'" + a + "'");
  }
  return line;
}

std::string unquoted_command_line(const std::string& verb, int argc, char** argv) {
  std::string line = "kplab " + verb;
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  return line;
}

}  // namespace kplab::cli
