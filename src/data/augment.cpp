#include "data/augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/threads.h"

namespace kplab {

namespace F = torch::nn::functional;

namespace {

// uint8 B x S x S x 3 -> float B x 3 x S x S, still 0..255, written once into
// a fresh contiguous tensor (a .to() of the permuted view would keep its strides).
torch::Tensor to_float_nchw(const torch::Tensor& images) {
  torch::Tensor out = torch::empty({images.size(0), 3, images.size(1), images.size(2)},
                                   images.options().dtype(torch::kFloat32));
  return out.copy_(images.permute({0, 3, 1, 2}));
}

// Splits B x 2 x 3 affines into A (B x 2 x 2) and t (B x 2).
std::pair<torch::Tensor, torch::Tensor> split_affine(const torch::Tensor& forward) {
  return {forward.narrow(2, 0, 2), forward.select(2, 2)};
}

}  // namespace

AugmentedBatch to_model_input(const Batch& batch) {
  AugmentedBatch out;
  out.images = to_float_nchw(batch.images).mul_(1.0f / 255.0f);
  out.keypoints = batch.keypoints.to(torch::kFloat32);
  out.visible = batch.visible.to(torch::kFloat32);
  out.occluded = batch.occluded.to(torch::kFloat32);
  return out;
}

Augmenter::Augmenter(AugmentOptions options, std::vector<int64_t> flip_permutation, uint64_t seed)
    : options_(options),
      flip_perm_(torch::tensor(flip_permutation, torch::kInt64)),
      gen_(at::detail::createCPUGenerator(seed)) {
  KP_CHECK(options_.scale_min > 0 && options_.scale_max >= options_.scale_min,
           "augmentation: scale range: expected 0 < min <= max, found [", options_.scale_min, ", ",
           options_.scale_max, "]");
  KP_CHECK(options_.occlusion_min >= 0 && options_.occlusion_max >= options_.occlusion_min,
           "augmentation: occlusion size range: expected 0 <= min <= max, found [", options_.occlusion_min, ", ",
           options_.occlusion_max, "]");
}

Augmenter::Params Augmenter::sample_affine(int64_t b) {
  torch::Tensor u = torch::rand({b, 5}, gen_, torch::kFloat32);
  const float pi = 3.14159265358979f;
  torch::Tensor angle = (u.select(1, 0) * 2 - 1) * (options_.rotate_deg * pi / 180.0f);
  torch::Tensor scale = options_.scale_min + u.select(1, 1) * (options_.scale_max - options_.scale_min);
  // The crop spans 2 units in normalised coordinates: a shift of t x size is 2t.
  torch::Tensor tx = (u.select(1, 2) * 2 - 1) * (2 * options_.translate);
  torch::Tensor ty = (u.select(1, 3) * 2 - 1) * (2 * options_.translate);
  torch::Tensor flipped = u.select(1, 4) < options_.flip_prob;
  torch::Tensor f = 1.0f - 2.0f * flipped.to(torch::kFloat32);  // -1 mirrors x
  torch::Tensor c = torch::cos(angle) * scale, s = torch::sin(angle) * scale;
  // A = scale * R(angle) * diag(f, 1)
  torch::Tensor forward = torch::stack({torch::stack({c * f, -s, tx}, 1), torch::stack({s * f, c, ty}, 1)}, 1);
  return {forward, flipped};
}

torch::Tensor warp_images_torch(const torch::Tensor& images, const torch::Tensor& forward) {
  const int64_t b = images.size(0), s = images.size(2);
  auto [a, t] = split_affine(forward.to(images.device()));
  // grid_sample maps output -> input: the inverse affine, in closed form.
  torch::Tensor a00 = a.select(1, 0).select(1, 0), a01 = a.select(1, 0).select(1, 1);
  torch::Tensor a10 = a.select(1, 1).select(1, 0), a11 = a.select(1, 1).select(1, 1);
  torch::Tensor det = a00 * a11 - a01 * a10;
  torch::Tensor inv = torch::stack({torch::stack({a11, -a01}, 1), torch::stack({-a10, a00}, 1)}, 1) / det.view({b, 1, 1});
  torch::Tensor theta = torch::cat({inv, -torch::matmul(inv, t.unsqueeze(2))}, 2);  // B x 2 x 3
  // The sampling grid, built separably (affine_grid's batched matmul measured
  // 0.1-0.5 s for 64 x 256^2 here): g = theta[:, :, 0] x + theta[:, :, 1] y + theta[:, :, 2].
  torch::Tensor coord = (2 * torch::arange(s, images.options()) + 1) / s - 1;
  torch::Tensor grid = torch::empty({b, s, s, 2}, images.options());
  for (int i = 0; i < 2; ++i) {
    torch::Tensor row = theta.select(1, i);  // B x 3
    torch::Tensor along_x = row.select(1, 0).view({b, 1, 1, 1}) * coord.view({1, 1, s, 1}) + row.select(1, 2).view({b, 1, 1, 1});
    torch::Tensor along_y = row.select(1, 1).view({b, 1, 1, 1}) * coord.view({1, s, 1, 1});
    torch::Tensor dst = grid.narrow(3, i, 1);
    torch::add_out(dst, along_x, along_y);
  }
  return F::grid_sample(images, grid,
                        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
}

torch::Tensor warp_images_opencv(const torch::Tensor& images, const torch::Tensor& forward) {
  KP_CHECK(images.device().is_cpu() && images.scalar_type() == torch::kUInt8 && images.dim() == 4 &&
               images.size(3) == 3 && images.is_contiguous(),
           "internal: OpenCV warp expects contiguous CPU uint8 B x S x S x 3, found ", images.sizes());
  const int64_t b = images.size(0);
  const int s = static_cast<int>(images.size(1));
  torch::Tensor fwd = forward.to(torch::kCPU, torch::kFloat32).contiguous();
  torch::Tensor out = torch::empty_like(images);
  // Normalised x_n = alpha x + beta with alpha = 2/S, beta = 1/S - 1, so in
  // pixels p_out = A p_in + (A (beta, beta) + t - (beta, beta)) / alpha.
  const float alpha = 2.0f / s, beta = 1.0f / s - 1.0f;
  // Samples spread over our own threads: OpenCV runs a 256 px warp on one
  // thread, and inside LibTorch's OpenMP pool its calls did not overlap.
  parallel_for(b, default_threads(), [&](int64_t i) {
    const float* m = fwd.data_ptr<float>() + i * 6;
    cv::Matx23f px(m[0], m[1], (m[0] * beta + m[1] * beta + m[2] - beta) / alpha,
                   m[3], m[4], (m[3] * beta + m[4] * beta + m[5] - beta) / alpha);
    cv::Mat src(s, s, CV_8UC3, images.data_ptr<uint8_t>() + i * s * s * 3);
    cv::Mat dst(s, s, CV_8UC3, out.data_ptr<uint8_t>() + i * s * s * 3);
    cv::warpAffine(src, dst, px, cv::Size(s, s), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
  });
  return out;
}

torch::Tensor grey_weights() { return torch::tensor({0.299f, 0.587f, 0.114f}); }

torch::Tensor ColourJitter::apply(const torch::Tensor& images) const {
  const int64_t b = images.size(0), hw = images.size(2) * images.size(3);
  const auto device = images.device();
  torch::Tensor mean_grey = (images.mean({2, 3}) * grey_weights().to(device)).sum(1);  // B, 0..255
  torch::Tensor offset = (mean_offset.to(device) * mean_grey / 255.0f).view({b, 1, 1}).expand({b, 3, 1});
  torch::Tensor m = (matrix / 255.0f).to(device);
  return torch::baddbmm(offset, m, images.reshape({b, 3, hw})).view(images.sizes()).clamp_(0.0f, 1.0f);
}

torch::Tensor ColourJitter::apply_u8(const torch::Tensor& images) const {
  KP_CHECK(images.device().is_cpu() && images.scalar_type() == torch::kUInt8 && images.is_contiguous(),
           "internal: apply_u8 expects contiguous CPU uint8 B x S x S x 3");
  const int64_t b = images.size(0), hw = images.size(1) * images.size(2);
  torch::Tensor out = torch::empty({b, 3, images.size(1), images.size(2)}, torch::kFloat32);
  torch::Tensor mats = matrix.to(torch::kCPU, torch::kFloat32).contiguous();
  torch::Tensor offs = mean_offset.to(torch::kCPU, torch::kFloat32).contiguous();
  const float w0 = 0.299f, w1 = 0.587f, w2 = 0.114f;
  // One read of the uint8 crop for its mean grey, one fused convert + matrix
  // + clamp writing planar floats: what takes five full-size float passes as
  // separate torch ops (~28 ms for 64 x 256^2 on 2 cores here).
  const int64_t width = images.size(2), rows = images.size(1);
  at::parallel_for(0, b, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> planes(3 * width);  // one deinterleaved row, so the loops vectorise
    for (int64_t i = begin; i < end; ++i) {
      const uint8_t* px = images.data_ptr<uint8_t>() + i * hw * 3;
      int64_t sums[3] = {0, 0, 0};
      for (int64_t p = 0; p < hw; ++p)
        for (int c = 0; c < 3; ++c) sums[c] += px[3 * p + c];
      const float k = 1.0f / 255.0f;
      const float mean_grey = static_cast<float>((w0 * sums[0] + w1 * sums[1] + w2 * sums[2]) / hw);
      const float off = offs.data_ptr<float>()[i] * mean_grey * k;
      const float* m = mats.data_ptr<float>() + i * 9;
      float* __restrict__ r = planes.data();
      float* __restrict__ g = r + width;
      float* __restrict__ bl = g + width;
      for (int64_t y = 0; y < rows; ++y) {
        const uint8_t* __restrict__ src = px + y * width * 3;
        for (int64_t x = 0; x < width; ++x) {
          r[x] = src[3 * x];
          g[x] = src[3 * x + 1];
          bl[x] = src[3 * x + 2];
        }
        for (int c = 0; c < 3; ++c) {
          const float a0 = m[3 * c] * k, a1 = m[3 * c + 1] * k, a2 = m[3 * c + 2] * k;
          float* __restrict__ d = out.data_ptr<float>() + (i * 3 + c) * hw + y * width;
          for (int64_t x = 0; x < width; ++x)
            d[x] = std::min(1.0f, std::max(0.0f, a0 * r[x] + a1 * g[x] + a2 * bl[x] + off));
        }
      }
    }
  });
  return out;
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> move_keypoints(
    const torch::Tensor& keypoints, const torch::Tensor& visible, const torch::Tensor& occluded,
    const Augmenter::Params& params, const torch::Tensor& flip_permutation, int64_t s) {
  const auto device = keypoints.device();
  const int64_t b = keypoints.size(0);
  auto [a, t] = split_affine(params.forward.to(device));
  // pixels -> normalised -> A p + t -> pixels
  torch::Tensor kn = (2 * keypoints + 1) / s - 1;
  torch::Tensor kp = ((torch::matmul(kn, a.transpose(1, 2)) + t.unsqueeze(1) + 1) * s - 1) / 2;

  // A mirrored left joint now looks like a right one: slot i takes joint perm[i].
  torch::Tensor perm = flip_permutation.to(device);
  torch::Tensor fl = params.flipped.to(device);
  kp = torch::where(fl.view({b, 1, 1}), kp.index_select(1, perm), kp);
  torch::Tensor vis = torch::where(fl.view({b, 1}), visible.index_select(1, perm), visible);
  torch::Tensor occ = torch::where(fl.view({b, 1}), occluded.index_select(1, perm), occluded);

  const float lo = -0.5f, hi = s - 0.5f;
  torch::Tensor x = kp.select(2, 0), y = kp.select(2, 1);
  torch::Tensor inside = (x >= lo) & (x <= hi) & (y >= lo) & (y <= hi);
  vis = vis * inside.to(vis.dtype());
  return {kp * vis.unsqueeze(2), vis, occ * vis};  // masked joints carry no position
}

AugmentedBatch Augmenter::operator()(const Batch& batch) {
  const auto device = batch.images.device();
  const int64_t b = batch.images.size(0), s = batch.images.size(1);
  const Params params = sample_affine(b);

  const bool opencv = options_.warp == WarpBackend::OpenCV ||
                      (options_.warp == WarpBackend::Auto && device.is_cpu());
  AugmentedBatch out;
  std::tie(out.keypoints, out.visible, out.occluded) =
      move_keypoints(batch.keypoints.to(torch::kFloat32), batch.visible.to(torch::kFloat32),
                     batch.occluded.to(torch::kFloat32), params, flip_perm_, s);

  // Colour jitter: brightness b, contrast c around the mean grey m of the
  // (warped) crop, saturation s around grey (weights w), as one per-sample
  // 3x3 matrix and offset: x' = c b S x + (1 - c) b m with S = s I + (1 - s) 1 w^T.
  torch::Tensor u = torch::rand({b, 11}, gen_, torch::kFloat32);  // colour 3, occlusion 8 (CPU)
  auto factor = [&](int i, float range) { return 1.0f - range + 2.0f * range * u.select(1, i); };
  torch::Tensor br = factor(0, options_.brightness), ct = factor(1, options_.contrast);
  torch::Tensor sat = factor(2, options_.saturation);
  torch::Tensor sm = sat.view({b, 1, 1}) * torch::eye(3) + (1 - sat).view({b, 1, 1}) * grey_weights().view({1, 1, 3});
  ColourJitter jitter{(ct * br).view({b, 1, 1}) * sm, (1 - ct) * br};
  torch::Tensor img = opencv ? jitter.apply_u8(warp_images_opencv(batch.images.contiguous(), params.forward))
                             : jitter.apply(warp_images_torch(to_float_nchw(batch.images), params.forward));

  // Occlusion: one solid rectangle for a share of the samples (parameters
  // on the CPU, so only the rectangles are touched); joints under it become occluded.
  torch::Tensor r = u.narrow(1, 3, 8).contiguous();
  auto ra = r.accessor<float, 2>();
  torch::Tensor occ_box = torch::zeros({b, 4});  // x0, y0, x1, y1 (empty when not applied)
  const float span = options_.occlusion_max - options_.occlusion_min;
  for (int64_t i = 0; i < b; ++i) {
    auto ri = ra[i];
    if (ri[0] >= options_.occlusion_prob) continue;
    float rw = (options_.occlusion_min + ri[1] * span) * s, rh = (options_.occlusion_min + ri[2] * span) * s;
    float cx = ri[3] * s, cy = ri[4] * s;
    int64_t x0 = std::max<int64_t>(0, std::lround(cx - rw / 2)), x1 = std::min<int64_t>(s, std::lround(cx + rw / 2));
    int64_t y0 = std::max<int64_t>(0, std::lround(cy - rh / 2)), y1 = std::min<int64_t>(s, std::lround(cy + rh / 2));
    if (x1 <= x0 || y1 <= y0) continue;
    torch::Tensor region = img[i].narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0);
    region.copy_(r[i].narrow(0, 5, 3).view({3, 1, 1}).expand_as(region));
    occ_box[i] = torch::tensor({x0 - 0.5f, y0 - 0.5f, x1 - 0.5f, y1 - 0.5f});
  }
  out.images = img;
  occ_box = occ_box.to(device);
  torch::Tensor kx = out.keypoints.select(2, 0), ky = out.keypoints.select(2, 1);
  torch::Tensor covered = (kx >= occ_box.select(1, 0).view({b, 1})) & (kx < occ_box.select(1, 2).view({b, 1})) &
                          (ky >= occ_box.select(1, 1).view({b, 1})) & (ky < occ_box.select(1, 3).view({b, 1}));
  out.occluded = torch::maximum(out.occluded, covered.to(torch::kFloat32)) * out.visible;
  return out;
}

}  // namespace kplab
