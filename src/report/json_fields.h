// Reading evaluate()'s JSON (eval.json, results.json rows) where any key may
// be missing or null: the reports show "n/a" for those, never fail.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace kplab::report {

// j[key], or null when j is no object or has no such key (const operator[]
// must not see a missing key).
const nlohmann::json& field(const nlohmann::json& j, const std::string& key);

// j[key] as a number, NaN when absent, null or not a number.
double number_or_nan(const nlohmann::json& j, const std::string& key);

}  // namespace kplab::report
