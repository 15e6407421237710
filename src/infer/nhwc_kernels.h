// The few small operators of kplab's exported graphs that XNNPACK's operator
// API (as the torch wheel exports it) lacks, written for the layouts the
// XNNPACK runner keeps: 4-D activations NHWC, everything else row-major in
// ONNX's order. Plain loops, a few sharing their rows among the runner's
// threads (the *_rows / *_planes forms): each runs a few times per forward,
// next to ~150 convolutions.
#pragma once

#include <cstdint>
#include <vector>

namespace kplab::nhwc {

// One 4-D shape as ONNX states it: N x C x H x W.
struct Shape4 {
  int64_t n, c, h, w;
  int64_t numel() const { return n * c * h * w; }
};

void from_nchw(const float* in, const Shape4& s, float* out);  // NCHW -> NHWC
// The same for rows [row_begin, row_end) of the N * H (a share of the work).
void from_nchw_rows(const float* in, const Shape4& s, float* out, int64_t row_begin, int64_t row_end);
void to_nchw(const float* in, const Shape4& s, float* out);    // NHWC -> NCHW
// The same for output planes [plane_begin, plane_end) of the N * C.
void to_nchw_planes(const float* in, const Shape4& s, float* out, int64_t plane_begin, int64_t plane_end);

// Zero padding of H and W (top, left, bottom, right).
void pad(const float* in, const Shape4& s, int64_t top, int64_t left, int64_t bottom, int64_t right, float* out);

// ONNX Resize, mode "linear", coordinate_transformation_mode "half_pixel"
// (PyTorch's bilinear with align_corners=False): `in` is s, `out` oh x ow;
// output rows [row_begin, row_end) of the N * oh (a share of the work).
void resize_bilinear(const float* in, const Shape4& s, int64_t oh, int64_t ow, float* out, int64_t row_begin,
                     int64_t row_end);

// ONNX Resize, mode "nearest" (half-pixel centres, round_prefer_floor) by
// whole factors (oh a multiple of s.h, ow of s.w): each value repeated.
void resize_nearest(const float* in, const Shape4& s, int64_t oh, int64_t ow, float* out, int64_t row_begin,
                    int64_t row_end);

// max(a + b, 0) over values [begin, end): a residual Add and its ReLU in one pass.
void add_relu(const float* a, const float* b, float* out, int64_t begin, int64_t end);

// GlobalAveragePool / GlobalMaxPool: N x 1 x 1 x C out.
void global_average(const float* in, const Shape4& s, float* out);
void global_max(const float* in, const Shape4& s, float* out);

// ReduceMax over the channels (keepdims): N x H x W x 1 out.
void channel_max(const float* in, const Shape4& s, float* out);

// Concat along the channels of NHWC inputs with the same N, H, W.
void concat_channels(const std::vector<const float*>& ins, const std::vector<int64_t>& channels, const Shape4& out_shape,
                     float* out);

// DepthToSpace, mode DCR, block b: s (C = b*b*C') -> N x C' x H*b x W*b.
void depth_to_space(const float* in, const Shape4& s, int64_t b, float* out);

// Row-major (ONNX order) helpers for the attention of the ViT blocks.
// Transpose: out[i_perm[0], ...] = in[i_0, ...] as ONNX Transpose with `perm`.
void transpose(const float* in, const std::vector<int64_t>& shape, const std::vector<int64_t>& perm, float* out);
// Batched matrix product: `batch` products of (m x k) by (k x n), row-major.
void matmul(const float* a, const float* b, int64_t batch, int64_t m, int64_t k, int64_t n, float* out);
// erf() of each of `count` values.
void erf(const float* in, int64_t count, float* out);

// The two halves of a softmax around a vectorised exp: each row minus its
// maximum, then each row divided by its sum; rows [row_begin, row_end).
void subtract_row_max(const float* in, int64_t cols, float* out, int64_t row_begin, int64_t row_end);
void normalise_rows(float* values, int64_t cols, int64_t row_begin, int64_t row_end);

// Softmax over the last axis of `rows` rows of `cols` values, all in one
// (exp included); rows [row_begin, row_end) (a share of the work).
void softmax_rows(const float* in, int64_t rows, int64_t cols, float* out, int64_t row_begin, int64_t row_end);

}  // namespace kplab::nhwc
