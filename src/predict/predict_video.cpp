#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "posture/joint_angles.h"
#include "posture/rep_counter.h"
#include "predict/overlay.h"
#include "predict/person_assessment.h"
#include "predict/predict_loops.h"
#include "video/one_euro.h"
#include "viz/skeleton_draw.h"

namespace kplab {

namespace {

namespace fs = std::filesystem;

cv::VideoCapture open_video(const std::string& file) {
  // FFmpeg prints its own lines ("moov atom not found") before OpenCV
  // reports failure; this verb reports one line itself. A user's setting wins.
  ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
  cv::VideoCapture cap;
  try {
    // FFmpeg alone when present: letting OpenCV also try GStreamer and
    // image sequences prints a page of warnings for a file none can read.
    cap.open(file, cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_ANY);
  } catch (const cv::Exception& e) {
    throw input_error(file, "video", "a video OpenCV can open", one_line(e.what()));
  }
  if (!cap.isOpened()) throw input_error(file, "video", "a video OpenCV can open", "a file it cannot open");
  return cap;
}

void open_writer(cv::VideoWriter& writer, const std::string& path, const std::string& target, double fps,
                 cv::Size size) {
  // OpenCV's own MJPEG/AVI writer needs no codec packages; FFmpeg or another backend otherwise.
  const int mjpg = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  writer.open(path, cv::CAP_OPENCV_MJPEG, mjpg, fps, size);
  if (!writer.isOpened()) writer.open(path, cv::CAP_ANY, mjpg, fps, size);
  if (!writer.isOpened()) throw Error(str(target, ": OpenCV cannot write an MJPG video"));
}

// A cut-off file decodes its first frames and then just ends: compare with
// the count its header states (allowing a little for containers that estimate it).
void check_all_frames_read(cv::VideoCapture& cap, const std::string& file, int64_t frames) {
  if (frames == 0) throw input_error(file, "video", "at least one frame", "none could be read");
  const double stated = cap.get(cv::CAP_PROP_FRAME_COUNT);
  if (stated > 0 && frames + std::max(2.0, stated / 50) < stated)
    throw input_error(file, "video", str(static_cast<long long>(stated), " frames (as its header states)"),
                      str("only ", frames, " readable: the file is truncated or damaged"));
}

// The person from frame to frame: each crop follows the previous (smoothed)
// pose; the keypoints are smoothed with --keypoint-filter. Keeps both tracks
// to measure the jitter the filter removes.
struct Tracker {
  const PredictOptions& o;
  int keypoints;
  double fps;
  std::unique_ptr<KeypointSmoother> smoother;  // one-euro, in frame heights
  std::vector<std::vector<cv::Point2f>> raw_track, track;
  Pose previous;

  Pose next(PosePredictor& predictor, const cv::Mat& frame, const std::string& source) {
    Pose pose = o.crop == "two-pass"
                    ? predictor.run_tracked(frame, source, track.empty() ? nullptr : &previous, o.min_visibility, o.margin)
                    : predictor.run(frame, source, false, o.min_visibility, o.margin);
    raw_track.push_back(pose.points);
    if (o.keypoint_filter == "one-euro") {
      if (!smoother) smoother = std::make_unique<KeypointSmoother>(keypoints, frame.rows, o.one_euro);
      pose.points = (*smoother)(pose.points, 1.0 / fps);
    }
    track.push_back(pose.points);
    previous = pose;  // the next frame's crop follows this (smoothed) pose
    return pose;
  }
};

void write_reps_json(StagedOutputs& staged, const std::string& target, const nlohmann::json& reps) {
  std::ofstream f(staged.add(target));
  f << reps.dump(2) << "\n";
  f.close();
  if (!f) throw Error(str(target, ": writing failed: ", write_failure_reason(target, 0)));
}

VideoResults results(const PredictOptions& o, const PredictSetup& s, const std::vector<double>& signal,
                     const Tracker& tracker, int64_t frames, double fps) {
  const posture::RepCount reps = posture::count_reps(signal, o.reps);
  VideoResults r;
  r.reps = {{"angle", o.rep_angle},
            {"angle_parts", s.rep_parts},
            {"low", o.reps.low},
            {"high", o.reps.high},
            {"smoothing", str("centred moving median over ", o.reps.window, " frames")},
            {"count", reps.count},
            {"completed_at_frames", reps.completed_at},
            {"frames", frames},
            {"fps", fps}};
  // Frame-to-frame movement of the joints, before and after the filter:
  // on a still scene this is the jitter the filter removes.
  r.video = {{"keypoint_filter", o.keypoint_filter},
             {"one_euro", {{"min_cutoff", o.one_euro.min_cutoff}, {"beta", o.one_euro.beta}, {"d_cutoff", o.one_euro.d_cutoff}}},
             {"mean_jitter_px_raw", mean_jitter(tracker.raw_track)},
             {"mean_jitter_px", mean_jitter(tracker.track)}};
  return r;
}

}  // namespace

VideoResults predict_video(const PredictOptions& o, const PredictSetup& s, PosePredictor& predictor, PredictSink& sink) {
  const std::string& file = s.inputs.files[0];
  const double min_vis = o.min_visibility;
  cv::VideoCapture cap = open_video(file);
  double fps = cap.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && fps < 1000)) fps = 25;  // some containers do not state it
  const bool images = !o.keypoints_only;
  if (o.save_frames && images) sink.folders.make(sink.out / "frames");
  const std::string video_target = (sink.out / (fs::path(file).stem().string() + "_pose.avi")).string();
  const std::string video_path = images ? sink.staged.add(video_target, ".avi") : "";
  cv::VideoWriter writer;
  std::vector<double> signal;  // the --rep-angle angle, frame by frame
  Tracker tracker{o, s.model.keypoints, fps, nullptr, {}, {}, {}};
  const double stated = cap.get(cv::CAP_PROP_FRAME_COUNT);
  const int64_t total = stated > 0 ? static_cast<int64_t>(stated) : 0;
  cv::Mat frame;
  while (cap.read(frame) && !frame.empty()) {
    const Pose pose = tracker.next(predictor, frame, str(file, " frame ", sink.n_inputs));
    const PersonAssessment a = assess_person(s, pose, min_vis);
    std::vector<double> parts;
    for (int c : s.rep_columns) parts.push_back(a.angles[c]);
    signal.push_back(posture::mean_of_finite(parts));
    sink.csv.row(file, sink.n_inputs, pose, a);
    if (images) {
      if (s.face_blur) s.face_blur->apply(frame, pose);
      draw_skeleton(frame, pose.points, pose.visibility, s.schema, overlay_style(frame, min_vis));
      draw_legend(frame, min_vis);
      flag_low_confidence(frame, pose, min_vis);
      const cv::Mat shown = with_posture_panel(frame, s, {a});
      if (!writer.isOpened()) open_writer(writer, video_path, video_target, fps, shown.size());
      writer.write(shown);
      if (o.save_frames) {
        char name[32];
        std::snprintf(name, sizeof name, "%06lld.jpg", static_cast<long long>(sink.n_inputs));
        write_jpeg(shown, sink.staged, (sink.out / "frames" / name).string());
        ++sink.n_overlays;
      }
    }
    ++sink.n_inputs;
    if (o.on_frame) o.on_frame(sink.n_inputs, total);
  }
  check_all_frames_read(cap, file, sink.n_inputs);
  if (images) {
    writer.release();
    ++sink.n_overlays;
  }
  VideoResults r = results(o, s, signal, tracker, sink.n_inputs, fps);
  write_reps_json(sink.staged, (sink.out / "reps.json").string(), r.reps);
  return r;
}

}  // namespace kplab
