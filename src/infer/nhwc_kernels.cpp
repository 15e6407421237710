#include "infer/nhwc_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "infer/vector_isa.h"
#include "infer/vector_kernels_isa.h"

namespace kplab::nhwc {

void from_nchw(const float* in, const Shape4& s, float* out) { from_nchw_rows(in, s, out, 0, s.n * s.h); }

void from_nchw_rows(const float* in, const Shape4& s, float* out, int64_t row_begin, int64_t row_end) {
  const int64_t hw = s.h * s.w;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / s.h, y = row % s.h;
    float* dst = out + (n * hw + y * s.w) * s.c;
    for (int64_t c = 0; c < s.c; ++c) {
      const float* src = in + (n * s.c + c) * hw + y * s.w;
      for (int64_t x = 0; x < s.w; ++x) dst[x * s.c + c] = src[x];
    }
  }
}

void to_nchw(const float* in, const Shape4& s, float* out) {
  // One output plane at a time: written in order, read with a stride of C
  // (writing all C planes at once strides by H*W, which for 64 x 64 maps
  // lands every write in the same cache set).
  to_nchw_planes(in, s, out, 0, s.n * s.c);
}

void to_nchw_planes(const float* in, const Shape4& s, float* out, int64_t plane_begin, int64_t plane_end) {
  const int64_t hw = s.h * s.w;
  for (int64_t plane = plane_begin; plane < plane_end; ++plane) {
    const int64_t n = plane / s.c, c = plane % s.c;
    const float* src = in + n * hw * s.c + c;
    float* dst = out + plane * hw;
    for (int64_t p = 0; p < hw; ++p) dst[p] = src[p * s.c];
  }
}

void pad(const float* in, const Shape4& s, int64_t top, int64_t left, int64_t bottom, int64_t right, float* out) {
  const int64_t oh = s.h + top + bottom, ow = s.w + left + right;
  std::fill(out, out + s.n * oh * ow * s.c, 0.f);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t y = 0; y < s.h; ++y)
      std::memcpy(out + ((n * oh + y + top) * ow + left) * s.c, in + (n * s.h + y) * s.w * s.c,
                  sizeof(float) * s.w * s.c);
}

namespace {

// Source index pair and weight of output coordinate d (half-pixel centres,
// clamped at the border as PyTorch and ONNX Runtime do).
struct Tap {
  int64_t i0, i1;
  float t;
};

std::vector<Tap> taps(int64_t in, int64_t out) {
  std::vector<Tap> v(out);
  const double scale = static_cast<double>(in) / out;
  for (int64_t d = 0; d < out; ++d) {
    const double x = std::max(0.0, (d + 0.5) * scale - 0.5);
    const int64_t i0 = std::min(static_cast<int64_t>(x), in - 1);
    v[d] = {i0, std::min(i0 + 1, in - 1), static_cast<float>(x - i0)};
  }
  return v;
}

}  // namespace

void resize_bilinear(const float* in, const Shape4& s, int64_t oh, int64_t ow, float* out, int64_t row_begin,
                     int64_t row_end) {
  const std::vector<Tap> ty = taps(s.h, oh), tx = taps(s.w, ow);
  const int64_t c = s.c;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / oh, y = row % oh;
    const float* img = in + n * s.h * s.w * c;
    {
      const float* r0 = img + ty[y].i0 * s.w * c;
      const float* r1 = img + ty[y].i1 * s.w * c;
      const float wy = ty[y].t;
      float* o = out + ((n * oh + y) * ow) * c;
      for (int64_t x = 0; x < ow; ++x, o += c) {
        const float* a = r0 + tx[x].i0 * c;
        const float* b = r0 + tx[x].i1 * c;
        const float* d = r1 + tx[x].i0 * c;
        const float* e = r1 + tx[x].i1 * c;
        const float wx = tx[x].t;
        for (int64_t k = 0; k < c; ++k) {
          const float top = a[k] + (b[k] - a[k]) * wx;
          const float bottom = d[k] + (e[k] - d[k]) * wx;
          o[k] = top + (bottom - top) * wy;
        }
      }
    }
  }
}

void resize_nearest(const float* in, const Shape4& s, int64_t oh, int64_t ow, float* out, int64_t row_begin,
                    int64_t row_end) {
  const int64_t fy = oh / s.h, fx = ow / s.w, c = s.c;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / oh, y = row % oh;
    const float* src = in + ((n * s.h + y / fy) * s.w) * c;
    float* o = out + ((n * oh + y) * ow) * c;
    for (int64_t x = 0; x < ow; ++x) std::memcpy(o + x * c, src + (x / fx) * c, sizeof(float) * c);
  }
}

void add_relu(const float* a, const float* b, float* out, int64_t begin, int64_t end) {
  switch (best_vector_isa()) {  // runs a few dozen times a forward: the widest vectors there are
    case VectorIsa::avx512: return avx512::add_relu(a, b, out, begin, end);
    case VectorIsa::avx2: return avx2::add_relu(a, b, out, begin, end);
    case VectorIsa::none: break;
  }
  for (int64_t i = begin; i < end; ++i) out[i] = std::max(a[i] + b[i], 0.f);
}

void global_average(const float* in, const Shape4& s, float* out) {
  const int64_t hw = s.h * s.w;
  for (int64_t n = 0; n < s.n; ++n) {
    float* o = out + n * s.c;
    std::fill(o, o + s.c, 0.f);
    for (int64_t p = 0; p < hw; ++p) {
      const float* src = in + (n * hw + p) * s.c;
      for (int64_t c = 0; c < s.c; ++c) o[c] += src[c];
    }
    for (int64_t c = 0; c < s.c; ++c) o[c] /= static_cast<float>(hw);
  }
}

void global_max(const float* in, const Shape4& s, float* out) {
  const int64_t hw = s.h * s.w;
  for (int64_t n = 0; n < s.n; ++n) {
    float* o = out + n * s.c;
    std::fill(o, o + s.c, -std::numeric_limits<float>::infinity());
    for (int64_t p = 0; p < hw; ++p) {
      const float* src = in + (n * hw + p) * s.c;
      for (int64_t c = 0; c < s.c; ++c) o[c] = std::max(o[c], src[c]);
    }
  }
}

void channel_max(const float* in, const Shape4& s, float* out) {
  const int64_t pixels = s.n * s.h * s.w;
  for (int64_t p = 0; p < pixels; ++p) out[p] = *std::max_element(in + p * s.c, in + (p + 1) * s.c);
}

void concat_channels(const std::vector<const float*>& ins, const std::vector<int64_t>& channels, const Shape4& out_shape,
                     float* out) {
  const int64_t pixels = out_shape.n * out_shape.h * out_shape.w;
  for (int64_t p = 0; p < pixels; ++p) {
    float* o = out + p * out_shape.c;
    for (size_t i = 0; i < ins.size(); ++i) {
      std::memcpy(o, ins[i] + p * channels[i], sizeof(float) * channels[i]);
      o += channels[i];
    }
  }
}

void depth_to_space(const float* in, const Shape4& s, int64_t b, float* out) {
  // DCR: input channel (by * b + bx) * C' + c goes to output pixel (y*b + by, x*b + bx), channel c.
  const int64_t oc = s.c / (b * b), oh = s.h * b, ow = s.w * b;
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t y = 0; y < s.h; ++y)
      for (int64_t x = 0; x < s.w; ++x) {
        const float* src = in + ((n * s.h + y) * s.w + x) * s.c;
        for (int64_t by = 0; by < b; ++by)
          for (int64_t bx = 0; bx < b; ++bx)
            std::memcpy(out + ((n * oh + y * b + by) * ow + x * b + bx) * oc, src + (by * b + bx) * oc,
                        sizeof(float) * oc);
      }
}

void transpose(const float* in, const std::vector<int64_t>& shape, const std::vector<int64_t>& perm, float* out) {
  const size_t rank = shape.size();
  std::vector<int64_t> in_strides(rank, 1), out_shape(rank), index(rank, 0);
  for (size_t i = rank - 1; i > 0; --i) in_strides[i - 1] = in_strides[i] * shape[i];
  for (size_t i = 0; i < rank; ++i) out_shape[i] = shape[perm[i]];
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  // Walk the output in order; `index` is the output's multi-index.
  for (int64_t o = 0; o < total; ++o) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += index[i] * in_strides[perm[i]];
    out[o] = in[src];
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < out_shape[i]) break;
      index[i] = 0;
    }
  }
}

void matmul(const float* a, const float* b, int64_t batch, int64_t m, int64_t k, int64_t n, float* out) {
  for (int64_t p = 0; p < batch; ++p) {
    const float* A = a + p * m * k;
    const float* B = b + p * k * n;
    float* C = out + p * m * n;
    std::fill(C, C + m * n, 0.f);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < k; ++j) {
        const float v = A[i * k + j];
        const float* row = B + j * n;
        float* c = C + i * n;
        for (int64_t q = 0; q < n; ++q) c[q] += v * row[q];
      }
  }
}

void erf(const float* in, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = std::erf(in[i]);
}

void subtract_row_max(const float* in, int64_t cols, float* out, int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    const float m = *std::max_element(x, x + cols);
    for (int64_t i = 0; i < cols; ++i) y[i] = x[i] - m;
  }
}

void normalise_rows(float* values, int64_t cols, int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    float* y = values + r * cols;
    float sum = 0;
    for (int64_t i = 0; i < cols; ++i) sum += y[i];
    const float inv = 1.f / sum;
    for (int64_t i = 0; i < cols; ++i) y[i] *= inv;
  }
}

void softmax_rows(const float* in, int64_t rows, int64_t cols, float* out, int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    const float m = *std::max_element(x, x + cols);
    float sum = 0;
    for (int64_t i = 0; i < cols; ++i) sum += (y[i] = std::exp(x[i] - m));  // float exp
    const float inv = 1.f / sum;
    for (int64_t i = 0; i < cols; ++i) y[i] *= inv;
  }
}

}  // namespace kplab::nhwc
