#include "posture/posture_measures.h"

#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "posture/posture_joints.h"
#include "posture/rula.h"

namespace kplab::posture {

namespace {

using namespace measures_detail;

const char* const kRula = "McAtamney & Corlett 1993, RULA, Applied Ergonomics 24(2):91-99";

std::vector<MeasureDef> sagittal_defs() {
  return {
      {"cva_deg",
       Plane::Sagittal,
       "deg",
       "craniovertebral angle",
       "angle between the forward horizontal and the line shoulder->ear on the side nearer the camera "
       "(90 = ear straight above the shoulder, smaller = head further forward); a proxy of the clinical CVA, "
       "the shoulder standing in for C7 and the ear for the tragus",
       50,
       false,
       "a commonly used cut-off for forward head posture with the clinical CVA (about 48-50 degrees in "
       "photogrammetry studies); the shoulder lies in front of C7, so this proxy reads larger than the "
       "clinical angle: a flag is a strong sign, a pass is not proof",
       {"nose", "ear", "shoulder"}},
      {"forward_head",
       Plane::Sagittal,
       "torso",
       "head forward",
       "horizontal lead of the ear over the shoulder towards where the person faces, in lengths of the same "
       "side's shoulder-hip segment",
       0.25,
       true,
       "kplab's choice, no published figure: with a shoulder-ear distance of about 0.4 torso lengths (kplab's "
       "estimate from typical adult proportions) and an upright trunk, the craniovertebral proxy's 50 degrees "
       "is a lead of about 0.4 sin 40 = 0.26",
       {"nose", "ear", "shoulder", "hip"}},
      {"neck_flexion_deg",
       Plane::Sagittal,
       "deg",
       "neck flexion",
       "forward lean of the line shoulder->ear from vertical minus the trunk's (hip->shoulder) forward lean "
       "from vertical; positive = neck bent forward of the trunk line",
       20,
       true,
       str("RULA's neck band: flexion over 20 degrees scores 3 (", kRula, ")"),
       {"nose", "ear", "shoulder", "hip"}},
      {"trunk_inclination_deg",
       Plane::Sagittal,
       "deg",
       "trunk inclination",
       "forward lean of the line hip->shoulder from vertical; positive = forward",
       20,
       true,
       str("RULA's trunk band: 20-60 degrees of flexion scores 3 (", kRula, ")"),
       {"nose", "ear", "shoulder", "hip"}},
  };
}

std::vector<MeasureDef> frontal_defs() {
  return {
      {"shoulder_tilt_deg",
       Plane::Frontal,
       "deg",
       "shoulder tilt",
       "angle of the line between the shoulders from horizontal (magnitude); side = the higher shoulder",
       5,
       true,
       "kplab's choice: about 9 px of height difference over 100 px of shoulder width, above a few pixels of "
       "keypoint error, small enough to catch a visibly dropped shoulder",
       {"left_shoulder", "right_shoulder"}},
      {"hip_tilt_deg",
       Plane::Frontal,
       "deg",
       "hip tilt",
       "angle of the line between the hips from horizontal (magnitude); side = the higher hip",
       5,
       true,
       "kplab's choice: as for the shoulders",
       {"left_hip", "right_hip"}},
      {"head_tilt_deg",
       Plane::Frontal,
       "deg",
       "head tilt",
       "angle of the line between the ears from horizontal (magnitude); side = the lower ear, the side the head "
       "tilts to",
       10,
       true,
       "kplab's choice: the ears are roughly 40% as far apart as the shoulders, so the same keypoint error "
       "tilts their line more; twice the shoulder threshold",
       {"left_ear", "right_ear"}},
      {"trunk_lean_deg",
       Plane::Frontal,
       "deg",
       "sideways trunk lean",
       "angle of the line mid-hip->mid-shoulder from vertical (magnitude); side = the side it leans to",
       10,
       true,
       str("kplab's choice: RULA adds 1 to the trunk score for any side-bending, with no angle (", kRula,
           "); 10 degrees leaves room for keypoint error and normal standing sway"),
       {"left_shoulder", "right_shoulder", "left_hip", "right_hip"}},
      {"side_length_asymmetry",
       Plane::Frontal,
       "ratio",
       "left/right shoulder-hip length difference",
       "(|left_shoulder - left_hip| - |right_shoulder - right_hip|) / their mean (magnitude); side = the "
       "shorter side",
       0.10,
       true,
       "kplab's choice, not measured: differences under 10% are within what keypoint error and a slight "
       "turn of the body can produce",
       {"left_shoulder", "right_shoulder", "left_hip", "right_hip"}},
  };
}

// head_tilt_deg for a schema with no ears but a neck and head top (LSP).
MeasureDef head_tilt_from_neck(MeasureDef def) {
  def.definition =
      "angle of the line neck->head_top from vertical (magnitude; the schema has no ears); side = the side the "
      "head leans to, told by the shoulders";
  def.needs = {"neck", "head_top", "left_shoulder", "right_shoulder"};
  return def;
}

bool names_all(const std::vector<std::string>& joints, const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(),
                     [&](const std::string& n) { return std::find(joints.begin(), joints.end(), n) != joints.end(); });
}

// A side-view need ("ear") on one side ("left_ear"); other names as they are.
std::string on_side(const std::string& need, const std::string& side) {
  return need == "ear" || need == "shoulder" || need == "hip" ? side + "_" + need : need;
}

std::vector<std::string> needs_on(const MeasureDef& def, const std::string& side) {
  std::vector<std::string> names;
  for (const auto& n : def.needs) names.push_back(on_side(n, side));
  return names;
}

// The def as this schema can make it; name "" when it cannot.
MeasureDef for_schema(const MeasureDef& def, const std::vector<std::string>& joints) {
  if (def.plane == Plane::Sagittal) {
    if (names_all(joints, needs_on(def, "left")) || names_all(joints, needs_on(def, "right"))) return def;
  } else if (names_all(joints, def.needs)) {
    return def;
  } else if (def.name == "head_tilt_deg") {
    const MeasureDef neck = head_tilt_from_neck(def);
    if (names_all(joints, neck.needs)) return neck;
  }
  return {};
}

// "nose, left_ear/right_ear, left_shoulder/right_shoulder" and the names the schema lacks.
std::string needs_text(const MeasureDef& def) {
  if (def.plane == Plane::Frontal) {
    std::string text = join(def.needs, ", ");
    if (def.name == "head_tilt_deg") text += ", or " + join(head_tilt_from_neck(def).needs, ", ");
    return text;
  }
  std::vector<std::string> parts;
  for (const auto& n : def.needs)
    parts.push_back(n == on_side(n, "left") ? n : on_side(n, "left") + "/" + on_side(n, "right"));
  return join(parts, ", ");
}

std::string lacking_text(const MeasureDef& def, const std::vector<std::string>& joints) {
  std::vector<std::string> wanted = def.plane == Plane::Frontal ? def.needs : needs_on(def, "left");
  if (def.plane == Plane::Sagittal)
    for (const auto& n : needs_on(def, "right")) wanted.push_back(n);
  if (def.name == "head_tilt_deg")
    for (const auto& n : head_tilt_from_neck(def).needs) wanted.push_back(n);
  std::vector<std::string> lacking;
  for (const auto& n : wanted)
    if (!names_all(joints, {n}) && std::find(lacking.begin(), lacking.end(), n) == lacking.end()) lacking.push_back(n);
  return join(lacking, ", ");
}

}  // namespace

std::string view_name(View view) { return view == View::Side ? "side" : view == View::Front ? "front" : "unknown"; }

const std::vector<MeasureDef>& PostureMeasurer::all() {
  static const std::vector<MeasureDef> defs = [] {
    std::vector<MeasureDef> d = sagittal_defs();
    for (auto& f : frontal_defs()) d.push_back(f);
    return d;
  }();
  return defs;
}

PostureMeasurer::PostureMeasurer(const std::vector<std::string>& joint_names) : joints_(joint_names) {
  for (const auto& def : all()) {
    MeasureDef made = for_schema(def, joints_);
    if (!made.name.empty()) defs_.push_back(made);
  }
}

void PostureMeasurer::require(const std::vector<std::string>& names, const std::string& where) const {
  for (const auto& name : names) {
    auto known = std::find_if(all().begin(), all().end(), [&](const MeasureDef& d) { return d.name == name; });
    if (known == all().end()) {
      std::vector<std::string> all_names;
      for (const auto& d : all()) all_names.push_back(d.name);
      throw input_error(where, "posture measure", "one of " + join(all_names, ", "), "'" + name + "'");
    }
    if (std::none_of(defs_.begin(), defs_.end(), [&](const MeasureDef& d) { return d.name == name; }))
      throw input_error(where, "posture measure " + name, "a schema with joints " + needs_text(*known),
                        "a schema without " + lacking_text(*known, joints_));
  }
}

void PostureMeasurer::keep_only(const std::vector<std::string>& names, const std::string& where) {
  require(names, where);
  defs_.erase(std::remove_if(defs_.begin(), defs_.end(),
                             [&](const MeasureDef& d) { return std::find(names.begin(), names.end(), d.name) == names.end(); }),
              defs_.end());
}

PostureReading PostureMeasurer::measure(const std::vector<Point2>& points, const std::vector<float>& visibility,
                                        double min_visibility) const {
  KP_CHECK(points.size() == joints_.size(), "posture measures: expected one point per joint of the schema (",
           joints_.size(), "), found ", points.size());
  KP_CHECK(visibility.size() == points.size(), "posture measures: expected one visibility per point (", points.size(),
           "), found ", visibility.size());
  const PersonJoints joints(joints_, points, visibility, min_visibility);
  PostureReading r;
  r.view = detect_view(joints, &r.shoulder_spread);
  const Sagittal s = sagittal_side(joints);
  for (const auto& def : defs_) {
    if (def.plane == Plane::Sagittal)
      r.values.push_back(r.view == View::Front ? not_available("front view: a side-view measure")
                                               : sagittal_value(def.name, joints, s));
    else
      r.values.push_back(r.view == View::Side ? not_available("side view: a front-view measure")
                                              : frontal_value(def.name, joints));
  }
  r.rula =
      score_rula(r.view, upper_arm_flexion(joints, s), elbow_flexion(joints, s),
                 sagittal_value("neck_flexion_deg", joints, s), sagittal_value("trunk_inclination_deg", joints, s));
  return r;
}

bool flagged(const MeasureDef& def, const MeasureValue& value) {
  if (!value.available()) return false;
  return def.bad_above ? value.value > def.threshold : value.value < def.threshold;
}

}  // namespace kplab::posture
