#include "report/json_fields.h"

#include <limits>

namespace kplab::report {

const nlohmann::json& field(const nlohmann::json& j, const std::string& key) {
  static const nlohmann::json null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

double number_or_nan(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::numeric_limits<double>::quiet_NaN();
  return j[key].get<double>();
}

}  // namespace kplab::report
