#include "predict/person_detector.h"

#include <onnx/onnx_pb.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "export/onnx_graph.h"

namespace kplab {

namespace {

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.size() > 300 ? s.substr(0, 300) + "..." : s;
}

std::string shape_text(const cv::Mat& m) {
  std::string s;
  for (int i = 0; i < m.dims; ++i) s += (i ? "x" : "") + std::to_string(m.size[i]);
  return s;
}

const char* const kOutputContract = "[1, N, 5] or [1, N, 6] boxes after NMS: x1, y1, x2, y2, score[, class]";

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
  std::vector<int64_t> dims;
  for (const auto& d : fed[0]->type().tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  std::string found;
  for (size_t i = 0; i < dims.size(); ++i) found += (i ? "x" : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  if (dims.size() != 4 || (dims[0] != 1 && dims[0] != -1) || dims[1] != 3 || dims[2] <= 0 || dims[3] <= 0)
    throw input_error(onnx_path, str("detector input '", fed[0]->name(), "'"), "1x3xHxW with H and W fixed", found);
  height_ = static_cast<int>(dims[2]);
  width_ = static_cast<int>(dims[3]);
  if (g.output_size() < 1) throw input_error(onnx_path, "detector outputs", kOutputContract, "no output");
  try {
    net_ = cv::dnn::readNetFromONNX(onnx_path);
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  } catch (const cv::Exception& e) {
    throw input_error(onnx_path, "detector", "a graph OpenCV DNN can run", one_line(e.what()));
  }
}

std::vector<DetectedPerson> PersonDetector::detect(const cv::Mat& bgr, const std::string& source) {
  // Letterbox as Ultralytics does: scale to fit, centre, pad with grey 114.
  const double scale = std::min(static_cast<double>(width_) / bgr.cols, static_cast<double>(height_) / bgr.rows);
  const int w = std::max(1, static_cast<int>(std::lround(bgr.cols * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(bgr.rows * scale)));
  const int pad_x = (width_ - w) / 2, pad_y = (height_ - h) / 2;
  cv::Mat boxed(height_, width_, CV_8UC3, cv::Scalar(114, 114, 114)), resized;
  cv::resize(bgr, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
  resized.copyTo(boxed(cv::Rect(pad_x, pad_y, w, h)));
  const cv::Mat blob = cv::dnn::blobFromImage(boxed, 1.0 / 255, cv::Size(), cv::Scalar(), true, false, CV_32F);
  cv::Mat out;
  try {
    net_.setInput(blob);
    out = net_.forward();
  } catch (const cv::Exception& e) {
    throw Error(str(path_, ": OpenCV DNN forward on ", source, ": ", one_line(e.what())));
  }
  // [1, N, C] or [N, C] with C = 5 or 6.
  const int dims = out.dims;
  const int cols = dims >= 2 ? out.size[dims - 1] : 0;
  const bool batch_ok = dims == 2 || (dims == 3 && out.size[0] == 1);
  if (!batch_ok || (cols != 5 && cols != 6) || out.depth() != CV_32F) {
    std::string hint;
    if (dims == 3 && out.size[1] > 4 && out.size[2] > 1000) hint = " (raw YOLO output: export it with nms=True)";
    throw input_error(path_, "detector output", kOutputContract, shape_text(out) + hint);
  }
  const int rows = static_cast<int>(out.total() / cols);
  const float* p = out.ptr<float>();
  std::vector<DetectedPerson> people;
  for (int i = 0; i < rows; ++i, p += cols) {
    const float score = p[4];
    if (!(score >= min_score_)) continue;  // NaN too
    if (cols == 6 && std::lround(p[5]) != person_class_) continue;
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2]) || !std::isfinite(p[3]))
      throw input_error(path_, str("detector output row ", i, " on ", source), "finite box corners",
                        str(p[0], ", ", p[1], ", ", p[2], ", ", p[3]));
    // Back to the photo's pixels, clipped to it.
    const float x1 = std::clamp(static_cast<float>((p[0] - pad_x) / scale), 0.f, static_cast<float>(bgr.cols));
    const float y1 = std::clamp(static_cast<float>((p[1] - pad_y) / scale), 0.f, static_cast<float>(bgr.rows));
    const float x2 = std::clamp(static_cast<float>((p[2] - pad_x) / scale), 0.f, static_cast<float>(bgr.cols));
    const float y2 = std::clamp(static_cast<float>((p[3] - pad_y) / scale), 0.f, static_cast<float>(bgr.rows));
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;  // outside the photo, or a sliver
    people.push_back({cv::Rect2f(x1, y1, x2 - x1, y2 - y1), score});
  }
  std::sort(people.begin(), people.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return people;
}

}  // namespace kplab
