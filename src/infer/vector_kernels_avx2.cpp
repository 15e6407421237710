#include <stdexcept>

#include "infer/vector_kernels_isa.h"

#if defined(__AVX2__) && defined(__FMA__)
#include "infer/vector_kernels_impl.h"
#endif

namespace kplab::nhwc::avx2 {

#if defined(__AVX2__) && defined(__FMA__)

bool available() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

void depthwise_rows(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                    const float* zeros) {
  if (!depthwise_dispatch<v8, v8>(d, in, out, row_begin, row_end, zeros))
    throw std::logic_error("depthwise_rows: kernel or stride not covered (depthwise_covered says which are)");
}

void add_relu(const float* a, const float* b, float* out, int64_t begin, int64_t end) {
  add_relu_vec<v8>(a, b, out, begin, end);
}

#else  // built without these instructions: callers keep their fallbacks

bool available() { return false; }
void depthwise_rows(const Depthwise&, const float*, float*, int64_t, int64_t, const float*) {
  throw std::logic_error("depthwise_rows: this build has no avx2 kernels");
}
void add_relu(const float*, const float*, float*, int64_t, int64_t) {
  throw std::logic_error("add_relu: this build has no avx2 kernels");
}

#endif

}  // namespace kplab::nhwc::avx2
