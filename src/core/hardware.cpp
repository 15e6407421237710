#include "core/hardware.h"

#include "kplab_version.h"  // generated: KPLAB_VERSION, KPLAB_COMMIT

#include <torch/cuda.h>
#include <torch/version.h>

#include <fstream>
#include <thread>

namespace kplab {

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) break;
    std::string name = line.substr(colon + 1);
    name.erase(0, name.find_first_not_of(" \t"));
    return name;
  }
  return "unknown CPU";
}

nlohmann::json build_json() {
#ifdef KPLAB_TORCH_CUDA
  const bool cuda_build = true;
#else
  const bool cuda_build = false;
#endif
#ifdef KPLAB_WITH_NCCL
  const bool nccl = true;
#else
  const bool nccl = false;
#endif
  return {{"version", KPLAB_VERSION}, {"commit", KPLAB_COMMIT}, {"libtorch", TORCH_VERSION},
          {"cuda_build", cuda_build}, {"nccl", nccl}};
}

nlohmann::json hardware_json(const std::string& device, int threads) {
  return {{"cpu", cpu_name()},
          {"cores", std::thread::hardware_concurrency()},
          {"threads", threads},
          {"device", device},
          {"cuda_devices", torch::cuda::is_available() ? torch::cuda::device_count() : 0},
          {"build", build_json()}};
}

}  // namespace kplab
