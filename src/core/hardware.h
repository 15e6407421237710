// What a measurement ran on, recorded beside every latency and training
// time: CPU model, thread count, device.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kplab {

// The CPU's model name from /proc/cpuinfo ("unknown CPU" when unreadable).
std::string cpu_name();

// {"cpu": ..., "cores": ..., "threads": ..., "device": ..., "cuda_devices": ...}
nlohmann::json hardware_json(const std::string& device, int threads);

}  // namespace kplab
