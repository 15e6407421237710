// Evaluation of a model on a cache split: PCK@alpha (torso, LSP protocol),
// PCKh@alpha (head), per joint, AUC of PCK over alpha in [0, 0.5], and pixel
// error in original-image pixels (through each crop's stored transform),
// for both decoders (regression coordinates; heatmap argmax with sub-pixel
// refinement). Only labeled joints count.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "data/cache.h"
#include "data/schema.h"
#include "model/pose_model.h"

namespace kplab {

class Loader;
struct HeatmapCodec;

// Both decoders' predictions over one pass of `loader` (no augmentation, no
// gradients), in crop pixels, with the truth: the one loop that validation
// during training and `kplab eval` share. All tensors on the CPU.
struct SplitPredictions {
  torch::Tensor regression;  // N x K x 2
  torch::Tensor heatmap;     // N x K x 2 (argmax + sub-pixel refinement)
  torch::Tensor truth;       // N x K x 2
  torch::Tensor visible;     // N x K
  torch::Tensor occluded;    // N x K (labeled but occluded, where the dataset says so)
  torch::Tensor index;       // N cache rows
};
SplitPredictions predict_split(PoseModelImpl& model, Loader& loader, const HeatmapCodec& codec,
                               const torch::Device& device);

// What a model predicts for a batch of images (B x 3 x S x S in [0, 1], CPU):
// coords B x K x 2 in input pixels and heatmap probabilities B x K x H x W
// (undefined when the model has none). The seam that lets an exported file
// in another runtime (LiteRT, src/export/tflite_export.h) be scored exactly
// as the LibTorch model is.
struct BatchPrediction {
  torch::Tensor coords;
  torch::Tensor heatmaps;
};
using BatchPredictor = std::function<BatchPrediction(const torch::Tensor& images)>;
// B x K x H x W heatmap logits -> B x K x 2 coords in input pixels.
using CoordsFromHeatmaps = std::function<torch::Tensor(const torch::Tensor& heatmap_logits)>;

// The LibTorch model on `device` as a predictor (no gradients; the model's
// train/eval mode is the caller's).
BatchPredictor libtorch_predictor(PoseModelImpl& model, const torch::Device& device);

// predict_split for any predictor; `heatmap` is undefined when it gives no heatmaps.
SplitPredictions predict_split(const BatchPredictor& predict, Loader& loader, const HeatmapCodec& codec);

struct EvalOptions {
  std::vector<int> splits = {2};        // cache splits to evaluate (default: test)
  std::string decoder = "regression";   // the decoder reported at the top level
  std::string device = "cpu";
  int batch_size = 32;
  bool flip_test = false;               // average with the mirrored image's prediction (eval/flip_test.h)
};

// Keys: pck@0.2, pckh@0.5 (null without pck.head), auc, per_joint (name ->
// PCK@0.2), pck_curve ({alpha: [0, 0.01, ..., 0.5], pck: [...]}, torso),
// mean_px, median_px, n_samples, n_joints, samples_excluded,
// decoder, and by_decoder (the same for both decoders).
nlohmann::json evaluate(PoseModelImpl& model, const CacheData& cache, const Schema& schema, const EvalOptions& options);

// The same for any predictor of a model with this input size, heatmap size
// and keypoint count (options.device unused: the predictor runs where it
// runs). Without heatmaps, by_decoder holds the regression decoder alone.
struct ModelGeometry {
  int input_size = 0;
  int heatmap_size = 0;
  int num_keypoints = 0;
  // How the model computes coords from heatmap logits (a soft-argmax), when
  // it does; empty when they come from elsewhere. Flip testing then averages
  // the heatmaps and applies it, instead of averaging the coordinates.
  CoordsFromHeatmaps coords_from_heatmaps;
};
nlohmann::json evaluate(const BatchPredictor& predict, const ModelGeometry& geometry, const CacheData& cache,
                        const Schema& schema, const EvalOptions& options);

}  // namespace kplab
