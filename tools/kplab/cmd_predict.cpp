// kplab predict: keypoints, joint angles, skeleton overlays and repetition
// counts for images or a video, through the exported ONNX model in OpenCV
// DNN (the runtime path phones use), not LibTorch.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/staged_outputs.h"
#include "data/person_boxes.h"
#include "data/raw_dataset.h"
#include "data/schema.h"
#include "json_output.h"
#include "posture/joint_angles.h"
#include "posture/rep_counter.h"
#include "predict/onnx_pose_model.h"
#include "predict/person_detector.h"
#include "predict/pose_predictor.h"
#include "verbs.h"
#include "video/one_euro.h"
#include "viz/skeleton_draw.h"

namespace kplab::cli {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kImageExtensions = {".jpg", ".jpeg", ".png", ".bmp"};
const std::vector<std::string> kVideoExtensions = {".mp4", ".avi", ".mov", ".mkv"};
const char* kInputKinds = "an image (.jpg .jpeg .png .bmp), a video (.mp4 .avi .mov .mkv) or a folder of images";

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

bool is_one_of(const std::string& ext, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), ext) != list.end();
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

// ------------------------------------------------------------- inputs

struct Inputs {
  bool video = false;
  std::vector<std::string> files;  // images (sorted), or the one video
  int skipped = 0;                 // folder entries that are not images
};

Inputs list_inputs(const std::string& input) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw input_error(input, "--input", kInputKinds, "no such file or folder");
  Inputs in;
  if (fs::is_directory(input, ec)) {
    for (const auto& e : fs::directory_iterator(input, ec)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && name[0] != '.' && e.is_regular_file(ec) &&
          is_one_of(lower_extension(e.path()), kImageExtensions))
        in.files.push_back(e.path().string());
      else
        ++in.skipped;
    }
    if (ec) throw input_error(input, "--input", "a readable folder", ec.message());
    if (in.files.empty())
      throw input_error(input, "--input", "a folder with .jpg, .jpeg, .png or .bmp images", "none");
    std::sort(in.files.begin(), in.files.end());
    return in;
  }
  const std::string ext = lower_extension(input);
  if (is_one_of(ext, kImageExtensions)) {
    in.files = {input};
  } else if (is_one_of(ext, kVideoExtensions)) {
    in.video = true;
    in.files = {input};
  } else {
    throw input_error(input, "--input", kInputKinds, ext.empty() ? "no extension" : "extension '" + ext + "'");
  }
  return in;
}

// Overlay names: NAME_pose.jpg, or NAME_EXT_pose.jpg when two inputs share a stem (a.jpg, a.png).
std::vector<std::string> overlay_names(const std::vector<std::string>& files) {
  std::map<std::string, int> stems;
  for (const auto& f : files) ++stems[fs::path(f).stem().string()];
  std::vector<std::string> names;
  for (const auto& f : files) {
    const fs::path p(f);
    std::string name = p.stem().string();
    if (stems[name] > 1) name += "_" + lower_extension(p).substr(1);
    names.push_back(name + "_pose.jpg");
  }
  return names;
}

// ------------------------------------------------------------- outputs

void write_jpeg(const cv::Mat& image, StagedOutputs& staged, const std::string& target) {
  std::vector<uchar> bytes;
  // The temporary's name does not end in .jpg, so encode here and write bytes.
  if (!cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 90}))
    throw Error(str(target, ": JPEG encoding failed"));
  write_whole_file(staged.add(target), bytes.data(), bytes.size(), target);  // says when the disk is full
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

class CsvWriter {
 public:
  CsvWriter(StagedOutputs& staged, const std::string& target, const Schema& schema,
            const std::vector<posture::AngleDef>& angles)
      : target_(target), out_(staged.add(target)) {
    out_ << "source,frame";
    for (const auto& j : schema.joints) out_ << ',' << j << "_x," << j << "_y," << j << "_v";
    for (const auto& a : angles) out_ << ',' << (a.kind == posture::AngleDef::Kind::Vertex ? a.name + "_angle" : a.name);
    out_ << ",confidence,crop\n";
  }
  void row(const std::string& source, int64_t frame, const Pose& p, const std::vector<double>& angles) {
    out_ << csv_field(source) << ',' << frame;
    for (size_t j = 0; j < p.points.size(); ++j)
      out_ << ',' << number(p.points[j].x, 2) << ',' << number(p.points[j].y, 2) << ','
           << number(p.visibility[j], 3);
    for (double a : angles) out_ << ',' << number(a, 2);
    out_ << ',' << number(p.confidence(), 3) << ',' << p.crop << '\n';
  }
  void close() {
    out_.close();
    if (!out_) throw Error(str(target_, ": writing failed: ", write_failure_reason(target_, 0)));
  }

 private:
  std::string target_;
  std::ofstream out_;
};

std::vector<posture::Point2> to_points(const Pose& p) {
  std::vector<posture::Point2> pts;
  for (const auto& q : p.points) pts.push_back({q.x, q.y});
  return pts;
}

SkeletonStyle style_for(const cv::Mat& image, double min_visibility) {
  SkeletonStyle s;  // lines and dots grow with the image so a 1080p overlay stays legible
  const int side = std::max(image.cols, image.rows);
  s.thickness = std::max(2, side / 320);
  s.radius = std::max(3, side / 200);
  s.min_visibility = min_visibility;
  s.dot_shows_confidence = true;
  return s;
}

// A person whose mean joint visibility is below --min-visibility is flagged
// on the overlay (and in the CSV's confidence column), not drawn as if fine.
// A red banner across the top-left corner of an overlay.
void banner(cv::Mat& image, const std::string& text) {
  const double scale = std::max(0.4, std::max(image.cols, image.rows) / 800.0);
  int baseline = 0;
  const cv::Size box = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  cv::rectangle(image, cv::Rect(0, 0, box.width + 8, box.height + baseline + 8), cv::Scalar(0, 0, 160), cv::FILLED);
  cv::putText(image, text, cv::Point(4, box.height + 4), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1,
              cv::LINE_AA);
}

void flag_low_confidence(cv::Mat& image, const Pose& pose, double min_visibility) {
  if (pose.confidence() < min_visibility) banner(image, str("low confidence (", number(pose.confidence(), 2), ")"));
}

// --detector found nobody: said on the overlay, not left to look like a failure.
void note_no_person(cv::Mat& image) { banner(image, "no person detected"); }

// --rep-angle: which posture angles make the repetition signal (mean of the seen ones).
std::vector<std::string> rep_angle_parts(const std::string& name) {
  if (name == "knees") return {"left_knee", "right_knee"};
  if (name == "hips") return {"left_hip", "right_hip"};
  if (name == "left_knee" || name == "right_knee" || name == "left_hip" || name == "right_hip") return {name};
  throw input_error("--rep-angle", "value", "knees, hips, left_knee, right_knee, left_hip or right_hip",
                    "'" + name + "'");
}

}  // namespace

int predict(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Predict keypoints for images or a video through an exported ONNX model in OpenCV DNN (the\n"
                        "runtime path phones use, not LibTorch). The person is found in two passes (--crop two-pass:\n"
                        "the whole frame padded to a centred square, then a re-crop around the joints seen); in a\n"
                        "video, later frames are cropped around the previous frame's pose; with --boxes, one crop\n"
                        "per given box; with --detector, one crop per person your detector finds. Keypoints are mapped back to the original pixels; in a video they are\n"
                        "smoothed (--keypoint-filter). Writes to --out (created if missing; files of the same name\n"
                        "are replaced):\n"
                        "  NAME_pose.jpg        skeleton overlay per image\n"
                        "  NAME_pose.avi        overlay video (MJPG) for a video input\n"
                        "  frames/000123.jpg    overlay per video frame, with --save-frames\n"
                        "  keypoints.csv        one row per person: source,frame, JOINT_x,JOINT_y,JOINT_v per\n"
                        "                       joint, then joint angles in degrees (knee: hip-knee-ankle, hip:\n"
                        "                       shoulder-hip-knee, neck_inclination: neck->head_top from the image\n"
                        "                       vertical, + leaning to the image's right); empty when a joint's\n"
                        "                       visibility is below --min-visibility; then confidence (mean\n"
                        "                       visibility) and crop (frame, two-pass, tracked, box or detector)\n"
                        "  reps.json            video only: repetitions of --rep-angle (moving median over --smooth\n"
                        "                       frames, counted when it goes below --rep-low and back above\n"
                        "                       --rep-high)\n"
                        "Outputs appear only when the whole run succeeds.\n");
  opts.add_options()
      ("model", "exported .onnx file, or a run folder holding model.onnx", cxxopts::value<std::string>())
      ("input", "an image, a folder of images (.jpg .jpeg .png .bmp, sorted) or a video (.mp4 .avi .mov .mkv)",
       cxxopts::value<std::string>())
      ("out", "output folder", cxxopts::value<std::string>())
      ("schema", "keypoint schema file: joint names and skeleton; K must match the model (default: the schema "
                 "the exported model carries)", cxxopts::value<std::string>()->default_value(""))
      ("decoder", "auto (the heatmaps' peaks when the model outputs heatmaps, else its coords), heatmap or regression",
       cxxopts::value<std::string>()->default_value("auto"))
      ("min-visibility", "joints below this visibility are not drawn and void their angles", cxxopts::value<double>()->default_value("0.5"))
      ("save-frames", "also write each video frame's overlay to OUT/frames/", cxxopts::value<bool>()->default_value("false"))
      ("rep-angle", "repetition signal: knees (mean of left and right knee, whichever are seen), hips, left_knee, right_knee, left_hip or right_hip",
       cxxopts::value<std::string>()->default_value("knees"))
      ("rep-low", "degrees: below this a repetition reached its bottom", cxxopts::value<double>()->default_value("100"))
      ("rep-high", "degrees: back above this the repetition is complete", cxxopts::value<double>()->default_value("150"))
      ("smooth", "moving-median window of the repetition signal, in frames (odd; 1 = none)", cxxopts::value<int>()->default_value("5"))
      ("boxes", "images: person boxes, a CSV (image,x,y,w,h) or COCO json (images, annotations with bbox): one\n"
                "skeleton per box (top-down), for photos with several people", cxxopts::value<std::string>()->default_value(""))
      ("detector", "images: a person detector ONNX file, run in ONNX Runtime (input 1x3xHxW, the photo\n"
                   "letterboxed, RGB in [0, 1];\n"
                   "first output [1, N, 5|6]: x1, y1, x2, y2, score[, class] after NMS, the layout of Ultralytics'\n"
                   "export with nms=True): one skeleton per person found", cxxopts::value<std::string>()->default_value(""))
      ("detector-score", "--detector: boxes scoring below this are ignored", cxxopts::value<double>()->default_value("0.25"))
      ("detector-class", "--detector with a class column: the person class (COCO: 0)", cxxopts::value<int>()->default_value("0"))
      ("crop", "two-pass (the whole frame, then a re-crop around the joints found, as the training crops were cut) "
               "or frame (the whole frame only)", cxxopts::value<std::string>()->default_value("two-pass"))
      ("margin", "two-pass: context around the joints' extent, as kplab prepare --margin",
       cxxopts::value<double>()->default_value("0.25"))
      ("keypoint-filter", "video: one-euro (temporal smoothing of the keypoints, as MediaPipe does) or none",
       cxxopts::value<std::string>()->default_value("one-euro"))
      ("one-euro-min-cutoff", "one-euro: cut-off at rest, Hz (lower: steadier still joints, more lag)",
       cxxopts::value<double>()->default_value("1.0"))
      ("one-euro-beta", "one-euro: cut-off gain with speed (frame heights per second): less lag when moving",
       cxxopts::value<double>()->default_value("5.0"))
      ("json", "write the run summary as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"model"});
  opts.positional_help("MODEL");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexamples:\n  kplab predict runs/quickstart/model.onnx --input photos/ --out predictions\n"
                "  kplab predict runs/quickstart --input squats.mp4 --out squats --rep-low 100 --rep-high 150\n",
                opts.help().c_str());
    return 0;
  }
  if (!r.count("model")) throw Error(str("missing MODEL (see ", argv[0], " --help)"));
  if (!r.count("input")) throw Error(str("missing --input (see ", argv[0], " --help)"));
  if (!r.count("out")) throw Error(str("missing --out (see ", argv[0], " --help)"));
  const double min_vis = r["min-visibility"].as<double>();
  if (!(min_vis >= 0 && min_vis <= 1))
    throw input_error("--min-visibility", "value", "a probability in [0, 1]", number(min_vis, 3));
  posture::RepCounterOptions rep_opts;
  rep_opts.low = r["rep-low"].as<double>();
  rep_opts.high = r["rep-high"].as<double>();
  rep_opts.window = r["smooth"].as<int>();
  if (!(rep_opts.low < rep_opts.high))
    throw input_error("--rep-low/--rep-high", "thresholds", "low < high",
                      str("low ", rep_opts.low, ", high ", rep_opts.high));
  if (rep_opts.window < 1 || rep_opts.window % 2 == 0)
    throw input_error("--smooth", "window", "an odd number of frames >= 1", std::to_string(rep_opts.window));
  const std::string crop_mode = r["crop"].as<std::string>();
  if (crop_mode != "two-pass" && crop_mode != "frame")
    throw input_error("--crop", "mode", "two-pass or frame", "'" + crop_mode + "'");
  const bool two_pass = crop_mode == "two-pass";
  const double margin = r["margin"].as<double>();
  if (!(margin >= 0 && margin <= 4)) throw input_error("--margin", "margin", "0..4", number(margin, 3));
  const std::string keypoint_filter = r["keypoint-filter"].as<std::string>();
  if (keypoint_filter != "one-euro" && keypoint_filter != "none")
    throw input_error("--keypoint-filter", "filter", "one-euro or none", "'" + keypoint_filter + "'");
  OneEuroOptions one_euro;
  one_euro.min_cutoff = r["one-euro-min-cutoff"].as<double>();
  one_euro.beta = r["one-euro-beta"].as<double>();
  if (!(one_euro.min_cutoff > 0)) throw input_error("--one-euro-min-cutoff", "cut-off", "> 0 Hz", number(one_euro.min_cutoff, 3));
  if (!(one_euro.beta >= 0)) throw input_error("--one-euro-beta", "beta", ">= 0", number(one_euro.beta, 3));
  const std::string rep_angle = r["rep-angle"].as<std::string>();
  const std::vector<std::string> rep_parts = rep_angle_parts(rep_angle);

  // Everything that can be checked is checked before anything is written.
  OnnxModel model = inspect_onnx(resolve_model_path(r["model"].as<std::string>()));
  choose_decoder(model, r["decoder"].as<std::string>());
  const Schema schema = predict_schema(r["schema"].as<std::string>(), model);
  if (schema.num_joints() != model.keypoints)
    throw input_error(model.path, "output 'coords'",
                      str(schema.num_joints(), " joints (schema ", schema.name, ", ", schema.path, ")"),
                      str(model.keypoints, " joints (1x", model.keypoints, "x2)"));
  const std::vector<posture::AngleDef> angles = posture::posture_angles(schema.joints);
  std::vector<int> rep_columns;  // indices into `angles`
  for (size_t i = 0; i < angles.size(); ++i)
    if (std::find(rep_parts.begin(), rep_parts.end(), angles[i].name) != rep_parts.end())
      rep_columns.push_back(static_cast<int>(i));
  const std::string input = r["input"].as<std::string>();
  const Inputs inputs = list_inputs(input);
  if (inputs.video && rep_columns.empty())
    throw input_error(schema.path, "joints", str("the joints of --rep-angle ", rep_angle, " (", join(rep_parts, ", "),
                                                 ": hip, knee, ankle and shoulder names)"),
                      "none of them");
  std::map<std::string, std::vector<PersonBox>> boxes;
  if (!r["boxes"].as<std::string>().empty()) {
    const std::string boxes_file = r["boxes"].as<std::string>();
    if (inputs.video) throw input_error(boxes_file, "--boxes", "boxes for images (--input photos)", "a video input");
    boxes = read_person_boxes(boxes_file);
    for (const auto& [image, people] : boxes) {  // every box names one of the input images
      bool found = false;
      for (const auto& f : inputs.files) found = found || f == image || fs::path(f).filename().string() == image;
      if (!found) throw input_error(people.front().where, "image", "an image of --input " + input, "'" + image + "'");
    }
  }
  std::optional<PersonDetector> detector;
  if (!r["detector"].as<std::string>().empty()) {
    const std::string file = r["detector"].as<std::string>();
    if (!boxes.empty()) throw input_error(file, "--detector", "either --boxes or --detector", "both");
    if (inputs.video) throw input_error(file, "--detector", "a detector for images (--input photos)", "a video input");
    const double score = r["detector-score"].as<double>();
    if (!(score >= 0 && score <= 1)) throw input_error("--detector-score", "score", "[0, 1]", number(score, 3));
    detector.emplace(file, static_cast<float>(score), r["detector-class"].as<int>());
  }
  int64_t n_detected = 0, n_without_people = 0;
  PosePredictor predictor(model);

  const fs::path out = r["out"].as<std::string>();
  CreatedFolders folders;
  folders.make(out);
  JsonOutput json_out(r["json"].as<std::string>());
  StagedOutputs staged;
  CsvWriter csv(staged, (out / "keypoints.csv").string(), schema, angles);
  int64_t n_inputs = 0, n_overlays = 0;
  nlohmann::json reps_json, video_json;

  if (!inputs.video) {
    const std::vector<std::string> names = overlay_names(inputs.files);
    // Photos are read a chunk at a time: with --detector the chunk goes to
    // ONNX Runtime in one process (16 x 3 x 640 x 640 floats is 79 MB), and
    // each photo is decoded once for both models.
    constexpr size_t kChunk = 16;
    std::vector<cv::Mat> photos;
    std::vector<std::vector<DetectedPerson>> detected;
    for (size_t i = 0; i < inputs.files.size(); ++i) {
      const std::string& file = inputs.files[i];
      if (i % kChunk == 0) {
        photos.clear();
        const size_t end = std::min(inputs.files.size(), i + kChunk);
        const std::vector<std::string> sources(inputs.files.begin() + i, inputs.files.begin() + end);
        // Applies the EXIF orientation, as phone galleries show it; refuses a
        // truncated JPEG (libjpeg alone would fill the rest grey and go on).
        for (const std::string& f : sources) photos.push_back(load_image_file(f));
        if (detector) detected = detector->detect(photos, sources);
      }
      cv::Mat& image = photos[i % kChunk];
      std::vector<Pose> people;
      if (const std::vector<PersonBox>* given = boxes_for(boxes, file)) {
        for (const PersonBox& b : *given) {
          // A box that leaves the image by more than 2% of its size was made for another picture.
          const float slack = 0.02f * std::max(image.cols, image.rows);
          if (b.box.x < -slack || b.box.y < -slack || b.box.x + b.box.width > image.cols + slack ||
              b.box.y + b.box.height > image.rows + slack)
            throw input_error(b.where, "box", str("a box inside ", file, " (", image.cols, "x", image.rows, ")"),
                              str(b.box.x, ", ", b.box.y, ", ", b.box.width, ", ", b.box.height));
          people.push_back(predictor.run_box(image, b.box, file, margin));
        }
      } else if (detector) {
        for (const DetectedPerson& d : detected[i % kChunk]) {
          people.push_back(predictor.run_box(image, d.box, file, margin));
          people.back().crop = "detector";
        }
        n_detected += static_cast<int64_t>(people.size());
        if (people.empty()) {
          ++n_without_people;
          note_no_person(image);
        }
      } else {
        people.push_back(predictor.run(image, file, two_pass, min_vis, margin));
      }
      for (const Pose& pose : people) {
        csv.row(file, 0, pose, posture::compute_angles(angles, to_points(pose), pose.visibility, min_vis));
        draw_skeleton(image, pose.points, pose.visibility, schema, style_for(image, min_vis));
      }
      draw_legend(image, min_vis);
      if (people.size() == 1) flag_low_confidence(image, people[0], min_vis);
      write_jpeg(image, staged, (out / names[i]).string());
      ++n_inputs;
      ++n_overlays;
    }
  } else {
    const std::string& file = inputs.files[0];
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
    double fps = cap.get(cv::CAP_PROP_FPS);
    if (!(fps > 0 && fps < 1000)) fps = 25;  // some containers do not state it
    const bool save_frames = r["save-frames"].as<bool>();
    if (save_frames) folders.make(out / "frames");
    const std::string video_target = (out / (fs::path(file).stem().string() + "_pose.avi")).string();
    const std::string video_path = staged.add(video_target, ".avi");
    cv::VideoWriter writer;
    std::vector<double> signal;
    std::unique_ptr<KeypointSmoother> smoother;  // one-euro, in frame heights
    std::vector<std::vector<cv::Point2f>> raw_track, track;
    Pose previous;
    cv::Mat frame;
    while (cap.read(frame) && !frame.empty()) {
      if (!writer.isOpened()) {
        // OpenCV's own MJPEG/AVI writer needs no codec packages; FFmpeg or another backend otherwise.
        const int mjpg = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
        writer.open(video_path, cv::CAP_OPENCV_MJPEG, mjpg, fps, frame.size());
        if (!writer.isOpened()) writer.open(video_path, cv::CAP_ANY, mjpg, fps, frame.size());
        if (!writer.isOpened()) throw Error(str(video_target, ": OpenCV cannot write an MJPG video"));
      }
      const std::string source = str(file, " frame ", n_inputs);
      Pose pose = two_pass ? predictor.run_tracked(frame, source, track.empty() ? nullptr : &previous, min_vis, margin)
                           : predictor.run(frame, source, false, min_vis, margin);
      raw_track.push_back(pose.points);
      if (keypoint_filter == "one-euro") {
        if (!smoother) smoother = std::make_unique<KeypointSmoother>(model.keypoints, frame.rows, one_euro);
        pose.points = (*smoother)(pose.points, 1.0 / fps);
      }
      track.push_back(pose.points);
      previous = pose;  // the next frame's crop follows this (smoothed) pose
      const std::vector<double> a = posture::compute_angles(angles, to_points(pose), pose.visibility, min_vis);
      std::vector<double> parts;
      for (int c : rep_columns) parts.push_back(a[c]);
      signal.push_back(posture::mean_of_finite(parts));
      csv.row(file, n_inputs, pose, a);
      draw_skeleton(frame, pose.points, pose.visibility, schema, style_for(frame, min_vis));
      draw_legend(frame, min_vis);
      flag_low_confidence(frame, pose, min_vis);
      writer.write(frame);
      if (save_frames) {
        char name[32];
        std::snprintf(name, sizeof name, "%06lld.jpg", static_cast<long long>(n_inputs));
        write_jpeg(frame, staged, (out / "frames" / name).string());
        ++n_overlays;
      }
      ++n_inputs;
    }
    if (n_inputs == 0) throw input_error(file, "video", "at least one frame", "none could be read");
    // A cut-off file decodes its first frames and then just ends: compare with
    // the count its header states (allowing a little for containers that estimate it).
    const double stated = cap.get(cv::CAP_PROP_FRAME_COUNT);
    if (stated > 0 && n_inputs + std::max(2.0, stated / 50) < stated)
      throw input_error(file, "video", str(static_cast<long long>(stated), " frames (as its header states)"),
                        str("only ", n_inputs, " readable: the file is truncated or damaged"));
    writer.release();
    ++n_overlays;

    const posture::RepCount reps = posture::count_reps(signal, rep_opts);
    reps_json = {{"angle", rep_angle},
                 {"angle_parts", rep_parts},
                 {"low", rep_opts.low},
                 {"high", rep_opts.high},
                 {"smoothing", str("centred moving median over ", rep_opts.window, " frames")},
                 {"count", reps.count},
                 {"completed_at_frames", reps.completed_at},
                 {"frames", n_inputs},
                 {"fps", fps}};
    // Frame-to-frame movement of the joints, before and after the filter:
    // on a still scene this is the jitter the filter removes.
    video_json = {{"keypoint_filter", keypoint_filter},
                  {"one_euro", {{"min_cutoff", one_euro.min_cutoff}, {"beta", one_euro.beta}, {"d_cutoff", one_euro.d_cutoff}}},
                  {"mean_jitter_px_raw", mean_jitter(raw_track)},
                  {"mean_jitter_px", mean_jitter(track)}};
    const std::string reps_target = (out / "reps.json").string();
    std::ofstream f(staged.add(reps_target));
    f << reps_json.dump(2) << "\n";
    f.close();
    if (!f) throw Error(str(reps_target, ": writing failed: ", write_failure_reason(reps_target, 0)));
  }
  csv.close();
  // The JSON summary is staged before anything is renamed into place: if it
  // cannot be written, no overlay or CSV of this run is left either.
  const std::vector<std::string> written = staged.targets();

  nlohmann::json j = {{"model", model.path},
                      {"input", input},
                      {"kind", inputs.video ? "video" : "images"},
                      {"out", out.string()},
                      {"schema", schema.path},
                      {"input_size", model.size},
                      {"num_keypoints", model.keypoints},
                      {"n_inputs", n_inputs},
                      {"n_outputs", written.size()},
                      {"outputs", written},
                      {"forward_ms_mean", predictor.mean_forward_ms()},
                      {"n_forward", predictor.forwards()},
                      {"runtime", "opencv-dnn"},
                      {"decoder", model.decoder},
                      {"reps", reps_json},
                      {"video", video_json}};
  if (detector)
    j["detector"] = {{"model", detector->path()},
                     {"input", {detector->input_height(), detector->input_width()}},
                     {"min_score", r["detector-score"].as<double>()},
                     {"people", n_detected},
                     {"images_without_people", n_without_people}};
  json_out.stage(j);
  staged.commit_all();
  folders.keep();
  json_out.commit();

  std::printf("predicted %lld %s of %s with %s in OpenCV DNN (input %dx%d, %d joints, %s decoder): forward %.2f ms "
              "mean\n",
              static_cast<long long>(n_inputs), inputs.video ? "frames" : (n_inputs == 1 ? "image" : "images"),
              input.c_str(), model.path.c_str(), model.size, model.size, model.keypoints, model.decoder.c_str(),
              predictor.mean_forward_ms());
  if (inputs.skipped) std::printf("  skipped %d folder entries that are not images\n", inputs.skipped);
  if (detector)
    std::printf("  detector     %s found %lld %s (%lld image%s without any)\n", detector->path().c_str(),
                static_cast<long long>(n_detected), n_detected == 1 ? "person" : "people",
                static_cast<long long>(n_without_people), n_without_people == 1 ? "" : "s");
  if (inputs.video) {
    std::vector<std::string> at;
    for (const auto& v : reps_json["completed_at_frames"]) at.push_back(std::to_string(v.get<int64_t>()));
    std::printf("  reps         %d (%s, below %g then above %g degrees)%s%s\n", reps_json["count"].get<int>(),
                rep_angle.c_str(), rep_opts.low, rep_opts.high, at.empty() ? "" : ", completed at frames ",
                join(at, ", ").c_str());
  }
  if (inputs.video)
    std::printf("  keypoints    %s; joints moved %.2f px a frame on average (%.2f px before filtering)\n",
                keypoint_filter == "one-euro" ? "one-euro filter" : "no filter",
                video_json["mean_jitter_px"].get<double>(), video_json["mean_jitter_px_raw"].get<double>());
  if (inputs.video)
    std::printf("  wrote        %s in %s%s\n", "the overlay video, keypoints.csv, reps.json", out.string().c_str(),
                n_overlays > 1 ? str(", ", n_overlays - 1, " frame overlays in frames/").c_str() : "");
  else
    std::printf("  wrote        %lld overlay%s and keypoints.csv in %s\n", static_cast<long long>(n_overlays),
                n_overlays == 1 ? "" : "s", out.string().c_str());

  return 0;
}

}  // namespace kplab::cli
