// Small string helpers every part uses: lists joined for messages, and a
// comma-separated option split into its fields.
#pragma once

#include <string>
#include <vector>

namespace kplab {

// `parts` joined with `sep` between them ("a, b, c" with ", ").
std::string join(const std::vector<std::string>& parts, const std::string& sep);

// "a,b,,c" -> {"a", "b", "", "c"}: every field kept, empty ones too, so a
// stray comma fails where the fields are checked instead of vanishing.
std::vector<std::string> split_commas(const std::string& s);

}  // namespace kplab
