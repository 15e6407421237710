// kplab predict: keypoints, joint angles, skeleton overlays and repetition
// counts for images or a video, through the exported ONNX model in OpenCV
// DNN (the runtime path phones use), not LibTorch (src/predict/predict_job.h).
#include <cstdio>
#include <cxxopts.hpp>
#include <string>

#include "predict/predict_job.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

// Every option but --help, each read into its field of `o`.
void add_options(cxxopts::Options& opts, PredictOptions& o) {
  opts.add_options()
      ("model", "exported .onnx file, or a run folder holding model.onnx", cxxopts::value<std::string>(o.model))
      ("input", "an image, a folder of images (.jpg .jpeg .png .bmp, sorted) or a video (.mp4 .avi .mov .mkv)",
       cxxopts::value<std::string>(o.input))
      ("out", "output folder", cxxopts::value<std::string>(o.out))
      ("schema", "keypoint schema file: joint names and skeleton; K must match the model (default: the schema "
                 "the exported model carries)", cxxopts::value<std::string>(o.schema)->default_value(""))
      ("decoder", "auto (the heatmaps' peaks when the model outputs heatmaps, else its coords), heatmap or regression",
       cxxopts::value<std::string>(o.decoder)->default_value("auto"))
      ("min-visibility", "joints below this visibility are not drawn and void their angles", cxxopts::value<double>(o.min_visibility)->default_value("0.5"))
      ("runtime", "what runs the exported graph: auto (kplab's XNNPACK runner when it covers the graph, else\n"
       "OpenCV DNN), xnnpack (refuse graphs it does not cover) or opencv-dnn",
       cxxopts::value<std::string>(o.runtime)->default_value("auto"))
      ("flip-test", "flip test-time augmentation: also run each crop mirrored, map it back (left and right\n"
       "joints swapped) and average (the heatmaps when decoding heatmaps); twice the forward time",
       cxxopts::value<bool>(o.flip_test)->default_value("false"))
      ("save-frames", "also write each video frame's overlay to OUT/frames/", cxxopts::value<bool>(o.save_frames)->default_value("false"))
      ("rep-angle", "repetition signal: knees (mean of left and right knee, whichever are seen), hips, left_knee, right_knee, left_hip or right_hip",
       cxxopts::value<std::string>(o.rep_angle)->default_value("knees"))
      ("rep-low", "degrees: below this a repetition reached its bottom", cxxopts::value<double>(o.reps.low)->default_value("100"))
      ("rep-high", "degrees: back above this the repetition is complete", cxxopts::value<double>(o.reps.high)->default_value("150"))
      ("smooth", "moving-median window of the repetition signal, in frames (odd; 1 = none)", cxxopts::value<int>(o.reps.window)->default_value("5"))
      ("boxes", "images: person boxes, a CSV (image,x,y,w,h) or COCO json (images, annotations with bbox): one\n"
                "skeleton per box (top-down), for photos with several people", cxxopts::value<std::string>(o.boxes)->default_value(""))
      ("detector", "images: a person detector ONNX file, run in ONNX Runtime (input 1x3xHxW, the photo\n"
                   "letterboxed, RGB in [0, 1];\n"
                   "first output [1, N, 5|6]: x1, y1, x2, y2, score[, class] after NMS, the layout of Ultralytics'\n"
                   "export with nms=True): one skeleton per person found", cxxopts::value<std::string>(o.detector)->default_value(""))
      ("detector-score", "--detector: boxes scoring below this are ignored", cxxopts::value<double>(o.detector_score)->default_value("0.25"))
      ("detector-class", "--detector with a class column: the person class (COCO: 0)", cxxopts::value<int>(o.detector_class)->default_value("0"))
      ("crop", "two-pass (the whole frame, then a re-crop around the joints found, as the training crops were cut) "
               "or frame (the whole frame only)", cxxopts::value<std::string>(o.crop)->default_value("two-pass"))
      ("margin", "two-pass: context around the joints' extent, as kplab prepare --margin",
       cxxopts::value<double>(o.margin)->default_value("0.25"))
      ("keypoint-filter", "video: one-euro (temporal smoothing of the keypoints, as MediaPipe does) or none",
       cxxopts::value<std::string>(o.keypoint_filter)->default_value("one-euro"))
      ("one-euro-min-cutoff", "one-euro: cut-off at rest, Hz (lower: steadier still joints, more lag)",
       cxxopts::value<double>(o.one_euro.min_cutoff)->default_value("1.0"))
      ("one-euro-beta", "one-euro: cut-off gain with speed (frame heights per second): less lag when moving",
       cxxopts::value<double>(o.one_euro.beta)->default_value("5.0"))
      ("measures", "posture measures to write, comma-separated (default: all the schema can make; see\n"
                   "src/posture/measures.md); one the schema lacks the joints for is refused",
       cxxopts::value<std::string>(o.measures)->default_value(""))
      ("classifier", "a `kplab classify train` folder: a good/bad posture verdict per person, with its reasons,\n"
                     "in keypoints.csv (verdict, verdict_probability, verdict_reasons) and on the overlay",
       cxxopts::value<std::string>(o.classifier)->default_value(""))
      ("blur-faces", "pixelate each person's head region (from the head joints) in every image written",
       cxxopts::value<bool>(o.blur_faces)->default_value("false"))
      ("keypoints-only", "write no images (no overlays, frames or video): keypoints.csv and reps.json only",
       cxxopts::value<bool>(o.keypoints_only)->default_value("false"))
      ("json", "write the run summary as JSON here", cxxopts::value<std::string>(o.json)->default_value(""));
}

}  // namespace

int predict(int argc, char** argv) {
  PredictOptions o;  // each option is read into its field
  cxxopts::Options opts(argv[0],
                        "Predict keypoints for images or a video through an exported ONNX model (the file phones\n"
                        "get, not LibTorch), run by kplab's XNNPACK runner (OpenCV DNN where it does not cover the\n"
                        "graph; --runtime). The person is found in two passes (--crop two-pass:\n"
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
                        "                       visibility is below --min-visibility; then the posture measures\n"
                        "                       the schema can make (src/posture/measures.md; empty when n/a),\n"
                        "                       rula_sum, posture_flags (the measures past their thresholds),\n"
                        "                       posture_notes (why, in words); then confidence (mean\n"
                        "                       visibility) and crop (frame, two-pass, tracked, box or detector)\n"
                        "  reps.json            video only: repetitions of --rep-angle (moving median over --smooth\n"
                        "                       frames, counted when it goes below --rep-low and back above\n"
                        "                       --rep-high)\n"
                        "Outputs appear only when the whole run succeeds.\n");
  add_options(opts, o);
  opts.add_options()
      ("h,help", "show this help");
  opts.parse_positional({"model"});
  opts.positional_help("MODEL");
  const auto r = parse_args(opts, argc, argv,
                            {"kplab predict runs/quickstart/model.onnx --input photos/ --out predictions",
                             "kplab predict runs/quickstart --input squats.mp4 --out squats --rep-low 100 --rep-high 150"});
  if (!r) return 0;
  require(*r, "model", argv[0], "MODEL");
  require(*r, "input", argv[0]);
  require(*r, "out", argv[0]);
  std::printf("%s", run_predict(o).to_text().c_str());
  return 0;
}

}  // namespace kplab::cli
