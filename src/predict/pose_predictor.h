// A pose model exported by kplab, run from its exported graph (the file a
// phone gets, not LibTorch) by kplab's XNNPACK runner or OpenCV DNN, on photos
// and video frames: the whole frame, two passes
// (a re-crop around the joints found, as BlazePose re-crops from the previous
// pose), tracking in a video, or top-down on a given box. Keypoints come back
// in the photo's pixels.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "infer/xnnpack_net.h"
#include "predict/crop_square.h"
#include "predict/onnx_pose_model.h"

namespace kplab {

struct Pose {
  std::vector<cv::Point2f> points;  // K, original image pixels
  std::vector<float> visibility;    // K probabilities
  std::string crop = "frame";       // frame (the whole frame), two-pass (re-cropped around the first pass's
                                    // joints), tracked (cropped around the previous video frame's pose),
                                    // box (a given box) or detector (a box a person detector found)
  // Mean visibility: below --min-visibility the person is flagged (CSV, overlay), not drawn as if fine.
  float confidence() const {
    float sum = 0;
    for (float v : visibility) sum += v;
    return visibility.empty() ? 0.f : sum / visibility.size();
  }
};

class PosePredictor {
 public:
  // Loads the model into OpenCV DNN; errors name the file. With a flip
  // permutation (Schema::flip_permutation(); empty: off), every pass also
  // runs the mirrored crop, maps it back (x mirrored, each joint from its
  // left/right partner) and averages: the heatmaps when decoding heatmaps
  // (then one decode of the average), else the coordinates; visibility
  // always. Flip test-time augmentation, as kplab eval --flip-test; twice the
  // forward time.
  //
  // `runtime`: "xnnpack" runs the graph in kplab's XNNPACK runner
  // (infer/xnnpack_net.h, refusing a graph it does not cover), "opencv-dnn"
  // in OpenCV DNN, "auto" the runner when it covers the graph, else OpenCV
  // DNN (runtime_note() says why). Both on default_threads() threads.
  explicit PosePredictor(const OnnxModel& m, std::vector<int64_t> flip_permutation = {},
                         const std::string& runtime = "auto");
  ~PosePredictor();

  // "xnnpack" or "opencv-dnn": what runs the graph.
  const std::string& runtime() const { return runtime_; }
  // Why auto fell back to OpenCV DNN ("" when it did not).
  const std::string& runtime_note() const { return runtime_note_; }

  // The person in two passes, as BlazePose re-crops from the previous pose:
  // the whole frame (padded square) first, then the square the training
  // crops were cut as (the extent of the joints seen, x (1 + margin),
  // centred) around what the first pass found. With fewer than 4 joints
  // seen (visibility >= min_visibility) the first pass stands.
  Pose run(const cv::Mat& bgr, const std::string& source, bool two_pass, double min_visibility, double margin);

  // In a video, as BlazePose tracks: one pass on the square around the
  // previous frame's (smoothed) pose, the whole two-pass search only when
  // there is none or it saw too few joints. Steadier crops, half the work.
  Pose run_tracked(const cv::Mat& bgr, const std::string& source, const Pose* previous, double min_visibility, double margin);

  // One pass on the square the training crops were cut as (the extent of
  // the joints `around` sees, x (1 + margin), centred); false, leaving *out
  // alone, when it sees fewer than 4 joints (visibility >= min_visibility).
  bool run_around(const cv::Mat& bgr, const Pose& around, const std::string& source, double min_visibility, double margin, Pose* out);

  // Top-down with a user's box: its square, as the training crops of boxed
  // datasets (COCO, YOLO) were cut (the box's longer side x (1 + margin), centred).
  Pose run_box(const cv::Mat& bgr, const cv::Rect2f& box, const std::string& source, double margin);

  // One pass on the square of `side` pixels centred at (cx, cy).
  Pose run_centred(const cv::Mat& bgr, float cx, float cy, float side, const std::string& source);
  // One pass on a square already cut (`lb` maps it back).
  Pose run_square(const cv::Mat& square, const Letterbox& lb, const std::string& source);

  // Mean forward time; the first call (lazy allocation) is left out when
  // there are others.
  double mean_forward_ms() const;
  size_t forwards() const { return forward_ms_.size(); }

 private:
  // One forward: coords (K x 2 input pixels), visibility (K) and, when
  // decoding heatmaps, the heatmaps (K x H x H).
  struct Raw {
    torch::Tensor coords, visibility, heatmaps;
  };
  Raw forward(const cv::Mat& square, const std::string& source);

  OnnxModel model_;
  std::vector<int64_t> flip_;
  std::string runtime_, runtime_note_;
  std::unique_ptr<XnnpackNet> xnn_;  // when runtime_ is "xnnpack"
  cv::dnn::Net net_;                 // when it is "opencv-dnn"
  std::vector<double> forward_ms_;
};

}  // namespace kplab
