// Counting exercise repetitions (squats, lunges...) from one joint angle per
// video frame. Pure functions over the angle sequence; no video, no model.
//
// Smoothing: a centred moving median over `window` frames that ignores
// missing (NaN) samples. A median, not an EMA, because pose jitter comes as
// single-frame outliers (a knee snapping to the other leg for one frame),
// which a median removes without lag while an EMA smears them over frames
// and shifts every crossing later. Centred, because counting runs after the
// whole video is read; a frame is NaN only when its whole window is.
//
// Counting: hysteresis between two thresholds. A repetition is counted when
// the smoothed angle, having gone below `low` (the bottom of the movement),
// comes back above `high` (the top); the frame where it first exceeds
// `high` is where the repetition completes. Noise inside the low..high band
// cannot count twice. A video that starts below `low` (already at the
// bottom) does not count its first rise: that rep's descent was not seen.
// Missing samples leave the state unchanged, so gaps (a person briefly out
// of view) are tolerated.
#pragma once

#include <cstdint>
#include <vector>

namespace kplab::posture {

struct RepCounterOptions {
  double low = 100;  // degrees; below it the movement reached its bottom (knee squat: about 100)
  double high = 150; // degrees; back above it the repetition is complete (standing knee: 160-180)
  int window = 5;    // moving-median window in frames: odd, 1 = no smoothing
};

struct RepCount {
  int count = 0;
  std::vector<int64_t> completed_at;  // frame index at which each repetition completed
  std::vector<double> smoothed;       // the signal the thresholds were applied to (NaN: missing)
};

// Centred moving median of the finite samples in each window of `window`
// (odd) frames; NaN where the window holds none. Even counts give the mean
// of the two middle values.
std::vector<double> moving_median(const std::vector<double>& values, int window);

// Counts repetitions in `angles` (one per frame, degrees, NaN = missing).
// Throws kplab::Error for thresholds that are not finite with low < high,
// or an even or non-positive window.
RepCount count_reps(const std::vector<double>& angles, const RepCounterOptions& options = {});

}  // namespace kplab::posture
