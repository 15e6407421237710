// Arithmetic on the static shapes the graph builder tracks (internal to
// src/export): element counts, numpy broadcasting, and shapes in messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kplab::onnx_export {

// "[1, 3, 256, 256]", for error messages.
std::string shape_str(const std::vector<int64_t>& s);

// Number of elements (1 for rank 0).
int64_t numel(const std::vector<int64_t>& s);

// numpy broadcasting of two shapes; throws naming `what` on incompatible ones.
std::vector<int64_t> broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b, const std::string& what);

}  // namespace kplab::onnx_export
