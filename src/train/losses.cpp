// Masked training losses. Every reduction is sum(per-element loss x mask) /
// max(number of masked-in elements, 1), computed with tensor ops only (no
// .item(), so nothing syncs with the GPU). When nothing is labeled the
// numerator is a sum of zeros that still hangs off the inputs' graph, so the
// result is exactly 0 and backward() works (giving zero gradients).
#include "train/losses.h"

#include <cmath>

#include "core/error.h"

namespace kplab {

namespace F = torch::nn::functional;

namespace {

// Sizes as "[2, 3, 4, 4]".
std::string shape_of(const torch::Tensor& t) { return kplab::str(t.sizes()); }

void check_defined(const char* fn, const char* name, const torch::Tensor& t) {
  KP_CHECK(t.defined(), fn, ": ", name, ": expected a tensor, found an undefined tensor");
}

void check_floating(const char* fn, const char* name, const torch::Tensor& t) {
  check_defined(fn, name, t);
  KP_CHECK(t.is_floating_point(), fn, ": ", name, ": expected a floating-point tensor, found dtype ",
           t.scalar_type());
}

void check_dim(const char* fn, const char* name, const torch::Tensor& t, int64_t dim, const char* layout) {
  check_defined(fn, name, t);
  KP_CHECK(t.dim() == dim, fn, ": ", name, ": expected ", dim, "-d ", layout, ", found shape ", shape_of(t));
}

void check_same_shape(const char* fn, const char* name, const torch::Tensor& t, const char* ref_name,
                      const torch::Tensor& ref) {
  check_defined(fn, name, t);
  KP_CHECK(t.sizes() == ref.sizes(), fn, ": ", name, ": expected shape ", shape_of(ref), " (same as ", ref_name,
           "), found ", shape_of(t));
}

// weights must be B x K for a tensor whose first two dimensions are B, K.
void check_weights(const char* fn, const torch::Tensor& weights, const torch::Tensor& ref, const char* ref_name) {
  check_defined(fn, "weights", weights);
  const bool ok = weights.dim() == 2 && weights.size(0) == ref.size(0) && weights.size(1) == ref.size(1);
  KP_CHECK(ok, fn, ": weights: expected shape [", ref.size(0), ", ", ref.size(1), "] (B x K of ", ref_name,
           "), found ", shape_of(weights));
}

// `t` as the dtype and device of `like` (weights and targets may come in as
// uint8/bool or on another device).
torch::Tensor as_like(const torch::Tensor& t, const torch::Tensor& like) {
  return t.to(like.device(), like.scalar_type());
}

// The checks shared by the per-pixel heatmap losses.
void check_heatmap_args(const char* fn, const torch::Tensor& logits, const torch::Tensor& targets,
                        const torch::Tensor& weights) {
  check_dim(fn, "logits", logits, 4, "B x K x H x W");
  check_floating(fn, "logits", logits);
  check_same_shape(fn, "targets", targets, "logits", logits);
  check_weights(fn, weights, logits, "logits");
}

// sum(per_pixel x w) / max(sum(w) x H x W, 1); per_pixel B x K x H x W, w B x K.
torch::Tensor masked_map_mean(const torch::Tensor& per_pixel, const torch::Tensor& w) {
  const int64_t b = per_pixel.size(0), k = per_pixel.size(1);
  const double pixels = static_cast<double>(per_pixel.size(2) * per_pixel.size(3));
  torch::Tensor num = (per_pixel * w.view({b, k, 1, 1})).sum();
  torch::Tensor den = (w.sum() * pixels).clamp_min(1.0);
  return num / den;
}

}  // namespace

torch::Tensor heatmap_bce(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights) {
  check_heatmap_args("heatmap_bce", logits, targets, weights);
  torch::Tensor t = as_like(targets, logits);
  torch::Tensor per_pixel =
      F::binary_cross_entropy_with_logits(logits, t, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  return masked_map_mean(per_pixel, as_like(weights, logits));
}

torch::Tensor heatmap_mse(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights) {
  check_heatmap_args("heatmap_mse", logits, targets, weights);
  torch::Tensor per_pixel = (torch::sigmoid(logits) - as_like(targets, logits)).pow(2);
  return masked_map_mean(per_pixel, as_like(weights, logits));
}

torch::Tensor heatmap_focal(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                            double gamma) {
  check_heatmap_args("heatmap_focal", logits, targets, weights);
  KP_CHECK(gamma >= 0, "heatmap_focal: gamma: expected >= 0, found ", gamma);
  torch::Tensor t = as_like(targets, logits);
  torch::Tensor bce =
      F::binary_cross_entropy_with_logits(logits, t, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  return masked_map_mean((t - torch::sigmoid(logits)).abs().pow(gamma) * bce, as_like(weights, logits));
}

torch::Tensor mirrored_joint_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                  const torch::Tensor& weights, const torch::Tensor& flip_perm) {
  const char* fn = "mirrored_joint_loss";
  check_heatmap_args(fn, logits, targets, weights);
  const int64_t b = logits.size(0), k = logits.size(1);

  check_defined(fn, "flip_perm", flip_perm);
  KP_CHECK(flip_perm.dim() == 1 && flip_perm.size(0) == k, fn, ": flip_perm: expected shape [", k,
           "] (one entry per joint of logits), found ", shape_of(flip_perm));
  KP_CHECK(!flip_perm.is_floating_point() && !flip_perm.is_complex() && flip_perm.scalar_type() != torch::kBool, fn,
           ": flip_perm: expected an integer tensor, found dtype ", flip_perm.scalar_type());
  // Range check where it costs nothing (Schema::flip_permutation() is on the
  // CPU); on another device index_select reports a bad index itself.
  if (flip_perm.device().is_cpu() && k > 0) {
    const int64_t lo = flip_perm.min().item<int64_t>(), hi = flip_perm.max().item<int64_t>();
    KP_CHECK(lo >= 0 && hi < k, fn, ": flip_perm: expected joint indices in [0, ", k - 1, "], found values in [", lo,
             ", ", hi, "]");
  }

  torch::Tensor perm = flip_perm.to(logits.device(), torch::kLong);
  torch::Tensor has_partner = perm.ne(torch::arange(k, perm.options())).to(logits.scalar_type());  // K
  torch::Tensor partner_labeled = as_like(weights, logits).index_select(1, perm) * has_partner;    // B x K
  // Joint i's pixels weighted by where its partner is: B x K x H x W.
  torch::Tensor w = as_like(targets, logits).index_select(1, perm) * partner_labeled.view({b, k, 1, 1});
  // -log(1 - sigmoid(x)) = softplus(x), without the cancellation.
  torch::Tensor num = (w * F::softplus(logits)).sum();
  torch::Tensor den = w.sum().clamp_min(1e-6);
  return num / den;
}

torch::Tensor coord_loss(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights,
                         double input_size, const std::string& kind) {
  const char* fn = "coord_loss";
  KP_CHECK(kind == "mse" || kind == "l1" || kind == "smooth_l1", fn,
           ": kind: expected mse, l1 or smooth_l1, found '", kind, "'");
  KP_CHECK(std::isfinite(input_size) && input_size > 0, fn, ": input_size: expected > 0, found ", input_size);
  check_defined(fn, "pred", pred);
  KP_CHECK(pred.dim() == 3 && pred.size(2) == 2, fn, ": pred: expected shape B x K x 2, found ", shape_of(pred));
  check_floating(fn, "pred", pred);
  check_same_shape(fn, "target", target, "pred", pred);
  check_weights(fn, weights, pred, "pred");

  torch::Tensor d = (pred - as_like(target, pred)) / input_size;
  torch::Tensor per_coord;
  if (kind == "mse") {
    per_coord = d.pow(2);
  } else if (kind == "l1") {
    per_coord = d.abs();
  } else {
    const double beta = 0.01;
    torch::Tensor a = d.abs();
    per_coord = torch::where(a < beta, 0.5 * d.pow(2) / beta, a - 0.5 * beta);
  }
  torch::Tensor w = as_like(weights, pred);
  torch::Tensor num = (per_coord * w.unsqueeze(-1)).sum();
  torch::Tensor den = (w.sum() * 2.0).clamp_min(1.0);
  return num / den;
}

torch::Tensor visibility_bce(const torch::Tensor& logits, const torch::Tensor& targets) {
  const char* fn = "visibility_bce";
  check_dim(fn, "logits", logits, 2, "B x K");
  check_floating(fn, "logits", logits);
  check_same_shape(fn, "targets", targets, "logits", logits);
  if (logits.numel() == 0) return logits.sum() * 0.0;  // an empty batch: 0, not the NaN of an empty mean
  return F::binary_cross_entropy_with_logits(logits, as_like(targets, logits),
                                             F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kMean));
}

}  // namespace kplab
