#include "data/augment.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"

namespace kplab {

namespace F = torch::nn::functional;

AugmentedBatch to_model_input(const Batch& batch) {
  AugmentedBatch out;
  out.images = batch.images.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0f).contiguous();
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

AugmentedBatch apply_affine(const AugmentedBatch& in, const Augmenter::Params& params,
                            const torch::Tensor& flip_permutation) {
  const auto device = in.images.device();
  const int64_t b = in.images.size(0), s = in.images.size(2);
  torch::Tensor fwd = params.forward.to(device);
  torch::Tensor a = fwd.narrow(2, 0, 2), t = fwd.select(2, 2);  // B x 2 x 2, B x 2
  // affine_grid maps output -> input: the inverse affine, in closed form.
  torch::Tensor det = a.select(1, 0).select(1, 0) * a.select(1, 1).select(1, 1) -
                      a.select(1, 0).select(1, 1) * a.select(1, 1).select(1, 0);
  torch::Tensor inv = torch::stack({torch::stack({a.select(1, 1).select(1, 1), -a.select(1, 0).select(1, 1)}, 1),
                                    torch::stack({-a.select(1, 1).select(1, 0), a.select(1, 0).select(1, 0)}, 1)},
                                   1) /
                      det.view({b, 1, 1});
  torch::Tensor theta = torch::cat({inv, -torch::matmul(inv, t.unsqueeze(2))}, 2);
  torch::Tensor grid = F::affine_grid(theta, {b, in.images.size(1), s, s}, false);

  AugmentedBatch out;
  out.images = F::grid_sample(in.images, grid,
                              F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));

  // Keypoints: pixels -> normalised -> A p + t -> pixels.
  torch::Tensor kn = (2 * in.keypoints + 1) / s - 1;                     // B x K x 2
  torch::Tensor moved = torch::matmul(kn, a.transpose(1, 2)) + t.unsqueeze(1);
  torch::Tensor kp = ((moved + 1) * s - 1) / 2;
  torch::Tensor vis = in.visible, occ = in.occluded;

  // A mirrored left joint now looks like a right one: slot i takes joint perm[i].
  torch::Tensor perm = flip_permutation.to(device);
  torch::Tensor fl = params.flipped.to(device);
  kp = torch::where(fl.view({b, 1, 1}), kp.index_select(1, perm), kp);
  vis = torch::where(fl.view({b, 1}), vis.index_select(1, perm), vis);
  occ = torch::where(fl.view({b, 1}), occ.index_select(1, perm), occ);

  const float lo = -0.5f, hi = s - 0.5f;
  torch::Tensor x = kp.select(2, 0), y = kp.select(2, 1);
  torch::Tensor inside = (x >= lo) & (x <= hi) & (y >= lo) & (y <= hi);
  out.visible = vis * inside.to(vis.dtype());
  out.keypoints = kp * out.visible.unsqueeze(2);  // masked joints carry no position
  out.occluded = occ * out.visible;
  return out;
}

AugmentedBatch Augmenter::operator()(const Batch& batch) {
  const auto device = batch.images.device();
  const int64_t b = batch.images.size(0), s = batch.images.size(1);
  AugmentedBatch out = apply_affine(to_model_input(batch), sample_affine(b), flip_perm_);

  // Colour jitter: brightness, contrast around the image mean, saturation around grey.
  torch::Tensor u = torch::rand({b, 3}, gen_, torch::kFloat32).to(device);
  auto factor = [&](int i, float range) { return (1.0f - range + 2.0f * range * u.select(1, i)).view({b, 1, 1, 1}); };
  torch::Tensor img = out.images * factor(0, options_.brightness);
  torch::Tensor mean = img.mean({1, 2, 3}, true);
  img = (img - mean) * factor(1, options_.contrast) + mean;
  torch::Tensor grey = (img.select(1, 0) * 0.299f + img.select(1, 1) * 0.587f + img.select(1, 2) * 0.114f).unsqueeze(1);
  img = (img - grey) * factor(2, options_.saturation) + grey;
  img.clamp_(0.0f, 1.0f);

  // Occlusion: one solid rectangle per chosen sample; joints under it are occluded.
  torch::Tensor r = torch::rand({b, 8}, gen_, torch::kFloat32).to(device);
  torch::Tensor apply = r.select(1, 0) < options_.occlusion_prob;
  torch::Tensor w = (options_.occlusion_min + r.select(1, 1) * (options_.occlusion_max - options_.occlusion_min)) * s;
  torch::Tensor h = (options_.occlusion_min + r.select(1, 2) * (options_.occlusion_max - options_.occlusion_min)) * s;
  torch::Tensor x0 = r.select(1, 3) * s - w / 2, y0 = r.select(1, 4) * s - h / 2;
  torch::Tensor colour = r.narrow(1, 5, 3).view({b, 3, 1, 1});
  torch::Tensor coords = torch::arange(s, torch::TensorOptions().dtype(torch::kFloat32).device(device));
  torch::Tensor in_x = (coords.view({1, s}) >= x0.view({b, 1})) & (coords.view({1, s}) < (x0 + w).view({b, 1}));
  torch::Tensor in_y = (coords.view({1, s}) >= y0.view({b, 1})) & (coords.view({1, s}) < (y0 + h).view({b, 1}));
  torch::Tensor mask = (in_y.view({b, 1, s, 1}) & in_x.view({b, 1, 1, s})) & apply.view({b, 1, 1, 1});
  out.images = torch::where(mask, colour.expand_as(img), img);

  torch::Tensor kx = out.keypoints.select(2, 0), ky = out.keypoints.select(2, 1);
  torch::Tensor covered = (kx >= x0.view({b, 1})) & (kx < (x0 + w).view({b, 1})) & (ky >= y0.view({b, 1})) &
                          (ky < (y0 + h).view({b, 1})) & apply.view({b, 1});
  out.occluded = torch::maximum(out.occluded, covered.to(torch::kFloat32)) * out.visible;
  return out;
}

}  // namespace kplab
