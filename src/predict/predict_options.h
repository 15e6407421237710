// What `kplab predict` is asked to do, and the checks that need nothing but
// the options themselves (run first, before any file is opened).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "posture/rep_counter.h"
#include "video/one_euro.h"

namespace kplab {

struct PredictOptions {
  std::string model;             // exported .onnx, or a run or zoo folder holding model.onnx
  std::string input;             // an image, a folder of images or a video
  std::string out;               // output folder (created if missing)
  std::string schema;            // keypoint schema file; "": the one the exported model carries
  std::string decoder = "auto";  // auto, heatmap or regression
  double min_visibility = 0.5;   // joints below are not drawn and void their angles
  bool flip_test = false;        // also run the mirrored crop and average (pose_predictor.h)
  std::string runtime = "auto";  // auto (XNNPACK where it covers the graph, else OpenCV DNN), xnnpack or opencv-dnn
  bool save_frames = false;      // video: also OUT/frames/NNNNNN.jpg
  std::string rep_angle = "knees";
  posture::RepCounterOptions reps;  // low, high (degrees) and window (frames) of the repetition count
  std::string boxes;                // images: person boxes (CSV or COCO json)
  std::string detector;             // images: a person detector ONNX file
  double detector_score = 0.25;
  int detector_class = 0;
  std::string crop = "two-pass";  // two-pass or frame
  double margin = 0.25;           // two-pass: context around the joints' extent
  std::string keypoint_filter = "one-euro";  // video: one-euro or none
  OneEuroOptions one_euro;
  std::string json;  // the run summary as JSON ("": none)
  std::string measures;         // posture measures to write, comma-separated ("": all the schema can make)
  std::string classifier;       // a `kplab classify train` folder: a good/bad verdict per person ("": none)
  bool blur_faces = false;      // pixelate each person's head region in every image written
  bool keypoints_only = false;  // write no images at all: keypoints.csv (and reps.json, --json) only
  // Video: called after each frame with the frames done and the count the
  // header states (0 when it states none), so a caller (kplab serve) can
  // show progress; it may throw to stop the run (nothing is then kept).
  std::function<void(int64_t done, int64_t total)> on_frame;
};

// Throws, naming the flag, when a value is out of range or unknown.
void check_predict_options(const PredictOptions& o);

// --rep-angle: which posture angles make the repetition signal (mean of the seen ones).
std::vector<std::string> rep_angle_parts(const std::string& name);

}  // namespace kplab
