#include "infer/depthwise_conv.h"

#include <algorithm>
#include <stdexcept>

#include "infer/vector_kernels_isa.h"

namespace kplab::nhwc {

bool depthwise_covered(const Depthwise& d) {
  return (d.k == 3 || d.k == 5) && (d.stride == 1 || d.stride == 2) && d.in.c % 8 == 0 &&
         best_vector_isa() != VectorIsa::none;
}

void depthwise_rows(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                    VectorIsa isa) {
  // The zeros the kernels read above and below the image, one set per thread
  // (kept here, in code built for the baseline: see vector_kernels_impl.h).
  thread_local std::vector<float> zeros;
  if (zeros.size() < static_cast<size_t>(d.in.w * d.in.c)) zeros.assign(d.in.w * d.in.c, 0.f);
  switch (isa) {
    case VectorIsa::avx512: return avx512::depthwise_rows(d, in, out, row_begin, row_end, zeros.data());
    case VectorIsa::avx2: return avx2::depthwise_rows(d, in, out, row_begin, row_end, zeros.data());
    case VectorIsa::none: break;
  }
  throw std::logic_error("depthwise_rows: no vector kernels on this CPU (depthwise_covered says so)");
}

void depthwise_reference(const Depthwise& d, const float* in, float* out) {
  const int64_t C = d.in.c, H = d.in.h, W = d.in.w;
  for (int64_t n = 0; n < d.in.n; ++n)
    for (int64_t y = 0; y < d.out_h; ++y)
      for (int64_t x = 0; x < d.out_w; ++x) {
        float* o = out + ((n * d.out_h + y) * d.out_w + x) * C;
        for (int64_t c = 0; c < C; ++c) {
          float acc = d.bias[c];
          for (int64_t ky = 0; ky < d.k; ++ky)
            for (int64_t kx = 0; kx < d.k; ++kx) {
              const int64_t iy = y * d.stride - d.top + ky, ix = x * d.stride - d.left + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                acc += d.weights[(ky * d.k + kx) * C + c] * in[((n * H + iy) * W + ix) * C + c];
            }
          o[c] = std::min(std::max(acc, d.lo), d.hi);
        }
      }
}

}  // namespace kplab::nhwc
