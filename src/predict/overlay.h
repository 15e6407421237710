// The skeleton overlays of `kplab predict`: how they are drawn (line widths
// that grow with the image, banners for doubtful results) and written.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "core/staged_outputs.h"
#include "predict/pose_predictor.h"
#include "viz/skeleton_draw.h"

namespace kplab {

// Lines and dots grow with the image so a 1080p overlay stays legible.
SkeletonStyle overlay_style(const cv::Mat& image, double min_visibility);

// A person whose mean joint visibility is below --min-visibility is flagged
// on the overlay (and in the CSV's confidence column), not drawn as if fine.
void flag_low_confidence(cv::Mat& image, const Pose& pose, double min_visibility);

// --detector found nobody: said on the overlay, not left to look like a failure.
void note_no_person(cv::Mat& image);

// `image` as a JPEG (quality 90) staged for `target`; errors name it.
void write_jpeg(const cv::Mat& image, StagedOutputs& staged, const std::string& target);

}  // namespace kplab
