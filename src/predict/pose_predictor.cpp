#include "predict/pose_predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/threads.h"
#include "data/heatmap_codec.h"

namespace kplab {

PosePredictor::PosePredictor(const OnnxModel& m, std::vector<int64_t> flip_permutation, const std::string& runtime)
    : model_(m), flip_(std::move(flip_permutation)) {
  KP_CHECK(flip_.empty() || static_cast<int64_t>(flip_.size()) == m.keypoints, m.path,
           ": flip test: expected the schema's flip permutation of ", m.keypoints, " joints, found ", flip_.size());
  KP_CHECK(runtime == "auto" || runtime == "xnnpack" || runtime == "opencv-dnn",
           "--runtime: expected auto, xnnpack or opencv-dnn, found '", runtime, "'");
  if (runtime != "opencv-dnn") {
    std::vector<std::string> names = {"coords", "visibility"};
    if (m.decoder == "heatmap") names.push_back("heatmaps");
    try {
      xnn_ = std::make_unique<XnnpackNet>(m.path, names, default_threads());
      runtime_ = "xnnpack";
      return;
    } catch (const UnsupportedGraph& e) {
      if (runtime == "xnnpack") throw;
      runtime_note_ = e.what();
    }
  }
  runtime_ = "opencv-dnn";
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

PosePredictor::Raw PosePredictor::forward(const cv::Mat& square, const std::string& source) {
  // RGB in [0, 1], N x 3 x S x S: what the export's metadata states.
  const cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 255, cv::Size(), cv::Scalar(), true, false, CV_32F);
  const int64_t k = model_.keypoints;
  if (xnn_) {
    const auto t0 = std::chrono::steady_clock::now();
    xnn_->forward(blob.ptr<float>());
    forward_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    auto tensor = [&](const std::string& name, std::vector<int64_t> shape) {
      return torch::from_blob(const_cast<float*>(xnn_->output(name, nullptr)), shape, torch::kFloat32).clone();
    };
    Raw r{tensor("coords", {k, 2}), tensor("visibility", {k}), torch::Tensor()};
    if (model_.decoder == "heatmap") r.heatmaps = tensor("heatmaps", {k, model_.heatmap, model_.heatmap});
    return r;
  }
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
  KP_CHECK(outs.size() >= 2 && outs[0].total() == static_cast<size_t>(2 * k) &&
               outs[1].total() == static_cast<size_t>(k) && outs[0].depth() == CV_32F && outs[1].depth() == CV_32F,
           model_.path, ": OpenCV DNN: expected float outputs of ", 2 * k, " and ", k, " values");
  // Copies: OpenCV reuses its output buffers on the next forward.
  auto tensor = [](const cv::Mat& m, std::vector<int64_t> shape) {
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    return torch::from_blob(const_cast<float*>(c.ptr<float>()), shape, torch::kFloat32).clone();
  };
  Raw r{tensor(outs[0], {k, 2}), tensor(outs[1], {k}), torch::Tensor()};
  if (model_.decoder == "heatmap") {
    const int64_t h = model_.heatmap;
    KP_CHECK(outs.size() == 3 && outs[2].total() == static_cast<size_t>(k * h * h) && outs[2].depth() == CV_32F,
             model_.path, ": OpenCV DNN: expected ", k * h * h, " float heatmap values");
    r.heatmaps = tensor(outs[2], {k, h, h});
  }
  return r;
}

Pose PosePredictor::run_square(const cv::Mat& square, const Letterbox& lb, const std::string& source) {
  Raw r = forward(square, source);
  if (!flip_.empty()) {
    cv::Mat mirrored;
    cv::flip(square, mirrored, 1);
    const Raw m = forward(mirrored, source + " (mirrored)");
    // Joint j of the crop is joint flip[j] of the mirrored crop, x mirrored back.
    const torch::Tensor perm = torch::tensor(flip_, torch::kInt64);
    torch::Tensor back = m.coords.index_select(0, perm).clone();
    back.select(1, 0).mul_(-1).add_(model_.size - 1);
    r.coords = (r.coords + back) / 2;
    r.visibility = (r.visibility + m.visibility.index_select(0, perm)) / 2;
    if (r.heatmaps.defined()) r.heatmaps = (r.heatmaps + m.heatmaps.index_select(0, perm).flip({2})) / 2;
  }
  torch::Tensor xy = r.coords;  // K x 2 input pixels, from the heatmaps' peaks or the graph's coords
  if (r.heatmaps.defined()) {
    // The same decoder kplab eval scores (argmax, parabola refinement, scaled to input pixels).
    const HeatmapCodec codec{model_.size, static_cast<int>(model_.heatmap), 1.0f};
    xy = codec.decode(r.heatmaps.unsqueeze(0)).first[0].contiguous();
  }
  const auto point = xy.accessor<float, 2>();
  const auto visibility = r.visibility.accessor<float, 1>();
  Pose p;
  for (int64_t j = 0; j < model_.keypoints; ++j) {
    p.points.push_back(lb.to_image(point[j][0], point[j][1]));
    p.visibility.push_back(visibility[j]);
  }
  return p;
}

PosePredictor::~PosePredictor() = default;

double PosePredictor::mean_forward_ms() const {
  if (forward_ms_.empty()) return 0;
  const size_t skip = forward_ms_.size() > 1 ? 1 : 0;
  double sum = 0;
  for (size_t i = skip; i < forward_ms_.size(); ++i) sum += forward_ms_[i];
  return sum / static_cast<double>(forward_ms_.size() - skip);
}

}  // namespace kplab
