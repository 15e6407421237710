#include "core/error.h"

namespace kplab {

Error input_error(const std::string& file, const std::string& field,
                  const std::string& expected, const std::string& found) {
  return Error(str(file, ": ", field, ": expected ", expected, ", found ", found));
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace kplab
