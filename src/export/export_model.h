// kplab export: a model's inference graph as an ONNX file that TFLite's
// converters accept, checked (onnx checker, strict shape inference), linted
// for TFLite, and proven equal to LibTorch in OpenCV DNN before it is renamed
// into place. A file that fails any check is never left behind.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/pose_model.h"

namespace kplab::onnx_export {

struct ExportOptions {
  bool with_heatmap = false;   // also output "heatmaps" (B x K x H x W probabilities)
  int64_t batch = 1;           // static batch size B of the graph (phones run 1)
  bool overwrite = false;      // replace an existing file
  double tolerance = 1e-4;     // max abs difference allowed against LibTorch: probabilities (visibility, heatmaps)
  // ... and coordinates, in input pixels: the least bound; coords_parity_bound
  // widens it for heatmap expectations over many cells.
  double coords_tolerance = 1e-3;
  std::map<std::string, std::string> metadata;  // extra metadata_props (schema, checkpoint, ...)
};

struct ExportReport {
  std::string path;
  int64_t nodes = 0;
  int64_t parameters = 0;
  int64_t macs = 0;
  std::map<std::string, double> max_abs_diff;  // output -> worst over the parity inputs (OpenCV DNN)
  // The same in kplab's XNNPACK runner (what predict runs); empty, with
  // `xnnpack_note` saying why, when the runner does not cover the graph.
  std::map<std::string, double> max_abs_diff_xnnpack;
  std::string xnnpack_note;
  std::vector<std::string> op_types;           // distinct operators used
  nlohmann::json to_json() const;
};

// The probabilities LibTorch computes for what the ONNX graph outputs.
std::map<std::string, torch::Tensor> reference_outputs(PoseModelImpl& model, const torch::Tensor& image,
                                                       bool with_heatmap);

// The parity bound on "coords" for this model: at least `floor`, and for a
// softmax expectation over the H x W heatmap cells (coords_from: heatmap),
// which each runtime sums in its own order, 8 float32 epsilons x sqrt(H x W)
// cells x the input size: the rounding of such a sum grows with both
// (measured in OpenCV DNN: 6.4e-4 px at 64x64 cells and 128 px, bound 7.8e-3;
// 4.7e-3 px at 128x128 cells and 256 px, bound 3.1e-2). Far below a pixel.
double coords_parity_bound(const PoseModelImpl& model, double floor);

// Parity inputs: uniform noise and a synthetic person, B x 3 x S x S in [0, 1]
// (for B > 1, every slot a different flip/roll of the image).
std::vector<torch::Tensor> parity_inputs(int size, int64_t batch = 1);

ExportReport export_onnx(PoseModelImpl& model, const std::string& path, const ExportOptions& options);

}  // namespace kplab::onnx_export
