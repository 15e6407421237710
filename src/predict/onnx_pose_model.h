// An exported pose model as kplab predict (and anything that runs one) sees
// it: its ONNX file read before any work, checked against what kplab export
// writes (one 1x3xSxS image input; "coords" 1xKx2 and "visibility" 1xK
// outputs; "heatmaps" 1xKxHxH when exported with them) and the schema it
// carries.
#pragma once

#include <string>

#include "data/schema.h"

namespace kplab {

// What predict needs to know about an exported file, read from its graph
// before any work: the image input's name and size, and K from "coords".
struct OnnxModel {
  std::string path;
  std::string input;  // graph input name ("image" for kplab exports)
  int size = 0;       // S of the 1 x 3 x S x S input
  int keypoints = 0;  // K of the 1 x K x 2 "coords" output
  int heatmap = 0;    // H of the 1 x K x H x H "heatmaps" output (0: the graph has none)
  std::string decoder = "regression";  // what run() reads: "coords" or the heatmaps' peaks
  std::string schema_yaml;             // metadata kplab.schema: the schema it was trained in (kplab export)
  std::string experiment_yaml;         // metadata kplab.experiment
};

// MODEL as a user gives it: an .onnx file, or a run or zoo folder holding
// model.onnx. Errors name it and say how to export one.
std::string resolve_model_path(const std::string& model);

// Reads and checks `path`; errors name the file, the input or output, the
// expected and the found shape.
OnnxModel inspect_onnx(const std::string& path);

// --decoder: "auto" takes the heatmaps' peaks when the graph outputs heatmaps
// (the better decoder of kplab's trained models so far), else "coords";
// "heatmap" needs a graph with heatmaps; "regression" reads "coords".
void choose_decoder(OnnxModel& m, const std::string& decoder);

// The schema: `flag` (--schema) when given, else the one the exported file
// carries (kplab.schema), else (files exported before it did) the schema file
// its experiment names, when that is found (find_experiment_schema).
Schema predict_schema(const std::string& flag, const OnnxModel& m);

}  // namespace kplab
