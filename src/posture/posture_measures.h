// Posture measures read off one person's 2-D keypoints, as posture-coaching,
// physiotherapy and ergonomics tools use them: sagittal ones for a person seen
// from the side (craniovertebral-angle proxy, forward head, neck flexion,
// trunk inclination) and frontal ones for a person seen from the front or back
// (shoulder, hip and head tilt, lateral trunk lean, left/right asymmetry).
// Which measures a schema can make follows from its joint names (data, not
// code); a measure whose joints are missing or too faint is n/a (NaN), never
// a guess. Definitions, units and the thresholds with their sources are in
// src/posture/measures.md.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "posture/joint_angles.h"

namespace kplab::posture {

enum class Plane { Sagittal, Frontal };

// What a measure is and when it is flagged.
struct MeasureDef {
  std::string name;              // CSV column, e.g. "cva_deg", "forward_head"
  Plane plane = Plane::Sagittal;
  std::string unit;              // "deg", "torso" (a fraction of the shoulder-hip length), or "ratio"
  std::string label;             // a short plain name for sentences, e.g. "head forward angle"
  std::string definition;        // one sentence: which joints, which line, which sign
  double threshold = 0;          // flagged past this value
  bool bad_above = true;         // true: value > threshold is flagged; false: value < threshold
  std::string threshold_source;  // the study and its figure, or "kplab's choice" and why
  std::vector<std::string> needs;  // joint names it reads ("ear" = left_ear or right_ear, see measures.md)
};

// One measure of one person.
struct MeasureValue {
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN = n/a
  double confidence = 0;  // the smallest visibility among the joints it used (0 when n/a)
  std::string side;       // sagittal: "left" or "right", the side whose joints it used; frontal: the
                          // higher / leaning / shorter side in the person's terms, "" when level; n/a: ""
  std::string why_na;     // n/a: why ("left_ear not seen", "front view", ...); else ""
  bool available() const { return value == value; }
};

// Which way the person stands to the camera, from the joints: measures of the
// other plane are n/a (shoulder tilt means nothing when the shoulders overlap).
enum class View { Side, Front, Unknown };

// "side", "front" or "unknown" (for CSV columns and sentences).
std::string view_name(View view);

// One RULA item (McAtamney & Corlett 1993) scored from 2-D joints.
struct RulaItem {
  std::string name;   // "upper_arm", "lower_arm", "neck", "trunk"
  int score = 0;      // 0 = not computable here
  std::string why;    // the angle and the band it fell in, or why it is not computable
};

struct RulaScore {
  std::vector<RulaItem> items;           // the items 2-D keypoints can give
  std::vector<std::string> not_computed; // the RULA items 2-D keypoints cannot give (wrist, load, ...)
  int sum = 0;                           // sum of the computed items' scores (0 when none); NOT RULA's grand score
};

// Everything measured for one person.
struct PostureReading {
  View view = View::Unknown;
  // |left_shoulder.x - right_shoulder.x| / torso length, the number the view
  // was told from (see measures.md); NaN when shoulders or hips were not seen.
  double shoulder_spread = std::numeric_limits<double>::quiet_NaN();
  std::vector<MeasureValue> values;  // one per PostureMeasurer::defs(), same order
  RulaScore rula;
};

class PostureMeasurer {
 public:
  // The measures `joint_names` (a schema's joints, in order) can make. A
  // schema that can make none is fine here (every reading is empty).
  explicit PostureMeasurer(const std::vector<std::string>& joint_names);

  // The measures this schema can make, sagittal ones first, in a fixed order.
  const std::vector<MeasureDef>& defs() const { return defs_; }

  // Every measure kplab knows, whatever the schema (for docs and errors).
  static const std::vector<MeasureDef>& all();

  // Throws kplab::Error naming `where`, the measure and the joints it needs
  // when `names` asks for a measure this schema cannot make, or one kplab
  // does not know.
  void require(const std::vector<std::string>& names, const std::string& where) const;

  // Keeps only the named measures (after require()'s checks), in defs()'
  // order: what `kplab predict --measures` asks for.
  void keep_only(const std::vector<std::string>& names, const std::string& where);

  // `points` K joints in pixels (x right, y down), `visibility` K
  // probabilities; joints below `min_visibility` count as missing.
  PostureReading measure(const std::vector<Point2>& points, const std::vector<float>& visibility,
                         double min_visibility) const;

 private:
  std::vector<std::string> joints_;
  std::vector<MeasureDef> defs_;
};

// Is this value past its threshold?
bool flagged(const MeasureDef& def, const MeasureValue& value);

// A plain sentence with the numbers, for a person who is not an expert:
// flagged: "head 14° further forward than the 50° threshold (craniovertebral angle 36°)";
// not flagged: "neck flexion 8°, within the 20° threshold"; n/a: "neck flexion: n/a (left_ear not seen)".
std::string explain(const MeasureDef& def, const MeasureValue& value);

}  // namespace kplab::posture
