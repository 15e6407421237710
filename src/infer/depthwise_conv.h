// Depthwise convolutions (one k x k filter per channel) on NHWC values, for
// the XNNPACK runner. XNNPACK's own depthwise kernels, as the torch wheel
// builds them, took 2-2.7x ONNX Runtime's time on blazepose's 128 x 128 and
// 64 x 64 maps (1 thread: 0.21 ms against 0.08 at 24 channels, 0.06 against
// 0.03 at 48), a fifth of the runner's forward. These keep a channel block
// of 16 (AVX-512) or 8 (AVX2) in registers with its k*k weights and slide
// the window along the row in registers, so each step loads only the new
// columns (the rows come from L2 on those maps; loads were the bound):
// 0.09 and 0.04 ms on the same layers. Padding rows read zeros. Where the
// CPU lacks AVX2 and FMA, or the shape is not covered (depthwise_covered),
// the runner keeps XNNPACK's.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "infer/nhwc_kernels.h"
#include "infer/vector_isa.h"

namespace kplab::nhwc {

struct Depthwise {
  Shape4 in;                  // N x C x H x W as ONNX states it (values NHWC)
  int64_t k = 3;              // square kernel
  int64_t stride = 1;         // the same in H and W
  int64_t top = 0, left = 0;  // zero padding before the first row / column
  int64_t out_h = 0, out_w = 0;
  std::vector<float> weights;  // k * k * C: [ky][kx][c]
  std::vector<float> bias;     // C
  float lo = -std::numeric_limits<float>::infinity();  // output clamp (a fused ReLU: 0, inf)
  float hi = std::numeric_limits<float>::infinity();
};

// Whether depthwise_rows covers `d` on this CPU: k 3 or 5, stride 1 or 2,
// C a multiple of 8, and a CPU with AVX2 and FMA at least (AVX-512: channel
// blocks of 16; AVX2: of 8).
bool depthwise_covered(const Depthwise& d);

// Output rows [row_begin, row_end) of the N * out_h (a share of the work),
// written from `out` on (out holds row_begin's first value). Only for a `d`
// that depthwise_covered accepts, and an `isa` the CPU runs (tests name each
// in turn; the runner takes the default).
void depthwise_rows(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                    VectorIsa isa = best_vector_isa());

// The same by plain loops, any k, stride and C: what tests compare against.
void depthwise_reference(const Depthwise& d, const float* in, float* out);

}  // namespace kplab::nhwc
