#include "predict/pose_predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "data/heatmap_codec.h"

namespace kplab {

PosePredictor::PosePredictor(const OnnxModel& m) : model_(m) {
  try {
    net_ = cv::dnn::readNetFromONNX(m.path);
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  } catch (const cv::Exception& e) {
    throw Error(str(m.path, ": OpenCV DNN cannot load the model: ", one_line(e.what())));
  }
}

Pose PosePredictor::run(const cv::Mat& bgr, const std::string& source, bool two_pass, double min_visibility, double margin) {
  Letterbox whole;
  Pose first = run_square(letterbox(bgr, model_.size, &whole), whole, source);
  if (!two_pass) return first;
  Pose second;
  if (!run_around(bgr, first, source, min_visibility, margin, &second)) return first;
  second.crop = "two-pass";
  return second;
}

Pose PosePredictor::run_tracked(const cv::Mat& bgr, const std::string& source, const Pose* previous, double min_visibility, double margin) {
  Pose tracked;
  if (previous && run_around(bgr, *previous, source, min_visibility, margin, &tracked)) {
    tracked.crop = "tracked";
    return tracked;
  }
  return run(bgr, source, true, min_visibility, margin);
}

bool PosePredictor::run_around(const cv::Mat& bgr, const Pose& around, const std::string& source, double min_visibility, double margin, Pose* out) {
  float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  int seen = 0;
  for (size_t j = 0; j < around.points.size(); ++j) {
    if (around.visibility[j] < min_visibility) continue;
    ++seen;
    x0 = std::min(x0, around.points[j].x), x1 = std::max(x1, around.points[j].x);
    y0 = std::min(y0, around.points[j].y), y1 = std::max(y1, around.points[j].y);
  }
  if (seen < 4) return false;
  const float side = std::max({x1 - x0, y1 - y0, 8.0f}) * static_cast<float>(1 + margin);
  *out = run_centred(bgr, 0.5f * (x0 + x1), 0.5f * (y0 + y1), side, source);
  return true;
}

Pose PosePredictor::run_box(const cv::Mat& bgr, const cv::Rect2f& box, const std::string& source, double margin) {
  Pose p = run_centred(bgr, box.x + 0.5f * box.width, box.y + 0.5f * box.height,
                       std::max({box.width, box.height, 8.0f}) * static_cast<float>(1 + margin), source);
  p.crop = "box";
  return p;
}

Pose PosePredictor::run_centred(const cv::Mat& bgr, float cx, float cy, float side, const std::string& source) {
  const int s = static_cast<int>(std::lround(side));
  Letterbox crop;
  const cv::Mat square = crop_square(bgr, static_cast<int>(std::lround(cx - 0.5f * s)),
                                     static_cast<int>(std::lround(cy - 0.5f * s)), s, model_.size, &crop);
  return run_square(square, crop, source);
}

Pose PosePredictor::run_square(const cv::Mat& square, const Letterbox& lb, const std::string& source) {
  // RGB in [0, 1], N x 3 x S x S: what the export's metadata states.
  const cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 255, cv::Size(), cv::Scalar(), true, false, CV_32F);
  std::vector<cv::Mat> outs;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    net_.setInput(blob, model_.input);
    std::vector<cv::String> names = {"coords", "visibility"};
    if (model_.decoder == "heatmap") names.push_back("heatmaps");
    net_.forward(outs, names);
  } catch (const cv::Exception& e) {
    throw Error(str(model_.path, ": OpenCV DNN forward on ", source, ": ", one_line(e.what())));
  }
  forward_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  const size_t k = static_cast<size_t>(model_.keypoints);
  KP_CHECK(outs.size() >= 2 && outs[0].total() == 2 * k && outs[1].total() == k && outs[0].depth() == CV_32F &&
               outs[1].depth() == CV_32F,
           model_.path, ": OpenCV DNN: expected float outputs of ", 2 * k, " and ", k, " values");
  const cv::Mat c = outs[0].isContinuous() ? outs[0] : outs[0].clone();
  const cv::Mat v = outs[1].isContinuous() ? outs[1] : outs[1].clone();
  torch::Tensor peaks;  // 1 x K x 2 input pixels, when decoding heatmaps
  if (model_.decoder == "heatmap") {
    const int64_t h = model_.heatmap;
    KP_CHECK(outs.size() == 3 && outs[2].total() == k * h * h && outs[2].depth() == CV_32F, model_.path,
             ": OpenCV DNN: expected ", k * h * h, " float heatmap values");
    const cv::Mat hm = outs[2].isContinuous() ? outs[2] : outs[2].clone();
    // The same decoder kplab eval scores (argmax, parabola refinement, scaled to input pixels).
    const HeatmapCodec codec{model_.size, static_cast<int>(h), 1.0f};
    torch::Tensor maps = torch::from_blob(const_cast<float*>(hm.ptr<float>()), {1, static_cast<int64_t>(k), h, h});
    peaks = codec.decode(maps).first.contiguous();
  }
  // Input-pixel (x, y) pairs, from the heatmaps' peaks or the regressed coords.
  const float* xy = peaks.defined() ? peaks.data_ptr<float>() : c.ptr<float>();
  Pose p;
  for (size_t j = 0; j < k; ++j) {
    const float x = xy[2 * j], y = xy[2 * j + 1];
    p.points.push_back(lb.to_image(x, y));
    p.visibility.push_back(v.ptr<float>()[j]);
  }
  return p;
}

double PosePredictor::mean_forward_ms() const {
  if (forward_ms_.empty()) return 0;
  const size_t skip = forward_ms_.size() > 1 ? 1 : 0;
  double sum = 0;
  for (size_t i = skip; i < forward_ms_.size(); ++i) sum += forward_ms_[i];
  return sum / static_cast<double>(forward_ms_.size() - skip);
}

}  // namespace kplab
