// Numbers as people read them in reports, release notes and the CLI's
// tables: one place, so "71.3%" or "3.41 M" reads the same everywhere.
// Every helper writes "n/a" for a value that is missing or not finite,
// rather than "nan" or "inf".
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace kplab {

// v with `decimals` decimals ("%.*f"), or "n/a" when not finite.
std::string fixed(double v, int decimals);

// A share of 1 as a percentage with one decimal: "71.3%"; "n/a" for
// null, missing (a default-constructed json) or NaN. Takes JSON because
// its values come from evaluations, where a metric may be null.
std::string percent(const nlohmann::json& value);

// "3.41 M", "756 K", "1.20 G": three significant figures (none after the
// point below 1000); "n/a" for NaN.
std::string si_text(double value);

// A duration in seconds, rounded: "42 s", "3 m 05 s", "2 h 07 m"; "n/a" for NaN.
std::string duration_text(double seconds);

}  // namespace kplab
