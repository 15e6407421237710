// printf into a std::string: for the summaries the verbs print, which the
// library composes (so a test can read them) with the exact widths and
// precisions the command line has always shown.
#pragma once

#include <string>

namespace kplab {

std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace kplab
