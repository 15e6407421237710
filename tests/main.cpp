// Test entry point: all cores for LibTorch, and *_CUDA tests filtered out
// with a message when no GPU is present (PyTorch's C++ API convention).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>

#include "core/allocator.h"
#include "core/threads.h"

int main(int argc, char** argv) {
  kplab::tune_allocator();
  ::testing::InitGoogleTest(&argc, argv);
  torch::set_num_threads(kplab::default_threads());
  if (!torch::cuda::is_available()) {
    std::string filter = ::testing::GTEST_FLAG(filter);
    if (filter.find('-') == std::string::npos) filter += "-";
    else filter += ":";
    ::testing::GTEST_FLAG(filter) = filter + "*_CUDA";
    std::fprintf(stderr, "note: no CUDA device: *_CUDA tests skipped\n");
  }
  return RUN_ALL_TESTS();
}
