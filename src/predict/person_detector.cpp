#include "predict/person_detector.h"

#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/subprocess.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"

namespace kplab {

namespace {

const char* const kOutputContract = "[1, N, 5] or [1, N, 6] boxes after NMS: x1, y1, x2, y2, score[, class]";

// How a photo was fitted into the detector's input, to map boxes back.
struct Fit {
  double scale;
  int pad_x, pad_y;
};

}  // namespace

PersonDetector::PersonDetector(const std::string& onnx_path, float min_score, int person_class)
    : path_(onnx_path), min_score_(min_score), person_class_(person_class) {
  const auto proto = onnx_export::load_model(onnx_path);  // errors name the file
  const onnx::GraphProto& g = proto->graph();
  // Graph inputs that are initializers (older exporters list weights as inputs) are not fed.
  std::vector<const onnx::ValueInfoProto*> fed;
  for (const auto& in : g.input()) {
    bool weight = false;
    for (const auto& init : g.initializer()) weight = weight || init.name() == in.name();
    if (!weight) fed.push_back(&in);
  }
  if (fed.size() != 1)
    throw input_error(onnx_path, "detector inputs", "one input, 1x3xHxW (the letterboxed photo)", str(fed.size(), " inputs"));
  const std::vector<int64_t> in = onnx_export::declared_shape(*fed[0]);
  if (in.size() != 4 || (in[0] != 1 && in[0] != -1) || in[1] != 3 || in[2] <= 0 || in[3] <= 0)
    throw input_error(onnx_path, str("detector input '", fed[0]->name(), "'"), "1x3xHxW with H and W fixed", onnx_export::shape_text(in));
  height_ = static_cast<int>(in[2]);
  width_ = static_cast<int>(in[3]);
  if (g.output_size() < 1) throw input_error(onnx_path, "detector outputs", kOutputContract, "no output");
  output_ = g.output(0).name();
  const std::vector<int64_t> out = onnx_export::declared_shape(g.output(0));
  // Checked here when the graph declares it, else on the first run.
  if (!out.empty() && (out.size() != 3 || (out[2] >= 0 && out[2] != 5 && out[2] != 6))) {
    const bool raw_yolo = out.size() == 3 && out[1] > 4 && out[2] > 1000;
    throw input_error(onnx_path, str("detector output '", output_, "'"), kOutputContract,
                      onnx_export::shape_text(out) + (raw_yolo ? " (raw YOLO output: export it with nms=True)" : ""));
  }
}

std::vector<std::vector<DetectedPerson>> PersonDetector::detect(const std::vector<cv::Mat>& photos,
                                                                const std::vector<std::string>& sources) const {
  KP_CHECK(photos.size() == sources.size(), "internal: ", photos.size(), " photos for ", sources.size(), " names");
  if (photos.empty()) return {};
  const int64_t n = static_cast<int64_t>(photos.size());
  torch::Tensor input = torch::empty({n, 3, height_, width_}, torch::kFloat32);
  std::vector<Fit> fits;
  for (int64_t i = 0; i < n; ++i) {
    // Letterbox as Ultralytics does: scale to fit, centre, pad with grey 114; RGB in [0, 1].
    const cv::Mat& bgr = photos[i];
    const double scale = std::min(static_cast<double>(width_) / bgr.cols, static_cast<double>(height_) / bgr.rows);
    const int w = std::max(1, static_cast<int>(std::lround(bgr.cols * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(bgr.rows * scale)));
    const Fit fit{scale, (width_ - w) / 2, (height_ - h) / 2};
    cv::Mat boxed(height_, width_, CV_8UC3, cv::Scalar(114, 114, 114)), resized, rgb, f;
    cv::resize(bgr, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    resized.copyTo(boxed(cv::Rect(fit.pad_x, fit.pad_y, w, h)));
    cv::cvtColor(boxed, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(f, CV_32FC3, 1.0 / 255);
    input[i].copy_(torch::from_blob(f.data, {height_, width_, 3}, torch::kFloat32).permute({2, 0, 1}));
    fits.push_back(fit);
  }
  ScratchDir work("kplab-detector");
  const torch::Tensor out = onnx_export::run_onnxruntime(path_, input, {output_}, work.path()).at(output_);
  std::vector<int64_t> shape(out.sizes().begin(), out.sizes().end());
  if (out.dim() != 3 || out.size(0) != n || (out.size(2) != 5 && out.size(2) != 6)) {
    const bool raw_yolo = out.dim() == 3 && out.size(1) > 4 && out.size(2) > 1000;
    throw input_error(path_, str("detector output '", output_, "'"), str(kOutputContract, ", one batch row per photo"),
                      str(onnx_export::shape_text(shape), " for ", n, n == 1 ? " photo" : " photos",
                          raw_yolo ? " (raw YOLO output: export it with nms=True)" : ""));
  }
  const torch::Tensor rows = out.to(torch::kFloat32).contiguous();
  const int64_t per_photo = rows.size(1), cols = rows.size(2);
  std::vector<std::vector<DetectedPerson>> people(n);
  for (int64_t i = 0; i < n; ++i) {
    const float* p = rows[i].data_ptr<float>();
    const cv::Mat& bgr = photos[i];
    for (int64_t r = 0; r < per_photo; ++r, p += cols) {
      const float score = p[4];
      if (!(score >= min_score_)) continue;  // NaN too
      if (cols == 6 && std::lround(p[5]) != person_class_) continue;
      if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2]) || !std::isfinite(p[3]))
        throw input_error(path_, str("detector output row ", r, " for ", sources[i]), "finite box corners",
                          str(p[0], ", ", p[1], ", ", p[2], ", ", p[3]));
      // Back to the photo's pixels, clipped to it.
      auto x = [&](float v) { return std::clamp(static_cast<float>((v - fits[i].pad_x) / fits[i].scale), 0.f, float(bgr.cols)); };
      auto y = [&](float v) { return std::clamp(static_cast<float>((v - fits[i].pad_y) / fits[i].scale), 0.f, float(bgr.rows)); };
      const float x1 = x(p[0]), y1 = y(p[1]), x2 = x(p[2]), y2 = y(p[3]);
      if (x2 - x1 < 2 || y2 - y1 < 2) continue;  // outside the photo, or a sliver
      people[i].push_back({cv::Rect2f(x1, y1, x2 - x1, y2 - y1), score});
    }
    std::sort(people[i].begin(), people[i].end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  }
  return people;
}

}  // namespace kplab
