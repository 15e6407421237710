// A seeded sample of a cache split's images, exactly as a model sees them:
// what int8 quantisation calibrates on (kplab export --tflite --quantize int8).
#pragma once

#include <torch/torch.h>

#include <memory>

#include "data/cache.h"

namespace kplab {

// Up to `count` people of cache split `split` (0 train, 1 val, 2 test), in a
// seeded random order: N x 3 x S x S float32 in [0, 1], RGB, on the CPU.
// Throws kplab::Error when the split is empty.
torch::Tensor sample_images(std::shared_ptr<const CacheData> cache, int split, int64_t count, uint64_t seed = 0);

}  // namespace kplab
