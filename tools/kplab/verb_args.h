// What every verb does with its arguments before its own work: parse them,
// answer --help (the options, then examples to copy), name a missing
// required argument in the same words for every verb, and record the
// command as given.
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kplab::cli {

// Parses a verb's arguments. With --help, prints the options and then
// `examples` (one command each, under "example:" or "examples:") and returns
// nothing: the verb then exits 0. cxxopts' own errors propagate to main,
// which prints them with a pointer to --help (exit 2).
std::optional<cxxopts::ParseResult> parse_args(cxxopts::Options& opts, int argc, char** argv,
                                               const std::vector<std::string>& examples = {});

// Throws "missing LABEL (see kplab VERB --help)" when `key` was not given
// (LABEL: --key unless named, e.g. RUN for a positional argument).
void require(const cxxopts::ParseResult& r, const std::string& key, const char* argv0, const std::string& label = "");

// "kplab VERB ARG ..." from a verb's (argc, argv), argv[0] being "kplab VERB",
// as one line a shell can run again (written into run folders' command.txt
// and model cards): arguments with spaces or shell characters are single-quoted.
std::string command_line(const std::string& verb, int argc, char** argv);
// The same joined with spaces and nothing quoted, as prepare (into the cache)
// and to-yolo (into data.yaml) have always recorded it.
std::string unquoted_command_line(const std::string& verb, int argc, char** argv);

}  // namespace kplab::cli
