#include "train/epoch_log.h"

#include <opencv2/imgproc.hpp>

#include "data/augment.h"
#include "viz/skeleton_draw.h"

namespace kplab {

void log_epoch(TensorBoardLog& log, const EpochRecord& r, const cv::Mat& predictions) {
  for (const auto& [name, value] : r.losses) log.scalar("loss/" + name, value, r.step);
  log.scalar("train/lr", r.lr, r.step);
  log.scalar("train/images_per_s", r.images_per_s, r.step);
  for (const auto& [name, value] : r.validation) log.scalar("val/" + name, value, r.step);
  if (!predictions.empty()) log.image("val/predictions", predictions, r.step);
  log.flush();
}

cv::Mat validation_predictions(PoseModelImpl& model, Loader& val, const Schema& schema, const torch::Device& device,
                               int count) {
  val.start_epoch(0);
  const auto batch = val.next();
  if (!batch) return {};
  const int64_t n = std::min<int64_t>(count, batch->images.size(0));
  const bool was_training = model.is_training();
  model.eval();
  PoseOutput out;
  {
    torch::NoGradGuard no_grad;
    out = model.predict(to_model_input(*batch).images.slice(0, 0, n).to(device), false);
  }
  if (was_training) model.train();
  const torch::Tensor coords = out.coords.to(torch::kCPU, torch::kFloat).contiguous();
  const torch::Tensor scores = torch::sigmoid(out.visibility.to(torch::kCPU, torch::kFloat)).contiguous();
  const torch::Tensor images = batch->images.contiguous();
  std::vector<cv::Mat> tiles;
  const int s = static_cast<int>(images.size(1)), k = static_cast<int>(coords.size(1));
  for (int64_t i = 0; i < n; ++i) {
    cv::Mat rgb(s, s, CV_8UC3, images[i].data_ptr<uint8_t>()), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<cv::Point2f> points;
    std::vector<float> vis;
    for (int j = 0; j < k; ++j) {
      points.emplace_back(coords[i][j][0].item<float>(), coords[i][j][1].item<float>());
      vis.push_back(scores[i][j].item<float>());
    }
    SkeletonStyle style;
    style.thickness = 1;
    style.radius = 2;
    draw_skeleton(bgr, points, vis, schema, style);
    tiles.push_back(bgr);
  }
  cv::Mat row;
  cv::hconcat(tiles, row);
  return row;
}

}  // namespace kplab
