// The classifier's input table: one row per person, as `kplab predict`
// writes keypoints.csv (source, frame, JOINT_x, JOINT_y, JOINT_v per joint,
// then any other columns) and as kplab's synthetic posture set writes
// truth.csv (the same plus `label`). The joints must be exactly the schema's:
// a table from another schema would feed the model the wrong numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/schema.h"
#include "posture/joint_angles.h"

namespace kplab::classify {

struct PersonRow {
  std::string source;                   // the image or video the person was found in
  int64_t frame = 0;                    // video frame (0 for images and tables without the column)
  std::vector<posture::Point2> points;  // K joints in pixels; NaN where the cells are empty
  std::vector<float> visibility;        // K probabilities in [0, 1]; 0 where empty
  std::string label;                    // the `label` column's cell, "" without one
  std::string where;                    // "PATH:LINE", for errors about this row
};

struct PostureTable {
  std::string path;
  bool has_label_column = false;
  std::vector<PersonRow> rows;
};

// Reads `path` for `schema`; with `split` (e.g. "train"), only the rows
// whose `split` column says so (truth.csv has one). Throws kplab::Error
// naming the file and what is wrong: a missing file, no rows, a missing
// source or joint column (with the columns it has), joints the schema does
// not have, a cell that is not a number, a visibility outside [0, 1], no row
// of the split.
PostureTable read_posture_table(const std::string& path, const Schema& schema, const std::string& split = "");

}  // namespace kplab::classify
