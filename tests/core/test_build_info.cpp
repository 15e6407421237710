// How kplab was built (src/core/hardware.h, `kplab --version`): the LibTorch
// of the venv's torch wheel, and, wherever the CUDA toolkit is installed, the
// CUDA configuration with the NCCL backend compiled in, so that CI compiles
// and links the GPU path on every run even though it has no GPU.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "core/hardware.h"
#include "support/cli_run.h"

namespace kplab {
namespace {

TEST(BuildInfo, ReportsTheLinkedLibTorch) {
  const auto b = build_json();
  EXPECT_EQ(b["libtorch"].get<std::string>(), TORCH_VERSION);
  EXPECT_EQ(b["libtorch"].get<std::string>().rfind("2.", 0), 0u) << "expected the torch wheel's LibTorch 2.x";
  EXPECT_EQ(hardware_json("cpu", 1)["build"], b);
}

TEST(BuildInfo, CudaConfigurationWhereverTheToolkitIs) {
  if (!std::filesystem::exists("/usr/local/cuda/bin/nvcc")) GTEST_SKIP() << "no CUDA toolkit: a CPU-only build is fine";
  const auto b = build_json();
  EXPECT_TRUE(b["cuda_build"].get<bool>()) << b.dump();
  EXPECT_TRUE(b["nccl"].get<bool>()) << b.dump();
}

TEST(BuildInfo, VersionFlagSaysItInOneLine) {
  test::TempDir dir;
  const auto r = test::run_kplab(dir, "--version");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::lines(r.out).size(), 1u) << r.out;
  EXPECT_TRUE(test::has(r.out, std::string("LibTorch ") + TORCH_VERSION)) << r.out;
  // Version, the commit it was built from (a 12-digit hash, "+modified" for local changes) and the CUDA devices seen.
  const std::string commit = build_json()["commit"].get<std::string>();
  EXPECT_TRUE(test::has(r.out, "kplab " + build_json()["version"].get<std::string>() + " (commit " + commit + ")")) << r.out;
  EXPECT_TRUE(commit == "unknown" || (commit.size() >= 12 && commit.substr(0, 12).find_first_not_of("0123456789abcdef") ==
                                                                  std::string::npos))
      << commit;
  EXPECT_TRUE(test::has(r.out, "CUDA device")) << r.out;
}

// Tensors on the GPU, the path CI only compiles (filtered in by *_CUDA on the GPU machine).
TEST(BuildInfo, ForwardOnTheGpuMatchesTheCpu_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  torch::manual_seed(0);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 8, 3).padding(1));
  const torch::Tensor x = torch::rand({2, 3, 16, 16});
  const torch::Tensor cpu = conv->forward(x);
  conv->to(torch::kCUDA);
  const torch::Tensor gpu = conv->forward(x.to(torch::kCUDA)).cpu();
  EXPECT_LE((cpu - gpu).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace kplab
