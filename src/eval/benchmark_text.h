// benchmark_model's JSON (eval/benchmark.h) as the table `kplab bench`
// prints: one header line (model, source, size, hardware), then one row per
// runtime and batch.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kplab {

// `bench` needs "source" besides what benchmark_model writes.
std::string benchmark_text(const nlohmann::json& bench);

}  // namespace kplab
