#include "predict/predict_options.h"

#include "core/error.h"
#include "predict/keypoints_csv.h"

namespace kplab {

void check_predict_options(const PredictOptions& o) {
  if (!(o.min_visibility >= 0 && o.min_visibility <= 1))
    throw input_error("--min-visibility", "value", "a probability in [0, 1]", csv_number(o.min_visibility, 3));
  if (!(o.reps.low < o.reps.high))
    throw input_error("--rep-low/--rep-high", "thresholds", "low < high", str("low ", o.reps.low, ", high ", o.reps.high));
  if (o.reps.window < 1 || o.reps.window % 2 == 0)
    throw input_error("--smooth", "window", "an odd number of frames >= 1", std::to_string(o.reps.window));
  if (o.crop != "two-pass" && o.crop != "frame") throw input_error("--crop", "mode", "two-pass or frame", "'" + o.crop + "'");
  if (!(o.margin >= 0 && o.margin <= 4)) throw input_error("--margin", "margin", "0..4", csv_number(o.margin, 3));
  if (o.keypoint_filter != "one-euro" && o.keypoint_filter != "none")
    throw input_error("--keypoint-filter", "filter", "one-euro or none", "'" + o.keypoint_filter + "'");
  if (!(o.one_euro.min_cutoff > 0))
    throw input_error("--one-euro-min-cutoff", "cut-off", "> 0 Hz", csv_number(o.one_euro.min_cutoff, 3));
  if (!(o.one_euro.beta >= 0)) throw input_error("--one-euro-beta", "beta", ">= 0", csv_number(o.one_euro.beta, 3));
  rep_angle_parts(o.rep_angle);
  if (o.keypoints_only && o.save_frames)
    throw input_error("--save-frames", "option", "no frame images with --keypoints-only (it writes no images)", "both");
}

std::vector<std::string> rep_angle_parts(const std::string& name) {
  if (name == "knees") return {"left_knee", "right_knee"};
  if (name == "hips") return {"left_hip", "right_hip"};
  if (name == "left_knee" || name == "right_knee" || name == "left_hip" || name == "right_hip") return {name};
  throw input_error("--rep-angle", "value", "knees, hips, left_knee, right_knee, left_hip or right_hip",
                    "'" + name + "'");
}

}  // namespace kplab
