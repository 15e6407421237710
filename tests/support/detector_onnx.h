// A stand-in person detector for tests: an ONNX graph that follows kplab's
// detector contract (src/predict/person_detector.h) and always answers the
// boxes it was built with (GlobalAveragePool -> a 1x1 Conv of zero weights
// whose bias holds the rows -> Reshape). No detector can be downloaded here;
// this one checks the plumbing: letterbox, mapping back, thresholds, classes.
#pragma once

#include <string>
#include <vector>

namespace kplab::test {

// Writes the graph to `path`: input "images" 1x3xHxW, output "boxes" shaped
// [1, rows.size(), columns] holding `rows` (each of `columns` values).
void write_detector_onnx(const std::string& path, int height, int width, const std::vector<std::vector<float>>& rows,
                         int columns, int input_channels = 3);

}  // namespace kplab::test
