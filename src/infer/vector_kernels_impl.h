// kplab's vector kernels, written once on GCC vector types and compiled by
// each instruction set's translation unit (vector_kernels_avx2.cpp,
// vector_kernels_avx512.cpp) for its own registers. Internal linkage, and
// no standard-library templates that could be emitted out of line: the
// linker keeps one copy of such an instantiation for the whole program, and
// an AVX-512 copy would then run on CPUs without it.
#pragma once

#include <cstdint>

#include "infer/depthwise_conv.h"

namespace kplab::nhwc {
namespace {

// Vectors of 8 and 16 floats; memory goes through load() and store(), at
// any address (a plain dereference would assume the vector's alignment).
typedef float v8 __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));

template <class V>
constexpr int lanes = sizeof(V) / sizeof(float);
template <class V>
inline V load(const float* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
inline void store(float* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}
inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
template <class V>
inline V clamp(V v, V lo, V hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

// Channels [c0, c0 + lanes) of one output row: the block's K*K weights stay
// in registers while the row is walked; `rows` are the K input rows (zeros
// where the window leaves the image), columns checked only near the edges.
template <class V, int K, int S>
void depthwise_block(const Depthwise& d, const float* const* rows, float* o, int64_t c0, int64_t x_lo, int64_t x_hi) {
  const int64_t C = d.in.c, W = d.in.w;
  const float* weights = &d.weights[0];  // (operator[] on a const vector: inlined, no call)
  const float* bias = &d.bias[0];
  const V lo = V{} + d.lo, hi = V{} + d.hi;
  V w[K * K];
  for (int i = 0; i < K * K; ++i) w[i] = load<V>(weights + i * C + c0);
  const V b = load<V>(bias + c0);
  auto checked = [&](int64_t x) {
    V acc = b;
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        const int64_t ix = x * S - d.left + kx;
        if (ix >= 0 && ix < W) acc += w[ky * K + kx] * load<V>(rows[ky] + ix * C + c0);
      }
    store(o + x * C + c0, clamp(acc, lo, hi));
  };
  for (int64_t x = 0; x < x_lo; ++x) checked(x);
  if (x_lo < x_hi) {
    // The window slides along the row in registers: each step loads only the
    // S new columns of each kernel row (9 loads per output became 3 at
    // k = 3, stride 1; the rows come from L2 on the large maps, so the loads
    // were what bounded the kernel).
    V win[K][K];
    const int64_t first = (x_lo * S - d.left) * C + c0;
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) win[ky][kx] = load<V>(rows[ky] + first + kx * C);
    for (int64_t x = x_lo;;) {
      V part[K];
      for (int ky = 0; ky < K; ++ky) {  // one sum per kernel row: K short chains, not one long one
        V s = w[ky * K] * win[ky][0];
        for (int kx = 1; kx < K; ++kx) s += w[ky * K + kx] * win[ky][kx];
        part[ky] = s;
      }
      V acc = b + part[0];
      for (int ky = 1; ky < K; ++ky) acc += part[ky];
      store(o + x * C + c0, clamp(acc, lo, hi));
      if (++x == x_hi) break;
      const int64_t at = (x * S - d.left) * C + c0;
      for (int ky = 0; ky < K; ++ky) {
        for (int kx = 0; kx + S < K; ++kx) win[ky][kx] = win[ky][kx + S];
        for (int kx = K - S < 0 ? 0 : K - S; kx < K; ++kx) win[ky][kx] = load<V>(rows[ky] + at + kx * C);
      }
    }
  }
  for (int64_t x = x_hi; x < d.out_w; ++x) checked(x);
}

// Output rows [row_begin, row_end) of the N * out_h: channel blocks of
// Wide's lanes, then of Narrow's (8) for what is left.
// `zeros`: at least W * C zeros, read for the rows above and below the image.
template <class Wide, class Narrow, int K, int S>
void depthwise_rows_k(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                      const float* zeros) {
  const int64_t H = d.in.h, W = d.in.w, C = d.in.c, OW = d.out_w;
  // Output columns whose whole window lies inside the row.
  const int64_t x_lo = min64((d.left + S - 1) / S, OW);
  const int64_t x_hi = max64(min64(W - K + d.left >= 0 ? (W - K + d.left) / S + 1 : 0, OW), x_lo);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / d.out_h, y = row % d.out_h;
    const float* rows[K];
    for (int ky = 0; ky < K; ++ky) {
      const int64_t iy = y * S - d.top + ky;
      rows[ky] = iy >= 0 && iy < H ? in + (n * H + iy) * W * C : zeros;
    }
    float* o = out + (row - row_begin) * OW * C;
    int64_t c0 = 0;
    for (; c0 + lanes<Wide> <= C; c0 += lanes<Wide>) depthwise_block<Wide, K, S>(d, rows, o, c0, x_lo, x_hi);
    for (; c0 < C; c0 += lanes<Narrow>) depthwise_block<Narrow, K, S>(d, rows, o, c0, x_lo, x_hi);
  }
}

template <class Wide, class Narrow>
bool depthwise_dispatch(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                        const float* zeros) {
  if (d.k == 3 && d.stride == 1) return depthwise_rows_k<Wide, Narrow, 3, 1>(d, in, out, row_begin, row_end, zeros), true;
  if (d.k == 3 && d.stride == 2) return depthwise_rows_k<Wide, Narrow, 3, 2>(d, in, out, row_begin, row_end, zeros), true;
  if (d.k == 5 && d.stride == 1) return depthwise_rows_k<Wide, Narrow, 5, 1>(d, in, out, row_begin, row_end, zeros), true;
  if (d.k == 5 && d.stride == 2) return depthwise_rows_k<Wide, Narrow, 5, 2>(d, in, out, row_begin, row_end, zeros), true;
  return false;
}

// max(a + b, 0) over [begin, end): a residual Add and its ReLU.
template <class V>
void add_relu_vec(const float* a, const float* b, float* out, int64_t begin, int64_t end) {
  const V zero{};
  int64_t i = begin;
  for (; i + lanes<V> <= end; i += lanes<V>) {
    const V s = load<V>(a + i) + load<V>(b + i);
    store(out + i, s < zero ? zero : s);
  }
  for (; i < end; ++i) out[i] = a[i] + b[i] > 0.f ? a[i] + b[i] : 0.f;
}

}  // namespace
}  // namespace kplab::nhwc
