#include "eval/metrics.h"

#include "core/error.h"

namespace kplab {

PckCurve pck_curve(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                   std::array<int, 2> reference, double max_alpha, int steps) {
  KP_CHECK(steps >= 1 && max_alpha > 0, "pck_curve: expected steps >= 1 and max_alpha > 0, found ", steps, " and ",
           max_alpha);
  PckCurve c;
  for (int i = 0; i <= steps; ++i) {
    c.alpha.push_back(max_alpha * i / steps);
    c.pck.push_back(pck(pred, truth, visible, reference, c.alpha.back()).mean);
  }
  return c;
}

double PckCurve::auc() const {
  if (pck.size() < 2) return pck.empty() ? 0.0 : pck[0];
  const size_t steps = pck.size() - 1;
  double area = 0;
  for (size_t i = 1; i <= steps; ++i) area += 0.5 * (pck[i - 1] + pck[i]) / steps;
  return area;
}

double pck_auc(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
               std::array<int, 2> reference, double max_alpha, int steps) {
  return pck_curve(pred, truth, visible, reference, max_alpha, steps).auc();
}

torch::Tensor crop_to_original(const torch::Tensor& points, const torch::Tensor& crop) {
  KP_CHECK(points.dim() == 3 && points.size(2) == 2 && crop.dim() == 2 && crop.size(1) == 6 &&
               crop.size(0) == points.size(0),
           "crop_to_original: expected points N x K x 2 and crop N x 6, found ", points.sizes(), " and ", crop.sizes());
  torch::Tensor c = crop.to(points.dtype()).unsqueeze(1);  // N x 1 x 6
  torch::Tensor u = points.select(2, 0), v = points.select(2, 1);
  torch::Tensor x = c.select(2, 0) * u + c.select(2, 1) * v + c.select(2, 2);
  torch::Tensor y = c.select(2, 3) * u + c.select(2, 4) * v + c.select(2, 5);
  return torch::stack({x, y}, 2);
}

PixelError pixel_error(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible) {
  torch::Tensor d = (pred.detach().to(torch::kCPU, torch::kFloat64) - truth.detach().to(torch::kCPU, torch::kFloat64)).norm(2, 2);
  torch::Tensor sel = d.masked_select(visible.detach().to(torch::kCPU) != 0);
  PixelError e;
  e.joints = sel.numel();
  if (e.joints == 0) return e;
  e.mean = sel.mean().item<double>();
  // Lower median of the sorted errors (torch's median convention).
  e.median = sel.median().item<double>();
  return e;
}

}  // namespace kplab
