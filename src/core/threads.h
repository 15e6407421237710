// Threading defaults and a tiny parallel loop for I/O-bound work (image
// decode/encode) that must not depend on LibTorch's intra-op pool.
#pragma once

#include <cstdint>
#include <functional>

namespace kplab {

// Number of hardware threads (at least 1), or OMP_NUM_THREADS when set.
// LibTorch starts with one thread here, which makes a forward pass ~4x
// slower on 2 cores: callers set torch::set_num_threads(default_threads()).
int default_threads();

// Calls fn(i) for i in [0, n) on `threads` threads, each taking the next index
// as it frees up. The first exception thrown by any fn is rethrown after all
// threads stop; remaining work is abandoned.
void parallel_for(int64_t n, int threads, const std::function<void(int64_t)>& fn);

}  // namespace kplab
