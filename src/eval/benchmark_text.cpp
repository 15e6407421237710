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
  if (j.contains("kplab_xnnpack") && j["kplab_xnnpack"] != "covered")
    text += "  kplab_xnnpack: not run: " + j["kplab_xnnpack"].get<std::string>() + "\n";
  if (j.contains("kplab_xnnpack_profile") && j["kplab_xnnpack_profile"].is_object()) {
    const auto& p = j["kplab_xnnpack_profile"];
    text += "  kplab_xnnpack batch 1, median ms per operation kind (" + p["operations"].get<std::string>() + "):\n";
    double total = 0;
    for (const auto& [kind, ms] : p["median_ms"].items()) {
      text += printf_string("    %-28s %7.3f\n", kind.c_str(), ms.get<double>());
      total += ms.get<double>();
    }
    text += printf_string("    %-28s %7.3f\n", "(sum)", total);
  }
  return text;
}

}  // namespace kplab
