// Errors that reach the user. Every message names the file, the field, what
// was expected and what was found, so one line is enough to fix the input.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace kplab {

// A failure caused by input (a file, an option, a config value). The command
// line prints what() as its one error line and exits non-zero.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "FILE: FIELD: expected EXPECTED, found FOUND" — the canonical bad-input line.
Error input_error(const std::string& file, const std::string& field,
                  const std::string& expected, const std::string& found);

// A library's message that spans lines (cv::Exception::what(), the ONNX
// checker's "==> Context: ..."), as one line: a command prints one.
std::string one_line(std::string text);

namespace detail {
inline void append(std::ostringstream&) {}
template <typename T, typename... Rest>
void append(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << first;
  append(os, rest...);
}
}  // namespace detail

// Concatenates its arguments with operator<< into one string.
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  detail::append(os, args...);
  return os.str();
}

}  // namespace kplab

// Throws kplab::Error with the streamed message when `cond` is false. Unlike
// assert() it stays in release builds: use it for everything that reads data.
#define KP_CHECK(cond, ...)                          \
  do {                                               \
    if (!(cond)) throw ::kplab::Error(::kplab::str(__VA_ARGS__)); \
  } while (0)
