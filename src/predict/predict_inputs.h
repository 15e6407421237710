// What `kplab predict --input` names: one image, a folder of images or one
// video, and the overlay file name each image gets.
#pragma once

#include <string>
#include <vector>

namespace kplab {

struct PredictInputs {
  bool video = false;
  std::vector<std::string> files;  // images (sorted), or the one video
  int skipped = 0;                 // folder entries that are not images
};

// Lists `input` (errors name it and the kinds accepted; a folder without
// images is an error, hidden files and other entries are skipped).
PredictInputs list_inputs(const std::string& input);

// Overlay names: NAME_pose.jpg, or NAME_EXT_pose.jpg when two inputs share a
// stem (a.jpg, a.png).
std::vector<std::string> overlay_names(const std::vector<std::string>& files);

}  // namespace kplab
