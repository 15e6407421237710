#include "data/heatmap_codec.h"

#include "core/error.h"

namespace kplab {

std::pair<torch::Tensor, torch::Tensor> HeatmapCodec::encode(const torch::Tensor& keypoints,
                                                             const torch::Tensor& visible) const {
  KP_CHECK(keypoints.dim() == 3 && keypoints.size(2) == 2, "heatmap encode: keypoints: expected B x K x 2, found ",
           keypoints.sizes());
  KP_CHECK(sigma > 0, "heatmap encode: sigma: expected > 0, found ", sigma);
  const int64_t b = keypoints.size(0), k = keypoints.size(1), h = heatmap_size;
  auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(keypoints.device());
  torch::Tensor weights = visible.to(opts).reshape({b, k});
  torch::Tensor cells = (keypoints.to(torch::kFloat32) + 0.5f) / stride() - 0.5f;  // B x K x 2
  torch::Tensor grid = torch::arange(h, opts);
  // The 2-D Gaussian is separable: exp(-dx^2/2s^2) (row) x exp(-dy^2/2s^2) (column).
  torch::Tensor gx = torch::exp(-(grid.view({1, 1, h}) - cells.select(2, 0).unsqueeze(2)).pow(2) / (2 * sigma * sigma));
  torch::Tensor gy = torch::exp(-(grid.view({1, 1, h}) - cells.select(2, 1).unsqueeze(2)).pow(2) / (2 * sigma * sigma));
  torch::Tensor maps = gy.unsqueeze(3) * gx.unsqueeze(2) * weights.view({b, k, 1, 1});
  return {maps, weights};
}

std::pair<torch::Tensor, torch::Tensor> HeatmapCodec::decode(const torch::Tensor& heatmaps) const {
  KP_CHECK(heatmaps.dim() == 4, "heatmap decode: expected B x K x H x W, found ", heatmaps.sizes());
  const int64_t b = heatmaps.size(0), k = heatmaps.size(1), h = heatmaps.size(2), w = heatmaps.size(3);
  torch::Tensor flat = heatmaps.to(torch::kFloat32).reshape({b, k, h * w});
  auto [score, arg] = flat.max(2);
  torch::Tensor iy = torch::div(arg, w, "floor"), ix = arg - iy * w;

  // Log of the peak's neighbours (clamped indices at borders; no refinement there).
  auto at = [&](const torch::Tensor& y, const torch::Tensor& x) {
    return flat.gather(2, (y * w + x).unsqueeze(2)).squeeze(2).clamp_min(1e-10f).log();
  };
  torch::Tensor xl = (ix - 1).clamp_min(0), xr = (ix + 1).clamp_max(w - 1);
  torch::Tensor yu = (iy - 1).clamp_min(0), yd = (iy + 1).clamp_max(h - 1);
  torch::Tensor c = at(iy, ix);
  auto offset = [&](const torch::Tensor& lo, const torch::Tensor& hi, const torch::Tensor& interior) {
    torch::Tensor curv = lo - 2 * c + hi;
    torch::Tensor off = 0.5f * (lo - hi) / torch::where(curv < 0, curv, -torch::ones_like(curv));
    return torch::where((curv < 0) & interior, off.clamp(-0.5f, 0.5f), torch::zeros_like(off));
  };
  torch::Tensor dx = offset(at(iy, xl), at(iy, xr), (ix > 0) & (ix < w - 1));
  torch::Tensor dy = offset(at(yu, ix), at(yd, ix), (iy > 0) & (iy < h - 1));
  torch::Tensor u = ix.to(torch::kFloat32) + dx, v = iy.to(torch::kFloat32) + dy;
  torch::Tensor coords = torch::stack({(u + 0.5f) * stride() - 0.5f, (v + 0.5f) * stride() - 0.5f}, 2);
  return {coords, score};
}

}  // namespace kplab
