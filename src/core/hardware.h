// What a measurement ran on, recorded beside every latency and training
// time: CPU model, thread count, device.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kplab {

// The CPU's model name from /proc/cpuinfo ("unknown CPU" when unreadable).
std::string cpu_name();

// How this kplab was built: {"libtorch": "2.11.0", "cuda_build": true when
// LibTorch is a CUDA build, "nccl": true when the NCCL backend of
// multi-process training is compiled in}.
nlohmann::json build_json();

// {"cpu": ..., "cores": ..., "threads": ..., "device": ..., "cuda_devices": ..., "build": build_json()}
nlohmann::json hardware_json(const std::string& device, int threads);

}  // namespace kplab
