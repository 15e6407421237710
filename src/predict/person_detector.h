// A person detector the user brings as an ONNX file (`kplab predict
// --detector`), for photos with several people and no boxes. kplab runs it in
// ONNX Runtime (the venv's, as for its other ONNX checks: detectors' NMS
// operators are beyond OpenCV 4.6's DNN) and hands each box it finds to the
// top-down path, as boxes from --boxes. The contract follows the layout of
// Ultralytics' `export(format="onnx", nms=True)` (tools/README.md, under
// predictions):
//
//   input   one float tensor Bx3xHxW (B 1 or dynamic), H and W fixed: the
//           photo letterboxed into HxW (scaled by min(W/w, H/h), centred,
//           padded with grey 114), RGB in [0, 1]
//   output  its first output, [B, N, 5] or [B, N, 6]: boxes after NMS,
//           (x1, y1, x2, y2, score[, class]) in the letterboxed input's
//           pixels; rows below the score threshold, or of another class than
//           the one asked (COCO: 0 = person), are ignored.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace kplab {

struct DetectedPerson {
  cv::Rect2f box;  // x, y (top-left), w, h in the photo's pixels
  float score = 0;
};

class PersonDetector {
 public:
  // Reads `onnx_path` and checks its input and outputs against the contract;
  // errors name the file.
  PersonDetector(const std::string& onnx_path, float min_score, int person_class);

  // The people in each photo (BGR, as OpenCV reads them), best first, from
  // one ONNX Runtime process. Errors name the file and, for a bad box, the
  // photo (`sources`, parallel to `photos`).
  std::vector<std::vector<DetectedPerson>> detect(const std::vector<cv::Mat>& photos,
                                                  const std::vector<std::string>& sources) const;

  const std::string& path() const { return path_; }
  int input_width() const { return width_; }
  int input_height() const { return height_; }

 private:
  std::string path_;
  float min_score_;
  int person_class_;
  int width_ = 0, height_ = 0;
  std::string output_;  // the graph's first output
};

}  // namespace kplab
