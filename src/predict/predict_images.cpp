#include <algorithm>
#include <vector>

#include "core/error.h"
#include "data/raw_dataset.h"
#include "predict/overlay.h"
#include "predict/person_assessment.h"
#include "predict/predict_loops.h"
#include "viz/skeleton_draw.h"

namespace kplab {

namespace {

// One skeleton per given box (--boxes), top-down.
std::vector<Pose> people_in_boxes(const cv::Mat& image, const std::vector<PersonBox>& given, const std::string& file,
                                  PosePredictor& predictor, double margin) {
  std::vector<Pose> people;
  for (const PersonBox& b : given) {
    // A box that leaves the image by more than 2% of its size was made for another picture.
    const float slack = 0.02f * std::max(image.cols, image.rows);
    if (b.box.x < -slack || b.box.y < -slack || b.box.x + b.box.width > image.cols + slack ||
        b.box.y + b.box.height > image.rows + slack)
      throw input_error(b.where, "box", str("a box inside ", file, " (", image.cols, "x", image.rows, ")"),
                        str(b.box.x, ", ", b.box.y, ", ", b.box.width, ", ", b.box.height));
    people.push_back(predictor.run_box(image, b.box, file, margin));
  }
  return people;
}

// The people of one photo: its boxes, else what the detector found, else the whole frame.
std::vector<Pose> people_in(cv::Mat& image, const std::vector<DetectedPerson>* detected, const std::string& file,
                            const PredictOptions& o, const PredictSetup& s, PosePredictor& predictor,
                            PredictSink& sink) {
  if (const std::vector<PersonBox>* given = boxes_for(s.boxes, file))
    return people_in_boxes(image, *given, file, predictor, o.margin);
  std::vector<Pose> people;
  if (!s.detector) {
    people.push_back(predictor.run(image, file, o.crop == "two-pass", o.min_visibility, o.margin));
    return people;
  }
  for (const DetectedPerson& d : *detected) {
    people.push_back(predictor.run_box(image, d.box, file, o.margin));
    people.back().crop = "detector";
  }
  sink.n_detected += static_cast<int64_t>(people.size());
  if (people.empty()) {
    ++sink.n_without_people;
    note_no_person(image);
  }
  return people;
}

}  // namespace

void predict_images(const PredictOptions& o, const PredictSetup& s, PosePredictor& predictor, PredictSink& sink) {
  const std::vector<std::string>& files = s.inputs.files;
  const std::vector<std::string> names = overlay_names(files);
  const double min_vis = o.min_visibility;
  // Photos are read a chunk at a time: with --detector the chunk goes to
  // ONNX Runtime in one process (16 x 3 x 640 x 640 floats is 79 MB), and
  // each photo is decoded once for both models.
  constexpr size_t kChunk = 16;
  std::vector<cv::Mat> photos;
  std::vector<std::vector<DetectedPerson>> detected;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    if (i % kChunk == 0) {
      photos.clear();
      const size_t end = std::min(files.size(), i + kChunk);
      const std::vector<std::string> sources(files.begin() + i, files.begin() + end);
      // Applies the EXIF orientation, as phone galleries show it; refuses a
      // truncated JPEG (libjpeg alone would fill the rest grey and go on).
      for (const std::string& f : sources) photos.push_back(load_image_file(f));
      if (s.detector) detected = s.detector->detect(photos, sources);
    }
    cv::Mat& image = photos[i % kChunk];
    const std::vector<Pose> people =
        people_in(image, s.detector ? &detected[i % kChunk] : nullptr, file, o, s, predictor, sink);
    std::vector<PersonAssessment> assessed;
    for (const Pose& pose : people) {
      assessed.push_back(assess_person(s, pose, min_vis));
      sink.csv.row(file, 0, pose, assessed.back());
    }
    ++sink.n_inputs;
    if (o.keypoints_only) continue;
    if (s.face_blur)  // every face first: a skeleton drawn over one must not survive the blur
      for (const Pose& pose : people) s.face_blur->apply(image, pose);
    for (const Pose& pose : people)
      draw_skeleton(image, pose.points, pose.visibility, s.schema, overlay_style(image, min_vis));
    draw_legend(image, min_vis);
    if (people.size() == 1) flag_low_confidence(image, people[0], min_vis);
    write_jpeg(with_posture_panel(image, s, assessed), sink.staged, (sink.out / names[i]).string());
    ++sink.n_overlays;
  }
}

}  // namespace kplab
