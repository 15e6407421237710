#include "core/error.h"

namespace kplab {

Error input_error(const std::string& file, const std::string& field,
                  const std::string& expected, const std::string& found) {
  return Error(str(file, ": ", field, ": expected ", expected, ", found ", found));
}

}  // namespace kplab
