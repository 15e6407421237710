// RULA items (Rapid Upper Limb Assessment, McAtamney & Corlett 1993, Applied
// Ergonomics 24(2):91-99) that 2-D keypoints can give: the upper arm, lower
// arm, neck and trunk posture bands. The rest of RULA (wrist, adjustments,
// load, the grand-score tables) needs what keypoints do not show; see
// measures.md. A boundary angle goes to the lower band (45° upper arm: 2).
#pragma once

#include <string>
#include <vector>

#include "posture/posture_measures.h"

namespace kplab::posture {

// Upper arm flexion from the trunk line, degrees, forward positive:
// -20..20 -> 1, extension past -20 -> 2, 20..45 -> 2, 45..90 -> 3, over 90 -> 4.
int rula_upper_arm_score(double flexion_deg);

// Elbow flexion (180 - the angle at the elbow), degrees: 60..100 -> 1, else 2.
int rula_lower_arm_score(double elbow_flexion_deg);

// Neck flexion from the trunk line, degrees: 0..10 -> 1, 10..20 -> 2,
// over 20 -> 3, extension (below 0) -> 4.
int rula_neck_score(double neck_flexion_deg);

// Trunk inclination from vertical, degrees, forward positive: within +-5
// (upright; kplab's tolerance) -> 1, 5..20 -> 2, 20..60 -> 3, over 60 -> 4,
// extension past -5 -> 2.
int rula_trunk_score(double trunk_inclination_deg);

// The RULA items and adjustments 2-D keypoints cannot give.
const std::vector<std::string>& rula_not_computed();

// The four items from their angles (n/a ones score 0 with the angle's
// why_na). The upper arm, neck and trunk need a side view: in View::Front
// they score 0 with "needs a side view"; the lower arm is scored in any view.
RulaScore score_rula(View view, const MeasureValue& upper_arm_flexion, const MeasureValue& elbow_flexion,
                     const MeasureValue& neck_flexion, const MeasureValue& trunk_inclination);

}  // namespace kplab::posture
