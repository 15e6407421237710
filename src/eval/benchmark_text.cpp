#include "eval/benchmark_text.h"

#include "core/printf_string.h"

namespace kplab {

std::string benchmark_text(const nlohmann::json& j) {
  std::string text = printf_string(
      "%s (%s): %lld parameters, %.3f GMACs at %lld px, %s, %d threads\n", j["model"].get<std::string>().c_str(),
      j["source"].get<std::string>().c_str(), static_cast<long long>(j["parameters"].get<int64_t>()),
      j["macs"].get<int64_t>() / 1e9, static_cast<long long>(j["input_size"].get<int64_t>()),
      j["hardware"]["cpu"].get<std::string>().c_str(), j["hardware"]["threads"].get<int>());
  text += printf_string("  %-22s %-7s %5s %10s %10s %10s %11s\n", "runtime", "device", "batch", "median ms", "p90 ms",
                        "p99 ms", "images/s");
  for (const auto& r : j["results"])
    text += printf_string("  %-22s %-7s %5lld %10.2f %10.2f %10.2f %11.1f\n", r["runtime"].get<std::string>().c_str(),
                          r["device"].get<std::string>().c_str(), static_cast<long long>(r["batch"].get<int64_t>()),
                          r["median_ms"].get<double>(), r["p90_ms"].get<double>(), r["p99_ms"].get<double>(),
                          r["images_per_s"].get<double>());
  return text;
}

}  // namespace kplab
